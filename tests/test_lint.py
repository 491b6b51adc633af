"""The lint runs with the tests, so CI runs it: the rules are in pyproject.toml's ``[tool.ruff]``.

Every ``noqa`` annotation in the code names a rule that is selected there; an annotation for a rule
nobody runs would be a comment that cannot be checked.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
LINTED = ("desktop", "training", "tests", "benchmarks", "installer")


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300)


def test_ruff_finds_nothing() -> None:
    result = ruff("check", "--no-cache", *LINTED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_reports_a_planted_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef paintEvent():\n    try:\n        pass\n    except Exception:\n        pass\n",
                   encoding="utf-8")
    result = ruff("check", "--no-cache", "--config", str(REPO_ROOT / "pyproject.toml"), str(bad))
    assert result.returncode == 1
    for code in ("F401", "N802", "BLE001"):
        assert code in result.stdout


def test_every_noqa_names_a_selected_rule() -> None:
    selected = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]["select"]
    unknown = set()
    for folder in LINTED:
        for path in (REPO_ROOT / folder).rglob("*.py"):
            for codes in re.findall(r"#\s*noqa:\s*([A-Z0-9, ]+)", path.read_text(encoding="utf-8")):
                for code in filter(None, (c.strip() for c in codes.split(","))):
                    if not any(code.startswith(prefix) for prefix in selected):
                        unknown.add(f"{path.relative_to(REPO_ROOT)}: {code}")
    assert unknown == set()
