"""Read small files (experiments, the architecture gallery) off the GUI thread, one request at a time.

The same pattern as :class:`~desktop.ui.results.report_loader.ReportLoader`: ``load(function, *args)``
returns a request id and ``loaded(id, result)`` or ``failed(id, message)`` follows, so a view
whose choice changed meanwhile can drop a late answer.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.core.experiments import ExperimentError

log = logging.getLogger(__name__)


class _Signals(QObject):
    loaded = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, request_id: int, function: Callable[..., Any], args: tuple, signals: _Signals):
        super().__init__()
        self.request_id, self.function, self.args, self.signals = request_id, function, args, signals

    def run(self) -> None:
        try:
            result = self.function(*self.args)
        except ExperimentError as exc:
            self.signals.failed.emit(self.request_id, str(exc))
        except Exception as exc:  # anything else in a damaged file must not reach the thread pool
            log.exception("reading %s failed", self.args)
            where = f"{self.args[0]}: " if self.args else ""
            self.signals.failed.emit(self.request_id, f"{where}cannot be shown ({exc})")
        else:
            self.signals.loaded.emit(self.request_id, result)


class BackgroundLoader(QObject):
    """``load(function, *args)`` -> request id; then ``loaded(id, result)`` or ``failed(id, message)``."""

    loaded = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.loaded.connect(self.loaded)
        self._signals.failed.connect(self.failed)
        self._next_id = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def load(self, function: Callable[..., Any], *args: Any) -> int:
        self._next_id += 1
        self._pool.start(_Job(self._next_id, function, args, self._signals))
        return self._next_id

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the jobs in flight (on exit)."""
        return self._pool.waitForDone(timeout_ms)
