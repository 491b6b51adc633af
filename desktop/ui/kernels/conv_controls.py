"""Padding, stride, dilation, ReLU and pooling controls: one ``changed`` signal for them all."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QSpinBox, QWidget

from desktop.core.convolution import PADDINGS, ConvSettings
from desktop.ui.i18n import tr_noop, translated, translated_item, translated_label

from .flow_layout import FlowLayout, labelled

PADDING_TITLES = {
    "valid": tr_noop("valid (no padding)"),
    "zero": tr_noop("zero (\"same\")"),
    "replicate": tr_noop("replicate the edge"),
    "reflect": tr_noop("reflect (mirror)"),
}
POOL_TITLES = {"none": tr_noop("none"), "max": tr_noop("max"), "average": tr_noop("average")}
MAX_STEP = 8


@dataclass(frozen=True)
class PoolSettings:
    mode: str = "none"  # "none", "max" or "average"
    size: tuple[int, int] = (2, 2)
    stride: tuple[int, int] = (2, 2)

    @property
    def enabled(self) -> bool:
        return self.mode != "none"


def _spin(name: str, accessible: str, low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setRange(low, high)
    box.setValue(value)
    translated(box.setToolTip, tip, owner=box)  # an English source marked by the caller
    return box


def _pair(first: QSpinBox, second: QSpinBox) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(translated_label("rows"))
    row.addWidget(first)
    row.addWidget(translated_label("cols"))
    row.addWidget(second)
    return row


class ConvControls(QWidget):
    """The layer's hyper-parameters; read them with :meth:`settings` and :meth:`pooling`."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("convControls")
        self.setAccessibleName("Convolution settings")
        self.padding_box = QComboBox()
        self.padding_box.setObjectName("paddingBox")
        self.padding_box.setAccessibleName("Padding")
        for key in PADDINGS:
            self.padding_box.addItem(PADDING_TITLES[key], key)
            translated_item(self.padding_box, self.padding_box.count() - 1, PADDING_TITLES[key])
        translated(self.padding_box.setToolTip, "How the image is extended at its borders before the kernel slides over it")
        self.stride_rows = _spin("strideRows", "Stride in rows", 1, MAX_STEP, 1,
                                 tr_noop("How far the kernel moves down each step"))
        self.stride_cols = _spin("strideCols", "Stride in columns", 1, MAX_STEP, 1,
                                 tr_noop("How far the kernel moves right each step"))
        self.dilation_rows = _spin("dilationRows", "Dilation in rows", 1, MAX_STEP, 1,
                                   tr_noop("Gap between kernel taps down: 2 spreads a 3×3 kernel over 5×5 pixels"))
        self.dilation_cols = _spin("dilationCols", "Dilation in columns", 1, MAX_STEP, 1,
                                   tr_noop("Gap between kernel taps across"))
        self.relu_box = QCheckBox()
        translated(self.relu_box.setText, "ReLU (negative → 0)", owner=self.relu_box)
        self.relu_box.setObjectName("reluBox")
        self.relu_box.setAccessibleName("Apply ReLU")
        self.pool_mode = QComboBox()
        self.pool_mode.setObjectName("poolMode")
        self.pool_mode.setAccessibleName("Pooling")
        for key, title in POOL_TITLES.items():
            self.pool_mode.addItem(title, key)
            translated_item(self.pool_mode, self.pool_mode.count() - 1, title)
        self.pool_size = _spin("poolSize", "Pooling window size", 1, MAX_STEP, 2,
                               tr_noop("Pooling window: size × size pixels"))
        self.pool_stride = _spin("poolStride", "Pooling stride", 1, MAX_STEP, 2,
                                 tr_noop("How far the pooling window moves"))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow column puts fields under labels
        form.addRow(translated_label("Padding"), self.padding_box)
        form.addRow(translated_label("Stride"), _pair(self.stride_rows, self.stride_cols))
        form.addRow(translated_label("Dilation"), _pair(self.dilation_rows, self.dilation_cols))
        form.addRow("", self.relu_box)
        pool_row = FlowLayout()
        pool_row.addWidget(self.pool_mode)
        pool_row.addWidget(labelled(translated_label("size"), self.pool_size), stretch=1)
        pool_row.addWidget(labelled(translated_label("stride"), self.pool_stride), stretch=1)
        form.addRow(translated_label("Pooling"), pool_row)

        for combo in (self.padding_box, self.pool_mode):
            combo.currentIndexChanged.connect(self._on_change)
        for box in (self.stride_rows, self.stride_cols, self.dilation_rows, self.dilation_cols,
                    self.pool_size, self.pool_stride):
            box.valueChanged.connect(self._on_change)
        self.relu_box.toggled.connect(self._on_change)
        self._on_change()

    def _on_change(self, *_args) -> None:
        pooling = self.pool_mode.currentData() != "none"
        self.pool_size.setEnabled(pooling)
        self.pool_stride.setEnabled(pooling)
        self.changed.emit()

    def settings(self) -> ConvSettings:
        return ConvSettings(
            padding=self.padding_box.currentData(),
            stride=(self.stride_rows.value(), self.stride_cols.value()),
            dilation=(self.dilation_rows.value(), self.dilation_cols.value()),
            relu=self.relu_box.isChecked(),
        )

    def pooling(self) -> PoolSettings:
        size = self.pool_size.value()
        stride = self.pool_stride.value()
        return PoolSettings(self.pool_mode.currentData(), (size, size), (stride, stride))

    def set_padding(self, padding: str) -> None:
        self.padding_box.setCurrentIndex(self.padding_box.findData(padding))

    def set_stride(self, rows: int, cols: int) -> None:
        self.stride_rows.setValue(rows)
        self.stride_cols.setValue(cols)

    def set_dilation(self, rows: int, cols: int) -> None:
        self.dilation_rows.setValue(rows)
        self.dilation_cols.setValue(cols)

    def set_pooling(self, mode: str, size: int = 2, stride: int = 2) -> None:
        self.pool_size.setValue(size)
        self.pool_stride.setValue(stride)
        self.pool_mode.setCurrentIndex(self.pool_mode.findData(mode))

    def set_layer(self, *, padding: str, stride: int, dilation: int, relu: bool, pooling: str, pool_size: int,
                  pool_stride: int) -> None:
        """Every setting at once (square stride and dilation); ``changed`` follows once, not per control."""
        boxes = (self.padding_box, self.stride_rows, self.stride_cols, self.dilation_rows, self.dilation_cols,
                 self.relu_box, self.pool_mode, self.pool_size, self.pool_stride)
        for box in boxes:
            box.blockSignals(True)
        self.set_padding(padding)
        self.set_stride(stride, stride)
        self.set_dilation(dilation, dilation)
        self.relu_box.setChecked(relu)
        self.set_pooling(pooling, pool_size, pool_stride)
        for box in boxes:
            box.blockSignals(False)
        self._on_change()
