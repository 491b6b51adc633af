"""A grid of small grey images with captions (failed predictions, confusion examples, filters)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from desktop.ui.fonts import cjk_font


def grey_pixmap(image: np.ndarray | None, scale: float = 1.0) -> QPixmap:
    """A uint8 grey (or RGB) array as a pixmap, enlarged ``scale`` times with sharp pixels."""
    if image is None:
        return QPixmap()
    array = np.ascontiguousarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = np.ascontiguousarray(array[..., 0])
    h, w = array.shape[:2]
    if array.ndim == 3:
        qimage = QImage(array.data, w, h, array.strides[0], QImage.Format.Format_RGB888).copy()
    else:
        qimage = QImage(array.data, w, h, array.strides[0], QImage.Format.Format_Grayscale8).copy()
    pixmap = QPixmap.fromImage(qimage)
    if scale != 1.0:
        pixmap = pixmap.scaled(round(w * scale), round(h * scale), Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.FastTransformation)
    return pixmap


class ImageGallery(QListWidget):
    """Icons in rows that wrap; each item keeps its caption and a sort value."""

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, name: str, accessible_name: str, icon_size: QSize = QSize(60, 80),
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible_name)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setIconSize(icon_size)
        self.setSpacing(4)
        self.setFont(cjk_font(10))
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setMinimumHeight(icon_size.height() + 60)

    def add_image(self, image: np.ndarray | None, caption: str, sort_value: float = 0.0,
                  tooltip: str = "", scale: float = 1.0) -> QListWidgetItem:
        item = QListWidgetItem(QIcon(grey_pixmap(image, scale)), caption)
        item.setData(self.SORT_ROLE, float(sort_value))
        item.setToolTip(tooltip or caption)
        item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.addItem(item)
        return item

    def captions(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]
