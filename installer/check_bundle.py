"""Smoke-check a built bundle on any OS: the window opens headless, a stroke file is recognised.

    python installer/check_bundle.py dist/cnn-classroom/cnn-classroom
    python installer/check_bundle.py "dist/CNN Classroom.app/Contents/MacOS/CNN Classroom"
    python installer/check_bundle.py dist\\cnn-classroom\\cnn-classroom.exe

Runs the executable with ``--smoke-test`` on Qt's offscreen platform, then ``recognize`` on a stroke
file of 大 made from the shipped stroke data, and exits non-zero with the reason when either fails.
Needs only the standard library, so CI runs it before installing anything else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
STROKES = REPO_ROOT / "assets" / "strokes" / "hanzi-writer-data"
CHARACTER = "大"


def stroke_file(folder: Path) -> Path:
    """The character's stroke centre-lines as a stroke JSON file (y pointing down)."""
    medians = json.loads((STROKES / f"{CHARACTER}.json").read_text(encoding="utf-8"))["medians"]
    path = folder / "strokes.json"
    path.write_text(json.dumps([[[x, 900 - y] for x, y in stroke] for stroke in medians]), encoding="utf-8")
    return path


def check(executable: Path) -> list[str]:
    """The problems found (empty when the bundle works)."""
    problems = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    smoke = subprocess.run([str(executable), "--smoke-test"], env=env, capture_output=True, text=True,
                           encoding="utf-8", errors="replace", timeout=120)
    print(f"--smoke-test: exit {smoke.returncode} in {time.perf_counter() - started:.2f} s")
    if smoke.returncode != 0 or not smoke.stdout.strip().endswith("ok"):
        problems.append(f"--smoke-test failed (exit {smoke.returncode}):\n{smoke.stdout[-2000:]}\n{smoke.stderr[-4000:]}")
    with tempfile.TemporaryDirectory() as folder:
        strokes = stroke_file(Path(folder))
        result = subprocess.run([str(executable), "recognize", str(strokes)], env=env, capture_output=True,
                                text=True, encoding="utf-8", errors="replace", timeout=120)
    print(f"recognize: exit {result.returncode}: {result.stdout.strip()}")
    try:
        top = json.loads(result.stdout.strip().splitlines()[-1])["top5"][0][0]
    except (IndexError, KeyError, ValueError):
        top = None
    if result.returncode != 0 or top != CHARACTER:
        problems.append(f"recognize did not find {CHARACTER} (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: python installer/check_bundle.py EXECUTABLE", file=sys.stderr)
        return 2
    executable = Path(argv[0])
    if not executable.is_file():
        print(f"{executable}: no such executable", file=sys.stderr)
        return 2
    problems = check(executable)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
