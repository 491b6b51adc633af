"""The model host: the worker thread that runs the character models for the Write panel, and
learns the user's own handwriting on top of them."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np
from PySide6.QtCore import Signal, Slot

from desktop.core.contract import IMAGE_KIND
from desktop.core.framing import EmptyDrawing
from desktop.core.model_input import DrawingFramer, DrawingInput
from desktop.core.onnx_model import OnnxModel
from desktop.core.personal import PersonalLayer, blank_page
from desktop.core.registry import ModelInfo, RegistryScan
from desktop.ui.workers import ModelWorker, not_loaded

log = logging.getLogger(__name__)

#: The personal samples go through a model this many at a time (their embeddings).
EMBEDDING_BATCH = 64


class ModelAnswer(NamedTuple):
    """One model's answer to one request."""

    probs: np.ndarray  # [N, classes]: after the personal layer where there is one
    features: dict[str, np.ndarray] | None  # {layer: [N, h, w, c]}, when asked for and the model has them
    model_top: int  # the class the model alone put first (for the first image)
    personal_changed: bool = False  # the personal layer put another class first

    @classmethod
    def of_model(cls, probs: np.ndarray, features: dict | None = None) -> "ModelAnswer":
        """An answer without a personal layer."""
        return cls(probs, features, int(np.argmax(probs[0])))


class PenDrawing(NamedTuple):
    """Canvas strokes to be framed in the worker thread (framing the pen's directions takes tens of ms)."""

    strokes: list[np.ndarray]
    pen_width: float
    directions: bool  # also frame the stroke models' nine channels


class PersonalSet(NamedTuple):
    """The user's samples as handed to the host: model inputs [n, 80, 60, 1] and their labels; and
    those written on the canvas as stroke-model inputs [m, 80, 60, 9] and their labels."""

    version: int
    images: np.ndarray
    labels: tuple[str, ...]
    stroke_inputs: np.ndarray = np.zeros((0, 80, 60, 9), np.float32)
    stroke_labels: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """The samples a model of input ``kind`` reads, and their labels."""
        return (self.images, self.labels) if kind == IMAGE_KIND else (self.stroke_inputs, self.stroke_labels)


class ModelHost(ModelWorker):
    """Character recognition off the GUI thread (see :class:`ModelWorker`).

    ``models_ready(list[ModelInfo], list[ModelProblem])`` lists every model found (photo models
    from their metadata only); ``recognized`` is ``answered``: ``(request_id, {path: ModelAnswer})``.
    Each model reads its own kind of input from the request's :class:`DrawingInput`; a stroke
    model asked about a picture (no pen strokes) is left out of the answer.

    The user's own samples (:meth:`set_personal`, from the GUI thread) wait beside the requests,
    not among them: a newer request replaces an older one, never the samples. Before its next
    answer, and as soon as the worker is free, the worker fits a :class:`PersonalLayer` per loaded
    model on the samples' embeddings, then says so with ``personal_ready(sample count)``.
    """

    personal_ready = Signal(int)
    #: ``(request_id, DrawingInput | None)``: a request of pen strokes as framed for the models (None:
    #: nothing to recognise), emitted just before its answer.
    framed = Signal(int, object)
    _personal_posted = Signal()

    # Character models are opened and warmed; the others (large photo models, which the Camera
    # panel runs in its own worker) are only listed from their metadata.
    load_tasks = {"characters"}
    # A character model runs in under a millisecond: a second onnxruntime thread saves nothing and,
    # spinning after each run, takes a core from the GUI thread painting the answer (pen-up to
    # painted 14.4 -> 9.0 ms p50 on 2 cores, benchmarks/README.md).
    session_threads = 1

    def __init__(self, folders: Sequence[str | Path]):
        super().__init__(folders, "ModelHost")
        self._models: dict[str, OnnxModel] = {}
        self.recognized = self.answered
        self._personal_lock = threading.Lock()
        self._personal = PersonalSet(0, np.zeros((0, 80, 60, 1), np.float32), ())
        # Worker-thread state: the layers fitted, and for which samples and models.
        self._layers: dict[str, PersonalLayer] = {}
        self._fitted: tuple[int, frozenset[str]] | None = None
        # Frames the canvas as it grows: at pen-up only the last stroke is drawn again.
        self._framer = DrawingFramer()
        self._personal_posted.connect(self._fit_personal)

    # -- GUI-thread side ---------------------------------------------------------------------
    def request(self, request_id: int, x: np.ndarray | DrawingInput, model_paths: list[str],
                with_features: bool) -> None:
        """Ask for predictions of ``x``: a drawing's inputs, or one image [80, 60, 1]; replaces any request
        still waiting."""
        drawing = x if isinstance(x, DrawingInput) else DrawingInput(x)
        copied = DrawingInput(*(None if a is None else np.array(a, dtype=np.float32, copy=True) for a in drawing))
        self._post(request_id, request_id, copied, list(model_paths), with_features)

    def request_strokes(self, request_id: int, strokes, pen_width: float, model_paths: list[str],
                        with_features: bool, directions: bool) -> None:
        """Frame canvas ``strokes`` here in the worker (``framed`` says how), then answer as :meth:`request`;
        ``directions``: also the stroke models' nine channels. Replaces any request still waiting."""
        pen = PenDrawing([np.array(s, dtype=np.float64, copy=True) for s in strokes], float(pen_width), directions)
        self._post(request_id, request_id, pen, list(model_paths), with_features)

    def set_personal(self, images: np.ndarray, labels: Sequence[str], stroke_inputs: np.ndarray | None = None,
                     stroke_labels: Sequence[str] = ()) -> None:
        """Use these samples of the user's handwriting (all of them: [n, 80, 60, 1] and n labels; for
        stroke models those written on the canvas, [m, 80, 60, 9] and m labels) from now on; an empty
        set switches the personal layer off."""
        images = np.array(images, dtype=np.float32, copy=True).reshape(-1, 80, 60, 1)
        strokes = np.zeros((0, 80, 60, 9), np.float32) if stroke_inputs is None else (
            np.array(stroke_inputs, dtype=np.float32, copy=True).reshape(-1, 80, 60, 9))
        if len(images) != len(labels) or len(strokes) != len(stroke_labels):
            raise ValueError(f"{len(images)} personal samples but {len(labels)} labels, or {len(strokes)} "
                             f"stroke samples but {len(stroke_labels)} labels")
        with self._personal_lock:
            self._personal = PersonalSet(self._personal.version + 1, images, tuple(labels), strokes,
                                         tuple(stroke_labels))
        self._personal_posted.emit()

    # -- worker-thread side ------------------------------------------------------------------
    def _take_models(self, scan: RegistryScan) -> list[ModelInfo]:
        self._models = {str(path): model for path, model in scan.loaded.items()}
        self._fit_personal()
        return scan.models

    def _release(self) -> None:
        super()._release()
        self._layers, self._fitted = {}, None

    @Slot()
    def _fit_personal(self) -> None:
        """Fit the layers for the newest samples and the models loaded now, unless they are fitted."""
        with self._personal_lock:
            personal = self._personal
        wanted = (personal.version, frozenset(self._models))
        if self._fitted == wanted:
            return
        layers = {}
        for path, model in self._models.items():
            try:
                layer = _fit_layer(model, personal)
            except Exception:  # a model the layer cannot use answers on its own
                log.exception("no personal layer for %s", Path(path).name)
                continue
            if layer is not None:
                layers[path] = layer
        self._layers, self._fitted = layers, wanted
        self.personal_ready.emit(len(personal.labels))

    def _answer(self, request_id: int, drawing: DrawingInput | PenDrawing, paths: list[str],
                with_features: bool) -> dict[str, ModelAnswer]:
        if isinstance(drawing, PenDrawing):
            try:
                drawing = self._framer.frame(drawing.strokes, drawing.pen_width, directions=drawing.directions)
            except EmptyDrawing:
                drawing = None
            self.framed.emit(request_id, drawing)
            if drawing is None:
                return {}
        self._fit_personal()
        results = {}
        for path in paths:
            model = self._models.get(path)
            if model is None:
                raise not_loaded(path)
            x = drawing.for_kind(model.input_kind)
            if x is not None:  # else a stroke model and a picture: nothing it can read
                results[path] = self._answer_one(model, self._layers.get(path), x[None], with_features)
        return results

    @staticmethod
    def _answer_one(model: OnnxModel, layer: PersonalLayer | None, batch: np.ndarray,
                    with_features: bool) -> ModelAnswer:
        features = None
        if with_features and model.feature_names:
            probs, features = model.predict_with_features(batch)
            embedding = model.predict_embedding(batch) if layer is not None else None
        elif layer is not None:
            probs, embedding = model.predict_proba_and_embedding(batch)
        else:
            probs, embedding = model.predict_proba(batch), None
        if layer is None:
            return ModelAnswer.of_model(probs, features)
        adjusted = np.asarray(layer.adjust_for(model, probs, embedding), dtype=np.float32)
        model_top = int(np.argmax(probs[0]))
        return ModelAnswer(adjusted, features, model_top, int(np.argmax(adjusted[0])) != model_top)


def _fit_layer(model: OnnxModel, personal: PersonalSet) -> PersonalLayer | None:
    """The personal layer of ``model`` for the samples of its own classes (None: none of them)."""
    inputs, labels = personal.of_kind(model.input_kind)
    known = set(model.class_names)
    keep = [i for i, label in enumerate(labels) if label in known]
    if not keep:
        return None
    # Blank paper first: its embedding is the origin the layer measures resemblance from.
    images = np.concatenate([blank_page(model.input_shape[-1])[None], inputs[keep]])
    embeddings = np.concatenate([model.predict_embedding(images[i:i + EMBEDDING_BATCH])
                                 for i in range(0, len(images), EMBEDDING_BATCH)])
    return PersonalLayer.fit(embeddings[1:], [labels[i] for i in keep], model.class_names,
                             origin=embeddings[0])
