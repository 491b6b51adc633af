"""Newest request wins: a worker thread that answers only the newest request, and the model worker
built on it (see the package's docstring)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.registry import ModelRegistry, RegistryScan

log = logging.getLogger(__name__)


class LatestRequestWorker(QObject):
    """Lives in its own QThread; call :meth:`start` once and :meth:`shutdown` on exit.

    Signals: ``answered(request_id, result)``, ``failed(request_id, message)``. Subclasses say how
    to answer one request (:meth:`_answer`, run in the worker thread).
    """

    answered = Signal(int, object)
    failed = Signal(int, str)
    _work_posted = Signal()

    def __init__(self, name: str):
        super().__init__()
        self._lock = threading.Lock()
        self._pending: tuple | None = None
        self._busy = False
        self._thread = QThread()
        self._thread.setObjectName(name)
        self.moveToThread(self._thread)
        self._work_posted.connect(self._serve)

    # -- GUI-thread side ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker (a second call does nothing)."""
        if not self._thread.isRunning():
            self._thread.start()

    def _post(self, request_id: int, *job: Any) -> None:
        """Queue ``job`` for :meth:`_answer`, replacing any request still waiting."""
        with self._lock:
            self._pending = (request_id, *job)
        self._work_posted.emit()

    def is_idle(self) -> bool:
        """Nothing waiting and nothing being answered."""
        with self._lock:
            return self._pending is None and not self._busy

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the worker thread and wait for it (the current request finishes first)."""
        with self._lock:
            self._pending = None
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                log.warning("the %s thread did not stop within %d ms", self._thread.objectName(), timeout_ms)
                return
        self._release()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def _release(self) -> None:
        """Drop what the worker holds once its thread has stopped (sessions, thread pools)."""

    # -- worker-thread side ------------------------------------------------------------------
    @Slot()
    def _serve(self) -> None:
        with self._lock:
            job, self._pending = self._pending, None
            self._busy = job is not None
        if job is None:  # an older notification whose request was replaced and already served
            return
        request_id, *args = job
        try:
            result = self._answer(*args)
        except Exception as exc:  # one bad model or input must not kill the worker
            log.exception("%s request %d failed", self._thread.objectName(), request_id)
            self._done()
            self.failed.emit(request_id, str(exc))
            return
        self._done()
        self.answered.emit(request_id, result)

    def _done(self) -> None:
        with self._lock:
            self._busy = False

    def _answer(self, *args: Any) -> Any:
        """The result for one request (runs in the worker thread)."""
        raise NotImplementedError


class ModelWorker(LatestRequestWorker):
    """A :class:`LatestRequestWorker` that first opens the models of the model folders.

    ``models_ready(models, problems)`` follows each scan (on start and on :meth:`rescan`).
    Subclasses say which models to keep (:meth:`_take_models`).
    """

    models_ready = Signal(object, object)
    _rescan_posted = Signal()

    #: Tasks whose models this worker opens; others are only listed (None: open every model).
    load_tasks: set[str] | None = None
    #: onnxruntime threads per inference of the opened models (None: its default, one per core).
    session_threads: int | None = None

    def __init__(self, folders: Sequence[str | Path], name: str):
        super().__init__(name)
        self._registry = ModelRegistry(folders)
        self._models: dict = {}
        self._thread.started.connect(self._scan)
        self._rescan_posted.connect(self._scan)

    def rescan(self) -> None:
        """Look at the model folders again (a model was added or removed)."""
        self._rescan_posted.emit()

    def _release(self) -> None:
        # The sessions and their onnxruntime thread pools go now, not whenever this object does;
        # a later start() scans (and opens) the models again.
        self._models = {}

    @Slot()
    def _scan(self) -> None:
        scan = self._registry.scan(warm_up=True, load_tasks=self.load_tasks, threads=self.session_threads)
        for problem in scan.problems:
            log.warning("skipped model %s: %s", problem.path, problem.reason)
        self.models_ready.emit(self._take_models(scan), list(scan.problems))

    def _take_models(self, scan: RegistryScan) -> list:
        """Keep the opened models this worker runs; return the list to announce."""
        raise NotImplementedError


def not_loaded(path: str) -> LookupError:
    return LookupError(f"the model {Path(path).name} is not loaded")
