"""One-off loads in a small thread pool, each tagged with a request id."""

from __future__ import annotations

import logging
from typing import Any, Callable, Sequence

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.ui.i18n import tr

log = logging.getLogger(__name__)


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
