"""The model host: the worker thread that runs the character models for the Write panel."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from desktop.core.onnx_model import OnnxModel
from desktop.core.registry import ModelInfo, RegistryScan
from desktop.ui.workers import ModelWorker, not_loaded


class ModelHost(ModelWorker):
    """Character recognition off the GUI thread (see :class:`ModelWorker`).

    ``models_ready(list[ModelInfo], list[ModelProblem])`` lists every model found (photo models
    from their metadata only); ``recognized`` is ``answered``:
    ``(request_id, {path: (probs [N, classes], {layer: [N, h, w, c]} | None)})``.
    """

    # Character models are opened and warmed; the others (large photo models, which the Camera
    # panel runs in its own worker) are only listed from their metadata.
    load_tasks = {"characters"}

    def __init__(self, folders: Sequence[str | Path]):
        super().__init__(folders, "ModelHost")
        self._models: dict[str, OnnxModel] = {}
        self.recognized = self.answered

    def request(self, request_id: int, x: np.ndarray, model_paths: list[str], with_features: bool) -> None:
        """Ask for predictions of ``x`` [80, 60, 1]; replaces any request still waiting."""
        self._post(request_id, np.array(x, dtype=np.float32, copy=True), list(model_paths), with_features)

    def _take_models(self, scan: RegistryScan) -> list[ModelInfo]:
        self._models = {str(path): model for path, model in scan.loaded.items()}
        return scan.models

    def _answer(self, x: np.ndarray, paths: list[str], with_features: bool) -> dict:
        results = {}
        for path in paths:
            model = self._models.get(path)
            if model is None:
                raise not_loaded(path)
            if with_features and model.feature_names:
                results[path] = model.predict_with_features(x[None])
            else:
                results[path] = (model.predict_proba(x[None]), None)
        return results
