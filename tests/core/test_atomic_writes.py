"""Settings, projects and exports survive a process killed in the middle of writing them.

A child process writes; the parent kills it with SIGKILL (no clean-up code runs) either at a
chosen point - after the new content is in the temporary file, before the rename - or at random
moments during a long run of large writes. Afterwards the file is always the old complete one or
a new complete one, and a temporary file left behind is never taken for the real one.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from desktop.core.atomic import (
    atomic_open,
    atomic_path,
    temp_files,
    write_bytes_atomic,
    write_json_atomic,
    write_text_atomic,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
READY = "ready"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

# Child-side preamble: importable checkout, and a hook that stops just before the rename.
PAUSE_BEFORE_REPLACE = textwrap.dedent(f"""
    import sys, time
    sys.path.insert(0, {str(REPO_ROOT)!r})
    from desktop.core import atomic

    def pause_before_replace(suffix):
        real = atomic._replace
        def replace(temp, path):
            if str(path).endswith(suffix):
                print({READY!r}, flush=True)
                time.sleep(60)  # the parent kills us here
            real(temp, path)
        atomic._replace = replace
""")


def run_child(script: str, *, kill_on_ready: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``script``; SIGKILL it as soon as it prints READY. Returns the finished process."""
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    line = child.stdout.readline()
    if kill_on_ready and line.strip() == READY:
        child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=120)
    assert line.strip() == READY, f"the child never reached the write:\n{line}{out}\n{err}"
    assert child.returncode == -signal.SIGKILL, err
    return child


# -- the helper itself --------------------------------------------------------------------------------
def test_writes_replace_the_whole_file_with_normal_permissions(tmp_path):
    target = tmp_path / "sub" / "notes.txt"
    write_text_atomic(target, "第一版\n")
    write_bytes_atomic(target, "第二版\n".encode())
    assert target.read_text(encoding="utf-8") == "第二版\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600
    write_json_atomic(tmp_path / "data.json", {"字": [1, 2]})
    assert (tmp_path / "data.json").read_text(encoding="utf-8") == '{\n "字": [\n  1,\n  2\n ]\n}\n'
    with atomic_open(tmp_path / "data.json") as handle:
        handle.write("{}")
    assert (tmp_path / "data.json").read_text() == "{}"
    assert not temp_files(target) and not temp_files(tmp_path / "data.json")


def test_an_error_while_writing_keeps_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "model.onnx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="conversion failed"):
        with atomic_path(target) as temp:
            temp.write_bytes(b"half of a new")
            raise RuntimeError("conversion failed")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]
    with pytest.raises(ValueError, match="not a write mode"):
        with atomic_open(target, "a"):
            pass


def test_a_stray_temp_file_is_not_a_model_a_report_or_a_picture(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(tmp_path / "teach-pets.onnx") as temp:
            temp.write_bytes(b"onnx bytes")
            assert temp.name.startswith(".teach-pets.onnx.") and temp.suffix == ".tmp"
            # While it exists, nothing that looks for models, reports or pictures sees it.
            assert not [*tmp_path.glob("*.onnx"), *tmp_path.glob("*.json"), *tmp_path.glob("*.png")]
            raise KeyboardInterrupt  # even this removes it
    assert not list(tmp_path.iterdir())


# -- killed at random moments during large writes ------------------------------------------------------
def test_random_kills_during_large_writes_leave_a_complete_version(tmp_path):
    target = tmp_path / "big.bin"
    size = 8 * 2**20
    write_bytes_atomic(target, bytes([0]) * size)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from desktop.core.atomic import write_bytes_atomic
        print({READY!r}, flush=True)
        version = 1
        while True:
            write_bytes_atomic({str(target)!r}, bytes([version % 256]) * {size})
            version += 1
    """)
    rng = random.Random(0)
    strays = 0
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == READY
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        data = target.read_bytes()
        assert len(data) == size and data == bytes([data[0]]) * size  # one whole version, never a mix
        strays += len(temp_files(target))
        for temp in temp_files(target):
            temp.unlink()
    # Most kills land while a temporary file is being written: the interesting case did happen.
    assert strays >= 1


# -- settings -------------------------------------------------------------------------------------------
def test_settings_killed_mid_write_keep_the_last_complete_settings(tmp_path):
    """The app's QSettings store (an INI file on Linux) is written through a temporary file too."""
    folder = tmp_path / "qsettings"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
        from desktop.ui.app import APP_NAME, ORGANISATION_NAME
        QCoreApplication.setOrganizationName(ORGANISATION_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, {str(folder)!r})
        version = 0
        while True:
            settings = QSettings()
            # As big as a window layout gets many times over: each sync takes a while.
            settings.setValue("window/state", QByteArray(bytes([65 + version % 26]) * 2_000_000))
            settings.setValue("window/version", version)
            settings.sync()
            del settings
            if version == 0:
                print({READY!r}, flush=True)
            version += 1
    """)
    from PySide6.QtCore import QSettings

    rng = random.Random(1)
    strays = 0
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        line = child.stdout.readline()
        assert line.strip() == READY, child.stderr.read()
        time.sleep(rng.uniform(0.05, 0.5))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        conf = [p for p in files if p.suffix == ".conf"]
        assert len(conf) == 1, files
        strays += len(files) - 1
        settings = QSettings(str(conf[0]), QSettings.Format.IniFormat)
        version = int(settings.value("window/version"))
        state = bytes(settings.value("window/state"))
        assert state == bytes([65 + version % 26]) * 2_000_000  # the value saved with that version, whole
    assert strays >= 1  # some kills did land in the middle of a write


# -- a Teach project --------------------------------------------------------------------------------------
def test_project_killed_before_its_json_is_replaced_opens_as_before(tmp_path):
    from desktop.core.teach import project as teach

    folder = tmp_path / "fruit"
    proj = teach.new_project(folder, "Fruit")
    for name in ("apple", "pear"):
        teach.add_class(proj, name)
        for v in range(3):
            teach.add_image(proj, name, np.full((24, 24, 3), 40 * v, np.uint8))
    teach.save_project(proj)
    before = (folder / teach.PROJECT_FILE).read_bytes()
    script = PAUSE_BEFORE_REPLACE + textwrap.dedent(f"""
        import numpy as np
        from desktop.core.teach import project as p
        proj = p.open_project({str(folder)!r})
        p.add_class(proj, "quince")
        for v in range(3):
            p.add_image(proj, "quince", np.full((24, 24, 3), v, np.uint8))
        p.rename_class(proj, "apple", "crab apple")
        pause_before_replace("project.json")
        p.save_project(proj)
    """)
    run_child(script)
    assert (folder / teach.PROJECT_FILE).read_bytes() == before
    reopened = teach.open_project(folder)
    assert reopened.class_names == ["apple", "pear"]
    assert all(s.is_file() for c in reopened.classes for s in c.samples)
    assert len(temp_files(folder / teach.PROJECT_FILE)) == 1  # the killed write's leftover, ignored
    # The next save goes through and the project then has the new state.
    teach.add_class(reopened, "quince")
    teach.save_project(reopened)
    assert teach.open_project(folder).class_names == ["apple", "pear", "quince"]


# -- an ONNX export ---------------------------------------------------------------------------------------
def test_export_killed_before_the_rename_keeps_the_previous_model(tmp_path):
    from desktop.core.contract import assets_dir
    from desktop.core.onnx_model import OnnxModel
    from desktop.core.registry import ModelRegistry
    from desktop.core.teach.export import export_merged_onnx
    from desktop.core.teach.head import train_head
    from desktop.core.teach.project import TrainSettings

    extractor = assets_dir() / "models" / "efficientnet-lite0-features.onnx"
    if not extractor.is_file():
        pytest.skip("the shipped feature extractor is not built")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(0, 2, (6, 1280)) + i for i in range(2)]).astype(np.float32)
    head = train_head(x, np.repeat(np.arange(2), 6), 2, TrainSettings(epochs=3))
    target = tmp_path / "models" / "teach-pets.onnx"
    export_merged_onnx(extractor, head, ["cat", "dog"], target, "Pets v1")
    before = target.read_bytes()

    head_file = tmp_path / "head.npz"
    np.savez(head_file, x=x)
    script = PAUSE_BEFORE_REPLACE + textwrap.dedent(f"""
        import numpy as np
        from desktop.core.teach.export import export_merged_onnx
        from desktop.core.teach.head import train_head
        from desktop.core.teach.project import TrainSettings
        x = np.load({str(head_file)!r})["x"]
        head = train_head(x, np.repeat(np.arange(2), 6), 2, TrainSettings(epochs=4))
        pause_before_replace(".onnx")
        export_merged_onnx({str(extractor)!r}, head, ["cat", "dog"], {str(target)!r}, "Pets v2")
    """)
    run_child(script)
    assert target.read_bytes() == before
    assert OnnxModel(target).title == "Pets v1"
    leftovers = temp_files(target)
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 1_000_000  # v2 was complete, never renamed
    scan = ModelRegistry([target.parent], trusted_folders=[target.parent]).scan(warm_up=False)
    assert [p.name for p in scan.loaded] == ["teach-pets.onnx"] and not scan.problems
