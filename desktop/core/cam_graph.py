"""Add the contract's optional CAM outputs to an ONNX classifier whose head allows it.

A class activation map needs the last convolution block's activations ``A [N, h, w, C]`` and, per
class, the gradient of the class score with respect to them, averaged over the ``h x w``
positions (``cam_weights``). The app must not compute gradients, so this module writes the
gradient into the graph itself, for the two kinds of head our exporters make:

* **global average pooling + dense** (EfficientNet, the Teach head, GAP networks): the score is
  ``mean(A) @ W + b``, so the averaged gradient is ``W.T / (h w)``, the same for every image
  (CAM, Zhou et al. 2016). Shape ``[classes, C]``.
* **[non-overlapping pooling] + flatten + dense layers with ReLU between** (the course CNN):
  the gradient of a ReLU network is a product of weight matrices and the ReLU on/off masks;
  pooling only routes each pooled cell's gradient to pixels of its window, so its sum over the
  positions is the flatten weights summed over the positions. Shape ``[N, classes, C]``
  (Grad-CAM, Selvaraju et al. 2017). Max-pooling ties aside, this equals TensorFlow's gradient.

Only nodes are added (constants derived from the existing weights are folded by onnxruntime when
the session starts), so the class output is computed exactly as before. Any other head is left
alone: :func:`add_cam_outputs` returns ``None`` and the app falls back to occlusion.
:func:`class_head_input` names the tensor the final dense layer reads (the contract's optional
``embedding``, added by the training package's export).
Qt-free, TensorFlow-free: onnx + numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from desktop.core.contract import CAM_FEATURES, CAM_OUTPUTS, CAM_WEIGHTS, EMBEDDING, FEATURE_PREFIX

CAM = "cam"
GRAD_CAM = "grad-cam"
_PREFIX = "cam_head_"
#: Nodes that only reshape a pooled vector on its way to the dense layer.
_SHAPE_ONLY = {"Squeeze", "Reshape", "Flatten", "Identity"}


@dataclass
class _Dense:
    weights: np.ndarray  # [in, out]
    kernel: str | None  # the initializer holding exactly ``weights`` (a MatMul's), None for a scaled Gemm
    relu_output: str | None = None  # for a hidden layer: the ReLU's output (its on/off mask)


class _Graph:
    """Look-ups over one graph: who makes a tensor, constant values, static shapes."""

    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.graph = model.graph
        self.producer = {out: node for node in self.graph.node for out in node.output}
        self.constants = {init.name: init for init in self.graph.initializer}
        for node in self.graph.node:
            if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
                self.constants[node.output[0]] = node.attribute[0].t
        try:
            inferred = onnx.shape_inference.infer_shapes(model)
        except Exception:  # noqa: BLE001 - shapes are a help, not a requirement: a graph we cannot infer gets no CAM
            inferred = model
        self.shapes: dict[str, list[int | str | None]] = {}
        for value in [*inferred.graph.value_info, *inferred.graph.output, *inferred.graph.input]:
            dims = value.type.tensor_type.shape.dim
            self.shapes[value.name] = [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in dims]

    def constant(self, name: str) -> np.ndarray | None:
        tensor = self.constants.get(name)
        return None if tensor is None else numpy_helper.to_array(tensor)

    def node(self, tensor: str, *ops: str) -> onnx.NodeProto | None:
        node = self.producer.get(tensor)
        return node if node is not None and node.op_type in ops else None

    def attribute(self, node: onnx.NodeProto, name: str, default=None):
        for a in node.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return default


def _class_output(graph: onnx.GraphProto) -> str | None:
    names = [o.name for o in graph.output
             if not o.name.startswith(FEATURE_PREFIX) and o.name not in (*CAM_OUTPUTS, EMBEDDING)]
    for preferred in ("logits", "probabilities"):
        if preferred in names:
            return preferred
    return names[0] if len(names) == 1 else None


def _dense(g: _Graph, tensor: str) -> tuple[_Dense, str] | None:
    """``tensor = x @ W + b`` (MatMul + Add, a MatMul alone when the bias was zero, or Gemm) -> (layer, x)."""
    matmul = g.node(tensor, "MatMul")
    if matmul is not None and g.constant(matmul.input[1]) is not None and g.constant(matmul.input[1]).ndim == 2:
        return _Dense(g.constant(matmul.input[1]), matmul.input[1]), matmul.input[0]
    add = g.node(tensor, "Add")
    if add is not None:
        bias = [i for i in add.input if g.constant(i) is not None]
        others = [i for i in add.input if g.constant(i) is None]
        if len(bias) != 1 or len(others) != 1 or g.constant(bias[0]).ndim != 1:
            return None
        matmul = g.node(others[0], "MatMul")
        if matmul is None or g.constant(matmul.input[1]) is None:
            return None
        return _Dense(g.constant(matmul.input[1]), matmul.input[1]), matmul.input[0]
    gemm = g.node(tensor, "Gemm")
    if gemm is not None and g.constant(gemm.input[1]) is not None and not g.attribute(gemm, "transA", 0):
        w = g.constant(gemm.input[1]) * float(g.attribute(gemm, "alpha", 1.0))
        w = w.T if g.attribute(gemm, "transB", 0) else w
        return _Dense(w, None), gemm.input[0]
    return None


def _spatial_size(g: _Graph, tensor: str, nchw: bool) -> tuple[int, int, int] | None:
    shape = g.shapes.get(tensor)
    if not shape or len(shape) != 4:
        return None
    h, w, c = (shape[2], shape[3], shape[1]) if nchw else (shape[1], shape[2], shape[3])
    return (h, w, c) if all(isinstance(d, int) and d > 0 for d in (h, w, c)) else None


def _global_pool(g: _Graph, tensor: str) -> tuple[str, bool] | None:
    """Follow shape-only nodes back to a global average pool -> (activations, is NCHW)."""
    while True:
        node = g.producer.get(tensor)
        if node is None:
            return None
        if node.op_type == "GlobalAveragePool":
            return node.input[0], True
        if node.op_type == "ReduceMean":
            axes = g.attribute(node, "axes")
            if axes is None and len(node.input) > 1:
                axes = g.constant(node.input[1])
            axes = sorted(int(a) % 4 for a in np.atleast_1d(axes)) if axes is not None else None
            if axes == [2, 3]:
                return node.input[0], True
            if axes == [1, 2]:
                return node.input[0], False
            return None
        if node.op_type not in _SHAPE_ONLY:
            return None
        tensor = node.input[0]


def _flattened_map(g: _Graph, tensor: str) -> tuple[str, bool, int] | None:
    """``tensor`` = flatten([pool](A)) with A NCHW -> (A, flattened in NHWC order, pooling window side)."""
    node = g.node(tensor, "Reshape", "Flatten")
    if node is None:
        return None
    source = node.input[0]
    flatten_nhwc = False
    transpose = g.node(source, "Transpose")
    if transpose is not None and list(g.attribute(transpose, "perm", [])) == [0, 2, 3, 1]:
        flatten_nhwc, source = True, transpose.input[0]
    pool = g.node(source, "MaxPool", "AveragePool")
    window = 1
    if pool is not None:
        kernel = list(g.attribute(pool, "kernel_shape", []))
        strides = list(g.attribute(pool, "strides", [1] * len(kernel)))
        pads = list(g.attribute(pool, "pads", [0] * 2 * len(kernel)))
        auto_pad = g.attribute(pool, "auto_pad", b"NOTSET")
        auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad
        if kernel != strides or any(pads) or auto_pad not in ("NOTSET", "VALID") or g.attribute(pool, "ceil_mode", 0):
            return None  # overlapping or padded pooling routes gradients in ways this sum does not follow
        if len(kernel) != 2 or kernel[0] != kernel[1]:
            return None
        source, window = pool.input[0], kernel[0]
    elif not flatten_nhwc:
        return None  # a plain NCHW flatten cannot be told apart from flattening some other tensor
    producer = g.producer.get(source)
    if producer is None or producer.op_type in _SHAPE_ONLY | {"Transpose", "Unsqueeze"}:
        return None  # the flattened map must be computed (a convolution block), not the input itself
    return source, flatten_nhwc, window


class _Builder:
    """Appends nodes and small constants with unique names."""

    def __init__(self, graph: onnx.GraphProto):
        self.graph = graph
        self.count = 0

    def name(self, stem: str) -> str:
        self.count += 1
        return f"{_PREFIX}{stem}_{self.count}"

    def const(self, array: np.ndarray, stem: str) -> str:
        name = self.name(stem)
        self.graph.initializer.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def transposed(self, layer: _Dense) -> str:
        """``layer.weights.T`` from the existing initializer when there is one (folded at session start)."""
        if layer.kernel is not None:
            return self.op("Transpose", [layer.kernel], "kernel_t", perm=[1, 0])
        return self.const(layer.weights.T.astype(np.float32), "kernel_t")

    def op(self, op_type: str, inputs: list[str], stem: str, output: str | None = None, **attrs) -> str:
        out = output or self.name(stem)
        self.graph.node.append(helper.make_node(op_type, inputs, [out], name=self.name(op_type), **attrs))
        return out


def _emit_features(b: _Builder, activations: str, nchw: bool) -> None:
    if nchw:
        b.op("Transpose", [activations], "features", output=CAM_FEATURES, perm=[0, 2, 3, 1])
    else:
        b.op("Identity", [activations], "features", output=CAM_FEATURES)


def add_cam_outputs(model: onnx.ModelProto) -> str | None:
    """Add ``cam_features`` and ``cam_weights`` to ``model`` in place when its head allows it.

    Returns :data:`CAM` or :data:`GRAD_CAM` for the kind added, ``None`` (model unchanged) for a
    head this module does not know, and also when the model already has the outputs.
    """
    graph = model.graph
    if any(o.name in CAM_OUTPUTS for o in graph.output):
        return None
    g = _Graph(model)
    found = _final_dense(g)
    if found is None:
        return None
    last, below = found
    pooled = _global_pool(g, below)
    if pooled is not None:
        return _add_cam(graph, g, last, *pooled)
    return _add_grad_cam(graph, g, last, below)


def _final_dense(g: _Graph) -> tuple[_Dense, str] | None:
    """The dense layer that makes the class scores (under a softmax, if any) and the tensor it reads."""
    output = _class_output(g.graph)
    if output is None:
        return None
    softmax = g.node(output, "Softmax")
    return _dense(g, output if softmax is None else softmax.input[0])


def class_head_input(model: onnx.ModelProto) -> tuple[str, int] | None:
    """The tensor the final dense layer of a classifier reads, and its width: ``(name, D)``.

    ``None`` when the class output is not made by a dense layer this module recognises.
    """
    g = _Graph(model)
    found = _final_dense(g)
    if found is None:
        return None
    last, below = found
    shape = g.shapes.get(below)
    if shape is not None and len(shape) != 2:
        return None  # a dense layer on a map ([N, h, w, C]) reads no single vector per image
    return below, int(last.weights.shape[0])


def _add_cam(graph: onnx.GraphProto, g: _Graph, last: _Dense, activations: str, nchw: bool) -> str | None:
    """Global average pooling + one dense layer: the class weights over the positions, the same for every image."""
    classes = last.weights.shape[1]
    size = _spatial_size(g, activations, nchw)
    if size is None or size[2] != last.weights.shape[0]:
        return None
    h, w, _ = size
    b = _Builder(graph)
    _emit_features(b, activations, nchw)
    transposed = b.transposed(last)  # no second copy of a 1000-class kernel on disk
    scale = b.const(np.asarray(1.0 / (h * w), np.float32), "inv_positions")
    b.op("Mul", [transposed, scale], "weights", output=CAM_WEIGHTS)
    _declare_outputs(graph, activations, g, nchw, [classes, size[2]])
    return CAM


def _hidden_dense_layers(g: _Graph, tensor: str) -> tuple[list[_Dense], str] | None:
    """Dense layers with ReLU between, below the last one (input order), and the tensor under the first."""
    hidden: list[_Dense] = []
    while True:
        relu = g.node(tensor, "Relu")
        if relu is None:
            return hidden, tensor
        found = _dense(g, relu.input[0])
        if found is None:
            return None
        layer, tensor = found
        layer.relu_output = relu.output[0]
        hidden.insert(0, layer)


def _add_grad_cam(graph: onnx.GraphProto, g: _Graph, last: _Dense, below: str) -> str | None:
    """Dense layers (ReLU between) on a flattened (pooled) convolution map: Grad-CAM weights in the graph."""
    classes = last.weights.shape[1]
    found = _hidden_dense_layers(g, below)
    if found is None:
        return None
    hidden, tensor = found
    flattened = _flattened_map(g, tensor)
    if flattened is None:
        return None
    activations, flatten_nhwc, window = flattened
    nchw = True  # a convolution's output in ONNX; the exporters transpose to NHWC only to flatten
    size = _spatial_size(g, activations, nchw)
    first = hidden[0] if hidden else last
    if size is None:
        return None
    h, w, channels = size
    positions = (h // window) * (w // window)
    if first.weights.shape[0] != positions * channels:
        return None  # the layout is not what this module assumes: better no map than a wrong one
    # The first layer's weights summed over the (pooled) positions: [C, out].
    per_position = first.weights.reshape((positions, channels, -1) if flatten_nhwc else (channels, positions, -1))
    folded = per_position.sum(axis=0 if flatten_nhwc else 1)

    b = _Builder(graph)
    _emit_features(b, activations, nchw)
    scale = 1.0 / (h * w)
    if not hidden:  # a linear head: the same for every image
        b.op("Identity", [b.const((folded.T * scale).astype(np.float32), "weights")], "weights",
             output=CAM_WEIGHTS)
        _declare_outputs(graph, activations, g, nchw, [classes, channels])
        return GRAD_CAM
    _emit_gradient_weights(b, [*hidden, last], folded, scale)
    _declare_outputs(graph, activations, g, nchw, ["N", classes, channels])
    return GRAD_CAM


def _emit_gradient_weights(b: _Builder, layers: list[_Dense], folded: np.ndarray, scale: float) -> None:
    """d score / d (input of layer i), right to left: [classes, J] then [N, classes, J] after a ReLU mask."""
    gradient = b.transposed(layers[-1])
    axis_one = b.const(np.asarray([1], np.int64), "axis")
    for i in range(len(layers) - 2, -1, -1):
        layer = layers[i]
        mask = b.op("Sign", [layer.relu_output], "mask")  # ReLU output >= 0: 1 where on, 0 where off
        mask = b.op("Unsqueeze", [mask, axis_one], "mask_n1j")
        gradient = b.op("Mul", [gradient, mask], "masked")
        below = b.const(folded.T.astype(np.float32), "folded_t") if i == 0 else b.transposed(layer)
        gradient = b.op("MatMul", [gradient, below], "grad")
    b.op("Mul", [gradient, b.const(np.asarray(scale, np.float32), "inv_positions")], "weights",
         output=CAM_WEIGHTS)


def _declare_outputs(graph: onnx.GraphProto, activations: str, g: _Graph, nchw: bool, weight_shape: list) -> None:
    h, w, c = _spatial_size(g, activations, nchw)
    graph.output.append(helper.make_tensor_value_info(CAM_FEATURES, TensorProto.FLOAT, ["N", h, w, c]))
    graph.output.append(helper.make_tensor_value_info(CAM_WEIGHTS, TensorProto.FLOAT, weight_shape))
