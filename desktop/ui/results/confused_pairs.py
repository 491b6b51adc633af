"""The confusion of a model with thousands of classes: the most confused pairs and a per-class table.

A 3,755² matrix cannot be read on a screen (and would cost a widget the size of a wall), so a
large model's report carries its most confused pairs and one row per class instead
(``desktop.core.confusion``). Both are shown here in table views over models: the views draw the
rows on screen only, so 3,755 classes cost no more widgets than 55. Clicking a pair (or a class
row, for its most common wrong answer) emits :attr:`LargeConfusionView.pair_chosen`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.confusion import ClassTable
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import notifier, tr, tr_noop, translated

#: How many of the report's most confused pairs the list shows.
SHOWN_PAIRS = 50
#: The number a view sorts by (the shown text of a percentage would sort "9 %" above "10 %").
SORT_ROLE = Qt.ItemDataRole.UserRole
#: A column's share of its bar (0..1), for :class:`ShareBarDelegate`.
BAR_ROLE = Qt.ItemDataRole.UserRole + 1
BAR_COLOUR = QColor(214, 39, 40, 90)
PAIR_HEADERS = (tr_noop("True"), tr_noop("Read as"), tr_noop("Images"), tr_noop("Share of its images"))
CLASS_HEADERS = (tr_noop("Character"), tr_noop("Images"), tr_noop("Accuracy"), tr_noop("Most often read as"),
                 tr_noop("Times"))


def _percent(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.0%}"


class _TranslatedHeaders(QAbstractTableModel):
    """Column titles shown through ``tr`` and refreshed after a language switch."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        notifier().language_changed.connect(self._retranslate)

    def _retranslate(self, _code: str = "") -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt API)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.HEADERS[section])
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None


class ConfusedPairsModel(_TranslatedHeaders):
    """The report's most confused pairs, most images first: true, read as, images, share."""

    HEADERS = PAIR_HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pairs: list[dict[str, Any]] = []

    def set_pairs(self, pairs: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.pairs = list(pairs[:SHOWN_PAIRS])
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.pairs)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        pair, column = self.pairs[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (pair.get("true", "?"), pair.get("predicted", "?"), f"{pair['count']:,}",
                    _percent(float(pair.get("share", np.nan))))[column]
        if role == BAR_ROLE and column == 3:
            return float(pair.get("share", 0.0))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter if column < 2 else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


class ClassTableModel(_TranslatedHeaders):
    """One row per class: character, images, accuracy, most common wrong answer and how often.

    Sorting and filtering are done here with numpy on the table's arrays (a proxy model would ask
    ``data`` for every comparison: tens of thousands of Python calls at 3,755 rows).
    """

    HEADERS = CLASS_HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: ClassTable | None = None
        self._accuracy = np.zeros(0)
        self._order = np.zeros(0, dtype=np.int64)  # every class, in the sorted order
        self._rows = np.zeros(0, dtype=np.int64)  # the shown ones (filtered), in that order
        self._filter = ""
        self._sort = (2, Qt.SortOrder.AscendingOrder)

    def set_table(self, table: ClassTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._accuracy = table.accuracy() if table is not None else np.zeros(0)
        self._filter = ""
        self._arrange()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def class_index(self, row: int) -> int:
        """The class (index into the report's ``class_names``) shown in ``row``."""
        return int(self._rows[row])

    def wrong_answer(self, row: int) -> int:
        """Index of the class shown in ``row`` is most often read as; -1 when it never was misread."""
        return int(self.table.top_wrong[self._rows[row]]) if self.table is not None else -1

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._arrange()
        self.layoutChanged.emit()

    def set_filter(self, text: str) -> None:
        """Show only the classes whose character contains ``text`` (all when empty)."""
        self.beginResetModel()
        self._filter = text
        self._arrange()
        self.endResetModel()

    def _sort_key(self, column: int) -> np.ndarray:
        table = self.table
        if column == 0:
            return np.asarray(table.names)
        if column == 3:
            return np.asarray([table.names[w] if w >= 0 else "" for w in table.top_wrong.tolist()])
        return {1: table.n, 2: np.nan_to_num(self._accuracy, nan=-1.0), 4: table.top_wrong_count}[column]

    def _arrange(self) -> None:
        if self.table is None:
            self._order = self._rows = np.zeros(0, dtype=np.int64)
            return
        column, order = self._sort
        self._order = np.argsort(self._sort_key(column), kind="stable")
        if order == Qt.SortOrder.DescendingOrder:
            self._order = self._order[::-1]
        if self._filter:
            keep = np.fromiter((self._filter in name for name in self.table.names), bool, len(self.table))
            self._rows = self._order[keep[self._order]]
        else:
            self._rows = self._order

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.table is None:
            return None
        row, column, table = int(self._rows[index.row()]), index.column(), self.table
        wrong = int(table.top_wrong[row])
        if role == Qt.ItemDataRole.DisplayRole:
            return (table.names[row], f"{table.n[row]:,}", _percent(self._accuracy[row]),
                    table.names[wrong] if wrong >= 0 else "", f"{table.top_wrong_count[row]:,}" if wrong >= 0 else "")[column]
        if role == SORT_ROLE:
            accuracy = self._accuracy[row]
            return (table.names[row], int(table.n[row]), -1.0 if np.isnan(accuracy) else float(accuracy),
                    table.names[wrong] if wrong >= 0 else "", int(table.top_wrong_count[row]))[column]
        if role == BAR_ROLE and column == 2:
            return 0.0 if np.isnan(self._accuracy[row]) else float(self._accuracy[row])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter if column in (0, 3) else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


class ShareBarDelegate(QStyledItemDelegate):
    """A cell with a bar behind its text, as long as the cell's ``BAR_ROLE`` value (0..1)."""

    def __init__(self, colour: QColor, parent=None):
        super().__init__(parent)
        self.colour = colour

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        value = index.data(BAR_ROLE)
        if isinstance(value, float) and value > 0:
            rect = option.rect.adjusted(2, 3, -2, -3)
            painter.fillRect(QRect(rect.left(), rect.top(), round(rect.width() * min(value, 1.0)), rect.height()),
                             self.colour)
        super().paint(painter, option, index)


def _table_view(name: str, accessible: str, model) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setFont(cjk_font())  # the family only: the size follows the zoom
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    view.setMinimumHeight(260)
    return view


class LargeConfusionView(QWidget):
    """The most confused pairs above a searchable, sortable table of every class."""

    pair_chosen = Signal(int, int, int)  # true index, predicted index, images

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("largeConfusion")
        self.setAccessibleName("Most confused pairs and accuracy per class")
        self.pairs_model = ConfusedPairsModel(self)
        self.pairs_view = _table_view("confusedPairsTable", "Most confused pairs", self.pairs_model)
        self.pairs_view.setItemDelegateForColumn(3, ShareBarDelegate(BAR_COLOUR, self.pairs_view))
        self.classes_model = ClassTableModel(self)
        self.classes_view = _table_view("classTable", "Accuracy per class", self.classes_model)
        self.classes_view.setItemDelegateForColumn(2, ShareBarDelegate(QColor(31, 119, 180, 80), self.classes_view))
        self.classes_view.setSortingEnabled(True)
        self.classes_view.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # the least legible first
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("classTableFilter")
        self.filter_edit.setAccessibleName("Find a character in the table")
        self.filter_edit.setFont(cjk_font())
        translated(self.filter_edit.setPlaceholderText, "Find a character…", owner=self.filter_edit)
        self.filter_edit.textChanged.connect(self.set_filter)
        self.classes_label = QLabel()
        self.classes_label.setObjectName("classTableCount")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pairs_view, stretch=1)
        layout.addWidget(self.classes_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.classes_view, stretch=1)
        self.pairs_view.clicked.connect(self._on_pair_clicked)
        self.classes_view.clicked.connect(self._on_class_clicked)

    def set_confusion(self, pairs: list[dict[str, Any]], table: ClassTable | None) -> None:
        self.pairs_model.set_pairs(pairs)
        self.classes_model.set_table(table)
        self.filter_edit.clear()
        classes = len(table) if table is not None else 0
        self.classes_label.setText(tr("Every class ({n:,}): click a column title to sort, a row for its most "
                                      "common mistake.", n=classes))

    def set_filter(self, text: str) -> None:
        """Show only the classes whose character contains ``text`` (all when empty)."""
        self.classes_model.set_filter(text.strip())

    def shown_classes(self) -> list[str]:
        """The characters in the per-class table as now filtered and sorted."""
        model = self.classes_model
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    def shown_pairs(self) -> list[tuple[str, str]]:
        return [(p.get("true", "?"), p.get("predicted", "?")) for p in self.pairs_model.pairs]

    def choose_pair(self, row: int) -> None:
        pair = self.pairs_model.pairs[row]
        self.pairs_view.selectRow(row)
        self.pair_chosen.emit(int(pair["true_index"]), int(pair["predicted_index"]), int(pair["count"]))

    def _on_pair_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.choose_pair(index.row())

    def _on_class_clicked(self, index: QModelIndex) -> None:
        model = self.classes_model
        row = index.row()
        wrong = model.wrong_answer(row)
        if wrong >= 0:
            class_index = model.class_index(row)
            self.pair_chosen.emit(class_index, wrong, int(model.table.top_wrong_count[class_index]))
