"""Closing the app while it captures, classifies or trains: seconds from the close to the process's exit.

Starts the real app (``python -m desktop``) offscreen with its own settings and data folders, puts
it into a busy state through its command line, closes it, and times from the moment the window
starts closing to the exit of the process. Cases:

- ``camera``: a 120 fps video plays in the Camera panel (``--video``) while EfficientNet-Lite0
  classifies the newest frame: capture and inference both in progress.
- ``teach``: a Teach project of 300 photos trains (``--project ... --train``): embedding in progress.

Each closed three ways: the window's own close (``--quit-after``), SIGTERM and SIGINT (Ctrl+C).
Target (from the issue): under one second, exit code 0, no "QThread: Destroyed while thread is
still running". The median of ``--runs`` runs per case and way is reported.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from benchmarks.isolation import isolated_env

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
THREAD_WARNING = "Destroyed while thread"
START_TIMEOUT_S = 120.0
CASES = ("camera", "teach")
WAYS = ("window", "SIGTERM", "SIGINT")
QUIT_AFTER_S = {"camera": 6.0, "teach": 4.0}  # long enough for the busy state on a slow machine


class ExitCheckError(RuntimeError):
    pass


def app_env(home: Path) -> dict[str, str]:
    """The environment of a child app whose settings, data and logs all live under ``home``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    env.update(isolated_env(home))
    return env


def log_text(home: Path) -> str:
    found = list(home.rglob("cnn-classroom.log"))
    return found[0].read_text(encoding="utf-8", errors="replace") if found else ""


def logged_at(home: Path, needle: str) -> float | None:
    """Wall-clock time of the first log line containing ``needle``."""
    for line in log_text(home).splitlines():
        if needle in line:
            return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
    return None


def start_app(home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "desktop", *args], cwd=REPO_ROOT, env=app_env(home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_log(process: subprocess.Popen, home: Path, needle: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while needle not in log_text(home):
        if process.poll() is not None:
            raise ExitCheckError(f"the app exited before {needle!r}:\n{process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            process.communicate()
            raise ExitCheckError(f"no {needle!r} in the log within {timeout:.0f} s:\n{log_text(home)}")
        time.sleep(0.05)


def finish(process: subprocess.Popen, timeout: float = 60.0) -> tuple[float, str]:
    """Wait for the exit; returns the wall-clock time of the exit and stderr."""
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
        raise ExitCheckError(f"the app did not exit within {timeout:.0f} s:\n{stderr}") from None
    return time.time(), stderr


def write_video(path: Path) -> Path:
    """Two seconds of noise at 120 fps: a new frame always waits when the classifier gets free."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 120.0, (320, 240))
    rng = np.random.default_rng(0)
    for _ in range(240):
        writer.write(rng.integers(0, 256, (240, 320, 3), np.uint8))
    writer.release()
    return path


def write_teach_project(folder: Path, per_class: int = 150) -> Path:
    """Enough photos that embedding them lasts well beyond the moment the app is closed."""
    from desktop.core.teach import project as teach

    proj = teach.new_project(folder, "Shapes")
    rng = np.random.default_rng(1)
    for name, level in (("dark", 40), ("light", 210)):
        teach.add_class(proj, name)
        for _ in range(per_class):
            teach.add_image(proj, name, np.clip(rng.normal(level, 30, (48, 48, 3)), 0, 255).astype(np.uint8))
    teach.save_project(proj)
    return folder


def close_and_time(case: str, how: str, home: Path, video: Path, project: Path) -> dict:
    """One run: seconds from the start of the close to the exit, the exit code, stderr and the log."""
    args = ["--video", str(video)] if case == "camera" else ["--project", str(project), "--train"]
    if how == "window":
        args += ["--quit-after", f"{QUIT_AFTER_S[case]:g}"]
    process = start_app(home, *args)
    wait_for_log(process, home, "camera panel: showing" if case == "camera" else "teach panel: Preparing to train")
    if how == "window":
        exited, stderr = finish(process)
        closing = logged_at(home, "closing the window")
        if closing is None:
            raise ExitCheckError(f"the window never closed:\n{log_text(home)}\n{stderr}")
    else:
        if case == "camera":
            wait_for_log(process, home, "photo model(s) ready")
        time.sleep(0.5)  # well into the busy state
        closing = time.time()
        process.send_signal(getattr(signal, how))
        exited, stderr = finish(process)
    log = log_text(home)
    busy = next((line.split("while running: ")[1] for line in log.splitlines() if "while running: " in line), "")
    return {"seconds": exited - closing, "returncode": process.returncode, "stderr": stderr, "log": log,
            "busy": busy, "clean": process.returncode == 0 and THREAD_WARNING not in stderr
            and "Traceback" not in stderr}


def run(runs: int = 3, cases=CASES, ways=WAYS, progress=print) -> dict[tuple[str, str], list[dict]]:
    results: dict[tuple[str, str], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-exit-") as work:
        work = Path(work)
        video = write_video(work / "clip.avi")
        project = write_teach_project(work / "shapes")
        for case in cases:
            for how in ways:
                for n in range(runs):
                    result = close_and_time(case, how, work / f"{case}-{how}-{n}", video, project)
                    results.setdefault((case, how), []).append(result)
                    progress(f"  {case:<7}{how:<8} {result['seconds']:.2f} s  busy: {result['busy'] or '-'}")
    return results


def report(runs: int = 3) -> tuple[str, bool]:
    from benchmarks.timing import machine_line

    results = run(runs)
    lines = [f"machine: {machine_line()}; {runs} run(s) per case",
             f"{'case':<9}{'close by':<10}{'median':>8}{'max':>8}  {'busy when closed':<34}result"]
    ok_all = True
    for (case, how), rows in results.items():
        seconds = [r["seconds"] for r in rows]
        median = statistics.median(seconds)
        clean = all(r["clean"] for r in rows)
        ok = clean and median < TARGET_S
        ok_all &= ok
        busy = sorted({r["busy"] or "-" for r in rows})
        lines.append(f"{case:<9}{how:<10}{median:>7.2f}s{max(seconds):>7.2f}s  {' / '.join(busy):<34}"
                     f"{'PASS' if ok else 'FAIL'}{'' if clean else ' (unclean exit)'}")
    lines.append(f"target: under {TARGET_S:g} s from close to exit, exit code 0, no running thread destroyed")
    return "\n".join(lines), ok_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_exit", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case and way of closing (default 3)")
    args = parser.parse_args(argv)
    text, ok = report(args.runs)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
