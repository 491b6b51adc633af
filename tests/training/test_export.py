"""ONNX export of real (briefly trained) Keras models, checked with real onnxruntime."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from desktop import __version__  # noqa: E402
from desktop.core.contract import report_path  # noqa: E402
from desktop.core.onnx_model import OnnxModel  # noqa: E402
from training import export as export_command  # noqa: E402
from training import models  # noqa: E402
from training.errors import ExportError  # noqa: E402
from training.evaluate import predict_keras, predict_onnx  # noqa: E402
from training.export import export_onnx  # noqa: E402

from tests.shapes import shape_images  # noqa: E402

CLASSES = ["一", "丨", "口"]


def shapes(per_class: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A bar, a stick and a box drawn at jittered places: float32 [N, 80, 60, 1], paper 255."""
    return shape_images(len(CLASSES), per_class, seed)


def trained(name: str) -> keras.Model:
    keras.utils.set_random_seed(1)
    x, y = shapes()
    model = models.build(name, len(CLASSES))
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=models.output_kind(name) == "logits"),
        metrics=["accuracy"],
    )
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model


@pytest.fixture(scope="module")
def cnn():
    return trained("cnn")


@pytest.fixture(scope="module")
def logistic():
    return trained("logistic")


@pytest.fixture(scope="module")
def check_images():
    return shapes(per_class=34, seed=5)[0][:100]


def export(model, path, **overrides):
    options = dict(
        class_names=CLASSES,
        title="Tiny test model",
        trained_on="three drawn shapes",
        metrics={"test": {"accuracy": 0.5, "top5": 1.0, "loss": 1.2}},
        output_kind=models.output_kind(model),
    )
    options.update(overrides)
    return export_onnx(model, path, **options)


def test_cnn_export_with_features(cnn, check_images, tmp_path):
    path = export(cnn, tmp_path / "cnn.onnx", feature_layers=["conv1", "conv2"], check_images=check_images)
    assert path == tmp_path / "cnn.onnx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cnn.onnx"]  # no temporary left, no report asked

    engine = OnnxModel(path)
    assert engine.class_names == CLASSES
    assert (engine.title, engine.task, engine.output_kind) == ("Tiny test model", "characters", "logits")
    assert engine.trained_on == "three drawn shapes"
    assert engine.metrics == {"test": {"accuracy": 0.5, "top5": 1.0, "loss": 1.2}}
    assert engine.metadata["created_by"] == f"cnn-classroom {__version__}"
    assert engine.input_shape == (80, 60, 1)
    assert sorted(engine.feature_names) == ["conv1", "conv2"]

    # Dynamic batch: any batch size goes through.
    for batch in (check_images[:1], check_images[:7]):
        probs, features = engine.predict_with_features(batch)
        np.testing.assert_allclose(probs, predict_keras(cnn, batch, "logits"), atol=1e-4)
        assert features["conv1"].shape == (len(batch), 80, 60, 16)
        assert features["conv2"].shape == (len(batch), 40, 30, 32)
    taps = keras.Model(cnn.inputs[0], [cnn.get_layer("conv1").output, cnn.get_layer("conv2").output])
    conv1, conv2 = taps.predict(check_images[:7], verbose=0)
    np.testing.assert_allclose(features["conv1"], conv1, atol=1e-4)
    np.testing.assert_allclose(features["conv2"], conv2, atol=1e-4)

    session_outputs = {o.name for o in engine._session.get_outputs()}
    assert session_outputs == {"logits", "features_conv1", "features_conv2", "cam_features", "cam_weights", "embedding"}
    assert engine._session.get_inputs()[0].name == "image"


def test_cnn_export_carries_grad_cam_outputs_equal_to_tensorflows_gradients(cnn, check_images, tmp_path):
    import tensorflow as tf

    from desktop.core.explain import explain

    engine = OnnxModel(export(cnn, tmp_path / "cnn.onnx", check_images=check_images))
    assert engine.has_cam
    x = check_images[:3]
    _, features, weights = engine.predict_with_cam(x)
    assert features.shape == (3, 20, 15, 64) and weights.shape == (3, len(CLASSES), 64)
    probe = keras.Model(cnn.inputs[0], [cnn.get_layer("conv3").output, cnn.outputs[0]])
    with tf.GradientTape(persistent=True) as tape:
        activations, logits = probe(tf.constant(x), training=False)
        scores = [tf.reduce_sum(logits[:, k]) for k in range(len(CLASSES))]
    np.testing.assert_allclose(features, activations.numpy(), atol=1e-4)
    for k, score in enumerate(scores):
        np.testing.assert_allclose(weights[:, k], tape.gradient(score, activations).numpy().mean(axis=(1, 2)),
                                   atol=1e-5)
    result = explain(engine, x[0], method="cam")
    assert result.grid.shape == (20, 15) and result.heat.shape == (80, 60)


def test_a_global_pooling_head_gets_cam_weights_the_same_for_every_image(check_images, tmp_path):
    keras.utils.set_random_seed(2)
    inputs = keras.Input((80, 60, 1), name="image")
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", name="conv")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(len(CLASSES), name="logits")(x)
    model = keras.Model(inputs, outputs, name="gap")
    engine = OnnxModel(export(model, tmp_path / "gap.onnx", output_kind="logits", check_images=check_images))
    _, features, weights = engine.predict_with_cam(check_images[:2])
    kernel = model.get_layer("logits").get_weights()[0]
    assert features.shape == (2, 40, 30, 8)
    np.testing.assert_allclose(weights[0], kernel.T / (40 * 30), rtol=1e-6)
    np.testing.assert_array_equal(weights[0], weights[1])


def test_models_without_a_cam_head_or_asked_not_to_get_none(cnn, logistic, check_images, tmp_path):
    assert not OnnxModel(export(logistic, tmp_path / "logistic.onnx", check_images=check_images)).has_cam
    assert not OnnxModel(export(cnn, tmp_path / "plain.onnx", check_images=check_images, cam=False)).has_cam


def test_cam_outputs_are_added_to_an_exported_file_without_changing_it(cnn, check_images, tmp_path):
    from training.export import add_cam_to_file

    report = {"schema": 1, "model": {"name": "cnn"}, "class_names": CLASSES, "size_bytes": None}
    path = export(cnn, tmp_path / "cnn.onnx", check_images=check_images, cam=False, report=report)
    before = OnnxModel(path).predict_proba(check_images[:5])
    assert add_cam_to_file(path, check_images[:5]) == "grad-cam"
    assert add_cam_to_file(path, check_images[:5]) is None  # there already
    engine = OnnxModel(path)
    assert engine.has_cam
    np.testing.assert_array_equal(engine.predict_proba(check_images[:5]), before)
    assert json.loads(report_path(path).read_text(encoding="utf-8"))["size_bytes"] == path.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cnn.onnx", "cnn.report.json"]


def test_logistic_export_keeps_probabilities(logistic, check_images, tmp_path):
    engine = OnnxModel(export(logistic, tmp_path / "logistic.onnx", check_images=check_images))
    assert engine.output_kind == "probabilities"
    assert engine.feature_names == []
    probs = predict_onnx(engine, check_images)
    np.testing.assert_allclose(probs, predict_keras(logistic, check_images, "probabilities"), atol=1e-4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_failed_parity_leaves_no_file(logistic, tmp_path):
    target = tmp_path / "models" / "refused.onnx"
    with pytest.raises(
        ExportError, match=r"refused.onnx: not written, onnxruntime differs from Keras by .* on output 'probabilities'"
    ):
        export(logistic, target, tolerance=-1.0, report={"schema": 1})  # random check images
    assert list(target.parent.iterdir()) == []
    assert not report_path(target).exists()


def test_parity_is_measured_against_the_outputs_size():
    """float32 rounds in proportion to size: 1.07e-4 on logits reaching 40 (a 6-epoch 3,755-class model's
    export) is rounding, 1e-2 on values near 1 is a wrong conversion, NaN is never close."""
    from training.export import scaled_difference

    logits = np.array([[40.0, -12.0, 3.0]], np.float32)
    assert scaled_difference(logits + np.float32(1.07e-4), logits) < 1e-5
    small = np.array([[0.5, -0.25]], np.float32)
    assert scaled_difference(small + np.float32(1e-2), small) == pytest.approx(1e-2, rel=1e-3)  # below 1: absolute
    assert not scaled_difference(np.array([np.nan, 0.0]), np.array([1.0, 0.0])) <= 1e-4
    assert scaled_difference(np.empty((0, 3)), np.empty((0, 3))) == 0.0


def test_sidecar_report_is_written_with_file_size(logistic, check_images, tmp_path):
    report = {"schema": 1, "model": {"name": "logistic"}, "class_names": CLASSES, "size_bytes": None}
    path = export(logistic, tmp_path / "with_report.onnx", check_images=check_images[:10], report=report)
    sidecar = report_path(path)
    assert sidecar.name == "with_report.report.json"
    written = json.loads(sidecar.read_text(encoding="utf-8"))
    assert written["size_bytes"] == path.stat().st_size > 0
    assert written["class_names"] == CLASSES


def test_bad_requests_are_refused_before_converting(cnn, tmp_path):
    with pytest.raises(ExportError, match="no layer 'conv9'.*conv1"):
        export(cnn, tmp_path / "a.onnx", feature_layers=["conv9"])
    with pytest.raises(ExportError, match="outputs 3 classes but 2 class names"):
        export(cnn, tmp_path / "b.onnx", class_names=CLASSES[:2])
    with pytest.raises(ExportError, match="check images of shape"):
        export(cnn, tmp_path / "d.onnx", check_images=np.zeros((4, 60, 80, 1), np.float32))
    with pytest.raises(ExportError, match="output kind"):
        export(cnn, tmp_path / "c.onnx", output_kind="scores")
    assert list(tmp_path.iterdir()) == []


def test_export_command_on_a_run_folder(cnn, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    cnn.save(run / "model.keras")
    (run / "run.json").write_text(
        json.dumps({"model": "cnn", "class_names": CLASSES, "output": "logits", "trained_on": "shapes"}),
        encoding="utf-8",
    )
    history = {"loss": [1.0, 0.8], "accuracy": [0.4, 0.6], "val_loss": [1.1, 0.9], "val_accuracy": [0.3, 0.7]}
    (run / "history.json").write_text(
        json.dumps({"history": history, "best_epoch": 2, "epoch_seconds": [1, 1]}), encoding="utf-8"
    )

    out = tmp_path / "assets" / "cnn.onnx"
    parser = argparse.ArgumentParser()
    export_command.configure(parser)
    args = parser.parse_args(["--run", str(run), "--out", str(out), "--features", "conv1", "--title", "Shapes CNN"])
    assert export_command.run(args) == 0
    engine = OnnxModel(out)
    assert engine.title == "Shapes CNN"
    assert engine.feature_names == ["conv1"]
    # Not evaluated yet: the metadata carries the restored epoch's numbers.
    assert engine.metrics == {"train": {"loss": 0.8, "accuracy": 0.6}, "validation": {"loss": 0.9, "accuracy": 0.7}}
    report = json.loads(report_path(out).read_text(encoding="utf-8"))
    assert report["model"] == {"name": "cnn", "title": "Shapes CNN", "output": "logits"}
    assert [row["name"] for row in report["layers"]][-1] == "logits"
    assert report["history"]["val_accuracy"] == [0.3, 0.7]
    assert "wrote" in capsys.readouterr().out
