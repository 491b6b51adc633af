"""Evaluate a trained run or an exported ONNX model: metrics, mistakes, report and plots.

``python -m training evaluate --run DIR --data DATA_ROOT`` evaluates a run folder on the course's
train / validation / test splits and writes ``report.json`` and ``plots/`` into it.
``python -m training evaluate --onnx FILE --folder DIR`` scores an exported model on another test
set laid out as ``DIR/<char>/*.png``.
"""

from __future__ import annotations

import argparse
import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.confusion import accuracy_by_class, confusion_summary, is_large, pair_cells
from desktop.core.contract import LOGITS
from desktop.core.onnx_model import ModelContractError, OnnxModel, softmax
from training.errors import DataError

#: Keras clips probabilities to [eps, 1 - eps] in cross-entropy; so do we, to report the same loss.
_EPSILON = 1e-7
TOP_K = 5
CONFIDENCE_BINS = np.linspace(0.0, 1.0, 11)
_BATCH = 256
#: Examples kept per cell of the confusion matrix, so clicking any cell shows images: the most
#: confident mistakes of an off-diagonal cell, a few typical successes on the diagonal.
MISTAKES_PER_CELL = 6
SUCCESSES_PER_CELL = 3
#: At most this many mistake examples in all; with more confused cells than that allows at six
#: each, every cell keeps fewer (at least one), so a weak model's report stays a few megabytes.
MAX_MISTAKE_EXAMPLES = 400


def encode_png(image: np.ndarray) -> str:
    """An 80x60 uint8 model input as a base64 PNG string (lossless, so the exact input)."""
    import cv2

    grey = np.asarray(image)
    grey = grey[..., 0] if grey.ndim == 3 else grey
    ok, data = cv2.imencode(".png", np.clip(np.rint(grey), 0, 255).astype(np.uint8))
    if not ok:
        raise ValueError(f"could not encode an image of shape {grey.shape} as PNG")
    return base64.b64encode(data.tobytes()).decode("ascii")


def _mistakes_per_cell(counts: list[int]) -> int:
    """The largest per-cell quota (1..MISTAKES_PER_CELL) whose total stays within the budget."""
    quota = MISTAKES_PER_CELL
    while quota > 1 and sum(min(c, quota) for c in counts) > MAX_MISTAKE_EXAMPLES:
        quota -= 1
    return quota


def confusion_examples(
    images: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    confidence: np.ndarray,
    sources: Sequence[str] | None,
    only: set[tuple[int, int]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """``{"true,predicted": [{"source", "confidence", "image_png"}, ...]}`` for every non-empty cell.

    Most confident first; see :data:`MISTAKES_PER_CELL` and :data:`SUCCESSES_PER_CELL`. With
    ``only`` (a large model's most confused pairs) just those cells are kept.
    """
    order = np.argsort(-confidence, kind="stable")
    cells: dict[tuple[int, int], list[int]] = {}
    for i in order:
        cell = (int(labels[i]), int(predicted[i]))
        if only is None or cell in only:
            cells.setdefault(cell, []).append(int(i))
    quota = _mistakes_per_cell([len(v) for (t, p), v in cells.items() if t != p])
    examples = {}
    for (t, p), members in sorted(cells.items()):
        keep = members[: SUCCESSES_PER_CELL if t == p else quota]
        examples[f"{t},{p}"] = [
            {
                "source": sources[i] if sources else None,
                "confidence": float(confidence[i]),
                "image_png": encode_png(images[i]),
            }
            for i in keep
        ]
    return examples


def failure_label(*, true: str, predicted: str, confidence: float) -> str:
    """How the course titles a mistake: the prediction, the truth, the confidence: ``东 not 炎 (63%)``."""
    return f"{predicted} not {true} ({confidence:.0%})"


def evaluate_predictions(
    probs: np.ndarray,
    labels: Sequence[int],
    class_names: Sequence[str],
    sources: Sequence[str] | None = None,
    images: np.ndarray | None = None,
) -> dict[str, Any]:
    """Metrics and mistakes of class probabilities ``[N, classes]`` against integer ``labels``.

    Returns ``n``, ``loss`` (mean cross-entropy), ``accuracy``, ``top5``, ``confusion_matrix``
    (rows = true class, columns = predicted; for more than ``LARGE_MODEL_CLASSES`` classes None,
    with ``confused_pairs`` and ``class_table`` instead), ``per_class_accuracy`` (None for a class with no
    samples), ``failed_predictions`` (most confident first), ``confidence`` (histograms) and the
    raw ``confidence_correct`` / ``confidence_wrong`` lists. With the evaluated ``images``
    (uint8 ``[N, 80, 60, 1]``) each failure carries its ``image_png`` and the result gains
    ``confusion_examples``.
    """
    # Thousands of classes stay float32: a copy in float64 would double the largest array.
    probs = np.asarray(probs, dtype=np.float32 if is_large(len(class_names)) else np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    _check_predictions(probs, labels, class_names, images)
    n, width = probs.shape
    true_p = np.clip(probs[np.arange(n), labels].astype(np.float64), _EPSILON, 1 - _EPSILON)
    predicted = probs.argmax(axis=1)
    confidence = probs.max(axis=1)
    correct = predicted == labels
    ranked = _top_k(probs)
    in_top_k = (ranked == labels[:, None]).any(axis=1)

    conf_correct, conf_wrong = confidence[correct], confidence[~correct]
    confusion = _confusion(labels, predicted, class_names)
    result = {
        "n": int(n),
        "loss": float(-np.log(true_p).mean()),
        "accuracy": float(correct.mean()),
        "top5": float(in_top_k.mean()),
        **confusion,
        "failed_predictions": _failures(probs, labels, ranked, class_names, sources, images),
        "confidence_correct": conf_correct.tolist(),
        "confidence_wrong": conf_wrong.tolist(),
        "confidence": {
            "bins": CONFIDENCE_BINS.tolist(),
            "correct": np.histogram(conf_correct, CONFIDENCE_BINS)[0].astype(int).tolist(),
            "wrong": np.histogram(conf_wrong, CONFIDENCE_BINS)[0].astype(int).tolist(),
        },
    }
    if images is not None:
        only = pair_cells(confusion) if "confused_pairs" in confusion else None
        result["confusion_examples"] = confusion_examples(images, labels, predicted, confidence, sources, only)
    return result


def _top_k(probs: np.ndarray) -> np.ndarray:
    """Each row's ``TOP_K`` most likely classes, best first.

    A large model's rows are partially sorted (``argpartition``: linear, not ``n log n``, in the
    classes); within the five, ties go to the lower class index as in the full stable sort.
    """
    k = min(TOP_K, probs.shape[1])
    if not is_large(probs.shape[1]):
        return np.argsort(-probs, axis=1, kind="stable")[:, :k]
    candidates = np.argpartition(-probs, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(probs, candidates, axis=1)
    order = np.lexsort((candidates, -values))
    return np.take_along_axis(candidates, order, axis=1)


def _confusion(labels: np.ndarray, predicted: np.ndarray, class_names: Sequence[str]) -> dict[str, Any]:
    """``confusion_matrix`` and ``per_class_accuracy``; beyond ``LARGE_MODEL_CLASSES`` classes the matrix is
    ``None`` and ``confused_pairs`` and ``class_table`` stand in for it (``desktop.core.confusion``)."""
    if is_large(len(class_names)):
        summary = confusion_summary(labels, predicted, class_names)
        return {"confusion_matrix": None,
                "per_class_accuracy": accuracy_by_class(summary["class_table"], class_names), **summary}
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(labels, predicted, labels=np.arange(len(class_names)))
    return {"confusion_matrix": matrix.astype(int).tolist(),
            "per_class_accuracy": _per_class_accuracy(matrix, class_names)}


def _check_predictions(probs: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                       images: np.ndarray | None) -> None:
    n, width = probs.shape if probs.ndim == 2 else (0, 0)
    if probs.ndim != 2 or width != len(class_names):
        raise ValueError(f"probabilities of shape {probs.shape} do not match {len(class_names)} classes")
    if len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} predictions")
    if n == 0:
        raise DataError("there are no images to evaluate")
    if images is not None and len(images) != n:
        raise ValueError(f"{len(images)} images for {n} predictions")


def _per_class_accuracy(matrix: np.ndarray, class_names: Sequence[str]) -> dict[str, float | None]:
    """The diagonal over each row of the confusion matrix; None for a class with no samples."""
    per_class = {}
    for i, name in enumerate(class_names):
        total = int(matrix[i].sum())
        per_class[name] = float(matrix[i, i] / total) if total else None
    return per_class


def _failures(probs: np.ndarray, labels: np.ndarray, ranked: np.ndarray, class_names: Sequence[str],
              sources: Sequence[str] | None, images: np.ndarray | None) -> list[dict[str, Any]]:
    """Every wrong prediction, most confident first (the instructive ones), with its top 5."""
    predicted = probs.argmax(axis=1)
    confidence = probs.max(axis=1)
    failures = []
    for i in np.flatnonzero(predicted != labels):
        true_name, pred_name = class_names[labels[i]], class_names[predicted[i]]
        failures.append(
            {
                "index": int(i),
                "source": sources[i] if sources else None,
                "true": true_name,
                "predicted": pred_name,
                "confidence": float(confidence[i]),
                "top5": [[class_names[j], float(probs[i, j])] for j in ranked[i]],
                "label": failure_label(true=true_name, predicted=pred_name, confidence=float(confidence[i])),
            }
        )
        if images is not None:
            failures[-1]["image_png"] = encode_png(images[i])
    failures.sort(key=lambda f: -f["confidence"])
    return failures


def evaluate_splits(model, splits: dict[str, Any], class_names: Sequence[str], output_kind: str) -> dict[str, Any]:
    """:func:`evaluate_predictions` of a Keras model on each named split (``CharacterData``).

    Only the ``test`` split's mistakes are shown in a report, so only they carry images.
    """
    evaluations = {}
    for split, data in splits.items():
        probs = predict_keras(model, data.float_images(), output_kind)
        images = data.images if split == "test" else None
        evaluations[split] = evaluate_predictions(probs, data.labels, class_names, data.sources, images)
    return evaluations


def predict_keras(model, images: np.ndarray, output_kind: str) -> np.ndarray:
    """Class probabilities from a Keras model (softmax applied when it outputs logits)."""
    raw = model.predict(np.asarray(images, dtype=np.float32), batch_size=_BATCH, verbose=0)
    return softmax(raw) if output_kind == LOGITS else np.asarray(raw, dtype=np.float32)


def predict_onnx(model: OnnxModel, images: np.ndarray) -> np.ndarray:
    """Class probabilities from an :class:`OnnxModel`, in batches to bound memory."""
    images = np.asarray(images, dtype=np.float32)
    parts = [model.predict_proba(images[i : i + _BATCH]) for i in range(0, len(images), _BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, len(model.class_names)), np.float32)


def _check_classes(data, class_names: list[str], where: str) -> None:
    if list(data.class_names) != list(class_names):
        found, expected = "".join(data.class_names), "".join(class_names)
        raise DataError(f"{where}: the data's classes ({found}) differ from the model's ({expected})")


def evaluate_run(run_dir: str | Path, data_root: str | Path, *, strict: bool = False) -> dict[str, Any]:
    """Evaluate ``run_dir/model.keras`` on train / validation / test; write ``report.json`` and ``plots/``.

    The Train split is divided 80/20 exactly as in training, so "validation" is the same images
    early stopping watched. Returns the report.
    """
    from training import casia, plots
    from training.data import train_validation_split
    from training.report import build_report, read_json, write_json_atomic
    from training.runs import load_run

    run = load_run(run_dir)
    run_dir, model, class_names, output_kind = run.folder, run.model, run.class_names, run.output_kind
    if model.inputs[0].shape[-1] != 1:
        from training.errors import DataError

        raise DataError(f"{run_dir} holds a stroke model: it reads pen strokes, and the Train/Test picture folders "
                        "evaluate reads have none (export it and try it in the Write panel or with recognize)")

    train_all = casia.load_split(data_root, "Train", class_names, strict=strict)
    _check_classes(train_all, class_names, f"{data_root}/Train")
    test = casia.load_split(data_root, "Test", class_names, strict=strict)
    _check_classes(test, class_names, f"{data_root}/Test")
    train, validation = train_validation_split(train_all)

    evaluations = evaluate_splits(model, {"train": train, "validation": validation, "test": test}, class_names,
                                  output_kind)

    report = build_report(
        model,
        name=run.name,
        title=run.title,
        output_kind=output_kind,
        class_names=class_names,
        trained_on=run.info.get("trained_on", str(data_root)),
        history_file=run.history,
        evaluations=evaluations,
        size_bytes=run.model_file.stat().st_size,
    )
    previous = run_dir / "report.json"
    if previous.is_file():  # feature pictures depend on the model only: keep them across evaluations
        try:
            kept = read_json(previous).get("feature_visualisations")
        except DataError:  # a broken old report is simply replaced
            kept = None
        if kept and kept.get("folder") and (run_dir / kept["folder"]).is_dir():
            report["feature_visualisations"] = kept
    write_json_atomic(run_dir / "report.json", report)
    plots.plot_report(report, run_dir / "plots", detail_images=test.images)
    return report


def _folder_classes(folder: Path) -> dict[str, int]:
    """``{class folder name: number of files}`` of a ``<char>/*`` folder."""
    if not folder.is_dir():
        raise DataError(f"{folder}: folder not found")
    return {
        d.name: sum(1 for f in d.iterdir() if f.is_file())
        for d in sorted(folder.iterdir())
        if d.is_dir() and not d.name.startswith(".")
    }


def evaluate_onnx_on_folder(
    onnx_path: str | Path, folder: str | Path, *, out_dir: str | Path | None = None
) -> dict[str, Any]:
    """Score an exported model on another test set ``folder/<char>/*.png``.

    Only class folders the model knows are evaluated; the others are listed under
    ``ignored_classes`` (name -> file count). When none match, :class:`DataError` says which
    names were found and how many files they hold. With ``out_dir`` the result is written to
    ``out_dir/evaluation.json`` together with the plots.
    """
    from training import casia

    folder = Path(folder)
    try:
        model = OnnxModel(onnx_path)
    except ModelContractError as exc:  # a user's file: report it like any other bad input
        raise DataError(str(exc)) from exc
    known, unknown = _known_class_folders(model, folder, Path(onnx_path).name)
    data = casia.load_folder(folder, known)
    if len(data) == 0:
        raise DataError(f"{folder}: no readable images in the folders {''.join(known)}")
    # Re-index labels from the loaded classes to the model's output order.
    to_model = np.array([model.class_names.index(c) for c in data.class_names])
    labels = to_model[np.asarray(data.labels)]
    probs = predict_onnx(model, data.float_images())
    evaluation = evaluate_predictions(probs, labels, model.class_names, data.sources, data.images)
    result = _folder_result(onnx_path, folder, model, data, evaluation, unknown)
    if out_dir is not None:
        from training import plots
        from training.report import write_json_atomic

        out = Path(out_dir)
        write_json_atomic(out / "evaluation.json", result)
        plots.plot_report(result, out, detail_images=data.images)
    return result


def _known_class_folders(model: OnnxModel, folder: Path, model_name: str) -> tuple[list[str], dict[str, int]]:
    """The class folders the model knows (in its order), and the others with their file counts."""
    found = _folder_classes(folder)
    known = [c for c in model.class_names if c in found]
    unknown = {c: n for c, n in found.items() if c not in model.class_names}
    if not known:
        listing = ", ".join(f"{c} ({n} files)" for c, n in unknown.items()) or "no class folders"
        raise DataError(
            f"{folder}: none of its class folders is a class of {model_name} "
            f"({len(unknown)} folders, {sum(unknown.values())} files: {listing}); "
            f"the model knows {''.join(model.class_names)}"
        )
    return known, unknown


def _folder_result(onnx_path: str | Path, folder: Path, model: OnnxModel, data, evaluation: dict[str, Any],
                   unknown: dict[str, int]) -> dict[str, Any]:
    """``evaluation.json``: the metrics and mistakes of the classes that were evaluated."""
    from training.report import metrics_of

    evaluated = set(data.class_names)
    return {
        "onnx": str(onnx_path),
        "folder": str(folder),
        "title": model.title,
        "class_names": list(model.class_names),
        "metrics": metrics_of(evaluation),
        "n": evaluation["n"],
        "classes": [c for c in model.class_names if c in evaluated],
        "ignored_classes": unknown,
        "skipped_files": [list(s) for s in data.skipped],
        "per_class_accuracy": {c: a for c, a in evaluation["per_class_accuracy"].items() if c in evaluated},
        "confusion_matrix": evaluation["confusion_matrix"],
        **{key: evaluation[key] for key in ("confused_pairs", "class_table") if key in evaluation},
        "failed_predictions": evaluation["failed_predictions"],
        "confusion_examples": evaluation["confusion_examples"],
        "confidence": evaluation["confidence"],
    }


# -- command line -------------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Evaluate a training run (--run, --data) or an exported ONNX model on a folder (--onnx, --folder)."
    )
    parser.add_argument("--run", type=Path, help="training run folder (model.keras, run.json, history.json)")
    parser.add_argument("--data", type=Path, help="data root with Train/<char>/ and Test/<char>/ folders")
    parser.add_argument(
        "--strict", action="store_true", help="stop at the first unreadable image instead of skipping it"
    )
    parser.add_argument("--onnx", type=Path, help="exported ONNX model to evaluate on --folder")
    parser.add_argument("--folder", type=Path, help="another test set: DIR/<char>/*.png")
    parser.add_argument("--out", type=Path, help="with --onnx: where to write evaluation.json and plots")


def _table(rows: dict[str, dict[str, Any]]) -> str:
    lines = [f"{'set':<12}{'images':>8}{'loss':>9}{'accuracy':>10}{'top-5':>8}"]
    for name, m in rows.items():
        lines.append(f"{name:<12}{m.get('n', ''):>8}{m['loss']:>9.4f}{m['accuracy']:>10.1%}{m['top5']:>8.1%}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.run is not None:
        if args.data is None or args.onnx is not None:
            raise DataError("use --run DIR --data DATA_ROOT, or --onnx FILE --folder DIR")
        report = evaluate_run(args.run, args.data, strict=args.strict)
        print(_table(report["metrics"]))
        print(f"report: {Path(args.run) / 'report.json'}  plots: {Path(args.run) / 'plots'}")
        return 0
    if args.onnx is not None and args.folder is not None:
        result = evaluate_onnx_on_folder(args.onnx, args.folder, out_dir=args.out)
        print(_table({Path(args.folder).name or str(args.folder): result["metrics"]}))
        if result["ignored_classes"]:
            ignored = ", ".join(f"{c} ({n} files)" for c, n in result["ignored_classes"].items())
            print(f"ignored folders the model does not know: {ignored}")
        if args.out is not None:
            print(f"written to {args.out}")
        return 0
    raise DataError("use --run DIR --data DATA_ROOT, or --onnx FILE --folder DIR")
