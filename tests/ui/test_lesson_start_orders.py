"""A lesson step that reads a panel's model list gets that list, whatever order things happen in.

Lesson 10 step 3 once said "No photo model named imagenet-efficientnet-lite0. The photo models here
are: none." while the Camera panel was ranking the cat with that very model: the step ran before the
panel had listed its models. Each action that reads a model list (Write, Camera, Results; Teach
reads none) is run here in every start order, forced rather than hoped for:

- ``unbuilt``: the step runs before the panel exists (it is built by the step), models not scanned;
- ``built``: the panel exists, its models are not scanned yet;
- ``emitted``: the worker has announced the models (a direct slot in the worker thread says so) and
  the GUI thread has not delivered that announcement yet: the step must catch it, not wait for a
  next one that never comes;
- ``delivered``: the panel has its list before the step runs: the step finishes at once.

The models are tiny ONNX files in a folder standing in for the shipped ones, so every scan is quick.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.core import registry
from desktop.ui import sources
from desktop.ui.write import model_host
from desktop.ui.lessons.actions import ActionContext, ActionError, run_action
from desktop.ui.main_window import MainWindow
from tests.tiny_onnx import linear_character_model, photo_model

WORKER_DEADLINE_S = 60.0
WAIT_MS = 30_000
ORDERS = ("unbuilt", "built", "emitted", "delivered")

WRITE_STEP = {"panel": "write", "models": ["chars-logistic"]}
CAMERA_STEP = {"panel": "camera", "models": ["photo-mine"]}
RESULTS_STEP = {"panel": "results", "left": "chars-logistic", "compare": False}


@pytest.fixture(autouse=True)
def tiny_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two character models and two photo models in place of the shipped ones; no webcam probe."""
    folder = tmp_path / "shipped-models"
    folder.mkdir()
    linear_character_model(folder / "chars-cnn.onnx", ["大", "小"], title="Tiny CNN")
    linear_character_model(folder / "chars-logistic.onnx", ["大", "小"], seed=1, title="Tiny logistic regression")
    photo_model(folder / "photo-imagenet.onnx", ["cat", "dog", "cup"], title="Tiny ImageNet")
    photo_model(folder / "photo-mine.onnx", ["red", "green", "blue"], weights=np.eye(3) * 0.05, task="custom",
                title="My classes")
    monkeypatch.setattr(registry, "shipped_models_dir", lambda: folder)
    monkeypatch.setattr(sources, "list_cameras", lambda *args, **kwargs: [])
    return folder


class StepRun:
    """One run of a step's action as the dock makes it: what it reported, and when it finished."""

    def __init__(self, window: MainWindow):
        self.failures: list[str] = []
        self.finished: list[str] = []
        self.context = ActionContext(window, self.failures.append, self.finished.append)

    def start(self, action: dict) -> str:
        error = ""
        try:
            run_action(self.context, action)
        except ActionError as exc:
            error = str(exc)
        self.context.handler_returned(error)
        return error

    def wait(self, qtbot) -> str:
        qtbot.waitUntil(lambda: bool(self.finished), timeout=WAIT_MS)
        assert len(self.finished) == 1
        return self.finished[0]


def new_window(qtbot) -> MainWindow:
    """A main window whose model host is held back: the test says when it starts."""
    original = model_host.ModelHost.start
    model_host.ModelHost.start = lambda self: None
    try:
        window = MainWindow()
    finally:
        model_host.ModelHost.start = original
    qtbot.addWidget(window)
    return window


def announced(signal) -> threading.Event:
    """Set in the worker thread at the moment ``signal`` is emitted, before any queued delivery."""
    event = threading.Event()
    signal.connect(lambda *_: event.set(), Qt.ConnectionType.DirectConnection)  # touches no Qt object
    return event


def stem(path) -> str:
    return Path(path).stem


def deliver_queued() -> None:
    """Deliver what is queued now and what that queues in turn (a delivery, then a check after it)."""
    for _ in range(5):
        QApplication.processEvents()


# -- Write: the window's announcement follows the panel's own ----------------------------------------
@pytest.mark.parametrize("order", ["built", "emitted", "delivered"])
def test_a_write_step_chooses_its_models_in_every_start_order(qtbot, order: str) -> None:
    window = new_window(qtbot)  # the Write panel is always built with the window
    run = StepRun(window)
    if order == "built":
        run.start(WRITE_STEP)
        assert not run.finished and run.context.is_waiting()
        window.host.start()
    elif order == "emitted":
        event = announced(window.host.models_ready)
        window.host.start()
        assert event.wait(WORKER_DEADLINE_S), "the model host never announced its models"
        assert not window.models_known(), "the announcement must still be on its way"
        run.start(WRITE_STEP)
    else:
        with qtbot.waitSignal(window.models_ready, timeout=WAIT_MS):
            window.host.start()
        run.start(WRITE_STEP)
        assert run.finished == [""]  # nothing to wait for
    assert run.wait(qtbot) == ""
    assert run.failures == []
    assert [stem(p) for p in window.write_panel.chosen_models()] == ["chars-logistic"]


# -- Camera: the panel's own worker, built with the panel --------------------------------------------
@pytest.mark.parametrize("order", ORDERS)
def test_a_camera_step_chooses_its_models_in_every_start_order(qtbot, order: str) -> None:
    window = new_window(qtbot)
    run = StepRun(window)
    if order == "unbuilt":
        run.start(CAMERA_STEP)  # builds the panel and starts its models
    elif order == "built":
        panel = window.camera_panel
        assert not panel.models_loaded()
        run.start(CAMERA_STEP)
    elif order == "emitted":
        panel = window.camera_panel
        event = announced(panel.classifier.models_ready)
        panel.start_models()
        assert event.wait(WORKER_DEADLINE_S), "the photo classifier never announced its models"
        assert not panel.models_loaded(), "the announcement must still be on its way"
        run.start(CAMERA_STEP)
        assert not run.finished  # it is caught once delivered, with no second announcement
    else:
        panel = window.camera_panel
        panel.start_models()
        qtbot.waitUntil(panel.models_loaded, timeout=WAIT_MS)
        run.start(CAMERA_STEP)
        assert run.finished == [""]
    assert run.wait(qtbot) == ""
    assert run.failures == []
    panel = window.camera_panel
    assert [stem(p) for p in panel.chosen_models()] == ["photo-mine"]
    assert panel.error_message() is None


def test_a_camera_step_naming_a_missing_model_lists_the_real_ones_not_none(qtbot) -> None:
    window = new_window(qtbot)
    run = StepRun(window)
    run.start({"panel": "camera", "models": ["imagenet-efficientnet-lite0"]})
    error = run.wait(qtbot)
    assert "No photo model named imagenet-efficientnet-lite0" in error
    assert "photo-imagenet, photo-mine" in error and "none" not in error
    assert run.failures == [error]


def test_a_camera_step_with_all_models_ticks_every_photo_model_once_they_are_listed(qtbot) -> None:
    window = new_window(qtbot)
    run = StepRun(window)
    run.start({"panel": "camera", "all_models": True})
    assert run.wait(qtbot) == ""
    assert sorted(stem(p) for p in window.camera_panel.chosen_models()) == ["photo-imagenet", "photo-mine"]


# -- Results: fed by the window, built on first show ----------------------------------------------
@pytest.mark.parametrize("order", ORDERS)
def test_a_results_step_chooses_its_model_in_every_start_order(qtbot, order: str) -> None:
    window = new_window(qtbot)
    run = StepRun(window)
    if order == "unbuilt":
        run.start(RESULTS_STEP)
        assert not run.finished
        window.host.start()
    elif order == "built":
        window.results_panel  # noqa: B018 - building it is the point
        run.start(RESULTS_STEP)
        assert not run.finished
        window.host.start()
    elif order == "emitted":
        event = announced(window.host.models_ready)
        window.host.start()
        assert event.wait(WORKER_DEADLINE_S), "the model host never announced its models"
        run.start(RESULTS_STEP)  # builds the panel while the announcement is on its way
        assert not run.finished
    else:
        with qtbot.waitSignal(window.models_ready, timeout=WAIT_MS):
            window.host.start()
        run.start(RESULTS_STEP)
        assert run.finished == [""]
    assert run.wait(qtbot) == ""
    panel = window.results_panel
    assert stem(panel.left.chosen_path()) == "chars-logistic"
    assert panel.right.isHidden()


def test_a_teach_step_reads_no_models_and_finishes_at_once(qtbot) -> None:
    window = new_window(qtbot)
    run = StepRun(window)
    assert run.start({"panel": "teach"}) == ""
    assert run.finished == [""] and window.current_panel() == "Teach"


# -- a step left before its models came ---------------------------------------------------------
def test_a_step_left_before_its_models_came_changes_nothing_when_they_come(qtbot) -> None:
    window = new_window(qtbot)
    first = StepRun(window)
    first.start({"panel": "camera", "models": ["no-such-model"]})
    assert first.context.is_waiting()
    first.context.cancel()  # the teacher pressed Page Down: the dock cancels the run it leaves
    panel = window.camera_panel
    qtbot.waitUntil(panel.models_loaded, timeout=WAIT_MS)
    deliver_queued()  # what was queued behind the list would land now (and must not)
    assert first.finished == [] and first.failures == []
    # The panel's own choice stands: the ImageNet model, not the missing one nor an error.
    assert [stem(p) for p in panel.chosen_models()] == ["photo-imagenet"]


def test_the_dock_cancels_the_run_it_leaves_and_reports_each_finished_step(qtbot, tmp_path: Path) -> None:
    import json

    window = new_window(qtbot)
    dock = window.lessons_dock
    lesson = {"id": "orders", "title": {"en": "Orders"}, "steps": [
        {"title": {"en": "Camera"}, "text": {"en": "A model not here."},
         "action": {"panel": "camera", "models": ["no-such-model"]}},
        {"title": {"en": "Teach"}, "text": {"en": "No models read."}, "action": {"panel": "teach"}},
        {"title": {"en": "Write"}, "text": {"en": "Two models."}, "action": WRITE_STEP},
    ]}
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(lesson), encoding="utf-8")
    with qtbot.waitSignal(dock.lessons_loaded, timeout=WAIT_MS):
        dock.load()  # read first: a load finishing mid-test would redraw the sidebar
    done: list[tuple[int, str]] = []
    dock.step_done.connect(lambda index, error: done.append((index, error)))
    dock.open_lesson_file(path)  # runs step 1: it waits for the photo models
    assert dock.is_step_running() and done == []
    dock.sidebar.next_step()  # step 2 before the models came: step 1 never reports
    assert done == [(1, "")] and not dock.is_step_running()
    qtbot.waitUntil(window.camera_panel.models_loaded, timeout=WAIT_MS)
    deliver_queued()
    assert done == [(1, "")] and dock.sidebar.action_label.isHidden()
    dock.sidebar.next_step()  # step 3 waits for the character models, which the test now starts
    assert dock.is_step_running()
    window.host.start()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT_MS)
    assert done[-1] == (2, "")
    assert [stem(p) for p in window.write_panel.chosen_models()] == ["chars-logistic"]
    # A problem found after the models came is shown under the text and reported with the step.
    dock.sidebar.go_to(0)
    qtbot.waitUntil(lambda: len(done) == 3, timeout=WAIT_MS)
    assert done[-1][0] == 0 and "No photo model named no-such-model" in done[-1][1]
    assert "photo-imagenet, photo-mine" in dock.sidebar.action_label.text()
