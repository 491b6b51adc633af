"""The optional ``embedding`` output: what the class head reads, added at export and to exported files."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

keras = pytest.importorskip("keras")

from desktop.core.onnx_model import OnnxModel  # noqa: E402
from training import models  # noqa: E402
from training.errors import ExportError  # noqa: E402
from training.export import add_embedding_output, add_embedding_to_file, export_onnx  # noqa: E402

from tests.shapes import shape_images  # noqa: E402
from tests.tiny_onnx import linear_character_model  # noqa: E402

CLASSES = ["一", "丨", "口"]


def trained(name: str) -> keras.Model:
    keras.utils.set_random_seed(3)
    x, y = shape_images(len(CLASSES), 8, 0)
    model = models.build(name, len(CLASSES))
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=models.output_kind(name) == "logits"))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    return model


@pytest.fixture(scope="module")
def check_images():
    return shape_images(len(CLASSES), 4, 9)[0]


def export(model, path, check_images, **overrides):
    options = dict(class_names=CLASSES, title="Tiny test model", trained_on="three drawn shapes", metrics={},
                   output_kind=models.output_kind(model), check_images=check_images)
    return export_onnx(model, path, **{**options, **overrides})


def test_the_cnn_export_carries_the_penultimate_layer_as_its_embedding(check_images, tmp_path):
    cnn = trained("cnn")
    engine = OnnxModel(export(cnn, tmp_path / "cnn.onnx", check_images))
    assert engine.has_embedding
    probs, embedding = engine.predict_proba_and_embedding(check_images[:5])
    penultimate = keras.Model(cnn.inputs[0], cnn.get_layer("dense").output).predict(check_images[:5], verbose=0)
    assert embedding.shape == (5, 64) and embedding.dtype == np.float32
    np.testing.assert_allclose(embedding, penultimate, atol=1e-4)
    np.testing.assert_array_equal(probs, engine.predict_proba(check_images[:5]))
    np.testing.assert_array_equal(embedding, engine.predict_embedding(check_images[:5]))


def test_the_logistic_embedding_is_its_scaled_flattened_input(check_images, tmp_path):
    engine = OnnxModel(export(trained("logistic"), tmp_path / "logistic.onnx", check_images))
    np.testing.assert_allclose(engine.predict_embedding(check_images[:3]),
                               check_images[:3].reshape(3, -1) / 255.0, atol=1e-6)


def test_a_head_without_a_final_dense_layer_exports_without_an_embedding(check_images, tmp_path):
    keras.utils.set_random_seed(4)
    inputs = keras.Input((80, 60, 1), name="image")
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(len(CLASSES), 3, strides=4, name="class_maps")(x)
    outputs = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, outputs, name="all_convolutional")
    engine = OnnxModel(export(model, tmp_path / "conv.onnx", check_images, output_kind="logits"))
    assert not engine.has_embedding
    # Without one, a model's log-probabilities stand in for the features.
    np.testing.assert_allclose(engine.predict_embedding(check_images[:2]),
                               engine.predict_log_proba(check_images[:2]), rtol=1e-6)


def test_the_embedding_is_added_to_an_exported_file_without_changing_a_bit(tmp_path):
    path = linear_character_model(tmp_path / "linear.onnx", CLASSES, with_features=True)
    images = shape_images(len(CLASSES), 2, 1)[0]
    before = OnnxModel(path)
    expected = before.predict_with_features(images)
    assert not before.has_embedding
    assert add_embedding_to_file(path, images)
    assert not add_embedding_to_file(path, images)  # there already
    engine = OnnxModel(path)
    probs, features = engine.predict_with_features(images)
    np.testing.assert_array_equal(probs, expected[0])
    np.testing.assert_array_equal(features["conv1"], expected[1]["conv1"])
    np.testing.assert_array_equal(engine.predict_embedding(images), images.reshape(len(images), -1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linear.onnx"]


def test_a_graph_whose_head_is_not_dense_is_left_unchanged(tmp_path):
    path = linear_character_model(tmp_path / "linear.onnx", CLASSES)
    proto = onnx.load(str(path))
    logits = next(n for n in proto.graph.node if "logits" in n.output)
    logits.op_type = "Sub"  # scores minus a bias: no longer a dense layer
    assert not add_embedding_output(proto)
    assert [o.name for o in proto.graph.output] == ["logits"]


def test_an_embedding_that_differs_from_keras_refuses_the_export(check_images, tmp_path, monkeypatch):
    import training.export as export_module

    real = export_module.add_embedding_output

    def shifted(model_proto):
        real(model_proto)
        node = next(n for n in model_proto.graph.node if "embedding" in n.output)
        node.output[0] = "embedding_raw"
        model_proto.graph.node.append(onnx.helper.make_node("Neg", ["embedding_raw"], ["embedding"]))
        return True

    monkeypatch.setattr(export_module, "add_embedding_output", shifted)
    with pytest.raises(ExportError, match="embedding differs from Keras"):
        export(trained("logistic"), tmp_path / "bad.onnx", check_images)
    assert list(tmp_path.iterdir()) == []
