"""Fuzz the torch-free ``.pth`` reader, and prove hostile pickles are refused before anything runs.

Every generated file gives a state dict of numpy arrays, ``UnsafePickleError`` (a global a state
dict never needs) or ``PthFormatError`` (anything else wrong); nothing else. The reader's caps on
what a file declares (tests/training/test_pth_reader.py) keep every parse's work bounded.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.fuzzing import fuzz_settings, mutate
from training.imagenet.pth_reader import PthFormatError, UnsafePickleError, load_state_dict

edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)), min_size=1, max_size=5)


def _fake_torch() -> dict[str, types.ModuleType]:
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):
        raise AssertionError

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    torch.FloatStorage = type("FloatStorage", (), {"__module__": "torch", "__qualname__": "FloatStorage"})
    torch._utils = utils
    return {"torch": torch, "torch._utils": utils}


def _build_files() -> dict[str, bytes]:
    """A legacy and a zip weights file, written with stand-in torch modules (no PyTorch needed)."""
    from tests.training.test_pth_reader import _state, write_legacy, write_zip

    saved = {name: sys.modules.get(name) for name in ("torch", "torch._utils")}
    fake = _fake_torch()
    sys.modules.update(fake)
    fake["torch"].LongStorage = type("LongStorage", (), {"__module__": "torch", "__qualname__": "LongStorage"})
    try:
        with tempfile.TemporaryDirectory() as folder:
            files = {}
            for name, writer in (("legacy", write_legacy), ("zip", write_zip)):
                state, _ = _state()
                writer(Path(folder) / name, state, fake["torch"])
                files[name] = (Path(folder) / name).read_bytes()
            return files
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


FILES = _build_files()


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def load_checked(path: Path) -> None:
    try:
        state = load_state_dict(path)
    except (UnsafePickleError, PthFormatError) as exc:
        assert str(path) in str(exc)
        return
    assert all(isinstance(v, np.ndarray) or not isinstance(v, (bytes, type)) for v in state.values())


@fuzz_settings(1000)
@given(data=st.binary(max_size=300))
def test_random_bytes(workdir, data):
    path = workdir / "random.pth"
    path.write_bytes(data)
    load_checked(path)


@fuzz_settings(1500)
@given(kind=st.sampled_from(sorted(FILES)), changes=edits)
def test_mutated_weights_files(workdir, kind, changes):
    path = workdir / "mutated.pth"
    path.write_bytes(mutate(FILES[kind], changes))
    load_checked(path)


# -- hostile pickles: each would run code or reach outside its buffer if the reader trusted it --------
class _Reduce:
    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _marker_command(marker: Path) -> str:
    return f"{sys.executable} -c \"open({str(marker)!r}, 'w')\""


@pytest.mark.parametrize("payload_name", ["os.system", "builtins.eval", "builtins.exec", "subprocess.Popen",
                                          "posix.system-in-OrderedDict-args", "getattr", "numpy.load"])
def test_hostile_globals_are_refused_before_they_run(workdir, payload_name):
    marker = workdir / f"pwned-{payload_name}"
    command = _marker_command(marker)
    import builtins
    import collections

    payload = {
        "os.system": _Reduce(os.system, command),
        "builtins.eval": _Reduce(builtins.eval, f"open({str(marker)!r}, 'w')"),
        "builtins.exec": _Reduce(builtins.exec, f"open({str(marker)!r}, 'w')"),
        "subprocess.Popen": _Reduce(subprocess.Popen, command, ),
        "posix.system-in-OrderedDict-args": _Reduce(collections.OrderedDict, [("w", _Reduce(os.system, command))]),
        "getattr": _Reduce(getattr, _Reduce(__import__, "os"), "system"),
        "numpy.load": _Reduce(np.load, str(marker)),
    }[payload_name]
    for layout in ("plain", "zip"):
        path = workdir / f"evil-{layout}.pth"
        data = pickle.dumps({"weight": payload}, protocol=2)
        if layout == "zip":
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("archive/data.pkl", data)
        else:
            path.write_bytes(data)
        with pytest.raises(UnsafePickleError, match="refused to load"):
            load_state_dict(path)
    assert not marker.exists()


def test_a_reduce_of_an_allowed_name_with_hostile_arguments_is_refused(workdir):
    # OrderedDict is allowed, but its argument names os.system: refused when that global is looked up.
    data = (b"\x80\x02ccollections\nOrderedDict\n)R}(X\x01\x00\x00\x00acposix\nsystem\nX\x04\x00\x00\x00trueq\x85Rub.")
    path = workdir / "evil.pth"
    path.write_bytes(data)
    with pytest.raises(UnsafePickleError, match="posix.system"):
        load_state_dict(path)


def test_a_pickle_hidden_in_a_storage_is_never_unpickled(workdir):
    from tests.training.test_pth_reader import _Storage, _Tensor, write_zip

    marker = workdir / "pwned-storage"
    evil = pickle.dumps(_Reduce(os.system, _marker_command(marker)), protocol=2)
    evil = evil + b"\0" * (-len(evil) % 4)
    numbers = np.frombuffer(evil, np.float32)
    path = workdir / "storage.pth"
    saved = {name: sys.modules.get(name) for name in ("torch", "torch._utils")}
    fake = _fake_torch()
    sys.modules.update(fake)
    try:
        write_zip(path, {"w": _Tensor(_Storage("0", numbers), 0, (numbers.size,), (1,))}, fake["torch"])
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    with zipfile.ZipFile(path) as z:
        assert z.read("archive/data/0") == evil  # the storage really holds the pickle's bytes
    state = load_state_dict(path)
    assert state["w"].dtype == np.float32 and state["w"].tobytes() == evil  # read as numbers, never unpickled
    assert not marker.exists()


@pytest.mark.parametrize("offset,shape,stride", [(-1, (5,), (1,)), (0, (4,), (-1,)), (0, (10**6, 10**6), (0, 0)),
                                                 (0, (3,), (1, 1))])
def test_tensors_that_would_read_outside_their_storage_are_refused(workdir, offset, shape, stride):
    from training.imagenet.pth_reader import _materialise, _StorageRef, _TensorRef

    storages = {"0": np.arange(10, dtype=np.float32)}
    ref = _TensorRef(_StorageRef("0", np.float32), offset, shape, stride)
    with pytest.raises(PthFormatError, match="impossible shape"):
        _materialise({"w": ref}, storages, workdir / "w.pth")
