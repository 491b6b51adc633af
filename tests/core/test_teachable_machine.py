"""Teachable Machine TF.js exports -> contract ONNX in the app, without TensorFlow.

The exports come from ``tests/teachable_fixtures.py`` (TM's published layout, written with numpy
and json); the results run in real onnxruntime and open through the app's model registry.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from desktop.core.atomic import temp_files
from desktop.core.contract import report_path
from desktop.core.onnx_model import OnnxModel, open_checked
from desktop.core.photos import to_model_input
from desktop.core.registry import ModelRegistry
from desktop.core.teachable_machine import (
    TeachableImportError,
    import_teachable,
    is_teachable_export,
    looks_like_keras_export,
    read_export,
)
from desktop.core.teachable_machine import export_files
from desktop.core.teachable_machine.importer import check_images
from desktop.core.teachable_machine.layer_graph import build_graph, same_pads
from desktop.core.teachable_machine.reference import forward
from tests import teachable_fixtures as tm
from tests.teachable_fixtures import CLASS_NAMES, make_tfjs_export, make_tfjs_zip, write_tfjs, zip_folder

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    return make_tfjs_export(tmp_path_factory.mktemp("tm") / "tm-my-image-model")


def assert_nothing_written(out: Path) -> None:
    assert not out.exists() and not report_path(out).exists() and not temp_files(out)


# -- the happy paths ------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["folder", "model.json", "two shards", "zip", "zip with a folder inside"])
def test_every_layout_converts_and_agrees_with_the_float64_reference(tmp_path: Path, layout: str) -> None:
    if layout == "zip":
        source = make_tfjs_zip(tmp_path / "tm-my-image-model.zip")
    elif layout == "zip with a folder inside":
        source = zip_folder(make_tfjs_export(tmp_path / "files"), tmp_path / "tm.zip", prefix="tm-my-image-model/")
    else:
        folder = make_tfjs_export(tmp_path / "export", shards=2 if layout == "two shards" else 1)
        source = folder / "model.json" if layout == "model.json" else folder
    out = tmp_path / "models" / "tm.onnx"
    steps = []

    result = import_teachable(source, out, progress=lambda done, total: steps.append((done, total)))

    assert result.path == out and result.class_names == list(CLASS_NAMES)
    assert 0 <= result.max_difference <= TOLERANCE
    assert steps[-1][0] == steps[-1][1] and [d for d, _ in steps] == sorted(d for d, _ in steps)
    print(f"{layout}: max |onnxruntime - numpy float64| = {result.max_difference:.2g}")


def test_the_result_follows_the_photo_model_contract(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "tm.onnx"
    import_teachable(export, out, title="Fruit")
    model = open_checked(out)  # the registry's own check: contract, warm-up run
    assert model.task == "custom" and model.output_kind == "probabilities"
    assert model.class_names == list(CLASS_NAMES) and model.title == "Fruit"
    assert model.input_shape == (224, 224, 3) and model.metrics == {}
    meta = model.metadata
    assert meta["created_by"].startswith("cnn-classroom ") and "Teachable Machine" in meta["trained_on"]
    report = json.loads(report_path(out).read_text(encoding="utf-8"))
    assert report["class_names"] == list(CLASS_NAMES)
    assert [row["type"] for row in report["layers"]][:3] == ["ZeroPadding2D", "Conv2D", "BatchNormalization"]
    assert report["layers"][-1] == {"name": "dense_Dense2", "type": "Dense", "output_shape": [None, 3],
                                    "params": tm.HEAD_UNITS * 3 + 3}


def test_raw_rgb_goes_in_and_tm_scaling_happens_inside(export: Path, tmp_path: Path) -> None:
    """Any 0..255 image, framed by the app's photo path, gives the float64 reference's answer."""
    out = tmp_path / "tm.onnx"
    import_teachable(export, out)
    model = OnnxModel(out)
    graph = build_graph(read_export(export).topology, read_export(export).weights, "x")
    rng = np.random.default_rng(7)
    photo = rng.integers(0, 256, (300, 420, 3), dtype=np.uint8)  # wide, like a camera frame
    batch = np.stack([to_model_input(photo), np.zeros((224, 224, 3), np.float32),
                      np.full((224, 224, 3), 255, np.float32)])
    got = model.predict_proba(batch)
    want = forward(graph, batch)
    assert np.max(np.abs(got - want)) <= TOLERANCE
    assert np.ptp(want, axis=0).max() > 1e-2  # the images really give different answers


def test_the_registry_lists_it_as_a_photo_model(export: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my models"
    import_teachable(export, folder / "tm.onnx")
    scan = ModelRegistry([folder], trusted_folders=[]).scan()  # a user's model: checked in a child process
    assert not scan.problems
    (info,) = scan.models
    assert info.task == "custom" and info.class_names == list(CLASS_NAMES)


def test_labels_from_labels_txt_or_given(tmp_path: Path) -> None:
    folder = make_tfjs_export(tmp_path / "export")
    (folder / "metadata.json").unlink()
    with pytest.raises(TeachableImportError, match="no class names"):
        import_teachable(folder, tmp_path / "none.onnx")
    assert_nothing_written(tmp_path / "none.onnx")

    (folder / "labels.txt").write_text(tm.labels_txt(["rock", "paper", "scissors"]), encoding="utf-8")
    assert import_teachable(folder, tmp_path / "a.onnx").class_names == ["rock", "paper", "scissors"]
    assert import_teachable(folder, tmp_path / "b.onnx", labels=["x", "y", "z"]).class_names == ["x", "y", "z"]
    other = tmp_path / "other.txt"
    other.write_text("0 one\n1 two\n2 three\n", encoding="utf-8")
    assert import_teachable(folder, tmp_path / "c.onnx", labels=other).class_names == ["one", "two", "three"]


def test_is_teachable_export_is_a_cheap_look(export: Path, tmp_path: Path) -> None:
    assert is_teachable_export(export) and is_teachable_export(export / "model.json")
    assert is_teachable_export(make_tfjs_zip(tmp_path / "tm.zip"))
    assert is_teachable_export(zip_folder(export, tmp_path / "nested.zip", prefix="inner/"))
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    other_json = tmp_path / "other.json"
    other_json.write_text('{"a": 1}')
    keras_zip = tmp_path / "converted_keras.zip"
    with zipfile.ZipFile(keras_zip, "w") as archive:
        archive.writestr("keras_model.h5", b"\x89HDF\r\n\x1a\n")
        archive.writestr("labels.txt", "0 a\n")
    (tmp_path / "empty").mkdir()
    for path in (photo, other_json, keras_zip, tmp_path / "empty", tmp_path / "missing"):
        assert not is_teachable_export(path), path
    assert looks_like_keras_export(keras_zip) and not looks_like_keras_export(export)
    # Only model.json is read: a missing weights file does not change the answer.
    (export.parent / "broken").mkdir()
    (export.parent / "broken" / "model.json").write_bytes((export / "model.json").read_bytes())
    assert is_teachable_export(export.parent / "broken")


def test_a_keras_export_gets_the_training_command(tmp_path: Path) -> None:
    keras_zip = tmp_path / "converted_keras.zip"
    with zipfile.ZipFile(keras_zip, "w") as archive:
        archive.writestr("keras_model.h5", b"\x89HDF\r\n\x1a\n")
    h5 = tmp_path / "keras_model.h5"
    h5.write_bytes(b"\x89HDF\r\n\x1a\n")
    for path in (keras_zip, h5, tmp_path):
        with pytest.raises(TeachableImportError, match="python -m training import-teachable"):
            read_export(path)


# -- every supported layer, against the float64 reference ----------------------------------------

def _zoo_topology(keras3_nodes: bool = False) -> tuple[dict, list]:
    """A functional model using each supported layer and option once, on a 17x15 input."""
    rng = np.random.default_rng(3)
    L = tm

    def w(*shape, scale=0.5):
        return rng.normal(0, scale, shape).astype(np.float32)

    layers = [
        L.input_layer("in", 17, width=15),
        L.conv2d("c_same_s2", 4, 3, ["in"], strides=2, padding="same", activation="relu6"),  # odd size: pads 1/1
        L.conv2d("c_dilated", 4, 3, ["c_same_s2"], padding="same", dilation=2, activation="tanh"),
        L.depthwise("d_valid", 2, ["c_dilated"], padding="valid", depth_multiplier=3, use_bias=True,
                    activation="sigmoid"),
        L.batchnorm("bn_plain", ["d_valid"], center=False, scale=False, epsilon=1e-5),
        L.layer("ZeroPadding2D", "pad_int", ["bn_plain"], padding=1),
        L.layer("ZeroPadding2D", "pad_pair", ["pad_int"], padding=[0, 1]),
        L.conv2d("c_a", 6, 1, ["pad_pair"], activation="swish"),
        L.conv2d("c_b", 6, 1, ["pad_pair"], use_bias=False),
        L.relu("relu_free", ["c_b"], max_value=None),
        L.conv2d("c_c", 6, 1, ["pad_pair"]),
        L.layer("Add", "add3", ["c_a", "relu_free", "c_c"]),
        L.layer("Activation", "act_relu", ["add3"], activation="relu"),
        L.layer("GlobalAveragePooling2D", "gap_keep", ["act_relu"], keepdims=True),
        L.layer("Flatten", "flat", ["gap_keep"]),
        L.layer("Reshape", "shape_back", ["flat"], target_shape=[1, 2, 3]),
        L.layer("Flatten", "flat2", ["shape_back"]),
        L.layer("Dropout", "drop", ["flat2"], rate=0.5),
        L.dense("dense_lin", 4, "linear", ["drop"]),
        L.layer("Softmax", "probs", ["dense_lin"], axis=-1),
    ]
    weights = [("c_same_s2/kernel", w(3, 3, 3, 4)), ("c_same_s2/bias", w(4)),
               ("c_dilated/kernel", w(3, 3, 4, 4)), ("c_dilated/bias", w(4)),
               ("d_valid/depthwise_kernel", w(2, 2, 4, 3)), ("d_valid/bias", w(12)),
               ("bn_plain/moving_mean", w(12, scale=0.2)),
               ("bn_plain/moving_variance", rng.uniform(0.05, 0.3, 12).astype(np.float32)),
               ("c_a/kernel", w(1, 1, 12, 6)), ("c_a/bias", w(6)), ("c_b/kernel", w(1, 1, 12, 6)),
               ("c_c/kernel", w(1, 1, 12, 6)), ("c_c/bias", w(6)),
               ("dense_lin/kernel", w(6, 4, scale=2.0)), ("dense_lin/bias", w(4))]
    if keras3_nodes:  # Keras 3 writes {"args": [keras tensors], "kwargs": {}} nodes
        for entry in layers:
            nodes = entry.get("inbound_nodes") or []
            tensors = [{"class_name": "__keras_tensor__", "config": {"shape": [None], "dtype": "float32",
                                                                     "keras_history": [src, n, t]}}
                       for node in nodes for src, n, t, _ in node]
            if tensors:
                entry["inbound_nodes"] = [{"args": [tensors] if len(tensors) > 1 else tensors, "kwargs": {}}]
    return tm.functional("zoo", layers, "in", "probs"), weights


@pytest.mark.parametrize("keras3_nodes", [False, True], ids=["keras2-nodes", "keras3-nodes"])
def test_every_supported_layer_agrees_with_the_reference(tmp_path: Path, keras3_nodes: bool) -> None:
    topology, weights = _zoo_topology(keras3_nodes)
    folder = write_tfjs(tmp_path / "zoo", topology, weights, metadata=tm.tm_metadata("abcd", 17))
    result = import_teachable(folder, tmp_path / "zoo.onnx")
    assert result.max_difference <= TOLERANCE
    shapes = {row.name: row.output_shape for row in build_graph(topology, dict(weights), "zoo").layers}
    assert shapes["c_same_s2"] == (9, 8, 4) and shapes["d_valid"] == (8, 7, 12)
    assert shapes["pad_pair"] == (10, 11, 12) and shapes["gap_keep"] == (1, 1, 6)
    print(f"zoo ({'keras 3' if keras3_nodes else 'keras 2'} nodes): {result.max_difference:.2g}")


def test_tensorflow_same_padding_puts_the_odd_pixel_after() -> None:
    assert same_pads(224, 3, 2, 1) == (0, 1)
    assert same_pads(17, 3, 2, 1) == (1, 1)
    assert same_pads(112, 3, 1, 1) == (1, 1)
    assert same_pads(10, 3, 1, 2) == (2, 2)
    assert same_pads(8, 1, 2, 1) == (0, 0)


def test_an_old_keras_sequential_config_list_works(tmp_path: Path) -> None:
    topology = {"class_name": "Sequential", "config": [
        tm.layer("Flatten", "flat", batch_input_shape=[None, 4, 4, 3]),
        tm.dense("out", 2, "softmax")]}
    weights = [("out/kernel", np.ones((48, 2), np.float32) * [[0.01, -0.01]]), ("out/bias", np.zeros(2, np.float32))]
    folder = write_tfjs(tmp_path / "old", topology, weights, metadata=tm.tm_metadata("ab", 4))
    assert import_teachable(folder, tmp_path / "old.onnx").max_difference <= TOLERANCE


# -- damaged and hostile exports: a clear message, nothing written ---------------------------------

def _manifest(folder: Path) -> dict:
    return json.loads((folder / "model.json").read_text(encoding="utf-8"))


def _save_manifest(folder: Path, model: dict) -> None:
    (folder / "model.json").write_text(json.dumps(model), encoding="utf-8")


def _drop_first_weight(folder: Path) -> None:
    model = _manifest(folder)
    entry = model["weightsManifest"][0]["weights"].pop(0)
    size = int(np.prod(entry["shape"])) * 4
    _save_manifest(folder, model)
    data = (folder / "weights.bin").read_bytes()
    (folder / "weights.bin").write_bytes(data[size:])


def _rename_weight(folder: Path) -> None:
    model = _manifest(folder)
    model["weightsManifest"][0]["weights"][0]["name"] = "Conv1/kernel_renamed"
    _save_manifest(folder, model)


def _reshape_weight(folder: Path) -> None:
    model = _manifest(folder)
    model["weightsManifest"][0]["weights"][0]["shape"] = [3, 3, 4, 3]  # same bytes, wrong layout
    _save_manifest(folder, model)


def _unsupported_layer(folder: Path) -> None:
    model = _manifest(folder)
    head = model["modelTopology"]["config"]["layers"][1]["config"]["layers"]
    head.insert(1, {"class_name": "LSTM", "config": {"name": "lstm_1", "units": 4}})
    _save_manifest(folder, model)


def _absurd_size(folder: Path) -> None:
    model = _manifest(folder)
    model["weightsManifest"][0]["weights"][0]["shape"] = [100000, 100000, 3]
    _save_manifest(folder, model)


def _outside_path(folder: Path) -> None:
    model = _manifest(folder)
    model["weightsManifest"][0]["paths"] = ["../weights.bin"]
    _save_manifest(folder, model)


def _quantized(folder: Path) -> None:
    model = _manifest(folder)
    model["weightsManifest"][0]["weights"][0]["quantization"] = {"dtype": "uint8", "scale": 0.1, "min": 0}
    _save_manifest(folder, model)


def _grey_input(folder: Path) -> None:
    model = _manifest(folder)
    text = json.dumps(model).replace("[null, 224, 224, 3]", "[null, 224, 224, 1]")
    (folder / "model.json").write_text(text, encoding="utf-8")


def _no_softmax(folder: Path) -> None:
    text = (folder / "model.json").read_text(encoding="utf-8").replace('"softmax"', '"linear"')
    (folder / "model.json").write_text(text, encoding="utf-8")


DAMAGE = {
    "missing weights.bin": (lambda f: (f / "weights.bin").unlink(), r"weights\.bin: weight file missing"),
    "truncated shard": (lambda f: (f / "weights.bin").write_bytes((f / "weights.bin").read_bytes()[:-10]),
                        r"weights\.bin: weight file\(s\) truncated"),
    "extra bytes": (lambda f: (f / "weights.bin").write_bytes((f / "weights.bin").read_bytes() + b"\0" * 8),
                    r"weights\.bin: weight file\(s\) longer than the manifest"),
    "manifest lacks a weight": (_drop_first_weight, r"model\.json: the weights have no 'Conv1/kernel', which Conv2D"),
    "manifest names a wrong weight": (_rename_weight, r"the weights have no 'Conv1/kernel'"),
    "wrong shape": (_reshape_weight, r"weight 'Conv1/kernel' has shape \[3, 3, 4, 3\]; Conv2D layer 'Conv1' needs"),
    "bad model.json": (lambda f: (f / "model.json").write_text('{"modelTopology": {'), r"model\.json: not valid JSON"),
    "bad metadata.json": (lambda f: (f / "metadata.json").write_text("{labels"), r"metadata\.json: not valid JSON"),
    "labels count": (lambda f: (f / "metadata.json").write_text(json.dumps({"labels": ["a", "b"]})),
                     r"2 class names \(a, b\) but the model outputs 3 classes"),
    "unsupported layer": (_unsupported_layer, r"layer 'lstm_1' is a LSTM, which the Teachable Machine import does not"),
    "absurd declared size": (_absurd_size, r"declares \d+ MB of weights, more than"),
    "weight file outside": (_outside_path, r"lies outside the export's folder"),
    "quantized": (_quantized, r"is quantized"),
    "grey input": (_grey_input, r"expected photos \[N, height, width, 3\]"),
    "no softmax": (_no_softmax, r"not probabilities"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_export_is_refused_and_nothing_is_written(tmp_path: Path, damage: str) -> None:
    folder = make_tfjs_export(tmp_path / "export")
    spoil, message = DAMAGE[damage]
    spoil(folder)
    out = tmp_path / "out" / "tm.onnx"
    with pytest.raises(TeachableImportError, match=message) as caught:
        import_teachable(folder, out)
    assert str(folder) in str(caught.value)
    assert_nothing_written(out)


def test_a_failed_import_keeps_the_old_file(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "tm.onnx"
    out.write_bytes(b"the previous model")
    with pytest.raises(TeachableImportError, match=r"not written, onnxruntime differs .* by"):
        import_teachable(export, out, tolerance=1e-15)
    assert out.read_bytes() == b"the previous model" and not temp_files(out)


def test_zip_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "photos.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("cat.jpg", b"...")
    with pytest.raises(TeachableImportError, match=r"photos\.zip: the zip holds no model\.json"):
        read_export(empty)
    not_zip = tmp_path / "broken.zip"
    not_zip.write_bytes(b"PK\x03\x04 but nothing else")
    with pytest.raises(TeachableImportError, match=r"broken\.zip: not a readable zip"):
        read_export(not_zip)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a/model.json", "{}")
        archive.writestr("b/model.json", "{}")
    with pytest.raises(TeachableImportError, match="2 model.json files"):
        read_export(two)
    # The uncompressed total is checked from the zip's table before anything is unpacked.
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.json", "{}")
        archive.writestr("weights.bin", b"\0" * (3 * 2**20))
    assert bomb.stat().st_size < 2**20 // 10
    monkeypatch.setattr(export_files, "MAX_ZIP_BYTES", 2**20)
    with pytest.raises(TeachableImportError, match=r"bomb\.zip: 3 MB uncompressed, more than the 1 MB"):
        read_export(bomb)
    assert not is_teachable_export(bomb)


def test_a_zip_export_missing_its_shard_names_the_member(tmp_path: Path) -> None:
    folder = make_tfjs_export(tmp_path / "export")
    (folder / "weights.bin").unlink()
    archive = zip_folder(folder, tmp_path / "tm.zip")
    with pytest.raises(TeachableImportError, match=r"tm\.zip \(weights\.bin\): weight file missing"):
        import_teachable(archive, tmp_path / "tm.onnx")
    assert_nothing_written(tmp_path / "tm.onnx")


def test_the_check_images_are_deterministic_and_cover_the_range() -> None:
    a, b = check_images(224, 224), check_images(224, 224)
    assert np.array_equal(a, b) and a.shape == (4, 224, 224, 3) and a.dtype == np.float32
    assert a.min() >= 0 and a.max() <= 255 and np.ptp(a) > 250


def test_an_unwritable_destination_is_a_clear_error(export: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(TeachableImportError, match=r"a file/tm\.onnx: cannot write"):
        import_teachable(export, blocker / "tm.onnx")


def test_a_model_that_would_take_huge_work_is_refused_before_it_runs(tmp_path: Path) -> None:
    """Tiny weights can still declare a huge computation: 1024x1024 pixels into 600 channels."""
    topology = tm.functional("huge", [tm.input_layer("in", 1024), tm.conv2d("wide", 600, 1, ["in"]),
                                      tm.layer("GlobalAveragePooling2D", "gap", ["wide"]),
                                      tm.dense("out", 2, "softmax", ["gap"])], "in", "out")
    weights = [("wide/kernel", np.zeros((1, 1, 3, 600), np.float32)), ("wide/bias", np.zeros(600, np.float32)),
               ("out/kernel", np.zeros((600, 2), np.float32)), ("out/bias", np.zeros(2, np.float32))]
    folder = write_tfjs(tmp_path / "huge", topology, weights, metadata=tm.tm_metadata("ab", 1024))
    with pytest.raises(TeachableImportError, match=r"more than 100,000,000 values per image"):
        import_teachable(folder, tmp_path / "huge.onnx")
    assert_nothing_written(tmp_path / "huge.onnx")
