"""The shape of the code a newcomer reads: no UI module over 500 lines, no function over 60.

A panel that grows past these is doing more than one job (layout, state, threads and dialogs in
one class was how the Teach panel reached 1,119 lines). The limits are counted from the source's
syntax tree: a module's lines, and a function from its ``def`` to its last line (decorators and
the blank lines after it excluded).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_UI_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
#: Functions allowed to be longer: pure layout or data tables, where splitting would only scatter a
#: table a reader wants to see whole. Each entry says which function and why. Keep it empty if you can.
LONG_TABLES: dict[str, str] = {}


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (REPO_ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def long_functions(source: str, where: str, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``where:line name (n lines)`` for each function or method longer than ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > limit and f"{where}::{node.name}" not in LONG_TABLES:
                found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_function_check_sees_a_long_method_and_passes_a_short_one() -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(60))
    source = f"class A:\n    def long(self):\n{body}\n\n    def short(self):\n        return 1\n"
    assert long_functions(source, "a.py") == ["a.py:2 long (61 lines)"]
    assert long_functions(source, "a.py", limit=61) == []


@pytest.mark.parametrize("path", python_files("desktop/ui"), ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_no_ui_module_is_over_500_lines(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_UI_MODULE_LINES, f"{path.relative_to(REPO_ROOT)} has {lines} lines: split it by job"


def test_no_function_is_over_60_lines() -> None:
    found = []
    for path in python_files("desktop", "training"):
        found += long_functions(path.read_text(encoding="utf-8"), path.relative_to(REPO_ROOT).as_posix())
    assert found == [], "split these into named steps:\n" + "\n".join(found)


def test_every_long_table_exception_still_exists() -> None:
    """An exception for a function that was split or renamed goes with it."""
    for key in LONG_TABLES:
        where, name = key.split("::")
        source = (REPO_ROOT / where).read_text(encoding="utf-8")
        assert any(isinstance(n, ast.FunctionDef) and n.name == name for n in ast.walk(ast.parse(source))), key
