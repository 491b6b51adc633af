"""The Experiments tab's page for a hyperparameter search (``tuning.json``).

The best trial (so far, while the search runs), the search space, every trial in a sortable table
with the best row marked, and the score of each trial against the best so far.
"""

from __future__ import annotations

import html
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.core.experiments import best_so_far, best_trial_id, format_value, hyperparameter_names, scored_trials
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.results.experiment_widgets import (
    SortItem,
    chart,
    fit_height,
    make_table,
    note_card,
    number_item,
    number_text,
    sort_key,
)
from desktop.ui.results.plot_card import PlotCard

BEST_ROW_COLOUR = QColor("#fff2b3")
TRIAL_BRUSH = pg.mkBrush(31, 119, 180, 220)
BEST_BRUSH = pg.mkBrush(255, 200, 0, 255)
BEST_SO_FAR_PEN = pg.mkPen((255, 127, 14), width=2)
FAILED_PEN = pg.mkPen((214, 39, 40, 90), width=1)
#: Beyond these many rows the table scrolls instead of growing.
MAX_TRIAL_ROWS = 15
#: Up to this many trials every one is numbered on the chart's axis.
MAX_NUMBERED_TRIALS = 30


def headline(data: dict[str, Any]) -> str:
    trials = data["trials"]
    finished = sum(1 for t in trials if t.get("status") != "RUNNING")
    max_trials = data.get("max_trials")
    return tr("{tuner} search, objective {objective} ({direction}): {done} of {total} trials finished",
              tuner=str(data.get("tuner") or "?"), objective=str(data.get("objective") or "score"),
              direction=data["direction"], done=finished,
              total=int(max_trials) if max_trials is not None else len(trials))


def space_text(entry: dict[str, Any]) -> str:
    """One hyperparameter of the search space: its choices or its range."""
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


def best_summary(data: dict[str, Any], best_id: str | None) -> str:
    """The best trial's id, score and hyperparameters, as rich text."""
    if best_id is None:
        return tr("No trial has finished yet.")
    best = data.get("best")
    trial = next((t for t in data["trials"] if str(t["trial_id"]) == best_id), None)
    objective = str(data.get("objective") or "score")
    source = best if best else trial or {}
    hyperparameters = source.get("hyperparameters") or (trial or {}).get("hyperparameters") or {}
    score = source.get("score", (trial or {}).get("score"))
    head = tr("Best trial {id}", id=best_id) if best else \
        tr("Best trial so far: {id} (the search has not finished)", id=best_id)
    lines = [f"<b>{html.escape(head)}</b>"]
    numbers = [f"{html.escape(objective)} {number_text(score, 'score')}"]
    if best and best.get("test_accuracy") is not None:
        numbers.append(tr("test accuracy {value}", value=number_text(best["test_accuracy"], "percent")))
    if best and best.get("test_top5") is not None:
        numbers.append(tr("test top-5 {value}", value=number_text(best["test_top5"], "percent")))
    lines.append(html.escape(" · ".join(numbers)))
    if hyperparameters:
        lines.append(html.escape(", ".join(f"{k} = {format_value(v)}" for k, v in hyperparameters.items())))
    return "<br>".join(lines)


def _trial_cells(trial: dict[str, Any], names: list[str]) -> list[SortItem]:
    values = trial.get("hyperparameters") or {}
    status = str(trial.get("status") or "")
    cells = [SortItem(str(trial["trial_id"]), str(trial["trial_id"])), SortItem(status, status)]
    cells += [SortItem(format_value(values.get(name)), sort_key(values.get(name))) for name in names]
    cells += [number_item(trial.get("score"), "score"), number_item(trial.get("seconds"), "seconds"),
              number_item(trial.get("epochs"), "text")]
    for item in cells[2:]:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return cells


class TuningPage(QWidget):
    """The best trial, the search space, the trials table and the score chart of one search."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tuningPage")
        self.best_id: str | None = None
        self.score_items: dict[str, Any] = {}
        self.best_label = QLabel()
        self.best_label.setObjectName("tuningBestSummary")
        self.best_label.setWordWrap(True)
        self.best_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.best_label.setStyleSheet("QLabel { background: #fff8d6; border: 1px solid #e0c860; padding: 6px; }")
        self.space_label = QLabel()
        self.space_label.setObjectName("tuningSearchSpace")
        self.space_label.setWordWrap(True)
        self.table = make_table("tuningTable", "Trials of the search: hyperparameters and score")
        self.score_plot = chart("tuningScorePlot", "Score of every trial and the best so far")
        self.score_plot.getPlotItem().addLegend(offset=(-10, -10), labelTextColor="k")
        self.score_plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)  # 0.95, not 950 ×0.001
        self.score_card = note_card(tr_noop("Score per trial"), self.score_plot,
                                    tr_noop("Blue: each finished trial; orange: the best so far; "
                                            "star: the best trial; red lines: failed trials."))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.best_label, self.space_label, self.table, self.score_card):
            column.addWidget(widget)
        column.addStretch()

    def show_search(self, data: dict[str, Any]) -> None:
        self.best_id = best_trial_id(data)
        self.best_label.setText(best_summary(data, self.best_id))
        space = data.get("search_space") or []
        self.space_label.setText(tr("Search space: {space}", space="; ".join(space_text(s) for s in space))
                                 if space else "")
        self.space_label.setVisible(bool(space))
        self._fill_trials(data)
        self._plot_scores(data)

    def cards(self) -> list[PlotCard]:
        return [self.score_card] if not self.score_card.isHidden() else []

    def best_row(self) -> int | None:
        """The table row (as now sorted) of the best trial."""
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.text() == self.best_id:
                return r
        return None

    def _fill_trials(self, data: dict[str, Any]) -> None:
        names = hyperparameter_names(data)
        headers = [tr("Trial"), tr("Status")] + names + [str(data.get("objective") or tr("Score")),
                                                       tr("Seconds"), tr("Epochs")]
        table = self.table
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(data["trials"]))
        bold = QFont()
        bold.setBold(True)
        for r, trial in enumerate(data["trials"]):
            best = str(trial["trial_id"]) == self.best_id
            for c, item in enumerate(_trial_cells(trial, names)):
                if best:
                    item.setBackground(QBrush(BEST_ROW_COLOUR))
                    item.setFont(bold)
                    item.setToolTip(tr("The best trial"))
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        fit_height(table, MAX_TRIAL_ROWS)

    def _plot_scores(self, data: dict[str, Any]) -> None:
        item = self.score_plot.getPlotItem()
        item.clear()
        self.score_items = {}
        scored = scored_trials(data)
        if scored:
            self._plot_scored(item, scored, data["direction"])
        for n, trial in enumerate(data["trials"], start=1):
            if trial.get("status") in ("FAILED", "INVALID"):
                item.addItem(pg.InfiniteLine(n, angle=90, pen=FAILED_PEN))
        total = max(len(data["trials"]), int(data.get("max_trials") or 0), 1)
        item.setXRange(0.5, total + 0.5, padding=0)
        item.getAxis("bottom").setTicks([[(n, str(n)) for n in range(1, total + 1)]]
                                        if total <= MAX_NUMBERED_TRIALS else None)
        item.setLabel("bottom", tr("trial"), color="k")
        item.setLabel("left", str(data.get("objective") or tr("score")), color="k")
        self.score_card.setVisible(bool(data["trials"]))

    def _plot_scored(self, item: pg.PlotItem, scored: list[tuple[int, dict[str, Any]]], direction: str) -> None:
        """Each scored trial, the best so far as a step line, and a star on the best."""
        numbers = [n for n, _ in scored]
        scores = [float(t["score"]) for _, t in scored]
        self.score_items["trials"] = item.plot(numbers, scores, pen=None, symbol="o", symbolSize=9,
                                               symbolBrush=TRIAL_BRUSH, symbolPen=pg.mkPen("k"), name=tr("trial"))
        running = best_so_far(scores, direction)
        # A step line: the best holds until a later trial beats it.
        step_x = [x for n in numbers for x in (n, n)][1:] + [numbers[-1] + 0.5]
        step_y = [y for b in running for y in (b, b)]
        self.score_items["best_so_far"] = item.plot(step_x, step_y, pen=BEST_SO_FAR_PEN, name=tr("best so far"))
        best = next(((n, float(t["score"])) for n, t in scored if str(t["trial_id"]) == self.best_id), None)
        if best is not None:
            self.score_items["best"] = item.plot([best[0]], [best[1]], pen=None, symbol="star", symbolSize=18,
                                                 symbolBrush=BEST_BRUSH, symbolPen=pg.mkPen("k"))
