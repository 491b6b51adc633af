"""The character picker of the Write panel: the candidates first, search by pinyin or meaning, the
keyboard alone, and room at 1280 x 720 with 150 % text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from desktop.core.contract import COURSE_CHARACTERS
from desktop.ui.write.character_picker import CharacterPicker
from tests.ui.on_screen import assert_on_screen, scale_text

SCREEN = (1280, 720)


@pytest.fixture
def owner(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(*SCREEN)
    return widget


def picker_over(qtbot, owner: QWidget, candidates: str = "囡因大") -> CharacterPicker:
    picker = CharacterPicker(list(COURSE_CHARACTERS), list(candidates), parent=owner)
    qtbot.addWidget(picker)
    picker.open()
    qtbot.waitExposed(picker)
    return picker


def type_in(qtbot, picker: CharacterPicker, text: str) -> None:
    """Typed key by key; what a keyboard cannot type in one key (rén, 马) arrives as an input method commits it."""
    if text.isascii():
        qtbot.keyClicks(picker.search, text)
    else:
        picker.search.insert(text)


def test_the_candidates_come_first_then_every_character(qtbot, owner: QWidget) -> None:
    picker = picker_over(qtbot, owner)
    shown = picker.shown_characters()
    assert shown[:3] == list("囡因大") and sorted(shown) == sorted(COURSE_CHARACTERS)
    assert picker.chosen() == "囡"  # the first is selected: Enter takes it


@pytest.mark.parametrize("query, first", [("ren", "人"), ("ren2", "人"), ("rén", "人"), ("nv3", "女"),
                                          ("dog", "犬"), ("to bark", "吠"), ("马", "马")])
def test_typing_in_the_search_filters_and_selects_the_best(qtbot, owner: QWidget, query: str, first: str) -> None:
    picker = picker_over(qtbot, owner)
    type_in(qtbot, picker, query)
    assert picker.shown_characters()[0] == first and picker.chosen() == first


def test_enter_in_the_search_chooses_and_escape_closes(qtbot, owner: QWidget) -> None:
    picker = picker_over(qtbot, owner)
    qtbot.keyClicks(picker.search, "ren")
    with qtbot.waitSignal(picker.accepted, timeout=2000):
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.result() == QDialog.DialogCode.Accepted and picker.chosen() == "人"
    other = picker_over(qtbot, owner)
    with qtbot.waitSignal(other.rejected, timeout=2000):
        qtbot.keyClick(other.search, Qt.Key.Key_Escape)


def test_nothing_found_keeps_the_picker_open(qtbot, owner: QWidget) -> None:
    picker = picker_over(qtbot, owner)
    qtbot.keyClicks(picker.search, "xyzzy")
    assert picker.shown_characters() == [] and not picker.ok_button.isEnabled()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.isVisible() and picker.chosen() is None


def test_arrows_move_through_the_grid_and_enter_chooses(qtbot, owner: QWidget) -> None:
    picker = picker_over(qtbot, owner)
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)  # from the search box into the grid
    assert picker.focusWidget() is picker.grid
    qtbot.keyClick(picker.grid, Qt.Key.Key_Right)
    assert picker.chosen() == "因"
    with qtbot.waitSignal(picker.accepted, timeout=2000):
        qtbot.keyClick(picker.grid, Qt.Key.Key_Return)
    assert picker.chosen() == "因"


@pytest.mark.parametrize("factor", [1.0, 1.5])
def test_it_fits_1280_by_720_at_150_percent_and_scrolls(qtbot, owner: QWidget, factor: float) -> None:
    scale_text(owner, factor)
    picker = picker_over(qtbot, owner)
    hint = picker.minimumSizeHint()
    assert hint.width() <= SCREEN[0] * 0.8 and hint.height() <= SCREEN[1] * 0.8, hint
    picker.resize(min(picker.width(), 1100), min(picker.height(), 600))  # at most a 1280 x 720 screen's share
    qtbot.wait(50)
    for widget, what in ((picker.search, "the search box"), (picker.grid, "the grid"),
                         (picker.ok_button, "the OK button")):
        assert_on_screen(widget, picker, what)
    cell = picker.grid.visualItemRect(picker.grid.item(0))
    assert cell.height() >= picker.grid.fontMetrics().lineSpacing() * 3  # the character and two lines
    assert picker.grid.verticalScrollBar().maximum() > 0  # 55 characters: the grid scrolls
    assert picker.font().pointSizeF() == pytest.approx(owner.font().pointSizeF())
