"""A worker thread that opens models and answers only the newest request.

The GUI thread never creates an onnxruntime session nor runs a model. It posts requests; the
worker keeps only the newest one waiting (a student writes, and a camera delivers, faster than a
model answers on a slow laptop, and an answer for an input already gone is useless) and tags every
result with its request id so the panel can drop a late one. Subclasses say which models to keep
(:meth:`_take_models`) and how to answer one request (:meth:`_answer`).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.registry import ModelRegistry, RegistryScan

log = logging.getLogger(__name__)


class ModelWorker(QObject):
    """Lives in its own QThread; call :meth:`start` once and :meth:`shutdown` on exit.

    Signals (delivered queued to receivers in the GUI thread): ``models_ready(models, problems)``
    after each scan, ``answered(request_id, result)``, ``failed(request_id, message)``.
    """

    models_ready = Signal(object, object)
    answered = Signal(int, object)
    failed = Signal(int, str)
    _work_posted = Signal()
    _rescan_posted = Signal()

    #: Tasks whose models this worker opens; others are only listed (None: open every model).
    load_tasks: set[str] | None = None

    def __init__(self, folders: Sequence[str | Path], name: str):
        super().__init__()
        self._registry = ModelRegistry(folders)
        self._lock = threading.Lock()
        self._pending: tuple | None = None
        self._thread = QThread()
        self._thread.setObjectName(name)
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
        """Look at the model folders again (a model was added or removed)."""
        self._rescan_posted.emit()

    def _post(self, request_id: int, *job: Any) -> None:
        """Queue ``job`` for :meth:`_answer`, replacing any request still waiting."""
        with self._lock:
            self._pending = (request_id, *job)
        self._work_posted.emit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the worker thread and wait for it (the current inference finishes first)."""
        with self._lock:
            self._pending = None
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                log.warning("the %s thread did not stop within %d ms", self._thread.objectName(), timeout_ms)
                return
        # The sessions and their onnxruntime thread pools go now, not whenever this object does;
        # a later start() scans (and opens) the models again.
        self._models = {}

    def is_running(self) -> bool:
        return self._thread.isRunning()

    # -- worker-thread side ------------------------------------------------------------------
    @Slot()
    def _scan(self) -> None:
        scan = self._registry.scan(warm_up=True, load_tasks=self.load_tasks)
        for problem in scan.problems:
            log.warning("skipped model %s: %s", problem.path, problem.reason)
        self.models_ready.emit(self._take_models(scan), list(scan.problems))

    @Slot()
    def _serve(self) -> None:
        with self._lock:
            job, self._pending = self._pending, None
        if job is None:  # an older notification whose request was replaced and already served
            return
        request_id, *args = job
        try:
            result = self._answer(*args)
        except Exception as exc:  # one bad model or input must not kill the worker
            log.exception("%s request %d failed", self._thread.objectName(), request_id)
            self.failed.emit(request_id, str(exc))
            return
        self.answered.emit(request_id, result)

    def _take_models(self, scan: RegistryScan) -> list:
        """Keep the opened models this worker runs; return the list to announce."""
        raise NotImplementedError

    def _answer(self, *args: Any) -> Any:
        """The result for one request (runs in the worker thread)."""
        raise NotImplementedError


def not_loaded(path: str) -> LookupError:
    return LookupError(f"the model {Path(path).name} is not loaded")
