"""The shape of an EfficientNet-Lite network, read from its state dict.

Kernel sizes, channel counts, expansion and the number of blocks per stage are all in the weights'
shapes, so Lite0..Lite4 share one description. Only the strides are not: they are EfficientNet's
fixed per-stage strides. Both the Keras port and the numpy reference build from this one
description, so they cannot disagree about the network, only about the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

#: Stride of the first block of each of EfficientNet's seven stages (the others use stride 1).
STAGE_STRIDES = (1, 2, 2, 2, 1, 2, 1)
#: BatchNorm epsilon of the TensorFlow originals (PyTorch's default 1e-5 would be subtly wrong).
BN_EPSILON = 1e-3
#: Lite models see RGB 0..255 as (x - 127) / 128.
INPUT_MEAN = 127.0
INPUT_STD = 128.0


@dataclass(frozen=True)
class Block:
    index: int  # position in ``_blocks``
    in_channels: int
    expanded: int  # channels of the depthwise convolution (== in_channels without expansion)
    out_channels: int
    kernel: int
    stride: int

    @property
    def has_expansion(self) -> bool:
        return self.expanded != self.in_channels

    @property
    def residual(self) -> bool:
        return self.stride == 1 and self.in_channels == self.out_channels


@dataclass(frozen=True)
class Architecture:
    stem_channels: int
    blocks: tuple[Block, ...]
    head_channels: int
    classes: int


def _block_count(state: Mapping[str, np.ndarray]) -> int:
    indices = {int(k.split(".")[1]) for k in state if k.startswith("_blocks.")}
    return max(indices) + 1 if indices else 0


def describe(state: Mapping[str, np.ndarray]) -> Architecture:
    """The architecture stored in an EfficientNet(-Lite) state dict (``efficientnet_pytorch`` names)."""
    missing = [k for k in ("_conv_stem.weight", "_conv_head.weight", "_fc.weight") if k not in state]
    if missing:
        raise ValueError(f"not an EfficientNet state dict (missing {', '.join(missing)})")
    if any(".se_" in k or "_se_reduce" in k for k in state):
        raise ValueError("this state dict has squeeze-and-excitation layers: a full EfficientNet, not a Lite model")
    blocks: list[Block] = []
    stage = -1
    previous_out = None
    for i in range(_block_count(state)):
        prefix = f"_blocks.{i}."
        depthwise = state[prefix + "_depthwise_conv.weight"]  # [C, 1, k, k]
        project = state[prefix + "_project_conv.weight"]  # [out, C, 1, 1]
        expand = state.get(prefix + "_expand_conv.weight")  # [C, in, 1, 1]
        in_channels = expand.shape[1] if expand is not None else depthwise.shape[0]
        out_channels = project.shape[0]
        # A new stage starts where the channel count changes; within a stage blocks repeat.
        first_in_stage = previous_out is None or out_channels != previous_out or in_channels != out_channels
        if first_in_stage:
            stage += 1
        if stage >= len(STAGE_STRIDES):
            raise ValueError(f"block {i}: more than {len(STAGE_STRIDES)} stages; not an EfficientNet")
        stride = STAGE_STRIDES[stage] if first_in_stage else 1
        blocks.append(Block(i, in_channels, depthwise.shape[0], out_channels, depthwise.shape[-1], stride))
        previous_out = out_channels
    if stage != len(STAGE_STRIDES) - 1:
        raise ValueError(f"found {stage + 1} stages, EfficientNet has {len(STAGE_STRIDES)}")
    return Architecture(
        stem_channels=state["_conv_stem.weight"].shape[0],
        blocks=tuple(blocks),
        head_channels=state["_conv_head.weight"].shape[0],
        classes=state["_fc.weight"].shape[0],
    )


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's ``SAME`` padding (before, after) along one axis: the extra pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2
