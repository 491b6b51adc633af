"""A painted diagram of the layer stack: one box per layer with its output shape, arrows between."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr
from desktop.ui.results.tables import shape_text

BOX_WIDTH = 300
BOX_HEIGHT = 40
GAP = 22
MARGIN = 10
LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
#: Box colours by Keras layer type (anything else is grey).
COLOURS = {
    "InputLayer": "#e8e8e8",
    "Rescaling": "#e8e8e8",
    "Conv2D": "#cfe2f3",
    "DepthwiseConv2D": "#cfe2f3",
    "MaxPooling2D": "#fce5cd",
    "AveragePooling2D": "#fce5cd",
    "GlobalAveragePooling2D": "#fce5cd",
    "Dense": "#d9ead3",
    "Dropout": "#f4cccc",
    "Flatten": "#fff2cc",
    "BatchNormalization": "#ead1dc",
}


class LayerDiagram(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("layerDiagram")
        self.setAccessibleName("Diagram of the layer stack")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.layers: list[dict[str, Any]] = []

    def set_layers(self, layers: list[dict[str, Any]]) -> None:
        self.layers = list(layers)
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        n = len(self.layers)
        return QSize(BOX_WIDTH + 2 * MARGIN, max(60, 2 * MARGIN + n * BOX_HEIGHT + max(0, n - 1) * GAP))

    def box_rect(self, index: int) -> QRectF:
        x = max(MARGIN, (self.width() - BOX_WIDTH) / 2)
        return QRectF(x, MARGIN + index * (BOX_HEIGHT + GAP), BOX_WIDTH, BOX_HEIGHT)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        title_font, small_font = cjk_font(10), cjk_font(8)
        title_font.setBold(True)
        for i, layer in enumerate(self.layers):
            rect = self.box_rect(i)
            painter.setPen(QPen(QColor("#444444"), 1.2))
            painter.setBrush(QColor(COLOURS.get(str(layer.get("type")), "#eeeeee")))
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(Qt.GlobalColor.black)
            painter.setFont(title_font)
            painter.drawText(rect.adjusted(8, 2, -8, -BOX_HEIGHT / 2), LEFT_MIDDLE,
                             f"{layer.get('name', '')}  ({layer.get('type', '')})")
            painter.setFont(small_font)
            params = layer.get("params")
            detail = shape_text(layer.get("output_shape"))
            if params:
                detail += tr("   {n:,} params", n=int(params))
            painter.drawText(rect.adjusted(8, BOX_HEIGHT / 2, -8, -2), LEFT_MIDDLE, detail)
            if i + 1 < len(self.layers):
                self._arrow(painter, QPointF(rect.center().x(), rect.bottom()),
                            QPointF(rect.center().x(), rect.bottom() + GAP))
        painter.end()

    @staticmethod
    def _arrow(painter: QPainter, start: QPointF, end: QPointF) -> None:
        painter.setPen(QPen(QColor("#444444"), 1.5))
        painter.drawLine(start, end - QPointF(0, 2))
        head = QPainterPath(end)
        head.lineTo(end + QPointF(-5, -8))
        head.lineTo(end + QPointF(5, -8))
        head.closeSubpath()
        painter.fillPath(head, QColor("#444444"))
