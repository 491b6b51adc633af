"""The panel icons, drawn as vector paths: crisp at any size, zoom and screen scale, and needing no licence.

Each icon is a function that draws on a 24 x 24 grid with a painter already set up (pen and
brush in the text colour); :func:`panel_icon` wraps one in a QIcon whose engine draws it afresh
at every size asked for, in the palette's text colour, or its highlighted-text colour when the
item is selected, so the icons follow the theme.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)

GRID = 24.0  # icons are drawn on a GRID x GRID square
STROKE = 1.8  # line width on that grid


def _draw_write(p: QPainter) -> None:
    # A pen writing a stroke: the pen's body, its tip, and the line it leaves.
    body = QPainterPath()
    body.moveTo(15.5, 3.5)
    body.lineTo(20.5, 8.5)
    body.lineTo(9.0, 20.0)
    body.lineTo(3.5, 20.5)
    body.lineTo(4.0, 15.0)
    body.closeSubpath()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(body)
    p.drawLine(QPointF(13.0, 6.0), QPointF(18.0, 11.0))
    p.drawLine(QPointF(12.5, 21.0), QPointF(21.0, 21.0))


def _draw_camera(p: QPainter) -> None:
    body = QPainterPath()
    body.addRoundedRect(QRectF(2.5, 7.0, 19.0, 13.0), 2.5, 2.5)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(body)
    bump = QPainterPath()
    bump.moveTo(8.0, 7.0)
    bump.lineTo(9.5, 4.0)
    bump.lineTo(14.5, 4.0)
    bump.lineTo(16.0, 7.0)
    p.drawPath(bump)
    p.drawEllipse(QPointF(12.0, 13.5), 4.0, 4.0)
    p.save()
    p.setBrush(p.pen().color())
    p.drawEllipse(QPointF(18.5, 9.8), 0.6, 0.6)
    p.restore()


def _draw_teach(p: QPainter) -> None:
    # A mortarboard: the square top seen at an angle, the cap below, the tassel.
    top = QPainterPath()
    top.moveTo(12.0, 4.0)
    top.lineTo(22.5, 9.0)
    top.lineTo(12.0, 14.0)
    top.lineTo(1.5, 9.0)
    top.closeSubpath()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(top)
    cap = QPainterPath()
    cap.moveTo(6.0, 11.8)
    cap.lineTo(6.0, 17.0)
    cap.cubicTo(9.0, 20.0, 15.0, 20.0, 18.0, 17.0)
    cap.lineTo(18.0, 11.8)
    p.drawPath(cap)
    p.drawLine(QPointF(21.0, 9.8), QPointF(21.0, 16.5))


def _draw_kernels(p: QPainter) -> None:
    # A 3 x 3 kernel, its centre weight filled.
    cell = 6.0
    left = top = 3.0
    p.setBrush(Qt.BrushStyle.NoBrush)
    for row in range(3):
        for col in range(3):
            p.drawRect(QRectF(left + col * cell, top + row * cell, cell, cell))
    p.save()
    p.setBrush(p.pen().color())
    p.drawRect(QRectF(left + cell, top + cell, cell, cell))
    p.restore()


def _draw_results(p: QPainter) -> None:
    # Bars of a chart on an axis.
    p.drawLine(QPointF(3.0, 3.0), QPointF(3.0, 21.0))
    p.drawLine(QPointF(3.0, 21.0), QPointF(21.5, 21.0))
    p.save()
    p.setBrush(p.pen().color())
    for x, height in ((6.0, 7.0), (11.0, 12.0), (16.0, 16.0)):
        p.drawRect(QRectF(x, 21.0 - height, 3.2, height))
    p.restore()


DRAWINGS: dict[str, Callable[[QPainter], None]] = {
    "Write": _draw_write,
    "Camera": _draw_camera,
    "Teach": _draw_teach,
    "Kernels": _draw_kernels,
    "Results": _draw_results,
}


def _colour(mode: QIcon.Mode) -> QColor:
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)


class _DrawnIconEngine(QIconEngine):
    """Draws one icon at whatever size and device pixel ratio Qt asks for."""

    def __init__(self, draw: Callable[[QPainter], None]):
        super().__init__()
        self._draw = draw

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        side = min(rect.width(), rect.height())
        if side <= 0:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2)
        painter.scale(side / GRID, side / GRID)
        pen = QPen(_colour(mode), STROKE)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self._draw(painter)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:  # noqa: N802
        pixmap = QPixmap(QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale))))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, pixmap.width(), pixmap.height()), mode, state)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:  # noqa: N802
        return size

    def clone(self) -> QIconEngine:
        return _DrawnIconEngine(self._draw)

    def key(self) -> str:
        return "cnn-classroom-drawn"


def panel_icon(name: str) -> QIcon:
    """The icon of the panel ``name`` ("Write", "Camera", "Teach", "Kernels", "Results")."""
    try:
        draw = DRAWINGS[name]
    except KeyError:
        raise ValueError(f"no icon for a panel named {name!r}; there are: {', '.join(DRAWINGS)}") from None
    return QIcon(_DrawnIconEngine(draw))
