"""The app's dependencies resolve to binary wheels on every platform and Python that README promises.

For Windows (x86-64) and macOS (Apple silicon and Intel, at the oldest macOS README names) and
Python 3.11 to 3.13, pip resolves the app's dependency set (pyproject's ``dependencies``, i.e.
what ``pip install -e .`` installs) without building anything:
``pip install --dry-run --only-binary=:all: --platform ... --python-version ... --report``.
A package with no wheel there fails the test by name; no package index at all skips it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHONS = ("3.11", "3.12", "3.13")
#: The oldest macOS on which every dependency has a wheel for all three Pythons (12 lacks
#: onnxruntime for 3.12+); README says the same. The packaged app's own minimum is read from its
#: libraries by the build (installer/macos_minimum.py) and is usually newer: it bundles the newest wheels.
MACOS_MINIMUM = "13"
PLATFORMS = {
    "Windows x86-64": "win_amd64",
    "macOS Apple silicon": f"macosx_{MACOS_MINIMUM}_0_arm64",
    "macOS Intel": f"macosx_{MACOS_MINIMUM}_0_x86_64",
}
NO_INDEX = re.compile(r"NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|"
                      r"Network is unreachable|ProxyError|Max retries exceeded|No route to host", re.IGNORECASE)
NO_WHEEL = re.compile(r"(?:satisfies the requirement|matching distribution found for) ([A-Za-z0-9_.\-]+)")


def app_dependencies() -> list[str]:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


def resolve(platform: str, python: str, folder: Path) -> subprocess.CompletedProcess:
    report = folder / f"{platform}-{python}.json"
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--disable-pip-version-check", "--target", str(folder / "never-written"), "--only-binary=:all:",
         "--platform", platform, "--python-version", python, "--report", str(report), *app_dependencies()],
        capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_app_installs_from_wheels_on_every_supported_platform_and_python(tmp_path: Path) -> None:
    cases = [(name, tag, python) for name, tag in PLATFORMS.items() for python in PYTHONS]
    with ThreadPoolExecutor(max_workers=3) as pool:  # waiting on the index, not the CPU
        results = list(pool.map(lambda case: resolve(case[1], case[2], tmp_path), cases))
    failures = []
    for (name, tag, python), result in zip(cases, results):
        if result.returncode == 0:
            report = json.loads((tmp_path / f"{tag}-{python}.json").read_text(encoding="utf-8"))
            names = {item["metadata"]["name"].lower().replace("_", "-") for item in report["install"]}
            assert {"onnxruntime", "numpy", "pyside6-essentials", "opencv-python-headless"} <= names, names
            assert all(item["download_info"]["url"].endswith(".whl") for item in report["install"])
            continue
        if NO_INDEX.search(result.stderr):
            pytest.skip(f"no package index reachable ({NO_INDEX.search(result.stderr).group(0)})")
        missing = NO_WHEEL.search(result.stderr)
        failures.append(f"{name} ({tag}), Python {python}: "
                        + (f"no wheel of {missing.group(1)}" if missing else result.stderr.strip()[-500:]))
    assert not failures, "\n".join(failures)


def test_readme_states_the_platforms_this_check_covers() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"macOS {MACOS_MINIMUM}" in readme and "Python 3.11–3.13" in readme
