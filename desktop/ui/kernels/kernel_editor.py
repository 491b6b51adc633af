"""The filter bank editor: presets, kernel size, one weight grid per input channel, bias, filters.

A bank is a list of filters that share one size and the input's channel count; each filter makes
one output channel. A 3×3 filter over RGB shows its 27 weights as three grids side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.convolution import COURSE_KERNEL
from desktop.core.kernels import PRESETS, Kernel, expand_to_channels, per_channel_filters, stack_filters
from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_label
from desktop.ui.widgets import push_button

from .flow_layout import FlowLayout, labelled

MAX_KERNEL = 7
MAX_SHOWN_FILTERS_NAMES = 64
# Titles and descriptions are English sources (those of desktop.core.kernels are extracted from there);
# the editor shows them through tr().
COURSE_PRESET = Kernel("course_x", tr_noop("Course \"X\" kernel"), COURSE_KERNEL,
                       description=tr_noop("The course's 3×3 kernel of its 5×5 worked example."))
EDITOR_PRESETS: dict[str, Kernel] = {**PRESETS, COURSE_PRESET.name: COURSE_PRESET}
APPLY_PER_CHANNEL = "per_channel"  # the bank becomes C filters, filter c on channel c only
APPLY_ALL_CHANNELS = "all_channels"  # the bank becomes one filter spanning every channel
APPLY_TO_FILTER = "filter"  # only the shown filter changes; the others stay
#: The widest weight a cell must show whole (format "{:.3g}"); cells follow the font (presentation zoom).
WIDEST_WEIGHT_TEXT = "-0.125"


@dataclass
class Filter:
    title: str
    weights: np.ndarray  # [kh, kw, C] float32
    bias: float = 0.0


def resize_centred(weights: np.ndarray, size: int) -> np.ndarray:
    """``weights`` [kh, kw, C] cropped or zero-padded around its centre to [size, size, C]."""
    out = np.zeros((size, size, weights.shape[2]), np.float32)
    kh, kw = weights.shape[:2]
    src_r0, dst_r0 = max((kh - size) // 2, 0), max((size - kh) // 2, 0)
    src_c0, dst_c0 = max((kw - size) // 2, 0), max((size - kw) // 2, 0)
    rows, cols = min(kh, size), min(kw, size)
    out[dst_r0:dst_r0 + rows, dst_c0:dst_c0 + cols] = weights[src_r0:src_r0 + rows, src_c0:src_c0 + cols]
    return out


def adapt_channels(weights: np.ndarray, channels: int) -> np.ndarray:
    """A filter moved to an input with another channel count.

    Many -> one: the grids are summed, so a filter over a grey copy of the same picture responds
    as it did to equal R, G and B. One -> many: the grid is shared out over the channels
    (:func:`expand_to_channels`). Anything else starts from the channel-sum grid.
    """
    if weights.shape[2] == channels:
        return weights
    summed = weights.sum(axis=2)
    if channels == 1:
        return summed[:, :, None].astype(np.float32)
    return expand_to_channels(summed, channels)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace("−", "-").replace(",", "."))
    except ValueError:
        return None
    return value if np.isfinite(value) else None


class KernelEditor(QWidget):
    """Edits a bank of filters; ``changed`` after every edit. Read it with :meth:`bank`."""

    changed = Signal()

    def __init__(self, channels: int = 3, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kernelEditor")
        self.setAccessibleName("Kernels")
        self._channels = channels
        self._filters: list[Filter] = []
        self._selected = 0
        self._grids: list[QTableWidget] = []
        self._description = ""
        self._build_preset_choices()
        self._build_filter_row()
        self.description = QLabel()
        self.description.setObjectName("kernelDescription")
        self.description.setWordWrap(True)
        # Grey from the palette, not a style sheet: a style sheet would keep the text small at presentation zoom.
        self.description.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._lay_out()
        self.preset_box.activated.connect(self._on_preset_chosen)
        self.size_box.valueChanged.connect(self.set_kernel_size)
        self.filter_box.currentIndexChanged.connect(self._on_filter_chosen)
        self.bias_box.valueChanged.connect(self._on_bias)
        self.apply_preset("identity", APPLY_PER_CHANNEL)

    def _build_preset_choices(self) -> None:
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("presetBox")
        self.preset_box.setAccessibleName("Kernel preset")
        self.preset_box.addItem("", "")
        translated_item(self.preset_box, 0, "Choose a preset…")
        for kernel in EDITOR_PRESETS.values():
            self.preset_box.addItem(kernel.title, kernel.name)
            index = self.preset_box.count() - 1
            translated_item(self.preset_box, index, kernel.title)
            translated(lambda text, i=index: self.preset_box.setItemData(i, text, Qt.ItemDataRole.ToolTipRole),
                       kernel.description, owner=self.preset_box)
        self.apply_box = QComboBox()
        self.apply_box.setObjectName("presetApplyBox")
        self.apply_box.setAccessibleName("Apply the preset to")
        for source, data in ((tr_noop("one filter per colour channel (keeps colour)"), APPLY_PER_CHANNEL),
                             (tr_noop("one filter over all channels (one output)"), APPLY_ALL_CHANNELS),
                             (tr_noop("the shown filter only"), APPLY_TO_FILTER)):
            self.apply_box.addItem(source, data)
            translated_item(self.apply_box, self.apply_box.count() - 1, source)
        translated(
            self.apply_box.setToolTip,
            "Per channel: filter c looks only at channel c, so a blur stays in colour (C filters → C outputs).\n"
            "All channels: one filter spans every channel with the grid divided by C (one grey output).\n"
            "Shown filter: replace only the filter shown below, to build a bank of different filters."
        )
        # The long "apply to" choices are elided in a narrow column (full text on hover).
        for combo, chars in ((self.preset_box, 12), (self.apply_box, 16)):
            combo.setMinimumContentsLength(chars)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    def _build_filter_row(self) -> None:
        self.size_box = QSpinBox()
        self.size_box.setObjectName("kernelSizeBox")
        self.size_box.setAccessibleName("Kernel size")
        self.size_box.setRange(1, MAX_KERNEL)
        self.size_box.setSuffix(" px")
        translated(self.size_box.setToolTip, "Kernel size k × k (1 to 7); weights keep their place around the centre")
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("filterBox")
        self.filter_box.setAccessibleName("Filter shown")
        self.filter_box.setMinimumContentsLength(14)
        self.filter_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_button = push_button(tr_noop("Add filter"), name="addFilterButton",
                                      accessible=tr_noop("Add a filter (one more output channel)"),
                                      tip=tr_noop("Add a filter (one more output channel)"), on_click=self.add_filter)
        self.remove_button = push_button(tr_noop("Remove filter"), name="removeFilterButton",
                                         accessible=tr_noop("Remove the shown filter"),
                                         tip=tr_noop("Remove the shown filter"), on_click=self.remove_filter)
        self.bias_box = QDoubleSpinBox()
        self.bias_box.setObjectName("biasBox")
        self.bias_box.setAccessibleName("Bias of the shown filter")
        self.bias_box.setRange(-10000, 10000)
        self.bias_box.setDecimals(3)
        translated(self.bias_box.setToolTip, "Added to the weighted sum of this filter")

    def _lay_out(self) -> None:
        """Rows that wrap in a narrow column: presets, the filter and its size and bias, the weight grids."""
        presets = FlowLayout()
        presets.addWidget(labelled(translated_label("Preset"), self.preset_box), stretch=1)
        presets.addWidget(labelled(translated_label("for"), self.apply_box), stretch=1)
        filters = FlowLayout()
        filters.addWidget(self.filter_box, stretch=1)
        filters.addWidget(self.add_button)
        filters.addWidget(self.remove_button)
        filters.addWidget(labelled(translated_label("Size"), self.size_box))
        filters.addWidget(labelled(translated_label("Bias"), self.bias_box))
        self.grids_row = FlowLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(presets)
        layout.addLayout(filters)
        layout.addLayout(self.grids_row)
        layout.addWidget(self.description)

    # -- the bank ----------------------------------------------------------------------------
    def bank(self) -> tuple[np.ndarray, np.ndarray]:
        """(kernels [F, kh, kw, C], bias [F])."""
        return stack_filters([Kernel(f"f{i}", f.title, f.weights, f.bias) for i, f in enumerate(self._filters)])

    def filters(self) -> list[Filter]:
        return list(self._filters)

    def filter_titles(self) -> list[str]:
        return [f.title for f in self._filters]

    def kernel_size(self) -> int:
        return self._filters[0].weights.shape[0] if self._filters else 3

    def set_filters(self, filters: list[Filter], description: str = "", preset: str = "") -> None:
        """Replace the whole bank (all filters must share one square size); ``preset`` names its preset if any."""
        if not filters:
            raise ValueError("a bank needs at least one filter")
        self._filters = [Filter(f.title, np.asarray(f.weights, np.float32).copy(), float(f.bias)) for f in filters]
        self._selected = 0
        self._description = description
        self.preset_box.setCurrentIndex(max(self.preset_box.findData(preset), 0))
        self._refresh()

    def set_channels(self, channels: int) -> None:
        """The input now has ``channels`` channels: every filter is carried over (see :func:`adapt_channels`)."""
        if channels == self._channels:
            return
        self._channels = channels
        for f in self._filters:
            f.weights = adapt_channels(f.weights, channels)
        self._refresh()

    def apply_preset(self, name: str, apply_to: str | None = None) -> None:
        kernel = EDITOR_PRESETS[name]
        apply_to = apply_to or self.apply_box.currentData()
        self.apply_box.setCurrentIndex(self.apply_box.findData(apply_to))
        self.preset_box.setCurrentIndex(self.preset_box.findData(name))
        if kernel.channels > 1:  # a genuine multi-channel kernel (detect yellow) is one filter as it is
            self._channels_from_preset(kernel)
            return
        grid = kernel.weights[:, :, 0]
        if apply_to == APPLY_PER_CHANNEL and self._channels > 1:
            names = ("R", "G", "B") if self._channels == 3 else [str(c) for c in range(self._channels)]
            bank = per_channel_filters(grid, self._channels)
            self.set_filters([Filter(tr("{title} on {channel}", title=tr(kernel.title), channel=names[c]), bank[c],
                                     kernel.bias) for c in range(self._channels)], tr(kernel.description), name)
            return
        new = Filter(tr(kernel.title), expand_to_channels(grid, self._channels), kernel.bias)
        if not self._filters or apply_to != APPLY_TO_FILTER:
            self.set_filters([new], tr(kernel.description), name)
            return
        size = grid.shape[0]
        for f in self._filters:
            f.weights = resize_centred(f.weights, size)
        self._filters[self._selected] = new
        self._description = tr(kernel.description)
        self._refresh()

    def _channels_from_preset(self, kernel: Kernel) -> None:
        weights = kernel.weights if kernel.channels == self._channels else adapt_channels(kernel.weights, self._channels)
        note = tr(kernel.description)
        if kernel.channels != self._channels:
            note += tr(" (This input has {n} channel(s), so its weights were combined.)", n=self._channels)
        self.set_filters([Filter(tr(kernel.title), weights, kernel.bias)], note, kernel.name)

    def set_kernel_size(self, size: int) -> None:
        size = int(min(max(size, 1), MAX_KERNEL))
        if size == self.kernel_size():
            return
        for f in self._filters:
            f.weights = resize_centred(f.weights, size)
        self._refresh()

    def add_filter(self) -> None:
        size = self.kernel_size()
        weights = np.zeros((size, size, self._channels), np.float32)
        weights[size // 2, size // 2, :] = 1.0 / self._channels  # a grey copy: a neutral start to edit
        self._filters.append(Filter(tr("Filter {n}", n=len(self._filters) + 1), weights))
        self._selected = len(self._filters) - 1
        # The next preset then fills this new filter instead of replacing the bank.
        self.apply_box.setCurrentIndex(self.apply_box.findData(APPLY_TO_FILTER))
        self._refresh()

    def remove_filter(self) -> None:
        if len(self._filters) <= 1:
            return
        del self._filters[self._selected]
        self._selected = min(self._selected, len(self._filters) - 1)
        self._refresh()

    def select_filter(self, index: int) -> None:
        self.filter_box.setCurrentIndex(index)

    def set_weight(self, row: int, col: int, channel: int, value: float, filter_index: int | None = None) -> None:
        """Set one weight as if typed into the grid (``filter_index`` defaults to the shown filter)."""
        if filter_index is not None and filter_index != self._selected:
            self.select_filter(filter_index)
        self._grids[channel].item(row, col).setText(str(value))

    # -- view --------------------------------------------------------------------------------
    def _on_preset_chosen(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        if name:
            self.apply_preset(name)

    def _on_filter_chosen(self, index: int) -> None:
        if 0 <= index < len(self._filters) and index != self._selected:
            self._selected = index
            self._refresh(emit=False)

    def _on_bias(self, value: float) -> None:
        if self._filters and self._filters[self._selected].bias != value:
            self._filters[self._selected].bias = float(value)
            self.changed.emit()

    def _channel_title(self, c: int) -> str:
        return ("R", "G", "B")[c] if self._channels == 3 else tr("channel {c}", c=c)

    def _refresh(self, emit: bool = True) -> None:
        current = self._filters[self._selected]
        for widget in (self.size_box, self.filter_box, self.bias_box):
            widget.blockSignals(True)
        self.size_box.setValue(current.weights.shape[0])
        self.filter_box.clear()
        for i, f in enumerate(self._filters):
            self.filter_box.addItem(f"{i + 1}: {f.title}" if i < MAX_SHOWN_FILTERS_NAMES else f"{i + 1}")
        self.filter_box.setCurrentIndex(self._selected)
        self.bias_box.setValue(current.bias)
        for widget in (self.size_box, self.filter_box, self.bias_box):
            widget.blockSignals(False)
        self.remove_button.setEnabled(len(self._filters) > 1)
        self._build_grids(current.weights)
        self.description.setText(self._description)
        if emit:
            self.changed.emit()

    def _build_grids(self, weights: np.ndarray) -> None:
        kh, kw, channels = weights.shape
        while len(self._grids) > channels:
            box = self._grids.pop().parentWidget()
            self.grids_row.removeWidget(box)
            box.setParent(None)  # gone from the layout at once, not only at the next event loop turn
            box.deleteLater()
        while len(self._grids) < channels:
            c = len(self._grids)
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            title = QLabel()
            title.setObjectName(f"kernelGridTitle{c}")
            grid = QTableWidget()
            grid.setObjectName(f"kernelGrid{c}")
            grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            grid.horizontalHeader().hide()
            grid.verticalHeader().hide()
            grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            grid.itemChanged.connect(lambda item, ch=c: self._on_cell_edited(ch, item))
            box_layout.addWidget(title)
            box_layout.addWidget(grid)
            self.grids_row.addWidget(box)
            self._grids.append(grid)
        for c, grid in enumerate(self._grids):
            title = grid.parentWidget().findChild(QLabel)
            title.setText(tr("<b>{channel}</b> weights", channel=self._channel_title(c)))
            grid.setAccessibleName(f"Kernel weights for {self._channel_title(c)}")
            grid.setToolTip(tr("The {h}×{w} weights this filter applies to {channel}; type to edit", h=kh, w=kw,
                               channel=self._channel_title(c)))
            grid.blockSignals(True)
            grid.setRowCount(kh)
            grid.setColumnCount(kw)
            for r in range(kh):
                for k in range(kw):
                    item = QTableWidgetItem(f"{weights[r, k, c]:.3g}")
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    grid.setItem(r, k, item)
            grid.blockSignals(False)
        self._size_grids()

    def _cell_size(self) -> tuple[int, int]:
        metrics = self.fontMetrics()
        return metrics.horizontalAdvance(WIDEST_WEIGHT_TEXT) + 12, metrics.height() + 10

    def _size_grids(self) -> None:
        cell_w, cell_h = self._cell_size()
        for grid in self._grids:
            grid.horizontalHeader().setDefaultSectionSize(cell_w)
            grid.verticalHeader().setMinimumSectionSize(1)
            grid.verticalHeader().setDefaultSectionSize(cell_h)
            grid.setFixedSize(grid.columnCount() * cell_w + 4, grid.rowCount() * cell_h + 4)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation zoom: the weights grow with the text
            self._size_grids()

    def _on_cell_edited(self, channel: int, item: QTableWidgetItem) -> None:
        weights = self._filters[self._selected].weights
        row, col = item.row(), item.column()
        value = _number(item.text())
        grid = self._grids[channel]
        if value is None:  # not a number: put the weight back
            grid.blockSignals(True)
            item.setText(f"{weights[row, col, channel]:.3g}")
            grid.blockSignals(False)
            return
        if weights[row, col, channel] != value:
            weights[row, col, channel] = value
            self.preset_box.setCurrentIndex(0)  # the bank is the user's own now
            self.changed.emit()
