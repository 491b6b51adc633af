"""OnnxModel on small hand-built ONNX graphs (no TensorFlow needed): contract checks and maths."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from scipy.special import softmax as reference_softmax

from desktop.core.onnx_model import ModelContractError, OnnxModel, softmax, top_k

H, W = 80, 60
CLASSES = ["东", "人", "炎"]


def metadata(**overrides) -> dict[str, str]:
    meta = {
        "class_names": json.dumps(CLASSES, ensure_ascii=False),
        "task": "characters",
        "output": "logits",
        "title": "Tiny linear model",
        "trained_on": "nothing, random weights",
        "metrics": json.dumps({"test": {"accuracy": 0.5}}),
        "created_by": "cnn-classroom test",
    }
    meta.update(overrides)
    return {k: v for k, v in meta.items() if v is not None}


def linear_model(path, *, weights, bias, output="logits", channels=1, meta=None, feature_scale=None):
    """image [N,80,60,C] -> Flatten -> MatMul -> Add [-> Softmax]; optional 1x1-conv feature output."""
    nodes = [
        helper.make_node("Flatten", ["image"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "W"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["scores" if output == "probabilities" else output]),
    ]
    if output == "probabilities":
        nodes.append(helper.make_node("Softmax", ["scores"], ["probabilities"], axis=-1))
    inits = [
        numpy_helper.from_array(weights.astype(np.float32), "W"),
        numpy_helper.from_array(bias.astype(np.float32), "b"),
    ]
    outputs = [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["N", weights.shape[1]])]
    if feature_scale is not None:
        # A 1x1 convolution with one filter of weight `feature_scale`: NHWC -> NCHW -> Conv -> NHWC.
        nodes += [
            helper.make_node("Transpose", ["image"], ["nchw"], perm=[0, 3, 1, 2]),
            helper.make_node("Conv", ["nchw", "K"], ["conv"]),
            helper.make_node("Transpose", ["conv"], ["features_conv1"], perm=[0, 2, 3, 1]),
        ]
        inits.append(numpy_helper.from_array(np.full((1, channels, 1, 1), feature_scale, np.float32), "K"))
        outputs.append(helper.make_tensor_value_info("features_conv1", TensorProto.FLOAT, ["N", H, W, 1]))
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", H, W, channels])],
        outputs,
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    if meta:
        helper.set_model_props(model, meta)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


@pytest.fixture
def weights():
    rng = np.random.default_rng(7)
    return rng.normal(0, 1e-3, (H * W, len(CLASSES))), rng.normal(0, 1, len(CLASSES))


@pytest.fixture
def images():
    return np.random.default_rng(3).uniform(0, 255, (4, H, W, 1)).astype(np.float32)


def test_metadata_is_read_back(tmp_path, weights):
    w, b = weights
    model = OnnxModel(linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata(), feature_scale=2.0))
    assert model.class_names == CLASSES
    assert model.title == "Tiny linear model"
    assert model.task == "characters"
    assert model.output_kind == "logits"
    assert model.trained_on == "nothing, random weights"
    assert model.metrics == {"test": {"accuracy": 0.5}}
    assert model.input_shape == (H, W, 1)
    assert model.feature_names == ["conv1"]
    assert model.metadata["created_by"] == "cnn-classroom test"
    assert model.path == tmp_path / "m.onnx"


def test_logits_become_probabilities(tmp_path, weights, images):
    w, b = weights
    model = OnnxModel(linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata()))
    expected = reference_softmax(images.reshape(len(images), -1).astype(np.float64) @ w + b, axis=1)
    probs = model.predict_proba(images)
    assert probs.shape == (4, 3)
    np.testing.assert_allclose(probs, expected, atol=1e-5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    # A single image without the batch axis works too.
    np.testing.assert_allclose(model.predict_proba(images[0]), expected[:1], atol=1e-5)


def test_probability_output_is_not_softmaxed_twice(tmp_path, weights, images):
    w, b = weights
    path = linear_model(
        tmp_path / "p.onnx", weights=w, bias=b, output="probabilities", meta=metadata(output="probabilities")
    )
    expected = reference_softmax(images.reshape(len(images), -1).astype(np.float64) @ w + b, axis=1)
    np.testing.assert_allclose(OnnxModel(path).predict_proba(images), expected, atol=1e-5)


def test_features_come_with_probabilities(tmp_path, weights, images):
    w, b = weights
    model = OnnxModel(linear_model(tmp_path / "f.onnx", weights=w, bias=b, meta=metadata(), feature_scale=2.0))
    probs, features = model.predict_with_features(images)
    np.testing.assert_allclose(probs, model.predict_proba(images), atol=1e-6)
    assert set(features) == {"conv1"}
    assert features["conv1"].shape == (4, H, W, 1)
    np.testing.assert_allclose(features["conv1"], 2.0 * images, rtol=1e-6)
    model.warm_up()


def test_threads_per_inference_are_onnxruntimes_default_unless_asked(tmp_path, weights):
    w, b = weights
    path = linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata())
    images = np.random.default_rng(0).random((2, 80, 60, 1), dtype=np.float32)
    default, single = OnnxModel(path), OnnxModel(path, threads=1)
    assert (default.threads, single.threads) == (0, 1)
    np.testing.assert_array_equal(single.predict_proba(images), default.predict_proba(images))


def test_wrong_image_shape_is_refused(tmp_path, weights):
    w, b = weights
    model = OnnxModel(linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata()))
    with pytest.raises(ValueError, match="80, 60, 1"):
        model.predict_proba(np.zeros((1, 60, 80, 1), np.float32))


def test_missing_metadata(tmp_path, weights):
    w, b = weights
    path = linear_model(tmp_path / "bare.onnx", weights=w, bias=b)
    with pytest.raises(ModelContractError, match="bare.onnx.*missing class_names") as info:
        OnnxModel(path)
    assert info.value.path == path


def test_one_missing_key_is_named(tmp_path, weights):
    w, b = weights
    path = linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata(trained_on=None))
    with pytest.raises(ModelContractError, match="missing trained_on"):
        OnnxModel(path)


def test_class_count_must_match_output_width(tmp_path, weights):
    w, b = weights
    meta = metadata(class_names=json.dumps(["东", "人"], ensure_ascii=False))
    with pytest.raises(ModelContractError, match="3 classes but metadata class_names lists 2"):
        OnnxModel(linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=meta))


@pytest.mark.parametrize(
    "override, message",
    [
        ({"class_names": "[东, 人"}, "class_names is not valid JSON"),
        ({"class_names": json.dumps({"a": 1})}, "JSON list of strings"),
        ({"metrics": "{oops"}, "metrics is not valid JSON"),
        ({"task": "poetry"}, "task 'poetry'"),
        ({"output": "scores"}, "output 'scores'"),
        ({"temperature": "warm"}, "temperature 'warm' is not a number"),
        ({"likelihood_temperature": "-1"}, "likelihood_temperature '-1' must be a finite number above zero"),
    ],
)
def test_bad_metadata_values(tmp_path, weights, override, message):
    w, b = weights
    with pytest.raises(ModelContractError, match=message):
        OnnxModel(linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata(**override)))


def test_character_model_needs_one_channel(tmp_path):
    rng = np.random.default_rng(0)
    path = linear_model(
        tmp_path / "rgb.onnx", weights=rng.normal(size=(H * W * 3, 3)), bias=np.zeros(3), channels=3, meta=metadata()
    )
    with pytest.raises(ModelContractError, match="3 channels; a characters model needs 1"):
        OnnxModel(path)


def test_corrupt_file(tmp_path, weights):
    w, b = weights
    path = linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata())
    data = bytearray(path.read_bytes())
    path.write_bytes(bytes(data[: len(data) // 3]) + b"\x00garbage\xff" * 10)
    with pytest.raises(ModelContractError, match="m.onnx: not a readable ONNX model"):
        OnnxModel(path)


def test_missing_file(tmp_path):
    with pytest.raises(ModelContractError, match="nowhere.onnx: file not found"):
        OnnxModel(tmp_path / "nowhere.onnx")


def test_softmax_and_top_k():
    logits = np.array([[1000.0, 1001.0, 999.0], [0.0, 0.0, 0.0]], np.float32)
    np.testing.assert_allclose(softmax(logits), reference_softmax(logits.astype(np.float64), axis=1), atol=1e-6)
    probs = np.array([0.1, 0.6, 0.3])
    assert top_k(probs, 2) == [(1, 0.6), (2, 0.3)]
    assert top_k(probs, 10) == [(1, 0.6), (2, 0.3), (0, 0.1)]
    assert top_k(np.stack([probs, probs[::-1]]), 1) == [[(1, 0.6)], [(1, 0.6)]]


def test_predict_features_of_a_features_model(tmp_path, weights, images):
    w, b = weights
    meta = metadata(task="features", output="features", class_names="[]")
    path = linear_model(tmp_path / "f.onnx", weights=w, bias=b, output="features", meta=meta)
    model = OnnxModel(path)
    embeddings = model.predict_features(images)
    expected = images.reshape(len(images), -1).astype(np.float64) @ w + b
    assert embeddings.dtype == np.float32 and embeddings.shape == (4, len(CLASSES))
    np.testing.assert_allclose(embeddings, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(model.predict_features(images[0]), embeddings[:1], rtol=1e-6)
    with pytest.raises(ValueError, match="not class scores"):
        model.predict_proba(images)


def test_predict_features_refuses_a_classifier(tmp_path, weights, images):
    w, b = weights
    model = OnnxModel(linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata()))
    with pytest.raises(ValueError, match="m.onnx outputs logits, not features"):
        model.predict_features(images)


def with_embedding(path, shape, source="flat"):
    """The file at ``path`` given an ``embedding`` output: ``source`` declared with ``shape``."""
    model = onnx.load(str(path))
    model.graph.node.append(helper.make_node("Identity", [source], ["embedding"]))
    model.graph.output.append(helper.make_tensor_value_info("embedding", TensorProto.FLOAT, shape))
    onnx.save(model, str(path))
    return path


def test_the_embedding_comes_with_the_probabilities_in_one_run(tmp_path, weights, images):
    w, b = weights
    path = with_embedding(linear_model(tmp_path / "e.onnx", weights=w, bias=b, meta=metadata()), ["N", H * W])
    model = OnnxModel(path)
    assert model.has_embedding
    probs, embedding = model.predict_proba_and_embedding(images)
    np.testing.assert_array_equal(probs, model.predict_proba(images))
    assert embedding.dtype == np.float32
    np.testing.assert_array_equal(embedding, images.reshape(len(images), -1))
    np.testing.assert_array_equal(model.predict_embedding(images[0]), embedding[:1])


def test_the_likelihood_temperature_is_the_shown_one_unless_the_file_says_otherwise(tmp_path, weights):
    w, b = weights
    plain = OnnxModel(linear_model(tmp_path / "p.onnx", weights=w, bias=b, meta=metadata(temperature="2")))
    softened = OnnxModel(linear_model(tmp_path / "s.onnx", weights=w, bias=b,
                                      meta=metadata(temperature="2", likelihood_temperature="1.5")))
    assert (plain.temperature, plain.likelihood_temperature) == (2.0, 2.0)
    assert (softened.temperature, softened.likelihood_temperature) == (2.0, 1.5)


def test_without_an_embedding_the_log_probabilities_stand_in(tmp_path, weights, images):
    w, b = weights
    model = OnnxModel(linear_model(tmp_path / "m.onnx", weights=w, bias=b, meta=metadata(temperature="2")))
    assert not model.has_embedding
    probs, embedding = model.predict_proba_and_embedding(images)
    np.testing.assert_array_equal(probs, model.predict_proba(images))
    np.testing.assert_allclose(embedding, model.predict_log_proba(images), rtol=1e-6)
    assert embedding.shape == (4, len(CLASSES)) and embedding.dtype == np.float32


def test_an_embedding_of_the_wrong_rank_is_refused(tmp_path, weights):
    w, b = weights
    path = with_embedding(linear_model(tmp_path / "r.onnx", weights=w, bias=b, meta=metadata()),
                          ["N", H, W, 1], source="image")
    with pytest.raises(ModelContractError, match=r"r.onnx: output 'embedding' must be \[N, D\]"):
        OnnxModel(path)
