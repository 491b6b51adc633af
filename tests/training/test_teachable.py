"""Teachable Machine import: an equivalent Keras model saved as .h5, converted, run with onnxruntime."""

from __future__ import annotations

import json

import numpy as np
import pytest

keras = pytest.importorskip("keras")
ort = pytest.importorskip("onnxruntime")

from training.cli import main  # noqa: E402
from training.errors import DataError  # noqa: E402
from training.teachable import import_teachable, read_labels  # noqa: E402

CLASSES = ["Class A", "Class B", "thumbs up 👍"]


@pytest.fixture(scope="module")
def teachable_export(tmp_path_factory):
    """keras_model.h5 + labels.txt shaped like a Teachable Machine export (softmax, x/127.5 - 1 outside)."""
    folder = tmp_path_factory.mktemp("teachable")
    keras.utils.set_random_seed(7)
    model = keras.Sequential([
        keras.Input((224, 224, 3)),
        keras.layers.Conv2D(4, 5, strides=4, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(len(CLASSES), activation="softmax"),
    ])
    # Larger weights than the default initialisation so the classes really differ.
    model.layers[-1].set_weights([w * 20 for w in model.layers[-1].get_weights()])
    model.save(folder / "keras_model.h5")
    (folder / "labels.txt").write_text("".join(f"{i} {name}\n" for i, name in enumerate(CLASSES)), encoding="utf-8")
    return folder, model


def test_labels_lose_their_index(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("0 Class A\n1 Class B\n\n10 two  words\n", encoding="utf-8")
    assert read_labels(path) == ["Class A", "Class B", "two  words"]


def test_import_matches_the_original_on_raw_rgb(teachable_export, tmp_path):
    folder, original = teachable_export
    out = tmp_path / "tm.onnx"
    export = import_teachable(folder / "keras_model.h5", folder / "labels.txt", out)
    assert export.class_names == CLASSES

    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["task"] == "custom" and meta["output"] == "probabilities"
    assert json.loads(meta["class_names"]) == CLASSES
    assert [o.name for o in session.get_outputs()] == ["probabilities"]

    rgb = np.random.default_rng(1).integers(0, 256, (5, 224, 224, 3)).astype(np.float32)
    rgb[0] = 0.0
    rgb[1] = 255.0
    onnx_probs = session.run(["probabilities"], {"image": rgb})[0]
    keras_probs = original.predict(rgb / 127.5 - 1.0, verbose=0)
    assert np.max(np.abs(onnx_probs - keras_probs)) <= 1e-5
    assert np.ptp(keras_probs, axis=0).max() > 1e-3  # the check inputs really give different outputs


def test_the_app_lists_it_as_a_photo_model(teachable_export, tmp_path):
    from desktop.core.onnx_model import OnnxModel

    folder, _ = teachable_export
    out = tmp_path / "tm.onnx"
    import_teachable(folder / "keras_model.h5", folder / "labels.txt", out)
    model = OnnxModel(out)
    assert model.class_names == CLASSES
    probs = model.predict_proba(np.full((1, 224, 224, 3), 128.0, np.float32))
    assert probs.shape == (1, 3) and abs(float(probs.sum()) - 1.0) < 1e-5


def test_label_count_must_match(teachable_export, tmp_path):
    folder, _ = teachable_export
    labels = tmp_path / "labels.txt"
    labels.write_text("0 only\n1 two\n", encoding="utf-8")
    with pytest.raises(DataError, match="2 class names but .* outputs 3"):
        import_teachable(folder / "keras_model.h5", labels, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_cli_errors_are_one_line(tmp_path, capsys):
    (tmp_path / "labels.txt").write_text("0 a\n1 b\n", encoding="utf-8")
    assert main(["import-teachable", str(tmp_path / "missing.h5"), str(tmp_path / "labels.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "missing.h5" in err and "not found" in err

    broken = tmp_path / "broken.h5"
    broken.write_bytes(b"not an hdf5 file")
    assert main(["import-teachable", str(broken), str(tmp_path / "labels.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "broken.h5" in err and "cannot read" in err


def test_cli_writes_the_onnx_file(teachable_export, tmp_path, capsys):
    folder, _ = teachable_export
    out = tmp_path / "cli.onnx"
    assert main(["import-teachable", str(folder / "keras_model.h5"), str(folder / "labels.txt"), "--out", str(out)]) == 0
    assert out.is_file() and "3 classes" in capsys.readouterr().out
