""""What the model sees": the exact 80x60 model input, enlarged, with the value of the pixel under the cursor."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH
from desktop.ui.i18n import tr, tr_noop, translated

CAPTION = f"What the model sees ({CHAR_INPUT_HEIGHT} × {CHAR_INPUT_WIDTH})"
HOVER_PROMPT = tr_noop("Point at a pixel to read its value")
EMPTY_TEXT = tr_noop("No input yet")
BORDER = QColor(120, 120, 120)


def as_grey_image(x: np.ndarray) -> np.ndarray:
    """[h, w] or [h, w, 1] float 0..255 -> uint8 [h, w] for display (values are rounded and clipped)."""
    a = np.asarray(x, dtype=np.float32)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim != 2:
        raise ValueError(f"the model input must be [height, width, 1], got shape {np.shape(x)}")
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def grey_qimage(grey: np.ndarray) -> QImage:
    """uint8 [h, w] -> an independent QImage (copied, so the numpy buffer may go away)."""
    grey = np.ascontiguousarray(grey)
    h, w = grey.shape
    return QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class InputImage(QWidget):
    """Paints the input with square, nearest-neighbour pixels and maps cursor positions to pixels."""

    def __init__(self, view: "ModelInputView"):
        super().__init__(view)
        self._view = view
        self.setObjectName("modelInputImage")
        self.setAccessibleName("Model input image")
        self.setAccessibleDescription("The 80 by 60 grey image the model receives; point at a pixel to read its value")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(CHAR_INPUT_WIDTH * 3, CHAR_INPUT_HEIGHT * 3)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(CHAR_INPUT_WIDTH, CHAR_INPUT_HEIGHT)

    def target_rect(self) -> QRect:
        """Where the input is drawn: centred, aspect kept, whole-number zoom when it fits (even pixels)."""
        scale = min(self.width() / CHAR_INPUT_WIDTH, self.height() / CHAR_INPUT_HEIGHT)
        if scale >= 1:
            scale = int(scale)
        w, h = max(round(CHAR_INPUT_WIDTH * scale), 1), max(round(CHAR_INPUT_HEIGHT * scale), 1)
        return QRect((self.width() - w) // 2, (self.height() - h) // 2, w, h)

    def pixel_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(row, column) of the input pixel under a widget position, or None outside the image."""
        rect = self.target_rect()
        x, y = pos.x() - rect.x(), pos.y() - rect.y()
        if not (0 <= x < rect.width() and 0 <= y < rect.height()):
            return None
        return int(y * CHAR_INPUT_HEIGHT / rect.height()), int(x * CHAR_INPUT_WIDTH / rect.width())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.target_rect()
        if self.image is not None:
            # No SmoothPixmapTransform: nearest neighbour, so every input pixel is a visible square.
            painter.drawImage(rect, self.image)
        else:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, tr(EMPTY_TEXT))
        painter.setPen(QPen(BORDER, 1))
        painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._view.hover(event.position(), event.globalPosition().toPoint())
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._view.hover(None, None)
        super().leaveEvent(event)


class ModelInputView(QWidget):
    """Caption, the enlarged input and a line with the value under the cursor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("modelInputView")
        self.setAccessibleName("What the model sees")
        self._input: np.ndarray | None = None

        self.caption = QLabel()
        translated(self.caption.setText, "What the model sees ({h} × {w})", owner=self.caption,
                   h=CHAR_INPUT_HEIGHT, w=CHAR_INPUT_WIDTH)  # CAPTION in English
        self.caption.setObjectName("modelInputCaption")
        self.caption.setWordWrap(True)  # a narrow column (150 % text, a 1024-pixel screen) wraps it
        self.image_widget = InputImage(self)
        self.value_label = QLabel(tr(HOVER_PROMPT))
        self.value_label.setObjectName("modelInputValue")
        self.value_label.setAccessibleName("Pixel value under the cursor")
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.image_widget, stretch=1)
        layout.addWidget(self.value_label)

    def set_input(self, x: np.ndarray | None) -> None:
        """Show a model input ([80, 60, 1] float 0..255), or nothing for None."""
        if x is None:
            self._input = None
            self.image_widget.image = None
        else:
            values = np.asarray(x, dtype=np.float32)
            if values.ndim == 3:
                values = values[..., 0]
            if values.shape != (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH):
                raise ValueError(f"the model input must be [{CHAR_INPUT_HEIGHT}, {CHAR_INPUT_WIDTH}, 1], "
                                 f"got shape {np.shape(x)}")
            self._input = values.copy()
            self.image_widget.image = grey_qimage(as_grey_image(values))
        self.value_label.setText(tr(HOVER_PROMPT) if x is not None else "")
        self.image_widget.setToolTip("")
        self.image_widget.update()

    def input(self) -> np.ndarray | None:
        return self._input

    def describe_pixel(self, row: int, col: int) -> str:
        """The hover text for one input pixel: 0-based row and column, as in the array."""
        if self._input is None:
            return ""
        return tr("row {row}, column {col}: value {value:.1f}", row=row, col=col, value=float(self._input[row, col]))

    def hover(self, pos: QPointF | None, global_pos=None) -> None:
        """Update the value line and tooltip for a cursor position on the image (None: the cursor left)."""
        pixel = self.image_widget.pixel_at(pos) if pos is not None and self._input is not None else None
        if pixel is None:
            self.value_label.setText(tr(HOVER_PROMPT) if self._input is not None else "")
            self.image_widget.setToolTip("")
            QToolTip.hideText()
            return
        text = self.describe_pixel(*pixel)
        self.value_label.setText(text)
        self.image_widget.setToolTip(text)
        if global_pos is not None:
            QToolTip.showText(global_pos, text, self.image_widget)
