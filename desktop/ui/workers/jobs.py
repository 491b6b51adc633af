"""Jobs with progress and cancel: one run of ``job(progress, cancelled)`` on its own thread, and the
:class:`JobRunner` a view composes for one job at a time with a progress bar."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal
from PySide6.QtWidgets import QProgressBar

from desktop.ui.i18n import tr

log = logging.getLogger(__name__)

Job = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]
#: Qt's int signal arguments are 32-bit; larger totals (bytes of a big .gnt set) are scaled to this.
_SCALED_TOTAL = 1000
_INT_MAX = 2**31 - 1


class _Runner(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    errored = Signal(str)
    stopped = Signal()

    def __init__(self, job: Job, stop: threading.Event):
        super().__init__()
        self._job = job
        self._stop = stop

    def _progress(self, done: int, total: int) -> None:
        if total > _INT_MAX:
            done, total = done * _SCALED_TOTAL // total, _SCALED_TOTAL
        self.progressed.emit(int(done), int(total))

    def run(self) -> None:
        try:
            result = self._job(self._progress, self._stop.is_set)
        except Exception as exc:  # a bad file or model must reach the user, not kill the thread
            if self._stop.is_set():
                self.stopped.emit()
            else:
                log.exception("background job failed")
                self.errored.emit(str(exc) or type(exc).__name__)
            return
        if self._stop.is_set():
            self.stopped.emit()
        else:
            self.succeeded.emit(result)


class JobWorker(QObject):
    """One run of ``job`` on its own thread; create a new worker for each run.

    Signals: ``progress(done, total)``, ``finished(result)``, ``failed(message)``, ``cancelled()``;
    exactly one of the last three arrives per run.
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: Job, parent: QObject | None = None):
        super().__init__(parent)
        self._stop = threading.Event()
        self._runner = _Runner(job, self._stop)
        self._runner.setObjectName("JobWorker")
        self._runner.progressed.connect(self.progress)
        self._runner.succeeded.connect(self.finished)
        self._runner.errored.connect(self.failed)
        self._runner.stopped.connect(self.cancelled)
        app = QCoreApplication.instance()
        if app is not None:  # the app may quit mid-job: stop the thread before Qt tears down
            app.aboutToQuit.connect(self.shutdown)

    def start(self) -> None:
        self._runner.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next check; ``cancelled`` follows."""
        self._stop.set()

    def is_running(self) -> bool:
        return self._runner.isRunning()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        return self._runner.wait(timeout_ms)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel and wait for the thread (on exit, or when the owning view goes away)."""
        self.cancel()
        if self._runner.isRunning() and not self._runner.wait(timeout_ms):
            log.warning("a background job did not stop within %d ms", timeout_ms)


class JobRunner(QObject):
    """One cancellable job at a time for a view: its progress bar, its status text, its handlers.

    ``start(job, busy_text, on_finished, on_failed, on_cancelled)`` runs ``job`` on a
    :class:`JobWorker`; the handler of the outcome runs in the GUI thread after the worker's thread
    has ended and :attr:`running` is False again. ``status(text)`` carries the busy and
    "Cancelling…" texts; ``busy_changed(running)`` tells the view to enable or disable its buttons.
    The progress bar is busy until the job's first report gives the total, and reset after a
    failure or cancel.
    """

    status = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject, progress_bar: QProgressBar | None = None):
        super().__init__(parent)
        self._bar = progress_bar
        self._worker: JobWorker | None = None
        self._handlers: tuple[Callable, Callable, Callable] | None = None

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, job: Job, busy_text: str, on_finished: Callable[[Any], None],
              on_failed: Callable[[str], None], on_cancelled: Callable[[], None] | None = None) -> None:
        """Run ``job``; a job already running is an error of the caller (check :attr:`running`)."""
        if self._worker is not None:
            raise RuntimeError("a job is already running")
        self._handlers = (on_finished, on_failed, on_cancelled or (lambda: None))
        if self._bar is not None:
            self._bar.setRange(0, 0)
        self._worker = JobWorker(job, self)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.start()
        self.status.emit(busy_text)
        self.busy_changed.emit(True)

    def cancel(self) -> None:
        """Ask the running job to stop; its ``on_cancelled`` follows."""
        if self._worker is not None:
            self._worker.cancel()
            self.status.emit(tr("Cancelling…"))

    def shutdown(self) -> None:
        """Stop a running job and wait for its thread (the app or the view is closing)."""
        if self._worker is not None:
            self._worker.shutdown()

    def _on_progress(self, done: int, total: int) -> None:
        if self._bar is None:
            return
        if total <= 0:  # the job does not know its total yet: stay busy rather than show an empty 0 of 1
            self._bar.setRange(0, 0)
            return
        self._bar.setRange(0, total)
        self._bar.setValue(done)

    def _end(self, success: bool) -> tuple[Callable, Callable, Callable]:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        if not success and self._bar is not None:
            self._bar.setRange(0, 1)
            self._bar.setValue(0)
        handlers, self._handlers = self._handlers, None
        self.busy_changed.emit(False)
        return handlers

    def _on_finished(self, result: Any) -> None:
        self._end(True)[0](result)

    def _on_failed(self, message: str) -> None:
        self._end(False)[1](message)

    def _on_cancelled(self) -> None:
        self._end(False)[2]()
