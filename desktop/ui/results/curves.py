"""Loss, accuracy and top-5 per epoch, training against validation, with the kept epoch marked."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from desktop.ui.i18n import tr, tr_noop
from desktop.ui.results.plot_card import make_plot

TRAIN_PEN = pg.mkPen((31, 119, 180), width=2)
VALIDATION_PEN = pg.mkPen((255, 127, 14), width=2)
BEST_PEN = pg.mkPen((44, 160, 44), width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine)
#: (history key, title) of each chart; validation is ``val_`` + key.
METRICS = (("loss", tr_noop("Loss")), ("accuracy", tr_noop("Accuracy")), ("top5", tr_noop("Top-5 accuracy")))


def has_curves(report: dict[str, Any]) -> bool:
    history = report.get("history") or {}
    return any(history.get(key) for key, _ in METRICS)


class TrainingCurves(QWidget):
    """Three charts side by side; the dashed green line is the early-stopping (best) epoch."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainingCurves")
        self.plots: dict[str, pg.PlotWidget] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for key, title in METRICS:
            plot = make_plot(title, tr_noop("epoch"))
            plot.setObjectName(f"curve_{key}")
            plot.setAccessibleName(f"{title} per epoch")
            plot.getPlotItem().addLegend(offset=(-10, 10), labelTextColor="k")
            self.plots[key] = plot
            layout.addWidget(plot)
        self.best_lines: list[pg.InfiniteLine] = []

    def set_history(self, history: dict[str, list[float]], best_epoch: int | None) -> None:
        self.best_lines = []
        for key, plot in self.plots.items():
            item = plot.getPlotItem()
            item.clear()
            train, validation = history.get(key) or [], history.get(f"val_{key}") or []
            if train:
                item.plot(range(1, len(train) + 1), train, pen=TRAIN_PEN, name=tr("training"))
            if validation:
                item.plot(range(1, len(validation) + 1), validation, pen=VALIDATION_PEN, name=tr("validation"))
            if best_epoch:
                line = pg.InfiniteLine(best_epoch, angle=90, pen=BEST_PEN,
                                       label=tr("best epoch {n}", n=best_epoch), labelOpts={"color": (44, 120, 44),
                                                                                    "position": 0.5})
                item.addItem(line)
                self.best_lines.append(line)
            plot.setVisible(bool(train or validation))
