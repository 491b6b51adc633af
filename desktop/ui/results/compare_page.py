"""The Experiments tab's page for a model comparison (``compare.json``): a table and two charts.

The table sorts by any column; the charts show accuracy against size (parameters on a log axis)
and the training and inference time of each model.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from desktop.ui.i18n import tr, tr_noop, translated_headers
from desktop.ui.results.experiment_widgets import (
    SortItem,
    chart,
    fit_height,
    log_ticks,
    make_table,
    note_card,
    number_item,
    number_text,
    sort_key,
)
from desktop.ui.results.plot_card import PlotCard

TEST_BRUSH = pg.mkBrush(31, 119, 180, 220)
VAL_BRUSH = pg.mkBrush(255, 127, 14, 200)
TIME_BRUSH = pg.mkBrush(44, 160, 44, 200)
INFERENCE_BRUSH = pg.mkBrush(148, 103, 189, 200)
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
#: Beyond these many rows the table scrolls instead of growing.
MAX_COMPARE_ROWS = 12
#: The titles ``python -m training compare`` gives its models (training's classic_networks.TITLES): shown translated.
MODEL_TITLES = (tr_noop("Logistic regression (course)"), tr_noop("CNN (course)"), tr_noop("LeNet-5 (1998)"),
                tr_noop("AlexNet (2012, scaled down)"), tr_noop("Inception (GoogLeNet-style, 2014)"),
                tr_noop("ResNet (2015, small)"))


def model_title(row: dict[str, Any]) -> str:
    """A comparison row's title in the interface language; titles of other models stay as written."""
    title = str(row.get("title") or row["model"])
    return tr(title) if title in MODEL_TITLES else title


def headline(data: dict[str, Any]) -> str:
    return tr("Model comparison: {n} models", n=len(data["rows"]))


def _cell(row: dict[str, Any], key: str, kind: str) -> SortItem:
    if key == "title":
        name = model_title(row)
        item = SortItem(name, name.lower())
        item.setToolTip(str(row["model"]))
        return item
    if kind == "epochs":
        text = number_text(row.get("epochs"), "text")
        if row.get("best_epoch") is not None:
            text += f" ({row['best_epoch']})"
        item = SortItem(text, sort_key(row.get("epochs")))
    else:
        item = number_item(row.get(key), kind)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ComparePage(QWidget):
    """The comparison table above the accuracy chart and the time charts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("comparePage")
        self.table = make_table("compareTable", "Models compared: size, time and accuracy")
        self.table.setColumnCount(len(COMPARE_COLUMNS))
        translated_headers(self.table, [title for _, title, _ in COMPARE_COLUMNS])
        self.accuracy_plot = chart("compareAccuracyPlot", "Accuracy against number of parameters")
        self.accuracy_plot.getPlotItem().setLogMode(x=True, y=False)
        self.accuracy_plot.getPlotItem().addLegend(offset=(-10, -10), labelTextColor="k")
        self.accuracy_card = note_card(tr_noop("Accuracy against size"), self.accuracy_plot,
                                       tr_noop("Each point is a model; the x axis (parameters) is logarithmic."))
        self.train_time_plot = chart("compareTrainTimePlot", "Training time per model")
        self.inference_plot = chart("compareInferencePlot", "Inference time per image and model")
        times = QWidget()
        times_row = QHBoxLayout(times)
        times_row.setContentsMargins(0, 0, 0, 0)
        times_row.addWidget(self.train_time_plot)
        times_row.addWidget(self.inference_plot)
        self.time_card = note_card(tr_noop("Training and inference time"), times)
        self.time_bars: dict[str, pg.BarGraphItem] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.table, self.accuracy_card, self.time_card):
            column.addWidget(widget)
        column.addStretch()

    def show_comparison(self, data: dict[str, Any]) -> None:
        rows = data["rows"]
        table = self.table
        table.setSortingEnabled(False)
        table.clearContents()
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (key, _, kind) in enumerate(COMPARE_COLUMNS):
                table.setItem(r, c, _cell(row, key, kind))
        table.setSortingEnabled(True)
        fit_height(table, MAX_COMPARE_ROWS)
        self._plot_accuracy(rows)
        self._plot_times(rows)

    def cards(self) -> list[PlotCard]:
        """The charts shown (a comparison without sizes or times has none of that kind)."""
        return [card for card in (self.accuracy_card, self.time_card) if not card.isHidden()]

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
