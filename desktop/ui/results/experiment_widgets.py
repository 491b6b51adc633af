"""The pieces both pages of the Experiments tab are made of: sortable cells, tables, log ticks, cards.

A comparison and a search both show a sortable table of numbers and charts of those numbers;
the cells format a value for reading and keep it as a number for sorting.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from desktop.ui.i18n import translated
from desktop.ui.results.plot_card import PlotCard, make_plot

#: Charts stop growing here: a tall window shows more rows of the tables, not taller charts.
PLOT_MAX_HEIGHT = 420


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


def number_text(value: Any, kind: str) -> str:
    """``value`` written for a cell of ``kind`` ("count", "percent", "seconds", "ms", "score" or "text")."""
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


def sort_key(value: Any) -> Any:
    """What a cell sorts by: numbers as numbers, anything else as text, nothing as None."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else \
        (None if value is None else str(value))


def number_item(value: Any, kind: str) -> SortItem:
    return SortItem(number_text(value, kind), sort_key(value))


def make_table(name: str, accessible: str) -> QTableWidget:
    """A read-only table of whole rows, sortable by its header."""
    table = QTableWidget(0, 0)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSortingEnabled(True)
    return table


def fit_height(table: QTableWidget, max_rows: int) -> None:
    """As tall as its rows (at most ``max_rows`` of them; it scrolls beyond), so pages do not leave gaps."""
    rows = min(table.rowCount(), max_rows)
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(rows))
    if table.horizontalScrollBar().isVisible() or table.horizontalHeader().length() > table.viewport().width():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(max(height + 2 * table.frameWidth() + 4, 80))


def chart(name: str, accessible: str) -> pg.PlotWidget:
    plot = make_plot("", "", "")
    plot.setMaximumHeight(PLOT_MAX_HEIGHT)
    plot.setObjectName(name)
    plot.setAccessibleName(accessible)
    return plot


def note_card(title: str, content: QWidget, note: str = "") -> PlotCard:
    """``title`` and ``note`` are English sources marked with ``tr_noop`` by the caller."""
    card = PlotCard(title, content)
    if note:
        translated(card.note.setText, note, owner=card.note)
    return card


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
