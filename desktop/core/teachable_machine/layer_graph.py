"""A Keras layer topology (Sequential / functional, nested at any depth) as a flat list of operations.

Both the ONNX writer and the float64 reference read this one list, so they cannot disagree on
what the model is; only on how they compute it, which is what the parity check measures.
Layer configs follow Keras 2 / tfjs-layers JSON (``inbound_nodes`` as ``[[["name", 0, 0, {}]]]``)
and Keras 3 (``{"args": [...keras_history...]}``). Shapes are tracked without the batch axis and
in Keras' channels-last order; a layer the converter does not know stops the import with its
class and name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from desktop.core.teachable_machine.errors import TeachableImportError

MODEL_CLASSES = ("Sequential", "Model", "Functional")
ACTIVATIONS = ("linear", "relu", "relu6", "sigmoid", "tanh", "softmax", "swish", "silu")
#: Bounds on the work an import may cause (TM's MobileNet: ~150 operations, 224 pixels, ~60 million
#: multiply-adds and ~5 million activations per image); a file past them is refused before it runs.
MAX_OPERATIONS = 20_000
MAX_INPUT_SIDE = 1024
MAX_MULTIPLY_ADDS = 5_000_000_000
MAX_ACTIVATIONS = 100_000_000
MAX_DEPTH = 64


@dataclass(frozen=True)
class Op:
    """One operation. ``kind`` is one of :data:`KINDS`; ``inputs``/``output`` are tensor ids."""

    kind: str
    name: str
    inputs: tuple[int, ...]
    output: int
    attrs: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)  # name -> np.ndarray float32


# conv: kernel [kh, kw, cin, cout], bias?; attrs strides, dilation, pads (top, left, bottom, right)
# depthwise: kernel [kh, kw, cin, multiplier], bias?; attrs as conv
# batchnorm: gamma, beta, mean, variance; attrs epsilon
# clip: attrs low (0), high (None = no upper bound)            (ReLU, relu6)
# activation: attrs function (sigmoid, tanh, softmax, swish)
# pad: attrs pads (top, left, bottom, right)
# add, mean (global average over H, W; attrs keepdims), dense (kernel [din, dout], bias?),
# identity, flatten, reshape (attrs shape)
KINDS = ("conv", "depthwise", "batchnorm", "clip", "activation", "pad", "add", "mean", "dense", "identity",
         "flatten", "reshape")


@dataclass(frozen=True)
class LayerRow:
    """One Keras layer for the report's layer table."""

    name: str
    type: str
    output_shape: tuple[int, ...]
    params: int


@dataclass
class LayerGraph:
    input_shape: tuple[int, int, int]  # H, W, C
    ops: list[Op]
    output: int
    shapes: dict[int, tuple[int, ...]]  # tensor id -> shape without the batch axis (channels last)
    layers: list[LayerRow]
    name: str

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.shapes[self.output]


def build_graph(topology: dict, weights: dict[str, np.ndarray], where: str) -> LayerGraph:
    """The flat graph of ``topology`` (``{"class_name", "config"}``) with its weights attached.

    ``where`` names the file in messages. Every weight the layers need must be in ``weights`` with
    the right shape, and every weight in ``weights`` must be used.
    """
    try:
        return _build(topology, weights, where)
    except TeachableImportError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, RecursionError) as exc:
        # A value of the wrong kind somewhere in a layer's config (a string for a size, ...)
        raise TeachableImportError(f"{where}: the layer topology is malformed ({type(exc).__name__}: {exc})") from None


def _build(topology: dict, weights: dict[str, np.ndarray], where: str) -> LayerGraph:
    builder = _Builder(weights, where)
    shape = _input_shape(topology, where)
    if len(shape) != 3 or shape[2] != 3 or not all(_is_whole(d) and 0 < d <= MAX_INPUT_SIDE for d in shape):
        raise TeachableImportError(f"{where}: the model takes {[None, *shape]}; expected photos [N, height, width, 3] "
                                   f"(at most {MAX_INPUT_SIDE} pixels a side)")
    first = builder.tensor(tuple(shape))
    output = builder.model(topology, first, depth=0)
    unused = [name for name in weights if name not in builder.used]
    if unused:
        listed = ", ".join(repr(n) for n in unused[:5]) + (" ..." if len(unused) > 5 else "")
        raise TeachableImportError(f"{where}: the weights list {len(unused)} weight(s) no layer uses ({listed})")
    if len(builder.shapes[output]) != 1:
        raise TeachableImportError(f"{where}: the model's output has shape {[None, *builder.shapes[output]]}; "
                                   "expected one score per class [N, classes]")
    return LayerGraph(tuple(shape), builder.ops, output, builder.shapes, builder.layers,
                      str(_config(topology).get("name") or "model"))


# ---------------------------------------------------------------------------------------------
# Topology helpers
# ---------------------------------------------------------------------------------------------

def _config(entry: dict) -> dict:
    config = entry.get("config")
    if isinstance(config, list):  # very old Keras: a Sequential's config is its layer list
        return {"layers": config}
    return config if isinstance(config, dict) else {}


def _layer_list(entry: dict, where: str) -> list:
    layers = _config(entry).get("layers")
    if not isinstance(layers, list):
        raise TeachableImportError(f"{where}: model {_config(entry).get('name')!r} lists no layers")
    return layers


def _declared_shape(config: dict) -> list | None:
    for key in ("batch_input_shape", "batch_shape"):
        shape = config.get(key)
        if isinstance(shape, list) and len(shape) >= 2:
            return shape[1:]
    return None


def _input_shape(entry: dict, where: str, depth: int = 0) -> tuple:
    if depth > MAX_DEPTH:
        raise TeachableImportError(f"{where}: models nested more than {MAX_DEPTH} deep")
    if not isinstance(entry, dict):
        raise TeachableImportError(f"{where}: a layer entry is not a JSON object")
    cls = entry.get("class_name")
    config = _config(entry)
    if cls == "Sequential":
        layers = _layer_list(entry, where)
        if not layers:
            raise TeachableImportError(f"{where}: Sequential model {config.get('name')!r} has no layers")
        shape = _declared_shape(_config(layers[0])) if isinstance(layers[0], dict) else None
        if shape is not None:
            return tuple(shape)
        return _input_shape(layers[0], where, depth + 1)
    if cls in ("Model", "Functional"):
        inputs = _refs(config.get("input_layers"))
        if len(inputs) != 1:
            raise TeachableImportError(f"{where}: model {config.get('name')!r} has {len(inputs)} inputs; "
                                       "only one image input is supported")
        for layer in _layer_list(entry, where):
            if isinstance(layer, dict) and _layer_name(layer) == inputs[0][0]:
                shape = _declared_shape(_config(layer))
                if shape is None:
                    return _input_shape(layer, where, depth + 1)
                return tuple(shape)
        raise TeachableImportError(f"{where}: model {config.get('name')!r} has no input layer {inputs[0][0]!r}")
    shape = _declared_shape(config)
    if shape is None:
        raise TeachableImportError(f"{where}: the model does not say its input shape")
    return tuple(shape)


def _layer_name(entry: dict) -> str:
    return str(entry.get("name") or _config(entry).get("name") or "")


def _refs(value: Any) -> list[tuple[str, int, int]]:
    """``[[name, node, tensor], ...]`` or one ``[name, node, tensor]`` -> list of triples."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        value = [value]
    refs = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, list) and len(item) >= 3 and isinstance(item[0], str):
            refs.append((item[0], int(item[1]), int(item[2])))
    return refs


def _node_inputs(node: Any) -> list[tuple[str, int, int]]:
    """The tensors one inbound node feeds a layer, in order (Keras 2 lists or Keras 3 ``args``)."""
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}} with keras_history triples
        found: list[tuple[str, int, int]] = []

        def walk(value):
            if isinstance(value, dict):
                history = value.get("config", {}).get("keras_history") if value.get("class_name") == "__keras_tensor__" \
                    else None
                if isinstance(history, list) and len(history) == 3:
                    found.append((str(history[0]), int(history[1]), int(history[2])))
                    return
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(node.get("args", []))
        return found
    if isinstance(node, list):  # Keras 2: [["name", node, tensor, {kwargs}], ...]
        return [(str(item[0]), int(item[1]), int(item[2])) for item in node
                if isinstance(item, list) and len(item) >= 3 and isinstance(item[0], str)]
    return []


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(value: Any, what: str, layer: str, where: str) -> int:
    if not _is_whole(value):
        raise TeachableImportError(f"{where}: layer {layer!r} has an unsupported {what} {value!r}")
    return value


def _pair(value: Any, what: str, layer: str, where: str) -> tuple[int, int]:
    if _is_whole(value):
        return value, value
    if isinstance(value, list) and len(value) == 2 and all(_is_whole(v) for v in value):
        return value[0], value[1]
    raise TeachableImportError(f"{where}: layer {layer!r} has an unsupported {what} {value!r}")


def same_pads(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TensorFlow's "same" padding on one axis: the odd pixel goes after (bottom/right)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def conv_output(size: int, kernel: int, stride: int, dilation: int, before: int, after: int) -> int:
    return (size + before + after - ((kernel - 1) * dilation + 1)) // stride + 1


# ---------------------------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------------------------

class _Builder:
    def __init__(self, weights: dict[str, np.ndarray], where: str):
        self.weights = weights
        self.where = where
        self.used: set[str] = set()
        self.ops: list[Op] = []
        self.shapes: dict[int, tuple[int, ...]] = {}
        self.layers: list[LayerRow] = []
        self._names: set[str] = set()
        self.multiply_adds = 0
        self.activations = 0

    # -- bookkeeping --------------------------------------------------------------------------
    def tensor(self, shape: tuple[int, ...]) -> int:
        tid = len(self.shapes)
        self.shapes[tid] = tuple(int(d) for d in shape)
        return tid

    def op(self, kind: str, name: str, inputs: list[int], shape: tuple[int, ...], attrs: dict | None = None,
           weights: dict | None = None) -> int:
        if len(self.ops) >= MAX_OPERATIONS:
            raise TeachableImportError(f"{self.where}: more than {MAX_OPERATIONS} operations; not a Teachable "
                                       "Machine model")
        if any(d <= 0 for d in shape):
            raise TeachableImportError(f"{self.where}: layer {name!r} would output an empty shape {list(shape)} "
                                       "(the input is too small for it)")
        self.activations += math.prod(shape)
        if self.activations > MAX_ACTIVATIONS:
            raise TeachableImportError(f"{self.where}: the model's layers make more than {MAX_ACTIVATIONS:,} values "
                                       "per image; far more than a Teachable Machine model")
        unique, n = name, 1
        while unique in self._names:
            n += 1
            unique = f"{name}_{n}"
        self._names.add(unique)
        output = self.tensor(shape)
        self.ops.append(Op(kind, unique, tuple(inputs), output, attrs or {}, weights or {}))
        return output

    def weight(self, layer: str, cls: str, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The weight ``layer/name``, matched exactly or as the unique ``.../layer/name``."""
        key = f"{layer}/{name}"
        if key not in self.weights:
            matches = [k for k in self.weights if k.endswith("/" + key)]
            if len(matches) > 1:
                raise TeachableImportError(f"{self.where}: weight {key!r} of {cls} layer {layer!r} is ambiguous "
                                           f"({', '.join(matches[:3])})")
            if not matches:
                raise TeachableImportError(f"{self.where}: the weights have no {key!r}, which {cls} layer "
                                           f"{layer!r} needs")
            key = matches[0]
        value = self.weights[key]
        if tuple(value.shape) != tuple(shape):
            raise TeachableImportError(f"{self.where}: weight {key!r} has shape {list(value.shape)}; {cls} layer "
                                       f"{layer!r} needs {list(shape)}")
        self.used.add(key)
        return value

    def count_work(self, name: str, multiply_adds: int) -> None:
        self.multiply_adds += max(multiply_adds, 0)
        if self.multiply_adds > MAX_MULTIPLY_ADDS:
            raise TeachableImportError(f"{self.where}: by layer {name!r} the model needs more than "
                                       f"{MAX_MULTIPLY_ADDS / 1e9:g} billion multiply-adds per image; far more than "
                                       "a Teachable Machine model")

    def row(self, name: str, cls: str, output: int, params: int) -> int:
        self.layers.append(LayerRow(name, cls, self.shapes[output], params))
        return output

    # -- models -------------------------------------------------------------------------------
    def model(self, entry: dict, x: int, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise TeachableImportError(f"{self.where}: models nested more than {MAX_DEPTH} deep")
        cls = entry.get("class_name")
        if cls == "Sequential":
            return self.sequential(entry, x, depth)
        if cls in ("Model", "Functional"):
            return self.functional(entry, x, depth)
        return self.layer(entry, [x])

    def sequential(self, entry: dict, x: int, depth: int) -> int:
        for layer in _layer_list(entry, self.where):
            if not isinstance(layer, dict):
                raise TeachableImportError(f"{self.where}: a layer entry is not a JSON object")
            if layer.get("class_name") == "InputLayer":
                self.check_input(layer, x)
                continue
            x = self.model(layer, x, depth + 1) if layer.get("class_name") in MODEL_CLASSES else self.layer(layer, [x])
        return x

    def check_input(self, layer: dict, x: int) -> None:
        shape = _declared_shape(_config(layer))
        if shape is not None and tuple(shape) != self.shapes[x]:
            raise TeachableImportError(f"{self.where}: input layer {_layer_name(layer)!r} declares "
                                       f"{[None, *shape]} but receives {[None, *self.shapes[x]]}")

    def functional(self, entry: dict, x: int, depth: int) -> int:
        config = _config(entry)
        inputs, outputs = _refs(config.get("input_layers")), _refs(config.get("output_layers"))
        name = config.get("name")
        if len(inputs) != 1 or len(outputs) != 1:
            raise TeachableImportError(f"{self.where}: model {name!r} has {len(inputs)} inputs and {len(outputs)} "
                                       "outputs; only one of each is supported")
        tensors: dict[tuple[str, int, int], int] = {}
        pending = []
        for layer in _layer_list(entry, self.where):
            if not isinstance(layer, dict):
                raise TeachableImportError(f"{self.where}: a layer entry is not a JSON object")
            if layer.get("class_name") == "InputLayer":
                if (_layer_name(layer), 0, 0) != inputs[0]:
                    raise TeachableImportError(f"{self.where}: model {name!r} has a second input "
                                               f"{_layer_name(layer)!r}; only one is supported")
                self.check_input(layer, x)
                tensors[inputs[0]] = x
            else:
                pending.append(layer)
        # Layers are listed in topological order in practice; resolve in rounds to be safe.
        while pending:
            remaining = []
            for layer in pending:
                nodes = layer.get("inbound_nodes")
                if not isinstance(nodes, list) or not nodes:
                    raise TeachableImportError(f"{self.where}: layer {_layer_name(layer)!r} of model {name!r} "
                                               "has no inputs")
                sources = [_node_inputs(node) for node in nodes]
                if not all(all(ref in tensors for ref in refs) and refs for refs in sources):
                    remaining.append(layer)
                    continue
                for index, refs in enumerate(sources):
                    ids = [tensors[ref] for ref in refs]
                    if layer.get("class_name") in MODEL_CLASSES:
                        if len(ids) != 1:
                            raise TeachableImportError(f"{self.where}: nested model {_layer_name(layer)!r} is "
                                                       f"called on {len(ids)} inputs; only one is supported")
                        out = self.model(layer, ids[0], depth + 1)
                    else:
                        out = self.layer(layer, ids)
                    tensors[(_layer_name(layer), index, 0)] = out
            if len(remaining) == len(pending):
                missing = sorted({ref[0] for layer in remaining for node in layer.get("inbound_nodes", [])
                                  for ref in _node_inputs(node) if ref not in tensors})
                raise TeachableImportError(f"{self.where}: model {name!r}: layers "
                                           f"{', '.join(repr(_layer_name(lay)) for lay in remaining[:3])} take "
                                           f"inputs that no layer makes ({', '.join(missing[:3])})")
            pending = remaining
        if outputs[0] not in tensors:
            raise TeachableImportError(f"{self.where}: model {name!r} outputs {outputs[0][0]!r}, which it never computes")
        return tensors[outputs[0]]

    # -- layers -------------------------------------------------------------------------------
    def layer(self, entry: dict, inputs: list[int]) -> int:
        cls = str(entry.get("class_name"))
        config = _config(entry)
        name = _layer_name(entry) or cls.lower()
        if cls not in SUPPORTED_LAYERS:
            raise TeachableImportError(f"{self.where}: layer {name!r} is a {cls}, which the Teachable Machine "
                                       f"import does not support")
        if config.get("data_format", "channels_last") != "channels_last":
            raise TeachableImportError(f"{self.where}: {cls} layer {name!r} uses {config.get('data_format')}; "
                                       "only channels_last is supported")
        if cls not in ("Add",) and len(inputs) != 1:
            raise TeachableImportError(f"{self.where}: {cls} layer {name!r} takes {len(inputs)} inputs")
        return _LAYER_READERS[cls](self, name, config, inputs)

    def spatial(self, cls: str, name: str, x: int) -> tuple[int, int, int]:
        shape = self.shapes[x]
        if len(shape) != 3:
            raise TeachableImportError(f"{self.where}: {cls} layer {name!r} needs an image-shaped input "
                                       f"[N, H, W, C], got {[None, *shape]}")
        return shape  # type: ignore[return-value]

    def activation(self, cls: str, name: str, function: Any, x: int) -> int:
        """A separate op for a layer's ``activation``; ``linear`` adds nothing."""
        if isinstance(function, dict):  # Keras 3 may serialise {"class_name": "relu", ...}
            function = function.get("config", {}).get("name") or function.get("class_name")
        function = str(function or "linear").lower()
        if function not in ACTIVATIONS:
            raise TeachableImportError(f"{self.where}: {cls} layer {name!r} uses activation {function!r}, which the "
                                       f"import does not support ({', '.join(ACTIVATIONS)})")
        shape = self.shapes[x]
        if function == "linear":
            return x
        if function in ("relu", "relu6"):
            high = 6.0 if function == "relu6" else None
            return self.op("clip", f"{name}/{function}", [x], shape, {"low": 0.0, "high": high})
        return self.op("activation", f"{name}/{function}", [x], shape,
                       {"function": "swish" if function == "silu" else function})

    def convolution(self, cls: str, name: str, config: dict, x: int, depthwise: bool) -> int:
        height, width, channels = self.spatial(cls, name, x)
        kh, kw = _pair(config.get("kernel_size"), "kernel_size", name, self.where)
        sh, sw = _pair(config.get("strides", 1), "strides", name, self.where)
        dh, dw = _pair(config.get("dilation_rate", 1), "dilation_rate", name, self.where)
        if min(kh, kw, sh, sw, dh, dw) < 1:
            raise TeachableImportError(f"{self.where}: {cls} layer {name!r} has a zero or negative size")
        if config.get("groups", 1) not in (1, None):
            raise TeachableImportError(f"{self.where}: {cls} layer {name!r} uses groups={config.get('groups')}; "
                                       "only 1 is supported")
        padding = str(config.get("padding", "valid")).lower()
        if padding == "same":
            (top, bottom), (left, right) = same_pads(height, kh, sh, dh), same_pads(width, kw, sw, dw)
        elif padding == "valid":
            top = bottom = left = right = 0
        else:
            raise TeachableImportError(f"{self.where}: {cls} layer {name!r} uses padding {padding!r}")
        if depthwise:
            multiplier = _whole(config.get("depth_multiplier", 1), "depth_multiplier", name, self.where)
            if multiplier < 1:
                raise TeachableImportError(f"{self.where}: {cls} layer {name!r} has depth_multiplier {multiplier}")
            out_channels = channels * multiplier
            kernel = self.weight(name, cls, "depthwise_kernel", (kh, kw, channels, multiplier))
        else:
            out_channels = _whole(config.get("filters"), "filters", name, self.where)
            kernel = self.weight(name, cls, "kernel", (kh, kw, channels, out_channels))
        weights = {"kernel": kernel}
        if config.get("use_bias", True):
            weights["bias"] = self.weight(name, cls, "bias", (out_channels,))
        shape = (conv_output(height, kh, sh, dh, top, bottom), conv_output(width, kw, sw, dw, left, right),
                 out_channels)
        self.count_work(name, shape[0] * shape[1] * out_channels * kh * kw * (1 if depthwise else channels))
        y = self.op("depthwise" if depthwise else "conv", name, [x], shape,
                    {"strides": (sh, sw), "dilation": (dh, dw), "pads": (top, left, bottom, right)}, weights)
        y = self.activation(cls, name, config.get("activation"), y)
        return self.row(name, cls, y, sum(int(w.size) for w in weights.values()))

    def _conv2d(self, name, config, inputs):
        return self.convolution("Conv2D", name, config, inputs[0], depthwise=False)

    def _depthwise_conv2d(self, name, config, inputs):
        return self.convolution("DepthwiseConv2D", name, config, inputs[0], depthwise=True)

    def _batch_normalization(self, name, config, inputs):
        x = inputs[0]
        shape = self.shapes[x]
        axis = config.get("axis", -1)
        if isinstance(axis, list) and len(axis) == 1:
            axis = axis[0]
        if axis not in (-1, len(shape)):
            raise TeachableImportError(f"{self.where}: BatchNormalization layer {name!r} normalises axis {axis}; "
                                       "only the channel axis (-1) is supported")
        channels = shape[-1]
        cls = "BatchNormalization"
        weights = {
            "gamma": self.weight(name, cls, "gamma", (channels,)) if config.get("scale", True)
            else np.ones(channels, np.float32),
            "beta": self.weight(name, cls, "beta", (channels,)) if config.get("center", True)
            else np.zeros(channels, np.float32),
            "mean": self.weight(name, cls, "moving_mean", (channels,)),
            "variance": self.weight(name, cls, "moving_variance", (channels,)),
        }
        params = channels * (2 + bool(config.get("scale", True)) + bool(config.get("center", True)))
        y = self.op("batchnorm", name, [x], shape, {"epsilon": float(config.get("epsilon", 1e-3))}, weights)
        return self.row(name, cls, y, params)

    def _relu(self, name, config, inputs):
        if float(config.get("negative_slope") or 0.0) != 0.0 or float(config.get("threshold") or 0.0) != 0.0:
            raise TeachableImportError(f"{self.where}: ReLU layer {name!r} has a negative_slope or threshold; "
                                       "only max_value is supported")
        high = config.get("max_value")
        y = self.op("clip", name, inputs, self.shapes[inputs[0]],
                    {"low": 0.0, "high": None if high is None else float(high)})
        return self.row(name, "ReLU", y, 0)

    def _activation_layer(self, name, config, inputs):
        y = self.activation("Activation", name, config.get("activation"), inputs[0])
        if y == inputs[0]:
            y = self.op("identity", name, inputs, self.shapes[y])
        return self.row(name, "Activation", y, 0)

    def _softmax(self, name, config, inputs):
        axis = config.get("axis", -1)
        if axis not in (-1, len(self.shapes[inputs[0]]), [-1]):
            raise TeachableImportError(f"{self.where}: Softmax layer {name!r} over axis {axis}; only the last axis "
                                       "is supported")
        y = self.op("activation", name, inputs, self.shapes[inputs[0]], {"function": "softmax"})
        return self.row(name, "Softmax", y, 0)

    def _zero_padding2d(self, name, config, inputs):
        height, width, channels = self.spatial("ZeroPadding2D", name, inputs[0])
        padding = config.get("padding", 1)
        if _is_whole(padding):
            pads = (padding, padding, padding, padding)
        elif isinstance(padding, list) and len(padding) == 2 and all(_is_whole(p) for p in padding):
            pads = (padding[0], padding[1], padding[0], padding[1])
        elif isinstance(padding, list) and len(padding) == 2 and all(
                isinstance(p, list) and len(p) == 2 and all(_is_whole(v) for v in p) for p in padding):
            (top, bottom), (left, right) = padding
            pads = (top, left, bottom, right)
        else:
            raise TeachableImportError(f"{self.where}: ZeroPadding2D layer {name!r} has padding {padding!r}")
        if min(pads) < 0:
            raise TeachableImportError(f"{self.where}: ZeroPadding2D layer {name!r} has negative padding")
        top, left, bottom, right = pads
        y = self.op("pad", name, inputs, (height + top + bottom, width + left + right, channels), {"pads": pads})
        return self.row(name, "ZeroPadding2D", y, 0)

    def _add(self, name, config, inputs):
        shapes = {self.shapes[i] for i in inputs}
        if len(inputs) < 2 or len(shapes) != 1:
            raise TeachableImportError(f"{self.where}: Add layer {name!r} adds {len(inputs)} tensors of shapes "
                                       f"{[list(self.shapes[i]) for i in inputs]}; it needs two or more of one shape")
        y = self.op("add", name, inputs, self.shapes[inputs[0]])
        return self.row(name, "Add", y, 0)

    def _global_average_pooling2d(self, name, config, inputs):
        _, _, channels = self.spatial("GlobalAveragePooling2D", name, inputs[0])
        keepdims = bool(config.get("keepdims", False))
        y = self.op("mean", name, inputs, (1, 1, channels) if keepdims else (channels,), {"keepdims": keepdims})
        return self.row(name, "GlobalAveragePooling2D", y, 0)

    def _dense(self, name, config, inputs):
        x = inputs[0]
        if len(self.shapes[x]) != 1:
            raise TeachableImportError(f"{self.where}: Dense layer {name!r} gets {[None, *self.shapes[x]]}; only a "
                                       "flat [N, features] input is supported (add Flatten or pooling before it)")
        units = _whole(config.get("units"), "units", name, self.where)
        self.count_work(name, self.shapes[x][0] * units)
        weights = {"kernel": self.weight(name, "Dense", "kernel", (self.shapes[x][0], units))}
        if config.get("use_bias", True):
            weights["bias"] = self.weight(name, "Dense", "bias", (units,))
        y = self.op("dense", name, [x], (units,), {}, weights)
        y = self.activation("Dense", name, config.get("activation"), y)
        return self.row(name, "Dense", y, sum(int(w.size) for w in weights.values()))

    def _dropout(self, name, config, inputs):
        y = self.op("identity", name, inputs, self.shapes[inputs[0]])  # inference: no dropout
        return self.row(name, "Dropout", y, 0)

    def _flatten(self, name, config, inputs):
        y = self.op("flatten", name, inputs, (math.prod(self.shapes[inputs[0]]),))
        return self.row(name, "Flatten", y, 0)

    def _reshape(self, name, config, inputs):
        target = config.get("target_shape")
        size = math.prod(self.shapes[inputs[0]])
        if not isinstance(target, list) or len(target) not in (1, 3) or not all(_is_whole(d) for d in target) \
                or sum(d == -1 for d in target) > 1 or any(d == 0 or d < -1 for d in target):
            raise TeachableImportError(f"{self.where}: Reshape layer {name!r} to {target!r}; only [features] or "
                                       "[height, width, channels] shapes are supported")
        known = math.prod(d for d in target if d != -1)
        shape = tuple(size // known if d == -1 else d for d in target)
        if math.prod(shape) != size:
            raise TeachableImportError(f"{self.where}: Reshape layer {name!r} cannot make {target} from "
                                       f"{list(self.shapes[inputs[0]])}")
        y = self.op("reshape", name, inputs, shape, {"shape": shape})
        return self.row(name, "Reshape", y, 0)


#: Keras layer class -> the builder method that reads it.
_LAYER_READERS = {
    "Conv2D": _Builder._conv2d,
    "DepthwiseConv2D": _Builder._depthwise_conv2d,
    "BatchNormalization": _Builder._batch_normalization,
    "ReLU": _Builder._relu,
    "Activation": _Builder._activation_layer,
    "Softmax": _Builder._softmax,
    "ZeroPadding2D": _Builder._zero_padding2d,
    "Add": _Builder._add,
    "GlobalAveragePooling2D": _Builder._global_average_pooling2d,
    "Dense": _Builder._dense,
    "Dropout": _Builder._dropout,
    "Flatten": _Builder._flatten,
    "Reshape": _Builder._reshape,
}
#: Keras layer classes the import understands.
SUPPORTED_LAYERS = tuple(_LAYER_READERS)
