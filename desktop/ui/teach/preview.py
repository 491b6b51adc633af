"""Live preview of the taught model: the picture and one confidence bar per class."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.ui.file_drop import dropped_path
from desktop.ui.i18n import tr, translated

PICTURE_SIDE = 200


class ConfidenceBars(QWidget):
    """One labelled bar per class, in class order; the most likely class is shown in bold."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachConfidenceBars")
        self.setAccessibleName("Confidence per class")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.labels: list[QLabel] = []
        self.bars: list[QProgressBar] = []

    def set_classes(self, names: Sequence[str]) -> None:
        for widget in (*self.labels, *self.bars):
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self.labels, self.bars = [], []
        for row, name in enumerate(names):
            label = QLabel(name)
            bar = QProgressBar()
            bar.setObjectName(f"teachConfidence_{row}")
            bar.setAccessibleName(f"Confidence for {name}")
            bar.setRange(0, 1000)
            bar.setValue(0)
            bar.setFormat("%p%")
            self._grid.addWidget(label, row, 0)
            self._grid.addWidget(bar, row, 1)
            self.labels.append(label)
            self.bars.append(bar)

    def set_probabilities(self, probabilities: Sequence[float]) -> None:
        best = int(np.argmax(probabilities)) if len(probabilities) else -1
        for i, (label, bar) in enumerate(zip(self.labels, self.bars)):
            p = float(probabilities[i]) if i < len(probabilities) else 0.0
            bar.setValue(round(1000 * p))
            font = label.font()
            font.setBold(i == best)
            label.setFont(font)

    def values(self) -> dict[str, float]:
        return {label.text(): bar.value() / 1000 for label, bar in zip(self.labels, self.bars)}


class PreviewPicture(QLabel):
    """The picture being classified; an image file dropped on it is previewed (``image_dropped``)."""

    image_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # Only while no picture is shown: setText would replace the picture.
        translated(lambda text: self.setText(text) if self.pixmap().isNull() else None,
                   "Drop a photo here, or start the camera", owner=self)
        self.setObjectName("teachPreviewPicture")
        self.setAccessibleName("Preview picture (drop a photo here)")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(PICTURE_SIDE, PICTURE_SIDE)
        self.setWordWrap(True)
        self.setStyleSheet("#teachPreviewPicture { border: 1px dashed #999; }")
        self.setAcceptDrops(True)

    def set_rgb(self, rgb: np.ndarray) -> None:
        rgb = np.ascontiguousarray(rgb)
        height, width = rgb.shape[:2]
        image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self.setPixmap(QPixmap.fromImage(image).scaled(PICTURE_SIDE, PICTURE_SIDE,
                                                       Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt naming)
        if dropped_path(event, Path.is_file):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = dropped_path(event, Path.is_file)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.image_dropped.emit(str(path))


class PreviewView(QWidget):
    """Picture on top, confidence bars below."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachPreview")
        self.picture = PreviewPicture()
        self.bars = ConfidenceBars()
        self.caption = QLabel(tr("Train the model to see its predictions here."))
        self.caption.setObjectName("teachPreviewCaption")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture)
        layout.addWidget(self.caption)
        layout.addWidget(self.bars)
        layout.addStretch()
