"""``python -m training import-teachable``: Teachable Machine's Keras (.h5) and TF.js exports, checked against tf_keras.

The fixtures are what Teachable Machine writes: a nested-Sequential MobileNet-like model saved by
tf_keras 2.x as ``keras_model.h5`` + ``labels.txt`` (and zipped, as ``converted_keras.zip``),
and the same model in the TF.js layers format. Both routes must match tf_keras itself.
"""

from __future__ import annotations

import json
import sys
import warnings
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

tf_keras = pytest.importorskip("tf_keras")
ort = pytest.importorskip("onnxruntime")

from desktop.core.onnx_model import OnnxModel  # noqa: E402
from desktop.core.teachable_machine.importer import check_images  # noqa: E402
from tests.teachable_fixtures import (  # noqa: E402
    CLASS_NAMES,
    keras_model_as_tfjs,
    keras_tm_mobilenet_v2,
    labels_txt,
    make_converted_keras_zip,
    make_keras_export,
    preprocess,
    zip_folder,
)
from training.cli import main  # noqa: E402
from training.errors import DataError  # noqa: E402
from training.teachable import import_teachable, read_labels  # noqa: E402

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def keras_export(tmp_path_factory):
    """``(folder with keras_model.h5 + labels.txt, the tf_keras model)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tf_keras calls .h5 legacy when saving it; TM still writes it
        return make_keras_export(tmp_path_factory.mktemp("teachable") / "converted_keras")


@pytest.fixture(scope="module")
def tfjs_from_keras(keras_export, tmp_path_factory) -> Path:
    """The same model as a TF.js export (``model.to_json()`` + manifest + two shards)."""
    _, model = keras_export
    return keras_model_as_tfjs(model, tmp_path_factory.mktemp("tfjs") / "tm-my-image-model", CLASS_NAMES)


def other_images() -> np.ndarray:
    """Images the import's own check never saw, with the extremes 0 and 255."""
    rgb = np.random.default_rng(11).integers(0, 256, (5, 224, 224, 3)).astype(np.float32)
    rgb[0], rgb[1] = 0.0, 255.0
    return rgb


def onnx_vs_keras(path: Path, model) -> float:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rgb = np.concatenate([other_images(), check_images(224, 224)])
    got = session.run(["probabilities"], {"image": rgb})[0]
    want = model.predict(preprocess(rgb), verbose=0)
    assert np.ptp(want, axis=0).max() > 1e-2  # the images really give different answers
    return float(np.max(np.abs(got - want)))


def test_the_h5_is_what_keras_3_refuses(keras_export) -> None:
    """The real-world case: tf_keras 2.x writes ``groups`` into DepthwiseConv2D and nests Sequentials."""
    folder, _ = keras_export
    with h5py.File(folder / "keras_model.h5", "r") as handle:
        config = json.loads(handle.attrs["model_config"])
    outer = config["config"]["layers"]
    assert config["class_name"] == "Sequential" and [layer["class_name"] for layer in outer[1:]] == ["Sequential"] * 2
    text = json.dumps(config)
    assert '"class_name": "DepthwiseConv2D"' in text and '"groups": 1' in text


def test_h5_import_matches_tf_keras(keras_export, tmp_path: Path) -> None:
    folder, model = keras_export
    out = tmp_path / "tm.onnx"
    export = import_teachable(folder / "keras_model.h5", folder / "labels.txt", out)
    assert export.class_names == list(CLASS_NAMES) and export.reference.startswith("tf_keras")
    assert export.max_probability_difference <= TOLERANCE
    independent = onnx_vs_keras(out, model)
    assert independent <= TOLERANCE
    print(f".h5: max |ONNX - tf_keras| = {export.max_probability_difference:.2g} (import check), "
          f"{independent:.2g} (other images)")

    meta = OnnxModel(out).metadata
    assert meta["task"] == "custom" and meta["output"] == "probabilities"
    assert json.loads(meta["class_names"]) == list(CLASS_NAMES) and "Keras export keras_model.h5" in meta["trained_on"]


def test_labels_txt_beside_the_model_is_found(keras_export, tmp_path: Path) -> None:
    folder, _ = keras_export
    export = import_teachable(folder / "keras_model.h5", None, tmp_path / "tm.onnx")
    assert export.class_names == list(CLASS_NAMES)
    # The unpacked converted_keras folder itself works too.
    assert import_teachable(folder, None, tmp_path / "folder.onnx").class_names == list(CLASS_NAMES)


def test_converted_keras_zip_matches_tf_keras(keras_export, tmp_path: Path) -> None:
    folder, model = keras_export
    archive = make_converted_keras_zip(tmp_path / "converted_keras.zip", folder)
    out = tmp_path / "zipped.onnx"
    export = import_teachable(archive, None, out)
    assert export.class_names == list(CLASS_NAMES) and export.max_probability_difference <= TOLERANCE
    assert onnx_vs_keras(out, model) <= TOLERANCE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["converted_keras.zip", "zipped.onnx", "zipped.report.json"]


def test_tfjs_import_matches_the_reference_and_tf_keras(keras_export, tfjs_from_keras, tmp_path: Path) -> None:
    _, model = keras_export
    for source in (tfjs_from_keras, tfjs_from_keras / "model.json",
                   zip_folder(tfjs_from_keras, tmp_path / "tm-my-image-model.zip")):
        out = tmp_path / f"{source.name}.onnx"
        export = import_teachable(source, None, out)
        assert export.reference == "numpy float64" and export.max_probability_difference <= TOLERANCE
        independent = onnx_vs_keras(out, model)
        assert independent <= TOLERANCE
        print(f"TF.js {source.name}: max |ONNX - numpy float64| = {export.max_probability_difference:.2g}, "
              f"max |ONNX - tf_keras| = {independent:.2g}")


def layer_zoo_model():
    """Every layer option the converter handles, built by tf_keras itself on an odd-sized input."""
    L = tf_keras.layers
    tf_keras.utils.set_random_seed(5)
    inputs = tf_keras.Input((17, 15, 3), name="photo")
    x = L.Conv2D(4, 3, strides=2, padding="same", activation="relu6", name="c_same_s2")(inputs)
    x = L.Conv2D(4, 3, padding="same", dilation_rate=2, activation="tanh", name="c_dilated")(x)
    x = L.DepthwiseConv2D(2, depth_multiplier=3, activation="sigmoid", name="d_valid")(x)
    x = L.BatchNormalization(center=False, scale=False, epsilon=1e-5, name="bn_plain")(x)
    x = L.ZeroPadding2D(1, name="pad_int")(x)
    x = L.ZeroPadding2D((0, 1), name="pad_pair")(x)
    a = L.Conv2D(6, 1, activation="swish", name="c_a")(x)
    b = L.ReLU(name="relu_free")(L.Conv2D(6, 1, use_bias=False, name="c_b")(x))
    c = L.Conv2D(6, 1, name="c_c")(x)
    x = L.Activation("relu", name="act_relu")(L.Add(name="add3")([a, b, c]))
    x = L.GlobalAveragePooling2D(keepdims=True, name="gap_keep")(x)
    x = L.Flatten(name="flat")(x)
    x = L.Reshape((1, 2, 3), name="shape_back")(x)
    x = L.Flatten(name="flat2")(x)
    x = L.Dropout(0.5, name="drop")(x)
    x = L.Softmax(name="probs")(L.Dense(4, name="dense_lin")(x))
    model = tf_keras.Model(inputs, x, name="zoo")
    bn = model.get_layer("bn_plain")
    rng = np.random.default_rng(2)
    bn.set_weights([rng.normal(0, 0.2, 12), rng.uniform(0.05, 0.3, 12)])
    dense = model.get_layer("dense_lin")
    dense.set_weights([w * 4 for w in dense.get_weights()])
    return model


def test_every_supported_layer_matches_tf_keras(tmp_path: Path) -> None:
    model = layer_zoo_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(tmp_path / "zoo.h5")
    (tmp_path / "labels.txt").write_text("0 a\n1 b\n2 c\n3 d\n", encoding="utf-8")
    export = import_teachable(tmp_path / "zoo.h5", tmp_path / "labels.txt", tmp_path / "zoo.onnx")
    assert export.max_probability_difference <= TOLERANCE

    session = ort.InferenceSession(str(tmp_path / "zoo.onnx"), providers=["CPUExecutionProvider"])
    rgb = np.random.default_rng(3).uniform(0, 255, (6, 17, 15, 3)).astype(np.float32)
    difference = np.max(np.abs(session.run(["probabilities"], {"image": rgb})[0] -
                               model.predict(preprocess(rgb), verbose=0)))
    assert difference <= TOLERANCE
    print(f"layer zoo .h5: max |ONNX - tf_keras| = {export.max_probability_difference:.2g}, {difference:.2g}")


def test_labels_lose_their_index(tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("0 Class A\n1 Class B\n\n10 two  words\n", encoding="utf-8")
    assert read_labels(path) == ["Class A", "Class B", "two  words"]


def test_label_count_must_match(keras_export, tmp_path: Path) -> None:
    folder, _ = keras_export
    labels = tmp_path / "labels.txt"
    labels.write_text("0 only\n1 two\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"2 class names \(only, two\) but the model outputs 3 classes"):
        import_teachable(folder / "keras_model.h5", labels, tmp_path / "x.onnx")
    assert not list(tmp_path.glob("x*"))


def test_missing_labels_are_named(keras_export, tmp_path: Path) -> None:
    folder, _ = keras_export
    lonely = tmp_path / "keras_model.h5"
    lonely.write_bytes((folder / "keras_model.h5").read_bytes())
    with pytest.raises(DataError, match=r"keras_model\.h5: no labels\.txt beside the model"):
        import_teachable(lonely, None, tmp_path / "x.onnx")


def test_without_tf_keras_the_message_names_the_train_extra(keras_export, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = keras_export
    monkeypatch.setitem(sys.modules, "tf_keras", None)  # "import tf_keras" now raises ImportError
    with pytest.raises(DataError, match=r"needs tf_keras .*pip install 'cnn-classroom\[train\]'"):
        import_teachable(folder / "keras_model.h5", None, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_a_lambda_layer_is_refused_before_tf_keras_reads_the_file(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = tf_keras.Input((8, 8, 3))
    x = tf_keras.layers.Lambda(lambda t: t * 2.0, name="python_lambda")(inputs)  # marshalled bytecode on save
    outputs = tf_keras.layers.Dense(2, activation="softmax")(tf_keras.layers.GlobalAveragePooling2D()(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tf_keras.Model(inputs, outputs).save(tmp_path / "keras_model.h5")
    (tmp_path / "labels.txt").write_text("0 a\n1 b\n", encoding="utf-8")

    def never(*args, **kwargs):
        raise AssertionError("tf_keras must not load a file the converter refused")

    monkeypatch.setattr(tf_keras.models, "load_model", never)
    with pytest.raises(DataError, match=r"layer 'python_lambda' is a Lambda, which .* does not support"):
        import_teachable(tmp_path / "keras_model.h5", None, tmp_path / "x.onnx")


def test_a_zip_of_something_else_is_named(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("cat.jpg", b"...")
    with pytest.raises(DataError, match=r"photos\.zip: the zip holds 0 \.h5 files and no model\.json"):
        import_teachable(archive, None, tmp_path / "x.onnx")


def test_cli_errors_are_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "labels.txt").write_text("0 a\n1 b\n", encoding="utf-8")
    assert main(["import-teachable", str(tmp_path / "missing.h5"), str(tmp_path / "labels.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "missing.h5" in err and "not found" in err

    broken = tmp_path / "broken.h5"
    broken.write_bytes(b"not an hdf5 file")
    assert main(["import-teachable", str(broken), str(tmp_path / "labels.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "broken.h5" in err and "cannot read" in err

    folder = tmp_path / "tfjs"
    folder.mkdir()
    (folder / "model.json").write_text("{not json", encoding="utf-8")
    assert main(["import-teachable", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "model.json: not valid JSON" in err


def test_cli_writes_the_onnx_file(keras_export, tfjs_from_keras, tmp_path: Path, capsys) -> None:
    folder, _ = keras_export
    out = tmp_path / "cli.onnx"
    assert main(["import-teachable", str(folder / "keras_model.h5"), str(folder / "labels.txt"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.is_file() and "3 classes" in printed and "max |onnxruntime - tf_keras" in printed

    archive = zip_folder(tfjs_from_keras, tmp_path / "tm.zip")
    assert main(["import-teachable", str(archive), "--title", "Zipped"]) == 0  # default out: beside it
    assert "numpy float64" in capsys.readouterr().out
    assert OnnxModel(tmp_path / "tm.onnx").title == "Zipped"


@pytest.mark.slow
def test_teachable_machines_full_size_mobilenet_v2_both_routes(tmp_path: Path) -> None:
    """TM's actual architecture (MobileNetV2 0.35, 154 layers, 224 px): .h5 and TF.js both match tf_keras."""
    model = keras_tm_mobilenet_v2(["rock", "paper", "scissors"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(tmp_path / "keras_model.h5")
    (tmp_path / "labels.txt").write_text(labels_txt(["rock", "paper", "scissors"]), encoding="utf-8")
    h5 = import_teachable(tmp_path / "keras_model.h5", None, tmp_path / "h5.onnx")
    tfjs = import_teachable(keras_model_as_tfjs(model, tmp_path / "tfjs", ["rock", "paper", "scissors"]), None,
                            tmp_path / "tfjs.onnx")
    assert h5.max_probability_difference <= TOLERANCE and tfjs.max_probability_difference <= TOLERANCE
    h5_vs_keras, tfjs_vs_keras = onnx_vs_keras(tmp_path / "h5.onnx", model), onnx_vs_keras(tmp_path / "tfjs.onnx", model)
    assert h5_vs_keras <= TOLERANCE and tfjs_vs_keras <= TOLERANCE
    print(f"MobileNetV2 0.35: .h5 max |ONNX - tf_keras| = {h5.max_probability_difference:.2g} "
          f"({h5_vs_keras:.2g} on other images); TF.js max |ONNX - numpy float64| = "
          f"{tfjs.max_probability_difference:.2g}, max |ONNX - tf_keras| = {tfjs_vs_keras:.2g}")
