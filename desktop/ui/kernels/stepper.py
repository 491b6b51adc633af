"""Step through a convolution on a small grid: footprint, products, their sum, the output filling in.

The course's 5×5 binary image and 3×3 "X" kernel are the default problem. Each step is one output
position in row-major order; the numbers come from :func:`desktop.core.convolution.weighted_sum_at`
so what the student sees is exactly what the convolution code computes. Padding, stride and
dilation are honoured: padded cells are drawn hatched with their fill value, and the footprint
spreads out with dilation and jumps with stride.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.convolution import (
    COURSE_IMAGE,
    COURSE_KERNEL,
    ConvSettings,
    ConvSettingsError,
    WeightedSum,
    conv2d,
    output_size,
    output_size_formula,
    pad_image,
    padding_amounts,
    weighted_sum_at,
)
from desktop.ui.i18n import notifier, tr, tr_noop, translated, translated_label
from desktop.ui.widgets import push_button, wrapping_label

from .flow_layout import FlowLayout, labelled

DEFAULT_STEPS_PER_SECOND = 2
MAX_STEPS_PER_SECOND = 20
_MAX_CELL_PX = 40
_MIN_CELL_PX = 8
MIN_SLIDER_PX = 120

FOOTPRINT_COLOUR = QColor(255, 196, 120)
PADDING_COLOUR = QColor(225, 225, 225)
DONE_COLOUR = QColor(190, 215, 255)
CURRENT_COLOUR = QColor(255, 150, 60)
KERNEL_COLOUR = QColor(255, 235, 200)



def format_number(value: float) -> str:
    """Short, exact-looking text for a grid cell: 4, -1, 0.25, 0.33."""
    if not np.isfinite(value):
        return ""
    if abs(value - round(value)) < 1e-6:
        return str(int(round(value)))
    return f"{value:.2f}".rstrip("0").rstrip(".")


class NumberGrid(QWidget):
    """A grid of numbers with a background colour per cell; cells without a value stay empty.

    Cell size follows the widget size (between 8 and 40 px), so a 5×5 example is big and a
    28×28 drawing still fits; numbers are hidden once cells get too small to read them.
    """

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(name)
        self._values = np.zeros((0, 0))
        self._colours: dict[tuple[int, int], QColor] = {}
        self._hatched = np.zeros((0, 0), bool)
        self._outlined: set[tuple[int, int]] = set()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_cells(self, values: np.ndarray, colours: dict[tuple[int, int], QColor] | None = None,
                  hatched: np.ndarray | None = None, outlined: set[tuple[int, int]] | None = None) -> None:
        """``values`` [rows, cols] (NaN = empty cell); ``hatched`` marks padding cells."""
        self._values = np.asarray(values, dtype=np.float64)
        self._colours = dict(colours or {})
        self._hatched = np.zeros(self._values.shape, bool) if hatched is None else np.asarray(hatched, bool)
        self._outlined = set(outlined or ())
        self.updateGeometry()
        self.update()

    def values(self) -> np.ndarray:
        return self._values.copy()

    def colour_at(self, row: int, col: int) -> QColor | None:
        return self._colours.get((row, col))

    def _cell_px(self) -> float:
        rows, cols = self._values.shape
        if rows == 0 or cols == 0:
            return float(_MAX_CELL_PX)
        return max(min((self.width() - 1) / cols, (self.height() - 1) / rows, _MAX_CELL_PX), 1.0)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        rows, cols = self._values.shape
        return QSize(cols * _MAX_CELL_PX + 1, rows * _MAX_CELL_PX + 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        rows, cols = self._values.shape
        return QSize(min(cols * _MIN_CELL_PX + 1, 160), min(rows * _MIN_CELL_PX + 1, 160))

    def paintEvent(self, event) -> None:  # noqa: N802
        rows, cols = self._values.shape
        if rows == 0 or cols == 0:
            return
        cell = self._cell_px()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        font = QFont(self.font())
        font.setPixelSize(max(int(cell * 0.42), 6))
        painter.setFont(font)
        grid_pen = QPen(self.palette().mid().color())
        text_colour = self.palette().text().color()
        show_text = cell >= 16
        for r in range(rows):
            for c in range(cols):
                rect = QRectF(c * cell, r * cell, cell, cell)
                colour = self._colours.get((r, c))
                if colour is not None:
                    painter.fillRect(rect, colour)
                if self._hatched[r, c]:
                    painter.fillRect(rect, PADDING_COLOUR if colour is None else colour)
                    painter.fillRect(rect, QBrush(QColor(150, 150, 150), Qt.BrushStyle.BDiagPattern))
                painter.setPen(grid_pen)
                painter.drawRect(rect)
                value = self._values[r, c]
                if show_text and np.isfinite(value):
                    painter.setPen(text_colour)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, format_number(value))
        painter.setPen(QPen(CURRENT_COLOUR.darker(150), 2))
        for r, c in self._outlined:
            painter.drawRect(QRectF(c * cell + 1, r * cell + 1, cell - 2, cell - 2))
        painter.end()


class ConvolutionStepper(QWidget):
    """Input, kernel, products and output of one convolution, one output position at a time.

    Signal ``position_changed(int)``: the step now shown (0 .. position_count() − 1).
    """

    position_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ConvolutionStepper")
        self.setAccessibleName("Convolution stepper")
        self._image = np.zeros((0, 0), np.float32)
        self._kernel = np.zeros((0, 0), np.float32)
        self._bias = 0.0
        self._settings = ConvSettings()
        self._out_shape = (0, 0)
        self._padding = (0, 0, 0, 0)
        self._padded = np.zeros((0, 0), np.float32)
        self._output = np.zeros((0, 0), np.float32)  # all outputs, revealed step by step
        self._position = 0
        self._error = ""

        self._timer = QTimer(self)
        self._timer.setObjectName("StepperTimer")
        self._timer.timeout.connect(self._tick)
        self._build()
        self.set_problem(COURSE_IMAGE, COURSE_KERNEL, ConvSettings())

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.input_grid = NumberGrid("StepperInputGrid")
        translated(self.input_grid.setToolTip, "The input with the kernel's footprint highlighted; hatched cells are padding.")
        self.kernel_grid = NumberGrid("StepperKernelGrid")
        self.products_grid = NumberGrid("StepperProductsGrid")
        translated(self.products_grid.setToolTip, "Each input value under the footprint times its kernel weight.")
        self.output_grid = NumberGrid("StepperOutputGrid")
        self.sum_label = wrapping_label(name="StepperSumLabel", accessible="Weighted sum")
        self.sum_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shape_label = wrapping_label(name="StepperShapeLabel", accessible="Output size")
        self.error_label = wrapping_label(name="StepperErrorLabel", accessible="Settings problem")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(self._grids(), 1)
        layout.addWidget(self.sum_label)
        layout.addWidget(self.shape_label)
        layout.addWidget(self.error_label)
        layout.addLayout(self._controls())
        self._apply_speed(self.speed_box.value())
        notifier().language_changed.connect(self._on_language_changed)

    def _grids(self) -> QGridLayout:
        """Input, kernel, products and output side by side under their headings."""
        grids = QGridLayout()
        for column, (title, grid) in enumerate(((tr_noop("Input"), self.input_grid), (tr_noop("Kernel"), self.kernel_grid),
                                                (tr_noop("Products"), self.products_grid),
                                                (tr_noop("Output"), self.output_grid))):
            heading = QLabel()
            translated(heading.setText, "<b>{title}</b>", owner=heading, title=lambda t=title: tr(t))
            heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grids.addWidget(heading, 0, column)
            grids.addWidget(grid, 1, column)
            grids.setColumnStretch(column, 3 if grid is self.input_grid else 2)
        return grids

    def _controls(self) -> FlowLayout:
        """Step, play, the position slider and the speed; they wrap under each other in a narrow window."""
        self.back_button = push_button(tr_noop("◀ Step back"), name="StepperBackButton", accessible="Step back",
                                       on_click=self.step_back)
        self.play_button = push_button(tr_noop("▶ Play"), name="StepperPlayButton", accessible="Play or pause",
                                       on_click=self._toggle_play, checkable=True)
        self.forward_button = push_button(tr_noop("Step ▶"), name="StepperForwardButton", accessible="Step forward",
                                          on_click=self.step_forward)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("StepperScrubSlider")
        self.slider.setAccessibleName("Output position")
        self.slider.setMinimumWidth(MIN_SLIDER_PX)
        self.slider.valueChanged.connect(self.set_position)
        self.speed_box = QSpinBox()
        self.speed_box.setObjectName("StepperSpeed")
        self.speed_box.setAccessibleName("Steps per second")
        self.speed_box.setRange(1, MAX_STEPS_PER_SECOND)
        self.speed_box.setValue(DEFAULT_STEPS_PER_SECOND)
        translated(self.speed_box.setSuffix, " steps/s", owner=self.speed_box)
        self.speed_box.valueChanged.connect(self._apply_speed)
        self.position_label = QLabel()
        self.position_label.setObjectName("StepperPositionLabel")
        self.position_label.setAccessibleName("Current output position")
        controls = FlowLayout()
        for widget in (self.back_button, self.play_button, self.forward_button):
            controls.addWidget(widget)
        controls.addWidget(self.slider, stretch=1)
        controls.addWidget(self.position_label)
        controls.addWidget(labelled(translated_label("Speed"), self.speed_box))
        return controls

    def _on_language_changed(self, _language: str) -> None:
        self._show_playing(self.is_playing())
        if self._padded.size and not self._error:
            self._show_shape()
            self._refresh()

    # -- the problem -------------------------------------------------------------------------
    def set_problem(self, image2d: np.ndarray, kernel2d: np.ndarray, settings: ConvSettings = ConvSettings(),
                    bias: float = 0.0) -> None:
        """Show a new convolution from its first output position.

        An impossible combination (kernel larger than the padded input, …) is shown as a message
        in the widget with the controls disabled, rather than raised.
        """
        self.pause()
        image = np.asarray(image2d, dtype=np.float32)
        kernel = np.asarray(kernel2d, dtype=np.float32)
        if image.ndim != 2 or kernel.ndim != 2:
            raise ValueError(f"the stepper shows one channel: image and kernel must be 2-D, "
                             f"not {list(image.shape)} and {list(kernel.shape)}")
        self._image, self._kernel, self._settings, self._bias = image, kernel, settings, float(bias)
        try:
            self._out_shape = output_size(*image.shape, *kernel.shape, settings)
            self._padding = padding_amounts(*image.shape, *kernel.shape, settings)
        except ConvSettingsError as exc:
            self._error = str(exc)
            self._out_shape = (0, 0)
        else:
            self._error = ""
            self._padded = pad_image(image, self._padding, settings.padding)[:, :, 0]
            # The whole output at once (a drawing can have thousands of positions); each step's
            # numbers still come from weighted_sum_at, and the tests check both agree.
            self._output = conv2d(image[:, :, None], kernel[None, :, :, None], np.array([self._bias], np.float32),
                                  settings)[:, :, 0].astype(np.float64)
        self.error_label.setText(self._error)
        self.error_label.setVisible(bool(self._error))
        for widget in (self.back_button, self.play_button, self.forward_button, self.slider):
            widget.setEnabled(not self._error)
        self._position = 0
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(self.position_count() - 1, 0))
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self._show_shape()
        self._refresh()
        self.position_changed.emit(self._position)

    def problem(self) -> tuple[np.ndarray, np.ndarray, ConvSettings]:
        return self._image.copy(), self._kernel.copy(), self._settings

    def problem_error(self) -> str:
        """Why the current settings have no output ("" when they do)."""
        return self._error

    def _sum_at(self, out_row: int, out_col: int) -> WeightedSum:
        return weighted_sum_at(self._image, self._kernel, np.array([self._bias], np.float32), self._settings,
                               out_row, out_col)

    # -- position ----------------------------------------------------------------------------
    def position_count(self) -> int:
        """Number of output positions (= output cells) the kernel visits."""
        return self._out_shape[0] * self._out_shape[1]

    def position(self) -> int:
        return self._position

    def output_cell(self) -> tuple[int, int]:
        """(row, column) of the output computed at the current position."""
        return divmod(self._position, max(self._out_shape[1], 1))

    def current_sum(self) -> WeightedSum:
        """The weighted sum behind the current output cell."""
        if self._error:
            raise ConvSettingsError(self._error)
        return self._sum_at(*self.output_cell())

    def revealed_output(self) -> np.ndarray:
        """The output grid as shown: computed cells up to the current position, NaN after it."""
        shown = np.full(self._out_shape, np.nan)
        flat = shown.reshape(-1)
        flat[: self._position + 1] = self._output.reshape(-1)[: self._position + 1]
        return flat.reshape(self._out_shape)

    @Slot(int)
    def set_position(self, position: int) -> None:
        if self.position_count() == 0:
            return
        position = int(np.clip(position, 0, self.position_count() - 1))
        if position == self._position:
            return
        self._position = position
        self.slider.blockSignals(True)
        self.slider.setValue(position)
        self.slider.blockSignals(False)
        self._refresh()
        self.position_changed.emit(position)

    @Slot()
    def step_forward(self) -> None:
        self.set_position(self._position + 1)

    @Slot()
    def step_back(self) -> None:
        self.set_position(self._position - 1)

    # -- playing -----------------------------------------------------------------------------
    def is_playing(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def play(self) -> None:
        if self.position_count() == 0:
            return
        if self._position >= self.position_count() - 1:  # at the end: play again from the start
            self.set_position(0)
        self._timer.start()
        self._show_playing(True)

    @Slot()
    def pause(self) -> None:
        self._timer.stop()
        self._show_playing(False)

    def _toggle_play(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def _show_playing(self, playing: bool) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.setText(tr("⏸ Pause") if playing else tr("▶ Play"))
        self.play_button.blockSignals(False)

    @Slot(int)
    def _apply_speed(self, steps_per_second: int) -> None:
        self._timer.setInterval(int(1000 / max(steps_per_second, 1)))

    def set_speed(self, steps_per_second: int) -> None:
        self.speed_box.setValue(steps_per_second)

    @Slot()
    def _tick(self) -> None:
        if self._position >= self.position_count() - 1:
            self.pause()
            return
        self.step_forward()
        if self._position >= self.position_count() - 1:
            self.pause()

    # -- drawing -----------------------------------------------------------------------------
    def _show_shape(self) -> None:
        if self._error:
            self.shape_label.setText("")
            return
        (k_h, k_w), (in_h, in_w) = self._kernel.shape, self._image.shape
        top, bottom, left, right = self._padding
        s, d = self._settings.stride, self._settings.dilation
        self.shape_label.setText(tr(
            "Output {h}×{w} — rows: {rows}; columns: {cols}", h=self._out_shape[0], w=self._out_shape[1],
            rows=output_size_formula(in_h, k_h, top + bottom, s[0], d[0]),
            cols=output_size_formula(in_w, k_w, left + right, s[1], d[1])))

    def _refresh(self) -> None:
        if self._error:
            for grid in (self.input_grid, self.products_grid, self.output_grid):
                grid.set_cells(np.zeros((0, 0)))
            self.kernel_grid.set_cells(self._kernel)
            self.sum_label.setText("")
            self.position_label.setText("")
            return
        ws = self.current_sum()
        top, _, left, _ = self._padding
        in_h, in_w = self._image.shape
        padded_h, padded_w = self._padded.shape
        rows_in_padded, cols_in_padded = ws.rows + top, ws.cols + left
        hatched = np.ones((padded_h, padded_w), bool)
        hatched[top:top + in_h, left:left + in_w] = False
        footprint = {(int(r), int(c)): FOOTPRINT_COLOUR for r in rows_in_padded for c in cols_in_padded}
        self.input_grid.set_cells(self._padded, footprint, hatched)
        kernel_colours = {(r, c): KERNEL_COLOUR for r in range(self._kernel.shape[0]) for c in range(self._kernel.shape[1])}
        self.kernel_grid.set_cells(self._kernel, kernel_colours)
        self.products_grid.set_cells(ws.products[:, :, 0], kernel_colours)
        out_row, out_col = ws.out_row, ws.out_col
        done = {(r, c): DONE_COLOUR for r in range(self._out_shape[0]) for c in range(self._out_shape[1])
                if r * self._out_shape[1] + c < self._position}
        done[(out_row, out_col)] = CURRENT_COLOUR
        self.output_grid.set_cells(self.revealed_output(), done, outlined={(out_row, out_col)})
        self.sum_label.setText(self.sum_text(ws))
        self.position_label.setText(tr("output ({row}, {col}) — step {n} of {total}", row=out_row, col=out_col,
                                       n=self._position + 1, total=self.position_count()))

    def sum_text(self, ws: WeightedSum | None = None) -> str:
        """The weighted sum written out: ``1·1 + 1·0 + … = 4`` (with bias and ReLU when used)."""
        ws = self.current_sum() if ws is None else ws
        terms = [f"{format_number(x)}·{format_number(w)}"
                 for x, w in zip(ws.inputs.reshape(-1), ws.weights.reshape(-1))]
        text = " + ".join(terms)
        if ws.bias:
            text += tr(" + bias {bias}", bias=format_number(ws.bias))
        text += f" = {format_number(ws.total)}"
        if self._settings.relu:
            text += f"; ReLU → {format_number(ws.output)}"
        return text
