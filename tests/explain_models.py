"""Tiny ONNX models whose evidence is known by construction, for the "Why?" heat-map tests.

Each is a real file run by real onnxruntime. ``cam=True`` passes the graph through
:func:`desktop.core.cam_graph.add_cam_outputs`, the very function the exporters use, so the tests
check that function and the maps together.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from desktop.core.cam_graph import add_cam_outputs
from tests.tiny_onnx import contract_metadata

PHOTO_CLASSES = ["red", "green", "blue"]
INK_CLASSES = ["ink", "paper"]


def _save(nodes, inits, input_shape, classes, path: Path, cam: bool, **meta: str) -> Path:
    graph = helper.make_graph(
        nodes, "explain_test",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", *input_shape])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", len(classes)])],
        [numpy_helper.from_array(np.asarray(v, np.float32) if np.asarray(v).dtype.kind == "f" else np.asarray(v), k)
         for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    helper.set_model_props(model, contract_metadata(classes, **meta))
    if cam:
        assert add_cam_outputs(model) is not None, "the test model's head should take CAM outputs"
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def left_half_photo_model(path: Path, *, size: int = 32, cam: bool = False) -> Path:
    """RGB [N, size, size, 3] -> colour scores that only ever look at the left half of the picture.

    The activations are the picture (scaled to 0..1) times a mask that is 1 on the left half and
    0 on the right, then global average pooling and a dense layer: "red" is red minus the other
    channels, and so on. Whatever is in the right half cannot matter.
    """
    mask = np.zeros((1, 1, size, size), np.float32)
    mask[..., : size // 2] = 1.0 / 255.0
    weights = 4.0 * (np.eye(3) - 0.5 * (1 - np.eye(3)))  # [channels, classes]
    nodes = [
        helper.make_node("Transpose", ["image"], ["nchw"], perm=[0, 3, 1, 2]),
        helper.make_node("Mul", ["nchw", "mask"], ["activations"]),
        helper.make_node("GlobalAveragePool", ["activations"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "W"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["logits"]),
    ]
    inits = {"mask": mask, "W": weights, "b": np.zeros(3)}
    return _save(nodes, inits, [size, size, 3], PHOTO_CLASSES, path, cam, task="imagenet",
                 title="Left-half colour model", wnids=json.dumps([f"n{i:08d}" for i in range(3)]))


def ink_character_model(path: Path, *, head: str = "flatten", cam: bool = False, seed: int = 0) -> Path:
    """Grey [N, 80, 60, 1] characters -> "ink" vs "paper" from a two-channel ink detector.

    The activations are ReLU(k * (255 - x) / 255) for k = 1 and 0.5: zero on blank paper, so
    paper can never be evidence. ``head`` ``"gap"`` is global average pooling + dense (CAM);
    ``"flatten"`` is 4x4 max pooling, flatten in NHWC order (as Keras' exports do), a ReLU
    dense layer and the class layer (Grad-CAM). Every position counts the same, so the evidence
    for "ink" is simply where the ink is.
    """
    rng = np.random.default_rng(seed)
    nodes = [
        helper.make_node("Sub", ["paper", "image"], ["ink"]),
        helper.make_node("Transpose", ["ink"], ["nchw"], perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["nchw", "K"], ["conv"]),
        helper.make_node("Relu", ["conv"], ["activations"]),
    ]
    inits = {"paper": np.asarray(255.0), "K": np.asarray([1.0, 0.5]).reshape(2, 1, 1, 1) / 255.0}
    if head == "gap":
        nodes += [
            helper.make_node("GlobalAveragePool", ["activations"], ["pooled"]),
            helper.make_node("Squeeze", ["pooled", "hw_axes"], ["flat"]),
            helper.make_node("MatMul", ["flat", "W"], ["mm"]),
            helper.make_node("Add", ["mm", "b"], ["logits"]),
        ]
        inits.update(hw_axes=np.asarray([2, 3], np.int64), W=np.asarray([[40.0, -40.0], [20.0, -20.0]]),
                     b=np.asarray([-2.0, 2.0]))
    elif head == "flatten":
        hidden = 8
        # Every pooled position weighs the same (positive for "ink"), so position alone means nothing.
        w1 = np.tile(rng.uniform(0.5, 1.0, (1, 2, hidden)), (20 * 15, 1, 1)).reshape(600, hidden) / 300
        nodes += [
            helper.make_node("MaxPool", ["activations"], ["pooled"], kernel_shape=[4, 4], strides=[4, 4]),
            helper.make_node("Transpose", ["pooled"], ["nhwc"], perm=[0, 2, 3, 1]),
            helper.make_node("Reshape", ["nhwc", "flat_shape"], ["flat"]),
            helper.make_node("MatMul", ["flat", "W1"], ["mm1"]),
            helper.make_node("Add", ["mm1", "b1"], ["pre1"]),
            helper.make_node("Relu", ["pre1"], ["hidden"]),
            helper.make_node("MatMul", ["hidden", "W2"], ["mm2"]),
            helper.make_node("Add", ["mm2", "b2"], ["logits"]),
        ]
        inits.update(flat_shape=np.asarray([-1, 600], np.int64), W1=w1, b1=np.zeros(hidden),
                     W2=np.stack([np.full(hidden, 30.0), np.full(hidden, -30.0)], axis=1), b2=np.asarray([-1.0, 1.0]))
    else:
        raise ValueError(head)
    return _save(nodes, inits, [80, 60, 1], INK_CLASSES, path, cam, title=f"Ink detector ({head})")


def drawing_on_paper() -> np.ndarray:
    """An 80x60 input: a dense blot filling one cell of a 4x4 grid, two thin strokes, blank paper around.

    The blot (rows 20..39, columns 15..29) is the strongest evidence of ink for any of the ink
    models; more than half of the picture is untouched paper.
    """
    x = np.full((80, 60, 1), 255.0, np.float32)
    x[20:40, 15:30] = 0.0  # the blot
    x[15:65, 44:46] = 0.0  # a vertical stroke
    x[54:56, 15:46] = 0.0  # a horizontal stroke
    return x


def photo_with_blob(size: int = 32, seed: int = 0) -> np.ndarray:
    """Random dim colours with a bright red square in the left half."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(40, 120, (size, size, 3)).astype(np.float32)
    q = size // 8
    x[q:3 * q, q:3 * q] = [255.0, 0.0, 0.0]
    return x
