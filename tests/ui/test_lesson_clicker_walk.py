"""A presenter's clicker alone goes through the whole course at 1280×720: every lesson, every step.

The walk runs in a child process (``tests/ui/lesson_clicker_walk.py``) because the screen size is a
property of Qt's platform, fixed before the application starts. Page Down is the only key, sent to
whatever widget has the focus, from the first step of the first lesson to the last step of the last,
once in the window and once in presentation mode (F5). Every step's action must finish without a
problem (the dock's ``step_done``), the new lesson's title must be shown at each lesson change, the
window must stay on the screen, and Qt must report no object used from a wrong thread.
tests/ui/test_lesson_walkthrough.py complements it: each lesson chosen by hand, twice, at a window size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from desktop.core.lessons import load_lessons, shipped_lessons_dir
from tests.tiny_onnx import photo_model

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1280, 720)
CHILD_TIMEOUT_S = 540


def run_walk(tmp_path: Path, present: bool) -> dict:
    models = tmp_path / "models"
    models.mkdir()
    # A model of the user's own beside the ImageNet one: the last camera step ticks all photo models.
    photo_model(models / "my-classes.onnx", ["red", "green", "blue"], weights=np.eye(3) * 0.05, task="custom",
                title="My classes")
    out = tmp_path / "walk.json"
    command = [sys.executable, "-m", "tests.ui.lesson_clicker_walk", "--width", str(SCREEN[0]),
               "--height", str(SCREEN[1]), "--models", str(models), "--out", str(out)]
    if present:
        command.append("--present")
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    # The home, config and data folders are this test's own (tests/conftest.py), so the child's too.
    result = subprocess.run(command, cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": path},
                            capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    assert result.returncode == 0 and out.is_file(), f"exit {result.returncode}\n{result.stderr[-4000:]}"
    return json.loads(out.read_text(encoding="utf-8"))


def on_screen(rect: list[int]) -> bool:
    x, y, width, height = rect
    return x >= 0 and y >= 0 and x + width <= SCREEN[0] and y + height <= SCREEN[1]


@pytest.mark.parametrize("present", [False, True], ids=["window", "presentation-mode"])
def test_page_down_alone_walks_every_lesson_from_the_first_step_to_the_last(tmp_path: Path, present: bool) -> None:
    lessons, problems = load_lessons([shipped_lessons_dir()])
    assert not problems and len(lessons) == 11
    record = run_walk(tmp_path, present)
    assert record["stuck"] is None, record["stuck"]
    assert record["cross_thread_warnings"] == []
    assert record["window_open"] and record["presenting_at_end"] == present

    expected = [(lesson.id, index) for lesson in lessons for index in range(len(lesson.steps))]
    walked = [(step["lesson"], step["step"]) for step in record["steps"]]
    assert walked == expected  # opening the sidebar set up step 1; every Page Down one step on
    problems = [f"{s['lesson']} step {s['step'] + 1}: {s['error']}" for s in record["steps"] if s["error"]]
    assert problems == []
    for step, lesson_step in zip(record["steps"], (lesson.steps[i] for lesson in lessons
                                                   for i in range(len(lesson.steps)))):
        assert step["panel"].lower() == lesson_step.action["panel"], step
        assert on_screen(step["window"]), f"the window left the {SCREEN} screen at {step}"
    assert record["after_end"] is None  # Page Down on the very last step changes nothing

    changes = record["lesson_changes"]
    assert [(c["from"], c["to"]) for c in changes] == [(a.id, b.id) for a, b in zip(lessons, lessons[1:])]
    for change in changes:
        assert change["banner"] == change["title"], change
        assert change["status"] is not None and change["title"] in change["status"], change
        assert change["banner_inside"], change
