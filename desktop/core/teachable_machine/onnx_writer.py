"""The layer graph as an ONNX model that follows the model contract for photo models.

Input ``image`` float32 NHWC ``[N, H, W, 3]``, RGB 0..255; Teachable Machine's ``x / 127.5 - 1``
is the first node, then one transpose to NCHW (what ONNX's Conv wants) and the layers. Image
tensors stay NCHW inside the graph; Flatten and Reshape go back to NHWC first so the values come
out in Keras' channels-last order. The last tensor is the output ``probabilities``.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from desktop.core.contract import INPUT_NAME, PROBABILITIES
from desktop.core.teachable_machine.layer_graph import LayerGraph, Op

OPSET = 17
IR_VERSION = 8  # opset 17's IR; keeps the file readable by every onnxruntime the app accepts
BATCH = "N"
_TO_NCHW, _TO_NHWC = [0, 3, 1, 2], [0, 2, 3, 1]


class _Writer:
    def __init__(self, graph: LayerGraph):
        self.graph = graph
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def name(self, tid: int) -> str:
        return PROBABILITIES if tid == self.graph.output else f"t{tid}"

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op_type: str, inputs: list[str], outputs: list[str], name: str, **attrs) -> None:
        self.nodes.append(helper.make_node(op_type, inputs, outputs, name=name, **attrs))

    def spatial(self, tid: int) -> bool:
        return len(self.graph.shapes[tid]) == 3

    def write(self) -> onnx.GraphProto:
        height, width, channels = self.graph.input_shape
        scale = self.constant("teachable_scale", np.array(127.5, np.float32))
        one = self.constant("teachable_one", np.array(1.0, np.float32))
        self.node("Div", [INPUT_NAME, scale], ["teachable_scaled"], "teachable_preprocess_div")
        self.node("Sub", ["teachable_scaled", one], ["teachable_minus1"], "teachable_preprocess_sub")
        self.node("Transpose", ["teachable_minus1"], [self.name(0)], "teachable_to_nchw", perm=_TO_NCHW)
        for op in self.graph.ops:
            self.op(op)
        classes = self.graph.output_shape[0]
        return helper.make_graph(
            self.nodes, "teachable_machine",
            [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [BATCH, height, width, channels])],
            [helper.make_tensor_value_info(PROBABILITIES, TensorProto.FLOAT, [BATCH, classes])],
            self.initializers)

    def op(self, op: Op) -> None:
        """Append the nodes of one layer operation (image tensors NCHW)."""
        emit = _EMITTERS.get(op.kind)
        if emit is None:
            raise AssertionError(f"unknown operation {op.kind}")
        emit(self, op, [self.name(i) for i in op.inputs], self.name(op.output))

    def _conv(self, op: Op, x: list[str], y: str) -> None:
        w, a, name = op.weights, op.attrs, op.name
        kernel = w["kernel"]
        kh, kw, cin, last = kernel.shape
        if op.kind == "conv":
            onnx_kernel = kernel.transpose(3, 2, 0, 1)  # [cout, cin, kh, kw]
            group = 1
        else:  # output channel c * multiplier + m reads input channel c: one group per input channel
            onnx_kernel = kernel.transpose(2, 3, 0, 1).reshape(cin * last, 1, kh, kw)
            group = cin
        inputs = [x[0], self.constant(f"{name}/kernel", onnx_kernel.astype(np.float32))]
        if "bias" in w:
            inputs.append(self.constant(f"{name}/bias", w["bias"].astype(np.float32)))
        top, left, bottom, right = a["pads"]
        self.node("Conv", inputs, [y], name, kernel_shape=[kh, kw], strides=list(a["strides"]),
                  dilations=list(a["dilation"]), pads=[top, left, bottom, right], group=group)

    def _batchnorm(self, op: Op, x: list[str], y: str) -> None:
        inputs = [x[0]] + [self.constant(f"{op.name}/{key}", op.weights[key].astype(np.float32))
                           for key in ("gamma", "beta", "mean", "variance")]
        self.node("BatchNormalization", inputs, [y], op.name, epsilon=float(op.attrs["epsilon"]))

    def _clip(self, op: Op, x: list[str], y: str) -> None:
        a, name = op.attrs, op.name
        if a["high"] is None:
            self.node("Relu", x, [y], name)
            return
        low = self.constant(f"{name}/low", np.array(a["low"], np.float32))
        high = self.constant(f"{name}/high", np.array(a["high"], np.float32))
        self.node("Clip", [x[0], low, high], [y], name)

    def _activation(self, op: Op, x: list[str], y: str) -> None:
        function, name = op.attrs["function"], op.name
        if function == "sigmoid":
            self.node("Sigmoid", x, [y], name)
        elif function == "tanh":
            self.node("Tanh", x, [y], name)
        elif function == "swish":
            self.node("Sigmoid", x, [f"{name}/sigmoid"], f"{name}/sigmoid")
            self.node("Mul", [x[0], f"{name}/sigmoid"], [y], name)
        elif function == "softmax":  # over channels: axis 1 of an NCHW image, the last of a vector
            self.node("Softmax", x, [y], name, axis=1 if self.spatial(op.inputs[0]) else -1)
        else:
            raise AssertionError(f"unknown activation {function}")

    def _pad(self, op: Op, x: list[str], y: str) -> None:
        top, left, bottom, right = op.attrs["pads"]
        pads = self.constant(f"{op.name}/pads", np.array([0, 0, top, left, 0, 0, bottom, right], np.int64))
        self.node("Pad", [x[0], pads], [y], op.name, mode="constant")

    def _add(self, op: Op, x: list[str], y: str) -> None:
        self.node("Sum" if len(x) > 2 else "Add", x, [y], op.name)

    def _mean(self, op: Op, x: list[str], y: str) -> None:
        name = op.name
        if op.attrs["keepdims"]:
            self.node("GlobalAveragePool", x, [y], name)
        else:
            self.node("GlobalAveragePool", x, [f"{name}/pooled"], name)
            self.node("Flatten", [f"{name}/pooled"], [y], f"{name}/flatten", axis=1)

    def _dense(self, op: Op, x: list[str], y: str) -> None:
        w, name = op.weights, op.name
        kernel = self.constant(f"{name}/kernel", w["kernel"].astype(np.float32))
        if "bias" not in w:
            self.node("MatMul", [x[0], kernel], [y], name)
            return
        self.node("MatMul", [x[0], kernel], [f"{name}/matmul"], f"{name}/matmul")
        self.node("Add", [f"{name}/matmul", self.constant(f"{name}/bias", w["bias"].astype(np.float32))], [y], name)

    def _identity(self, op: Op, x: list[str], y: str) -> None:
        self.node("Identity", x, [y], op.name)

    def _reshape(self, op: Op, x: list[str], y: str) -> None:
        """Flatten and Reshape in Keras' channels-last order: to NHWC first, back to NCHW for an image."""
        name, source = op.name, x[0]
        if self.spatial(op.inputs[0]):
            self.node("Transpose", [source], [f"{name}/nhwc"], f"{name}/to_nhwc", perm=_TO_NHWC)
            source = f"{name}/nhwc"
        shape = (-1, *self.graph.shapes[op.output])
        target = self.constant(f"{name}/shape", np.array(shape, np.int64))
        if len(shape) == 4:
            self.node("Reshape", [source, target], [f"{name}/reshaped"], f"{name}/reshape")
            self.node("Transpose", [f"{name}/reshaped"], [y], name, perm=_TO_NCHW)
        else:
            self.node("Reshape", [source, target], [y], name)


#: Operation kind -> the :class:`_Writer` method that emits its nodes.
_EMITTERS = {
    "conv": _Writer._conv, "depthwise": _Writer._conv, "batchnorm": _Writer._batchnorm, "clip": _Writer._clip,
    "activation": _Writer._activation, "pad": _Writer._pad, "add": _Writer._add, "mean": _Writer._mean,
    "dense": _Writer._dense, "identity": _Writer._identity, "flatten": _Writer._reshape, "reshape": _Writer._reshape,
}


def to_onnx(graph: LayerGraph, metadata: Mapping[str, str]) -> onnx.ModelProto:
    """The checked ONNX model of ``graph`` with ``metadata`` as its properties."""
    model = helper.make_model(_Writer(graph).write(), opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="cnn-classroom teachable_machine", ir_version=IR_VERSION)
    helper.set_model_props(model, dict(metadata))
    onnx.checker.check_model(model)
    return model
