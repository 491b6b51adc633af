"""Python's cycle collector, run only in the GUI thread.

The collector runs in whichever thread happens to allocate when a generation passes its
threshold: often a model worker in the middle of an inference. Reference cycles that hold Qt
objects owned by Python (a closed panel's widgets, a finished job's worker) are then destroyed from
that thread, which Qt does not allow for widgets and which can crash the app at some unrelated
moment (seen as a segmentation fault while stepping through the lessons with a camera model
classifying). So automatic collection is switched off and a GUI-thread timer collects instead,
with the same thresholds, a few times a second.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_INTERVAL_MS = 250
_OBJECT_NAME = "guiThreadGarbageCollector"


class GuiThreadGarbageCollector(QObject):
    """Owned by the application; :func:`install` makes the one instance."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.setObjectName(_OBJECT_NAME)
        self._thresholds = gc.get_threshold()
        self.collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int:
        """Collect the generations past their thresholds, as the automatic collector would; returns
        the number of unreachable objects found."""
        first, second, third = gc.get_count()
        if first <= self._thresholds[0]:
            return 0
        generation = 0
        if second > self._thresholds[1]:
            generation = 2 if third > self._thresholds[2] else 1
        self.collections += 1
        return gc.collect(generation)


def install(app: QCoreApplication) -> GuiThreadGarbageCollector:
    """Switch automatic collection off and collect in ``app``'s (the GUI) thread; idempotent."""
    found = app.findChild(GuiThreadGarbageCollector, _OBJECT_NAME)
    gc.disable()  # again, for a caller that switched it back on meanwhile (tests without Qt do)
    return found if found is not None else GuiThreadGarbageCollector(app)
