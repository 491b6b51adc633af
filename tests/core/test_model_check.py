"""A user's model is checked in a child process: bad, hanging and crashing files are refused, the app lives on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core import model_check
from desktop.core.model_check import (
    CACHE_FILE_NAME,
    TEST_CRASH_ENV,
    TEST_HANG_ENV,
    check_model_file,
    child_command,
    open_model_checked,
)
from desktop.core.onnx_model import ModelContractError
from desktop.core.registry import ModelRegistry
from tests.tiny_onnx import linear_character_model

CLASSES = ["大", "天", "太"]
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_memory_cache():
    model_check.clear_memory_cache()
    yield
    model_check.clear_memory_cache()


def test_a_valid_model_passes_and_the_verdict_is_cached(tmp_path: Path) -> None:
    path = linear_character_model(tmp_path / "good.onnx", CLASSES)
    first = check_model_file(path)
    assert first.ok and first.reason == "" and not first.cached
    assert first.summary == {"title": "Tiny test model", "task": "characters", "output": "logits", "classes": 3,
                             "input_shape": [80, 60, 1]}
    assert check_model_file(path).cached  # memory
    model_check.clear_memory_cache()
    again = check_model_file(path)  # as on the next start: from the file beside the models
    assert again.ok and again.cached
    cache = json.loads((tmp_path / CACHE_FILE_NAME).read_text(encoding="utf-8"))
    assert cache["files"]["good.onnx"]["ok"] is True
    # A changed file is checked afresh.
    linear_character_model(path, CLASSES, height=28, width=28)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    changed = check_model_file(path)
    assert not changed.ok and not changed.cached and "28x28x1" in changed.reason


@pytest.mark.parametrize("content", [b"", b"garbage \x00\xff\x13 not a protobuf", "truncated"])
def test_garbage_and_truncated_files_are_refused_with_a_reason(tmp_path: Path, content) -> None:
    path = tmp_path / "bad.onnx"
    if content == "truncated":
        whole = linear_character_model(tmp_path / "whole.onnx", CLASSES).read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    else:
        path.write_bytes(content)
    result = check_model_file(path, use_cache=False)
    assert not result.ok
    assert "not a readable ONNX model" in result.reason or "metadata" in result.reason


def test_a_model_with_the_wrong_input_shape_is_refused(tmp_path: Path) -> None:
    path = linear_character_model(tmp_path / "mnist.onnx", CLASSES, height=28, width=28)
    result = check_model_file(path, use_cache=False)
    assert not result.ok and "80x60x1" in result.reason and "28x28x1" in result.reason


def test_a_hanging_check_is_killed_after_the_timeout(tmp_path: Path, monkeypatch) -> None:
    path = linear_character_model(tmp_path / "slow.onnx", CLASSES)
    monkeypatch.setenv(TEST_HANG_ENV, "1")  # honoured by the child only
    children = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(model_check.subprocess, "Popen", recording_popen)
    result = check_model_file(path, timeout_s=1.5)
    assert not result.ok and result.transient and "longer than 1.5 s" in result.reason
    # One child, killed and reaped: the parent did not wait for it to finish on its own.
    assert len(children) == 1 and children[0].returncode is not None
    if sys.platform != "win32":
        assert children[0].returncode == -9  # SIGKILL
    monkeypatch.setattr(model_check.subprocess, "Popen", real_popen)
    assert not (tmp_path / CACHE_FILE_NAME).exists()  # a timeout is not remembered: tried again next time
    monkeypatch.delenv(TEST_HANG_ENV)
    assert check_model_file(path).ok


def test_a_crashing_check_becomes_a_refusal_and_the_parent_survives(tmp_path: Path, monkeypatch) -> None:
    path = linear_character_model(tmp_path / "crash.onnx", CLASSES)
    monkeypatch.setenv(TEST_CRASH_ENV, "1")
    result = check_model_file(path)
    assert not result.ok and "crashes the ONNX runtime" in result.reason
    if sys.platform != "win32":
        assert "SIGSEGV" in result.reason
    with pytest.raises(ModelContractError, match="crashes the ONNX runtime"):
        open_model_checked(path)  # the cached verdict: no second crash needed


def test_the_registry_checks_user_models_only(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "user"
    shipped = tmp_path / "shipped"
    user.mkdir()
    shipped.mkdir()
    linear_character_model(user / "mine.onnx", CLASSES, title="Mine")
    linear_character_model(shipped / "ours.onnx", CLASSES, title="Ours")
    monkeypatch.setenv(TEST_CRASH_ENV, "1")  # every child crashes: only checked files can be refused
    scan = ModelRegistry([shipped, user], trusted_folders=[shipped]).scan()
    assert [m.title for m in scan.models] == ["Ours"]
    assert [(p.path.name, "crashes the ONNX runtime" in p.reason) for p in scan.problems] == [("mine.onnx", True)]


def test_the_child_command_for_a_frozen_app(monkeypatch) -> None:
    assert child_command("m.onnx") == [sys.executable, "-m", "desktop.core.model_check", "m.onnx"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert child_command("m.onnx") == [sys.executable, "check-model", "m.onnx"]


def test_the_app_has_a_check_model_subcommand(tmp_path: Path) -> None:
    path = linear_character_model(tmp_path / "good.onnx", CLASSES)
    done = subprocess.run([sys.executable, "-m", "desktop", "check-model", str(path)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith(model_check.VERDICT_PREFIX))
    assert json.loads(line[len(model_check.VERDICT_PREFIX):])["ok"] is True
