"""Test-wide setup: importable checkout, headless Qt, and no trace in the user's real settings.

Qt runs on the ``offscreen`` platform in the test process. A test that needs a real X11 window
(``tests/ui/test_real_window_xvfb.py``) starts the app in a child process with
``QT_QPA_PLATFORM=xcb`` and its own virtual display instead, because a Qt platform cannot be
changed once the application object exists.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.qt_messages import cross_thread_warnings  # noqa: E402 (needs the checkout on sys.path)

# Environment read once at import time by Qt, TensorFlow, Keras and matplotlib: set it before any
# test module imports them. A user's own keras.json (say, another backend) must not leak in.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="cnn-classroom-tests-"))
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["KERAS_HOME"] = str(_SESSION_DIR / "keras")
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
# Kept between runs (it is only a font cache; rebuilding it costs seconds) but away from $HOME.
os.environ.setdefault("MPLCONFIGDIR", str(REPO_ROOT / ".pytest_cache" / "matplotlib"))

try:
    from hypothesis import settings

    # A shared or busy CI machine makes per-example deadlines flaky; examples still run in full.
    settings.register_profile("cnn-classroom", deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "cnn-classroom"))
except ImportError:  # hypothesis comes with the dev extra; tests that need it import it themselves
    pass

_HOME_LIKE = ("HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
              "XDG_CACHE_HOME", "XDG_STATE_HOME")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty home, config and cache folders, and Qt settings inside them."""
    home = tmp_path_factory.mktemp("home")
    for name in _HOME_LIKE:
        folder = home / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))

    try:
        from PySide6.QtCore import QSettings, QStandardPaths
    except ImportError:  # an app-free environment (training only) still runs its tests
        return home
    # Test mode sends QStandardPaths to ~/.qttest, i.e. inside the home above.
    QStandardPaths.setTestModeEnabled(True)
    settings_dir = str(home / "qsettings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, settings_dir)
    return home


@pytest.fixture(autouse=True)
def no_cross_thread_qt_access(request: pytest.FixtureRequest):
    """Fail the test when Qt reported a cross-thread object access while it ran (pytest-qt captures Qt's log)."""
    try:
        qtlog = request.getfixturevalue("qtlog")
    except pytest.FixtureLookupError:  # pytest-qt absent: a training-only environment
        yield
        return
    yield
    found = cross_thread_warnings(record.message for record in qtlog.records)
    if found and request.node.get_closest_marker("provokes_cross_thread_warning") is None:
        pytest.fail("Qt reported an object used from a thread that does not own it:\n" + "\n".join(found),
                    pytrace=False)
