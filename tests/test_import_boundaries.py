"""The architecture's arrows, enforced.

``desktop.ui -> desktop.core`` and ``training -> desktop.core``; the app never imports TensorFlow,
Keras or the training package, and ``desktop.core`` never imports Qt. Two checks:

* a static scan of every ``.py`` file in ``desktop/`` and ``training/`` (``import x``,
  ``from x import``, ``from x.y import``, relative imports, and ``importlib.import_module("x")`` /
  ``__import__("x")`` with a literal name), wherever the import sits (functions, ``try``,
  ``if TYPE_CHECKING``);
* a real import of every ``desktop`` module in a fresh interpreter, checking what actually ended
  up in ``sys.modules`` (catches a dependency that drags TensorFlow in behind our back).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

TENSORFLOW_WORLD = ("tensorflow", "keras", "tf_keras", "tf2onnx", "keras_tuner", "tensorboard")
QT = ("PySide6", "shiboken6", "PySide2", "PyQt5", "PyQt6", "qtpy")

#: package (dotted prefix) -> modules it must never import (a name forbids its submodules too).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "desktop": (*TENSORFLOW_WORLD, "training"),
    "desktop.core": (*TENSORFLOW_WORLD, "training", *QT, "desktop.ui", "desktop.__main__"),
    "training": (*QT, "desktop.ui", "desktop.__main__"),
}

_DYNAMIC_IMPORT_FUNCTIONS = {"import_module", "__import__"}


def module_name(path: Path, root: Path = REPO_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str | None, level: int, importer: str, is_package: bool) -> str:
    """``from ..x import y`` inside ``importer`` -> the absolute name of ``..x``."""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, module] if module else base)


def imported_names(source: str, importer: str = "", is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``source``, including literal dynamic imports.

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a submodule).
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _resolve_relative(node.module, node.level, importer, is_package)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name in _DYNAMIC_IMPORT_FUNCTIONS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
    return found


def is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def forbidden_for(importer: str) -> tuple[str, ...]:
    rules = [banned for package, banned in FORBIDDEN.items() if is_within(importer, package)]
    return tuple(dict.fromkeys(m for banned in rules for m in banned))


def violations(path: Path, root: Path = REPO_ROOT) -> list[str]:
    """``file:line imports module`` for each line of ``path`` that crosses a boundary."""
    importer = module_name(path, root)
    banned = forbidden_for(importer)
    names = imported_names(path.read_text(encoding="utf-8"), importer, path.name == "__init__.py")
    first_per_line: dict[int, str] = {}
    for line, name in names:
        if any(is_within(name, b) for b in banned):
            first_per_line.setdefault(line, name)
    where = path.relative_to(root).as_posix()
    return [f"{where}:{line} imports {name}" for line, name in sorted(first_per_line.items())]


def source_files() -> list[Path]:
    files = []
    for package in ("desktop", "training"):
        files += sorted(p for p in (REPO_ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)
    return files


# --- the scanner itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import tensorflow as tf", "tensorflow"),
        ("import os, keras.layers", "keras.layers"),
        ("from keras import layers", "keras"),
        ("from tensorflow.keras import layers", "tensorflow.keras"),
        ("from training.models import build", "training.models"),
        ("def f():\n    import tf_keras", "tf_keras"),
        ("try:\n    import tf2onnx\nexcept ImportError:\n    pass", "tf2onnx"),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import keras", "keras"),
        ("import importlib\nimportlib.import_module('tensorflow')", "tensorflow"),
        ("from importlib import import_module\nimport_module('training.synth')", "training.synth"),
        ("__import__('keras')", "keras"),
    ],
)
def test_scanner_catches_every_import_form_in_the_app(source: str, expected: str) -> None:
    names = [name for _, name in imported_names(source, "desktop.ui.some_panel")]
    assert expected in names
    assert any(is_within(n, b) for n in names for b in forbidden_for("desktop.ui.some_panel"))


def test_scanner_resolves_relative_imports() -> None:
    names = [n for _, n in imported_names("from ..ui import main_window", "desktop.core.engine")]
    assert "desktop.ui" in names and "desktop.ui.main_window" in names
    names = [n for _, n in imported_names("from . import contract", "desktop.core", is_package=True)]
    assert "desktop.core.contract" in names


def test_qt_is_forbidden_in_core_but_allowed_in_ui() -> None:
    assert "PySide6" in forbidden_for("desktop.core.strokes")
    assert "PySide6" not in forbidden_for("desktop.ui.main_window")
    assert "training" in forbidden_for("desktop.ui.main_window")
    assert "desktop.core" not in forbidden_for("training.synth")


def test_a_planted_violation_is_reported(tmp_path: Path) -> None:
    offender = tmp_path / "desktop" / "core" / "offender.py"
    offender.parent.mkdir(parents=True)
    offender.write_text("import numpy\nfrom PySide6.QtGui import QImage\nimport keras\n", encoding="utf-8")
    assert violations(offender, root=tmp_path) == [
        "desktop/core/offender.py:2 imports PySide6.QtGui",
        "desktop/core/offender.py:3 imports keras",
    ]


# --- the real code --------------------------------------------------------------------------------


def test_the_scan_sees_the_packages() -> None:
    names = {module_name(p) for p in source_files()}
    assert {"desktop", "desktop.core.contract", "desktop.ui.main_window", "training"} <= names


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_forbidden_import_in_source(path: Path) -> None:
    assert violations(path) == []


_PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    result = {}
    for name in json.loads(sys.argv[1]):
        before = set(sys.modules)
        importlib.import_module(name)
        result[name] = sorted(set(sys.modules) - before)
    print(json.dumps(result))
    """
)


def desktop_modules() -> list[str]:
    names = [module_name(p) for p in sorted((REPO_ROOT / "desktop").rglob("*.py")) if "__pycache__" not in p.parts]
    # Core first, so anything Qt-ish it loads is attributed to core and not hidden by an earlier ui import.
    return sorted(names, key=lambda name: not is_within(name, "desktop.core"))


def modules_loaded_by(modules: list[str], pythonpath: Path = REPO_ROOT) -> dict[str, list[str]]:
    """Import ``modules`` one after another in a fresh interpreter: what each one newly loaded."""
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(modules)],
        cwd=pythonpath, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
    )
    assert probe.returncode == 0, probe.stderr
    return json.loads(probe.stdout.strip().splitlines()[-1])


def runtime_violations(newly_loaded: dict[str, list[str]]) -> list[str]:
    problems = []
    for importer, loaded in newly_loaded.items():
        banned = [b for b in forbidden_for(importer) if "." not in b]  # top-level packages only
        problems += [f"importing {importer} loaded {m}" for m in loaded if any(is_within(m, b) for b in banned)]
    return problems


def test_the_runtime_check_catches_a_planted_violation(tmp_path: Path) -> None:
    core = tmp_path / "desktop" / "core"
    core.mkdir(parents=True)
    (tmp_path / "desktop" / "__init__.py").write_text("", encoding="utf-8")
    (core / "__init__.py").write_text("", encoding="utf-8")
    # Hidden behind a helper, where a source scan of core alone would not see it.
    (tmp_path / "helper_lib.py").write_text("import PySide6.QtCore\n", encoding="utf-8")
    (core / "offender.py").write_text("import helper_lib\n", encoding="utf-8")
    problems = runtime_violations(modules_loaded_by(["desktop.core.offender"], pythonpath=tmp_path))
    assert "importing desktop.core.offender loaded PySide6.QtCore" in problems


def test_importing_the_app_loads_no_tensorflow_and_core_loads_no_qt() -> None:
    newly_loaded = modules_loaded_by(desktop_modules())
    assert "desktop.ui.main_window" in newly_loaded and "desktop.core.contract" in newly_loaded
    assert runtime_violations(newly_loaded) == []


# --- no import cycles ------------------------------------------------------------------------------
# An import inside a function is an edge too: it is a cycle that only shows at run time, in the one
# order of calls that happens to import the second module first.


def import_graph(files: list[Path], root: Path = REPO_ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports (anywhere in the file), from the source alone."""
    modules = {module_name(p, root): p for p in files}
    graph: dict[str, set[str]] = {}
    for importer, path in modules.items():
        edges = set()
        for _, name in imported_names(path.read_text(encoding="utf-8"), importer, path.name == "__init__.py"):
            while name and name not in modules:  # ``from a.b import function`` -> the module a.b
                name = name.rpartition(".")[0]
            # A package's own __init__ (imported with any of its modules) is not an edge back.
            if name and name != importer and not is_within(importer, name):
                edges.add(name)
        graph[importer] = edges
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            following = next((w for w in edges if w not in index or w in on_stack), None)
            if following is not None:
                if following not in index:
                    index[following] = low[following] = len(index)
                    stack.append(following)
                    on_stack.add(following)
                    work.append((following, iter(sorted(graph.get(following, ())))))
                else:
                    low[node] = min(low[node], index[following])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def test_the_cycle_check_finds_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    package = tmp_path / "desktop"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "a.py").write_text("from desktop.b import thing\n", encoding="utf-8")
    (package / "b.py").write_text("def thing():\n    from desktop import a\n", encoding="utf-8")
    (package / "c.py").write_text("import desktop.a\n", encoding="utf-8")
    graph = import_graph(sorted(package.rglob("*.py")), root=tmp_path)
    assert import_cycles(graph) == [["desktop.a", "desktop.b"]]
    (package / "b.py").write_text("def thing():\n    pass\n", encoding="utf-8")
    assert import_cycles(import_graph(sorted(package.rglob("*.py")), root=tmp_path)) == []


def test_no_import_cycle_in_the_app_or_the_training_package() -> None:
    files = source_files() + sorted(p for folder in ("benchmarks", "installer") for p in (REPO_ROOT / folder).rglob("*.py")
                                    if "__pycache__" not in p.parts)
    assert import_cycles(import_graph(files)) == []
