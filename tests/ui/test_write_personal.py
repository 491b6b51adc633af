"""It learns your handwriting: the Write panel end to end on a held-out synthetic writer.

A writer unlike any the CNN was trained on (``training.writers``, held-out ranges) writes a
character the shipped CNN gets wrong. The user says which character it was (by the panel's command,
or in the picker by typing its pinyin and pressing Enter); the drawing is kept in the handwriting
folder, the model host fits its personal layer off the GUI thread, and the same writer's next
sample of that character comes out right, marked as coming from their handwriting. Forgetting
takes the mark away and empties the folder; exporting writes ``<char>/<n>.png`` that the training
package reads.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.core.character_search import TONE_NUMBERS
from desktop.core.characters import character_info
from desktop.core.contract import COURSE_CHARACTERS
from desktop.core.onnx_model import OnnxModel
from desktop.core.personal import PersonalLayer, blank_page
from desktop.core.recognition import strokes_to_input
from desktop.core.registry import ModelRegistry, preferred_character_model, shipped_models_dir
from desktop.core.stroke_samples import fit_to_square
from desktop.ui.app_data import app_data_dir, handwriting_dir
from desktop.ui.main_window import MainWindow
from desktop.ui.write import model_host
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.panel import WritePanel
from tests.ui.gui_thread import GuiThreadRelay
from training.casia import load_folder
from training.strokedata import load_medians
from training.writers import WriterRanges, pen_strokes, sample_writer

SHIPPED = ModelRegistry([shipped_models_dir()]).scan(warm_up=False).models
pytestmark = pytest.mark.skipif(not SHIPPED, reason="no shipped models: python -m training build-assets")
WAIT_MS = 30_000
#: Held-out writers (seeds) and a character the first shipped CNN gets wrong in their hand, found by
#: :func:`learnable` below; used while it still qualifies, so the test needs no search.
PINNED = ((15, "大"), (28, "大"), (33, "王"))
SEARCHED_WRITERS = 60
INSET = 0.08  # as the panel draws a sample character
#: Samples are written this big (pixels) wherever the canvas allows, so a panel on its own and one
#: in the main window get the same model input and the pinned pairs hold in both.
SIDE = 300
_found: dict[tuple, tuple[int, str]] = {}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "handwriting"


def start_panel(qtbot, folder: Path | None) -> WritePanel:
    host = ModelHost([shipped_models_dir()])
    panel = WritePanel(host, handwriting_folder=folder)
    qtbot.addWidget(panel)
    panel.resize(1100, 720)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=WAIT_MS):
        host.start()
    qtbot.waitUntil(panel.handwriting.is_known, timeout=WAIT_MS)
    # The image CNN first, as these cases were measured on it (tests/ui/test_write_strokes.py has the stroke model's).
    cnn = str(preferred_character_model(SHIPPED).path)
    panel.set_chosen_models([cnn, *(p for p in panel._models if "logistic" in p)])
    qtbot.waitUntil(host.is_idle, timeout=WAIT_MS)
    return panel


@pytest.fixture
def panel(qtbot, folder: Path):
    panel = start_panel(qtbot, folder)
    yield panel
    stop(panel)


def writer_strokes(panel: WritePanel, seed: int, char: str, sample: int) -> tuple[list[np.ndarray], int]:
    """Writer ``seed``'s ``sample``-th try at ``char`` placed in the canvas's square, and their pen width."""
    writer = sample_writer(np.random.default_rng(seed), WriterRanges.held_out())
    strokes = pen_strokes(load_medians(char), writer, np.random.default_rng([seed, ord(char), sample]))
    square = panel.canvas.grid_square()
    inset = square.width() * INSET
    side = min(SIDE, square.width() - 2 * inset)
    placed = fit_to_square(strokes, square.left() + inset, square.top() + inset, side)
    # With the writer's pressure: their ligatures are thin lines, as the training package draws them.
    return [np.column_stack([xy, s[:, 2]]) for xy, s in zip(placed, strokes)], \
        int(np.clip(round(writer.pen_width * side), 2, 40))


def learnable(panel: WritePanel, seed: int, char: str) -> bool:
    """The CNN alone reads tries 0, 1 and 2 wrongly, and a personal layer of try 0 reads 1 and 2 right."""
    model = OnnxModel(preferred_character_model(SHIPPED).path)
    first = strokes_to_input(*writer_strokes(panel, seed, char, 0))[None]
    if model.class_names[int(np.argmax(model.predict_proba(first)))] == char:
        return False
    tries = np.stack([strokes_to_input(*writer_strokes(panel, seed, char, k)) for k in (1, 2)])
    probs, embeddings = model.predict_proba_and_embedding(np.concatenate([blank_page()[None], first, tries]))
    if char in [model.class_names[i] for i in probs[2:].argmax(axis=1)]:
        return False
    layer = PersonalLayer.fit(embeddings[1:2], [char], model.class_names, origin=embeddings[0])
    return all(model.class_names[i] == char for i in layer.adjust_for(model, probs[2:], embeddings[2:]).argmax(axis=1))


@pytest.fixture
def case(panel: WritePanel) -> tuple[int, str]:
    return learnable_case(panel)


def learnable_case(panel: WritePanel) -> tuple[int, str]:
    """(writer seed, character): the pinned pair while it qualifies, else the first a search finds."""
    key = (preferred_character_model(SHIPPED).path.stat().st_mtime_ns, panel.canvas.grid_square().width() >= SIDE)
    if key not in _found:
        pairs = [*PINNED, *((seed, char) for seed in range(SEARCHED_WRITERS) for char in COURSE_CHARACTERS)]
        found = next((pair for pair in pairs if learnable(panel, *pair)), None)
        if found is None:
            pytest.fail(f"no held-out writer of the first {SEARCHED_WRITERS} has a character the CNN gets wrong "
                        "and one correction puts right")
        _found[key] = found
    return _found[key]


def write_sample(qtbot, panel: WritePanel, case: tuple[int, str], sample: int) -> list[str]:
    """The writer's ``sample``-th try at the case's character on the canvas; the first model's candidates."""
    strokes, pen_width = writer_strokes(panel, *case, sample)
    panel.set_pen_width(pen_width)
    panel.clear()
    panel.canvas.set_strokes(strokes)
    qtbot.waitUntil(panel.is_up_to_date, timeout=WAIT_MS)
    return panel.candidate_view().shown_candidates()


def cnn_column(panel: WritePanel):
    return panel.candidate_view(str(preferred_character_model(SHIPPED).path))


def pngs(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.png")) if folder.exists() else []


def test_a_correction_makes_the_writers_next_try_right_and_forgetting_undoes_it(
        qtbot, panel: WritePanel, case: tuple[int, str], folder: Path, tmp_path: Path) -> None:
    char = case[1]
    first = write_sample(qtbot, panel, case, 0)
    assert first[0] != char and cnn_column(panel).personal_mark() is None  # the model alone is wrong
    with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
        assert panel.teach_character(char)
    assert [p.relative_to(folder).as_posix() for p in pngs(folder)] == [f"{char}/1.png"]
    assert (folder / char / "1.json").is_file()  # the strokes too
    assert panel.handwriting_sample_count() == 1 and panel.view.handwriting_label.text()
    # The same writer, another try: right now, and marked as coming from their handwriting.
    again = write_sample(qtbot, panel, case, 1)
    assert again[0] == char, again
    model_said = cnn_column(panel).personal_mark()
    assert model_said not in (None, char) and model_said in cnn_column(panel).personal_label.text()
    assert cnn_column(panel).personal_label.isVisible() and "\u270e" in cnn_column(panel).personal_label.text()
    assert char in panel.view.status_label.text() and model_said in panel.view.status_label.text()

    exported = tmp_path / "export"
    with qtbot.waitSignal(panel.handwriting.exported, timeout=WAIT_MS):
        panel.export_handwriting(exported)
    assert [p.relative_to(exported).as_posix() for p in pngs(exported)] == [f"{char}/1.png"]
    data = load_folder(exported)
    assert data.class_names == [char] and data.images.shape == (1, 80, 60, 1) and not data.skipped
    with qtbot.waitSignal(panel.handwriting.exported, timeout=WAIT_MS):
        panel.export_handwriting(exported)  # not empty now: into a new folder inside it
    assert pngs(exported / "my-handwriting") == [exported / "my-handwriting" / char / "1.png"]

    with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 0):
        panel.forget_handwriting()
    qtbot.waitUntil(panel.is_up_to_date, timeout=WAIT_MS)
    assert pngs(folder) == [] and panel.handwriting_sample_count() == 0 and not panel.view.handwriting_label.text()
    assert cnn_column(panel).personal_mark() is None and not cnn_column(panel).personal_label.isVisible()
    assert write_sample(qtbot, panel, case, 1)[0] != char  # the model alone again


def test_the_picker_teaches_by_pinyin_and_enter(qtbot, panel: WritePanel, case: tuple[int, str]) -> None:
    char = case[1]
    first = write_sample(qtbot, panel, case, 0)
    assert first[0] != char
    panel.view.teach_button.click()
    picker = panel.character_picker()
    assert picker is not None and picker.isVisible()
    assert picker.shown_characters()[:len(first)] == first  # the candidates first
    qtbot.keyClicks(picker.search, typed_pinyin(char))  # "wang2"
    assert picker.chosen() == char, picker.shown_characters()
    with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.character_picker() is None, timeout=WAIT_MS)
    assert write_sample(qtbot, panel, case, 2)[0] == char
    assert cnn_column(panel).personal_mark() not in (None, char)


def test_a_candidates_context_menu_teaches_it(qtbot, panel: WritePanel, case: tuple[int, str]) -> None:
    char = case[1]
    shown = write_sample(qtbot, panel, case, 0)
    if char not in shown:
        pytest.skip(f"{char} is not among the CNN's candidates for this writer's first try")
    menu = cnn_column(panel).card_menu(shown.index(char) + 1)
    teach = menu.findChild(QAction, "teachCandidateAction")
    assert char in teach.text()
    with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
        teach.trigger()
    menu.close()
    assert write_sample(qtbot, panel, case, 1)[0] == char


def typed_pinyin(char: str) -> str:
    """The pinyin of ``char`` as typed on a plain keyboard, with its tone number: "wáng" -> "wang2"."""
    decomposed = unicodedata.normalize("NFD", character_info(char).pinyin)
    tone = "".join(TONE_NUMBERS.get(c, "") for c in decomposed)
    return "".join(c for c in decomposed if c.isascii()) + tone


def test_the_layer_is_fitted_in_the_worker_once_per_model(qtbot, panel: WritePanel, case: tuple[int, str],
                                                            monkeypatch) -> None:
    # How long a fit takes is measured by benchmarks/personal_writers.py; here: where, and how often.
    fits: list[int] = []
    original = model_host._fit_layer

    def recorded(*args):
        fits.append(threading.get_ident())
        return original(*args)

    monkeypatch.setattr(model_host, "_fit_layer", recorded)
    write_sample(qtbot, panel, case, 0)
    with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
        panel.teach_character(case[1])
    assert fits and all(thread != threading.get_ident() for thread in fits)
    # one fit per loaded character model (listed or not: the 3,755-character one waits for its choice)
    # for one new sample, no refits
    assert len(fits) == len([m for m in SHIPPED if m.task == "characters"]), fits


def test_kept_samples_come_back_after_a_restart(qtbot, folder: Path) -> None:
    panel = start_panel(qtbot, folder)
    case = learnable_case(panel)
    write_sample(qtbot, panel, case, 0)
    with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
        panel.teach_character(case[1])
    stop(panel)
    again = start_panel(qtbot, folder)
    try:
        assert again.handwriting_sample_count() == 1
        assert write_sample(qtbot, again, case, 1)[0] == case[1]
    finally:
        stop(again)


def test_a_damaged_sample_file_does_not_break_the_panel(qtbot, folder: Path) -> None:
    panel = start_panel(qtbot, folder)
    case = learnable_case(panel)
    stop(panel)
    (folder / case[1]).mkdir(parents=True)
    (folder / case[1] / "1.png").write_bytes(b"\x89PNG not really")
    (folder / case[1] / "1.json").write_text("{not json", encoding="utf-8")
    panel = start_panel(qtbot, folder)
    try:
        assert panel.handwriting_sample_count() == 0
        assert write_sample(qtbot, panel, case, 0)[0] != case[1]  # recognised as before
        with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
            assert panel.teach_character(case[1])
        assert write_sample(qtbot, panel, case, 1)[0] == case[1]
    finally:
        stop(panel)


def test_nothing_to_teach_without_a_drawing_or_for_an_unknown_character(qtbot, panel: WritePanel,
                                                                         case: tuple[int, str]) -> None:
    assert not panel.teach_character(case[1])
    assert panel.open_character_picker() is None and panel.character_picker() is None
    write_sample(qtbot, panel, case, 0)
    assert not panel.teach_character("龍")  # no model knows it
    assert panel.handwriting_sample_count() == 0


def test_the_default_folder_is_in_the_apps_data_folder_of_the_test_home(qtbot, isolated_user_dirs: Path) -> None:
    panel = start_panel(qtbot, None)
    try:
        assert panel.handwriting.folder == handwriting_dir() == app_data_dir() / "handwriting"
        assert Path(isolated_user_dirs) in panel.handwriting.folder.parents
    finally:
        stop(panel)


def stop(panel: WritePanel) -> None:
    panel.shutdown()
    panel._host.shutdown()


def test_the_edit_menu_teaches_exports_and_forgets_with_its_dialogs(qtbot, tmp_path: Path, monkeypatch) -> None:
    """The window's Edit menu: the picker, the folder dialog and the confirmation (answered here)."""
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.models_ready, timeout=WAIT_MS):
        window.show()
        qtbot.waitExposed(window)
    panel = window.write_panel
    qtbot.waitUntil(panel.handwriting.is_known, timeout=WAIT_MS)
    window.menus.export_handwriting_action.trigger()  # nothing kept yet: only a status line
    assert "No samples" in window.statusBar().currentMessage()
    case = learnable_case(panel)
    write_sample(qtbot, panel, case, 0)
    window.show_panel(1)
    window.menus.teach_action.trigger()
    assert window.stack.currentWidget() is panel  # the Write panel comes to the front
    picker = panel.character_picker()
    assert picker is not None
    picker.search.insert(case[1])
    with qtbot.waitSignal(panel.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
        picker.ok_button.click()
    assert "1" in panel.view.handwriting_label.text()

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kw: str(tmp_path / "out"))
    with qtbot.waitSignal(panel.handwriting.exported, timeout=WAIT_MS):
        window.menus.export_handwriting_action.trigger()
    assert pngs(tmp_path / "out") == [tmp_path / "out" / case[1] / "1.png"]
    assert "1" in window.statusBar().currentMessage()

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: QMessageBox.StandardButton.No)
    window.menus.forget_handwriting_action.trigger()
    qtbot.wait(200)
    assert panel.handwriting_sample_count() == 1  # kept: the user said no
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.handwriting.forgotten, timeout=WAIT_MS):
        window.menus.forget_handwriting_action.trigger()
    assert panel.handwriting_sample_count() == 0 and pngs(panel.handwriting.folder) == []
    window.close()
