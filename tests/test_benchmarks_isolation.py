"""Benchmarks keep away from the user's settings and data, and their waits end.

``bench_app`` once read the user's saved settings, reopened the Results panel and then waited for
ever for a paint of the hidden Write panel. Here a "user" whose settings say Results (and a bad
zoom) runs the real benchmark, small: it must finish, and the user's files stay byte-identical.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.isolation import WaitTimedOut, wait_until

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_wait_until_names_what_it_waited_for() -> None:
    polls = []
    with pytest.raises(WaitTimedOut, match="the answer that never comes"):
        wait_until(lambda: False, "the answer that never comes", timeout_s=0.05, pump=lambda: polls.append(1))
    assert polls, "the pump must run while waiting"
    assert wait_until(lambda: True, "something already true", timeout_s=0) >= 0


@pytest.mark.slow
def test_bench_app_ignores_the_users_saved_settings(tmp_path: Path) -> None:
    home = tmp_path / "user"
    config = home / "config" / "CNN Classroom"
    config.mkdir(parents=True)
    settings = config / "CNN Classroom.conf"
    settings.write_text("[window]\npanel=4\n\n[view]\nzoom_index=3\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-m", "benchmarks.bench_app", "--drawings", "3", "--starts", "1",
                             "--panel-builds", "1"], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pen-up to candidates painted" in result.stdout
    after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    assert after == before, f"the benchmark wrote into the user's folders: {sorted(set(after) - set(before))}"
