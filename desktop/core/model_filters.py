"""The first-layer filters of an ONNX CNN, as kernels for the Kernels panel.

onnxruntime runs a graph but does not hand out its weights, so the file is read with the ``onnx``
package (a plain protobuf reader, no TensorFlow). ONNX stores convolution weights as
``[F, C, kh, kw]``; they are returned in the panel's layout ``[F, kh, kw, C]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class ModelFiltersError(ValueError):
    """The file cannot be read or has no convolution layer; the message names the file."""


@dataclass
class ModelFilters:
    layer: str  # the Keras layer name when the exporter kept it (e.g. "conv1"), else the ONNX node name
    weights: np.ndarray  # [F, kh, kw, C] float32
    bias: np.ndarray  # [F] float32 (zeros when the layer has none)


def _constants(graph) -> dict:
    """Every constant tensor in the graph by name: initializers and Constant nodes."""
    from onnx import numpy_helper

    values = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            for attribute in node.attribute:
                if attribute.name == "value":
                    values[node.output[0]] = attribute.t
    return {name: numpy_helper.to_array(tensor) for name, tensor in values.items()}


def _resolve(name: str, constants: dict, producers: dict) -> np.ndarray | None:
    """The value of ``name`` when it is a constant, looking through Identity and Transpose nodes."""
    if name in constants:
        return constants[name]
    node = producers.get(name)
    if node is None:
        return None
    if node.op_type == "Identity":
        return _resolve(node.input[0], constants, producers)
    if node.op_type == "Transpose":
        value = _resolve(node.input[0], constants, producers)
        perm = next((list(a.ints) for a in node.attribute if a.name == "perm"), None)
        return None if value is None else np.transpose(value, perm or None)
    return None


def _bias_after(conv, graph, constants: dict, producers: dict, filters: int) -> np.ndarray | None:
    """A bias the exporter left as a separate Add right after the convolution."""
    consumers = [n for n in graph.node if conv.output[0] in n.input]
    if len(consumers) != 1 or consumers[0].op_type != "Add":
        return None
    other = [name for name in consumers[0].input if name != conv.output[0]]
    value = _resolve(other[0], constants, producers) if len(other) == 1 else None
    if value is None or value.size != filters:
        return None
    return value.reshape(filters)


def _layer_name(node_name: str, outputs: set[str]) -> str:
    """``cnn_export_1/conv1_1/convolution`` -> ``conv1`` (Keras layer scope, without Keras's ``_1`` suffix)."""
    parts = node_name.split("/")
    if len(parts) < 2:
        return node_name
    scope = parts[-2]
    stripped = re.sub(r"_\d+$", "", scope)
    for candidate in (scope, stripped):
        if f"features_{candidate}" in outputs:
            return candidate
    return stripped


def first_layer_filters(onnx_path: str | Path) -> ModelFilters:
    """Weights and bias of the first Conv node of ``onnx_path``, as kernels ``[F, kh, kw, C]``."""
    path = Path(onnx_path)
    try:
        import onnx
    except ImportError as exc:  # a base dependency of the app; only a broken install lands here
        raise ModelFiltersError(f"{path.name}: reading model weights needs the 'onnx' package") from exc
    if not path.is_file():
        raise ModelFiltersError(f"{path}: no such model file")
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # protobuf raises several types for a damaged file
        raise ModelFiltersError(f"{path}: not a readable ONNX file ({exc})") from exc
    graph = model.graph
    conv = next((node for node in graph.node if node.op_type == "Conv"), None)
    if conv is None:
        raise ModelFiltersError(f"{path}: the model has no convolution layer")
    group = next((a.i for a in conv.attribute if a.name == "group"), 1)
    if group != 1:
        raise ModelFiltersError(f"{path}: the first convolution is grouped (group={group}); only full kernels can be shown")

    constants = _constants(graph)
    producers = {out: node for node in graph.node for out in node.output}
    weights = _resolve(conv.input[1], constants, producers)
    if weights is None or weights.ndim != 4:
        raise ModelFiltersError(f"{path}: the weights of convolution {conv.name!r} are computed, not stored")
    filters = weights.shape[0]
    bias = _resolve(conv.input[2], constants, producers) if len(conv.input) > 2 and conv.input[2] else None
    if bias is None:
        bias = _bias_after(conv, graph, constants, producers, filters)
    if bias is None:
        bias = np.zeros(filters, np.float32)
    return ModelFilters(
        layer=_layer_name(conv.name, {o.name for o in graph.output}),
        weights=np.ascontiguousarray(np.transpose(weights, (0, 2, 3, 1)), dtype=np.float32),
        bias=np.asarray(bias, np.float32).reshape(filters),
    )
