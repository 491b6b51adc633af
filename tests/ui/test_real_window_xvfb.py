"""The app opens a real X11 window through Qt's xcb plugin, on a virtual X server.

The offscreen tests cannot notice missing system libraries (libxcb-cursor0 and friends): Qt
only loads the xcb plugin when it talks to an X server. These tests start ``Xvfb`` on a free
display, run ``python -m desktop --smoke-test`` against it, and write a character on the real
window's canvas, keeping its screenshot as a test artifact (``$TEST_ARTIFACTS`` or tmp_path).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
XVFB_START_TIMEOUT_S = 20

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb and Qt's xcb plugin are Linux-only"),
]


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def xvfb_binary() -> str:
    binary = shutil.which("Xvfb")
    if binary is None:
        if running_in_ci():
            pytest.fail("Xvfb is not installed, and CI must run the real-window test: apt-get install xvfb")
        pytest.skip("Xvfb is not installed (Debian/Ubuntu: sudo apt-get install xvfb), so no real X11 window test")
    return binary


@pytest.fixture
def virtual_display(tmp_path: Path):
    """Start Xvfb on a display it picks itself (``-displayfd``: no race for a free number)."""
    binary = xvfb_binary()
    read_end, write_end = os.pipe()
    log = (tmp_path / "xvfb.log").open("wb")
    server = subprocess.Popen(
        [binary, "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=log, stderr=subprocess.STDOUT, pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], XVFB_START_TIMEOUT_S)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number:
            server.kill()
            server.wait()
            log.close()
            pytest.fail(f"Xvfb did not start within {XVFB_START_TIMEOUT_S} s:\n"
                        + (tmp_path / "xvfb.log").read_text(errors="replace"))
        yield f":{number}"
    finally:
        os.close(read_end)
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()


def xcb_env(display: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": path}
    env.pop("WAYLAND_DISPLAY", None)
    return env


def test_the_app_opens_a_real_window_under_xvfb(virtual_display: str) -> None:
    env = xcb_env(virtual_display)
    result = subprocess.run([sys.executable, "-m", "desktop", "--smoke-test"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    # A missing system library shows up here as Qt's "could not load the Qt platform plugin xcb".
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    assert result.stdout.strip() == "ok"


def test_a_character_written_in_the_real_window_is_recognised(virtual_display: str, tmp_path: Path) -> None:
    import cv2
    from desktop.core.registry import ModelRegistry, shipped_models_dir

    if not ModelRegistry([shipped_models_dir()]).scan(warm_up=False).models:
        pytest.skip("no shipped models: python -m training build-assets")
    artifacts = Path(os.environ.get("TEST_ARTIFACTS") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / "real-window-write-da.png"
    result = subprocess.run([sys.executable, str(REPO_ROOT / "tests" / "ui" / "draw_in_real_window.py"), "大", str(shot)],
                            cwd=REPO_ROOT, env=xcb_env(virtual_display), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["top1"] == "大", report
    image = cv2.imread(str(shot), cv2.IMREAD_GRAYSCALE)
    assert image is not None and image.shape[0] > 300 and image.shape[1] > 500
    assert float(np.var(image)) > 100.0, "the screenshot is blank"
