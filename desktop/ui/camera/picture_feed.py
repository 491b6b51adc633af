"""The one picture source the Camera panel shows: a camera, a video file or a photo.

Starting a source stops the one before, so only one capture thread runs; a frame, error or end
still on its way from a stopped source is dropped here.
"""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop.ui.i18n import tr
from desktop.ui.sources import FrameSource, ImageFileSource, VideoFileSource

log = logging.getLogger(__name__)


class PictureFeed(QObject):
    """``frame(np.ndarray)``: the running source's newest frame (RGB uint8). ``failed(text)``: the
    source failed, or a video ended; it has stopped. A photo's one frame simply stays."""

    frame = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._source: FrameSource | None = None
        self.name = ""  # what the status line calls the source: "Camera 0", "Video clip.avi", a file name

    def start(self, source: FrameSource, name: str) -> None:
        """Show ``source`` (which this feed now owns) instead of the one before."""
        self.stop()
        self.name = name
        self._source = source
        source.frame.connect(self._on_frame)
        source.error.connect(self._on_error)
        source.ended.connect(self._on_ended)
        source.start()
        log.info("camera panel: showing %s", source.description)

    def stop(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            source.frame.disconnect(self._on_frame)
            source.error.disconnect(self._on_error)
            source.ended.disconnect(self._on_ended)
            source.stop()
            source.deleteLater()

    def source(self) -> FrameSource | None:
        return self._source

    def is_live(self) -> bool:
        """True while a source delivers frames (a camera, a playing video)."""
        return self._source is not None and self._source.is_running()

    def _on_frame(self, frame: np.ndarray) -> None:
        if self.sender() is self._source:  # not a frame from a source stopped in the meantime
            self.frame.emit(frame)

    def _on_error(self, text: str) -> None:
        if self.sender() is self._source:
            self.stop()
            self.failed.emit(text)

    def _on_ended(self) -> None:
        source = self.sender()
        if source is not self._source or isinstance(source, ImageFileSource):
            return  # a photo: its one frame stays on screen
        self.stop()
        path = source.path if isinstance(source, VideoFileSource) else source.description
        self.failed.emit(tr("The video {path} ended. Retry plays it again.", path=path))
