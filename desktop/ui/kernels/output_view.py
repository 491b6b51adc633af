"""The convolution's output channels side by side, and the weighted sum behind a hovered pixel.

Outputs are float32 with any range (a Sobel filter gives −1020…1020 on a photo), so each
channel is mapped to 0…255 for the screen; a note says which range was mapped and how.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.convolution import WeightedSum
from desktop.ui.i18n import tr, tr_noop, translated, translated_headers, translated_item

from .flow_layout import FlowLayout
from .tensor_view import PixelView, format_value

STRETCH = "stretch"
CLIP = "clip"
MAX_ROWS_IN_SUM_TABLE = 7 * 7 * 16
GRID_MARGIN = 4  # around the pictures, inside the scroll area
GRID_SPACING = 6  # between pictures, and between a thumbnail's title and its picture
THUMB_PADDING = 2  # around a thumbnail's title and picture
MIN_THUMB_SIDE = 64  # below this a picture is scrolled to rather than shrunk further
READABLE_SIDE = 140  # pictures all on screen at once only when each is at least this large
LARGEST_SIDE = 320


def normalise_for_display(plane: np.ndarray, mode: str) -> np.ndarray:
    """One output channel -> uint8: ``stretch`` maps its min…max to 0…255, ``clip`` keeps 0…255 as is."""
    plane = np.asarray(plane, dtype=np.float32)
    if mode == CLIP:
        return np.clip(np.round(plane), 0, 255).astype(np.uint8)
    low, high = float(plane.min()), float(plane.max())
    if high - low < 1e-12:  # a flat channel: mid grey, so it does not look like "no output"
        return np.full(plane.shape, 128, np.uint8)
    return np.round((plane - low) * (255.0 / (high - low))).astype(np.uint8)


def range_note(output: np.ndarray, mode: str) -> str:
    low, high = float(output.min()), float(output.max())
    shown = (tr("each channel's own min → black, max → white") if mode == STRETCH
             else tr("values below 0 shown black, above 255 white"))
    return tr("Output values range from {low} to {high}; for viewing, {shown}.", low=format_value(low),
              high=format_value(high), shown=shown)


class _Thumbnail(QWidget):
    def __init__(self, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName(f"outputTitle{index}")
        self.title.setWordWrap(True)
        self.pixels = PixelView()
        self.pixels.setObjectName(f"outputPixels{index}")
        self.pixels.setAccessibleName(f"Output channel {index + 1}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(THUMB_PADDING, THUMB_PADDING, THUMB_PADDING, THUMB_PADDING)
        layout.setSpacing(GRID_SPACING)
        layout.addWidget(self.title)
        layout.addWidget(self.pixels, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addStretch()


class OutputView(QWidget):
    """Every output channel as a picture; ``hovered(filter, row, col)`` names the output pixel under the mouse."""

    hovered = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("outputView")
        self.setAccessibleName("Output channels")
        self._output = np.zeros((0, 0, 0), np.float32)
        self._titles: list[str] = []
        self._thumbs: list[_Thumbnail] = []
        self._build_choices()
        self._build_pictures()
        top = FlowLayout()  # the display choices wrap under the shape in a narrow column
        top.addWidget(self.shape_label, stretch=1)
        top.addWidget(self.mode_box)
        top.addWidget(self.colour_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        self.mode_box.currentIndexChanged.connect(self._redraw)
        self.colour_box.toggled.connect(self._redraw)

    def _build_choices(self) -> None:
        """How values become grey levels, whether three channels show as colour, and the shape."""
        self.mode_box = QComboBox()
        self.mode_box.setObjectName("displayModeBox")
        self.mode_box.setAccessibleName("How outputs are shown")
        for source, data in ((tr_noop("Stretch each channel min…max"), STRETCH), (tr_noop("Clip to 0…255"), CLIP)):
            self.mode_box.addItem(source, data)
            translated_item(self.mode_box, self.mode_box.count() - 1, source)
        self.colour_box = QCheckBox()
        translated(self.colour_box.setText, "Three channels as colour", owner=self.colour_box)
        self.colour_box.setObjectName("outputColourBox")
        self.colour_box.setAccessibleName("Show three output channels as one colour picture")
        self.colour_box.setChecked(True)
        translated(self.colour_box.setToolTip, "With three filters (say, a blur per colour channel) show them as R, G, B")
        self.shape_label = QLabel()
        self.shape_label.setObjectName("outputShapeLabel")
        self.shape_label.setAccessibleName("Output shape")

    def _build_pictures(self) -> None:
        """The scrolling grid of pictures, with the note on how values became grey levels under it."""
        self.range_label = QLabel()
        self.range_label.setObjectName("outputRangeLabel")
        self.range_label.setAccessibleName("Output range")
        self.range_label.setWordWrap(True)
        # Grey from the palette, not a style sheet: a style sheet would keep the text small at presentation zoom.
        self.range_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.grid = QGridLayout()
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.grid.setContentsMargins(GRID_MARGIN, GRID_MARGIN, GRID_MARGIN, GRID_MARGIN)
        self.grid.setSpacing(GRID_SPACING)
        # The note scrolls with the pictures: on a short projector the pictures get the height first.
        holder = QWidget()
        holder_column = QVBoxLayout(holder)
        holder_column.setContentsMargins(0, 0, 0, 0)
        holder_column.setSpacing(0)
        holder_column.addLayout(self.grid)
        holder_column.addWidget(self.range_label)
        holder_column.addStretch()
        self.scroll = QScrollArea()
        self.scroll.setObjectName("outputScroll")
        self.scroll.setAccessibleName("Output channels")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        self.scroll.viewport().installEventFilter(self)
        self.colour_view = PixelView()
        self.colour_view.setObjectName("outputColourPixels")
        self.colour_view.setAccessibleName("Output as colour")
        self.colour_view.hovered.connect(lambda r, c: self.hovered.emit(0, r, c))
        self.grid.addWidget(self.colour_view, 0, 0)
        self.colour_view.hide()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        # The picture area changes size with the view, and also when the controls above it wrap.
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._redraw()
        return super().eventFilter(watched, event)

    def thumbnail(self, index: int) -> PixelView:
        return self._thumbs[index].pixels

    def channel_count(self) -> int:
        return self._output.shape[2] if self._output.ndim == 3 else 0

    def set_output(self, output: np.ndarray, titles: list[str]) -> None:
        self._output = np.asarray(output, np.float32)
        self._titles = list(titles)
        h, w, f = self._output.shape
        self.shape_label.setText(tr("<b>Output</b> {h} × {w} × {f}", h=h, w=w, f=f))
        while len(self._thumbs) > f:
            thumb = self._thumbs.pop()
            self.grid.removeWidget(thumb)
            thumb.deleteLater()
        while len(self._thumbs) < f:
            thumb = _Thumbnail(len(self._thumbs))
            index = len(self._thumbs)
            thumb.pixels.hovered.connect(lambda r, c, i=index: self.hovered.emit(i, r, c))
            self._thumbs.append(thumb)
        self.colour_box.setEnabled(f == 3)
        self._redraw()

    def _arrangement(self, pictures: int) -> tuple[int, int]:
        """(side of a picture in pixels, pictures per row).

        Every picture on screen at once when they can all be read that way; otherwise the first
        (the colour picture, or channel 1) as large as the area allows and the others below it.
        """
        viewport = self.scroll.viewport().size()
        # A thumbnail's title (up to two lines) sits above its picture.
        title = 2 * self.fontMetrics().lineSpacing() + GRID_SPACING + 2 * THUMB_PADDING

        def side_for(columns: int, rows: int) -> int:
            across = (viewport.width() - 2 * GRID_MARGIN - (columns - 1) * GRID_SPACING) // columns
            down = (viewport.height() - 2 * GRID_MARGIN - (rows - 1) * GRID_SPACING) // rows - title
            return min(across - 2 * THUMB_PADDING, down)

        largest = LARGEST_SIDE if pictures <= 1 else 220 if pictures <= 5 else 120
        best = (0, 1)
        for columns in range(1, pictures + 1):
            side = min(largest, side_for(columns, -(-pictures // columns)))
            if side > best[0]:
                best = (side, columns)
        if best[0] >= READABLE_SIDE:
            return best
        side = max(MIN_THUMB_SIDE, min(LARGEST_SIDE if pictures <= 5 else 120, side_for(1, 1)))
        columns = (viewport.width() - 2 * GRID_MARGIN + GRID_SPACING) // (side + 2 * THUMB_PADDING + GRID_SPACING)
        return side, max(1, columns)

    def _redraw(self, *_args) -> None:
        if self._output.size == 0:
            return
        mode = self.mode_box.currentData()
        h, w, f = self._output.shape
        side, columns = self._arrangement(f + (1 if f == 3 and self.colour_box.isChecked() else 0))
        zoom = max(0.1, min(64.0, side / max(h, w)))
        as_colour = f == 3 and self.colour_box.isChecked()
        offset = 1 if as_colour else 0
        if as_colour:
            planes = [normalise_for_display(self._output[:, :, c], mode) for c in range(3)]
            self.colour_view.set_image(np.stack(planes, axis=-1), self._output)
            self.colour_view.set_zoom(zoom)
        self.colour_view.setVisible(as_colour)
        for index, thumb in enumerate(self._thumbs):
            plane = self._output[:, :, index]
            title = self._titles[index] if index < len(self._titles) else tr("Filter {n}", n=index + 1)
            thumb.title.setText(f"<b>{index + 1}</b> {title} <span style='color:#777'>"
                                f"({format_value(float(plane.min()))} … {format_value(float(plane.max()))})</span>")
            thumb.pixels.set_image(normalise_for_display(plane, mode), plane)
            thumb.pixels.set_zoom(zoom)
            cell = index + offset
            self.grid.removeWidget(thumb)  # re-placed: the number of columns follows the width
            self.grid.addWidget(thumb, cell // columns, cell % columns)
        self.range_label.setText(range_note(self._output, mode))


class WeightedSumView(QWidget):
    """The footprint, products and sum behind one output pixel, as a table and a line of text."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("weightedSumView")
        self.setAccessibleName("Weighted sum of the hovered output pixel")
        self.last_sum: WeightedSum | None = None
        self.summary = QLabel(tr("Point at an output pixel to see the weighted sum that made it."))
        self.summary.setObjectName("weightedSumSummary")
        self.summary.setAccessibleName("Weighted sum")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("weightedSumTable")
        self.table.setAccessibleName("Inputs, weights and products under the kernel")
        translated_headers(self.table, ["input pixel", "input", "weight", "product"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # The four columns share the column's width: no sideways scrolling to reach the products.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_sum(self, ws: WeightedSum, channel_names: list[str], pooled_note: str = "") -> None:
        self.last_sum = ws
        kh, kw, channels = ws.products.shape
        rows = []
        for i in range(kh):
            for j in range(kw):
                for c in range(channels):
                    rows.append((i, j, c))
        rows = rows[:MAX_ROWS_IN_SUM_TABLE]
        self.table.setRowCount(len(rows))
        for n, (i, j, c) in enumerate(rows):
            r, col = int(ws.rows[i]), int(ws.cols[j])
            where = f"({r}, {col}) {channel_names[c]}" if channels > 1 else f"({r}, {col})"
            cells = (where, format_value(float(ws.inputs[i, j, c])), format_value(float(ws.weights[i, j, c])),
                     format_value(float(ws.products[i, j, c])))
            for k, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if k:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, k, item)
        products = float(ws.products.sum(dtype=np.float64))
        relu = "" if ws.output == ws.total else f" → ReLU → {format_value(ws.output)}"
        self.summary.setText(pooled_note + tr(
            "Output ({row}, {col}) of filter {n}: Σ {terms} products = {products}, + bias {bias} = {total}",
            row=ws.out_row, col=ws.out_col, n=ws.filter_index + 1, terms=kh * kw * channels,
            products=format_value(products), bias=format_value(ws.bias), total=format_value(ws.total)) + relu)
