"""The "Architectures" tab: LeNet-5, AlexNet, Inception, ResNet… with their real layer tables.

Everything comes from ``assets/architectures/classics.json`` (written by the training package from
real Keras definitions), read off the GUI thread when the tab is first shown. A missing or damaged
file gives a message in the tab instead of the gallery. Summaries, facts and data set texts show
in Chinese under a Chinese interface when the file has them (``summary_zh``, ``facts_zh``…).
"""

from __future__ import annotations

import html
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.contract import assets_dir
from desktop.core.experiments import ExperimentError, ilsvrc_entries, load_classics
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import current_language, notifier, tr, tr_noop, translated, translated_label
from desktop.ui.workers import BackgroundLoader
from desktop.ui.results.layer_diagram import LayerDiagram
from desktop.ui.results.plot_card import PlotCard, make_plot
from desktop.ui.results.tables import LayerTable, human_size

ILSVRC_PLOT_MAX_HEIGHT = 340
#: Characters per line of the names above the bars (long names would run into the next bar).
BAR_LABEL_WIDTH = 14
#: The list grows up to this many rows, then scrolls.
MAX_LIST_ROWS = 10
ERROR_BRUSH = pg.mkBrush(214, 39, 40, 190)
STATUS_STYLE = "QLabel { color: #9c2a00; padding: 6px; }"
#: (key in classics.json, column title) of the data sets table; a column shows when a row has it.
DATASET_COLUMNS = (("name", tr_noop("Data set")), ("year", tr_noop("Year")), ("images", tr_noop("Images")),
                   ("train", tr_noop("Train")), ("validation", tr_noop("Validation")), ("test", tr_noop("Test")),
                   ("classes", tr_noop("Classes")), ("image_size", tr_noop("Image size")))


def default_source() -> Path:
    return assets_dir() / "architectures" / "classics.json"


def localized(entry: dict[str, Any], key: str) -> Any:
    """``entry[key + "_zh"]`` under a Chinese interface when the file has it, else ``entry[key]``.

    classics.json carries its prose in both languages (names and paper titles only in the original).
    """
    if current_language().startswith("zh"):
        value = entry.get(f"{key}_zh")
        if value:
            return value
    return entry.get(key)


def _count(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return str(value)


def _text_label(name: str, selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _scroll(content: QWidget, name: str) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setWidget(content)
    return scroll


class ArchitecturesView(QWidget):
    """A list of classic CNNs; the chosen one's story, numbers, layer table and diagram."""

    loaded = Signal(object)
    load_failed = Signal(str)

    def __init__(self, source: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("architecturesTab")
        self.setAccessibleName("Classic architectures")
        self.source = Path(source) if source is not None else default_source()
        self.data: dict[str, Any] | None = None
        self.loader = BackgroundLoader(self, ExperimentError)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self._request = 0
        self._load_on_show = True
        self.status_label = QLabel()
        self.status_label.setObjectName("architecturesStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setStyleSheet(STATUS_STYLE)
        self.overview_scroll = self._build_overview()
        self.details_scroll = self._build_details()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("architecturesSplitter")
        self.splitter.addWidget(self.overview_scroll)
        self.splitter.addWidget(self.details_scroll)
        self.splitter.setChildrenCollapsible(False)
        self._dragged = False  # once the teacher moves the handle, the split stays as set
        self.splitter.splitterMoved.connect(self._on_dragged)
        self.splitter.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.splitter, stretch=1)
        self.splitter.hide()
        self._show_status(tr("The architecture gallery is read when this tab is first shown."))
        notifier().language_changed.connect(self._retranslate)

    def _build_overview(self) -> QScrollArea:
        """The left side: the list, the ILSVRC chart and the data sets."""
        self.arch_list = QListWidget()
        self.arch_list.setObjectName("architectureList")
        self.arch_list.setAccessibleName("Classic architectures")
        self.arch_list.currentRowChanged.connect(self._show_current)
        self.ilsvrc_plot = make_plot("", "", "")
        self.ilsvrc_plot.setObjectName("ilsvrcPlot")
        self.ilsvrc_plot.setAccessibleName("ILSVRC top-5 error by year")
        self.ilsvrc_plot.getPlotItem().showGrid(x=False, y=True, alpha=0.2)
        self.ilsvrc_plot.setMaximumHeight(ILSVRC_PLOT_MAX_HEIGHT)
        self.ilsvrc_card = PlotCard("ILSVRC top-5 error", self.ilsvrc_plot)
        translated(self.ilsvrc_card.note.setText, "ImageNet challenge winners and entries: lower is better.",
                   owner=self.ilsvrc_card.note)
        self.ilsvrc_bars: pg.BarGraphItem | None = None
        self.datasets_table = QTableWidget(0, 0)
        self.datasets_table.setObjectName("datasetsTable")
        self.datasets_table.setAccessibleName("Data sets: images, classes and image sizes")
        self.datasets_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.datasets_table.verticalHeader().setVisible(False)
        self.datasets_box = QGroupBox()
        self.datasets_box.setObjectName("group_datasets")
        translated(self.datasets_box.setTitle, "Data sets", owner=self.datasets_box)
        QVBoxLayout(self.datasets_box).addWidget(self.datasets_table)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.addWidget(translated_label("Choose an architecture:"))
        for widget in (self.arch_list, self.ilsvrc_card, self.datasets_box):
            left_column.addWidget(widget)
        left_column.addStretch()
        return _scroll(left, "architecturesOverview")

    def _build_details(self) -> QScrollArea:
        """The right side: the chosen architecture."""
        self.title_label = _text_label("architectureTitle")
        self.title_label.setFont(cjk_font())
        self.summary_label = _text_label("architectureSummary")
        self.numbers_label = _text_label("architectureNumbers", selectable=False)
        self.facts_label = _text_label("architectureFacts")
        self.layer_table = LayerTable()
        self.layer_table.setObjectName("architectureLayerTable")
        self.layers_box = QGroupBox()
        self.layers_box.setObjectName("group_architecture_layers")
        translated(self.layers_box.setTitle, "Layers (computed from the Keras model)", owner=self.layers_box)
        QVBoxLayout(self.layers_box).addWidget(self.layer_table)
        self.layers_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.diagram = LayerDiagram()
        self.diagram.setObjectName("architectureDiagram")
        self.diagram_card = PlotCard("Architecture diagram", self.diagram)
        details = QWidget()
        details.setObjectName("architectureDetails")
        details_column = QVBoxLayout(details)
        for widget in (self.title_label, self.summary_label, self.numbers_label, self.facts_label,
                       self.layers_box, self.diagram_card):
            details_column.addWidget(widget)
        details_column.addStretch()
        return _scroll(details, "architectureDetailsScroll")

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()

    # -- the split between the overview and the details ------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.splitter and event.type() == QEvent.Type.Resize and not self._dragged:
            self._fit_split()
        return super().eventFilter(watched, event)

    def _on_dragged(self, *_args) -> None:
        self._dragged = True

    @staticmethod
    def _needed_width(scroll: QScrollArea) -> int:
        """The width at which ``scroll`` shows its content without a sideways scroll bar."""
        return scroll.widget().minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() \
            + 2 * scroll.frameWidth()

    def _fit_split(self) -> None:
        """Half and half when both fit; otherwise the details get the room they need, so their text
        never runs off to the right; below that the overview goes above the details."""
        overview, details = self._needed_width(self.overview_scroll), self._needed_width(self.details_scroll)
        side_by_side = self.splitter.width() - self.splitter.handleWidth() >= overview + details
        orientation = Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
        if side_by_side:
            total = self.splitter.width() - self.splitter.handleWidth()
            right = min(max(total // 2, details), total - overview)
            self.splitter.setSizes([total - right, right])
        else:
            total = self.splitter.height() - self.splitter.handleWidth()
            self.splitter.setSizes([total * 2 // 5, total - total * 2 // 5])

    # -- loading ---------------------------------------------------------------------------------
    def load(self, source: str | Path | None = None) -> None:
        """Read ``source`` (default: the one given at construction) on a worker thread."""
        if source is not None:
            self.source = Path(source)
        self._load_on_show = False
        self._show_status(tr("Reading {path}…", path=str(self.source)))
        self._request = self.loader.load(load_classics, self.source)

    def is_loading(self) -> bool:
        return self._request != 0

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self._load_on_show:
            self.load()

    def _on_loaded(self, request_id: int, data: dict[str, Any]) -> None:
        if request_id != self._request:
            return
        self._request = 0
        self.set_data(data)
        self.loaded.emit(data)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._request:
            return
        self._request = 0
        text = tr("The architecture gallery cannot be shown: {message}", message=message)
        if not (self.source.exists() or self.data):
            text += "\n" + tr("Build it with: python -m training classics")
        self._show_status(text)
        self.load_failed.emit(message)

    # -- showing ---------------------------------------------------------------------------------
    def set_data(self, data: dict[str, Any]) -> None:
        """Show a gallery already checked by :func:`desktop.core.experiments.load_classics`."""
        self.data = data
        self.status_label.hide()
        self.splitter.show()
        self.arch_list.blockSignals(True)
        self.arch_list.clear()
        for arch in data["architectures"]:
            year = arch.get("year")
            item = QListWidgetItem(f"{arch['name']} ({int(year)})" if year else str(arch["name"]))
            item.setData(Qt.ItemDataRole.UserRole, arch["key"])
            self.arch_list.addItem(item)
        self.arch_list.blockSignals(False)
        rows = min(self.arch_list.count(), MAX_LIST_ROWS)
        self.arch_list.setFixedHeight(rows * max(self.arch_list.sizeHintForRow(0), 16)
                                      + 2 * self.arch_list.frameWidth() + 4)
        self._fill_datasets(data.get("datasets") or [])
        self._fill_ilsvrc(data)
        self.arch_list.setCurrentRow(0)
        self._show_current(0)

    def _retranslate(self, _language: str = "") -> None:
        """Texts made from the data follow a language switch too."""
        if self.data is not None:
            key = self.current_key()
            self._fill_datasets(self.data.get("datasets") or [])
            self._fill_ilsvrc(self.data)
            if key is not None:
                self._show_current(self.arch_list.currentRow())

    def status_text(self) -> str:
        """The line shown above the gallery ("" when none is)."""
        return self.status_label.text() if not self.status_label.isHidden() else ""

    def architecture_keys(self) -> list[str]:
        return [self.arch_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.arch_list.count())]

    def current_key(self) -> str | None:
        item = self.arch_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def choose(self, key: str) -> bool:
        """Show the architecture ``key`` (e.g. ``"resnet50"``); False when the gallery lacks it."""
        keys = self.architecture_keys()
        if key not in keys:
            return False
        self.arch_list.setCurrentRow(keys.index(key))
        return True

    def _current(self) -> dict[str, Any] | None:
        key = self.current_key()
        if self.data is None or key is None:
            return None
        return next(a for a in self.data["architectures"] if a["key"] == key)

    def _show_current(self, _row: int) -> None:
        arch = self._current()
        if arch is None:
            return
        esc = html.escape
        lines = [f"<h2>{esc(str(arch['name']))}</h2>"]
        byline = ", ".join(part for part in (esc(str(arch.get("authors") or "")),
                                             str(int(arch["year"])) if arch.get("year") else "") if part)
        if byline:
            lines.append(f"<p>{byline}</p>")
        if arch.get("paper"):
            lines.append(f"<p><i>{esc(str(arch['paper']))}</i></p>")
        self.title_label.setText("".join(lines))
        summary = localized(arch, "summary")
        self.summary_label.setText(str(summary or ""))
        self.summary_label.setVisible(bool(summary))
        numbers = []
        total = arch.get("total_params")
        if total is None:
            total = sum(int(layer.get("params") or 0) for layer in arch["layers"])
        numbers.append(tr("Parameters: {count} ({size} as float32)", count=f"{int(total):,}",
                          size=human_size(int(total) * 4)))
        trainable = arch.get("trainable_params")
        if isinstance(trainable, (int, float)) and trainable != total:
            numbers.append(tr("Trainable parameters: {count}", count=f"{int(trainable):,}"))
        if arch.get("input_shape"):
            numbers.append(tr("Input: {shape}", shape=" × ".join(str(s) for s in arch["input_shape"])))
        error = arch.get("ilsvrc_top5_error")
        numbers.append(tr("ILSVRC top-5 error: {error} %", error=f"{error:g}") if error is not None
                       else tr("ILSVRC top-5 error: not an ILSVRC entry"))
        if arch.get("trainable_model"):
            numbers.append(tr("A version for 80×60 characters trains as: python -m training train --model {name}",
                              name=arch["trainable_model"]))
        self.numbers_label.setText("<br>".join(html.escape(n) for n in numbers))
        facts = localized(arch, "facts") or []
        self.facts_label.setText("<ul>" + "".join(f"<li>{esc(f)}</li>" for f in facts) + "</ul>" if facts else "")
        self.facts_label.setVisible(bool(facts))
        self.layer_table.set_layers(arch["layers"])
        self.diagram.set_layers(arch["layers"])

    def _fill_datasets(self, datasets: list[dict[str, Any]]) -> None:
        columns = [(key, title) for key, title in DATASET_COLUMNS
                   if key == "name" or any(d.get(key) is not None for d in datasets)]
        table = self.datasets_table
        table.clear()
        table.setColumnCount(len(columns))
        table.setRowCount(len(datasets))
        table.setHorizontalHeaderLabels([tr(title) for _, title in columns])
        for r, dataset in enumerate(datasets):
            for c, (key, _) in enumerate(columns):
                value = localized(dataset, key) if key == "image_size" else dataset.get(key)
                text = str(value) if key in ("name", "year", "image_size") and value is not None else _count(value)
                item = QTableWidgetItem(text)
                description = localized(dataset, "description")
                if description:
                    item.setToolTip(str(description))
                if key not in ("name", "image_size"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.setFixedHeight(table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(datasets)))
                             + table.horizontalScrollBar().sizeHint().height() + 2 * table.frameWidth() + 4)
        self.datasets_box.setVisible(bool(datasets))

    def _fill_ilsvrc(self, data: dict[str, Any]) -> None:
        entries = ilsvrc_entries(data)
        item = self.ilsvrc_plot.getPlotItem()
        item.clear()
        self.ilsvrc_bars = None
        self.ilsvrc_card.setVisible(bool(entries))
        if not entries:
            return
        x = np.arange(len(entries))
        errors = [error for _, _, error in entries]
        self.ilsvrc_bars = pg.BarGraphItem(x=x, height=errors, width=0.7, brush=ERROR_BRUSH, pen=pg.mkPen("k"))
        item.addItem(self.ilsvrc_bars)
        # Names above the bars, years under them: long names would overlap as tick labels.
        for i, (name, _, error) in enumerate(entries):
            label = pg.TextItem(f"{textwrap.fill(name, BAR_LABEL_WIDTH)}\n{error:g} %", color="k", anchor=(0.5, 1.0))
            label.setPos(float(i), error)
            item.addItem(label)
        item.getAxis("bottom").setTicks([[(i, str(int(year)) if year else "?")
                                          for i, (_, year, _) in enumerate(entries)]])
        item.setLabel("left", tr("top-5 error (%)"), color="k")
        item.setYRange(0, max(errors) * 1.35, padding=0)
        item.setXRange(-0.6, len(entries) - 0.4, padding=0)

    # -- export ----------------------------------------------------------------------------------
    def export_plots(self, folder: str | Path) -> list[Path]:
        """The ILSVRC chart and the shown diagram as PNG in ``folder`` (nothing before the gallery is read)."""
        if self.data is None:
            return []
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        if self.ilsvrc_bars is not None:
            written.append(self.ilsvrc_card.export_png(folder / f"{self.ilsvrc_card.name}.png"))
        key = self.current_key()
        if key is not None:
            written.append(self.diagram_card.export_png(folder / f"{self.diagram_card.name}_{key}.png"))
        return written

    def shutdown(self) -> None:
        self.loader.wait()
