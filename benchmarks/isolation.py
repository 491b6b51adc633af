"""Benchmarks run away from the user's own settings and data, and never wait for ever.

A benchmark that read the user's saved settings reopened the panel used last (the Results panel),
and then waited without a deadline for a paint of the hidden Write panel. Every benchmark now
calls :func:`isolate_user_dirs` before it creates a QApplication or starts a child process, and
every wait goes through :func:`wait_until`, which fails with what it waited for.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

_HOME_LIKE = ("HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
              "XDG_CACHE_HOME", "XDG_STATE_HOME")
_isolated: Path | None = None


class WaitTimedOut(RuntimeError):
    """A benchmark's wait passed its deadline; the message names what it waited for."""


def isolated_env(home: Path) -> dict[str, str]:
    """Environment variables that send a process's settings, data and caches into ``home``."""
    env = {}
    for name in _HOME_LIKE:
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    return env


def isolate_user_dirs(prefix: str = "cnn-classroom-bench-") -> Path:
    """Point this process (and the children it starts) at an empty home; idempotent.

    Sets the home-like environment variables and, when Qt is importable, Qt's test mode for the
    standard locations and the settings path for every format and scope, so neither this process
    nor a child reads or writes the user's real settings, models or logs. The folder is removed at exit.
    """
    global _isolated
    if _isolated is not None:
        return _isolated
    home = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ.update(isolated_env(home))
    try:
        from PySide6.QtCore import QSettings, QStandardPaths
    except ImportError:  # training-only benchmarks
        _isolated = home
        return home
    QStandardPaths.setTestModeEnabled(True)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(home / "qsettings"))
    _isolated = home
    return home


def wait_until(condition: Callable[[], bool], what: str, *, timeout_s: float = 60.0,
               pump: Callable[[], object] | None = None, poll_s: float = 0.0) -> float:
    """Call ``pump`` (e.g. ``app.processEvents``) until ``condition()`` holds; seconds waited.

    Raises :class:`WaitTimedOut` naming ``what`` after ``timeout_s``.
    """
    start = time.monotonic()
    deadline = start + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise WaitTimedOut(f"gave up after {timeout_s:g} s waiting for {what}")
        if pump is not None:
            pump()
        if poll_s:
            time.sleep(poll_s)
    return time.monotonic() - start
