"""The UI's one threading module: every thread the panels use starts here.

Four kinds of background work, and nothing else:

* **Live inputs, newest request wins** (:class:`LatestRequestWorker`, and :class:`ModelWorker`
  which also opens the models of the model folders). A student writes, and a camera delivers,
  faster than a model answers on a slow laptop, and an answer for an input already gone is
  useless: the worker keeps only the newest waiting request and tags every answer with its
  request id so the panel can drop a late one.
* **One-off loads** (:class:`BackgroundLoader`): read a file or decode a thumbnail in a small
  thread pool, each load tagged with a request id so a view whose choice changed drops a late one.
* **Jobs with progress and cancel** (:class:`JobWorker`, and :class:`JobRunner` which gives a view
  one job at a time with a progress bar). A job is a plain function
  ``job(progress, cancelled) -> result`` (from ``desktop.core``) that reports
  ``progress(done, total)`` and polls ``cancelled()`` between batches.
* **Producers, newest item wins** (:class:`StreamWorker`): a loop that makes items until it is
  stopped (a camera's or a video's frames) or one slow look-up (which cameras there are). Items
  are not queued: a slow consumer gets the newest one.

The GUI thread never creates an onnxruntime session, runs a model, reads a folder or trains.
Signals are delivered queued to receivers that live in the GUI thread; connect them to methods
of GUI-thread QObjects (a plain function connected to a worker's signal runs in the worker thread).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressBar

from desktop.core.registry import ModelRegistry, RegistryScan
from desktop.ui.i18n import tr

log = logging.getLogger(__name__)

Job = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]
#: Qt's int signal arguments are 32-bit; larger totals (bytes of a big .gnt set) are scaled to this.
_SCALED_TOTAL = 1000
_INT_MAX = 2**31 - 1


# -- newest request wins -------------------------------------------------------------------------
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
        scan = self._registry.scan(warm_up=True, load_tasks=self.load_tasks)
        for problem in scan.problems:
            log.warning("skipped model %s: %s", problem.path, problem.reason)
        self.models_ready.emit(self._take_models(scan), list(scan.problems))

    def _take_models(self, scan: RegistryScan) -> list:
        """Keep the opened models this worker runs; return the list to announce."""
        raise NotImplementedError


def not_loaded(path: str) -> LookupError:
    return LookupError(f"the model {Path(path).name} is not loaded")


# -- jobs with progress and cancel -------------------------------------------------------------
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


# -- one-off loads in a thread pool ------------------------------------------------------------
#: Words an unexpected failure: ``(args of the request, exception) -> message``.
Describe = Callable[[tuple, Exception], str]


def cannot_be_shown(args: tuple, exc: Exception) -> str:
    """The default wording: the first argument (the file) and the reason."""
    where = f"{args[0]}: " if args else ""
    return tr("{where}cannot be shown ({reason})", where=where, reason=exc)


class _LoadSignals(QObject):
    loaded = Signal(int, object)
    failed = Signal(int, str)


class _Load(QRunnable):
    def __init__(self, request_id: int, function: Callable[..., Any], args: tuple, signals: _LoadSignals,
                 expected: tuple[type[Exception], ...], describe: Describe):
        super().__init__()
        self.request_id, self.function, self.args, self.signals = request_id, function, args, signals
        self.expected, self.describe = expected, describe

    def run(self) -> None:
        try:
            result = self.function(*self.args)
        except self.expected as exc:  # these already say what is wrong, naming the file
            self.signals.failed.emit(self.request_id, str(exc))
        except Exception as exc:  # anything else in a damaged file must not reach the thread pool
            log.exception("reading %s failed", self.args)
            self.signals.failed.emit(self.request_id, self.describe(self.args, exc))
        else:
            self.signals.loaded.emit(self.request_id, result)


class BackgroundLoader(QObject):
    """``load(function, *args)`` -> request id; then ``loaded(id, result)`` or ``failed(id, message)``.

    Runs ``function(*args)`` on one of ``threads`` pool threads (one: loads finish in order). An
    exception of ``expected`` fails with its own message; any other is logged and worded by
    ``describe``. :meth:`clear` drops loads not started yet (their answers are no longer wanted).
    """

    loaded = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None,
                 expected: type[Exception] | Sequence[type[Exception]] = (),
                 describe: Describe = cannot_be_shown, threads: int = 1):
        super().__init__(parent)
        self._expected = (expected,) if isinstance(expected, type) else tuple(expected)
        self._describe = describe
        # The pool is created before the signal object, so it is destroyed (and joined) first.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._signals = _LoadSignals(self)
        self._signals.loaded.connect(self.loaded)
        self._signals.failed.connect(self.failed)
        self._next_id = 0

    def load(self, function: Callable[..., Any], *args: Any) -> int:
        self._next_id += 1
        self._pool.start(_Load(self._next_id, function, args, self._signals, self._expected, self._describe))
        return self._next_id

    def clear(self) -> None:
        """Forget the loads still queued (those running finish and answer)."""
        self._pool.clear()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the loads in flight (on exit)."""
        return self._pool.waitForDone(timeout_ms)


# -- a producer on its own thread, newest item wins --------------------------------------------
class NewestSlot:
    """One item, overwritten by a producer thread and taken by the GUI thread. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: Any = None
        self._notified = False

    def put(self, item: Any) -> bool:
        """Store ``item`` (dropping any untaken one); True if the taker must be notified."""
        with self._lock:
            self._item = item
            must_notify, self._notified = not self._notified, True
            return must_notify

    def take(self) -> Any:
        """The newest item, or None when it was taken already."""
        with self._lock:
            item, self._item = self._item, None
            self._notified = False
            return item


class _ProducerThread(QThread):
    """Runs ``produce(publish)``; its signals reach the :class:`StreamWorker` in the GUI thread queued."""

    item_waiting = Signal()
    failed = Signal(str)
    ended = Signal()

    def __init__(self, produce: Callable[[Callable[[Any], None]], None], slot: NewestSlot, stop: threading.Event,
                 expected: tuple[type[Exception], ...], describe: Callable[[Exception], str]):
        super().__init__()
        self._produce, self._slot, self._stop = produce, slot, stop
        self._expected, self._describe = expected, describe

    def _publish(self, item: Any) -> None:
        if self._slot.put(item):
            self.item_waiting.emit()

    def release(self) -> None:
        """Drop ``produce`` and ``describe`` once the thread has ended (called in the GUI thread).

        They are usually methods of the worker's owner, which is also its Qt parent: held here they
        would make the worker's deletion delete the owner too, from inside the worker's destructor.
        """
        self._produce = self._describe = None

    def run(self) -> None:
        try:
            self._produce(self._publish)
        except self._expected as exc:  # these already say what is wrong
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a driver or codec error must end the stream, not the app
            log.exception("the %s thread failed", self.objectName())
            self.failed.emit(self._describe(exc))
            return
        if not self._stop.is_set():
            self.ended.emit()


#: Workers whose thread outlived :meth:`StreamWorker.stop`: kept until the thread ends.
_UNFINISHED: set["StreamWorker"] = set()


class StreamWorker(QObject):
    """One run of ``produce(publish)`` on its own thread; create a new worker for each run.

    ``produce`` calls ``publish(item)`` for every item it makes (a camera frame, a list of cameras;
    never None) and returns when it has no more, or soon after the ``stop`` event is set (it may
    wait on that event between items, so a stop wakes it). Items are not queued: ``publish``
    overwrites one slot and notifies the GUI thread at most once until it takes the item, so a slow
    consumer gets fewer items, never older ones.

    Signals, in the GUI thread: ``delivered(item)``, always the newest; ``failed(message)`` when
    ``produce`` raised (an ``expected`` exception's own message, else ``describe(exception)``);
    ``ended()`` when ``produce`` returned without a stop. The last item published before a failure
    or the end is delivered first. Nothing is delivered after :meth:`stop`.
    """

    delivered = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(self, produce: Callable[[Callable[[Any], None]], None], name: str, *,
                 stop: threading.Event | None = None,
                 expected: type[Exception] | Sequence[type[Exception]] = (),
                 describe: Callable[[Exception], str] = str, parent: QObject | None = None):
        super().__init__(parent)
        self.stop_event = stop if stop is not None else threading.Event()
        self._slot = NewestSlot()
        self._stopped = False
        expected = (expected,) if isinstance(expected, type) else tuple(expected)
        self._thread = _ProducerThread(produce, self._slot, self.stop_event, expected, describe)
        self._thread.setObjectName(name)
        self._thread.item_waiting.connect(self._deliver_newest)
        self._thread.failed.connect(self._on_failed)
        self._thread.ended.connect(self._on_ended)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Wait for ``produce`` to return (at exit); True if it did."""
        return self._thread.wait(timeout_ms)

    def stop(self, timeout_ms: int = 1000) -> bool:
        """Set the stop event and join the thread; True if it ended within ``timeout_ms``.

        The worker is finished with after this and deletes itself once its thread has ended: at
        once, or (False) when a ``produce`` stuck in a driver call returns.
        """
        self._stopped = True
        self.stop_event.set()
        self._slot.take()
        if self._thread.wait(timeout_ms):
            self._thread.release()
            self.deleteLater()
            return True
        self.setParent(None)  # the owner may go; this object stays until its thread is done
        _UNFINISHED.add(self)
        return False

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread.release()
        if self in _UNFINISHED:
            _UNFINISHED.discard(self)
            self.deleteLater()

    @Slot()
    def _deliver_newest(self) -> None:
        item = self._slot.take()
        if item is not None and not self._stopped:
            self.delivered.emit(item)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if not self._stopped:
            self._deliver_newest()  # the last good item before the failure still counts
            self.failed.emit(message)

    @Slot()
    def _on_ended(self) -> None:
        if not self._stopped:
            self._deliver_newest()
            self.ended.emit()
