"""Check a user's ONNX model in a separate process before the app opens it.

A damaged or hostile ONNX file can crash onnxruntime itself (a segfault in native code), hang it,
or make it allocate without end; none of that may take the app down. So a model from outside the
shipped ``assets/models`` is first opened in a child process that reads its metadata, checks it
against the contract (:func:`desktop.core.onnx_model.open_checked`: metadata, input and output
shapes) and runs one test inference on blank paper. The parent waits at most ``timeout_s``, kills
a child that takes longer, and turns a crash (a signal, a non-zero exit) into a refusal with a
reason. Verdicts are cached by (path, size, modification time), in memory and in a small JSON file
beside the models, so later starts do not pay for the check again.

The child is ``python -m desktop.core.model_check PATH`` from a source checkout, and
``<app executable> check-model PATH`` in a frozen (PyInstaller) app, whose executable is not a
Python interpreter. It prints one line ``MODEL-CHECK {json}`` on stdout.
Qt-free and TensorFlow-free.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from desktop.core.atomic import write_text_atomic
from desktop.core.contract import shipped_models_dir
from desktop.core.onnx_model import ModelContractError, open_checked

#: Seconds a check may take (opening a big network and one inference on a slow laptop fit easily).
DEFAULT_TIMEOUT_S = 10.0
#: The subcommand of the app executable that runs the child side (``desktop/__main__.py``).
CHECK_MODEL_COMMAND = "check-model"
#: Prefix of the child's verdict line, so stray output of native libraries cannot be mistaken for it.
VERDICT_PREFIX = "MODEL-CHECK "
#: Verdict cache kept beside the checked models (hidden; the registry lists only ``*.onnx``).
CACHE_FILE_NAME = ".cnn-classroom-model-checks.json"
_CACHE_VERSION = 1
#: Test hooks, honoured only by the child: make it hang or crash the way a hostile file could.
TEST_HANG_ENV = "CNN_CLASSROOM_MODEL_CHECK_TEST_HANG"
TEST_CRASH_ENV = "CNN_CLASSROOM_MODEL_CHECK_TEST_CRASH"


@dataclass(frozen=True)
class ModelCheckResult:
    """The verdict on one file: ``ok``, else ``reason`` says why it is refused."""

    path: Path
    ok: bool
    reason: str = ""
    #: What the child learnt from a good model: title, task, output, class count, input shape.
    summary: dict[str, Any] = field(default_factory=dict)
    #: True when the verdict came from the cache rather than a fresh child process.
    cached: bool = False
    #: True when the check itself could not finish (timeout, no child): worth trying again later.
    transient: bool = False


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def child_command(path: str | Path) -> list[str]:
    """The command line of the child process for ``path`` (frozen app or Python interpreter)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHECK_MODEL_COMMAND, str(path)]
    return [sys.executable, "-m", "desktop.core.model_check", str(path)]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        # The child must import this very package, whatever its working directory.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _run_child(path: Path, timeout_s: float) -> ModelCheckResult:
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window flashing up on Windows
    try:
        child = subprocess.Popen(child_command(path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=_child_env(), creationflags=flags)
    except OSError as exc:
        return ModelCheckResult(path, False, f"the model check could not start ({exc})", transient=True)
    try:
        out, err = child.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return ModelCheckResult(path, False, f"opening the model took longer than {timeout_s:g} s, so it was "
                                             "stopped (the file may be damaged or far too big)",
                                transient=True)
    verdict = None
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith(VERDICT_PREFIX):
            try:
                verdict = json.loads(line[len(VERDICT_PREFIX):])
            except json.JSONDecodeError:
                verdict = None
    if child.returncode == 0 and isinstance(verdict, dict) and isinstance(verdict.get("ok"), bool):
        summary = verdict.get("summary") if isinstance(verdict.get("summary"), dict) else {}
        return ModelCheckResult(path, verdict["ok"], str(verdict.get("reason", "")), summary)
    if child.returncode < 0:
        how = f"crashed with {_signal_name(-child.returncode)}"
    else:
        how = f"stopped with exit code {child.returncode}"
    detail = err.decode("utf-8", "replace").strip().splitlines()
    tail = f": {detail[-1][:200]}" if detail else ""
    return ModelCheckResult(path, False, f"this file crashes the ONNX runtime (the check {how}{tail})")


# -- the verdict cache ----------------------------------------------------------------------------
_memory: dict[tuple[str, int, int], ModelCheckResult] = {}
_memory_lock = threading.Lock()
_key_locks: dict[str, threading.Lock] = {}


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def _cache_file(path: Path) -> Path:
    return path.parent / CACHE_FILE_NAME


def _read_disk_cache(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION or not isinstance(data.get("files"), dict):
        return {}
    return data["files"]


def _from_disk(path: Path, stamp: tuple[str, int, int]) -> ModelCheckResult | None:
    entry = _read_disk_cache(_cache_file(path)).get(path.name)
    if not isinstance(entry, dict) or entry.get("size") != stamp[1] or entry.get("mtime_ns") != stamp[2]:
        return None
    if not isinstance(entry.get("ok"), bool) or not isinstance(entry.get("reason", ""), str):
        return None
    summary = entry.get("summary") if isinstance(entry.get("summary"), dict) else {}
    return ModelCheckResult(path, entry["ok"], entry.get("reason", ""), summary, cached=True)


def _to_disk(path: Path, stamp: tuple[str, int, int], result: ModelCheckResult) -> None:
    """Remember a verdict; a read-only folder or a race with another writer only costs a re-check."""
    file = _cache_file(path)
    files = _read_disk_cache(file)
    files = {name: entry for name, entry in files.items() if (path.parent / name).is_file()}  # forget deleted
    files[path.name] = {"size": stamp[1], "mtime_ns": stamp[2], "ok": result.ok, "reason": result.reason,
                        "summary": result.summary}
    text = json.dumps({"version": _CACHE_VERSION, "files": files}, ensure_ascii=False, indent=1)
    try:
        write_text_atomic(file, text, durable=False)  # a lost verdict is only checked again
    except OSError:
        pass


def clear_memory_cache() -> None:
    """Forget the verdicts held in memory (tests; the disk cache stays)."""
    with _memory_lock:
        _memory.clear()


def check_model_file(path: str | Path, timeout_s: float = DEFAULT_TIMEOUT_S, *,
                     use_cache: bool = True) -> ModelCheckResult:
    """Open ``path`` in a child process and say whether the app may use it; never raises for a bad file."""
    path = Path(path)
    if not path.is_file():
        return ModelCheckResult(path, False, "file not found")
    try:
        stamp = _stamp(path)
    except OSError as exc:
        return ModelCheckResult(path, False, f"cannot read the file ({exc.strerror or exc})")
    with _memory_lock:
        lock = _key_locks.setdefault(stamp[0], threading.Lock())
    with lock:  # two workers scanning one folder check each file once
        if use_cache:
            with _memory_lock:
                known = _memory.get(stamp)
            if known is not None:
                return ModelCheckResult(path, known.ok, known.reason, known.summary, cached=True)
            from_disk = _from_disk(path, stamp)
            if from_disk is not None:
                with _memory_lock:
                    _memory[stamp] = from_disk
                return from_disk
        result = _run_child(path, timeout_s)
        if use_cache:
            try:
                still_same = _stamp(path) == stamp
            except OSError:
                still_same = False
            # A file being copied in must not keep a verdict on its first half, and a timeout on a
            # busy machine is tried again next time.
            if still_same and not result.transient:
                with _memory_lock:
                    _memory[stamp] = result
                _to_disk(path, stamp, result)
        return result


def is_trusted(path: str | Path, trusted_folders: Sequence[str | Path] | None = None) -> bool:
    """True for a model inside the shipped models folder (or one of ``trusted_folders``)."""
    if trusted_folders is None:
        trusted_folders = [shipped_models_dir()]
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(Path(folder).resolve()) for folder in trusted_folders)


def open_model_checked(path: str | Path, *, warm_up: bool = True, timeout_s: float = DEFAULT_TIMEOUT_S,
                       trusted_folders: Sequence[str | Path] | None = None):
    """The :class:`~desktop.core.onnx_model.OnnxModel` of ``path``, checked in a child process first
    unless it is a shipped model; raises ModelContractError with the reason for a refused file."""
    if not is_trusted(path, trusted_folders):
        verdict = check_model_file(path, timeout_s)
        if not verdict.ok:
            raise ModelContractError(path, verdict.reason)
    return open_checked(path, warm_up=warm_up)


# -- the child side -------------------------------------------------------------------------------
def _test_hooks() -> None:
    if os.environ.get(TEST_HANG_ENV) == "1":
        threading.Event().wait()
    if os.environ.get(TEST_CRASH_ENV) == "1":
        import ctypes

        ctypes.string_at(0)  # reads address 0: SIGSEGV, as a crash inside native code would


def check_in_this_process(path: str | Path) -> dict[str, Any]:
    """The child's work: open, check against the contract, run once on blank paper; a JSON-able verdict."""
    try:
        model = open_checked(path, warm_up=True)
    except ModelContractError as exc:
        return {"ok": False, "reason": exc.reason}
    except Exception as exc:  # noqa: BLE001 - anything else a strange file provokes is a refusal too
        return {"ok": False, "reason": f"cannot be opened ({type(exc).__name__}: {exc})"}
    summary = {"title": model.title, "task": model.task, "output": model.output_kind,
               "classes": len(model.class_names), "input_shape": list(model.input_shape)}
    return {"ok": True, "reason": "", "summary": summary}


def main(argv: Sequence[str] | None = None) -> int:
    """``check-model PATH``: print the verdict line; exit 0 whenever a verdict was printed."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(f"usage: {CHECK_MODEL_COMMAND} MODEL.onnx", file=sys.stderr)
        return 2
    _test_hooks()
    verdict = check_in_this_process(args[0])
    print(VERDICT_PREFIX + json.dumps(verdict, ensure_ascii=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
