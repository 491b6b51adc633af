"""The lesson steps that use "Why?": the action turns the heat map on and the map answers the step's question."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.registry import shipped_models_dir
from desktop.ui import sources
from desktop.ui.main_window import MainWindow

NEEDED = ("casia55-cnn.onnx", "imagenet-efficientnet-lite0.onnx")
pytestmark = pytest.mark.skipif(not all((shipped_models_dir() / n).is_file() for n in NEEDED),
                                reason="needs the shipped CNN and EfficientNet-Lite0")


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(sources, "list_cameras", lambda *args, **kwargs: [])  # never open a real webcam
    window = MainWindow(models_dir=tmp_path / "models")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.models_ready, timeout=30_000):
        window.show()
        qtbot.waitExposed(window)
    dock = window.lessons_dock
    with qtbot.waitSignal(dock.lessons_loaded, timeout=10_000):
        dock.toggle_action.trigger()
    yield window
    window.close()


def run_step(qtbot, window: MainWindow, lesson_id: str, title: str) -> None:
    dock = window.lessons_dock
    lesson = next(lesson for lesson in dock.sidebar.lessons if lesson.id == lesson_id)
    index = next(i for i, step in enumerate(lesson.steps) if step.title_in("en") == title)
    done: list[str] = []
    dock.step_done.connect(lambda _index, error: done.append(error))
    assert dock.sidebar.select_lesson(lesson_id, index)
    qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    assert done[-1] == ""


def test_the_error_analysis_step_shows_the_evidence_for_ben(qtbot, window: MainWindow) -> None:
    run_step(qtbot, window, "error-analysis", "Why did it say that?")
    panel = window.write_panel
    assert panel.why.is_on()
    qtbot.waitUntil(lambda: panel.why.answer() is not None and panel.why.controller.is_up_to_date(), timeout=30_000)
    explanation = panel.why.answer().explanation
    assert (explanation.class_name, explanation.method) == ("本", "cam")
    # The short stroke across the bottom of the vertical (the lower quarter of the input) is evidence.
    assert explanation.heat[60:75].max() > 0.5


def test_the_transfer_learning_step_shows_where_the_network_read_espresso(qtbot, window: MainWindow) -> None:
    run_step(qtbot, window, "transfer-learning", "Where did it look?")
    panel = window.camera_panel
    assert panel.why.is_on()
    qtbot.waitUntil(lambda: panel.why.answer() is not None and panel.why.controller.is_up_to_date(), timeout=30_000)
    explanation = panel.why.answer().explanation
    assert (explanation.class_name, explanation.method) == ("espresso", "cam")
    # The cup fills the middle of the photo; the table shows at its edges.
    heat = explanation.heat
    middle, border = heat[56:168, 56:168], heat.copy()
    border[40:184, 40:184] = 0
    assert middle.mean() > 2 * border.sum() / (224 * 224 - 144 * 144)
