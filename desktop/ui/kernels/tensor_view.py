"""Images are tensors: a zoomable pixel view, and the input view built on it.

:class:`PixelView` paints an array with one square per pixel (nearest neighbour, never smoothed),
grid lines once the squares are large, and each pixel's number once it fits. :class:`TensorView`
adds the tensor's shape, one channel at a time (grey or tinted) or side by side, zoom buttons,
and the value under the cursor in decimal and hex with the uint8 wrap-around worked out.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.i18n import notifier, tr, tr_noop, translated
from desktop.ui.widgets import tool_button

from .flow_layout import FlowLayout

MIN_ZOOM = 0.1
MAX_ZOOM = 64.0
GRID_FROM_PX = 8  # draw pixel borders once a pixel is this many screen pixels wide
TEXT_FROM_PX = 26  # write each pixel's value once it fits
SIDE_BY_SIDE_GAP = 2
VALUE_LINES = 2  # the pixel readout's height in lines
CHANNEL_NAMES_RGB = ("R", "G", "B")
TINTS = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def to_qimage(display: np.ndarray) -> QImage:
    """uint8 [H, W] (grey) or [H, W, 3] (RGB) -> a QImage owning a copy of the pixels."""
    display = np.ascontiguousarray(display, dtype=np.uint8)
    height, width = display.shape[:2]
    if display.ndim == 2:
        return QImage(display.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    return QImage(display.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def format_value(value: float) -> str:
    """Whole numbers without decimals, others with up to 3 significant decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def uint8_wrap_note(value: int) -> str:
    """Why 256 wraps to 0 in uint8, computed with numpy's own uint8 arithmetic at ``value``."""
    byte = np.array([value], dtype=np.uint8)
    one = np.array([1], dtype=np.uint8)
    plus_one = int((byte + one)[0])  # array arithmetic wraps silently, as image libraries do
    top = int((np.array([255], np.uint8) + one)[0])
    return tr(
        "uint8 holds 8 bits: 0…255 (0x00…0xFF). 255 + 1 = {top} in uint8 because 256 = 0x100 needs a 9th bit, "
        "which is dropped (sums wrap modulo 256). Here {value} + 1 = {plus_one}. "
        "That is why convolution works in float32.", top=top, value=value, plus_one=plus_one
    )


class PixelView(QWidget):
    """An array drawn as zoomable squares; ``hovered(row, col)`` follows the mouse ((-1, -1) when off)."""

    hovered = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self._image = QImage()
        self._values: np.ndarray | None = None  # [H, W] or [H, W, C] numbers written in the squares
        self._zoom = 1.0
        self._hover = (-1, -1)

    def set_image(self, display: np.ndarray, values: np.ndarray | None = None) -> None:
        """Show ``display`` (uint8 grey or RGB); ``values`` are the numbers written in large squares."""
        self._image = to_qimage(display)
        self._values = values
        self._resize_to_zoom()

    def image_size(self) -> QSize:
        return self._image.size()

    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        self._zoom = float(min(max(zoom, MIN_ZOOM), MAX_ZOOM))
        self._resize_to_zoom()

    def fit_zoom(self, available: QSize) -> float:
        """The zoom that fits the whole image into ``available``."""
        if self._image.isNull():
            return 1.0
        return max(MIN_ZOOM, min(available.width() / self._image.width(), available.height() / self._image.height()))

    def _resize_to_zoom(self) -> None:
        size = self._image.size()
        self.setFixedSize(max(1, round(size.width() * self._zoom)), max(1, round(size.height() * self._zoom)))
        self.update()

    def pixel_at(self, pos: QPoint) -> tuple[int, int]:
        if self._image.isNull():
            return -1, -1
        row, col = int(pos.y() // self._zoom), int(pos.x() // self._zoom)
        if 0 <= row < self._image.height() and 0 <= col < self._image.width():
            return row, col
        return -1, -1

    def centre_of(self, row: int, col: int) -> QPoint:
        """Widget coordinates of the middle of pixel (``row``, ``col``)."""
        return QPoint(int((col + 0.5) * self._zoom), int((row + 0.5) * self._zoom))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt naming)
        pixel = self.pixel_at(event.position().toPoint())
        if pixel != self._hover:
            self._hover = pixel
            self.hovered.emit(*pixel)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._hover = (-1, -1)
        self.hovered.emit(-1, -1)
        self.update()
        super().leaveEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        if self._image.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        z = self._zoom
        visible: QRect = event.rect()
        # Only the source pixels that are on screen: a 640×480 image at 40× would be huge otherwise.
        c0, r0 = max(int(visible.left() // z), 0), max(int(visible.top() // z), 0)
        c1 = min(int(visible.right() // z) + 1, self._image.width() - 1)
        r1 = min(int(visible.bottom() // z) + 1, self._image.height() - 1)
        source = QRectF(c0, r0, c1 - c0 + 1, r1 - r0 + 1)
        target = QRectF(c0 * z, r0 * z, source.width() * z, source.height() * z)
        painter.drawImage(target, self._image, source)
        if z >= GRID_FROM_PX:
            painter.setPen(QPen(QColor(128, 128, 128, 110), 1))
            for c in range(c0, c1 + 2):
                painter.drawLine(round(c * z), round(r0 * z), round(c * z), round((r1 + 1) * z))
            for r in range(r0, r1 + 2):
                painter.drawLine(round(c0 * z), round(r * z), round((c1 + 1) * z), round(r * z))
        if z >= TEXT_FROM_PX and self._values is not None:
            self._draw_values(painter, r0, r1, c0, c1)
        if self._hover != (-1, -1):
            painter.setPen(QPen(QColor(255, 140, 0), 2))
            r, c = self._hover
            painter.drawRect(QRectF(c * z, r * z, z, z))
        painter.end()

    def _draw_values(self, painter: QPainter, r0: int, r1: int, c0: int, c1: int) -> None:
        z = self._zoom
        font = QFont(self.font())
        font.setPixelSize(max(7, int(z / 4)))
        painter.setFont(font)
        values = self._values if self._values.ndim == 3 else self._values[:, :, None]
        rows, cols = values.shape[:2]
        for r in range(r0, min(r1, rows - 1) + 1):
            for c in range(c0, min(c1, cols - 1) + 1):
                pixel = self._image.pixelColor(c, r)
                painter.setPen(Qt.GlobalColor.black if pixel.lightness() > 128 else Qt.GlobalColor.white)
                text = "\n".join(format_value(v) for v in values[r, c])
                painter.drawText(QRectF(c * z, r * z, z, z), Qt.AlignmentFlag.AlignCenter, text)


class ZoomablePixels(QScrollArea):
    """A :class:`PixelView` in a scroll area: Ctrl+wheel zooms, :meth:`fit` shows the whole image."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.view = PixelView()
        self.view.setObjectName(f"{name}Pixels")
        self.view.setAccessibleName(f"{accessible}: pixels")
        self.setWidget(self.view)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidgetResizable(False)
        self._fitted = True

    def fit(self) -> None:
        self._fitted = True
        self.view.set_zoom(self.view.fit_zoom(self.viewport().size() - QSize(2, 2)))

    def set_zoom(self, zoom: float) -> None:
        self._fitted = False
        self.view.set_zoom(zoom)

    def set_image(self, display: np.ndarray, values: np.ndarray | None = None) -> None:
        first = self.view.image_size().isEmpty()
        changed = first or self.view.image_size() != QSize(display.shape[1], display.shape[0])
        self.view.set_image(display, values)
        if self._fitted and changed:
            self.fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.25 if event.angleDelta().y() > 0 else 0.8
            self.set_zoom(self.view.zoom() * factor)
            event.accept()
            return
        super().wheelEvent(event)


def display_grey(plane: np.ndarray) -> np.ndarray:
    """One channel as uint8 for the screen; a 0/1 (or 0…1) tensor is scaled up so it can be seen."""
    if plane.dtype == np.uint8:  # pixels already: only a 0/1 grid needs scaling up
        return plane if plane.size == 0 or plane.max() > 1 else plane * np.uint8(255)
    plane = np.asarray(plane, dtype=np.float32)
    if plane.size and plane.min() >= 0 and plane.max() <= 1:
        plane = plane * 255
    return np.clip(np.round(plane), 0, 255).astype(np.uint8)


class TensorView(QWidget):
    """The input tensor: shape, channels, zoom, and the value under the cursor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tensorView")
        self.setAccessibleName("Input tensor")
        self._tensor = np.zeros((1, 1, 1), np.uint8)
        self.shape_label = QLabel()
        self.shape_label.setObjectName("inputShapeLabel")
        self.shape_label.setAccessibleName("Input shape")
        self.shape_label.setWordWrap(True)  # two lines rather than a wider column
        self.channel_box = QComboBox()
        self.channel_box.setObjectName("channelBox")
        self.channel_box.setAccessibleName("Channel shown")
        self.channel_box.setMinimumContentsLength(12)
        self.channel_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        translated(self.channel_box.setToolTip,
                   "Show all channels as a colour picture, one channel, or every channel side by side")
        self.tint_box = QCheckBox()
        translated(self.tint_box.setText, "Tint", owner=self.tint_box)
        self.tint_box.setObjectName("tintBox")
        self.tint_box.setAccessibleName("Tint each channel in its colour")
        translated(self.tint_box.setToolTip, "Show the red channel in red, green in green, blue in blue instead of grey")
        self.zoom_in = tool_button("+", name="zoomInButton", accessible=tr_noop("Zoom in"), tip=tr_noop("Zoom in"),
                                   on_click=lambda: self.pixels.set_zoom(self.pixels.view.zoom() * 2))
        self.zoom_out = tool_button("−", name="zoomOutButton", accessible=tr_noop("Zoom out"), tip=tr_noop("Zoom out"),
                                    on_click=lambda: self.pixels.set_zoom(self.pixels.view.zoom() / 2))
        self.zoom_fit = tool_button(tr_noop("Fit"), name="zoomFitButton", accessible=tr_noop("Fit the whole image"),
                                    tip=tr_noop("Fit the whole image"), on_click=lambda: self.pixels.fit())
        self.pixels = ZoomablePixels("inputPixels", "Input image")
        translated(self.pixels.setToolTip, "Ctrl + mouse wheel zooms; zoom far in to read every pixel's value")
        self.pixels.view.hovered.connect(self._on_hover)
        self.value_label = QLabel(tr("Point at a pixel to read its value."))
        self.value_label.setObjectName("pixelValueLabel")
        self.value_label.setAccessibleName("Value under the cursor")
        self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Wrapped, with room for two lines: a long RGB readout neither widens the column nor makes the image jump.
        self.value_label.setWordWrap(True)
        self._keep_value_lines()
        self.wrap_label = QLabel(uint8_wrap_note(255))
        self.wrap_label.setObjectName("uint8WrapNote")
        self.wrap_label.setAccessibleName("Why 256 wraps to 0 in uint8")
        self.wrap_label.setWordWrap(True)
        # Grey from the palette, not a style sheet: a style sheet would keep the text small at presentation zoom.
        self.wrap_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        top = FlowLayout()  # the controls wrap in a narrow column
        top.addWidget(self.channel_box)
        top.addWidget(self.tint_box)
        for button in (self.zoom_out, self.zoom_in, self.zoom_fit):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.shape_label)
        layout.addLayout(top)
        layout.addWidget(self.pixels, 1)
        layout.addWidget(self.value_label)
        layout.addWidget(self.wrap_label)
        self.channel_box.currentIndexChanged.connect(self._redraw)
        self.tint_box.toggled.connect(self._redraw)
        notifier().language_changed.connect(self._on_language_changed)

    def _keep_value_lines(self) -> None:
        self.value_label.setMinimumHeight(VALUE_LINES * self.value_label.fontMetrics().lineSpacing())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._keep_value_lines()

    def _on_language_changed(self, _language: str) -> None:
        index = self.channel_box.currentIndex()
        self._fill_channel_box(self._tensor.shape[2])
        self.channel_box.blockSignals(True)
        self.channel_box.setCurrentIndex(index)
        self.channel_box.blockSignals(False)
        self.shape_label.setText(self._shape_text())
        self.wrap_label.setText(uint8_wrap_note(255))

    def set_tensor(self, tensor: np.ndarray) -> None:
        """Show ``tensor`` [H, W, C] (uint8 pixels, or small numbers such as the course's 0/1 grid)."""
        tensor = np.asarray(tensor)
        if tensor.ndim == 2:
            tensor = tensor[:, :, None]
        channels_changed = tensor.shape[2] != self._tensor.shape[2]
        self._tensor = tensor
        c = tensor.shape[2]
        self.shape_label.setText(self._shape_text())
        if channels_changed or self.channel_box.count() == 0:
            self._fill_channel_box(c)
        self._redraw()

    def _shape_text(self) -> str:
        h, w, c = self._tensor.shape
        return tr("<b>Shape</b> H × W × C = {h} × {w} × {c}  ({dtype})", h=h, w=w, c=c, dtype=self._tensor.dtype)

    def _fill_channel_box(self, channels: int) -> None:
        names = self.channel_names(channels)
        self.channel_box.blockSignals(True)
        self.channel_box.clear()
        if channels == 3:
            self.channel_box.addItem(tr("All (colour)"), "all")
        for index, name in enumerate(names):
            self.channel_box.addItem(tr("Channel {name}", name=name if channels == 3 else index), index)
        if channels > 1:
            self.channel_box.addItem(tr("Side by side"), "side")
        self.channel_box.blockSignals(False)
        self.tint_box.setEnabled(channels == 3)

    @staticmethod
    def channel_names(channels: int) -> list[str]:
        return list(CHANNEL_NAMES_RGB) if channels == 3 else [str(i) for i in range(channels)]

    def set_shown_channels(self, choice) -> None:
        self.channel_box.setCurrentIndex(self.channel_box.findData(choice))

    def _plane_display(self, index: int) -> np.ndarray:
        grey = display_grey(self._tensor[:, :, index])
        if self.tint_box.isChecked() and self._tensor.shape[2] == 3:
            return (grey[:, :, None] * np.array(TINTS[index], np.float32)).astype(np.uint8)
        return grey

    def _redraw(self, *_args) -> None:
        t = self._tensor
        choice = self.channel_box.currentData()
        if choice == "all":
            display, values = display_grey(t), t
        elif choice == "side":
            planes = [self._plane_display(i) for i in range(t.shape[2])]
            if any(p.ndim == 3 for p in planes):
                planes = [p if p.ndim == 3 else np.repeat(p[:, :, None], 3, axis=2) for p in planes]
            gap_shape = (t.shape[0], SIDE_BY_SIDE_GAP) + planes[0].shape[2:]
            gap = np.full(gap_shape, 255, np.uint8)
            pieces = [piece for p in planes for piece in (p, gap)][:-1]
            display = np.concatenate(pieces, axis=1)
            value_pieces = [piece for i in range(t.shape[2]) for piece in
                            (t[:, :, i].astype(np.float32), np.full((t.shape[0], SIDE_BY_SIDE_GAP), np.nan, np.float32))]
            values = np.concatenate(value_pieces[:-1], axis=1)
            values = np.where(np.isnan(values), 0, values)
        else:
            index = int(choice or 0)
            display, values = self._plane_display(index), t[:, :, index]
        self.pixels.set_image(display, values)

    def _source_pixel(self, row: int, col: int) -> tuple[int, int, list[int]]:
        """Hovered square -> (row, col, channels it shows); channels is empty over a gap."""
        choice = self.channel_box.currentData()
        channels = self._tensor.shape[2]
        if choice == "side":
            width = self._tensor.shape[1] + SIDE_BY_SIDE_GAP
            index, col = divmod(col, width)
            return row, col, [] if col >= self._tensor.shape[1] else [index]
        if choice == "all":
            return row, col, list(range(channels))
        return row, col, [int(choice or 0)]

    def describe_pixel(self, row: int, col: int) -> str:
        """The hovered value in decimal and hex, per channel shown (the text of the value label)."""
        row, col, channels = self._source_pixel(row, col)
        if not channels:
            return ""
        names = self.channel_names(self._tensor.shape[2])
        parts = []
        for c in channels:
            value = self._tensor[row, col, c]
            if np.issubdtype(self._tensor.dtype, np.integer):
                parts.append(f"{names[c]} = {int(value)} = 0x{int(value):02X}")
            else:
                parts.append(f"{names[c]} = {format_value(float(value))}")
        return tr("row {row}, column {col}: ", row=row, col=col) + ", ".join(parts)

    def _on_hover(self, row: int, col: int) -> None:
        if row < 0:
            return
        text = self.describe_pixel(row, col)
        if not text:
            return
        self.value_label.setText(text)
        _, _, channels = self._source_pixel(row, col)
        r, c = self._source_pixel(row, col)[:2]
        if self._tensor.dtype == np.uint8 and channels:
            self.wrap_label.setText(uint8_wrap_note(int(self._tensor[r, c, channels[0]])))
