"""The Teach panel guides and reports: its three steps with the next one highlighted, a progress bar
that moves only while work runs, the result of a training in plain sight, and a chart legend that
no narrow chart can cut."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from desktop.core.registry import shipped_models_dir
from desktop.ui import i18n
from desktop.ui.results.curves import TrainingCurves
from desktop.ui.teach.panel import TeachPanel
from desktop.ui.teach.steps_guide import ADD_CLASSES, ADD_SAMPLES, DONE, TRAIN, next_step

from tests.ui.on_screen import rect_in

EXTRACTOR = shipped_models_dir() / "efficientnet-lite0-features.onnx"
COLOURS = {"red": (220, 30, 30), "blue": (30, 40, 220)}
PER_CLASS = 4
WAIT_MS = 60_000
PROJECTOR = (1146, 640)  # what a 1280 x 720 window leaves the panel


def noisy_colour_png(path: Path, colour: tuple[int, int, int], seed: int) -> Path:
    rng = np.random.default_rng(seed)
    rgb = np.clip(np.array(colour, np.float32) + rng.normal(0, 25, (64, 80, 3)), 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.tobytes())
    return path


@pytest.fixture
def photo_folders(tmp_path: Path) -> dict[str, Path]:
    """One folder of pictures per class."""
    folders = {}
    for k, (name, colour) in enumerate(COLOURS.items()):
        for i in range(PER_CLASS):
            noisy_colour_png(tmp_path / "photos" / name / f"{i}.png", colour, seed=10 * k + i)
        folders[name] = tmp_path / "photos" / name
    return folders


@pytest.fixture
def panel(qtbot, tmp_path: Path):
    made = TeachPanel(project_folder=tmp_path / "project", user_models_dir=tmp_path / "models")
    qtbot.addWidget(made)
    made.resize(*PROJECTOR)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.shutdown()


def wait_idle(qtbot, panel: TeachPanel) -> None:
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT_MS)


def assert_in_plain_sight(widget: QWidget, panel: QWidget, what: str) -> None:
    """Visible, inside the panel, and in no scroll area (nothing to scroll to see it)."""
    assert widget.isVisible(), f"{what} is hidden"
    assert panel.rect().contains(rect_in(widget, panel)), f"{what} at {rect_in(widget, panel)} leaves the panel"
    parent = widget.parentWidget()
    while parent is not None and parent is not panel:
        assert not isinstance(parent, QAbstractScrollArea), f"{what} sits in the scroll area {parent.objectName()!r}"
        parent = parent.parentWidget()


def highlighted(panel: TeachPanel) -> list[int]:
    """Numbers (from 1) of the steps shown as the next one."""
    return [n + 1 for n, label in enumerate(panel.view.steps.step_labels) if label.property("stepState") == "next"]


def test_next_step_follows_classes_samples_and_training() -> None:
    assert next_step([], trained=False) == ADD_CLASSES
    assert next_step([5], trained=False) == ADD_CLASSES  # one class cannot be trained
    assert next_step([5, 1], trained=False) == ADD_SAMPLES
    assert next_step([0, 0], trained=False) == ADD_SAMPLES
    assert next_step([2, 2], trained=False) == TRAIN
    assert next_step([2, 2], trained=True) == DONE


def test_the_empty_panel_shows_three_steps_and_highlights_adding_classes(panel: TeachPanel) -> None:
    assert panel.view.steps.step() == ADD_CLASSES and highlighted(panel) == [1]
    texts = [label.text() for label in panel.view.steps.step_labels]
    assert "Add classes" in texts[0] and "Add samples" in texts[1] and "Train" in texts[2]
    assert "press Add" in panel.view.steps.hint.text()
    assert_in_plain_sight(panel.view.steps, panel, "the steps")


def test_the_steps_move_on_as_classes_and_samples_come(qtbot, panel: TeachPanel, photo_folders) -> None:
    assert panel.add_class("red")
    assert panel.view.steps.step() == ADD_CLASSES  # one class is not enough
    assert panel.add_class("blue")
    assert panel.view.steps.step() == ADD_SAMPLES and highlighted(panel) == [2]
    assert "'red'" in panel.view.steps.hint.text()  # the first class that needs pictures is named
    first = panel.view.steps.step_labels[0]
    assert first.property("stepState") == "done" and "✓" in first.text()
    for name, folder in photo_folders.items():
        panel.select_class(name)
        assert panel.add_files([folder])
        wait_idle(qtbot, panel)
    assert panel.view.steps.step() == TRAIN and highlighted(panel) == [3]
    assert "Train" in panel.view.steps.hint.text()


def test_the_progress_bar_moves_only_while_a_job_runs(qtbot, panel: TeachPanel, photo_folders) -> None:
    assert panel.view.progress_bar.isHidden()
    assert panel.add_class("red")
    assert panel.add_files([photo_folders["red"]])  # what Folder… does
    assert panel.view.progress_bar.isVisible()  # busy
    wait_idle(qtbot, panel)
    # Done: no bar reading 100 % as if something had been trained.
    assert panel.view.progress_bar.isHidden() and panel.view.progress_bar.value() == 0
    assert "Added 4 sample(s)" in panel.status_text()


@pytest.mark.skipif(not EXTRACTOR.is_file(), reason="needs the shipped feature extractor")
def test_training_ends_with_the_held_out_accuracy_in_plain_sight(qtbot, panel: TeachPanel, photo_folders,
                                                                tmp_path: Path) -> None:
    assert not panel.view.result_view.isVisible()
    for name, folder in photo_folders.items():
        assert panel.add_class(name)
        assert panel.add_files([folder])
        wait_idle(qtbot, panel)
    with qtbot.waitSignal(panel.trained, timeout=WAIT_MS):
        assert panel.train()
    wait_idle(qtbot, panel)
    qtbot.wait(50)  # the result is laid out
    headline = panel.view.result_view.headline_text()
    assert re.fullmatch(r"Done: held-out accuracy \d+%", headline), headline
    per_class = panel.view.result_view.per_class.text()
    assert all(re.search(rf"{name} (\d+%|n/a)", per_class) for name in COLOURS), per_class
    assert_in_plain_sight(panel.view.result_view.headline, panel, "the result")
    assert_in_plain_sight(panel.view.result_view.per_class, panel, "the accuracy per class")
    assert panel.view.progress_bar.isHidden() and panel.view.progress_bar.value() == 0
    assert panel.view.steps.step() == DONE and highlighted(panel) == []
    # A new class makes the model out of date: the guide asks for its samples, then for training.
    assert panel.add_class("green")
    assert panel.view.steps.step() == ADD_SAMPLES and not panel.is_trained()
    # Another project starts with no result.
    assert panel.new_project(tmp_path / "fresh", "Fresh")
    assert not panel.view.result_view.isVisible() and panel.view.steps.step() == ADD_CLASSES


def test_the_steps_speak_chinese(panel: TeachPanel) -> None:
    i18n.set_language("zh_CN")
    try:
        assert "添加类别" in panel.view.steps.step_labels[0].text()
        assert "添加" in panel.view.steps.hint.text()
    finally:
        i18n.set_language("en")
    assert "Add classes" in panel.view.steps.step_labels[0].text()


@pytest.mark.parametrize("width", [200, 300, 900])
@pytest.mark.parametrize("factor", [1.0, 1.5])
def test_the_chart_legend_shows_both_words_at_every_size(qtbot, width: int, factor: float) -> None:
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    font = QFont(curves.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    curves.setFont(font)
    curves.set_history({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.6, 0.4],
                        "accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.4, 0.7, 0.85]}, None)
    curves.resize(width, 320)
    curves.show()
    qtbot.waitExposed(curves)
    for name, word in (("training", "training"), ("validation", "validation")):
        label = curves.legend.labels[name]
        assert label.isVisible() and curves.legend.swatches[name].isVisible()
        assert label.text() == word
        assert label.width() >= label.fontMetrics().horizontalAdvance(word), f"{word!r} is cut"
        assert curves.rect().contains(rect_in(label, curves)), f"{word!r} at {rect_in(label, curves)} leaves the chart"
