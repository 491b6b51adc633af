"""The drawing canvas: mouse, pen tablet and touch ink kept as point lists, with undo and redo.

A stroke is an ``(n, 4)`` float array of ``x, y, t_ms, pressure`` in widget pixels (y down), the
format :func:`desktop.core.strokes.render` reads. ``t_ms`` counts milliseconds since the drawing
started (the first point put on an empty canvas), so pauses between strokes are kept too.
Pressure is 0..1: 1.0 for the mouse and touch, the pen's pressure on a tablet; it scales the line
width on screen exactly as the renderer scales it for the model.

The canvas only collects and paints ink; recognising it is the panel's job.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from PySide6.QtCore import QElapsedTimer, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

# The same default the command line renders stroke files with, so both give the model the same ink.
from desktop.core.recognition import DEFAULT_PEN_WIDTH
from desktop.ui.i18n import tr, tr_noop

MIN_PAINTED_WIDTH = 1.0  # px: a feather-light pen touch still leaves a visible line
PAPER = QColor(255, 255, 255)
INK = QColor(20, 20, 20)
GRID = QColor(214, 69, 65, 150)  # the light red of printed practice paper
HINT = QColor(150, 150, 150)
HINT_TEXT = tr_noop("Write a character here")
GRID_MARGIN = 6  # px between the widget edge and the practice-square border
#: A sample character keeps this share of the practice square free on each side, so the pen's
#: width stays inside the square.
SAMPLE_INSET = 0.08
# Undo steps kept: a whole lesson of writing and clearing must not keep every stroke ever drawn.
MAX_UNDO_STEPS = 200

_MOUSE, _TABLET, _TOUCH = "mouse", "tablet", "touch"


class DrawingCanvas(QWidget):
    """Collects strokes from mouse, tablet or touch; undo/redo/clear; optional 米字格 guide grid."""

    #: Anything about the ink changed: a point added while drawing, a stroke finished, undo, redo, clear or load.
    strokes_changed = Signal()
    #: The pen was lifted: a stroke is complete.
    stroke_finished = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("drawingCanvas")
        self.setAccessibleName("Drawing canvas")
        self.setAccessibleDescription(
            "Write one Chinese character here with the mouse, a pen tablet or a finger. "
            "The candidates update while you write."
        )
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel is painted: skip background fill
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

        self._strokes: list[np.ndarray] = []  # completed strokes, read-only arrays
        self._undo: list[list[np.ndarray]] = []  # earlier states (lists share the arrays: cheap)
        self._redo: list[list[np.ndarray]] = []
        self._current: list[tuple[float, float, float, float]] = []  # the stroke being drawn
        self._source: str | None = None  # which device draws the current stroke
        self._clock = QElapsedTimer()
        self._time_offset = 0.0  # ms added to the clock, so times keep increasing after loads and redos
        self._touch_id: int | None = None  # the finger that writes
        self._pen_width = DEFAULT_PEN_WIDTH
        self._grid_visible = True
        self._ink_cache: QPixmap | None = None  # completed strokes and the current one, transparent paper

    # ----------------------------------------------------------------------------------- public API
    def strokes(self) -> list[np.ndarray]:
        """All strokes as ``(n, 4)`` float arrays (x, y, t_ms, pressure), the one being drawn included."""
        out = list(self._strokes)
        if self._current:
            out.append(np.array(self._current, dtype=np.float64))
        return out

    def is_empty(self) -> bool:
        return not self._strokes and not self._current

    def pen_width(self) -> float:
        return self._pen_width

    def set_pen_width(self, px: float) -> None:
        """Full-pressure line width in widget pixels (also what the model's rendering uses)."""
        px = float(px)
        if not np.isfinite(px) or px <= 0:
            raise ValueError(f"the pen width must be a positive number of pixels, got {px}")
        if px != self._pen_width:
            self._pen_width = px
            self._invalidate_ink()
            self.strokes_changed.emit()  # same strokes, different ink: the model input changes

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> None:
        """Take back the last step (a stroke, a clear or a load)."""
        self._finish_stroke(emit=False)
        if not self._undo:
            return
        self._redo.append(self._strokes)
        self._strokes = self._undo.pop()
        self._after_edit()

    def redo(self) -> None:
        self._finish_stroke(emit=False)
        if not self._redo:
            return
        self._remember(self._strokes)
        self._strokes = self._redo.pop()
        self._after_edit()

    def clear(self) -> None:
        """Remove all ink as one undoable step."""
        self._finish_stroke(emit=False)
        if not self._strokes:
            return
        self._push_state([])

    def set_strokes(self, strokes: Sequence[Sequence[Sequence[float]]]) -> None:
        """Load strokes (undoable). Each is ``(n, 2)`` x, y, ``(n, 3)`` x, y, pressure or ``(n, 4)``."""
        self._finish_stroke(emit=False)
        loaded = [_as_canvas_stroke(s) for s in strokes if len(s)]
        if not loaded and not self._strokes:
            self.strokes_changed.emit()  # nothing to undo: an empty load on an empty canvas
            return
        self._push_state(loaded)

    def set_sample_strokes(self, strokes: Sequence[np.ndarray]) -> None:
        """Load strokes of the stroke data's 1024 box (y down), fitted into the practice square (undoable)."""
        from desktop.core.stroke_samples import fit_to_square

        square = self.grid_square()
        inset = square.width() * SAMPLE_INSET
        self.set_strokes(fit_to_square(list(strokes), square.left() + inset, square.top() + inset,
                                       square.width() - 2 * inset))

    def set_grid_visible(self, visible: bool) -> None:
        """Show or hide the 米字格 guide (paint only: the strokes and the model input never include it)."""
        if visible != self._grid_visible:
            self._grid_visible = bool(visible)
            self.update()

    def grid_visible(self) -> bool:
        return self._grid_visible

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(420, 420)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, 160)

    # ------------------------------------------------------------------------------ stroke building
    def _remember(self, state: list[np.ndarray]) -> None:
        self._undo.append(state)
        if len(self._undo) > MAX_UNDO_STEPS:
            del self._undo[:-MAX_UNDO_STEPS]

    def _push_state(self, strokes: list[np.ndarray]) -> None:
        self._remember(self._strokes)
        self._redo.clear()
        self._strokes = strokes
        self._after_edit()

    def _after_edit(self) -> None:
        self._invalidate_ink()
        self.strokes_changed.emit()

    def _begin_stroke(self, pos: QPointF, pressure: float, source: str) -> None:
        self._finish_stroke()  # a lost release (e.g. a device switched mid-stroke) must not glue strokes together
        self._continue_clock()
        self._source = source
        self._current = [self._point(pos, pressure)]
        self._paint_current_segment()
        self.strokes_changed.emit()

    def _extend_stroke(self, pos: QPointF, pressure: float) -> None:
        point = self._point(pos, pressure)
        last = self._current[-1]
        if point[0] == last[0] and point[1] == last[1]:
            return  # no movement: nothing new to draw or to recognise
        self._current.append(point)
        self._paint_current_segment()
        self.strokes_changed.emit()

    def _finish_stroke(self, emit: bool = True) -> None:
        if not self._current:
            self._source = None
            return
        stroke = np.array(self._current, dtype=np.float64)
        stroke.setflags(write=False)
        self._current = []
        self._source = None
        self._remember(self._strokes)
        self._redo.clear()
        self._strokes = self._strokes + [stroke]
        if emit:
            self.strokes_changed.emit()
            self.stroke_finished.emit()

    def _continue_clock(self) -> None:
        """Time 0 is the first point on an empty canvas; later strokes never go back in time."""
        if not self._strokes:
            self._clock.start()
            self._time_offset = 0.0
            return
        last = max(float(s[-1, 2]) for s in self._strokes)
        if not self._clock.isValid() or self._time_offset + self._clock.nsecsElapsed() / 1e6 <= last:
            self._clock.start()
            self._time_offset = last + 1.0

    def _point(self, pos: QPointF, pressure: float) -> tuple[float, float, float, float]:
        t_ms = self._time_offset + self._clock.nsecsElapsed() / 1e6
        return float(pos.x()), float(pos.y()), t_ms, float(min(max(pressure, 0.0), 1.0))

    # ---------------------------------------------------------------------------------- input events
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._source is None:
            self._begin_stroke(event.position(), 1.0, _MOUSE)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._source == _MOUSE and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position(), 1.0)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._source == _MOUSE and event.button() == Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position(), 1.0)
            self._finish_stroke()
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        """Pen tablet: pressure scales the width. Accepting stops Qt from also sending mouse events."""
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin_stroke(event.position(), event.pressure(), _TABLET)
        elif kind == QEvent.Type.TabletMove and self._source == _TABLET:
            self._extend_stroke(event.position(), event.pressure())
        elif kind == QEvent.Type.TabletRelease and self._source == _TABLET:
            self._finish_stroke()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            self._touch_event(event)  # type: ignore[arg-type]
            return True
        return super().event(event)

    def _touch_event(self, event: QTouchEvent) -> None:
        """One finger writes: the first finger down; others (a resting palm, a second finger) are ignored."""
        event.accept()
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            self._finish_stroke()
            self._touch_id = None
            return
        points = event.points()
        if kind == QEvent.Type.TouchBegin and points:
            self._touch_id = points[0].id()
            self._begin_stroke(points[0].position(), 1.0, _TOUCH)
            return
        finger = next((p for p in points if p.id() == self._touch_id), None)
        if finger is None or self._source != _TOUCH:
            return
        self._extend_stroke(finger.position(), 1.0)
        if kind == QEvent.Type.TouchEnd or finger.state() == QEventPoint.State.Released:
            self._finish_stroke()
            self._touch_id = None

    # -------------------------------------------------------------------------------------- painting
    def painted_width(self, pressure: float) -> float:
        """On-screen line width at ``pressure`` (0..1), the same scaling the model's renderer applies."""
        return max(self._pen_width * min(max(pressure, 0.0), 1.0), MIN_PAINTED_WIDTH)

    def _invalidate_ink(self) -> None:
        self._ink_cache = None
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._invalidate_ink()
        super().resizeEvent(event)

    def _ensure_ink_cache(self) -> QPixmap:
        """Completed strokes are drawn once into a pixmap; repaints only blit it."""
        if self._ink_cache is None:
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = self._ink_painter(pixmap)
            for stroke in self._strokes:
                self._draw_stroke(painter, stroke)
            if self._current:
                self._draw_stroke(painter, np.array(self._current))
            painter.end()
            self._ink_cache = pixmap
        return self._ink_cache

    def _ink_painter(self, pixmap: QPixmap) -> QPainter:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        return painter

    def _pen(self, width: float) -> QPen:
        return QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)

    def _draw_stroke(self, painter: QPainter, stroke: np.ndarray) -> None:
        pressure = stroke[:, 3]
        if len(stroke) == 1 or np.ptp(pressure) > 1e-6:
            # Varying pressure: segment by segment, each as wide as its mean pressure.
            for i in range(len(stroke)):
                self._draw_segment(painter, stroke[max(i - 1, 0)], stroke[i])
            return
        path = QPainterPath(QPointF(float(stroke[0, 0]), float(stroke[0, 1])))
        for x, y in stroke[1:, :2].tolist():
            path.lineTo(x, y)
        painter.strokePath(path, self._pen(self.painted_width(float(pressure[0]))))

    def _draw_segment(self, painter: QPainter, a, b) -> QRectF:
        width = self.painted_width((float(a[3]) + float(b[3])) / 2.0)
        painter.setPen(self._pen(width))
        start, end = QPointF(float(a[0]), float(a[1])), QPointF(float(b[0]), float(b[1]))
        if start == end:
            painter.drawPoint(start)
        else:
            painter.drawLine(start, end)
        pad = width / 2.0 + 2.0
        return QRectF(start, end).normalized().adjusted(-pad, -pad, pad, pad)

    def _paint_current_segment(self) -> None:
        """Draw only the newest piece of the current stroke into the cache and repaint only its box."""
        if self._ink_cache is None:
            self.update()  # the next paint rebuilds everything, the current stroke included
            return
        painter = self._ink_painter(self._ink_cache)
        points = self._current
        dirty = self._draw_segment(painter, points[max(len(points) - 2, 0)], points[-1])
        painter.end()
        if len(points) == 1:
            self.update()  # the hint text disappears with the first point
        else:
            self.update(dirty.toAlignedRect())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        ink = self._ensure_ink_cache()
        painter = QPainter(self)
        painter.fillRect(event.rect(), PAPER)
        if self._grid_visible:
            self._draw_grid(painter)
        if self.is_empty():
            self._draw_hint(painter)
        painter.drawPixmap(0, 0, ink)
        painter.end()

    def _draw_hint(self, painter: QPainter) -> None:
        """The prompt on a patch of paper, so the guide lines do not run through the words."""
        hint = tr(HINT_TEXT)
        box = QRectF(painter.fontMetrics().boundingRect(hint)).adjusted(-6, -3, 6, 3)
        box.moveCenter(QRectF(self.rect()).center())
        painter.fillRect(box, PAPER)
        painter.setPen(HINT)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, hint)

    def grid_square(self) -> QRectF:
        """The practice square: the largest centred square, a small margin inside the widget."""
        side = max(min(self.width(), self.height()) - 2 * GRID_MARGIN, 1)
        return QRectF((self.width() - side) / 2.0, (self.height() - side) / 2.0, side, side)

    def _draw_grid(self, painter: QPainter) -> None:
        """米字格: a solid border, dashed centre lines and dashed diagonals."""
        square = self.grid_square()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(GRID, 1.5))
        painter.drawRect(square)
        dashed = QPen(GRID, 1.0, Qt.PenStyle.DashLine)
        painter.setPen(dashed)
        centre = square.center()
        painter.drawLine(QPointF(square.left(), centre.y()), QPointF(square.right(), centre.y()))
        painter.drawLine(QPointF(centre.x(), square.top()), QPointF(centre.x(), square.bottom()))
        painter.drawLine(square.topLeft(), square.bottomRight())
        painter.drawLine(square.topRight(), square.bottomLeft())
        painter.restore()


def _as_canvas_stroke(points: Sequence[Sequence[float]]) -> np.ndarray:
    """Any accepted stroke layout -> read-only ``(n, 4)`` x, y, t_ms, pressure (missing time: 10 ms a point)."""
    a = np.asarray(points, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] not in (2, 3, 4):
        raise ValueError(f"a stroke must be a list of [x, y], [x, y, pressure] or [x, y, t_ms, pressure] points, "
                         f"got shape {a.shape}")
    n = len(a)
    out = np.empty((n, 4), dtype=np.float64)
    out[:, :2] = a[:, :2]
    out[:, 2] = a[:, 2] if a.shape[1] == 4 else np.arange(n) * 10.0
    out[:, 3] = np.clip(a[:, -1], 0.0, 1.0) if a.shape[1] >= 3 else 1.0
    out.setflags(write=False)
    return out
