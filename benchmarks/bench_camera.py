"""The Camera panel's speed: preview fps while classifying, classifications per second, CPU use.

Drives the real panel offscreen with a 640×480 video (made from the sample photos, MJPG, so every
frame is really decoded like a USB camera's) played through :class:`VideoFileSource` at a camera's
30 fps, classified by EfficientNet-Lite0. Targets (from the issue, on 2 cores): preview ≥ 25 fps
while classifying ≥ 10 frames/s. Also reported: inference ms, CPU time / wall time, and the longest
stall of the GUI thread (it must never wait on capture or inference).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.isolation import isolate_user_dirs, wait_until

REPO_ROOT = Path(__file__).resolve().parents[1]
MODEL_NAME = "imagenet-efficientnet-lite0.onnx"
TARGETS = {"preview_fps": 25.0, "classified_per_s": 10.0}
SIZE = (640, 480)


def write_test_video(path: Path, frames: int = 90, size: tuple[int, int] = SIZE) -> Path:
    """A slow pan across the sample photos at ``size``: real picture content, MJPG like a webcam."""
    import cv2

    from desktop.ui.sources import read_image_rgb, sample_image_paths

    width, height = size
    photos = [cv2.resize(read_image_rgb(p), (width + frames, height)) for p in sample_image_paths()
              if p.suffix == ".jpg"] or [np.random.default_rng(0).integers(0, 256, (height, width + frames, 3), np.uint8)]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (width, height))
    for i in range(frames):
        photo = photos[i * len(photos) // frames]
        writer.write(cv2.cvtColor(np.ascontiguousarray(photo[:, i:i + width]), cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def folder_with_only(model: Path, folder: Path) -> Path:
    """``folder`` holding just ``model`` (linked, or copied where links are not allowed): the Camera
    panel loads every photo model of its folders, and a benchmark measures one."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (folder / model.name).symlink_to(model.resolve())
    except OSError:
        shutil.copy2(model, folder / model.name)
    return folder


def run(model: Path, seconds: float, fps: float, warmup_s: float = 2.0) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer

    isolate_user_dirs()
    from desktop.ui.app import create_application
    from desktop.ui.camera.panel import CameraPanel

    app = create_application()
    work = Path(tempfile.mkdtemp(prefix="bench-camera-"))
    try:
        models = folder_with_only(model, work / "models")
        video = write_test_video(work / "pan.avi")
        panel = CameraPanel([models], probe_cameras=False)
        panel.resize(1200, 760)
        panel.show()
        inference_ms: list[float] = []
        panel.classifier.classified.connect(lambda _id, results: inference_ms.extend(
            r.inference_ms for r in results.values()))
        wait_until(panel.models_loaded, "the Camera panel's photo models", pump=app.processEvents, poll_s=0.005)
        if not panel.chosen_models():
            raise SystemExit(f"{model} did not load as a photo model")
        panel.start_video(video, loop=True, fps=fps)

        # The GUI thread's heartbeat: the longest gap between 5 ms timer ticks is its longest stall.
        clock, gaps = QElapsedTimer(), []
        heartbeat = QTimer()
        heartbeat.setInterval(5)

        def beat() -> None:
            gaps.append(clock.restart())

        heartbeat.timeout.connect(beat)

        def spin(duration: float) -> None:
            end = time.monotonic() + duration
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.001)

        spin(warmup_s)
        painted0, classified0 = panel.view.preview.frames_painted, panel.classify_rate.count
        captured0 = panel.source().frames_captured
        inference_ms.clear()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        clock.start()
        heartbeat.start()
        spin(seconds)
        heartbeat.stop()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        result = {
            "preview_fps": (panel.view.preview.frames_painted - painted0) / wall,
            "captured_fps": (panel.source().frames_captured - captured0) / wall,
            "classified_per_s": (panel.classify_rate.count - classified0) / wall,
            "inference_ms_p50": float(np.median(inference_ms)) if inference_ms else float("nan"),
            "inference_ms_p90": float(np.percentile(inference_ms, 90)) if inference_ms else float("nan"),
            "cpu_percent": 100 * cpu / wall,
            "gui_stall_ms": float(max(gaps[1:] or [0])),
            "frame": panel.current_frame().shape if panel.current_frame() is not None else None,
        }
        panel.shutdown()
        panel.deleteLater()
        app.processEvents()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verdict(value: float, target: float) -> str:
    return "ok" if value >= target else "UNDER"


def report(model: Path, seconds: float = 10.0, fps: float = 30.0) -> str:
    from benchmarks.timing import machine_line

    if not model.is_file():
        return (f"skipped: {model} is not there (build it with "
                "python -m training imagenet --base efficientnet-lite0)")
    r = run(model, seconds, fps)
    height, width = (r["frame"] or SIZE[::-1])[:2]
    preview, classified = f"{r['preview_fps']:.1f} fps", f"{r['classified_per_s']:.1f} /s"
    inference, cpu = f"p50 {r['inference_ms_p50']:.1f} ms", f"{r['cpu_percent']:.0f} %"
    stall = f"{r['gui_stall_ms']:.0f} ms"
    return "\n".join([
        f"machine: {machine_line()}; model: {model.name}; {width}×{height} video at {fps:g} fps for {seconds:g} s",
        f"{'measure':<34}{'value':>18}{'target':>12}",
        f"{'preview while classifying':<34}{preview:>18}{'>= 25 fps':>12}  "
        f"{verdict(r['preview_fps'], TARGETS['preview_fps'])}   (captured {r['captured_fps']:.1f} fps)",
        f"{'classified frames':<34}{classified:>18}{'>= 10 /s':>12}  "
        f"{verdict(r['classified_per_s'], TARGETS['classified_per_s'])}",
        f"{'inference (crop, resize, run)':<34}{inference:>18}{'':>12}     (p90 {r['inference_ms_p90']:.1f} ms)",
        f"{'CPU time / wall time':<34}{cpu:>18}{'':>12}     (100 % = one core busy; {os.cpu_count()} logical CPUs)",
        f"{'longest GUI-thread stall':<34}{stall:>18}",
    ])


def main(argv: list[str] | None = None) -> int:
    from desktop.core.registry import shipped_models_dir

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_camera", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=shipped_models_dir() / MODEL_NAME,
                        help=f"photo model to classify with (default assets/models/{MODEL_NAME})")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds (default 10)")
    parser.add_argument("--fps", type=float, default=30.0, help="video frame rate, like a camera (default 30)")
    args = parser.parse_args(argv)
    print(report(args.model, args.seconds, args.fps))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
