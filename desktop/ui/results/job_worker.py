"""Run one long job (an evaluation, a data set scan) on a worker thread, with progress and cancel.

The GUI thread never reads image folders nor runs a model. A job is a plain function
``job(progress, cancelled) -> result`` from ``desktop.core``; :class:`JobWorker` runs it on a
QThread, forwards its ``progress(done, total)`` calls and its result or error as signals (queued
to the GUI thread), and answers :meth:`JobWorker.cancel` through the ``cancelled()`` check the job
polls between batches.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

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


class JobRunnerMixin:
    """One cancellable background job at a time for a view with a progress bar and a message.

    The view provides ``progress_bar``, ``message``, ``_update_buttons()`` and the result handlers
    ``_on_finished(result)``, ``_on_failed(message)`` and ``_on_cancelled()``, which call
    :meth:`_finish` first.
    """

    _worker: JobWorker | None = None

    def is_running(self) -> bool:
        return self._worker is not None

    def _start_job(self, job: Job, busy_text: str) -> None:
        self.progress_bar.setRange(0, 0)  # busy until the first progress report gives the total
        self.message.setText(busy_text)
        self._worker = JobWorker(job, self)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.start()
        self._update_buttons()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.message.setText(tr("Cancelling…"))

    def shutdown(self) -> None:
        """Stop a running job and wait for its thread (the app is closing)."""
        if self._worker is not None:
            self._worker.shutdown()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _finish(self, success: bool) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        if not success:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
        self._update_buttons()
