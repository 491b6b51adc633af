"""Long sessions: 10,000 recognitions on the Write canvas and 30 minutes of camera frames.

Drives the real main window offscreen, in one process, as a long lesson would:

1. **Write**: fresh drawings of course characters go onto the real canvas, the pen is lifted and the
   answer is awaited (canvas, framing, model worker thread, candidates), ``--recognitions`` times
   after ``--warmup`` untimed ones.
2. **Camera**: a generated video of ``--video-minutes`` minutes at 30 fps (54,000 frames for 30
   minutes) plays through the Camera panel's own capture path (``VideoFileSource``, the same
   ``cv2.VideoCapture`` read loop as a webcam) while the panel classifies the newest frame.
   Playback runs faster than real time (``--fps``, at most the source's 240), so every frame is
   still read, converted and handed over, only sooner.

Resident memory is taken after the warm-up and at the end of each phase (targets: growth under
20 MB); threads (native threads of the process, Python threads and running QThreads) at the same
points and once more after the window has closed (target: none left over).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.bench_app import open_main_window, recognise_drawing, resident_mb  # noqa: E402
from benchmarks.isolation import WaitTimedOut, isolate_user_dirs, wait_until  # noqa: E402

TARGETS = {"growth_mb": 20.0}
VIDEO_FPS = 30.0
VIDEO_SIZE = (320, 240)
PAN_FRAMES = 300  # frames spent panning across one photo before the next
SAMPLES = 10  # memory samples per phase, for the figures
QT_POOL_THREAD = "Thread (pooled)"  # Qt's global pool: idle threads expire on their own after 30 s


@dataclass
class ThreadCensus:
    native: int  # threads of the process as the OS sees them (Qt, onnxruntime, Python)
    python: list[str]
    qthreads: list[str]  # QThreads created from Python that are running
    native_names: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.native} native, {len(self.python)} Python, {len(self.qthreads)} running QThread(s)"
                + (f" ({', '.join(sorted(self.qthreads))})" if self.qthreads else ""))


def thread_census() -> ThreadCensus:
    from PySide6.QtCore import QThread
    from shiboken6 import isValid

    gc.collect()
    task = Path("/proc/self/task")
    native = len(os.listdir(task)) if task.is_dir() else threading.active_count()
    names = []
    if task.is_dir():
        for entry in task.iterdir():
            try:
                names.append((entry / "comm").read_text().strip())
            except OSError:  # ended meanwhile
                pass
    running = []
    for obj in gc.get_objects():
        if isinstance(obj, QThread) and isValid(obj) and obj.isRunning():
            running.append(obj.objectName() or type(obj).__name__)
    return ThreadCensus(native, [t.name for t in threading.enumerate()], running, sorted(names))


@dataclass
class Phase:
    name: str
    count: int
    unit: str
    seconds: float = 0.0
    rss_start: float = 0.0
    rss_end: float = 0.0
    rss_samples: list[float] = field(default_factory=list)
    threads_start: ThreadCensus | None = None
    threads_end: ThreadCensus | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def growth(self) -> float:
        return self.rss_end - self.rss_start

    def thread_leak(self) -> bool:
        a, b = self.threads_start, self.threads_end
        own = [n for n in b.native_names if n != QT_POOL_THREAD]
        had = [n for n in a.native_names if n != QT_POOL_THREAD]
        more_native = len(own) > len(had) if a.native_names and b.native_names else b.native > a.native
        return more_native or len(b.qthreads) > len(a.qthreads) or len(b.python) > len(a.python)


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def soak_write(app, window, recognitions: int, warmup: int, seed: int = 0, progress=print) -> Phase:
    """``warmup`` + ``recognitions`` drawings through the canvas and the model worker."""
    from desktop.core.contract import COURSE_CHARACTERS
    from tests.ui.drawing import strokes_in_widget

    window.show_panel(0)
    panel = window.write_panel
    canvas = panel.canvas
    rng = np.random.default_rng(seed)
    phase = Phase("Write panel", recognitions, "recognitions")
    every = max(1, recognitions // SAMPLES)

    def draw(i: int) -> None:
        # New arrays every time, as real writing makes: a leak of strokes would show in memory.
        char = COURSE_CHARACTERS[i % len(COURSE_CHARACTERS)]
        recognise_drawing(app, panel, strokes_in_widget(char, canvas.width(), canvas.height(), rng))

    for i in range(warmup):
        draw(i)
    settle(app)
    phase.rss_start, phase.threads_start = resident_mb(), thread_census()
    started = time.perf_counter()
    for i in range(recognitions):
        draw(warmup + i)
        if (i + 1) % every == 0:
            app.processEvents()
            phase.rss_samples.append(resident_mb())
            progress(f"  write: {i + 1:>6} recognitions, {phase.rss_samples[-1]:.1f} MB")
    phase.seconds = time.perf_counter() - started
    settle(app)
    phase.rss_end, phase.threads_end = resident_mb(), thread_census()
    phase.extra["ms_per_recognition"] = 1000 * phase.seconds / max(recognitions, 1)
    return phase


def write_soak_video(path: Path, frames: int, size: tuple[int, int] = VIDEO_SIZE) -> Path:
    """``frames`` frames at 30 fps panning across the sample photos (MPEG-4: small on disk)."""
    import cv2

    from desktop.ui.sources import read_image_rgb, sample_image_paths

    width, height = size
    photos = [cv2.cvtColor(cv2.resize(read_image_rgb(p), (width + PAN_FRAMES, height)), cv2.COLOR_RGB2BGR)
              for p in sample_image_paths() if p.suffix == ".jpg"]
    if not photos:
        rng = np.random.default_rng(0)
        photos = [cv2.GaussianBlur(rng.integers(0, 256, (height, width + PAN_FRAMES, 3), np.uint8), (9, 9), 3)]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), VIDEO_FPS, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write the test video {path} (no MPEG-4 encoder in this OpenCV)")
    try:
        for i in range(frames):
            photo = photos[(i // PAN_FRAMES) % len(photos)]
            offset = i % PAN_FRAMES
            writer.write(np.ascontiguousarray(photo[:, offset:offset + width]))
    finally:
        writer.release()
    return path


def soak_camera(app, panel, video: Path, frames: int, fps: float, warmup_frames: int,
                progress=print) -> Phase:
    """Play ``video`` (``frames`` frames) once through the Camera ``panel`` while it classifies."""
    wait_until(panel.models_loaded, "the Camera panel's photo models", pump=app.processEvents, poll_s=0.005)
    classified = [0]
    panel.classifier.classified.connect(lambda *_: classified.__setitem__(0, classified[0] + 1))
    phase = Phase("Camera panel", frames, "frames")
    panel.start_video(video, loop=False, fps=fps)
    source = panel.source()
    every = max(1, frames // SAMPLES)
    next_sample = every
    measured = False
    started = time.perf_counter()
    # The video plays once at ``fps``; ten times its length (and a minute) is surely stuck.
    deadline = time.monotonic() + 60 + 10 * frames / fps
    while source.is_running():
        if time.monotonic() > deadline:
            raise WaitTimedOut(f"the {frames}-frame video was still playing after {deadline - started:.0f} s")
        app.processEvents()
        time.sleep(0.001)
        captured = source.frames_captured
        if not measured and captured >= warmup_frames:
            measured = True
            phase.rss_start, phase.threads_start = resident_mb(), thread_census()
            started, warm = time.perf_counter(), captured
            delivered0, classified0 = source.frames_delivered, classified[0]
        if measured and captured >= next_sample:
            next_sample += every
            phase.rss_samples.append(resident_mb())
            progress(f"  camera: {captured:>6} frames, {classified[0]} classified, {phase.rss_samples[-1]:.1f} MB")
    if not measured:
        raise RuntimeError(f"the video stopped after {source.frames_captured} frames: {panel.error_message()}")
    phase.seconds = time.perf_counter() - started
    # The panel's own capture thread ended with the video: only the steady state counts.
    phase.rss_end = resident_mb()
    settle(app)
    phase.threads_end = thread_census()
    phase.extra.update({
        "captured": source.frames_captured,
        "delivered": source.frames_delivered,
        "classified": classified[0],
        "captured_per_s": (source.frames_captured - warm) / phase.seconds,
        "classified_per_s": (classified[0] - classified0) / phase.seconds,
        "preview_per_s": (source.frames_delivered - delivered0) / phase.seconds,
    })
    phase.extra["capture_thread_gone"] = float(not any("Source" in n for n in phase.threads_end.qthreads))
    if panel.error_message() and "ended" not in panel.error_message():
        raise RuntimeError(f"the video failed: {panel.error_message()}")
    return phase


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def phase_lines(phase: Phase) -> list[str]:
    ok_memory = phase.growth < TARGETS["growth_mb"]
    # A capture thread that ended with its video is not a leak; a new one would be.
    ok_threads = not phase.thread_leak()
    lines = [
        f"{phase.name}: {phase.count:,} {phase.unit} in {phase.seconds:.0f} s",
        f"  resident memory  {phase.rss_start:.1f} MB after warm-up -> {phase.rss_end:.1f} MB at the end: "
        f"growth {phase.growth:+.1f} MB (target < {TARGETS['growth_mb']:.0f} MB)  {verdict(ok_memory)}",
        f"  samples (MB)     {', '.join(f'{s:.0f}' for s in phase.rss_samples)}",
        f"  threads          start: {phase.threads_start.line()}",
        f"                   end:   {phase.threads_end.line()}  {verdict(ok_threads)}",
    ]
    extra = phase.extra
    if "ms_per_recognition" in extra:
        lines.append(f"  per recognition  {extra['ms_per_recognition']:.1f} ms (drawing, pen-up, answer shown)")
    if "captured" in extra:
        lines.append(f"  frames           {extra['captured']:,.0f} captured, {extra['delivered']:,.0f} painted, "
                     f"{extra['classified']:,.0f} classified; {extra['captured_per_s']:.0f} captured/s, "
                     f"{extra['classified_per_s']:.1f} classified/s")
    return lines


def warm_libraries() -> None:
    """Let onnxruntime and OpenCV make their process-wide threads now, in this thread.

    Both start a few threads once per process (onnxruntime's environment with the first session,
    OpenCV's pool with its first parallel call). Made here, they are part of the baseline; made
    later, they would carry the name of the worker thread that happened to be first and look like
    that worker's leftovers.
    """
    import cv2

    from desktop.core.onnx_model import OnnxModel
    from desktop.core.registry import PREFERRED_CHARACTER_MODELS, shipped_models_dir

    for name in PREFERRED_CHARACTER_MODELS:
        if (shipped_models_dir() / name).is_file():
            model = OnnxModel(shipped_models_dir() / name)
            model.predict_proba(np.full((1, *model.input_shape), 255, np.float32))
            del model
            break
    cv2.resize(np.zeros((480, 640, 3), np.uint8), (1280, 960))
    gc.collect()


def leftover_threads(before: ThreadCensus, after: ThreadCensus) -> list[str]:
    """Threads alive after the window closed that were not there before it opened."""
    remaining = list(before.native_names)
    extra = []
    for name in after.native_names:
        if name in remaining:
            remaining.remove(name)
        elif name != QT_POOL_THREAD:
            extra.append(name)
    return extra + [f"QThread {name}" for name in after.qthreads]


def _say(text: str) -> None:
    print(text, flush=True)  # progress shows up in a log file while a long run goes on


def run(recognitions: int, video_minutes: float, *, warmup: int = 200, fps: float = 240.0,
        only: str | None = None, progress=_say) -> tuple[list[Phase], ThreadCensus, ThreadCensus, float]:
    """Run the phases; returns them, the threads before the window and after closing it, and close seconds."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.ui.app import create_application

    work = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    isolate_user_dirs()
    app = create_application()
    warm_libraries()
    before = thread_census()
    phases = []
    try:
        app, window = open_main_window()
        if only in (None, "write"):
            phases.append(soak_write(app, window, recognitions, warmup, progress=progress))
        if only in (None, "camera"):
            frames = round(video_minutes * 60 * VIDEO_FPS)
            progress(f"  writing a {video_minutes:g}-minute test video ({frames:,} frames)…")
            video = write_soak_video(work / "soak.mp4", frames)
            window.show_panel(1)
            phases.append(soak_camera(app, window.camera_panel, video, frames, fps,
                                      warmup_frames=min(1000, frames // 10), progress=progress))
        started = time.perf_counter()
        window.close()
        close_s = time.perf_counter() - started
        window.deleteLater()
        settle(app, 0.5)
        after = thread_census()
        return phases, before, after, close_s
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(recognitions: int = 10_000, video_minutes: float = 30.0, *, warmup: int = 200, fps: float = 240.0,
           only: str | None = None) -> tuple[str, bool]:
    from benchmarks.timing import machine_line

    phases, before, after, close_s = run(recognitions, video_minutes, warmup=warmup, fps=fps, only=only)
    ok = all(p.growth < TARGETS["growth_mb"] and not p.thread_leak() for p in phases)
    leftover = leftover_threads(before, after)
    ok = ok and not leftover
    lines = [f"machine: {machine_line()}"]
    for phase in phases:
        lines += phase_lines(phase)
    lines += [
        f"After closing the window ({close_s * 1000:.0f} ms): {after.line()}  {verdict(not leftover)}",
        f"  before the window opened: {before.line()}",
        f"  left over: {', '.join(leftover) if leftover else 'none'}",
        f"Overall: {verdict(ok)}",
    ]
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_soak", description=__doc__.splitlines()[0])
    parser.add_argument("--recognitions", type=int, default=10_000, help="measured drawings (default 10000)")
    parser.add_argument("--warmup", type=int, default=200, help="untimed drawings first (default 200)")
    parser.add_argument("--video-minutes", type=float, default=30.0,
                        help="length of the test video at 30 fps (default 30: 54,000 frames)")
    parser.add_argument("--fps", type=float, default=240.0,
                        help="playback rate of the video; faster than real time (default 240, the most)")
    parser.add_argument("--only", choices=("write", "camera"), help="run one phase only")
    args = parser.parse_args(argv)
    text, ok = report(args.recognitions, args.video_minutes, warmup=args.warmup, fps=args.fps, only=args.only)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
