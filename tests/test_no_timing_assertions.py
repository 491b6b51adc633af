"""No test asserts on a measured duration: a busy or slow machine would fail it (speed belongs in
``benchmarks/``; a test bounds *work*: calls, sizes, events). Checked on the syntax of every
Python file under ``tests/``, so the kind of test that made a fresh machine's run fail cannot
come back.

A finding is an ``assert`` (or an ``if`` that raises or fails the test) whose condition compares
a duration: a clock read (``time.perf_counter()``, ``monotonic``, ``process_time``,
``thread_time``, ``time.time``, ``timeit``, ``QElapsedTimer``), a name computed from one in the
same function, or a value named like a duration (``elapsed``, ``seconds``, ``..._s``, ``..._ms``).
A clock read in the condition of a ``while`` loop, or anywhere inside one, is the deadline of a
wait loop and is allowed, as is a duration that is only printed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time", "process_time_ns",
          "thread_time", "thread_time_ns", "time", "time_ns", "timeit", "repeat", "elapsed", "nsecsElapsed",
          "default_timer"}
CLOCK_OWNERS = {"time", "timeit", "timer", "clock"}
DURATION_NAME = re.compile(r"(elapsed|duration|seconds|latency|per_update|took)|(_s|_ms|_ns)$", re.IGNORECASE)
ORDERINGS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _is_clock_read(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in CLOCKS:
        owner = func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
        return owner_name.lower() in CLOCK_OWNERS or func.attr in {"elapsed", "nsecsElapsed"}
    return isinstance(func, ast.Name) and func.id in CLOCKS - {"time", "repeat", "elapsed"}


def _names(node: ast.AST) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
        elif isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant) and isinstance(sub.slice.value, str):
            found.add(sub.slice.value)
    return found


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.findings: list[tuple[int, str]] = []
        self._tainted: list[set[str]] = [set()]
        self._loops = 0

    # -- scopes: names measured from a clock, per function -------------------------------------
    def _visit_scope(self, node: ast.AST) -> None:
        tainted: set[str] = set()
        changed = True
        while changed:  # a name computed from a measured name is measured too (began -> elapsed)
            changed = False
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and sub.value is not None:
                    value = sub.value
                    if any(_is_clock_read(v) for v in ast.walk(value)) or _names(value) & tainted:
                        targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                        new = set().union(*(_names(t) for t in targets)) - tainted
                        if new:
                            tainted |= new
                            changed = True
        self._tainted.append(tainted)
        saved, self._loops = self._loops, 0
        self.generic_visit(node)
        self._loops = saved
        self._tainted.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Module = _visit_scope

    def visit_While(self, node: ast.While) -> None:
        self._loops += 1
        self.generic_visit(node)
        self._loops -= 1

    visit_For = visit_While

    # -- conditions ----------------------------------------------------------------------------
    def _measures_time(self, condition: ast.AST) -> bool:
        for sub in ast.walk(condition):
            if not (isinstance(sub, ast.Compare) and any(isinstance(op, ORDERINGS) for op in sub.ops)):
                continue
            for side in (sub.left, *sub.comparators):
                if any(_is_clock_read(n) for n in ast.walk(side)):
                    return True
                names = _names(side)
                if names & self._tainted[-1] or any(DURATION_NAME.search(name) for name in names):
                    return True
        return False

    def visit_Assert(self, node: ast.Assert) -> None:
        if not self._loops and self._measures_time(node.test):
            self.findings.append((node.lineno, ast.unparse(node.test)))
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        fails = any(isinstance(n, ast.Raise) or (isinstance(n, ast.Call) and ast.unparse(n.func) == "pytest.fail")
                    for statement in node.body for n in ast.walk(statement))
        if fails and not self._loops and self._measures_time(node.test):
            self.findings.append((node.lineno, ast.unparse(node.test)))
        self.generic_visit(node)


def timing_assertions(source: str) -> list[tuple[int, str]]:
    finder = _Finder()
    finder.visit(ast.parse(source))
    return finder.findings


@pytest.mark.parametrize("source", [
    "def test():\n    began = time.perf_counter()\n    work()\n    assert time.perf_counter() - began < 2.0\n",
    "def test():\n    began = time.monotonic()\n    work()\n    elapsed = time.monotonic() - began\n    assert elapsed < 8\n",
    "def test(result):\n    assert result['seconds'] < GENEROUS_EXIT_S\n",
    "def limit():\n    started = time.thread_time()\n    yield\n    used = time.thread_time() - started\n"
    "    if used > 1.0:\n        raise ParseTooSlow(used)\n",
    "def test(timer):\n    assert timer.elapsed() <= 50\n",
])
def test_the_check_finds_each_kind_of_timing_assertion(source):
    assert timing_assertions(source), source


@pytest.mark.parametrize("source", [
    "def wait(p):\n    deadline = time.monotonic() + 60\n    while time.monotonic() < deadline:\n"
    "        if p():\n            return\n    raise TimeoutError('p')\n",
    "def wait(p):\n    deadline = time.monotonic() + 60\n    while not p():\n"
    "        if time.monotonic() > deadline:\n            raise TimeoutError('p')\n",
    "def test():\n    started = time.perf_counter()\n    build()\n    print(f'built in {time.perf_counter() - started:.0f} s')\n",
    "def test(calls):\n    assert len(calls) <= 4 and calls.count('decode') == 0\n",
])
def test_the_check_allows_deadlines_printed_times_and_bounds_on_work(source):
    assert timing_assertions(source) == [], source


def test_no_test_asserts_on_a_measured_duration():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        for line, condition in timing_assertions(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(TESTS.parent)}:{line}: {condition}")
    assert not found, "tests must bound work, not time (speed belongs in benchmarks/):\n" + "\n".join(found)
