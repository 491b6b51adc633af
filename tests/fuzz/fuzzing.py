"""Shared settings of the fuzz tests: reproducible hypothesis runs and byte mutations.

Every parser of a file a user may hand the app is fed thousands of generated inputs; each must
either work or raise the project's own clear error. No test measures time (a busy or slow machine
would fail it): each parser bounds its *work* instead, checking what a file declares (sizes,
counts, element totals, nesting) against caps before it allocates or loops, and the caps have
their own tests. A parse that never returns is stopped by pytest-timeout (``timeout`` in
pyproject.toml). ``FUZZ_SCALE`` (environment) multiplies the example counts, e.g.
``FUZZ_SCALE=10`` for a long run before a release; the default keeps the whole fuzz suite near a
minute.
"""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz_settings(examples: int) -> settings:
    """Derandomized (the same cases on every machine and run), no example database, no deadline
    (hypothesis's per-example deadline is a time limit too)."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


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
