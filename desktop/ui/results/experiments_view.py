"""The "Experiments" tab: model comparisons (``compare.json``) and hyperparameter searches (``tuning.json``).

The shipped experiments under ``assets/experiments/*/`` are listed when the tab is first shown;
"Open…" adds a file of the user's own and "Reload" reads the shown one again (a search rewrites its
tuning.json after every trial). Files are read off the GUI thread; a bad file gives a message that
names it and the experiment shown before stays.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.contract import assets_dir
from desktop.core.experiments import (
    COMPARE_NAME,
    TUNING_NAME,
    Experiment,
    ExperimentError,
    best_so_far,
    best_trial_id,
    find_experiments,
    format_value,
    hyperparameter_names,
    load_experiment,
    scored_trials,
)
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import notifier, tr, tr_noop, translated, translated_headers
from desktop.ui.workers import BackgroundLoader
from desktop.ui.results.plot_card import PlotCard, make_plot

MESSAGE_STYLE = "QLabel { color: #9c2a00; padding: 6px; }"
BEST_ROW_COLOUR = QColor("#fff2b3")
TEST_BRUSH = pg.mkBrush(31, 119, 180, 220)
VAL_BRUSH = pg.mkBrush(255, 127, 14, 200)
TIME_BRUSH = pg.mkBrush(44, 160, 44, 200)
INFERENCE_BRUSH = pg.mkBrush(148, 103, 189, 200)
TRIAL_BRUSH = pg.mkBrush(31, 119, 180, 220)
BEST_BRUSH = pg.mkBrush(255, 200, 0, 255)
BEST_SO_FAR_PEN = pg.mkPen((255, 127, 14), width=2)
FAILED_PEN = pg.mkPen((214, 39, 40, 90), width=1)
#: (row key, column title, format) of the comparison table.
COMPARE_COLUMNS = (
    ("title", tr_noop("Model"), "text"),
    ("params", tr_noop("Parameters"), "count"),
    ("epochs", tr_noop("Epochs (best)"), "epochs"),
    ("train_seconds", tr_noop("Train time (s)"), "seconds"),
    ("val_accuracy", tr_noop("Val accuracy"), "percent"),
    ("test_accuracy", tr_noop("Test accuracy"), "percent"),
    ("test_top5", tr_noop("Test top-5"), "percent"),
    ("inference_ms", tr_noop("Inference (ms/image)"), "ms"),
)
#: Charts stop growing here: a tall window shows more rows of the tables, not taller charts.
PLOT_MAX_HEIGHT = 420
#: Beyond these many rows the tables scroll instead of growing.
MAX_COMPARE_ROWS = 12
MAX_TRIAL_ROWS = 15
KIND_TITLES = {"compare": tr_noop("model comparison"), "tuning": tr_noop("hyperparameter search")}
#: The titles ``python -m training compare`` gives its models (training's classic.TITLES): shown translated.
MODEL_TITLES = (tr_noop("Logistic regression (course)"), tr_noop("CNN (course)"), tr_noop("LeNet-5 (1998)"),
                tr_noop("AlexNet (2012, scaled down)"), tr_noop("Inception (GoogLeNet-style, 2014)"),
                tr_noop("ResNet (2015, small)"))


def default_root() -> Path:
    return assets_dir() / "experiments"


class SortItem(QTableWidgetItem):
    """A cell shown as text but sorted by a key (numbers as numbers; empty cells last)."""

    def __init__(self, text: str, key: Any = None):
        super().__init__(text)
        self.key = key
        self.setFlags(self.flags() & ~Qt.ItemFlag.ItemIsEditable)

    def __lt__(self, other: QTableWidgetItem) -> bool:  # Qt calls this when sorting
        mine, theirs = self.key, getattr(other, "key", None)
        if mine is None or theirs is None:
            # Empty cells last in either direction: largest when ascending, smallest when descending.
            table = self.tableWidget()
            descending = table is not None and \
                table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            return (theirs is None and mine is not None) != descending and mine is not theirs
        if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            return mine < theirs
        return str(mine) < str(theirs)


def _number(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "percent":
        return f"{float(value):.2%}"
    if kind == "seconds":
        return f"{float(value):.1f}"
    if kind == "ms":
        return f"{float(value):.2f}"
    if kind == "score":
        return f"{float(value):.4f}"
    return str(value)


def _numeric_key(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else \
        (None if value is None else str(value))


def _table(name: str, accessible: str) -> QTableWidget:
    table = QTableWidget(0, 0)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def short_count(value: float) -> str:
    """``250000`` -> ``"250k"``, ``2e6`` -> ``"2M"`` (tick labels of the parameter axis)."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def log_ticks(low: float, high: float) -> list[list[tuple[float, str]]]:
    """Ticks for a log10 axis from ``low`` to ``high`` (in log10 units): labelled 1, 2, 5 steps, then the rest.

    pyqtgraph's own log ticks label every minor step when the range spans few decades, and they overlap.
    """
    labelled, unlabelled = [], []
    for decade in range(math.floor(low), math.ceil(high) + 1):
        for step in range(1, 10):
            position = decade + math.log10(step)
            if low <= position <= high:
                if step in (1, 2, 5) if high - low <= 3 else step == 1:
                    labelled.append((position, short_count(step * 10.0 ** decade)))
                else:
                    unlabelled.append((position, ""))
    return [labelled, unlabelled]


def fit_height(table: QTableWidget, max_rows: int) -> None:
    """As tall as its rows (at most ``max_rows`` of them; it scrolls beyond), so pages do not leave gaps."""
    rows = min(table.rowCount(), max_rows)
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(rows))
    if table.horizontalScrollBar().isVisible() or table.horizontalHeader().length() > table.viewport().width():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(max(height + 2 * table.frameWidth() + 4, 80))


def model_title(row: dict[str, Any]) -> str:
    """A comparison row's title in the interface language; titles of other models stay as written."""
    title = str(row.get("title") or row["model"])
    return tr(title) if title in MODEL_TITLES else title


def entry_label(path: Path) -> str:
    kind = "compare" if path.name == COMPARE_NAME else "tuning" if path.name == TUNING_NAME else None
    what = tr(KIND_TITLES[kind]) if kind else path.name
    return f"{path.parent.name} — {what}"


class ExperimentsView(QWidget):
    """A chooser of experiments above the comparison or the search it shows."""

    listed = Signal(object)  # the shipped experiment files found
    experiment_shown = Signal(object)  # an Experiment
    experiment_failed = Signal(str)

    def __init__(self, root: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("experimentsTab")
        self.setAccessibleName("Experiments: model comparisons and hyperparameter searches")
        self.root = Path(root) if root is not None else default_root()
        self.experiment: Experiment | None = None
        self.loader = BackgroundLoader(self, ExperimentError)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self._request = 0
        self._list_request = 0
        self._list_on_show = True
        self.best_id: str | None = None
        self.score_items: dict[str, Any] = {}

        self.chooser = QComboBox()
        self.chooser.setObjectName("experimentChooser")
        self.chooser.setAccessibleName("Experiment shown")
        self.chooser.setMinimumContentsLength(30)
        translated(self.chooser.setToolTip, "Shipped experiments and the files you opened", owner=self.chooser)
        self.chooser.activated.connect(self._on_chosen)
        self.open_button = self._button(
            tr_noop("Open…"), "openExperimentButton", "Open a compare.json or tuning.json",
            tr_noop("Open a compare.json or tuning.json written by python -m training"), self.open_dialog)
        self.reload_button = self._button(
            tr_noop("Reload"), "reloadExperimentButton", "Reload the shown experiment",
            tr_noop("Read the file again (a running search rewrites it after every trial)"), self.reload)
        self.message_label = QLabel()
        self.message_label.setObjectName("experimentsMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setStyleSheet(MESSAGE_STYLE)
        self.info_label = QLabel()
        self.info_label.setObjectName("experimentInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label.setFont(cjk_font())

        self._build_compare_page()
        self._build_tuning_page()
        self.stack = QStackedWidget()
        self.stack.setObjectName("experimentPages")
        self.empty_page = QWidget()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.compare_page)
        self.stack.addWidget(self.tuning_page)
        body = QWidget()
        body_column = QVBoxLayout(body)
        body_column.addWidget(self.info_label)
        body_column.addWidget(self.stack, stretch=1)
        scroll = QScrollArea()
        scroll.setObjectName("experimentsScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        top = QHBoxLayout()
        chooser_label = QLabel()
        translated(chooser_label.setText, "Experiment:", owner=chooser_label)
        top.addWidget(chooser_label)
        top.addWidget(self.chooser, stretch=1)
        top.addWidget(self.open_button)
        top.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(scroll, stretch=1)
        self.message_label.setText(tr("Experiments are listed when this tab is first shown."))
        self._update_buttons()
        notifier().language_changed.connect(self._retranslate)

    def _retranslate(self, _language: str = "") -> None:
        """Texts made from the data (chooser entries, summaries, headers) follow a language switch too."""
        for i in range(self.chooser.count()):
            self.chooser.setItemText(i, entry_label(Path(self.chooser.itemData(i))))
        if self.experiment is not None:
            self.set_experiment(self.experiment)

    def _button(self, text: str, name: str, accessible: str, tooltip: str, slot) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        translated(button.setText, text, owner=button)
        translated(button.setToolTip, tooltip, owner=button)
        button.clicked.connect(slot)
        return button

    def _card(self, title: str, content: QWidget, note: str = "") -> PlotCard:
        """``title`` and ``note`` are English sources marked with ``tr_noop`` by the caller."""
        card = PlotCard(title, content)
        if note:
            translated(card.note.setText, note, owner=card.note)
        return card

    def _build_compare_page(self) -> None:
        self.compare_table = _table("compareTable", "Models compared: size, time and accuracy")
        self.compare_table.setColumnCount(len(COMPARE_COLUMNS))
        translated_headers(self.compare_table, [title for _, title, _ in COMPARE_COLUMNS])
        self.compare_table.setSortingEnabled(True)
        self.accuracy_plot = make_plot("", "", "")
        self.accuracy_plot.setMaximumHeight(PLOT_MAX_HEIGHT)
        self.accuracy_plot.setObjectName("compareAccuracyPlot")
        self.accuracy_plot.setAccessibleName("Accuracy against number of parameters")
        self.accuracy_plot.getPlotItem().setLogMode(x=True, y=False)
        self.accuracy_plot.getPlotItem().addLegend(offset=(-10, -10), labelTextColor="k")
        self.accuracy_card = self._card(tr_noop("Accuracy against size"), self.accuracy_plot,
                                        tr_noop("Each point is a model; the x axis (parameters) is logarithmic."))
        self.train_time_plot = make_plot("", "", "")
        self.train_time_plot.setMaximumHeight(PLOT_MAX_HEIGHT)
        self.train_time_plot.setObjectName("compareTrainTimePlot")
        self.train_time_plot.setAccessibleName("Training time per model")
        self.inference_plot = make_plot("", "", "")
        self.inference_plot.setMaximumHeight(PLOT_MAX_HEIGHT)
        self.inference_plot.setObjectName("compareInferencePlot")
        self.inference_plot.setAccessibleName("Inference time per image and model")
        times = QWidget()
        times_row = QHBoxLayout(times)
        times_row.setContentsMargins(0, 0, 0, 0)
        times_row.addWidget(self.train_time_plot)
        times_row.addWidget(self.inference_plot)
        self.time_card = self._card(tr_noop("Training and inference time"), times)
        self.time_bars: dict[str, pg.BarGraphItem] = {}
        self.compare_page = QWidget()
        self.compare_page.setObjectName("comparePage")
        column = QVBoxLayout(self.compare_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.compare_table)
        column.addWidget(self.accuracy_card)
        column.addWidget(self.time_card)
        column.addStretch()

    def _build_tuning_page(self) -> None:
        self.best_label = QLabel()
        self.best_label.setObjectName("tuningBestSummary")
        self.best_label.setWordWrap(True)
        self.best_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.best_label.setStyleSheet("QLabel { background: #fff8d6; border: 1px solid #e0c860; padding: 6px; }")
        self.space_label = QLabel()
        self.space_label.setObjectName("tuningSearchSpace")
        self.space_label.setWordWrap(True)
        self.trials_table = _table("tuningTable", "Trials of the search: hyperparameters and score")
        self.trials_table.setSortingEnabled(True)
        self.score_plot = make_plot("", "", "")
        self.score_plot.setMaximumHeight(PLOT_MAX_HEIGHT)
        self.score_plot.setObjectName("tuningScorePlot")
        self.score_plot.setAccessibleName("Score of every trial and the best so far")
        self.score_plot.getPlotItem().addLegend(offset=(-10, -10), labelTextColor="k")
        self.score_plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)  # 0.95, not 950 ×0.001
        self.score_card = self._card(tr_noop("Score per trial"), self.score_plot,
                                     tr_noop("Blue: each finished trial; orange: the best so far; "
                                             "star: the best trial; red lines: failed trials."))
        self.tuning_page = QWidget()
        self.tuning_page.setObjectName("tuningPage")
        column = QVBoxLayout(self.tuning_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.best_label)
        column.addWidget(self.space_label)
        column.addWidget(self.trials_table)
        column.addWidget(self.score_card)
        column.addStretch()

    # -- choosing and loading --------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self._list_on_show:
            self.refresh_list()

    def refresh_list(self) -> None:
        """Look for the shipped experiments (``root/*/compare.json|tuning.json``) on a worker thread."""
        self._list_on_show = False
        self._list_request = self.loader.load(find_experiments, self.root)

    def show_experiment(self, path: str | Path) -> None:
        """Read and show a compare.json or tuning.json (or a folder holding one); the result comes as a signal."""
        path = Path(path)
        self.message_label.setText(tr("Reading {path}…", path=str(path)))
        self.message_label.show()
        self._request = self.loader.load(load_experiment, path)
        self._update_buttons()

    def reload(self) -> None:
        """Read the shown experiment again (a running search rewrites its tuning.json)."""
        if self.experiment is not None:
            self.show_experiment(self.experiment.path)
        elif self.chooser.currentData():
            self.show_experiment(self.chooser.currentData())

    def open_dialog(self) -> None:
        settings = QSettings()
        start = str(settings.value("results/experiments_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, tr("Open an experiment"), start,
                                              tr("Experiments (compare.json tuning.json *.json);;All files (*)"))
        if not path:
            return
        settings.setValue("results/experiments_folder", str(Path(path).parent))
        self.show_experiment(path)

    def is_loading(self) -> bool:
        return self._request != 0 or self._list_request != 0

    def entries(self) -> list[Path]:
        """The files the chooser offers, in its order."""
        return [Path(self.chooser.itemData(i)) for i in range(self.chooser.count())]

    def message(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def _add_entry(self, path: Path) -> int:
        index = self.chooser.findData(str(path))
        if index < 0:
            self.chooser.addItem(entry_label(path), str(path))
            index = self.chooser.count() - 1
            self.chooser.setItemData(index, str(path), Qt.ItemDataRole.ToolTipRole)
        return index

    def _select_shown(self) -> None:
        if self.experiment is not None:
            self.chooser.setCurrentIndex(self.chooser.findData(str(self.experiment.path)))

    def _on_chosen(self, index: int) -> None:
        data = self.chooser.itemData(index)
        if data and (self.experiment is None or str(self.experiment.path) != data):
            self.show_experiment(data)

    def _on_loaded(self, request_id: int, result: Any) -> None:
        if request_id == self._list_request:
            self._list_request = 0
            self._on_listed(result)
        elif request_id == self._request:
            self._request = 0
            self.set_experiment(result)
            self.experiment_shown.emit(result)
        self._update_buttons()

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._list_request:
            self._list_request = 0
            self.message_label.setText(tr("The shipped experiments cannot be listed: {message}", message=message))
            self.message_label.show()
        elif request_id == self._request:
            self._request = 0
            text = tr("Could not open the experiment: {message}", message=message)
            if self.experiment is not None:
                text += "\n" + tr("Still showing {path}.", path=str(self.experiment.path))
            self.message_label.setText(text)
            self.message_label.show()
            self._select_shown()
            self.experiment_failed.emit(message)
        self._update_buttons()

    def _on_listed(self, paths: list[Path]) -> None:
        for path in paths:
            self._add_entry(Path(path))
        self._select_shown()
        self.listed.emit(list(paths))
        if self.experiment is None and self._request == 0:
            if paths:
                self.show_experiment(paths[0])
            else:
                self.message_label.setText(tr(
                    "No shipped experiments in {root}. Open a compare.json or tuning.json of your own "
                    "(python -m training compare … or python -m training tune … write them).", root=str(self.root)))
                self.message_label.show()

    def _update_buttons(self) -> None:
        self.reload_button.setEnabled(self._request == 0 and (self.experiment is not None
                                                               or bool(self.chooser.currentData())))

    # -- showing ---------------------------------------------------------------------------------
    def set_experiment(self, experiment: Experiment) -> None:
        """Show an experiment already checked by :func:`desktop.core.experiments.load_experiment`."""
        self.experiment = experiment
        self.message_label.hide()
        self._add_entry(experiment.path)
        self._select_shown()
        if experiment.kind == "compare":
            self._show_compare(experiment.data)
            page = self.compare_page
        else:
            self._show_tuning(experiment.data)
            page = self.tuning_page
        # A stack is as tall as its tallest page; let the hidden ones count for nothing.
        for i in range(self.stack.count()):
            self.stack.widget(i).setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred
                                               if self.stack.widget(i) is page else QSizePolicy.Policy.Ignored)
        self.stack.setCurrentWidget(page)

    def _info(self, data: dict[str, Any], first: str) -> None:
        parts = [first]
        if data.get("data"):
            parts.append(tr("Data: {data}", data=str(data["data"])))
        settings = data.get("settings") or {}
        if settings:
            parts.append(tr("Settings: {settings}", settings=", ".join(
                f"{key.replace('_', ' ')} {format_value(value)}" for key, value in settings.items())))
        made = " · ".join(str(data[key]) for key in ("created", "created_by") if data.get(key))
        if made:
            parts.append(tr("Written: {made}", made=made))
        parts.append(str(self.experiment.path) if self.experiment else "")
        self.info_label.setText("<br>".join(html.escape(p) for p in parts if p))

    def _show_compare(self, data: dict[str, Any]) -> None:
        rows = data["rows"]
        self._info(data, tr("Model comparison: {n} models", n=len(rows)))
        table = self.compare_table
        table.setSortingEnabled(False)
        table.clearContents()
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (key, _, kind) in enumerate(COMPARE_COLUMNS):
                if key == "title":
                    name = model_title(row)
                    item = SortItem(name, name.lower())
                    item.setToolTip(str(row["model"]))
                elif kind == "epochs":
                    text = _number(row.get("epochs"), "text")
                    if row.get("best_epoch") is not None:
                        text += f" ({row['best_epoch']})"
                    item = SortItem(text, _numeric_key(row.get("epochs")))
                else:
                    item = SortItem(_number(row.get(key), kind), _numeric_key(row.get(key)))
                if key != "title":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        fit_height(table, MAX_COMPARE_ROWS)
        self._plot_accuracy(rows)
        self._plot_times(rows)

    def _plot_accuracy(self, rows: list[dict[str, Any]]) -> None:
        item = self.accuracy_plot.getPlotItem()
        item.clear()
        sized = [row for row in rows if row.get("params") and row["params"] > 0]
        self.accuracy_card.setVisible(bool(sized))
        if not sized:
            return
        for key, name, brush, size in (("val_accuracy", tr("validation"), VAL_BRUSH, 8),
                                       ("test_accuracy", tr("test"), TEST_BRUSH, 11)):
            points = [(row["params"], row[key]) for row in sized if row.get(key) is not None]
            if points:
                item.plot([p for p, _ in points], [a for _, a in points], pen=None, symbol="o",
                          symbolSize=size, symbolBrush=brush, symbolPen=pg.mkPen("k"), name=name)
        for row in sized:
            accuracy = row.get("test_accuracy", row.get("val_accuracy"))
            if accuracy is None:
                continue
            label = pg.TextItem(model_title(row), color="k", anchor=(0.5, 1.2))
            label.setPos(math.log10(row["params"]), accuracy)  # the view's x is log10 in log mode
            item.addItem(label)
        item.setLabel("bottom", tr("parameters (log scale)"), color="k")
        item.setLabel("left", tr("accuracy"), color="k")
        item.setYRange(0, 1.08, padding=0)
        logs = [math.log10(row["params"]) for row in sized]
        low, high = min(logs) - 0.5, max(logs) + 0.5
        item.setXRange(low, high, padding=0)
        item.getAxis("bottom").setTicks(log_ticks(low, high))

    def _plot_times(self, rows: list[dict[str, Any]]) -> None:
        self.time_bars = {}
        names = [model_title(row) for row in rows]
        pairs = ((self.train_time_plot, "train_seconds", tr("training time (s)"), TIME_BRUSH),
                 (self.inference_plot, "inference_ms", tr("inference (ms per image)"), INFERENCE_BRUSH))
        for plot, key, label, brush in pairs:
            item = plot.getPlotItem()
            item.clear()
            values = [float(row[key]) if row.get(key) is not None else 0.0 for row in rows]
            if rows:
                bars = pg.BarGraphItem(x=np.arange(len(rows)), height=values, width=0.7, brush=brush,
                                       pen=pg.mkPen("k"))
                item.addItem(bars)
                self.time_bars[key] = bars
                item.setXRange(-0.6, len(rows) - 0.4, padding=0)
            item.getAxis("bottom").setTicks([list(enumerate(names))])
            item.setLabel("left", label, color="k")
            item.showGrid(x=False, y=True, alpha=0.2)
        self.time_card.setVisible(bool(rows))

    def _show_tuning(self, data: dict[str, Any]) -> None:
        trials = data["trials"]
        finished = sum(1 for t in trials if t.get("status") != "RUNNING")
        max_trials = data.get("max_trials")
        self._info(data, tr("{tuner} search, objective {objective} ({direction}): {done} of {total} trials finished",
                            tuner=str(data.get("tuner") or "?"), objective=str(data.get("objective") or "score"),
                            direction=data["direction"], done=finished,
                            total=int(max_trials) if max_trials is not None else len(trials)))
        self.best_id = best_trial_id(data)
        self._summarise_best(data)
        space = data.get("search_space") or []
        self.space_label.setText(tr("Search space: {space}", space="; ".join(self._space_text(s) for s in space))
                                 if space else "")
        self.space_label.setVisible(bool(space))
        self._fill_trials(data)
        self._plot_scores(data)

    @staticmethod
    def _space_text(entry: dict[str, Any]) -> str:
        name, kind = str(entry["name"]), str(entry.get("type") or "")
        if entry.get("values") is not None:
            choices = ", ".join(format_value(v) for v in entry["values"])
            return f"{name} ∈ {{{choices}}}"
        if entry.get("min") is not None and entry.get("max") is not None:
            text = f"{name} {format_value(entry['min'])}…{format_value(entry['max'])}"
            if entry.get("sampling") and entry["sampling"] != "linear":
                text += f" ({entry['sampling']})"
            return text
        return f"{name} ({kind})" if kind else name

    def _summarise_best(self, data: dict[str, Any]) -> None:
        best = data.get("best")
        trial = next((t for t in data["trials"] if str(t["trial_id"]) == self.best_id), None)
        objective = str(data.get("objective") or "score")
        if self.best_id is None:
            self.best_label.setText(tr("No trial has finished yet."))
            return
        source = best if best else trial or {}
        hyperparameters = source.get("hyperparameters") or (trial or {}).get("hyperparameters") or {}
        score = source.get("score", (trial or {}).get("score"))
        head = tr("Best trial {id}", id=self.best_id) if best else \
            tr("Best trial so far: {id} (the search has not finished)", id=self.best_id)
        lines = [f"<b>{html.escape(head)}</b>"]
        numbers = [f"{html.escape(objective)} {_number(score, 'score')}"]
        if best and best.get("test_accuracy") is not None:
            numbers.append(tr("test accuracy {value}", value=_number(best["test_accuracy"], "percent")))
        if best and best.get("test_top5") is not None:
            numbers.append(tr("test top-5 {value}", value=_number(best["test_top5"], "percent")))
        lines.append(html.escape(" · ".join(numbers)))
        if hyperparameters:
            lines.append(html.escape(", ".join(f"{k} = {format_value(v)}" for k, v in hyperparameters.items())))
        self.best_label.setText("<br>".join(lines))

    def _fill_trials(self, data: dict[str, Any]) -> None:
        names = hyperparameter_names(data)
        headers = [tr("Trial"), tr("Status")] + names + [str(data.get("objective") or tr("Score")),
                                                       tr("Seconds"), tr("Epochs")]
        table = self.trials_table
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(data["trials"]))
        bold = QFont()
        bold.setBold(True)
        for r, trial in enumerate(data["trials"]):
            values = trial.get("hyperparameters") or {}
            cells = [SortItem(str(trial["trial_id"]), str(trial["trial_id"])),
                     SortItem(str(trial.get("status") or ""), str(trial.get("status") or ""))]
            for name in names:
                value = values.get(name)
                cells.append(SortItem(format_value(value), _numeric_key(value)))
            cells += [SortItem(_number(trial.get("score"), "score"), _numeric_key(trial.get("score"))),
                      SortItem(_number(trial.get("seconds"), "seconds"), _numeric_key(trial.get("seconds"))),
                      SortItem(_number(trial.get("epochs"), "text"), _numeric_key(trial.get("epochs")))]
            best = str(trial["trial_id"]) == self.best_id
            for c, item in enumerate(cells):
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if best:
                    item.setBackground(QBrush(BEST_ROW_COLOUR))
                    item.setFont(bold)
                    item.setToolTip(tr("The best trial"))
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        fit_height(table, MAX_TRIAL_ROWS)

    def best_row(self) -> int | None:
        """The table row (as now sorted) of the best trial."""
        for r in range(self.trials_table.rowCount()):
            item = self.trials_table.item(r, 0)
            if item is not None and item.text() == self.best_id:
                return r
        return None

    def _plot_scores(self, data: dict[str, Any]) -> None:
        item = self.score_plot.getPlotItem()
        item.clear()
        self.score_items = {}
        scored = scored_trials(data)
        numbers = [n for n, _ in scored]
        scores = [float(t["score"]) for _, t in scored]
        if scored:
            self.score_items["trials"] = item.plot(numbers, scores, pen=None, symbol="o", symbolSize=9,
                                                   symbolBrush=TRIAL_BRUSH, symbolPen=pg.mkPen("k"),
                                                   name=tr("trial"))
            running = best_so_far(scores, data["direction"])
            # A step line: the best holds until a later trial beats it.
            step_x = [x for n in numbers for x in (n, n)][1:] + [numbers[-1] + 0.5]
            step_y = [y for b in running for y in (b, b)]
            self.score_items["best_so_far"] = item.plot(step_x, step_y, pen=BEST_SO_FAR_PEN, name=tr("best so far"))
            best = next(((n, float(t["score"])) for n, t in scored if str(t["trial_id"]) == self.best_id), None)
            if best is not None:
                self.score_items["best"] = item.plot([best[0]], [best[1]], pen=None, symbol="star", symbolSize=18,
                                                     symbolBrush=BEST_BRUSH, symbolPen=pg.mkPen("k"))
        for n, trial in enumerate(data["trials"], start=1):
            if trial.get("status") in ("FAILED", "INVALID"):
                item.addItem(pg.InfiniteLine(n, angle=90, pen=FAILED_PEN))
        total = max(len(data["trials"]), int(data.get("max_trials") or 0), 1)
        item.setXRange(0.5, total + 0.5, padding=0)
        item.getAxis("bottom").setTicks([[(n, str(n)) for n in range(1, total + 1)]] if total <= 30 else None)
        item.setLabel("bottom", tr("trial"), color="k")
        item.setLabel("left", str(data.get("objective") or tr("score")), color="k")
        self.score_card.setVisible(bool(data["trials"]))

    # -- export ----------------------------------------------------------------------------------
    def cards(self) -> list[PlotCard]:
        if self.experiment is None:
            return []
        if self.experiment.kind == "compare":
            return [card for card in (self.accuracy_card, self.time_card) if not card.isHidden()]
        return [self.score_card] if not self.score_card.isHidden() else []

    def export_plots(self, folder: str | Path) -> list[Path]:
        """The shown experiment's charts as PNG in ``folder`` (nothing while none is shown)."""
        cards = self.cards()
        if not cards:
            return []
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return [card.export_png(folder / f"{card.name}.png") for card in cards]

    def shutdown(self) -> None:
        self.loader.wait()
