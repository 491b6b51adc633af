"""Closing the app in the middle of capture, classification or training exits cleanly and promptly.

Each test starts the real app (``python -m desktop``) offscreen in a child process with its own
settings and data folders, puts it into a busy state through its command line (a video playing in
the Camera panel while it classifies; a Teach project training), then closes it the ways a user or
the system does: the window's own close (``--quit-after``), SIGTERM and Ctrl+C (SIGINT). The app
must exit with code 0, without Qt's "thread destroyed while still running" and with its log
saying what it stopped. The one-second target itself is measured by
``python -m benchmarks.bench_exit`` (timings on a shared test machine are not a reliable test);
here a generous bound still catches a close that waits for a job to finish.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.bench_exit import close_and_time, write_teach_project, write_video

#: Far above the 1 s target, far below the 10 s a job used to be given to finish on its own.
GENEROUS_EXIT_S = 5.0

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    # Enough photos that embedding them outlasts the close even on a fast machine.
    return write_video(folder / "clip.avi"), write_teach_project(folder / "shapes", per_class=1000)


def check(result: dict, busy: str) -> None:
    assert result["clean"], result["stderr"]
    assert f"while running: {busy}" in result["log"], result["log"]
    assert "window closed in" in result["log"]
    assert result["seconds"] < GENEROUS_EXIT_S, f"{result['seconds']:.2f} s\n{result['log']}"


@pytest.mark.parametrize("how", ["window", "SIGTERM", "SIGINT"])
def test_closing_while_capturing_and_classifying_exits_cleanly(tmp_path, inputs, how):
    result = close_and_time("camera", how, tmp_path / "home", *inputs)
    # Capture is always running; whether a frame is being classified at that very moment is luck
    # (a fast machine classifies a frame in well under the time between two frames).
    check(result, "capture")


@pytest.mark.parametrize("how", ["window", "SIGTERM"])
def test_closing_while_training_exits_cleanly(tmp_path, inputs, how):
    check(close_and_time("teach", how, tmp_path / "home", *inputs), "a Teach job")
