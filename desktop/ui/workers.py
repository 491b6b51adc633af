"""The model host: one worker thread that opens the models and answers recognition requests.

The GUI thread never creates an onnxruntime session nor runs a model. It posts requests; the
worker keeps only the newest one waiting (a student writes faster than a model can answer on a
slow laptop, and an answer for a drawing already changed is useless) and tags every result with
its request id so the panel can drop a late one.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.onnx_model import OnnxModel
from desktop.core.registry import ModelRegistry

log = logging.getLogger(__name__)


class ModelHost(QObject):
    """Lives in its own QThread; call :meth:`start` once and :meth:`shutdown` on exit.

    Signals (delivered queued to receivers in the GUI thread):
    ``models_ready(list[ModelInfo], list[ModelProblem])`` after each scan,
    ``recognized(request_id, {path: (probs [N, classes], {layer: [N, h, w, c]} | None)})``,
    ``failed(request_id, message)``.
    """

    models_ready = Signal(object, object)
    recognized = Signal(int, object)
    failed = Signal(int, str)
    _work_posted = Signal()
    _rescan_posted = Signal()

    def __init__(self, folders: Sequence[str | Path]):
        super().__init__()
        self._registry = ModelRegistry(folders)
        self._models: dict[str, OnnxModel] = {}
        self._lock = threading.Lock()
        self._pending: tuple[int, np.ndarray, list[str], bool] | None = None
        self._thread = QThread()
        self._thread.setObjectName("ModelHost")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._scan)
        self._work_posted.connect(self._serve)
        self._rescan_posted.connect(self._scan)

    # -- GUI-thread side ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker; it scans the model folders first, then serves requests."""
        self._thread.start()

    def rescan(self) -> None:
        """Look at the model folders again (a model was added or removed)."""
        self._rescan_posted.emit()

    def request(self, request_id: int, x: np.ndarray, model_paths: list[str], with_features: bool) -> None:
        """Ask for predictions of ``x`` [80, 60, 1]; replaces any request still waiting."""
        with self._lock:
            self._pending = (request_id, np.array(x, dtype=np.float32, copy=True), list(model_paths), with_features)
        self._work_posted.emit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the worker thread and wait for it (the current inference finishes first)."""
        with self._lock:
            self._pending = None
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                log.warning("the model thread did not stop within %d ms", timeout_ms)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    # -- worker-thread side ------------------------------------------------------------------
    @Slot()
    def _scan(self) -> None:
        # Character models are opened and warmed; the others (large photo models, which the Camera
        # panel runs in its own worker) are only listed from their metadata.
        scan = self._registry.scan(warm_up=True, load_tasks={"characters"})
        self._models = {str(path): model for path, model in scan.loaded.items()}
        for problem in scan.problems:
            log.warning("skipped model %s: %s", problem.path, problem.reason)
        self.models_ready.emit(scan.models, scan.problems)

    @Slot()
    def _serve(self) -> None:
        with self._lock:
            job, self._pending = self._pending, None
        if job is None:  # an older notification whose request was replaced and already served
            return
        request_id, x, paths, with_features = job
        try:
            results = {}
            for path in paths:
                model = self._models.get(path)
                if model is None:
                    raise LookupError(f"the model {Path(path).name} is not loaded")
                if with_features and model.feature_names:
                    probs, features = model.predict_with_features(x[None])
                    results[path] = (probs, features)
                else:
                    results[path] = (model.predict_proba(x[None]), None)
        except Exception as exc:  # one bad model or input must not kill the worker
            log.exception("recognition request %d failed", request_id)
            self.failed.emit(request_id, str(exc))
            return
        self.recognized.emit(request_id, results)
