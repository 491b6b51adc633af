"""Which character did you write? A searchable grid of every character the models know.

The Write panel opens it when the top answer is wrong: the user picks the character they meant
and the panel keeps the drawing as a sample of their handwriting. The model's current candidates
come first (framed); the search box filters by the character itself, its pinyin (with or without
tone marks, or with tone numbers) or its English meaning (:mod:`desktop.core.character_search`).

Keyboard: type to search, Down (or Tab) into the grid, arrows to move, Enter to choose, Escape
to close. The grid scrolls, and the dialog is never larger than the screen, so it fits 1280 x 720
at 150 % text.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.character_search import SearchEntry, search
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr, tr_noop, translated
from desktop.ui.widgets import wrapping_label
from desktop.ui.write.candidates_view import lookup

CHAR_ROLE = Qt.ItemDataRole.UserRole
PINYIN_ROLE = Qt.ItemDataRole.UserRole + 1
GLOSS_ROLE = Qt.ItemDataRole.UserRole + 2
CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 3
CHAR_SCALE = 2.2  # the character in a cell, in multiples of the dialog's font
CELL_WIDTH_EMS = 8.5  # a cell's width, in widths of "n": room for a short meaning
CELL_PADDING = 6
SCREEN_SHARE = 0.85  # the dialog takes at most this share of the screen (or the window it opens over)
PREFERRED_CELLS = (8, 4)  # columns and rows the dialog asks room for, screen permitting
HEADING = tr_noop("Which character did you write? The model's candidates come first (framed).")
SEARCH_HINT = tr_noop("Search: 人, ren, ren2, rén or person")


class CharacterCell(QStyledItemDelegate):
    """A cell: the character large, its pinyin (bold) and first meaning on one line each, elided."""

    def cell_size(self, font: QFont) -> QSize:
        small = QFontMetrics(font)
        big = QFontMetrics(_char_font(font))
        width = small.horizontalAdvance("n") * CELL_WIDTH_EMS
        height = big.height() + 2 * small.lineSpacing() + 2 * CELL_PADDING
        return QSize(round(width), height)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 (Qt naming)
        return self.cell_size(option.font)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = option.palette.highlightedText().color() if selected else option.palette.text().color()
        rect = option.rect.adjusted(CELL_PADDING, CELL_PADDING, -CELL_PADDING, -CELL_PADDING)
        painter.save()
        painter.setPen(colour)
        big = _char_font(option.font)
        painter.setFont(big)
        char_height = QFontMetrics(big).height()
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), char_height),
                         Qt.AlignmentFlag.AlignCenter, index.data(CHAR_ROLE))
        line = QFontMetrics(option.font).lineSpacing()
        bold = QFont(option.font)
        bold.setBold(True)
        for number, (font, text) in enumerate(((bold, index.data(PINYIN_ROLE)), (option.font, index.data(GLOSS_ROLE)))):
            painter.setFont(font)
            top = rect.top() + char_height + number * line
            shown = QFontMetrics(font).elidedText(text or "", Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(QRect(rect.left(), top, rect.width(), line), Qt.AlignmentFlag.AlignHCenter, shown)
        if index.data(CANDIDATE_ROLE):
            painter.setPen(QPen(option.palette.highlight().color(), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()


def _char_font(font: QFont) -> QFont:
    size = font.pointSizeF() if font.pointSizeF() > 0 else font.pixelSize() * 0.75
    return cjk_font(point_size=size * CHAR_SCALE)


class CharacterPicker(QDialog):
    """Choose one of ``characters`` (the models' classes); ``candidates`` are shown first.

    Open with ``open()`` (window-modal, returns at once); on ``accepted``, :meth:`chosen` is the
    character.
    """

    def __init__(self, characters: Sequence[str], candidates: Sequence[str] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("characterPicker")
        self.setAccessibleName("Pick the character you wrote")
        translated(self.setWindowTitle, "Teach the model your handwriting", owner=self)
        if parent is not None:
            self.setFont(parent.font())  # the presentation zoom: a window does not inherit its parent's font
        self._candidates = [c for c in candidates if c in characters]
        self._entries = [SearchEntry.of(char, lookup(char)) for char in dict.fromkeys(characters)]
        self._cell = CharacterCell(self)
        self._build()
        self.show_matches("")
        self.search.setFocus()  # type at once; Down goes into the grid

    def _build(self) -> None:
        heading = wrapping_label(name="pickerHeading", accessible="Which character did you write?", text=tr(HEADING))
        self.search = QLineEdit()
        self.search.setObjectName("pickerSearch")
        self.search.setAccessibleName("Search by character, pinyin or meaning")
        self.search.setClearButtonEnabled(True)
        translated(self.search.setPlaceholderText, SEARCH_HINT, owner=self.search)
        self.search.textChanged.connect(self.show_matches)
        self.search.installEventFilter(self)
        self.grid = QListWidget()
        self.grid.setObjectName("pickerGrid")
        self.grid.setAccessibleName("Characters")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setWrapping(True)
        self.grid.setUniformItemSizes(True)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.grid.setItemDelegate(self._cell)
        self.grid.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("pickerOkButton")
        translated(self.ok_button.setText, "Teach it this character", owner=self.ok_button)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.grid.currentItemChanged.connect(lambda current, _old: self.ok_button.setEnabled(current is not None))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.search)
        layout.addWidget(self.grid, stretch=1)
        layout.addWidget(self.buttons)
        self._fit_cells()
        self._size_to_screen()

    # -- what the panel and tests use ----------------------------------------------------------
    def chosen(self) -> str | None:
        item = self.grid.currentItem()
        return item.data(CHAR_ROLE) if item is not None else None

    def shown_characters(self) -> list[str]:
        """The characters in the grid now, in order."""
        return [self.grid.item(i).data(CHAR_ROLE) for i in range(self.grid.count())]

    def show_matches(self, query: str) -> None:
        """Fill the grid with the characters ``query`` matches, the best first, and select that one."""
        self.grid.clear()
        for entry in search(self._entries, query, first=self._candidates):
            item = QListWidgetItem(entry.char)
            item.setData(CHAR_ROLE, entry.char)
            item.setData(PINYIN_ROLE, entry.pinyin)
            item.setData(GLOSS_ROLE, entry.gloss.split(";")[0])  # the first sense; the tooltip has them all
            item.setData(CANDIDATE_ROLE, entry.char in self._candidates)
            item.setToolTip(" ".join(part for part in (entry.char, entry.pinyin, entry.gloss) if part))
            self.grid.addItem(item)
        if self.grid.count():
            self.grid.setCurrentRow(0)
        self.ok_button.setEnabled(self.grid.count() > 0)

    def accept(self) -> None:
        if self.chosen() is None:
            return  # nothing matches the search: stay open
        super().accept()

    # -- keyboard and size -----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        # Down from the search box goes into the grid (Enter there already chooses the selection).
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) \
                    and self.grid.count():
                self.grid.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _fit_cells(self) -> None:
        cell = self._cell.cell_size(self.grid.font())
        self.grid.setGridSize(cell + QSize(4, 4))
        self.grid.setMinimumSize(cell.width() * 2 + 24, cell.height() + 8)

    def _size_to_screen(self) -> None:
        """Room for a few rows of cells, but never more than most of the screen (or the window)."""
        cell = self.grid.gridSize()
        wanted = QSize(cell.width() * PREFERRED_CELLS[0] + 60, cell.height() * PREFERRED_CELLS[1] + 160)
        wanted = wanted.expandedTo(self.minimumSizeHint())
        bounds = self._available()
        if bounds is not None:
            wanted = wanted.boundedTo(QSize(round(bounds.width() * SCREEN_SHARE), round(bounds.height() * SCREEN_SHARE)))
        self.resize(wanted)

    def _available(self) -> QRect | None:
        parent = self.parentWidget()
        screen = (parent.screen() if parent is not None else None) or self.screen()
        return screen.availableGeometry() if screen is not None else None

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "grid"):
            self._fit_cells()
        super().changeEvent(event)
