"""The photo classifier: one worker thread that opens the photo models and classifies frames.

The GUI thread never opens a model, crops a frame nor runs inference. It posts the newest frame;
the worker keeps only the newest request waiting (a camera delivers faster than a big network on
a laptop answers, and a prediction for a frame long gone is useless) and tags every result with
its request id, so the panel can tell which frame an answer belongs to.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.contract import LOGITS, PROBABILITIES
from desktop.core.onnx_model import OnnxModel
from desktop.core.photos import read_wnids, to_model_input, top_k_labels
from desktop.core.registry import ModelProblem, ModelRegistry

log = logging.getLogger(__name__)

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


class PhotoClassifier(QObject):
    """Lives in its own QThread; call :meth:`start` once and :meth:`shutdown` on exit.

    Signals (delivered queued to receivers in the GUI thread):
    ``models_ready(list[PhotoModelInfo], list[ModelProblem])`` after each scan,
    ``classified(request_id, {path: PhotoPrediction})``, ``failed(request_id, message)``.
    """

    models_ready = Signal(object, object)
    classified = Signal(int, object)
    failed = Signal(int, str)
    _work_posted = Signal()
    _rescan_posted = Signal()

    def __init__(self, folders: Sequence[str | Path], top_k: int = TOP_K):
        super().__init__()
        self._registry = ModelRegistry(folders)
        self._top_k = top_k
        self._models: dict[str, tuple[OnnxModel, PhotoModelInfo]] = {}
        self._lock = threading.Lock()
        self._pending: tuple[int, np.ndarray, list[str]] | None = None
        self._thread = QThread()
        self._thread.setObjectName("PhotoClassifier")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._scan)
        self._work_posted.connect(self._serve)
        self._rescan_posted.connect(self._scan)

    # -- GUI-thread side ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker (a second call does nothing); it scans the model folders first."""
        if not self._thread.isRunning():
            self._thread.start()

    def rescan(self) -> None:
        self._rescan_posted.emit()

    def request(self, request_id: int, frame: np.ndarray, model_paths: list[str]) -> None:
        """Classify ``frame`` (RGB uint8 [H, W, 3]) with each model; replaces any waiting request.

        The frame is not copied: sources hand out a new array per frame and never write to it again.
        """
        with self._lock:
            self._pending = (request_id, frame, list(model_paths))
        self._work_posted.emit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the worker thread and wait for it (the current inference finishes first)."""
        with self._lock:
            self._pending = None
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                log.warning("the photo classifier thread did not stop within %d ms", timeout_ms)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    # -- worker-thread side ------------------------------------------------------------------
    @Slot()
    def _scan(self) -> None:
        scan = self._registry.scan(warm_up=True)  # the registry warms each model with a dry run
        models: dict[str, tuple[OnnxModel, PhotoModelInfo]] = {}
        for path, model in scan.loaded.items():
            if not is_photo_model(model):
                continue
            info = PhotoModelInfo(model.path, model.title, model.task, model.class_names,
                                  read_wnids(model.metadata), model.input_shape)
            models[str(path)] = (model, info)
        self._models = models
        for problem in scan.problems:
            log.warning("skipped model %s: %s", problem.path, problem.reason)
        self.models_ready.emit([info for _, info in models.values()], list(scan.problems))

    @Slot()
    def _serve(self) -> None:
        with self._lock:
            job, self._pending = self._pending, None
        if job is None:  # an older notification whose request was replaced and already served
            return
        request_id, frame, paths = job
        try:
            results = {}
            for path in paths:
                if path not in self._models:
                    raise LookupError(f"the model {Path(path).name} is not loaded")
                model, info = self._models[path]
                started = time.perf_counter()
                x = to_model_input(frame, info.input_shape[:2])
                probs = model.predict_proba(x[None])[0]
                elapsed_ms = 1000 * (time.perf_counter() - started)
                results[path] = PhotoPrediction(top_k_labels(probs, info.class_names, info.wnids, self._top_k),
                                                elapsed_ms)
        except Exception as exc:  # one bad model or frame must not kill the worker
            log.exception("classification request %d failed", request_id)
            self.failed.emit(request_id, str(exc))
            return
        self.classified.emit(request_id, results)


__all__ = ["PhotoClassifier", "PhotoModelInfo", "PhotoPrediction", "ModelProblem", "is_photo_model", "PHOTO_TASKS"]
