"""An independent numpy forward pass of EfficientNet-Lite, straight from the PyTorch state dict.

It shares nothing with the Keras port but the architecture description: weights stay in PyTorch
layout, padding is computed and applied by hand, BatchNorm is written out, and the arithmetic is
float64, so it serves as the yardstick the Keras model (and its ONNX export) is measured against.
Slow (a second or two per image) and meant for checks, not for use.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .architecture import BN_EPSILON, INPUT_MEAN, INPUT_STD, describe


def _same_amounts(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's ``SAME`` rule, written out again here so the port and the yardstick stay independent:
    the output has ceil(size / stride) positions, and an odd total padding puts the extra pixel last."""
    outputs = int(np.ceil(size / stride))
    total = max((outputs - 1) * stride + kernel - size, 0)
    before = total // 2
    return before, total - before


def _pad_same(x: np.ndarray, kernel: int, stride: int) -> np.ndarray:
    """Zero-pad an ``[H, W, C]`` map the way TensorFlow's ``SAME`` does."""
    top, bottom = _same_amounts(x.shape[0], kernel, stride)
    left, right = _same_amounts(x.shape[1], kernel, stride)
    return np.pad(x, ((top, bottom), (left, right), (0, 0)))


def _windows(x: np.ndarray, kernel: int, stride: int) -> np.ndarray:
    """``[H', W', C, k, k]`` patches of the padded map at the output positions."""
    return sliding_window_view(_pad_same(x, kernel, stride), (kernel, kernel), axis=(0, 1))[::stride, ::stride]


def conv2d(x: np.ndarray, weight: np.ndarray, stride: int) -> np.ndarray:
    """Full convolution (cross-correlation); ``weight`` in PyTorch layout ``[out, in, k, k]``."""
    kernel = weight.shape[-1]
    if kernel == 1 and stride == 1:
        return x @ weight[:, :, 0, 0].T
    return np.einsum("hwckl,ockl->hwo", _windows(x, kernel, stride), weight, optimize=True)


def depthwise_conv2d(x: np.ndarray, weight: np.ndarray, stride: int) -> np.ndarray:
    """One filter per channel; ``weight`` in PyTorch layout ``[C, 1, k, k]``."""
    kernel = weight.shape[-1]
    return np.einsum("hwckl,ckl->hwc", _windows(x, kernel, stride), weight[:, 0], optimize=True)


def batch_norm(x: np.ndarray, state: Mapping[str, np.ndarray], prefix: str) -> np.ndarray:
    gamma, beta = state[prefix + ".weight"], state[prefix + ".bias"]
    mean, var = state[prefix + ".running_mean"], state[prefix + ".running_var"]
    return (x - mean) / np.sqrt(var + BN_EPSILON) * gamma + beta


def relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 6.0)


def forward_one(image: np.ndarray, state: Mapping[str, np.ndarray], *, features: bool = False) -> np.ndarray:
    """Logits ``[classes]`` (or the pooled features) for one RGB 0..255 image ``[H, W, 3]``."""
    s = {k: np.asarray(v, dtype=np.float64) for k, v in state.items()}
    arch = describe(state)
    x = (np.asarray(image, dtype=np.float64) - INPUT_MEAN) / INPUT_STD
    x = relu6(batch_norm(conv2d(x, s["_conv_stem.weight"], 2), s, "_bn0"))
    for block in arch.blocks:
        p = f"_blocks.{block.index}."
        shortcut = x
        if block.has_expansion:
            x = relu6(batch_norm(conv2d(x, s[p + "_expand_conv.weight"], 1), s, p + "_bn0"))
        x = relu6(batch_norm(depthwise_conv2d(x, s[p + "_depthwise_conv.weight"], block.stride), s, p + "_bn1"))
        x = batch_norm(conv2d(x, s[p + "_project_conv.weight"], 1), s, p + "_bn2")
        if block.residual:
            x = x + shortcut
    x = relu6(batch_norm(conv2d(x, s["_conv_head.weight"], 1), s, "_bn1"))
    pooled = x.mean(axis=(0, 1))
    if features:
        return pooled
    return pooled @ s["_fc.weight"].T + s["_fc.bias"]


def forward(images: np.ndarray, state: Mapping[str, np.ndarray], *, features: bool = False) -> np.ndarray:
    """Logits ``[N, classes]`` (or features ``[N, channels]``) for RGB 0..255 images ``[N, H, W, 3]``."""
    return np.stack([forward_one(image, state, features=features) for image in np.asarray(images)])
