"""Bar charts: confidence histograms and per-class accuracy (with CJK class labels)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from desktop.ui.i18n import tr, tr_noop
from desktop.ui.results.plot_card import make_plot

CORRECT_BRUSH = pg.mkBrush(44, 160, 44, 200)
WRONG_BRUSH = pg.mkBrush(214, 39, 40, 200)
ACCURACY_BRUSH = pg.mkBrush(31, 119, 180, 200)
#: How many classes the "least legible characters" chart shows.
LEAST_LEGIBLE = 10


class ConfidenceHistograms(QWidget):
    """How sure the model was (top probability) when it was right, and when it was wrong."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("confidenceHistograms")
        self.correct_plot = make_plot(tr_noop("When correct"), tr_noop("confidence"), tr_noop("images"))
        self.correct_plot.setObjectName("confidenceCorrect")
        self.correct_plot.setAccessibleName("Confidence histogram of correct predictions")
        self.wrong_plot = make_plot(tr_noop("When wrong"), tr_noop("confidence"), tr_noop("images"))
        self.wrong_plot.setObjectName("confidenceWrong")
        self.wrong_plot.setAccessibleName("Confidence histogram of wrong predictions")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.correct_plot)
        layout.addWidget(self.wrong_plot)

    def set_confidence(self, confidence: dict[str, Any]) -> None:
        bins = np.asarray(confidence.get("bins") or np.linspace(0, 1, 11), dtype=float)
        pairs = ((self.correct_plot, "correct", CORRECT_BRUSH), (self.wrong_plot, "wrong", WRONG_BRUSH))
        for plot, key, brush in pairs:
            item = plot.getPlotItem()
            item.clear()
            counts = np.asarray(confidence.get(key) or [0] * (len(bins) - 1), dtype=float)
            item.addItem(pg.BarGraphItem(x0=bins[:-1], x1=bins[1:], height=counts, brush=brush, pen=pg.mkPen("k")))
            total = int(counts.sum())
            title = tr("When correct ({n:,} images)") if key == "correct" else tr("When wrong ({n:,} images)")
            item.setTitle(title.format(n=total), color="k")
            item.setXRange(float(bins[0]), float(bins[-1]), padding=0.02)


class ClassBarChart(QWidget):
    """Accuracy per class as bars, labelled with the characters."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.plot = make_plot(title, "", tr_noop("accuracy"))  # title: an English source
        self.plot.setObjectName(f"{name}Plot")
        self.plot.setAccessibleName(title)
        self.plot.getPlotItem().showGrid(x=False, y=True, alpha=0.2)
        self.classes: list[str] = []
        self.values: list[float] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_values(self, pairs: list[tuple[str, float]]) -> None:
        self.classes = [name for name, _ in pairs]
        self.values = [value for _, value in pairs]
        item = self.plot.getPlotItem()
        item.clear()
        x = np.arange(len(pairs))
        item.addItem(pg.BarGraphItem(x=x, height=self.values, width=0.8, brush=ACCURACY_BRUSH, pen=pg.mkPen("k")))
        item.getAxis("bottom").setTicks([[(i, name) for i, name in enumerate(self.classes)]])
        item.setYRange(0, 1.0, padding=0.02)
        item.setXRange(-0.6, max(0.6, len(pairs) - 0.4), padding=0)


def sorted_accuracy(per_class: dict[str, float | None]) -> list[tuple[str, float]]:
    """Classes with test images, least accurate first (ties by name, so the order is stable)."""
    pairs = [(name, float(value)) for name, value in per_class.items() if value is not None]
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))
