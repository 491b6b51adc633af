"""Fuzz ONNX reading: the hand-written metadata walker, the contract checks, and the child-process check.

``read_metadata`` walks protobuf by hand, so it gets random bytes, every kind of truncation of a
real model, mutated real models and streams of well-formed but hostile protobuf fields: it must
return a dict of strings or raise ``MetadataError``, quickly, without reading unbounded data.
``OnnxModel`` gets real graphs with generated metadata and input shapes (``ModelContractError`` or
a working model). Byte-mutated models go through :func:`check_model_file` in a child process,
because a damaged file may crash onnxruntime itself: the parent must always get a verdict.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import onnx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from desktop.core import model_check
from desktop.core.onnx_metadata import MAX_METADATA_BYTES, MetadataError, read_metadata
from desktop.core.onnx_model import ModelContractError, open_checked
from tests.fuzz.fuzzing import fuzz_settings, mutate
from tests.tiny_onnx import contract_metadata, linear_character_model

CLASSES = ["大", "天", "太"]
edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)), min_size=1, max_size=6)

with tempfile.TemporaryDirectory() as _folder:
    REAL = linear_character_model(Path(_folder) / "real.onnx", CLASSES, height=8, width=6).read_bytes()


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def read_checked(path: Path) -> None:
    try:
        meta = read_metadata(path)
    except MetadataError as exc:
        assert str(path) in str(exc)
        return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())


@fuzz_settings(2000)
@given(data=st.binary(max_size=300))
def test_metadata_random_bytes(workdir, data):
    path = workdir / "random.onnx"
    path.write_bytes(data)
    read_checked(path)


@fuzz_settings(1200)
@given(cut=st.integers(0, len(REAL)))
def test_metadata_truncated_real_model(workdir, cut):
    path = workdir / "cut.onnx"
    path.write_bytes(REAL[:cut])
    read_checked(path)


@fuzz_settings(2000)
@given(changes=edits)
def test_metadata_mutated_real_model(workdir, changes):
    path = workdir / "mutated.onnx"
    path.write_bytes(mutate(REAL, changes))
    read_checked(path)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


field = st.one_of(
    st.tuples(st.integers(1, 40), st.just(0), st.integers(0, 2**64 - 1)).map(lambda t: _varint(t[0] << 3) + _varint(t[2])),
    st.tuples(st.integers(1, 40), st.sampled_from([1, 5])).map(lambda t: _varint(t[0] << 3 | t[1]) + b"\0" * (8 if t[1] == 1 else 4)),
    st.tuples(st.integers(1, 40), st.binary(max_size=30), st.integers(-3, 3))
    .map(lambda t: _varint(t[0] << 3 | 2) + _varint(max(0, len(t[1]) + t[2])) + t[1]),
    # metadata entries: well-formed, wrong wire types, bad UTF-8, lengths that lie
    st.tuples(st.binary(max_size=12), st.binary(max_size=12), st.integers(-2, 2), st.sampled_from([0x0A, 0x12, 0x08, 0x1A]))
    .map(lambda t: (lambda entry: _varint(14 << 3 | 2) + _varint(len(entry)) + entry)(
        bytes([t[3]]) + _varint(max(0, len(t[0]) + t[2])) + t[0] + b"\x12" + _varint(len(t[1])) + t[1])),
    st.binary(min_size=1, max_size=12).map(lambda b: b"\x72" + _varint(len(b) + 1) + b"\x0a" + b"\xff" * len(b)),
    st.sampled_from([b"\x1b", b"\x1c", b"\x0f", b"\x80" * 11, b"\xff" * 12]),  # groups, bad wire types, runaway varints
)


@fuzz_settings(2000)
@given(fields=st.lists(field, max_size=8))
def test_metadata_hostile_protobuf_fields(workdir, fields):
    path = workdir / "fields.onnx"
    path.write_bytes(b"".join(fields))
    read_checked(path)


def test_metadata_reading_is_bounded(workdir):
    # A metadata entry claiming more than the cap is refused without being read.
    big = workdir / "big.onnx"
    length = MAX_METADATA_BYTES + 1
    with open(big, "wb") as f:
        f.write(b"\x72" + _varint(length))
        f.truncate(1 + len(_varint(length)) + length)  # sparse: no real disk use
    with pytest.raises(MetadataError, match="MB of metadata"):
        read_metadata(big)
    # A varint-in-entry of thousands of continuation bytes stops at 10 bytes instead of building a huge int.
    runaway = workdir / "runaway.onnx"
    entry = b"\x0a" + b"\x80" * 100_000 + b"\x01"
    runaway.write_bytes(b"\x72" + _varint(len(entry)) + entry)
    with pytest.raises(MetadataError, match="malformed varint"):
        read_metadata(runaway)
    # Millions of tiny top-level fields end at the field cap.
    many = workdir / "many.onnx"
    many.write_bytes(b"\x08\x01" * 200_000)
    with pytest.raises(MetadataError, match="top-level fields"):
        read_metadata(many)
    for name in ("missing.onnx", ""):
        with pytest.raises(MetadataError):
            read_metadata(workdir / name)  # a missing file or a folder: the reader's own error


def _graph_model(path: Path, meta: dict[str, str], shape: list, out_width) -> Path:
    nodes = [helper.make_node("ReduceMean", ["image"], ["m"], axes=[1, 2, 3], keepdims=0),
             helper.make_node("Unsqueeze", ["m", "ax"], ["m2"]),
             helper.make_node("MatMul", ["m2", "W"], ["logits"])]
    width = out_width if isinstance(out_width, int) and out_width > 0 else 3
    inits = [numpy_helper.from_array(np.ones((1, width), np.float32), "W"),
             numpy_helper.from_array(np.array([1], np.int64), "ax")]
    graph = helper.make_graph(nodes, "fuzz", [helper.make_tensor_value_info("image", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", out_width])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    helper.set_model_props(model, meta)
    onnx.save(model, str(path))
    return path


meta_value = st.text(max_size=12) | st.sampled_from(["[]", "{}", '["a"]', '["a","b","c"]', "null", "[1]", "characters",
                                                     "imagenet", "custom", "features", "logits", "probabilities"])
dim = st.integers(1, 90) | st.sampled_from([0, -1, 100_000, "N", "H"])


@fuzz_settings(200)
@given(overrides=st.dictionaries(st.sampled_from(["class_names", "task", "output", "title", "trained_on", "metrics",
                                                  "created_by", "extra"]), meta_value, max_size=4),
       drop=st.sets(st.sampled_from(["class_names", "task", "metrics", "title"]), max_size=2),
       shape=st.lists(dim, min_size=2, max_size=5), out_width=st.integers(1, 4) | st.just("C"))
def test_contract_checks_on_generated_models(workdir, overrides, drop, shape, out_width):
    meta = {**contract_metadata(CLASSES), **overrides}
    for key in drop:
        meta.pop(key, None)
    path = _graph_model(workdir / "gen.onnx", meta, shape, out_width)
    try:
        model = open_checked(path, warm_up=True)
    except ModelContractError as exc:
        assert exc.path == path and exc.reason
        return
    assert model.input_shape[2] in (1, 3) and model.task in ("characters", "imagenet", "custom", "features")


@fuzz_settings(20)
@given(changes=edits)
def test_mutated_models_in_the_child_process(workdir, changes):
    path = workdir / "child.onnx"
    path.write_bytes(mutate(REAL, changes))
    result = model_check.check_model_file(path, timeout_s=20, use_cache=False)
    assert isinstance(result.ok, bool) and (result.ok or result.reason)
    if result.ok:
        assert json.dumps(result.summary)
