"""The photo classifier: one worker thread that opens the photo models and classifies frames.

The GUI thread never opens a model, crops a frame nor runs inference. It posts the newest frame;
the worker keeps only the newest request waiting (a camera delivers faster than a big network on
a laptop answers, and a prediction for a frame long gone is useless) and tags every result with
its request id, so the panel can tell which frame an answer belongs to.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from desktop.core.contract import LOGITS, PROBABILITIES
from desktop.core.onnx_model import OnnxModel
from desktop.core.photos import read_wnids, to_model_input, top_k_labels
from desktop.core.registry import ModelProblem, RegistryScan
from desktop.ui.workers import ModelWorker, not_loaded

#: Tasks whose models classify photos (``features`` extractors have no classes to show).
PHOTO_TASKS = ("imagenet", "custom")
TOP_K = 3


@dataclass(frozen=True)
class PhotoModelInfo:
    path: Path
    title: str
    task: str
    class_names: list[str]
    wnids: list[str]
    input_shape: tuple[int, int, int]

    @property
    def label(self) -> str:
        return f"{self.title} ({self.path.name})"


@dataclass(frozen=True)
class PhotoPrediction:
    """One model's answer for one frame: the top classes ``(wnid, name, probability)``."""

    top: list[tuple[str, str, float]]
    inference_ms: float


def is_photo_model(model: OnnxModel) -> bool:
    """A classifier of RGB pictures: task imagenet or custom, 3 input channels, class scores out."""
    return (model.task in PHOTO_TASKS and model.input_shape[2] == 3
            and model.output_kind in (LOGITS, PROBABILITIES))


class PhotoClassifier(ModelWorker):
    """Photo classification off the GUI thread (see :class:`ModelWorker`).

    ``models_ready(list[PhotoModelInfo], list[ModelProblem])`` after each scan; ``classified`` is
    ``answered``: ``(request_id, {path: PhotoPrediction})``.
    """

    def __init__(self, folders: Sequence[str | Path], top_k: int = TOP_K):
        super().__init__(folders, "PhotoClassifier")
        self._top_k = top_k
        self._models: dict[str, tuple[OnnxModel, PhotoModelInfo]] = {}
        self.classified = self.answered

    def request(self, request_id: int, frame: np.ndarray, model_paths: list[str]) -> None:
        """Classify ``frame`` (RGB uint8 [H, W, 3]) with each model; replaces any waiting request.

        The frame is not copied: sources hand out a new array per frame and never write to it again.
        """
        self._post(request_id, frame, list(model_paths))

    def _take_models(self, scan: RegistryScan) -> list[PhotoModelInfo]:
        models: dict[str, tuple[OnnxModel, PhotoModelInfo]] = {}
        for path, model in scan.loaded.items():
            if not is_photo_model(model):
                continue
            info = PhotoModelInfo(model.path, model.title, model.task, model.class_names,
                                  read_wnids(model.metadata), model.input_shape)
            models[str(path)] = (model, info)
        self._models = models
        return [info for _, info in models.values()]

    def _answer(self, frame: np.ndarray, paths: list[str]) -> dict[str, PhotoPrediction]:
        results = {}
        for path in paths:
            if path not in self._models:
                raise not_loaded(path)
            model, info = self._models[path]
            started = time.perf_counter()
            x = to_model_input(frame, info.input_shape[:2])
            probs = model.predict_proba(x[None])[0]
            elapsed_ms = 1000 * (time.perf_counter() - started)
            results[path] = PhotoPrediction(top_k_labels(probs, info.class_names, info.wnids, self._top_k), elapsed_ms)
        return results


__all__ = ["PhotoClassifier", "PhotoModelInfo", "PhotoPrediction", "ModelProblem", "is_photo_model", "PHOTO_TASKS"]
