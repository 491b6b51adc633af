"""Candidate buttons: big characters, probability bars, pinyin and gloss, click to copy."""

from __future__ import annotations

import html

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from desktop.core.characters import character_info
from desktop.core.recognition import Candidate
from desktop.ui.fonts import cjk_family
from desktop.ui.write.candidates_view import CandidatesView, percent_text

TOP5 = [Candidate("大", 0.9712), Candidate("太", 0.0201), Candidate("犬", 0.0051),
        Candidate("天", 0.0030), Candidate("夫", 0.0006)]


def make_view(qtbot) -> CandidatesView:
    view = CandidatesView("Convolutional network")
    qtbot.addWidget(view)
    view.show()
    return view


def test_five_candidates_with_bars_pinyin_and_gloss(qtbot):
    view = make_view(qtbot)
    view.set_candidates(TOP5)

    assert view.shown_candidates() == [c.char for c in TOP5]
    assert view.title() == "Convolutional network"
    assert "Convolutional network" in view.findChild(QLabel, "candidatesTitle").text()
    for rank, candidate in enumerate(TOP5, start=1):
        button = view.findChild(QPushButton, f"candidate_{rank}")
        info = character_info(candidate.char)
        assert button.isVisible()
        assert button.findChild(QLabel, f"candidate_{rank}_char").text() == candidate.char
        reading = button.findChild(QLabel, f"candidate_{rank}_reading").text()
        assert info.pinyin in reading and html.escape(info.gloss) in reading
        bar = button.findChild(QProgressBar, f"candidate_{rank}_bar")
        assert abs(bar.value() / bar.maximum() - candidate.probability) < 1e-3
        assert button.findChild(QLabel, f"candidate_{rank}_percent").text() == percent_text(candidate.probability)
        assert button.accessibleName().startswith(f"{candidate.char} {info.pinyin}")
    assert view.findChild(QPushButton, "candidate_1").accessibleName() == "大 dà big; large; great, 97 percent"
    big = view.findChild(QLabel, "candidate_1_char").font()
    assert big.pointSizeF() > 2.5 * view.font().pointSizeF()
    if cjk_family():
        assert big.families()[0] == cjk_family()


def test_percent_text():
    assert percent_text(0.9712) == "97%"
    assert percent_text(0.004) == "<1%"
    assert percent_text(0.0) == "0%"
    assert percent_text(1.0) == "100%"


def test_clicking_a_candidate_copies_it(qtbot):
    view = make_view(qtbot)
    view.set_candidates(TOP5)
    QGuiApplication.clipboard().setText("")
    qtbot.waitExposed(view)
    char_label = view.findChild(QLabel, "candidate_2_char")
    where = char_label.mapTo(view, char_label.rect().center())
    with qtbot.waitSignal(view.candidate_copied, timeout=1000) as copied:
        # Clicked through the window on the big character: the label inside passes the click to its button.
        QTest.mouseClick(view.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    assert copied.args == ["太"]
    assert QGuiApplication.clipboard().text() == "太"
    assert view.findChild(QLabel, "copiedFeedback").text() == "Copied 太"


def test_fewer_candidates_then_a_notice(qtbot):
    view = make_view(qtbot)
    view.set_candidates(TOP5)
    view.set_candidates(TOP5[:2])
    assert view.shown_candidates() == ["大", "太"]
    assert not view.findChild(QPushButton, "candidate_3").isVisible()

    view.set_notice("Draw a character")
    assert view.shown_candidates() == [] and view.notice_text() == "Draw a character"
    assert view.findChild(QLabel, "candidatesNotice").isVisible()
    view.set_candidates([Candidate("鸟", 0.5)])
    assert view.notice_text() == "" and view.shown_candidates() == ["鸟"]
    view.clear()
    assert view.shown_candidates() == [] and view.notice_text() == ""


def test_a_character_outside_the_table_still_shows(qtbot):
    view = make_view(qtbot)
    view.set_candidates([Candidate("龍", 0.8)])  # traditional: in neither the course nor the GB2312 table
    button = view.findChild(QPushButton, "candidate_1")
    assert button.findChild(QLabel, "candidate_1_char").text() == "龍"
    assert button.findChild(QLabel, "candidate_1_reading").text() == ""
    assert button.accessibleName() == "龍, 80 percent"


def test_presentation_zoom_scales_the_characters(qtbot):
    view = make_view(qtbot)
    view.set_candidates(TOP5)
    char_label = view.findChild(QLabel, "candidate_2_char")
    before = char_label.font().pointSizeF()
    zoomed = view.font()
    zoomed.setPointSizeF(zoomed.pointSizeF() * 2)
    view.setFont(zoomed)  # what a presentation zoom does to the panel
    assert char_label.font().pointSizeF() == pytest.approx(2 * before)


def test_a_long_meaning_ends_in_an_ellipsis_on_a_narrow_card_and_the_tooltip_has_it_all(qtbot):
    view = make_view(qtbot)
    view.set_candidates([Candidate("日", 0.9)])
    button = view.findChild(QPushButton, "candidate_1")
    reading = button.reading_label
    info = character_info("日")
    view.resize(900, 300)
    qtbot.waitUntil(lambda: reading.width() > reading.fontMetrics().horizontalAdvance(reading.plain_text()))
    assert not reading.is_elided()
    view.resize(view.minimumSizeHint().width(), 300)  # as narrow as the column may get
    qtbot.waitUntil(lambda: reading.width() < reading.fontMetrics().horizontalAdvance(reading.plain_text()) / 2)
    assert reading.is_elided()
    # The label keeps the whole reading; the card's tooltip shows it; the card keeps two lines for it.
    assert info.gloss in reading.text() and info.gloss in button.toolTip()
    assert reading.height() >= 2 * reading.fontMetrics().lineSpacing()
    assert button.height() >= button.minimumSizeHint().height()


def test_five_cards_keep_their_room_before_the_first_candidates(qtbot):
    view = CandidatesView("Convolutional network", slots=5)
    qtbot.addWidget(view)
    view.show()
    empty = view.minimumSizeHint().height()
    view.set_candidates(TOP5)
    qtbot.wait(20)
    assert view.minimumSizeHint().height() == empty  # no jump when writing starts
