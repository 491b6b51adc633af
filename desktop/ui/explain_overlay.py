""""Why?" heat maps on screen: the colour map, the overlay widget, the colour scale and the PNG picture.

One colour map serves the app and ``python -m desktop explain``, so a heat map looks the same
wherever it is shown. Cold parts of the map are transparent and hot parts nearly opaque, so the
drawing or photo stays readable under the map.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.i18n import tr, tr_noop, translated

#: Colour stops from no evidence to the strongest: blue, cyan, yellow, red (readable on white and on photos).
HEAT_STOPS = ((0.0, (40, 60, 230)), (0.35, (0, 200, 230)), (0.7, (250, 220, 0)), (1.0, (230, 20, 20)))
#: Opacity of strong evidence; weaker evidence fades smoothly to transparent.
MAX_ALPHA = 0.75
#: Below this share of the strongest, nothing is drawn (the picture stays clean where nothing counts);
#: from there the opacity grows until FULL_HEAT, so the map has no hard edge.
MIN_HEAT = 0.05
FULL_HEAT = 0.5
SCALE_LOW = tr_noop("less")
SCALE_HIGH = tr_noop("more evidence")


def _lookup_table() -> np.ndarray:
    positions = np.linspace(0.0, 1.0, 256)
    stops = np.asarray([s for s, _ in HEAT_STOPS])
    colours = np.asarray([c for _, c in HEAT_STOPS], dtype=np.float64)
    return np.stack([np.interp(positions, stops, colours[:, i]) for i in range(3)], axis=1).round().astype(np.uint8)


HEAT_LUT = _lookup_table()


def heat_rgba(heat: np.ndarray) -> np.ndarray:
    """A heat map 0..1 ``[h, w]`` -> RGBA uint8 ``[h, w, 4]``: colour by strength, transparent when weak."""
    h = np.clip(np.nan_to_num(np.asarray(heat, dtype=np.float32)), 0.0, 1.0)
    rgba = np.empty((*h.shape, 4), np.uint8)
    rgba[..., :3] = HEAT_LUT[np.round(h * 255).astype(np.intp)]
    alpha = MAX_ALPHA * np.clip((h - MIN_HEAT) / (FULL_HEAT - MIN_HEAT), 0.0, 1.0)
    rgba[..., 3] = np.round(alpha * 255).astype(np.uint8)
    return rgba


def heat_qimage(heat: np.ndarray) -> QImage:
    rgba = np.ascontiguousarray(heat_rgba(heat))
    height, width = rgba.shape[:2]
    return QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def centred_square(rect: QRectF) -> QRectF:
    """The largest centred square of ``rect``: where a photo model's input lies in a shown frame."""
    side = min(rect.width(), rect.height())
    return QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side)


class HeatOverlay(QWidget):
    """A see-through layer over a widget that paints a heat map into a rectangle of it.

    It covers its parent exactly (following its size) and lets every mouse event through, so the
    canvas below still takes the pen. ``rect_of`` says where, in the parent's coordinates, the
    map belongs (the model input's place on screen); it is asked at every paint, so the map
    follows zooming and resizing.
    """

    def __init__(self, parent: QWidget, *, smooth: bool = True, name: str = "heatOverlay"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName("Heat map of the evidence")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._smooth = smooth
        self._image: QImage | None = None
        self._heat: np.ndarray | None = None
        self._rect_of: Callable[[], QRectF] | None = None
        self.setGeometry(parent.rect())
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def set_heat(self, heat: np.ndarray | None, rect_of: Callable[[], QRectF] | None = None) -> None:
        """Show ``heat`` (0..1, any size) stretched over ``rect_of()``; None hides the layer."""
        if heat is None:
            self.clear()
            return
        self._heat = np.asarray(heat, dtype=np.float32)
        self._image = heat_qimage(self._heat)
        if rect_of is not None:
            self._rect_of = rect_of
        self.raise_()
        self.show()
        self.update()

    def clear(self) -> None:
        self._heat = self._image = None
        self.hide()

    def heat(self) -> np.ndarray | None:
        return self._heat

    def target_rect(self) -> QRectF:
        return self._rect_of() if self._rect_of is not None else QRectF(self.rect())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        if self._image is None:
            return
        rect = self.target_rect()
        if rect.isEmpty():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._smooth)
        painter.drawImage(rect, self._image)
        painter.end()


class ColourScale(QWidget):
    """The legend: a caption ("Why 木? CAM") over a bar from "less" to "more evidence"."""

    def __init__(self, parent: QWidget | None = None, name: str = "heatScale"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName("Heat map colour scale")
        self.caption = QLabel()
        self.caption.setObjectName(f"{name}Caption")
        self.caption.setWordWrap(True)
        self.bar = _GradientBar()
        low, high = QLabel(), QLabel()
        translated(low.setText, SCALE_LOW, owner=low)
        translated(high.setText, SCALE_HIGH, owner=high)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(low)
        row.addWidget(self.bar, stretch=1)
        row.addWidget(high)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addLayout(row)

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)
        self.setAccessibleDescription(text)


class _GradientBar(QWidget):
    def __init__(self):
        super().__init__()
        self.setMinimumSize(60, 10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(140, 12)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        paint_gradient(painter, QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()


def paint_gradient(painter: QPainter, rect: QRectF) -> None:
    """The colour map from left (none) to right (strongest), as the overlay draws it over white."""
    gradient = QLinearGradient(rect.topLeft(), rect.topRight())
    for value in np.linspace(0.0, 1.0, 21):
        r, g, b, a = (int(v) for v in heat_rgba(np.asarray([[value]]))[0, 0])
        gradient.setColorAt(float(value), QColor(r, g, b, a))
    painter.fillRect(rect, QColor(255, 255, 255))
    painter.fillRect(rect, gradient)
    painter.setPen(QPen(QColor(120, 120, 120), 1))
    painter.drawRect(rect)


def explanation_caption(class_name: str, probability: float, method: str) -> str:
    """``Why 木 (92%)? Occlusion`` in the interface language."""
    names = {"occlusion": tr("occlusion"), "cam": tr("class activation map")}
    return tr("Why {name} ({percent:.0%})? Evidence by {method}", name=class_name, percent=probability,
              method=names.get(method, method))


def render_explanation(x: np.ndarray, heat: np.ndarray, caption: str, top: list[tuple[str, float]],
                       *, scale: int | None = None) -> QImage:
    """The picture ``python -m desktop explain`` writes: the input, the map over it, the scale, the top classes.

    ``x`` is the model input ``[H, W, 1 | 3]`` 0..255. Character inputs are enlarged with square
    pixels; photos keep their size (doubled when small).
    """
    from desktop.ui.fonts import cjk_font

    values = np.clip(np.rint(np.asarray(x, dtype=np.float32)), 0, 255).astype(np.uint8)
    height, width, channels = values.shape
    if scale is None:
        scale = max(1, round(320 / max(height, width)))
    rgb = np.ascontiguousarray(np.repeat(values, 3, axis=2) if channels == 1 else values)
    picture = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    shown_w, shown_h = width * scale, height * scale
    margin, line = 12, 22
    text_w = 240
    total_w = margin * 3 + shown_w + text_w
    total_h = max(shown_h + margin * 2, margin * 2 + line * (len(top) + 4))
    image = QImage(total_w, total_h, QImage.Format.Format_RGB888)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    target = QRectF(margin, margin, shown_w, shown_h)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, channels == 3)
    painter.drawImage(target, picture)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(target, heat_qimage(heat))
    painter.setPen(QPen(QColor(120, 120, 120), 1))
    painter.drawRect(target)

    left = margin * 2 + shown_w
    painter.setPen(QColor(20, 20, 20))
    painter.setFont(cjk_font(pixel_size=14))
    painter.drawText(QRectF(left, margin, text_w, line * 2), Qt.TextFlag.TextWordWrap, caption)
    y = margin + line * 2 + 4
    paint_gradient(painter, QRectF(left, y, text_w - 40, 10))
    small = QFont(painter.font())
    small.setPixelSize(11)
    painter.setFont(small)
    painter.drawText(QPointF(left, y + 24), tr(SCALE_LOW))
    painter.drawText(QRectF(left, y + 12, text_w - 40, 16), Qt.AlignmentFlag.AlignRight, tr(SCALE_HIGH))
    painter.setFont(cjk_font(pixel_size=15))
    y += line * 2
    for rank, (name, probability) in enumerate(top, start=1):
        painter.drawText(QPointF(left, y), f"{rank}. {name}  {probability:.1%}")
        y += line
    painter.end()
    return image
