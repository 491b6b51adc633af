"""The "Why?" worker: one thread that makes heat maps, newest request first.

Panels post their newest input (a Write panel model input, a camera frame, a Teach preview
picture); a request still waiting is replaced by a newer one, so a live camera never builds a
queue. Models are opened in this thread the first time they are asked for and kept; a model
that has no file yet (the Teach panel's freshly trained head) comes with a ``build`` function
that makes it, also in this thread. A few models are kept (a Teach model is rebuilt after every
training under a new key); the oldest goes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from desktop.core.explain import AUTO, Explanation, explain
from desktop.core.onnx_model import OnnxModel
from desktop.core.photos import to_model_input
from desktop.core.registry import RegistryScan
from desktop.ui.workers import ModelWorker

#: Models kept open at once (an EfficientNet session holds tens of megabytes).
KEEP_MODELS = 3


@dataclass(frozen=True)
class ExplainRequest:
    model_key: str  # a model path, or any key naming a built model
    image: np.ndarray  # the model input [H, W, C], or an RGB frame when ``frame`` is True
    frame: bool = False  # a camera frame or photo: framed like the classifiers frame it
    class_index: int | None = None  # None: the model's top class
    method: str = AUTO
    build: Callable[[], OnnxModel] | None = None  # makes the model when ``model_key`` is not a file


@dataclass(frozen=True)
class ExplainAnswer:
    request: ExplainRequest
    explanation: Explanation
    model_input: np.ndarray  # what the model saw (the framed picture for a frame)


class ExplainWorker(ModelWorker):
    """Heat maps off the GUI thread; ``explained`` is ``answered``: ``(request_id, ExplainAnswer)``."""

    load_tasks: set[str] = set()  # opens models on demand, not from a folder scan

    def __init__(self):
        super().__init__([], "ExplainWorker")
        self._models: dict[str, OnnxModel] = {}
        self.explained = self.answered

    def request(self, request_id: int, request: ExplainRequest) -> None:
        """Ask for a heat map; replaces any request still waiting."""
        self._post(request_id, request)

    def _take_models(self, scan: RegistryScan) -> list:
        return []

    def _model(self, request: ExplainRequest) -> OnnxModel:
        model = self._models.pop(request.model_key, None)
        if model is None:
            model = request.build() if request.build is not None else OnnxModel(Path(request.model_key))
        self._models[request.model_key] = model  # now the most recently used
        while len(self._models) > KEEP_MODELS:
            del self._models[next(iter(self._models))]
        return model

    def _answer(self, request: ExplainRequest) -> ExplainAnswer:
        model = self._model(request)
        x = to_model_input(request.image, model.input_shape[:2]) if request.frame else request.image
        explanation = explain(model, x, class_index=request.class_index, method=request.method)
        return ExplainAnswer(request, explanation, np.asarray(x, dtype=np.float32))
