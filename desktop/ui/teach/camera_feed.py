"""The Teach panel's camera: one capture source at a time, its newest frame, and hold-to-record.

The source captures in its own thread (:mod:`desktop.ui.sources`) and delivers frames queued to
this GUI-thread object. While recording, a timer hands the newest frame, once, ``rate`` times a
second to the panel's ``save`` function.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from desktop.ui.sources import CameraSource, FrameSource


class CameraFeed(QObject):
    """``frame(rgb)`` for each new picture; ``failed(message)`` when the source reports an error (the
    panel then stops the feed)."""

    frame = Signal(object)
    failed = Signal(str)

    def __init__(self, source_factory: Callable[[], FrameSource] | None = None, parent: QObject | None = None):
        """``source_factory()`` makes the source (a video file in tests); by default the camera asked for."""
        super().__init__(parent)
        self._factory = source_factory
        self._source: FrameSource | None = None
        self._latest: np.ndarray | None = None
        self._serial = 0  # frames received
        self._saved_serial = -1  # the frame last handed to ``save``
        self._save: Callable[[np.ndarray], object] | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._record_frame)

    def latest(self) -> np.ndarray | None:
        """The newest frame (it stays after the camera stops)."""
        return self._latest

    def start(self, camera_index: int) -> None:
        if self._source is not None:
            return
        self._source = self._factory() if self._factory else CameraSource(camera_index, parent=self)
        self._source.frame.connect(self._on_frame)
        self._source.error.connect(self._on_error)
        self._source.start()

    def stop(self) -> None:
        """Stop recording and the source."""
        self.stop_recording()
        source, self._source = self._source, None
        if source is not None:
            source.stop()
            source.deleteLater()

    def start_recording(self, rate: int, save: Callable[[np.ndarray], object]) -> None:
        """Call ``save(frame)`` for each new frame, at most ``rate`` times a second."""
        self._save = save
        self._timer.start(round(1000 / rate))

    def stop_recording(self) -> bool:
        """True if it was recording."""
        was = self._timer.isActive()
        self._timer.stop()
        self._save = None
        return was

    def _on_frame(self, frame: np.ndarray) -> None:
        if self.sender() is not self._source:
            return  # a frame still queued from a source stopped since
        self._latest = frame
        self._serial += 1
        self.frame.emit(frame)

    def _on_error(self, message: str) -> None:
        self.failed.emit(message)

    def _record_frame(self) -> None:
        if self._latest is None or self._save is None or self._saved_serial == self._serial:
            return  # no new picture since the last one saved
        self._saved_serial = self._serial
        self._save(self._latest)
