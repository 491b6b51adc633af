"""First-layer filters read from ONNX files: hand-built graphs, a real exported Keras CNN, the shipped model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from desktop.core.contract import assets_dir
from desktop.core.convolution import ConvSettings, conv2d
from desktop.core.model_filters import ModelFiltersError, first_layer_filters

SHIPPED_CNN = assets_dir() / "models" / "casia55-cnn.onnx"


def conv_graph(path: Path, weights_oihw: np.ndarray, bias: np.ndarray | None, *, bias_as_add=False, transposed=False):
    """image NCHW -> Conv (bias as Conv input, as a separate Add, or none) -> out; optionally W stored as HWIO + Transpose."""
    filters = weights_oihw.shape[0]
    nodes, inits = [], []
    w_name = "W"
    if transposed:
        inits.append(numpy_helper.from_array(np.transpose(weights_oihw, (2, 3, 1, 0)).copy(), "W_hwio"))
        nodes.append(helper.make_node("Transpose", ["W_hwio"], ["W"], perm=[3, 2, 0, 1]))
    else:
        inits.append(numpy_helper.from_array(weights_oihw, "W"))
    conv_inputs = ["image", w_name]
    if bias is not None and not bias_as_add:
        inits.append(numpy_helper.from_array(bias, "B"))
        conv_inputs.append("B")
    conv_out = "conv" if bias_as_add else "out"
    nodes.append(helper.make_node("Conv", conv_inputs, [conv_out], name="model/block_a/convolution", pads=[1, 1, 1, 1]))
    if bias_as_add:
        nodes.append(helper.make_node("Constant", [], ["B4"], value=numpy_helper.from_array(bias.reshape(1, filters, 1, 1), "B4")))
        nodes.append(helper.make_node("Add", ["conv", "B4"], ["out"]))
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, weights_oihw.shape[1], 6, 5])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, str(path))
    return path


@pytest.mark.parametrize("variant", ["bias_input", "bias_as_add", "transposed_weights"])
def test_hand_built_graph_filters_reproduce_onnxruntime(tmp_path, variant):
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(4, 2, 3, 3)).astype(np.float32)  # OIHW
    bias = rng.normal(size=4).astype(np.float32)
    path = conv_graph(
        tmp_path / "g.onnx", weights, bias, bias_as_add=variant == "bias_as_add", transposed=variant == "transposed_weights"
    )
    got = first_layer_filters(path)
    assert got.layer == "block_a"
    np.testing.assert_array_equal(got.weights, np.transpose(weights, (0, 2, 3, 1)))
    np.testing.assert_array_equal(got.bias, bias)

    image = rng.normal(size=(6, 5, 2)).astype(np.float32)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"image": image.transpose(2, 0, 1)[None]})[0][0].transpose(1, 2, 0)
    np.testing.assert_allclose(conv2d(image, got.weights, got.bias, ConvSettings(padding="zero")), expected, atol=1e-5)


def test_conv_without_bias_gets_zero_bias(tmp_path):
    weights = np.ones((3, 1, 3, 3), np.float32)
    got = first_layer_filters(conv_graph(tmp_path / "nobias.onnx", weights, None))
    assert got.weights.shape == (3, 3, 3, 1) and not got.bias.any()


def test_unusable_files_are_named(tmp_path):
    with pytest.raises(ModelFiltersError, match=r"absent\.onnx: no such model file"):
        first_layer_filters(tmp_path / "absent.onnx")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00\x01 this is not a protobuf \xff" * 10)
    with pytest.raises(ModelFiltersError, match=r"junk\.onnx: not a readable ONNX file"):
        first_layer_filters(junk)
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    dense = tmp_path / "dense.onnx"
    onnx.save(helper.make_model(graph), str(dense))
    with pytest.raises(ModelFiltersError, match=r"dense\.onnx: the model has no convolution layer"):
        first_layer_filters(dense)


def test_exported_keras_cnn_filters_equal_the_keras_weights(tmp_path):
    keras = pytest.importorskip("keras")
    from training import models
    from training.export import export_onnx

    keras.utils.set_random_seed(3)
    model = models.build("cnn", 3)
    conv1 = model.get_layer("conv1")
    kernel, bias = conv1.get_weights()
    bias = np.random.default_rng(3).normal(0, 0.1, bias.shape).astype(np.float32)  # untrained bias is 0: make it count
    conv1.set_weights([kernel, bias])
    path = export_onnx(
        model, tmp_path / "cnn.onnx", class_names=["a", "b", "c"], title="test", trained_on="nothing",
        metrics={}, output_kind="logits", feature_layers=["conv1"],
    )

    filters = first_layer_filters(path)
    assert filters.layer == "conv1"
    assert filters.weights.shape == (16, 3, 3, 1)
    np.testing.assert_array_equal(filters.weights, np.transpose(kernel, (3, 0, 1, 2)))  # Keras HWIO -> [F, kh, kw, C]
    np.testing.assert_array_equal(filters.bias, bias)

    # The panel's own convolution with these filters gives the model's conv1 feature maps.
    image = np.random.default_rng(4).uniform(0, 255, (1, 80, 60, 1)).astype(np.float32)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    features = session.run(["features_conv1"], {"image": image})[0][0]
    ours = conv2d(image[0] / 255, filters.weights, filters.bias, ConvSettings(padding="zero", relu=True))
    np.testing.assert_allclose(ours, features, atol=1e-5)


@pytest.mark.skipif(not SHIPPED_CNN.is_file(), reason="the shipped course CNN has not been trained yet")
def test_shipped_cnn_has_sixteen_3x3_grey_filters():
    filters = first_layer_filters(SHIPPED_CNN)
    assert filters.weights.shape == (16, 3, 3, 1) and filters.bias.shape == (16,)
    assert filters.weights.dtype == np.float32 and np.isfinite(filters.weights).all()
    assert np.abs(filters.weights).max() > 0
    session = onnxruntime.InferenceSession(str(SHIPPED_CNN), providers=["CPUExecutionProvider"])
    if "features_conv1" in {o.name for o in session.get_outputs()}:
        image = np.random.default_rng(5).uniform(0, 255, (1, 80, 60, 1)).astype(np.float32)
        features = session.run(["features_conv1"], {"image": image})[0][0]
        ours = conv2d(image[0] / 255, filters.weights, filters.bias, ConvSettings(padding="zero", relu=True))
        np.testing.assert_allclose(ours, features, atol=1e-4)
