"""The Write panel's "Characters" choice: the 55 course characters, or all 3,755 common ones.

Real ONNX files (tiny, hand-built: a 55-class model and a 3,755-class one) through the real model
host and onnxruntime; the choice made in the combo box, before the models arrive and when no
3,755-character model is installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.contract import COURSE_CHARACTERS
from desktop.core.vocabulary import gb2312_level1
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.panel import WritePanel
from desktop.ui.write.view import NO_VOCABULARY_MODEL_TIP
from desktop.ui.i18n import tr
from tests.tiny_onnx import linear_character_model, pooled_character_model
from tests.ui.drawing import draw_character
from tests.ui.gui_thread import GuiThreadRelay

ALL = "gb2312-1"


def models_folder(tmp_path: Path, *, with_all: bool) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    linear_character_model(folder / "course-tiny.onnx", list(COURSE_CHARACTERS), title="Course tiny")
    if with_all:
        pooled_character_model(folder / "hanzi3755-best.onnx", gb2312_level1(), title="All characters tiny")
    return folder


def started_panel(qtbot, folder: Path, *, before_start=None) -> tuple[WritePanel, ModelHost]:
    host = ModelHost([folder])
    panel = WritePanel(host)
    qtbot.addWidget(panel)
    panel.resize(1100, 720)
    panel.show()
    qtbot.waitExposed(panel)
    if before_start is not None:
        before_start(panel)
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=60_000):
        host.start()
    return panel, host


@pytest.fixture
def both(qtbot, tmp_path: Path):
    panel, host = started_panel(qtbot, models_folder(tmp_path, with_all=True))
    yield panel
    host.shutdown()


def choose(panel: WritePanel, name: str) -> None:
    """As the user does: the item of ``name`` activated in the combo box."""
    combo = panel.view.vocabulary_combo
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_the_course_is_shown_first_and_all_3755_is_offered(both: WritePanel) -> None:
    combo = both.view.vocabulary_combo
    assert both.vocabulary() == "course"
    assert [Path(p).name for p in both.chosen_models()] == ["course-tiny.onnx"]
    assert both.view.model_list.count() == 1  # the 3,755 model waits for its choice
    assert combo.model().item(combo.findData(ALL)).isEnabled()


def test_choosing_all_3755_lists_that_model_and_recognises_with_it(qtbot, both: WritePanel) -> None:
    course_column = both.candidate_view()
    with qtbot.waitSignal(both.vocabulary_changed, timeout=5_000) as changed:
        choose(both, ALL)
        assert course_column.isHidden()  # at once, not when its deletion comes round: no title over title
    assert changed.args == [ALL]
    assert [Path(p).name for p in both.chosen_models()] == ["hanzi3755-best.onnx"]
    draw_character(both.canvas, "大", seed=0)
    qtbot.waitUntil(both.is_up_to_date, timeout=10_000)
    shown = both.candidate_view().shown_candidates()
    assert len(shown) == 5 and set(shown) <= set(gb2312_level1())
    # "Not right? Teach it…" searches every one of the 3,755 characters.
    picker = both.open_character_picker()
    assert picker is not None
    assert len(picker.shown_characters()) == 3755
    picker.search.setText("ren2")
    assert picker.shown_characters()[0] in "人仁任壬"
    picker.reject()
    # And back to the course.
    choose(both, "course")
    assert both.vocabulary() == "course"
    assert [Path(p).name for p in both.chosen_models()] == ["course-tiny.onnx"]


def test_without_a_3755_model_the_choice_is_greyed_and_says_how_to_build_one(qtbot, tmp_path: Path) -> None:
    panel, host = started_panel(qtbot, models_folder(tmp_path, with_all=False))
    try:
        combo = panel.view.vocabulary_combo
        item = combo.model().item(combo.findData(ALL))
        assert not item.isEnabled()
        assert "build-assets --vocabulary gb2312-1" in item.toolTip()
        assert combo.toolTip() == tr(NO_VOCABULARY_MODEL_TIP)
        panel.set_vocabulary(ALL)  # a saved choice from a machine that had the model
        assert panel.vocabulary() == "course"
        assert [Path(p).name for p in panel.chosen_models()] == ["course-tiny.onnx"]
    finally:
        host.shutdown()


def test_a_choice_made_before_the_models_arrive_is_shown_when_they_do(qtbot, tmp_path: Path) -> None:
    panel, host = started_panel(qtbot, models_folder(tmp_path, with_all=True),
                                before_start=lambda p: p.set_vocabulary(ALL))
    try:
        assert panel.vocabulary() == ALL
        assert panel.view.vocabulary_combo.currentData() == ALL
        assert [Path(p).name for p in panel.chosen_models()] == ["hanzi3755-best.onnx"]
    finally:
        host.shutdown()


def test_an_unknown_saved_choice_falls_back_to_the_course(both: WritePanel) -> None:
    both.set_vocabulary("klingon")
    assert both.vocabulary() == "course"
    assert both.view.vocabulary_combo.currentData() == "course"
