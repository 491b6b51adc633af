"""Fuzz the Teachable Machine TF.js reader and converter with damaged files and odd layer configs.

Every generated export must either read and convert, or raise ``TeachableImportError`` naming the
file; nothing else.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.teachable_machine import TeachableImportError, read_export
from desktop.core.teachable_machine.layer_graph import build_graph
from desktop.core.teachable_machine.onnx_writer import to_onnx
from tests.fuzz.fuzzing import fuzz_settings, mutate
from tests.teachable_fixtures import make_tfjs_export, tiny_mobilenet_topology, zip_folder

edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)), min_size=1, max_size=5)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 300) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


def _build_files() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        export = make_tfjs_export(Path(folder) / "export", size=32)
        files = {name: (export / name).read_bytes() for name in ("model.json", "weights.bin", "metadata.json")}
        files["zip"] = zip_folder(export, Path(folder) / "tm.zip").read_bytes()
        return files


FILES = _build_files()
TOPOLOGY = tiny_mobilenet_topology(32, 3)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def convert_checked(path: Path) -> None:
    try:
        export = read_export(path)
        to_onnx(build_graph(export.topology, export.weights, str(path)), {})
    except TeachableImportError as exc:
        assert str(path) in str(exc)


@fuzz_settings(400)
@given(name=st.sampled_from(["model.json", "weights.bin", "metadata.json"]), changes=edits)
def test_mutated_export_files(workdir, name, changes):
    folder = workdir / "mutated"
    folder.mkdir(exist_ok=True)
    for other, data in FILES.items():
        if other != "zip":
            (folder / other).write_bytes(mutate(data, changes) if other == name else data)
    convert_checked(folder)


@fuzz_settings(400)
@given(changes=edits)
def test_mutated_zips(workdir, changes):
    path = workdir / "mutated.zip"
    path.write_bytes(mutate(FILES["zip"], changes))
    convert_checked(path)


def _slots(value, trail=()):
    """Every place in a JSON tree a value can be replaced: ``(container, key)`` pairs, depth-first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield trail + (key,)
            yield from _slots(item, trail + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield trail + (index,)
            yield from _slots(item, trail + (index,))


SLOTS = list(_slots(TOPOLOGY))


@fuzz_settings(1500)
@given(picks=st.lists(st.tuples(st.integers(0, len(SLOTS) - 1), json_values), min_size=1, max_size=3))
def test_odd_layer_configs(workdir, picks):
    topology = copy.deepcopy(TOPOLOGY)
    for index, value in picks:
        parent = topology
        trail = SLOTS[index]
        try:
            for key in trail[:-1]:
                parent = parent[key]
            parent[trail[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier pick replaced this slot's container
    folder = workdir / "odd"
    folder.mkdir(exist_ok=True)
    model = json.loads(FILES["model.json"])
    model["modelTopology"] = {**topology, "keras_version": "tfjs-layers 1.3.1"}
    (folder / "model.json").write_text(json.dumps(model))
    (folder / "weights.bin").write_bytes(FILES["weights.bin"])
    (folder / "metadata.json").write_bytes(FILES["metadata.json"])
    convert_checked(folder)


def test_the_unmutated_files_convert(workdir):
    folder = workdir / "plain"
    folder.mkdir(exist_ok=True)
    for name, data in FILES.items():
        if name != "zip":
            (folder / name).write_bytes(data)
    export = read_export(folder)
    graph = build_graph(export.topology, export.weights, "plain")
    assert graph.output_shape == (3,) and np.isfinite(to_onnx(graph, {}).graph.initializer[0].float_data or [0]).all()
