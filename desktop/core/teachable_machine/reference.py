"""The layer graph run in float64 numpy: the independent check the ONNX file must agree with.

Written the plain way, channels last like Keras, one kernel offset at a time, so that it shares
nothing with the ONNX graph but the weights and the layer list. Input: RGB 0..255 ``[N, H, W, 3]``;
Teachable Machine's ``x / 127.5 - 1`` comes first, as in the ONNX file.
"""

from __future__ import annotations

import numpy as np

from desktop.core.teachable_machine.layer_graph import LayerGraph, Op


def preprocess(rgb: np.ndarray) -> np.ndarray:
    """Teachable Machine's scaling of RGB 0..255 to -1..1."""
    return np.asarray(rgb, np.float64) / 127.5 - 1.0


def forward(graph: LayerGraph, rgb: np.ndarray) -> np.ndarray:
    """The model's output for a batch of RGB 0..255 images ``[N, H, W, 3]``, in float64."""
    last_use = {tid: index for index, op in enumerate(graph.ops) for tid in op.inputs}
    values: dict[int, np.ndarray] = {0: preprocess(rgb)}
    for index, op in enumerate(graph.ops):
        values[op.output] = _run(op, [values[i] for i in op.inputs])
        for tid in op.inputs:  # keep only what later layers still read
            if last_use[tid] == index and tid != graph.output:
                values.pop(tid, None)
    return values[graph.output]


def _windows(x: np.ndarray, kh: int, kw: int, strides, dilation, pads):
    """Yield ``(i, j, patch)``: the input pixels each kernel offset meets, already strided."""
    top, left, bottom, right = pads
    x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    (sh, sw), (dh, dw) = strides, dilation
    out_h = (x.shape[1] - ((kh - 1) * dh + 1)) // sh + 1
    out_w = (x.shape[2] - ((kw - 1) * dw + 1)) // sw + 1
    for i in range(kh):
        for j in range(kw):
            yield i, j, x[:, i * dh: i * dh + sh * (out_h - 1) + 1: sh, j * dw: j * dw + sw * (out_w - 1) + 1: sw, :]


def _run(op: Op, inputs: list[np.ndarray]) -> np.ndarray:
    x = inputs[0]
    w = {k: np.asarray(v, np.float64) for k, v in op.weights.items()}
    a = op.attrs
    if op.kind == "conv":
        kernel = w["kernel"]
        y = sum(patch @ kernel[i, j] for i, j, patch in _windows(x, *kernel.shape[:2], a["strides"], a["dilation"],
                                                                 a["pads"]))
        return y + w["bias"] if "bias" in w else y
    if op.kind == "depthwise":
        kernel = w["kernel"]  # [kh, kw, cin, multiplier]; output channel c * multiplier + m
        y = sum(patch[..., None] * kernel[i, j] for i, j, patch in _windows(x, *kernel.shape[:2], a["strides"],
                                                                            a["dilation"], a["pads"]))
        y = y.reshape(*y.shape[:3], -1)
        return y + w["bias"] if "bias" in w else y
    if op.kind == "batchnorm":
        return (x - w["mean"]) / np.sqrt(w["variance"] + a["epsilon"]) * w["gamma"] + w["beta"]
    if op.kind == "clip":
        return np.clip(x, a["low"], a["high"]) if a["high"] is not None else np.maximum(x, a["low"])
    if op.kind == "activation":
        function = a["function"]
        if function == "sigmoid":
            return 1.0 / (1.0 + np.exp(-x))
        if function == "tanh":
            return np.tanh(x)
        if function == "swish":
            return x / (1.0 + np.exp(-x))
        if function == "softmax":
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        raise AssertionError(f"unknown activation {function}")
    if op.kind == "pad":
        top, left, bottom, right = a["pads"]
        return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    if op.kind == "add":
        return sum(inputs[1:], inputs[0])
    if op.kind == "mean":
        return x.mean(axis=(1, 2), keepdims=a["keepdims"])
    if op.kind == "dense":
        y = x @ w["kernel"]
        return y + w["bias"] if "bias" in w else y
    if op.kind == "identity":
        return x
    if op.kind == "flatten":
        return x.reshape(len(x), -1)
    if op.kind == "reshape":
        return x.reshape(len(x), *a["shape"])
    raise AssertionError(f"unknown operation {op.kind}")
