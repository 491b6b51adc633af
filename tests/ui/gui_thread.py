"""Waiting in tests on signals of objects that live in a worker thread.

pytest-qt's ``waitSignal`` connects a plain function to the signal; PySide runs such a function in
the thread of the object that emits, so waiting on a model worker's signal stopped pytest-qt's
GUI-thread timer from the worker thread (Qt: "Timers cannot be stopped from another thread").
A :class:`GuiThreadRelay` receives the worker's signal in a method of a GUI-thread object, which
Qt delivers through the event queue, and re-emits it there, where waiting is safe.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal


class GuiThreadRelay(QObject):
    """``GuiThreadRelay(worker.signal).fired`` carries the signal's arguments as one tuple, in the GUI thread."""

    fired = Signal(tuple)

    def __init__(self, signal):
        # Owned by the application (a GUI-thread object): a relay made inline in a ``with`` stays alive.
        super().__init__(QCoreApplication.instance())
        signal.connect(self._forward)

    def _forward(self, *args) -> None:
        self.fired.emit(args)
