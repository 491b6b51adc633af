"""The bundled app (PyInstaller, ``installer/build_linux.sh``): cold start, size.

Times ``<bundle>/cnn-classroom --smoke-test`` (window shown and painted, then exit) against
``python -m desktop --smoke-test`` from the checkout, alternating the two in the same run so the
ratio holds on any machine; reports the bundle's unpacked size and its tarball. Targets (from the
issue): cold start of the bundle < 2 s, bundle <= 300 MB unpacked.

    python -m benchmarks.bench_bundle [--bundle dist/cnn-classroom] [--starts 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = REPO_ROOT / "dist" / "cnn-classroom"
BUNDLE_ENV = "CNN_CLASSROOM_BUNDLE"
TARGETS = {"cold_start_s": 2.0, "size_mb": 300.0}


def bundle_executable(bundle: Path) -> Path | None:
    """The executable to run in a bundle folder or a macOS .app, or None when there is none."""
    for candidate in (bundle / "cnn-classroom", bundle / "cnn-classroom.exe",
                      bundle / "Contents" / "MacOS" / "CNN Classroom"):
        if candidate.is_file():
            return candidate
    return None


def default_bundle() -> Path:
    return Path(os.environ.get(BUNDLE_ENV) or DEFAULT_BUNDLE)


def size_mb(folder: Path) -> float:
    """Unpacked size; links counted once, as ``du`` does."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def _time_once(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} --smoke-test failed:\n{result.stderr[-3000:]}")
    return seconds


def cold_starts(executable: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds per start: (bundle, ``python -m desktop``), alternated, with one untimed start each first."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"), "HOME": home,
               "XDG_CONFIG_HOME": f"{home}/config", "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/cache"}
        source_env = {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        bundled_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
        bundled_cmd = [str(executable), "--smoke-test"]
        source_cmd = [sys.executable, "-m", "desktop", "--smoke-test"]
        # One start each first, so both read their files from the page cache, as a second launch does.
        _time_once(bundled_cmd, bundled_env)
        _time_once(source_cmd, source_env)
        bundled, source = [], []
        for _ in range(runs):
            bundled.append(_time_once(bundled_cmd, bundled_env))
            source.append(_time_once(source_cmd, source_env))
    return bundled, source


def report(bundle: Path, starts: int = 5) -> str:
    from benchmarks.timing import machine_line

    executable = bundle_executable(bundle)
    if executable is None:
        raise FileNotFoundError(f"no bundled app in {bundle}: build it with installer/build_linux.sh")
    bundled, source = cold_starts(executable, starts)
    cold, baseline = statistics.median(bundled), statistics.median(source)
    size = size_mb(bundle)
    tarballs = sorted(bundle.parent.glob(f"{bundle.name}-*.tar.gz"))
    lines = [
        f"machine: {machine_line()}; bundle: {bundle}; {starts} starts each, alternated",
        f"{'':<36}{'measured':>20}{'target':>10}",
        f"{'bundle cold start (--smoke-test)':<36}{f'median {cold:.2f} s':>20}{'< 2 s':>10}  "
        f"{'ok' if cold < TARGETS['cold_start_s'] else 'OVER'}",
        f"{'python -m desktop --smoke-test':<36}{f'median {baseline:.2f} s':>20}{'':>10}  "
        f"(bundle/source = {cold / baseline:.2f}x)",
        f"{'bundle size, unpacked':<36}{f'{size:.0f} MB':>20}{'<= 300 MB':>10}  "
        f"{'ok' if size <= TARGETS['size_mb'] else 'OVER'}",
    ]
    if tarballs:
        lines.append(f"{'tarball':<36}{f'{tarballs[-1].stat().st_size / 2**20:.0f} MB':>20}")
    lines.append("bundle starts (s): " + " ".join(f"{s:.2f}" for s in bundled))
    lines.append("source starts (s): " + " ".join(f"{s:.2f}" for s in source))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=default_bundle(),
                        help=f"the bundle folder or .app (default: ${BUNDLE_ENV}, else dist/cnn-classroom)")
    parser.add_argument("--starts", type=int, default=5, help="timed starts of each (default 5)")
    args = parser.parse_args(argv)
    if args.starts < 1:
        parser.error("--starts must be at least 1")
    try:
        print(report(args.bundle, args.starts))
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
