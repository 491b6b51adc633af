"""Tiny hand-built ONNX character models for app tests (no TensorFlow): real files, real onnxruntime."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def contract_metadata(classes: list[str], **overrides: str) -> dict[str, str]:
    meta = {
        "class_names": json.dumps(classes, ensure_ascii=False),
        "task": "characters",
        "output": "logits",
        "title": "Tiny test model",
        "trained_on": "nothing, fixed weights",
        "metrics": json.dumps({"test": {"accuracy": 0.5}}),
        "created_by": "cnn-classroom test",
    }
    meta.update(overrides)
    return meta


def linear_character_model(path: Path, classes: list[str], *, height: int = 80, width: int = 60,
                           weights: np.ndarray | None = None, with_features: bool = False,
                           seed: int = 0, **meta: str) -> Path:
    """image [N, h, w, 1] -> Flatten -> MatMul -> Add -> logits; optionally a 1x1-conv ``features_conv1``."""
    rng = np.random.default_rng(seed)
    if weights is None:
        weights = rng.normal(0, 1e-3, (height * width, len(classes)))
    nodes = [
        helper.make_node("Flatten", ["image"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "W"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["logits"]),
    ]
    inits = [numpy_helper.from_array(np.asarray(weights, np.float32), "W"),
             numpy_helper.from_array(np.zeros(len(classes), np.float32), "b")]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", len(classes)])]
    if with_features:
        nodes += [
            helper.make_node("Transpose", ["image"], ["nchw"], perm=[0, 3, 1, 2]),
            helper.make_node("Conv", ["nchw", "K"], ["conv"]),
            helper.make_node("Transpose", ["conv"], ["features_conv1"], perm=[0, 2, 3, 1]),
        ]
        inits.append(numpy_helper.from_array(np.full((2, 1, 1, 1), -1.0, np.float32), "K"))
        outputs.append(helper.make_tensor_value_info("features_conv1", TensorProto.FLOAT, ["N", height, width, 2]))
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                                               ["N", height, width, 1])],
                              outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    helper.set_model_props(model, contract_metadata(classes, **meta))
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path



def photo_model(path: Path, classes: list[str], *, wnids: list[str] | None = None, size: int = 32,
                weights: np.ndarray | None = None, task: str = "imagenet", seed: int = 0, **meta: str) -> Path:
    """image [N, size, size, 3] RGB 0..255 -> mean colour [N, 3] -> MatMul -> Add -> logits.

    With ``weights`` of shape [3, classes] the model "recognises" colours: ``np.eye(3) * 0.05`` makes
    a red picture class 0, a green one class 1 and a blue one class 2. ``wnids`` (default
    ``n0000000<i>``) go into the metadata as for ImageNet models.
    """
    rng = np.random.default_rng(seed)
    if weights is None:
        weights = rng.normal(0, 1e-2, (3, len(classes)))
    if wnids is None:
        wnids = [f"n{i:08d}" for i in range(len(classes))]
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["colour"], axes=[1, 2], keepdims=0),
        helper.make_node("MatMul", ["colour", "W"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["logits"]),
    ]
    inits = [numpy_helper.from_array(np.asarray(weights, np.float32), "W"),
             numpy_helper.from_array(np.zeros(len(classes), np.float32), "b")]
    graph = helper.make_graph(nodes, "tiny_photo",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", size, size, 3])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", len(classes)])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    props = contract_metadata(classes, **{"task": task, "title": "Tiny photo model", **meta})
    if wnids:
        props["wnids"] = json.dumps(list(wnids))
    helper.set_model_props(model, props)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def pooled_character_model(path: Path, classes: list[str], *, seed: int = 0, **meta: str) -> Path:
    """image [N, 80, 60, 1] -> mean grey -> MatMul -> Add -> logits: a small file however many classes.

    Thousands of classes (the 3,755-character vocabulary) stay a few tens of kB, and each class
    still answers differently to light and dark drawings.
    """
    rng = np.random.default_rng(seed)
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("Unsqueeze", ["mean", "axis1"], ["column"]),
        helper.make_node("MatMul", ["column", "W"], ["scaled"]),
        helper.make_node("Add", ["scaled", "b"], ["logits"]),
    ]
    inits = [numpy_helper.from_array(np.array([1], np.int64), "axis1"),
             numpy_helper.from_array(rng.normal(0, 1e-2, (1, len(classes))).astype(np.float32), "W"),
             numpy_helper.from_array(rng.normal(0, 1.0, len(classes)).astype(np.float32), "b")]
    graph = helper.make_graph(
        nodes, "pooled", [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 80, 60, 1])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", len(classes)])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    helper.set_model_props(model, contract_metadata(classes, **meta))
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def stroke_character_model(path: Path, classes: list[str], weights: np.ndarray, **meta: str) -> Path:
    """strokes [N, 80, 60, 9] -> ink per channel (mean darkness 0..1) -> MatMul ``weights`` [9, C] -> logits.

    Also the contract's ``embedding`` (the nine ink amounts), so the personal layer fits on it. With
    weights on the direction channels, a stroke's direction decides the answer, which no picture can.
    """
    weights = np.asarray(weights, np.float32)
    if weights.shape != (9, len(classes)):
        raise ValueError(f"weights must be [9, {len(classes)}], got {list(weights.shape)}")
    nodes = [
        helper.make_node("ReduceMean", ["strokes"], ["mean"], axes=[1, 2], keepdims=0),
        helper.make_node("Sub", ["paper", "mean"], ["dark"]),
        helper.make_node("Div", ["dark", "paper"], ["embedding"]),
        helper.make_node("MatMul", ["embedding", "W"], ["logits"]),
    ]
    inits = [numpy_helper.from_array(np.array(255.0, np.float32), "paper"), numpy_helper.from_array(weights, "W")]
    graph = helper.make_graph(
        nodes, "strokes", [helper.make_tensor_value_info("strokes", TensorProto.FLOAT, ["N", 80, 60, 9])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", len(classes)]),
         helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", 9])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    helper.set_model_props(model, contract_metadata(classes, **{"input_kind": "strokes", **meta}))
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path
