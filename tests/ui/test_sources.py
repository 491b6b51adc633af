"""Picture sources: a generated MJPG video drives the same cv2.VideoCapture loop a camera uses."""

from __future__ import annotations

import threading
import time
import types
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.ui import sources
from desktop.ui.workers import streams
from desktop.ui.sources import (
    CameraProbe,
    CameraSource,
    FrameSource,
    ImageFileSource,
    VideoFileSource,
    list_cameras,
    read_image_rgb,
    sample_image_paths,
)

FRAMES, WIDTH, HEIGHT, SQUARE, STEP = 20, 64, 48, 8, 2


def write_video(path: Path) -> Path:
    """20 frames, 64x48, a red square moving STEP px right per frame (its x tells the frame)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 20.0, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for i in range(FRAMES):
        bgr = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
        bgr[20:20 + SQUARE, STEP * i:STEP * i + SQUARE] = (0, 0, 255)
        writer.write(bgr)
    writer.release()
    return path


def frame_index(rgb: np.ndarray) -> int:
    """Which frame of the video this is, from where the red square is."""
    red_columns = np.flatnonzero(rgb[:, :, 0].max(axis=0) > 128)
    return int(round(red_columns[0] / STEP))


@pytest.fixture
def video(tmp_path: Path) -> Path:
    return write_video(tmp_path / "moving square.avi")


@pytest.fixture
def collect(qtbot):
    """Start a source, record its signals, and always stop it at the end."""
    started: list[FrameSource] = []

    def run(source: FrameSource) -> dict:
        seen = {"frames": [], "errors": [], "ended": 0}
        source.frame.connect(seen["frames"].append)
        source.error.connect(seen["errors"].append)
        source.ended.connect(lambda: seen.__setitem__("ended", seen["ended"] + 1))
        started.append(source)
        source.start()
        return seen

    yield run
    for source in started:
        source.stop()
        assert not source.is_running()


def test_video_frames_arrive_as_rgb_in_order(qtbot, video: Path, collect) -> None:
    source = VideoFileSource(video, loop=False, fps=200)
    seen = collect(source)
    qtbot.waitUntil(lambda: seen["ended"] == 1, timeout=5000)
    frames = seen["frames"]
    assert frames and not seen["errors"]
    first = frames[0]
    assert first.shape == (HEIGHT, WIDTH, 3) and first.dtype == np.uint8
    # BGR -> RGB: the square written as BGR (0, 0, 255) is red in channel 0.
    square = first[21:27, :, :][:, first[24, :, 0] > 128]
    assert square[..., 0].mean() > 200 and square[..., 2].mean() < 60
    indexes = [frame_index(f) for f in frames]
    assert indexes == sorted(indexes) and indexes[-1] == FRAMES - 1
    assert source.frames_captured == FRAMES
    assert not source.is_running()


def test_a_looping_video_keeps_playing(qtbot, video: Path, collect) -> None:
    source = VideoFileSource(video, loop=True, fps=240)
    seen = collect(source)
    qtbot.waitUntil(lambda: source.frames_captured > 2 * FRAMES, timeout=5000)
    assert source.is_running() and not seen["errors"] and seen["ended"] == 0
    assert {frame_index(f) for f in seen["frames"]} >= {0}


class _VirtualClock:
    """The pacing clock, advanced only by the worker's waits: what the loop asks for is exact,
    however fast or busy the machine is."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now


class _WaitOnTheClock(threading.Event):
    """The source's stop event, whose timed waits pass on the virtual clock instead of sleeping."""

    def __init__(self, clock: _VirtualClock) -> None:
        super().__init__()
        self.clock = clock

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is None or self.is_set():
            return super().wait(timeout)
        self.clock.waits.append(timeout)
        self.clock.now += timeout
        return False


def test_the_video_plays_at_its_own_frame_rate(qtbot, video: Path, collect, monkeypatch) -> None:
    clock = _VirtualClock()
    monkeypatch.setattr(sources, "time", types.SimpleNamespace(monotonic=clock.monotonic))
    source = VideoFileSource(video, loop=False)  # written at 20 fps
    source._stop_requested = _WaitOnTheClock(clock)
    seen = collect(source)
    qtbot.waitUntil(lambda: seen["ended"] == 1, timeout=5000)
    assert source.fps == pytest.approx(20.0) and source.frames_captured == FRAMES
    # One frame period after each frame: the 20 frames take one second; an unpaced loop waits never.
    assert clock.waits == pytest.approx([1 / 20] * FRAMES)


def test_a_slow_consumer_gets_the_newest_frame_not_a_backlog(qtbot, video: Path) -> None:
    source = VideoFileSource(video, loop=False, fps=100)
    received: list[int] = []

    def slow_consumer(rgb: np.ndarray) -> None:
        received.append(frame_index(rgb))
        time.sleep(0.06)  # a heavy convolution on every frame

    source.frame.connect(slow_consumer)
    ended = []
    source.ended.connect(lambda: ended.append(True))
    source.start()
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    assert source.frames_captured == FRAMES
    assert len(received) < FRAMES / 2, received  # frames were dropped, not queued
    assert received == sorted(set(received)) and received[-1] == FRAMES - 1
    count = len(received)
    qtbot.wait(200)
    assert len(received) == count  # nothing stale arrives afterwards


@pytest.mark.parametrize("fps", [2.0, 240.0])
def test_stop_joins_the_worker(qtbot, video: Path, fps: float, caplog) -> None:
    source = VideoFileSource(video, loop=True, fps=fps)
    stopped = []
    source.stopped.connect(lambda: stopped.append(True))
    source.start()
    qtbot.waitUntil(lambda: source.frames_captured >= 1, timeout=5000)
    worker = source._worker
    source.stop()
    assert not worker.is_running() and "did not stop within" not in caplog.text  # joined, not abandoned
    assert not source.is_running() and stopped == [True]
    captured = source.frames_captured
    qtbot.wait(100)
    assert source.frames_captured == captured  # the worker really ended
    source.stop()  # a second stop is harmless


class _StuckSource(FrameSource):
    """A source whose driver call ignores the stop until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.release = threading.Event(), threading.Event()

    def _produce(self, publish) -> None:
        self.inside.set()
        self.release.wait(10)


def test_a_source_stuck_in_its_driver_stops_at_once_and_its_thread_ends_later(
        qtbot, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    monkeypatch.setattr(sources, "STOP_TIMEOUT_MS", 50)
    source = _StuckSource()
    stopped = []
    source.stopped.connect(lambda: stopped.append(True))
    source.start()
    assert source.inside.wait(5)
    worker = source._worker
    source.stop()
    assert not source.is_running() and stopped == [True] and "did not stop within" in caplog.text
    assert worker.is_running() and worker in streams._UNFINISHED  # kept alive while its thread runs
    source.deleteLater()  # the owner may go before the thread ends
    source.release.set()
    qtbot.waitUntil(lambda: worker not in streams._UNFINISHED, timeout=5000)


def test_a_missing_video_reports_an_error_naming_the_file(qtbot, tmp_path: Path, collect) -> None:
    missing = tmp_path / "nope.avi"
    source = VideoFileSource(missing)
    seen = collect(source)
    qtbot.waitUntil(lambda: bool(seen["errors"]), timeout=5000)
    assert "nope.avi" in seen["errors"][0] and "does not exist" in seen["errors"][0]
    assert not source.is_running() and not seen["frames"]


def test_a_corrupt_video_reports_an_error(qtbot, tmp_path: Path, collect) -> None:
    corrupt = tmp_path / "corrupt.avi"
    corrupt.write_bytes(b"RIFF not really a video " * 20)
    seen = collect(VideoFileSource(corrupt))
    qtbot.waitUntil(lambda: bool(seen["errors"]), timeout=5000)
    assert "corrupt.avi" in seen["errors"][0] and "damaged" in seen["errors"][0]


def test_a_video_that_breaks_off_midway_is_reported(qtbot, video: Path, collect) -> None:
    data = video.read_bytes()
    truncated = video.with_name("truncated.avi")
    truncated.write_bytes(data[: len(data) // 2])
    seen = collect(VideoFileSource(truncated, loop=False, fps=240))
    qtbot.waitUntil(lambda: bool(seen["errors"]) or seen["ended"] > 0, timeout=5000)
    assert seen["ended"] == 0
    assert "truncated.avi" in seen["errors"][0] and f"of {FRAMES} frames" in seen["errors"][0]
    assert 0 < len(seen["frames"]) < FRAMES


def test_a_camera_index_without_a_camera_reports_an_error(qtbot, collect) -> None:
    index = 63  # no machine this runs on has 64 cameras
    seen = collect(CameraSource(index))
    qtbot.waitUntil(lambda: bool(seen["errors"]), timeout=10_000)
    assert f"No camera found at index {index}" in seen["errors"][0]


def test_a_camera_that_stops_delivering_is_reported_as_unplugged(qtbot, video: Path, collect,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The camera read loop over a real VideoCapture whose reads fail after 20 frames, as when a
    # USB camera is pulled out mid-stream.
    monkeypatch.setattr(CameraSource, "_open", lambda self: cv2.VideoCapture(str(video)))
    source = CameraSource(0)
    seen = collect(source)
    qtbot.waitUntil(lambda: bool(seen["errors"]), timeout=5000)
    assert "camera 0 stopped sending pictures" in seen["errors"][0]
    assert seen["frames"] and not source.is_running()


def test_an_image_file_with_a_non_ascii_path_gives_one_frame(qtbot, tmp_path: Path, collect) -> None:
    rgb = np.zeros((30, 40, 3), np.uint8)
    rgb[..., 0] = 200  # red
    rgb[10:20, 10:20, 2] = 150
    path = tmp_path / "图片 é.png"
    ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    path.write_bytes(png.tobytes())
    seen = collect(ImageFileSource(path))
    qtbot.waitUntil(lambda: seen["ended"] == 1, timeout=5000)
    assert len(seen["frames"]) == 1
    np.testing.assert_array_equal(seen["frames"][0], rgb)


def test_a_corrupt_image_gives_a_clear_error(qtbot, tmp_path: Path, collect) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    seen = collect(ImageFileSource(path))
    qtbot.waitUntil(lambda: bool(seen["errors"]), timeout=5000)
    assert "broken.png" in seen["errors"][0] and "damaged" in seen["errors"][0]
    with pytest.raises(sources.FrameSourceError, match="does not exist"):
        read_image_rgb(tmp_path / "absent.jpg")


class _RecordingStop(threading.Event):
    """The source's stop event, noting whether a timed wait was in progress and ended by the stop."""

    waiting = False
    woken = False

    def wait(self, timeout: float | None = None) -> bool:
        self.waiting = True
        try:
            result = super().wait(timeout)
        finally:
            self.waiting = False
        self.woken = self.woken or result
        return result


def test_stop_wakes_a_worker_waiting_for_its_next_frame(qtbot, video: Path) -> None:
    source = VideoFileSource(video, loop=True, fps=1.0)  # a whole second between frames
    event = source._stop_requested = _RecordingStop()
    source.start()
    qtbot.waitUntil(lambda: event.waiting, timeout=5000)
    source.stop()
    assert event.woken and not source.is_running()  # the stop ended the wait; it did not run out


def test_probing_cameras_opens_each_index_once_and_finds_only_real_ones(monkeypatch) -> None:
    opened = []
    real_capture = cv2.VideoCapture

    def recording_capture(index, *args):
        opened.append(index)
        return real_capture(index, *args)

    monkeypatch.setattr(sources.cv2, "VideoCapture", recording_capture)
    cameras = list_cameras(2)
    assert opened == [0, 1, 2]  # one try per index, no retries
    assert all(isinstance(i, int) and 0 <= i <= 2 for i in cameras)
    if not any(Path(f"/dev/video{i}").exists() for i in range(3)) and Path("/dev").is_dir():
        assert cameras == []


def test_the_camera_probe_runs_off_the_gui_thread(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    threads = []

    def fake_probe(max_index: int) -> list[int]:
        threads.append(threading.get_ident())
        return [i for i in (0, 2) if i <= max_index]

    monkeypatch.setattr(sources, "list_cameras", fake_probe)
    probe = CameraProbe(max_index=3)
    with qtbot.waitSignal(probe.found, timeout=5000) as found:
        probe.start()
    assert found.args == [[0, 2]]
    assert threads and threads[0] != threading.get_ident()
    assert probe.wait(1000)


def test_the_shipped_samples_decode_and_are_small() -> None:
    paths = sample_image_paths()
    assert len(paths) >= 3
    for path in paths:
        rgb = read_image_rgb(path)
        assert rgb.ndim == 3 and rgb.shape[2] == 3 and max(rgb.shape[:2]) <= 640
    assert sum(p.stat().st_size for p in paths) < 600_000
