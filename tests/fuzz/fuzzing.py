"""Shared settings of the fuzz tests: reproducible hypothesis runs and a time limit on every parse.

Every parser of a file a user may hand the app is fed thousands of generated inputs; each must
either work or raise the project's own clear error, and return within :data:`PARSE_LIMIT_S`.
``FUZZ_SCALE`` (environment) multiplies the example counts, e.g. ``FUZZ_SCALE=10`` for a long
run before a release; the default keeps the whole fuzz suite near a minute.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Iterator

from hypothesis import HealthCheck, settings

#: A single parse of any generated input must finish within this many seconds.
PARSE_LIMIT_S = 1.0
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz_settings(examples: int) -> settings:
    """Derandomized (the same cases on every machine and run), no example database, no deadline
    (a busy CI machine must not fail a run; :func:`time_limit` bounds each parse instead)."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


class ParseTooSlow(AssertionError):
    pass


@contextmanager
def time_limit(seconds: float = PARSE_LIMIT_S) -> Iterator[None]:
    """Fail a parse that uses more than ``seconds`` of CPU time.

    CPU time of this thread, not wall time, so the check does not fail because other work shares
    the machine. A parse that never returns is stopped by pytest-timeout (``timeout`` in
    pyproject.toml); an asynchronous alarm here could interrupt C code holding a buffer.
    """
    started = time.thread_time()
    yield
    used = time.thread_time() - started
    if used > seconds:
        raise ParseTooSlow(f"a parse used {used:.2f} s of CPU time (limit {seconds:g} s)")


def mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply ``(kind, position, value)`` edits: 0 overwrite a byte, 1 insert one, 2 delete one, 3 cut there."""
    out = bytearray(data)
    for kind, position, value in edits:
        if not out and kind != 1:
            continue
        at = position % (len(out) + (1 if kind == 1 else 0)) if (out or kind == 1) else 0
        if kind == 0:
            out[at] = value
        elif kind == 1:
            out.insert(at, value)
        elif kind == 2:
            del out[at]
        else:
            del out[at:]
    return bytes(out)


IS_WINDOWS = sys.platform == "win32"
