"""The report's calibration section: a reliability diagram before and after temperature scaling.

Each bar is one confidence bin: how often the model was right among the answers it gave with that
confidence. On the dashed diagonal the shown percentage means what it says; bars below it are
over-confidence. The figures come from the report's ``calibration`` section
(docs/model-contract.md), measured on writers the model never saw.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.results.plot_card import make_plot

BEFORE_BRUSH = pg.mkBrush(214, 39, 40, 170)
AFTER_BRUSH = pg.mkBrush(31, 119, 180, 200)
DIAGONAL_PEN = pg.mkPen((90, 90, 90), width=2, style=Qt.PenStyle.DashLine)
#: Which measured set the diagram shows, best first: writers unlike the training ones, then the
#: set T was fitted on.
SHOWN_SETS = ("held_out_writers", "calibration")
SET_NAMES = {"held_out_writers": tr_noop("held-out writers"), "calibration": tr_noop("calibration writers")}


def shown_set(section: dict[str, Any]) -> str | None:
    """The key of the set the diagram draws (None when the section has no figures)."""
    sets = section.get("sets") or {}
    return next((key for key in SHOWN_SETS if key in sets), next(iter(sets), None))


def _percent(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1%}"


def calibration_summary(section: dict[str, Any]) -> str:
    """One line per measured set: T, then ECE and mean confidence when wrong, before → after."""
    lines = [tr("Temperature T = {t:.2f}: the app divides the scores by T before the softmax.",
                t=float(section.get("temperature", 1.0)))]
    if section.get("rule") == "softened":  # training.calibrate.choose_temperature
        lines.append(tr("T was raised from {fit:.2f}, the best fit, until the calibration writers' wrong answers "
                        "were shown at {limit:.0%} or less on average: a bar may stand a little above the "
                        "diagonal, the model saying less than it knows.",
                        fit=float(section.get("likelihood_temperature", 1.0)),
                        limit=float(section.get("wrong_limit", 0.6))))
    for key, figures in (section.get("sets") or {}).items():
        before, after = figures.get("before") or {}, figures.get("after") or {}
        lines.append(tr("{set} ({n:,} images): calibration error {ece_before} → {ece_after}, "
                        "mean confidence when wrong {wrong_before} → {wrong_after}, top-1 {accuracy}",
                        set=tr(SET_NAMES.get(key, key)), n=int(after.get("n", 0)),
                        ece_before=_percent(before.get("ece")), ece_after=_percent(after.get("ece")),
                        wrong_before=_percent(before.get("mean_confidence_wrong")),
                        wrong_after=_percent(after.get("mean_confidence_wrong")),
                        accuracy=_percent(after.get("accuracy"))))
    return "\n".join(lines)


def reliability_bars(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(lower, upper, accuracy)`` of the bins that hold answers (empty bins draw nothing)."""
    kept = [row for row in rows if row.get("count") and row.get("accuracy") is not None]
    return (np.array([float(r["lower"]) for r in kept]), np.array([float(r["upper"]) for r in kept]),
            np.array([float(r["accuracy"]) for r in kept]))


class ReliabilityDiagram(QWidget):
    """Two reliability diagrams (as trained, calibrated) side by side, with the figures above them."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reliabilityDiagram")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("calibrationSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setFont(cjk_font())
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.before_plot = make_plot(tr_noop("Before calibration"), tr_noop("confidence"), tr_noop("accuracy"))
        self.before_plot.setObjectName("reliabilityBefore")
        self.before_plot.setAccessibleName("Reliability diagram before calibration")
        self.after_plot = make_plot(tr_noop("After calibration"), tr_noop("confidence"), tr_noop("accuracy"))
        self.after_plot.setObjectName("reliabilityAfter")
        self.after_plot.setAccessibleName("Reliability diagram after calibration")
        self.bars: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self.before_plot)
        plots.addWidget(self.after_plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addLayout(plots)

    def set_calibration(self, section: dict[str, Any]) -> None:
        """Draw the report's ``calibration`` section (its held-out-writer set when it has one)."""
        self.summary_label.setText(calibration_summary(section))
        key = shown_set(section)
        figures = (section.get("sets") or {}).get(key) or {}
        for plot, when, brush in ((self.before_plot, "before", BEFORE_BRUSH), (self.after_plot, "after", AFTER_BRUSH)):
            rows = (figures.get(when) or {}).get("reliability") or []
            self.bars[when] = reliability_bars(rows)
            self._draw(plot, self.bars[when], brush)

    @staticmethod
    def _draw(plot: pg.PlotWidget, bars: tuple[np.ndarray, np.ndarray, np.ndarray], brush) -> None:
        item = plot.getPlotItem()
        item.clear()
        lower, upper, accuracy = bars
        if len(accuracy):
            item.addItem(pg.BarGraphItem(x0=lower, x1=upper, height=accuracy, brush=brush, pen=pg.mkPen("k")))
        item.addItem(pg.PlotDataItem([0.0, 1.0], [0.0, 1.0], pen=DIAGONAL_PEN))
        item.setXRange(0.0, 1.0, padding=0.02)
        item.setYRange(0.0, 1.0, padding=0.02)
