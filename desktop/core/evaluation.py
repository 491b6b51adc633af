"""Score a character model on the user's own test set: a folder of ``<char>/<image>`` files.

The course's ``mandarin`` folder (55 characters x 7 poorly written samples) is the typical input.
Every image is read and framed exactly as when a student opens an image in the app, run through
the model in batches, and summarised with the same keys as the evaluation part of a model's
sidecar report (``docs/model-contract.md``), so the Results views can show it unchanged.
Streaming: only the images the views need (the most confident mistakes, a few examples per
confusion cell) are kept, so a large folder does not fill the memory.

Qt-free: numpy + OpenCV + onnxruntime (through :class:`~desktop.core.onnx_model.OnnxModel`).
"""

from __future__ import annotations

import base64
import heapq
import os
import unicodedata
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np

from desktop.core.confusion import accuracy_by_class, confusion_summary, is_large, pair_cells
from desktop.core.framing import EmptyDrawing
from desktop.core.onnx_model import OnnxModel
from desktop.core.recognition import InputFileError, image_to_input, read_image_file

#: Keras clips probabilities to [eps, 1 - eps] in cross-entropy; so do we, to report the same loss.
EPSILON = 1e-7
TOP_K = 5
BATCH_SIZE = 64
CONFIDENCE_BINS = np.linspace(0.0, 1.0, 11)
#: Mistakes kept with their images (the most confident ones); ``failed_total`` counts them all.
MAX_FAILED_PREDICTIONS = 200
#: Example images kept per confusion-matrix cell: mistakes, and correct answers on the diagonal.
EXAMPLES_PER_MISTAKE_CELL = 6
EXAMPLES_PER_DIAGONAL_CELL = 3

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class EvaluationError(ValueError):
    """A test folder that cannot be evaluated; the message names the folder."""


class FolderMismatchError(EvaluationError):
    """None of the folder's class folders is a class of the model."""

    def __init__(self, folder: Path, model_name: str, found: dict[str, int], model_classes: list[str]):
        self.folder = folder
        self.found = found
        listing = ", ".join(f"{name} ({count} files)" for name, count in found.items()) or "no class folders at all"
        super().__init__(
            f"{folder}: none of its class folders is a class of {model_name} "
            f"({len(found)} folders, {sum(found.values())} files: {listing}). "
            f"Expected folders named after the model's characters: {''.join(model_classes)}"
        )


class EvaluationCancelled(Exception):
    """The user stopped the evaluation."""


def failure_label(*, true: str, predicted: str, confidence: float) -> str:
    """How the course titles a mistake: the prediction, the truth, the confidence: ``东 not 炎 (63%)``."""
    return f"{predicted} not {true} ({confidence:.0%})"


def encode_png(image: np.ndarray) -> str:
    """A uint8 grey image -> base64 PNG text (how reports carry images)."""
    ok, data = cv2.imencode(".png", np.ascontiguousarray(image))
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 grey array
        raise ValueError("could not encode the image as PNG")
    return base64.b64encode(data.tobytes()).decode("ascii")


def _as_uint8(model_input: np.ndarray) -> np.ndarray:
    """The float32 [80, 60, 1] model input as the uint8 [80, 60] picture of it."""
    return np.clip(np.rint(model_input[..., 0]), 0, 255).astype(np.uint8)


def _visible_entries(folder: Path) -> list[os.DirEntry]:
    return sorted((e for e in os.scandir(folder) if not e.name.startswith(".")), key=lambda e: e.name)


def class_folders(folder: str | Path) -> dict[str, list[Path]]:
    """``{class folder name: its files}`` of a ``<char>/<image>`` folder (hidden files left out)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EvaluationError(f"{folder}: folder not found")
    classes = {}
    for entry in _visible_entries(folder):
        if entry.is_dir():
            name = unicodedata.normalize("NFC", entry.name)  # macOS may hand out decomposed names
            classes[name] = [Path(e.path) for e in _visible_entries(Path(entry.path)) if e.is_file()]
    return classes


class _TopExamples:
    """The ``size`` entries with the highest confidence seen so far (a bounded min-heap)."""

    def __init__(self, size: int):
        self.size = size
        self._heap: list[tuple[float, int, dict[str, Any], np.ndarray]] = []

    def offer(self, confidence: float, order: int, entry: dict[str, Any], image: np.ndarray) -> None:
        # -order: among equal confidences the earlier file wins, so results do not depend on heap order.
        item = (confidence, -order, entry, image)
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, item)
        elif item[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, item)

    def best_first(self) -> list[dict[str, Any]]:
        ranked = sorted(self._heap, key=lambda item: (-item[0], -item[1]))
        return [{**entry, "image_png": encode_png(image)} for _, _, entry, image in ranked]


class _Tally:
    """Everything the result needs, accumulated batch by batch."""

    def __init__(self, class_names: list[str]):
        self.class_names = class_names
        width = len(class_names)
        # Thousands of classes: (true, predicted) pairs, summarised at the end (desktop.core.confusion).
        self.large = is_large(width)
        self.matrix = np.zeros((0, 0) if self.large else (width, width), dtype=np.int64)
        self.pairs: list[np.ndarray] = []
        self.n = 0
        self.loss_sum = 0.0
        self.correct = 0
        self.in_top_k = 0
        self.confidence_correct: list[float] = []
        self.confidence_wrong: list[float] = []
        self.failed = _TopExamples(MAX_FAILED_PREDICTIONS)
        self.failed_total = 0
        self.cells: dict[tuple[int, int], _TopExamples] = {}

    def add(self, probs: np.ndarray, labels: np.ndarray, images: list[np.ndarray], sources: list[str]) -> None:
        probs = probs.astype(np.float64)
        rows = np.arange(len(labels))
        predicted = probs.argmax(axis=1)
        confidence = probs.max(axis=1)
        ranked = np.argsort(-probs, axis=1, kind="stable")[:, : min(TOP_K, probs.shape[1])]
        self.loss_sum += float(-np.log(np.clip(probs[rows, labels], EPSILON, 1 - EPSILON)).sum())
        self.in_top_k += int((ranked == labels[:, None]).any(axis=1).sum())
        if self.large:
            self.pairs.append(np.stack([labels, predicted]).astype(np.int64))
        else:
            np.add.at(self.matrix, (labels, predicted), 1)
        names = self.class_names
        for i, (true, pred, conf) in enumerate(zip(labels, predicted, confidence)):
            order, conf = self.n + i, float(conf)
            picture = _as_uint8(images[i])
            if true != pred or not self.large:  # a large report keeps images of its confused pairs only
                cell_size = EXAMPLES_PER_DIAGONAL_CELL if true == pred else EXAMPLES_PER_MISTAKE_CELL
                cell = self.cells.setdefault((int(true), int(pred)), _TopExamples(cell_size))
                cell.offer(conf, order, {"source": sources[i], "confidence": conf}, picture)
            if true == pred:
                self.correct += 1
                self.confidence_correct.append(conf)
                continue
            self.confidence_wrong.append(conf)
            self.failed_total += 1
            entry = {
                "index": order,
                "source": sources[i],
                "true": names[true],
                "predicted": names[pred],
                "confidence": conf,
                "top5": [[names[j], float(probs[i, j])] for j in ranked[i]],
                "label": failure_label(true=names[true], predicted=names[pred], confidence=conf),
            }
            self.failed.offer(conf, order, entry, picture)
        self.n += len(labels)

    def confusion(self) -> dict[str, Any]:
        """``confusion_matrix``, ``per_class_accuracy`` and ``confusion_examples``; for a large model the
        most confused pairs and the per-class table instead of the matrix, and only their cells' images."""
        if self.large:
            pairs = np.concatenate(self.pairs, axis=1) if self.pairs else np.zeros((2, 0), np.int64)
            summary = confusion_summary(pairs[0], pairs[1], self.class_names)
            keep = pair_cells(summary)
            examples = {f"{t},{p}": cell.best_first() for (t, p), cell in sorted(self.cells.items()) if (t, p) in keep}
            return {"confusion_matrix": None, "per_class_accuracy": accuracy_by_class(summary["class_table"],
                                                                                      self.class_names),
                    **summary, "confusion_examples": examples}
        per_class = {}
        for i, name in enumerate(self.class_names):
            total = int(self.matrix[i].sum())
            per_class[name] = float(self.matrix[i, i] / total) if total else None
        return {"confusion_matrix": self.matrix.astype(int).tolist(), "per_class_accuracy": per_class,
                "confusion_examples": {f"{t},{p}": cell.best_first() for (t, p), cell in sorted(self.cells.items())}}

    def result(self) -> dict[str, Any]:
        return {
            "metrics": {
                "test": {
                    "n": self.n,
                    "loss": self.loss_sum / self.n,
                    "accuracy": self.correct / self.n,
                    "top5": self.in_top_k / self.n,
                }
            },
            **self.confusion(),
            "failed_predictions": self.failed.best_first(),
            "failed_total": self.failed_total,
            "confidence": {
                "bins": CONFIDENCE_BINS.tolist(),
                "correct": np.histogram(self.confidence_correct, CONFIDENCE_BINS)[0].astype(int).tolist(),
                "wrong": np.histogram(self.confidence_wrong, CONFIDENCE_BINS)[0].astype(int).tolist(),
            },
        }


def _read_input(path: Path) -> np.ndarray:
    """One image file -> the framed float32 [80, 60, 1] model input (as the app frames an opened image)."""
    try:
        return image_to_input(read_image_file(path))
    except EmptyDrawing:
        raise InputFileError(path, "blank image: no ink to recognise") from None


def evaluate_folder(
    model: OnnxModel,
    folder: str | Path,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict[str, Any]:
    """Run ``model`` on every image of ``folder/<char>/*`` and summarise like a report's test split.

    Returns ``class_names``, ``metrics`` ({"test": {n, loss, accuracy, top5}}), ``confusion_matrix``
    (rows = true class, columns = predicted, over all the model's classes; beyond
    ``LARGE_MODEL_CLASSES`` None, with ``confused_pairs`` and ``class_table``), ``per_class_accuracy``
    (None for a class without images), ``failed_predictions`` (most confident first, each with the
    model input as ``image_png``), ``failed_total``, ``confusion_examples``, ``confidence``
    (histograms), ``ignored_classes`` ({folder name: file count} of folders that are not classes of
    the model) and ``unreadable`` ([[path, reason], ...]).

    ``progress(done, total)`` is called after each batch; ``cancelled()`` is checked before each
    batch and raises :class:`EvaluationCancelled` when true. Raises :class:`FolderMismatchError`
    when no class folder matches the model, :class:`EvaluationError` when no image is readable or the
    model is a stroke model (it reads how characters were written, which pictures do not hold).
    """
    folder = Path(folder)
    if model.input_kind != "image":
        raise EvaluationError(f"{model.path.name} reads pen strokes, and a folder of pictures has none: "
                              "evaluate an image model on it")
    class_names = model.class_names
    found = class_folders(folder)
    index_of = {name: i for i, name in enumerate(class_names)}
    ignored = {name: len(files) for name, files in found.items() if name not in index_of}
    known = [(index_of[name], name) for name in class_names if name in found]
    if not known:
        raise FolderMismatchError(folder, model.path.name, ignored, class_names)

    jobs = [(path, label) for label, name in known for path in found[name]]
    tally = _Tally(class_names)
    unreadable: list[list[str]] = []
    if progress:
        progress(0, len(jobs))
    for start in range(0, len(jobs), batch_size):
        if cancelled and cancelled():
            raise EvaluationCancelled(f"evaluation of {folder} cancelled")
        _evaluate_batch(model, jobs[start : start + batch_size], tally, unreadable)
        if progress:
            progress(min(start + batch_size, len(jobs)), len(jobs))
    if tally.n == 0:
        names = "".join(name for _, name in known)
        raise EvaluationError(f"{folder}: no readable image in the class folders {names} ({len(jobs)} files tried)")

    return {
        "kind": "evaluation",
        "model": {"name": model.path.stem, "title": model.title, "path": str(model.path)},
        "folder": str(folder),
        "class_names": class_names,
        "detail_split": "test",
        "evaluated_classes": [name for _, name in known],
        **tally.result(),
        "ignored_classes": ignored,
        "unreadable": unreadable,
    }


def _evaluate_batch(model: OnnxModel, jobs: list[tuple[Path, int]], tally: _Tally, unreadable: list[list[str]]) -> None:
    """Read one batch of (file, label) jobs, run the model on the readable ones, add them to ``tally``."""
    images, labels, sources = [], [], []
    for path, label in jobs:
        try:
            images.append(_read_input(path))
        except InputFileError as exc:
            unreadable.append([str(path), exc.reason])
            continue
        labels.append(label)
        sources.append(str(path))
    if images:
        tally.add(model.predict_proba(np.stack(images)), np.asarray(labels), images, sources)
