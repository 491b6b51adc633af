"""A short version of the long-session benchmark (``python -m benchmarks.bench_soak``).

300 drawings recognised through the real Write panel and 2,000 video frames through the Camera
panel's capture path and classifier: no thread may be left over, memory stays within a generous
bound, and closing the window in the middle of it all stops every thread at once. The full-size
figures (10,000 recognitions, 54,000 frames) come from the benchmark.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_app import open_main_window
from benchmarks.bench_soak import (
    leftover_threads,
    soak_camera,
    soak_write,
    thread_census,
    warm_libraries,
    write_soak_video,
)
from tests.tiny_onnx import photo_model

RECOGNITIONS = 300
FRAMES = 2000
#: Generous: the first undo steps and Qt's caches fill up in the first few hundred drawings.
MEMORY_BOUND_MB = 30.0


@pytest.fixture
def models(tmp_path: Path) -> Path:
    folder = tmp_path / "photo-models"
    folder.mkdir()
    photo_model(folder / "colours.onnx", ["red", "green", "blue"])
    return folder


def test_a_short_soak_leaks_no_threads_and_little_memory(qapp, tmp_path, models):
    from desktop.ui.camera.panel import CameraPanel

    warm_libraries()
    before = thread_census()
    app, window = open_main_window()
    write = soak_write(app, window, RECOGNITIONS, warmup=50, progress=lambda _text: None)
    assert not write.thread_leak(), (write.threads_start, write.threads_end)
    assert write.growth < MEMORY_BOUND_MB, write.rss_samples

    video = write_soak_video(tmp_path / "soak.mp4", FRAMES, size=(160, 120))
    panel = CameraPanel([models], probe_cameras=False)
    panel.show()
    camera = soak_camera(app, panel, video, FRAMES, fps=240.0, warmup_frames=200, progress=lambda _text: None)
    assert camera.extra["captured"] == FRAMES  # every frame of the file went through capture
    assert camera.extra["classified"] > 0
    assert not camera.thread_leak(), (camera.threads_start, camera.threads_end)
    assert camera.growth < MEMORY_BOUND_MB, camera.rss_samples

    # Closing in the middle of recognitions and a playing video stops every thread at once: the
    # video is not played out and the classifier does not work through what was waiting.
    panel.start_video(video, loop=True, fps=240.0)
    source = panel.source()
    window.write_panel.recognize_now()
    panel.shutdown()
    window.close()
    assert not source.is_running()
    captured = source.frames_captured
    classified_after_close = []
    panel.classifier.classified.connect(lambda *args: classified_after_close.append(args))
    app.processEvents()
    assert source.frames_captured == captured and classified_after_close == []
    panel.deleteLater()
    window.deleteLater()
    app.processEvents()
    after = thread_census()
    assert not leftover_threads(before, after), (before, after)


def test_the_canvas_keeps_a_bounded_undo_history(qtbot):
    """A lesson of writing and clearing must not keep every stroke ever drawn in memory."""
    from desktop.ui.write.canvas import MAX_UNDO_STEPS, DrawingCanvas

    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    for i in range(MAX_UNDO_STEPS + 50):
        canvas.set_strokes([[(10, 10 + i % 50), (60, 60)]])
        canvas.clear()
    undone = 0
    while canvas.can_undo():
        canvas.undo()
        undone += 1
    assert undone == MAX_UNDO_STEPS
