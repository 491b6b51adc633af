"""README's two commands and the CI script cannot drift apart."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
CI_SCRIPT = REPO_ROOT / ".ci" / "run"


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def linux_commands() -> list[str]:
    """The command lines in README's bash blocks that set up the project on Debian/Ubuntu."""
    blocks = re.findall(r"```bash\n(.*?)```", readme_text(), flags=re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("sudo apt-get update && ")]


def readme_test_command() -> str:
    tests = [line for line in linux_commands() if line.endswith("&& .venv/bin/python -m pytest")]
    assert len(tests) == 1, f"README should have exactly one Debian/Ubuntu test command, found {tests}"
    return tests[0]


def readme_app_command() -> str:
    apps = [line for line in linux_commands() if line.endswith("&& .venv/bin/python -m desktop")]
    assert len(apps) == 1, f"README should have exactly one Debian/Ubuntu command to open the app, found {apps}"
    return apps[0]


def apt_packages(command: str) -> set[str]:
    match = re.search(r"apt-get install -y (.*?) &&", command)
    assert match, f"no apt-get install in {command!r}"
    return set(match.group(1).split())


def script_commands() -> list[str]:
    """The non-blank, non-comment lines of the CI script."""
    lines = [line.strip() for line in CI_SCRIPT.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_readme_opens_with_the_two_linux_commands() -> None:
    first_section = readme_text().split("\n## ", 1)[0]
    assert readme_app_command() in first_section
    assert readme_test_command() in first_section
    assert first_section.index(readme_app_command()) < first_section.index(readme_test_command())


def test_ci_runs_the_readme_test_command_verbatim_and_last() -> None:
    command = readme_test_command()
    assert command in script_commands(), ".ci/run must run README's test command word for word"
    # Last, so its status is the script's (an `&&` chain does not trigger `set -e`).
    assert script_commands()[-1] == command


def test_test_command_installs_everything_and_runs_pytest_in_the_venv() -> None:
    command = readme_test_command()
    assert 'python3 -m venv .venv && .venv/bin/pip install -e ".[train,dev]" && .venv/bin/python -m pytest' in command
    assert "xvfb" in apt_packages(command)


def test_the_app_needs_no_package_the_test_command_lacks() -> None:
    app, test = apt_packages(readme_app_command()), apt_packages(readme_test_command())
    assert app <= test
    # Only what the tests need on top: a virtual display, what PyInstaller needs for the bundle, and
    # fontconfig's fc-match (the training faces of printed samples are found through it).
    assert test - app == {"xvfb", "libpython3-dev", "binutils", "fontconfig"}
    assert ".venv/bin/pip install -e . &&" in readme_app_command()  # the app alone: no TensorFlow


def test_ci_script_is_strict_bash() -> None:
    text = CI_SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script_commands()
    if os.name == "posix":  # Windows checkouts have no executable bit
        assert CI_SCRIPT.stat().st_mode & 0o111, ".ci/run must be executable"
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    syntax = subprocess.run(["bash", "-n", str(CI_SCRIPT)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
