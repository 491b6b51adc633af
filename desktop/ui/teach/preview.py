"""Live preview of the taught model: the picture and one confidence bar per class."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QPainter, QPaintEvent, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.file_drop import dropped_path
from desktop.ui.i18n import tr, translated

PICTURE_SIDE = 200  # px the picture asks for
PICTURE_MIN_SIDE = 120  # px it may shrink to on a small screen; it grows with the room there is
DROP_BORDER_COLOUR = "#999999"


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
        self.setMinimumSize(PICTURE_MIN_SIDE, PICTURE_MIN_SIDE)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setWordWrap(True)
        self.setAcceptDrops(True)
        self._image: QImage | None = None

    # The label's own hints would follow the pixmap's size (a picture that only ever grows): fixed ones.
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(PICTURE_SIDE, PICTURE_SIDE)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(PICTURE_MIN_SIDE, PICTURE_MIN_SIDE)

    def set_rgb(self, rgb: np.ndarray) -> None:
        rgb = np.ascontiguousarray(rgb)
        height, width = rgb.shape[:2]
        self._image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self._fit_pixmap()

    def _fit_pixmap(self) -> None:
        """The picture as large as the label allows, aspect kept."""
        if self._image is None:
            return
        room = self.contentsRect().size()
        side = QSize(max(room.width() - 2, PICTURE_MIN_SIDE), max(room.height() - 2, PICTURE_MIN_SIDE))
        self.setPixmap(QPixmap.fromImage(self._image).scaled(side, Qt.AspectRatioMode.KeepAspectRatio,
                                                             Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit_pixmap()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        super().paintEvent(event)
        # A dashed "drop here" border, painted rather than set by a style sheet: a style sheet would
        # stop the text following the window's zoom.
        painter = QPainter(self)
        painter.setPen(QPen(QColor(DROP_BORDER_COLOUR), 1, Qt.PenStyle.DashLine))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

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


class TeachPreview(QWidget):
    """Picture on top, a caption, then the confidence bars."""

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
        layout.addWidget(self.picture, stretch=1)  # the picture takes the room there is
        layout.addWidget(self.caption)
        layout.addWidget(self.bars)

    def show_classes(self, names: Sequence[str], caption: str) -> None:
        """A bar for each class of a new model (none: no model), and what to do next."""
        self.bars.set_classes(names)
        self.caption.setText(caption)

    def show_prediction(self, names: Sequence[str], probabilities: Sequence[float]) -> None:
        self.bars.set_probabilities(probabilities)
        best = int(np.argmax(probabilities))
        self.caption.setText(tr("{name} ({value:.0%})", name=names[best], value=probabilities[best]))

    def top_class(self) -> str | None:
        """The class with the longest bar (None before a prediction)."""
        values = self.bars.values()
        return max(values, key=values.get) if values and any(values.values()) else None
