"""Producers on their own thread (a camera's frames, a slow device look-up), newest item wins."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Sequence

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


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
