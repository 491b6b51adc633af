"""The Lessons sidebar on the real main window: every shipped step, the keys, presentation mode, bad files."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from desktop.core.lessons import ACTIONS, load_lessons, shipped_lessons_dir
from desktop.core.stroke_samples import character_strokes
from desktop.ui import sources
from desktop.ui import i18n
from desktop.ui.i18n import notifier
from desktop.ui.lessons.actions import REGISTRY, action
from desktop.ui.lessons.dock import PRESENT_TEXT_SCALE
from desktop.ui.main_window import MainWindow
from tests.tiny_onnx import photo_model

PANEL_NAMES = {"write": "Write", "camera": "Camera", "teach": "Teach", "kernels": "Kernels", "results": "Results"}
#: Results tabs by the name lessons use -> the objectName of the tab's page.
RESULTS_TAB_PAGES = {"models": "modelsTab", "evaluate": "evaluateView", "dataset": "datasetView",
                     "architectures": "architecturesTab", "experiments": "experimentsTab"}


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    # A second photo model, as a Teach export would be: the camera steps then compare two models.
    photo_model(folder / "my-classes.onnx", ["red", "green", "blue"], weights=np.eye(3) * 0.05, task="custom",
                title="My classes")
    return folder


@pytest.fixture
def window(qtbot, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(sources, "list_cameras", lambda *args, **kwargs: [])  # never open a real webcam
    window = MainWindow(models_dir=models_dir)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.models_ready, timeout=30_000):
        window.show()
        qtbot.waitExposed(window)
    dock = window.lessons_dock
    with qtbot.waitSignal(dock.lessons_loaded, timeout=10_000):
        window.lessons_dock.toggle_action.trigger()
    assert dock.isVisible() and dock.is_loaded()
    yield window
    window.close()


def stem(path) -> str:
    return Path(path).stem


def check_kernels(qtbot, window, params: dict) -> None:
    panel = window.kernels_panel
    view = panel.view
    qtbot.waitUntil(panel.is_up_to_date, timeout=10_000)
    assert panel.settings_error() == ""
    if "input" in params:
        data = view.input_box.currentData()
        assert data == params["input"] or stem(data) == params["input"]
    if "grey" in params:
        assert view.grey_box.isChecked() == params["grey"]
        assert panel.input_tensor().shape[2] == (1 if params["grey"] or params.get("input") in ("course", "camera",
                                                                                              "character-sen") else 3)
    if "preset" in params:
        assert view.kernel_editor.preset_box.currentData() == params["preset"]
    if params.get("cnn_filters"):
        assert len(view.kernel_editor.filters()) == 16
    settings, pooling = view.controls.settings(), view.controls.pooling()
    assert settings.padding == params.get("padding", "valid")
    assert settings.stride == (params.get("stride", 1),) * 2
    assert settings.relu == params.get("relu", False)
    assert pooling.mode == params.get("pooling", "none")
    tab = params.get("tab", "image")
    expected = {"image": view.tabs.widget(0), "step": view.stepper, "density": view.density_view}[tab]
    assert view.tabs.currentWidget() is expected


def check_write(qtbot, window, params: dict) -> None:
    panel = window.write_panel
    if params.get("character"):
        assert len(panel.canvas.strokes()) == len(character_strokes(params["character"]))
    if "models" in params:
        qtbot.waitUntil(lambda: [stem(p) for p in panel.chosen_models()] == params["models"], timeout=10_000)
        if params.get("character"):
            qtbot.waitUntil(panel.is_up_to_date, timeout=10_000)
            top = panel.candidate_view().shown_candidates()[0]
            if params["models"][0] == "casia55-cnn":  # the CNN reads a character drawn from its own strokes
                assert top == params["character"]
    if "grid" in params:
        assert panel.canvas.grid_visible() == params["grid"]


def check_camera(qtbot, window, params: dict) -> None:
    panel = window.camera_panel
    if params.get("sample") not in (None, "all"):
        assert stem(panel.current_image_path()) == params["sample"]
    qtbot.waitUntil(panel.models_loaded, timeout=30_000)
    if params.get("all_models"):
        wanted = sorted(stem(m.path) for m in panel.models())
        assert len(wanted) >= 2  # the ImageNet model and "my-classes" side by side
    else:
        wanted = sorted(params.get("models", []))
    qtbot.waitUntil(lambda: sorted(stem(p) for p in panel.chosen_models()) == wanted, timeout=10_000)
    assert panel.error_message() is None
    qtbot.waitUntil(lambda: all(lines for lines in panel.prediction_lines().values()), timeout=30_000)


def check_results(qtbot, window, params: dict, error: str) -> None:
    panel = window.results_panel
    tabs = panel.view.tabs
    tab = params.get("tab", "models")
    page_names = [tabs.widget(i).objectName() for i in range(tabs.count())]
    if RESULTS_TAB_PAGES[tab] not in page_names:  # a tab this version lacks: a clear message, not a crash
        assert "Results panel has no" in error and tab.capitalize() in error
        return
    assert error == ""
    assert tabs.currentWidget().objectName() == RESULTS_TAB_PAGES[tab]
    if "compare" in params:
        assert panel.right.isHidden() == (not params["compare"])
    for side in ("left", "right"):
        if side in params:
            assert stem(getattr(panel, side).chosen_path()) == params[side]
    if "section" in params:
        for pane in (panel.left, panel.right):
            if pane.isHidden():
                continue
            qtbot.waitUntil(lambda p=pane: not p.is_loading() and p.view.report is not None, timeout=20_000)
            section = pane.view.sections[params["section"]]
            assert not section.isHidden()

            def section_at_top(view=pane.view, widget=section) -> bool:
                top = widget.mapTo(view.widget(), widget.rect().topLeft()).y()
                bar = view.verticalScrollBar()
                return abs(bar.value() - min(top, bar.maximum())) <= 2
            qtbot.waitUntil(section_at_top, timeout=5_000)
    if "sort" in params:
        captions = panel.left.view.failure_captions()
        most_first = params["sort"] == "most_confident"
        assert captions and panel.left.view.sort_combo.currentIndex() == (0 if most_first else 1)


def test_the_action_registry_is_the_vocabulary_the_loader_checks() -> None:
    assert set(REGISTRY) == set(ACTIONS)
    with pytest.raises(ValueError, match="nowhere"):  # a handler for an action no lesson file may name
        action("nowhere")
    assert "nowhere" not in REGISTRY


PANEL_MODULES = {f"desktop.ui.{name.lower()}.panel" for name in PANEL_NAMES.values()}
REPO_ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (``from a import b``: a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_lessons_reach_the_panels_only_through_the_window_and_their_commands() -> None:
    lessons = sorted((REPO_ROOT / "desktop" / "ui" / "lessons").glob("*.py"))
    assert lessons
    for path in lessons:
        imports = imported_modules(path)
        assert "desktop.ui.main_window" not in imports, path.name
        assert not imports & PANEL_MODULES, path.name
    outside = [p for p in (REPO_ROOT / "desktop").rglob("*.py") if p.name != "main_window.py"]
    importers = sorted(str(p.relative_to(REPO_ROOT)) for p in outside if imported_modules(p) & PANEL_MODULES)
    assert importers == []  # only the main window builds panels
    planted = REPO_ROOT / "desktop" / "ui" / "lessons" / "actions.py"
    assert imported_modules(planted) >= {"desktop.ui.panel_commands"}  # the scan sees what it should


def test_every_shipped_step_puts_its_panel_into_its_state(qtbot, window) -> None:
    dock = window.lessons_dock
    lessons, _ = load_lessons([shipped_lessons_dir()])
    assert [lesson.id for lesson in dock.sidebar.lessons] == [lesson.id for lesson in lessons]
    done: list[tuple[int, str]] = []
    dock.step_done.connect(lambda index, error: done.append((index, error)))
    for lesson in lessons:
        for index, step in enumerate(lesson.steps):
            done.clear()
            assert dock.sidebar.select_lesson(lesson.id, index)
            # A step that waits (a panel's models, a report being read) reports when it has finished.
            qtbot.waitUntil(lambda: bool(done), timeout=30_000)
            assert done[-1][0] == index, (lesson.id, index)
            error = done[-1][1]
            action = step.action
            where = f"{lesson.id} step {index + 1}"
            assert window.current_panel() == PANEL_NAMES[action["panel"]], where
            params = {k: v for k, v in action.items() if k != "panel"}
            if action["panel"] == "results":
                check_results(qtbot, window, params, error)
                continue
            assert error == "", (where, error)
            assert dock.sidebar.action_label.isHidden(), where
            {"kernels": check_kernels, "write": check_write, "camera": check_camera,
             "teach": lambda *_: None}[action["panel"]](qtbot, window, params)
    # A deferred failure (models not there) still reaches the sidebar.
    assert dock.sidebar.step_count() > 0


def test_page_keys_move_through_the_steps_from_any_panel_but_leave_text_fields_alone(qtbot, window) -> None:
    dock = window.lessons_dock
    sidebar = dock.sidebar
    sidebar.select_lesson("convolution", 0)
    window.activateWindow()
    canvas = window.write_panel.canvas
    window.show_panel(0)
    canvas.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is canvas, timeout=5_000)
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    assert sidebar.step_index() == 1 and window.current_panel() == "Kernels"  # the step's action ran
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_PageDown)
    assert sidebar.step_index() == 2
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_PageUp)
    assert sidebar.step_index() == 1

    # In a text field Page Down keeps its meaning, unless presenting (clickers always move the lesson).
    line = window.results_panel.dataset_view.path_edit
    window.show_panel(4)
    window.results_panel.show_tab("dataset")
    line.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is line, timeout=5_000)
    qtbot.keyClick(line, Qt.Key.Key_PageDown)
    assert sidebar.step_index() == 1
    dock.set_presenting(True)
    line.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is line, timeout=5_000)
    qtbot.keyClick(line, Qt.Key.Key_PageDown)
    assert sidebar.step_index() == 2
    dock.set_presenting(False)

    # Arrows move the lesson while the sidebar has the focus; elsewhere they do not.
    sidebar.next_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sidebar.next_button, timeout=5_000)
    qtbot.keyClick(sidebar.next_button, Qt.Key.Key_Right)
    assert sidebar.step_index() == 3
    qtbot.keyClick(sidebar.next_button, Qt.Key.Key_Left)
    assert sidebar.step_index() == 2
    canvas_focus = window.kernels_panel.view.input_box
    canvas_focus.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is canvas_focus, timeout=5_000)
    qtbot.keyClick(canvas_focus, Qt.Key.Key_Right)
    assert sidebar.step_index() == 2
    # The buttons agree: on the last step of a lesson Next leads on to the next lesson ...
    sidebar.go_to(sidebar.step_count() - 1)
    assert sidebar.next_button.isEnabled() and sidebar.next_button.text() == "Next lesson ▶"
    # ... and only the last step of the last lesson stops.
    last = sidebar.lessons[-1]
    sidebar.select_lesson(last.id, len(last.steps) - 1)
    assert not sidebar.next_button.isEnabled() and not sidebar.next_step()
    assert sidebar.lesson().id == last.id and sidebar.step_index() == len(last.steps) - 1


def test_presentation_mode_goes_full_screen_with_large_text_and_esc_leaves(qtbot, window) -> None:
    dock = window.lessons_dock
    sidebar = dock.sidebar
    sidebar.select_lesson("what-is-a-cnn", 3)  # the Write canvas holds 森
    assert not window.write_panel.canvas.is_empty()
    text_size, zoom = sidebar.text_point_size(), window.zoom()
    window.activateWindow()
    window.write_panel.canvas.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.write_panel.canvas, timeout=5_000)
    qtbot.keyClick(window.write_panel.canvas, Qt.Key.Key_F5)
    assert dock.is_presenting() and window.isFullScreen() and dock.present_action.isChecked()
    assert sidebar.present_button.isChecked()
    # The presentation zoom as far as the window still fits its screen (this 800x600 test screen
    # leaves no room; tests/ui/test_layout_fit.py measures it on projector-sized screens).
    assert window.zoom() >= zoom
    assert sidebar.text_point_size() == pytest.approx(text_size * window.zoom() / zoom * PRESENT_TEXT_SCALE, rel=0.02)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert not dock.is_presenting() and not window.isFullScreen()
    assert window.zoom() == zoom and sidebar.text_point_size() == pytest.approx(text_size)
    assert not window.write_panel.canvas.is_empty()  # Esc left presentation mode; it did not clear the canvas
    sidebar.present_button.click()
    assert dock.is_presenting() and window.isFullScreen()
    window.lessons_dock.present_action.trigger()
    assert not dock.is_presenting() and not window.isFullScreen()


def test_broken_lesson_files_are_listed_and_the_rest_still_load(qtbot, window, tmp_path: Path) -> None:
    dock = window.lessons_dock
    mine = tmp_path / "lessons"
    mine.mkdir()
    good = {"id": "mine", "title": {"en": "Mine"},
            "steps": [{"title": {"en": "Blur"}, "text": {"en": "A blur."},
                       "action": {"panel": "kernels", "preset": "box_blur"}}]}
    (mine / "01-mine.json").write_text(json.dumps(good), encoding="utf-8")
    (mine / "02-broken.json").write_text('{"id": "broken", "title": {"en": "B"}, "steps": [', encoding="utf-8")
    dock.folders = [shipped_lessons_dir(), mine]
    with qtbot.waitSignal(dock.lessons_loaded, timeout=10_000):
        dock.load()
    sidebar = dock.sidebar
    assert sidebar.problems_label.isVisible()
    assert "02-broken.json: is not valid JSON" in sidebar.problems_label.text()
    assert [lesson.id for lesson in sidebar.lessons][-1] == "mine" and len(sidebar.lessons) == 12
    assert sidebar.select_lesson("mine", 0)
    assert window.kernels_panel.view.kernel_editor.preset_box.currentData() == "box_blur"
    assert sidebar.title_label.text() == "Blur"

    bad = tmp_path / "typo.json"
    bad.write_text(json.dumps({**good, "id": "typo", "steps": [{**good["steps"][0],
                                                               "action": {"panel": "kernels", "stride": "2"}}]}),
                   encoding="utf-8")
    assert dock.open_lesson_file(bad) is None
    assert "typo.json: step 1 (“Blur”): action.stride: expected a whole number" in sidebar.problems_label.text()
    assert "typo.json" in window.statusBar().currentMessage()
    # An action this app does not know is refused when the file is opened, not when its step runs.
    window.show_panel(0)
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({**good, "id": "unknown", "steps": [{**good["steps"][0],
                                                                       "action": {"panel": "kernal"}}]}),
                       encoding="utf-8")
    assert dock.open_lesson_file(unknown) is None
    problems = sidebar.problems_label.text()
    assert "unknown.json: step 1 (“Blur”): action.panel: unknown action “kernal”" in problems
    assert "unknown" not in [lesson.id for lesson in sidebar.lessons] and window.current_panel() == "Write"
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**good, "id": "other", "title": {"en": "Other"}}), encoding="utf-8")
    assert dock.open_lesson_file(other).id == "other"
    assert sidebar.lesson().id == "other" and sidebar.chooser.currentText() == "Other"


def test_a_missing_tab_or_model_gives_a_clear_message_under_the_text(qtbot, window, tmp_path: Path) -> None:
    dock = window.lessons_dock
    lesson = {"id": "gaps", "title": {"en": "Gaps"}, "steps": [
        {"title": {"en": "Gone"}, "text": {"en": "A model that is not here."},
         "action": {"panel": "results", "left": "no-such-model"}},
        {"title": {"en": "Photo"}, "text": {"en": "A photo that is not here."},
         "action": {"panel": "kernels", "input": "no-such-photo"}},
    ]}
    path = tmp_path / "gaps.json"
    path.write_text(json.dumps(lesson), encoding="utf-8")
    dock.open_lesson_file(path)
    label = dock.sidebar.action_label
    assert label.isVisible() and "No model named no-such-model" in label.text() and "casia55-cnn" in label.text()
    dock.sidebar.next_step()
    assert label.isVisible() and "no sample picture “no-such-photo”" in label.text()


def test_the_lesson_text_follows_the_interface_language(qtbot, window) -> None:
    sidebar = window.lessons_dock.sidebar
    sidebar.select_lesson("images-as-tensors", 1, enter=False)
    assert sidebar.title_label.text() == "Why 255?"
    try:
        assert i18n.set_language("zh_CN") == "zh_CN"
        assert sidebar.title_label.text() == "为什么是 255？"
        assert "uint8" in sidebar.text.toPlainText() and "字节" in sidebar.text.toPlainText()
        assert sidebar.chooser.currentText() == "1. 图像就是张量"
        notifier().language_changed.emit("zh")  # a bare language code works too
        assert sidebar.title_label.text() == "为什么是 255？"
    finally:
        i18n.set_language("en")
    assert sidebar.title_label.text() == "Why 255?"


def test_the_step_keys_need_no_application_event_filter_and_number_boxes_keep_page_keys(
        qtbot, window, monkeypatch: pytest.MonkeyPatch) -> None:
    installed: list = []
    monkeypatch.setattr(QApplication, "installEventFilter", lambda _app, obj: installed.append(obj))
    dock = window.lessons_dock
    sidebar = dock.sidebar
    assert "eventFilter" not in vars(type(dock))  # no Python code sees every event of the app
    dock.hide()
    dock.show()  # opening the sidebar installs nothing app-wide
    qtbot.waitUntil(dock.isVisible, timeout=5_000)
    sidebar.select_lesson("convolution", 0, enter=False)
    spin = window.teach_panel.view.epochs_spin
    window.show_panel(2)
    window.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is spin, timeout=5_000)
    spin.setValue(500)
    qtbot.keyClick(spin, Qt.Key.Key_PageDown)  # a number box keeps Page Down: ten steps down
    assert spin.value() == 500 - 10 * spin.singleStep() and sidebar.step_index() == 0
    qtbot.keyClick(spin, Qt.Key.Key_PageUp)
    assert spin.value() == 500 and sidebar.step_index() == 0

    dock.set_presenting(True)  # a clicker always moves the lesson, even from a number box
    window.show_panel(2)
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is spin, timeout=5_000)
    qtbot.keyClick(spin, Qt.Key.Key_PageDown)
    assert sidebar.step_index() == 1 and spin.value() == 500
    dock.set_presenting(False)

    # The lessons vanish without the dock noticing: a step key it had taken still reaches its widget.
    panels = window.sidebar
    window.show_panel(0)
    panels.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panels, timeout=5_000)
    sidebar.set_lessons([], [])
    assert window.findChild(QShortcut, "lessonKey_Key_PageDown").isEnabled()
    qtbot.keyClick(panels, Qt.Key.Key_PageDown)
    assert panels.currentRow() > 0
    assert installed == []


def test_esc_leaves_presentation_mode_and_then_clears_the_canvas_again(qtbot, window) -> None:
    dock = window.lessons_dock
    dock.sidebar.select_lesson("what-is-a-cnn", 3)  # the Write canvas holds 森
    canvas = window.write_panel.canvas
    escape = QKeySequence(Qt.Key.Key_Escape)
    assert window.menus.clear_action.shortcuts() == [escape]
    window.activateWindow()
    dock.set_presenting(True)
    assert escape not in window.menus.clear_action.shortcuts()  # never two Esc shortcuts at once (ambiguous)
    canvas.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is canvas, timeout=5_000)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not dock.is_presenting() and not canvas.is_empty()
    assert window.menus.clear_action.shortcuts() == [escape]
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)  # not presenting: Esc is Edit > Clear as always
    assert canvas.is_empty()


def test_opening_the_sidebar_sets_up_the_step_it_shows(qtbot, models_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(sources, "list_cameras", lambda *args, **kwargs: [])
    lessons, _ = load_lessons([shipped_lessons_dir()])

    def open_window() -> MainWindow:
        window = MainWindow(models_dir=models_dir)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.models_ready, timeout=30_000):
            window.show()
            qtbot.waitExposed(window)
        return window

    window = open_window()
    dock, sidebar = window.lessons_dock, window.lessons_dock.sidebar
    done: list[tuple[int, str]] = []
    dock.step_done.connect(lambda index, error: done.append((index, error)))
    assert window.current_panel() == "Write"
    dock.toggle_action.trigger()  # the first open: step 1 of the first lesson, once the lessons are read
    qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    assert done == [(0, "")] and sidebar.lesson().id == lessons[0].id
    first = lessons[0].steps[0].action
    assert window.current_panel() == PANEL_NAMES[first["panel"]]
    check_kernels(qtbot, window, {k: v for k, v in first.items() if k != "panel"})

    dock.toggle_action.trigger()  # closed; the class plays with another panel; the sidebar moves on unseen
    assert dock.isHidden()
    window.show_panel(1)
    assert sidebar.select_lesson("cnn", 2, enter=False)
    done.clear()
    dock.toggle_action.trigger()  # opened again: the step it shows is set up
    qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    assert done == [(2, "")] and window.current_panel() == "Write"
    check_write(qtbot, window, {"character": "森", "models": ["casia55-cnn", "casia55-logistic"]})
    window.close()

    # The next day the window comes up with the sidebar open where the teacher left off: set up too.
    window = MainWindow(models_dir=models_dir)
    qtbot.addWidget(window)
    dock, sidebar = window.lessons_dock, window.lessons_dock.sidebar
    done = []
    dock.step_done.connect(lambda index, error: done.append((index, error)))
    window.show_panel(3)
    window.show()
    qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    assert dock.isVisible() and sidebar.lesson().id == "cnn" and done == [(2, "")]
    assert window.current_panel() == "Write"
    # Shown again without the user opening it (as after a minimise): what the class did stays.
    dock.hide()
    window.show_panel(3)
    done.clear()
    dock.show()
    qtbot.waitUntil(dock.isVisible, timeout=5_000)
    assert done == [] and window.current_panel() == "Kernels"
    window.close()


def test_page_keys_run_on_across_lessons_and_show_the_new_lesson_title(qtbot, window) -> None:
    dock, sidebar = window.lessons_dock, window.lessons_dock.sidebar
    lessons = sidebar.lessons
    first, second = lessons[0], lessons[1]
    assert sidebar.select_lesson(first.id, len(first.steps) - 1)
    assert sidebar.next_button.text() == "Next lesson ▶"
    window.activateWindow()
    canvas = window.write_panel.canvas
    window.show_panel(0)
    canvas.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is canvas, timeout=5_000)
    done: list[tuple[int, str]] = []
    dock.step_done.connect(lambda index, error: done.append((index, error)))
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    assert sidebar.lesson().id == second.id and sidebar.step_index() == 0
    assert sidebar.chooser.currentText() == second.title_in("en")
    assert sidebar.banner.isVisible() and sidebar.banner.text() == second.title_in("en")
    status = dock.status_banner  # in the status bar, beside the panels' own messages
    assert status.isVisible() and second.title_in("en") in status.text()
    qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    assert done == [(0, "")]  # the new lesson's first step ran
    assert window.current_panel() == PANEL_NAMES[second.steps[0].action["panel"]]
    assert sidebar.previous_button.text() == "◀ Previous lesson"

    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_PageUp)  # back: the last step of lesson 1
    assert sidebar.lesson().id == first.id and sidebar.step_index() == len(first.steps) - 1
    assert sidebar.banner.isVisible() and sidebar.banner.text() == first.title_in("en")
    assert status.isVisible() and first.title_in("en") in status.text()

    # The very first step: Page Up and Previous do nothing.
    sidebar.go_to(0)
    assert not sidebar.previous_button.isEnabled() and not sidebar.previous_step()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_PageUp)
    assert sidebar.lesson().id == first.id and sidebar.step_index() == 0
    # Moving within a lesson shows no banner; the banner goes after a moment (its timer).
    sidebar.banner.hide()
    assert sidebar.next_step() and sidebar.step_index() == 1 and sidebar.banner.isHidden()


def test_the_banner_follows_the_language_and_scales_in_presentation_mode(qtbot, window) -> None:
    dock, sidebar = window.lessons_dock, window.lessons_dock.sidebar
    sidebar.select_lesson("convolution", 0)
    assert sidebar.banner.isVisible() and sidebar.banner.text() == "2. Convolution and kernels"
    try:
        assert i18n.set_language("zh_CN") == "zh_CN"
        assert sidebar.banner.text() == sidebar.lesson().title_in("zh") != "2. Convolution and kernels"
        assert sidebar.next_button.text() == tr_zh("Next ▶")
    finally:
        i18n.set_language("en")
    size = sidebar.banner.font().pointSizeF()
    dock.set_presenting(True)
    assert sidebar.banner.font().pointSizeF() > size * 1.5
    dock.set_presenting(False)
    assert sidebar.banner.font().pointSizeF() == pytest.approx(size)


def tr_zh(source: str) -> str:
    """``source`` as the Chinese interface shows it (the catalogue must translate it)."""
    text = i18n.tr(source)
    assert text != source, f"no Chinese for {source!r}"
    return text
