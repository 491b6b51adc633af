"""The live picture: paints the newest RGB frame, scaled to fit and centred."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.ui.i18n import tr


def as_qimage(rgb: np.ndarray) -> QImage:
    """A QImage that shares the memory of a contiguous RGB uint8 [H, W, 3] array (keep it alive)."""
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)


class CameraPreview(QWidget):
    """Shows one frame at a time; :attr:`frames_painted` counts new frames that reached the screen."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cameraPreview")
        self.setAccessibleName("Camera preview")
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._frame: np.ndarray | None = None
        self._painted_serial = 0
        self._serial = 0
        self.frames_painted = 0
        self.placeholder = tr("No picture yet: choose a camera, a sample photo or a file.")

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(640, 480)

    def set_frame(self, rgb: np.ndarray | None) -> None:
        self._frame = None if rgb is None else np.ascontiguousarray(rgb)
        self._serial += 1
        self.update()

    def frame(self) -> np.ndarray | None:
        return self._frame

    def image_rect(self) -> QRectF:
        """Where the frame is drawn: as large as fits, aspect kept, centred."""
        if self._frame is None:
            return QRectF()
        height, width = self._frame.shape[:2]
        scale = min(self.width() / width, self.height() / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(32, 32, 32))
        frame = self._frame
        if frame is None:
            painter.setPen(QColor(220, 220, 220))
            painter.drawText(self.rect().adjusted(16, 16, -16, -16),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.image_rect(), as_qimage(frame))
        painter.end()
        if self._serial != self._painted_serial:
            self._painted_serial = self._serial
            self.frames_painted += 1
