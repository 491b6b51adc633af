"""Loss, accuracy and top-5 per epoch, training against validation, with the kept epoch marked."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.ui.i18n import tr, tr_noop, translated
from desktop.ui.results.plot_card import make_plot

TRAIN_PEN = pg.mkPen((31, 119, 180), width=2)
VALIDATION_PEN = pg.mkPen((255, 127, 14), width=2)
BEST_PEN = pg.mkPen((44, 160, 44), width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine)
#: (history key, title) of each chart; validation is ``val_`` + key.
METRICS = (("loss", tr_noop("Loss")), ("accuracy", tr_noop("Accuracy")), ("top5", tr_noop("Top-5 accuracy")))
#: (name, pen, text) of each kind of line, in the legend's order.
LINES = (("training", TRAIN_PEN, tr_noop("training")), ("validation", VALIDATION_PEN, tr_noop("validation")))
SWATCH_EMS = 2  # a legend line's length, in widths of "M"


def has_curves(report: dict[str, Any]) -> bool:
    history = report.get("history") or {}
    return any(history.get(key) for key, _ in METRICS)


class CurveLegend(QWidget):
    """What the lines mean, once above all the charts: widgets of the layout, so no chart, however
    narrow, can cut a word (a legend drawn inside a chart is clipped by the chart's edges)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("curveLegend")
        self.swatches: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for name, _pen, text in LINES:
            swatch = QLabel()
            swatch.setObjectName(f"legendSwatch_{name}")
            label = QLabel()
            label.setObjectName(f"legendText_{name}")
            translated(label.setText, text, owner=label)
            layout.addWidget(swatch)
            layout.addWidget(label)
            layout.addSpacing(12)
            self.swatches[name], self.labels[name] = swatch, label
        layout.addStretch(1)
        self._draw_swatches()

    def show_lines(self, names: set[str]) -> None:
        """Only the kinds of line some chart draws."""
        for name in self.labels:
            self.swatches[name].setVisible(name in names)
            self.labels[name].setVisible(name in names)

    def _draw_swatches(self) -> None:
        metrics = self.fontMetrics()
        width, height = metrics.horizontalAdvance("M") * SWATCH_EMS, metrics.height()
        for name, pen, _text in LINES:
            pixmap = QPixmap(width, height)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(pen)
            painter.drawLine(QPointF(1, height / 2), QPointF(width - 1, height / 2))
            painter.end()
            self.swatches[name].setPixmap(pixmap)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FontChange:  # the zoom: longer lines for larger words
            self._draw_swatches()
        super().changeEvent(event)


class TrainingCurves(QWidget):
    """Three charts side by side under one legend; the dashed green line is the early-stopping
    (best) epoch."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainingCurves")
        self.plots: dict[str, pg.PlotWidget] = {}
        self.legend = CurveLegend()
        charts = QHBoxLayout()
        charts.setContentsMargins(0, 0, 0, 0)
        for key, title in METRICS:
            plot = make_plot(title, tr_noop("epoch"))
            plot.setObjectName(f"curve_{key}")
            plot.setAccessibleName(f"{title} per epoch")
            self.plots[key] = plot
            charts.addWidget(plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addLayout(charts)
        self.best_lines: list[pg.InfiniteLine] = []

    def set_history(self, history: dict[str, list[float]], best_epoch: int | None) -> None:
        self.best_lines = []
        drawn: set[str] = set()
        for key, plot in self.plots.items():
            item = plot.getPlotItem()
            item.clear()
            train, validation = history.get(key) or [], history.get(f"val_{key}") or []
            if train:
                item.plot(range(1, len(train) + 1), train, pen=TRAIN_PEN, name=tr("training"))
                drawn.add("training")
            if validation:
                item.plot(range(1, len(validation) + 1), validation, pen=VALIDATION_PEN, name=tr("validation"))
                drawn.add("validation")
            if best_epoch:
                line = pg.InfiniteLine(best_epoch, angle=90, pen=BEST_PEN,
                                       label=tr("best epoch {n}", n=best_epoch), labelOpts={"color": (44, 120, 44),
                                                                                    "position": 0.5})
                item.addItem(line)
                self.best_lines.append(line)
            plot.setVisible(bool(train or validation))
        self.legend.show_lines(drawn)
        self.legend.setVisible(bool(drawn))
