"""The main window: panels, menus, skipped models, remembered layout, accessibility, no TensorFlow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QScrollBar,
    QWidget,
)

from desktop import __version__
from desktop.ui.app import CrashReporter, setup_logging
from desktop.ui.main_window import PANELS, WINDOW_TITLE, MainWindow
from desktop.ui.panel_commands import PANEL_COMMANDS
from desktop.ui.write.canvas import DrawingCanvas
from tests.tiny_onnx import linear_character_model
from tests.ui.drawing import draw_character

REPO_ROOT = Path(__file__).resolve().parents[2]


def subprocess_env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": path, **extra}


@pytest.fixture
def open_window(qtbot):
    def make(models_dir: Path | None = None) -> MainWindow:
        window = MainWindow(models_dir=models_dir)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.models_ready, timeout=30_000):
            window.show()
            qtbot.waitExposed(window)
        return window
    return make


def test_window_has_the_five_panels_and_menu_shortcuts(open_window) -> None:
    window = open_window()
    assert window.windowTitle() == WINDOW_TITLE
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == list(PANELS)
    assert window.current_panel() == "Write"
    menus = window.menus
    for index, name in enumerate(PANELS):
        assert menus.panel_actions[index].shortcut().toString() == f"Ctrl+{index + 1}"
        menus.panel_actions[index].trigger()
        assert window.current_panel() == name
    assert menus.undo_action.shortcut().toString() == "Ctrl+Z"
    assert menus.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    assert menus.clear_action.shortcut().toString() == "Esc"
    assert menus.quit_action.shortcut().toString() == "Ctrl+Q"
    assert menus.open_action.shortcut().toString() == "Ctrl+O"
    assert menus.zoom_reset_action.shortcut().toString() == "Ctrl+0"


def test_every_panel_is_shown_by_name_and_offers_its_commands(open_window) -> None:
    window = open_window()
    assert set(PANEL_COMMANDS) == set(PANELS)
    for name in (*PANELS[1:], PANELS[0]):  # Write last: each one is a change of panel
        panel = window.show_panel_named(name)
        page = window.stack.currentWidget()
        assert window.current_panel() == name and panel.isVisible()
        assert panel is page or panel is page.panel  # the panel shown, not a placeholder
        assert isinstance(panel, PANEL_COMMANDS[name]), f"the {name} panel lacks its commands"
    assert window.show_panel_named("Write") is window.write_panel


def test_edit_menu_drives_the_write_panel(qtbot, open_window) -> None:
    window = open_window()
    panel = window.write_panel
    draw_character(panel.canvas, "人", seed=0)
    assert len(panel.canvas.strokes()) == 2
    menus = window.menus
    menus.undo_action.trigger()
    assert len(panel.canvas.strokes()) == 1
    menus.redo_action.trigger()
    assert len(panel.canvas.strokes()) == 2
    menus.clear_action.trigger()
    assert panel.canvas.is_empty()
    shown = panel.grid_visible()
    menus.grid_action.trigger()
    assert menus.grid_action.isChecked() == panel.grid_visible() == panel.canvas.grid_visible() != shown
    panel.set_grid_visible(shown)  # the panel's own check box: the menu follows
    assert menus.grid_action.isChecked() == shown


def test_corrupt_and_wrong_shaped_models_are_listed_and_the_app_keeps_working(qtbot, open_window,
                                                                             tmp_path: Path) -> None:
    (tmp_path / "corrupt.onnx").write_bytes(b"this is not a protobuf \x00\xff")
    linear_character_model(tmp_path / "mnist-28x28.onnx", ["0", "1"], height=28, width=28)
    window = open_window(tmp_path)
    assert {p.path.name for p in window.problems} == {"corrupt.onnx", "mnist-28x28.onnx"}
    assert window.banner.isVisible()
    text = window.banner.label.text()
    assert "corrupt.onnx" in text and "mnist-28x28.onnx" in text and "80x60x1" in text
    assert "corrupt.onnx" in window.statusBar().currentMessage()
    window.banner.close_button.click()
    assert not window.banner.isVisible()
    if window.models:  # shipped models still recognise
        draw_character(window.write_panel.canvas, "口", seed=1)
        qtbot.waitUntil(window.write_panel.is_up_to_date, timeout=10_000)
        assert window.write_panel.candidate_view().shown_candidates()[0] == "口"


def test_layout_panel_and_zoom_are_remembered(qtbot, open_window) -> None:
    window = open_window()
    base = window.font().pointSizeF()
    window.menus.panel_actions[3].trigger()
    window.menus.zoom_in_action.trigger()
    window.menus.zoom_in_action.trigger()
    zoomed = window.font().pointSizeF()
    assert zoomed > base * 1.2
    window.close()

    again = open_window()
    assert again.current_panel() == PANELS[3]
    assert again.font().pointSizeF() == pytest.approx(zoomed)
    # Where the window was is remembered too (restored when it fits the screen: tests/ui/test_window_fit.py).
    from PySide6.QtCore import QSettings

    assert QSettings().value("window/normal_geometry") is not None and QSettings().value("window/panel") is not None
    again.menus.zoom_reset_action.trigger()
    assert again.font().pointSizeF() == pytest.approx(base)


def test_about_box_shows_versions_and_data_licences(qtbot, open_window, tmp_path) -> None:
    import onnxruntime

    window = open_window(tmp_path / "my models")
    box = window.show_about()
    qtbot.addWidget(box)
    text = box.text()
    for needle in (__version__, onnxruntime.__version__, "PySide6", "OpenCV", "NumPy", "Arphic", "ARPHICPL.TXT",
                   "CC BY-SA", "CC-CEDICT"):
        assert needle in text, needle
    assert str(window.models_dir) in text  # where a user puts their own models
    box.close()


INTERACTIVE = (QAbstractButton, QAbstractSlider, QComboBox, QLineEdit, QListWidget, DrawingCanvas)


def test_every_interactive_widget_has_an_object_name_and_an_accessible_name(open_window) -> None:
    window = open_window()
    missing = []
    checked = 0
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE):
            continue
        if isinstance(widget, QScrollBar) or widget.objectName().startswith("qt_"):
            continue  # parts of Qt's own composite widgets (scroll bars, the menu bar's overflow button)
        checked += 1
        if not widget.objectName() or not widget.accessibleName():
            missing.append(f"{widget.metaObject().className()} name={widget.objectName()!r} "
                           f"accessible={widget.accessibleName()!r} text={getattr(widget, 'text', lambda: '')()!r}")
    assert checked >= 8
    assert missing == []


def test_crash_handler_logs_and_shows_a_dialog_without_recursing(qtbot, tmp_path: Path) -> None:
    log_path = setup_logging(tmp_path / "logs")
    reporter = CrashReporter(log_path)
    try:
        raise RuntimeError("boom for the test")
    except RuntimeError:
        reporter.handle(*sys.exc_info())
    qtbot.waitUntil(lambda: bool(reporter._open_dialogs))
    box: QMessageBox = reporter._open_dialogs[0]
    assert str(log_path) in box.informativeText() and not box.isModal()
    assert "boom for the test" in log_path.read_text(encoding="utf-8")
    box.close()
    # An error while reporting falls back to Python's own hook instead of looping.
    reporter._handling.active = True
    reporter.handle(ValueError, ValueError("nested"), None)
    reporter._handling.active = False


_NO_TENSORFLOW_PROBE = textwrap.dedent(
    """
    import json, sys
    from desktop.ui.app import create_application
    from desktop.ui.main_window import MainWindow
    app = create_application()
    window = MainWindow()
    window.show()
    app.processEvents()
    window.close()
    print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'training'))))
    """
)


def test_creating_the_main_window_imports_no_tensorflow_or_keras(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", _NO_TENSORFLOW_PROBE], cwd=REPO_ROOT,
                            env=subprocess_env(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path)),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("broken_models", [False, True], ids=["shipped-models", "corrupt-model-folder"])
def test_smoke_test_option_opens_the_app_and_exits_cleanly(tmp_path: Path, broken_models: bool) -> None:
    args = ["--smoke-test"]
    if broken_models:
        (tmp_path / "broken.onnx").write_bytes(b"\x08\x07garbage")
        args += ["--models-dir", str(tmp_path)]
    result = subprocess.run([sys.executable, "-m", "desktop", *args], cwd=REPO_ROOT,
                            env=subprocess_env(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path)),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_version_option_needs_no_display() -> None:
    env = {k: v for k, v in subprocess_env().items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "desktop", "--version"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cnn-classroom {__version__}"


def test_panels_other_than_write_are_built_when_first_shown(open_window) -> None:
    window = open_window()
    pages = {name: window.stack.widget(PANELS.index(name)) for name in PANELS[1:]}
    assert all(page.panel is None for page in pages.values())  # a fast start: nothing built yet
    window.show_panel(PANELS.index("Results"))
    assert pages["Results"].panel is not None and pages["Results"].panel.isVisible()
    assert pages["Camera"].panel is None
