"""It learns your handwriting: a user's corrected samples and the personal layer they make.

When the Write panel reads a character wrongly and the user picks the right one, the drawing is
kept (:class:`PersonalSamples`, a folder of ``<char>/<n>.png`` in the user's data folder). The
:class:`PersonalLayer` then compares every new drawing with those samples in the model's
*embedding* space (the features its class head reads; model contract, "Embedding output") and
raises the score of a corrected character only for drawings that really resemble the user's own
samples of it: characters never corrected keep the model's scores, and a drawing unlike every
sample is read exactly as the model reads it.

How: each corrected character gets a prototype, the mean direction of its samples' embeddings
measured from the embedding of blank paper (so what every drawing shares, the paper, does not
count as resemblance). A drawing whose cosine similarity ``s`` to a prototype exceeds
:data:`RESEMBLANCE` has that character's log-probability raised by
``MAX_BOOST * (s - RESEMBLANCE) / (1 - RESEMBLANCE)``; and when it resembles some corrected
character that much, every corrected character it resembles less than the best-matching one is
lowered by ``RIVAL_PENALTY`` times the difference (a contest among corrected characters only: the
others' scores are never lowered). The constants
were chosen on synthetic writers drawn from the training ranges only, as the best gain that costs
characters the user never corrected at most a point, for the course CNN of the time
(``benchmarks/personal_writers.py`` measures the result on held-out writers). On the residual
networks shipped since, the same flow costs those characters 1.6-2.0 points and no setting of these
constants gives a net gain (benchmarks/README.md, "It learns your handwriting"). The nearest single sample instead of the prototype did the same; a head
trained on the samples (on top of the model's scores) gained less and cost uncorrected characters
2-6 points; heads that only rank the corrected characters among themselves gained a little more
when every character had samples, but have nothing to say about a drawing of one that has none.
Without the blank-paper origin, features that never start at zero (the logistic model's pixels)
make every drawing resemble every sample.
Qt-free: numpy + OpenCV.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from .atomic import write_bytes_atomic, write_text_atomic
from .contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, INPUT_OF_KIND, STROKE_CHANNELS, STROKES_KIND
from .images import ImageDecodeError, decode_image
from .strokes import as_strokes

logger = logging.getLogger(__name__)

#: Cosine similarity to a corrected character's samples above which a drawing resembles them.
RESEMBLANCE = 0.75
#: The largest rise of a corrected character's log-probability (e^4: about 55 times likelier),
#: reached by a drawing pointing exactly like its samples.
MAX_BOOST = 4.0
#: How far a corrected character falls behind the best-matching corrected one, per unit of cosine
#: similarity it lacks: when the user has corrected both, the drawing's own resemblance decides.
RIVAL_PENALTY = 10.0
#: Paper grey: the blank page the embedding's origin is measured on.
PAPER = 255.0

_SAMPLE_NAME = re.compile(r"^([0-9]{1,9})\.(png|json)$")
#: Characters a file name may not hold on some system (Windows is the strictest).
_FORBIDDEN_IN_NAMES = set('<>:"/\\|?*')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_MAX_NAME = 64


def check_class_name(name: str) -> str:
    """``name`` when it is safe as a folder name on every system; ValueError saying why otherwise."""
    if not isinstance(name, str) or not name:
        raise ValueError("a character needs a name to be kept under")
    problem = None
    if len(name) > _MAX_NAME:
        problem = f"it is longer than {_MAX_NAME} characters"
    elif any(c in _FORBIDDEN_IN_NAMES or ord(c) < 32 or ord(c) == 127 for c in name):
        problem = 'it holds a path separator, a control character or one of <>:"|?*'
    elif name.startswith(".") or name.endswith(" ") or name.endswith("."):
        problem = "it starts with a dot or ends with a dot or a space"
    elif name.split(".")[0].upper() in _WINDOWS_DEVICES:
        problem = "Windows reserves it for a device"
    if problem:
        raise ValueError(f"{name!r} cannot be a folder name: {problem}")
    return name


def _model_image(image: np.ndarray) -> np.ndarray:
    """An [80, 60, 1] or [80, 60] model input 0..255 -> uint8 [80, 60] (rounded to whole grey levels)."""
    grey = np.asarray(image)
    if grey.ndim == 3 and grey.shape[-1] == 1:
        grey = grey[..., 0]
    if grey.shape != (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH):
        raise ValueError(f"a personal sample is the {CHAR_INPUT_HEIGHT}x{CHAR_INPUT_WIDTH} model input, "
                         f"got shape {list(np.shape(image))}")
    if not np.isfinite(grey).all():
        raise ValueError("a personal sample holds a pixel that is not a finite number")
    return np.clip(np.rint(grey), 0, 255).astype(np.uint8)


class PersonalSamples:
    """A user's corrected samples in a folder laid out as <folder>/<char>/<n>.png (the 80x60 model
    input, grey, paper 255) + <n>.json (the strokes, when written on the canvas)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._lock = threading.Lock()  # two corrections in quick succession must not pick one number
        # Stroke-model inputs by stroke file, with the file's size and time: each is framed once, not per load.
        self._framed: dict[Path, tuple[tuple[int, int], np.ndarray]] = {}

    def _numbered(self, char_dir: Path) -> list[tuple[int, Path]]:
        """This store's files in one character folder: ``(n, path)`` for ``<n>.png`` and ``<n>.json``."""
        found = []
        with os.scandir(char_dir) as entries:
            for entry in entries:
                match = _SAMPLE_NAME.match(entry.name)
                if match and entry.is_file():
                    found.append((int(match.group(1)), Path(entry.path)))
        return found

    def _char_dirs(self) -> list[tuple[str, Path]]:
        if not self.folder.is_dir():
            return []
        dirs = []
        with os.scandir(self.folder) as entries:
            for entry in entries:
                try:
                    if entry.is_dir():
                        dirs.append((check_class_name(entry.name), Path(entry.path)))
                except ValueError:  # not a folder this store made
                    continue
        return sorted(dirs)

    def _pngs(self) -> list[tuple[str, int, Path]]:
        """Every sample image as ``(char, n, path)``: characters in code-point order, then by number."""
        samples = []
        for char, char_dir in self._char_dirs():
            samples += sorted((char, n, p) for n, p in self._numbered(char_dir) if p.suffix == ".png")
        return samples

    def add(self, char: str, image: np.ndarray, strokes: Sequence[np.ndarray] | None = None,
            pen_width: float | None = None) -> Path:
        """Keep one corrected drawing of ``char``; returns the PNG's path. Files are written atomically.

        ``pen_width`` (canvas pixels) is kept with the strokes, so a stroke model later sees the
        drawing as it was written."""
        check_class_name(char)
        grey = _model_image(image)
        stroke_list = as_strokes(strokes) if strokes is not None else None
        ok, encoded = cv2.imencode(".png", grey)
        if not ok:
            raise ValueError("the sample could not be encoded as PNG")
        with self._lock:
            char_dir = self.folder / char
            used = [n for n, _ in self._numbered(char_dir)] if char_dir.is_dir() else []
            n = max(used, default=0) + 1
            png = write_bytes_atomic(char_dir / f"{n}.png", encoded.tobytes())
            if stroke_list is not None:
                kept = {"char": char, "strokes": [s.tolist() for s in stroke_list]}
                if pen_width is not None:
                    kept["pen_width"] = float(pen_width)
                text = json.dumps(kept, ensure_ascii=False)
                write_text_atomic(char_dir / f"{n}.json", text + "\n")
        return png

    def _read(self, path: Path) -> np.ndarray | None:
        """One sample as uint8 [80, 60], or None (logged) when it cannot be used."""
        try:
            grey = decode_image(path.read_bytes(), cv2.IMREAD_GRAYSCALE)
        except (OSError, ImageDecodeError) as exc:
            logger.warning("personal sample %s skipped: %s", path, exc)
            return None
        if grey.shape != (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH):
            logger.warning("personal sample %s skipped: it is %dx%d pixels, not the %dx%d model input", path,
                           grey.shape[1], grey.shape[0], CHAR_INPUT_WIDTH, CHAR_INPUT_HEIGHT)
            return None
        return grey

    def _readable(self) -> list[tuple[str, int, Path, np.ndarray]]:
        out = []
        for char, n, path in self._pngs():
            grey = self._read(path)
            if grey is not None:
                out.append((char, n, path, grey))
        return out

    def load(self) -> tuple[np.ndarray, list[str]]:
        """float32 [n, 80, 60, 1] and the labels, characters in code-point order, then by number.

        An unreadable file is skipped with a log line; it never stops the others loading.
        """
        samples = self._readable()
        images = np.zeros((len(samples), CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1), np.float32)
        for i, (_, _, _, grey) in enumerate(samples):
            images[i, ..., 0] = grey
        return images, [char for char, _, _, _ in samples]

    def load_strokes(self) -> tuple[np.ndarray, list[str]]:
        """The samples written on the canvas as stroke-model inputs: float32 [m, 80, 60, 9] and labels.

        Only samples whose picture is readable and whose strokes were kept (``<n>.json``) count; an
        unreadable stroke file is skipped with a log line. Same order as :meth:`load`. Each stroke file
        is framed once (about 10 ms) and kept while it is unchanged, so a new sample costs one framing.
        """
        from .direction_map import strokes_to_channels
        from .recognition import DEFAULT_PEN_WIDTH

        inputs, labels = [], []
        for char, n, path, _ in self._readable():
            stroke_file = path.with_suffix(".json")
            if not stroke_file.is_file():
                continue  # an opened picture: no pen strokes to read
            try:
                stat = stroke_file.stat()
                version = (stat.st_size, stat.st_mtime_ns)
                cached = self._framed.get(stroke_file)
                if cached is None or cached[0] != version:
                    kept = json.loads(stroke_file.read_text(encoding="utf-8"))
                    strokes = as_strokes([np.asarray(s, dtype=np.float64) for s in kept["strokes"]])
                    cached = version, strokes_to_channels(strokes, float(kept.get("pen_width", DEFAULT_PEN_WIDTH)))
                    self._framed[stroke_file] = cached
                inputs.append(cached[1])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                logger.warning("personal strokes %s skipped: %s", stroke_file, exc)
                continue
            labels.append(char)
        shape = (len(inputs), CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, STROKE_CHANNELS)
        return (np.stack(inputs).astype(np.float32) if inputs else np.zeros(shape, np.float32)), labels

    def counts(self) -> dict[str, int]:
        """How many samples each character has (characters without any are left out)."""
        counts: dict[str, int] = {}
        for char, _, _ in self._pngs():
            counts[char] = counts.get(char, 0) + 1
        return counts

    def __len__(self) -> int:
        return len(self._pngs())

    def forget(self) -> int:
        """Delete every sample (only the numbered files this store writes); returns how many images went."""
        removed = 0
        with self._lock:
            for _, char_dir in self._char_dirs():
                for _, path in self._numbered(char_dir):
                    path.unlink(missing_ok=True)
                    removed += path.suffix == ".png"
                try:
                    char_dir.rmdir()  # only when nothing else is left in it
                except OSError:
                    pass
            self._framed.clear()
        return removed

    def export(self, folder: Path) -> int:
        """Write the readable samples to ``<folder>/<char>/<n>.png`` (a layout ``python -m training evaluate
        --folder`` and ``train`` read); returns how many. The target must be missing or empty."""
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"{folder} is a file: export the personal samples into a new or empty folder")
        if folder.is_dir() and any(folder.iterdir()):
            raise ValueError(f"{folder} is not empty: export the personal samples into a new or empty folder")
        samples = self._readable()
        for char, n, path, _ in samples:
            write_bytes_atomic(folder / char / f"{n}.png", path.read_bytes())
        return len(samples)


def blank_page(channels: int = 1) -> np.ndarray:
    """White paper as a model input, float32 [80, 60, channels]: its embedding is the personal layer's origin."""
    return np.full((CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, channels), PAPER, np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class PersonalLayer:
    """Raises a corrected character's score for drawings that resemble the user's samples of it."""

    def __init__(self, class_names: Sequence[str], classes: np.ndarray, prototypes: np.ndarray, origin: np.ndarray,
                 count: int):
        self.class_names = list(class_names)
        self._classes = classes  # indices into class_names, one per prototype
        self._prototypes = prototypes  # [K, D] unit vectors
        self._origin = origin  # [D]
        self._count = count

    @classmethod
    def fit(cls, embeddings: np.ndarray, labels: Sequence[str], class_names: Sequence[str], *,
            origin: np.ndarray | None = None) -> "PersonalLayer":
        """A layer from the samples' embeddings ``[n, D]`` and their characters; labels not in
        ``class_names`` are ignored. ``origin`` is the embedding of :func:`blank_page` (zero when not
        given; without it a model whose features do not start at zero on paper, such as the logistic
        model's pixels, finds every drawing alike). Takes well under a millisecond for hundreds of samples.
        """
        names = list(class_names)
        index = {name: i for i, name in enumerate(names)}
        vectors = np.asarray(embeddings, dtype=np.float64)
        if vectors.size == 0 and vectors.ndim < 2:
            vectors = vectors.reshape(0, 0)
        if vectors.ndim != 2:
            raise ValueError(f"embeddings must be [n, D], got shape {list(vectors.shape)}")
        if len(vectors) != len(labels):
            raise ValueError(f"{len(vectors)} embeddings but {len(labels)} labels")
        dims = vectors.shape[1]
        start = np.zeros(dims) if origin is None else np.asarray(origin, dtype=np.float64).reshape(-1)
        if start.shape != (dims,) and len(vectors):
            raise ValueError(f"the origin has {start.size} features, the embeddings {dims}")
        kept = np.array([index[label] for label in labels if label in index], dtype=np.int64)
        units = _unit(vectors[[i for i, label in enumerate(labels) if label in index]] - start)
        classes = np.unique(kept)
        prototypes = _unit(np.stack([units[kept == c].mean(axis=0) for c in classes])) if len(classes) else \
            np.zeros((0, dims))
        return cls(names, classes, prototypes, start, len(kept))

    def __len__(self) -> int:
        """How many samples the layer holds."""
        return self._count

    @property
    def corrected(self) -> list[str]:
        """The characters the layer has samples of, in ``class_names`` order."""
        return [self.class_names[i] for i in self._classes]

    def similarity(self, embedding: np.ndarray) -> np.ndarray:
        """Cosine similarity ``[N, K]`` of drawings to each corrected character's samples (from blank paper)."""
        vectors = np.atleast_2d(np.asarray(embedding, dtype=np.float64))
        if vectors.shape[-1] != self._prototypes.shape[1]:
            raise ValueError(f"the personal layer was fitted on {self._prototypes.shape[1]} features, this embedding "
                             f"has {vectors.shape[-1]} (fit it again for this model)")
        return _unit(vectors - self._origin) @ self._prototypes.T

    def adjust(self, probs: np.ndarray, embedding: np.ndarray, boost_scale: float = 1.0) -> np.ndarray:
        """probs ``[C]`` or ``[N, C]`` with embedding ``[D]`` or ``[N, D]`` -> adjusted probabilities,
        the same shape and type, each row summing to 1. An empty layer returns them unchanged.

        ``boost_scale`` converts the boost (in log-probabilities at the model's likelihood T) to the
        log-probabilities given: likelihood T / the T they are shown at (see :meth:`adjust_for`)."""
        p = np.asarray(probs)
        if not self._count:
            return p.copy()
        rows = np.atleast_2d(p).astype(np.float64)
        if rows.shape[-1] != len(self.class_names):
            raise ValueError(f"{rows.shape[-1]} class probabilities for a layer of {len(self.class_names)} classes")
        similarity = self.similarity(embedding)
        if len(similarity) != len(rows):
            raise ValueError(f"{len(rows)} rows of probabilities but {len(similarity)} embeddings")
        boost = MAX_BOOST * np.maximum(similarity - RESEMBLANCE, 0.0) / (1.0 - RESEMBLANCE)
        best = similarity.max(axis=1, keepdims=True)
        boost -= RIVAL_PENALTY * (best > RESEMBLANCE) * (best - similarity)
        boost *= boost_scale
        scores = np.log(np.clip(rows, 1e-45, None))
        scores[:, self._classes] += boost
        scores -= scores.max(axis=1, keepdims=True)
        adjusted = np.exp(scores)
        adjusted /= adjusted.sum(axis=1, keepdims=True)
        out = adjusted.astype(p.dtype if p.dtype.kind == "f" else np.float64)
        return out[0] if p.ndim == 1 else out

    def adjust_for(self, model, probs: np.ndarray, embedding: np.ndarray) -> np.ndarray:
        """:meth:`adjust` for probabilities ``model`` (an ``OnnxModel``) gave. The boost is in
        log-probabilities at its likelihood T, one scale for every model, so the T its percentages
        are shown at never changes which answer the layer puts first."""
        return self.adjust(probs, embedding, model.likelihood_temperature / model.temperature)


def fit_personal_layer(model, samples: PersonalSamples) -> PersonalLayer:
    """The layer for ``model`` (an :class:`~desktop.core.onnx_model.OnnxModel`) from every kept sample.

    The samples and a blank page go through the model in one batch; the page's embedding is the origin.
    A stroke model reads the samples written on the canvas (:meth:`PersonalSamples.load_strokes`).
    """
    images, labels = samples.load_strokes() if model.input_kind == STROKES_KIND else samples.load()
    blank = blank_page(INPUT_OF_KIND[model.input_kind][1])
    features = model.predict_embedding(np.concatenate([blank[None], images]))
    return PersonalLayer.fit(features[1:], labels, model.class_names, origin=features[0])
