""""Why?" heat maps: milliseconds per map for each method against one plain inference.

For the course CNN (``assets/models/casia55-cnn.onnx``, on the sample character) and
EfficientNet-Lite0 (``assets/models/imagenet-efficientnet-lite0.onnx``, on the coffee photo):
one plain inference (``OnnxModel.predict_proba`` on one image, what the app does per frame), an
occlusion map and a CAM map (``desktop.core.explain.explain`` with its defaults), each the median
of ``--runs`` calls after ``--warmup``, and each map as a multiple of the plain inference measured
in the same run. Targets: occlusion <= 30 plain inferences, CAM <= 2.

``--live`` also drives the real Camera panel offscreen with "Why?" on: a 640×480 MJPG video at a
camera's 30 fps through its capture code, EfficientNet-Lite0 classifying and explaining the
newest frame. Targets: preview >= 25 fps while >= 5 maps per second are shown.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.timing import machine_line, measure

REPO_ROOT = Path(__file__).resolve().parents[1]
MODELS = REPO_ROOT / "assets" / "models"
SAMPLES = REPO_ROOT / "assets" / "samples"
CASES = (("course CNN", "casia55-cnn.onnx", "character-sen.png"),
         ("EfficientNet-Lite0", "imagenet-efficientnet-lite0.onnx", "coffee.jpg"))
TARGETS = {"occlusion": 30.0, "cam": 2.0}
LIVE_TARGETS = {"preview_fps": 25.0, "maps_per_s": 5.0}


@dataclass(frozen=True)
class Row:
    model: str
    what: str
    median_ms: float
    p90_ms: float
    ratio: float | None  # median over the plain inference's median
    note: str = ""


def model_input(model, sample: Path) -> np.ndarray:
    """The sample as the app frames it for ``model``."""
    if model.input_shape[2] == 1:
        from desktop.core.recognition import image_to_input, read_image_file

        return image_to_input(read_image_file(sample))
    from desktop.core.photos import to_model_input
    from desktop.core.teach.project import read_rgb

    return to_model_input(read_rgb(sample), model.input_shape[:2])


def run(runs: int = 30, warmup: int = 3, plain_runs: int = 200) -> list[Row]:
    from desktop.core.explain import CAM, OCCLUSION, default_patch, explain
    from desktop.core.onnx_model import OnnxModel

    rows: list[Row] = []
    for title, file_name, sample in CASES:
        path = MODELS / file_name
        if not path.is_file():
            rows.append(Row(title, "skipped", float("nan"), float("nan"), None, f"{path} is not there"))
            continue
        model = OnnxModel(path)
        x = model_input(model, SAMPLES / sample)
        plain = measure("plain", lambda: model.predict_proba(x[None]), runs=plain_runs, warmup=max(warmup, 10))
        rows.append(Row(title, "plain inference (1 image)", plain.median * 1e3, plain.p90 * 1e3, 1.0))
        patch = default_patch(model.input_shape)
        occlusion = measure(OCCLUSION, lambda: explain(model, x, method=OCCLUSION), runs=runs, warmup=warmup)
        copies = explain(model, x, method=OCCLUSION).grid.size
        rows.append(Row(title, "occlusion map", occlusion.median * 1e3, occlusion.p90 * 1e3,
                        occlusion.median / plain.median, f"{copies} covered copies + 1, patch {patch} px"))
        if model.has_cam:
            cam = measure(CAM, lambda: explain(model, x, method=CAM), runs=runs, warmup=warmup)
            grid = explain(model, x, method=CAM).grid.shape
            rows.append(Row(title, "CAM map", cam.median * 1e3, cam.p90 * 1e3, cam.median / plain.median,
                            f"{grid[0]}×{grid[1]} cells"))
        else:
            rows.append(Row(title, "CAM map", float("nan"), float("nan"), None, "no CAM outputs"))
    return rows


def report(rows: list[Row]) -> str:
    lines = [f"{'model':<20}{'map':<28}{'median ms':>10}{'p90 ms':>9}{'× plain':>9}{'target':>9}  verdict  note"]
    for r in rows:
        method = "cam" if r.what.startswith("CAM") else "occlusion" if r.what.startswith("occlusion") else None
        target = TARGETS.get(method) if method else None
        verdict = "" if target is None or r.ratio is None else ("ok" if r.ratio <= target else "OVER")
        ratio = f"{r.ratio:.1f}" if r.ratio is not None else "-"
        target_text = f"<= {target:g}" if target is not None else ""
        lines.append(f"{r.model:<20}{r.what:<28}{r.median_ms:>10.2f}{r.p90_ms:>9.2f}{ratio:>9}{target_text:>9}  "
                     f"{verdict:<7}  {r.note}")
    return "\n".join(lines)


# -- the live camera ---------------------------------------------------------------------------------
def live(seconds: float = 10.0, fps: float = 30.0, warmup_s: float = 3.0) -> dict[str, float]:
    """Preview fps, classifications and maps per second of the real Camera panel with "Why?" on."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.bench_camera import folder_with_only, write_test_video
    from benchmarks.isolation import isolate_user_dirs, wait_until

    isolate_user_dirs()
    from desktop.ui.app import create_application
    from desktop.ui.camera.panel import CameraPanel

    app = create_application()
    work = Path(tempfile.mkdtemp(prefix="bench-explain-"))
    try:
        models = folder_with_only(MODELS / CASES[1][1], work / "models")
        video = write_test_video(work / "pan.avi")
        panel = CameraPanel([models], probe_cameras=False)
        panel.resize(1200, 760)
        panel.show()
        wait_until(panel.models_loaded, "the Camera panel's photo models", pump=app.processEvents, poll_s=0.005)
        panel.set_why(True)
        panel.start_video(video, loop=True, fps=fps)

        def spin(duration: float) -> None:
            end = time.monotonic() + duration
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.001)

        spin(warmup_s)
        shown0, painted0, classified0 = panel.why.controller.shown_id(), panel.view.preview.frames_painted, \
            panel.classify_rate.count
        wall0 = time.perf_counter()
        spin(seconds)
        wall = time.perf_counter() - wall0
        maps = panel.why.controller.shown_id() - shown0  # one request id per map shown
        result = {
            "preview_fps": (panel.view.preview.frames_painted - painted0) / wall,
            "classified_per_s": (panel.classify_rate.count - classified0) / wall,
            "maps_per_s": maps / wall,
            "method": panel.why.answer().explanation.method if panel.why.answer() else "none",
        }
        panel.shutdown()
        panel.deleteLater()
        app.processEvents()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def live_report(r: dict[str, float], seconds: float, fps: float) -> str:
    def verdict(value: float, target: float) -> str:
        return "ok" if value >= target else "UNDER"

    return "\n".join([
        f"Camera panel, EfficientNet-Lite0, 640×480 video at {fps:g} fps for {seconds:g} s, \"Why?\" on "
        f"({r['method']}):",
        f"  preview             {r['preview_fps']:6.1f} fps   target >= 25   {verdict(r['preview_fps'], 25.0)}",
        f"  heat maps shown     {r['maps_per_s']:6.1f} /s    target >= 5    {verdict(r['maps_per_s'], 5.0)}",
        f"  classified frames   {r['classified_per_s']:6.1f} /s",
    ])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_explain", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed maps per method and model (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first (default 3)")
    parser.add_argument("--live", action="store_true", help="also time the Camera panel with \"Why?\" on")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds of the live run (default 10)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.runs < 1:
        print("error: --runs must be at least 1", file=sys.stderr)
        return 2
    print(f"\"Why?\" heat maps against one plain inference ({machine_line()}); medians of {args.runs} maps")
    print(report(run(args.runs, args.warmup)))
    if args.live:
        print()
        print(live_report(live(args.seconds), args.seconds, 30.0))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
