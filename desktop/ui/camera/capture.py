"""A camera source that asks the driver for a resolution (640×480, 1280×720, ...)."""

from __future__ import annotations

import cv2
from PySide6.QtCore import QObject

from desktop.ui.sources import CameraSource

RESOLUTIONS = ((640, 480), (1280, 720))


class SizedCameraSource(CameraSource):
    """:class:`CameraSource` that requests ``resolution`` (width, height) when it opens.

    The driver may pick the nearest size it supports; frames then come at that size.
    """

    def __init__(self, index: int = 0, resolution: tuple[int, int] = RESOLUTIONS[0], parent: QObject | None = None):
        super().__init__(index, parent)
        self.resolution = (int(resolution[0]), int(resolution[1]))

    def _open(self) -> cv2.VideoCapture:
        capture = super()._open()
        width, height = self.resolution
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        return capture
