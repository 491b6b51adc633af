"""Named kernels for the Kernels panel, and the helpers that turn them into a filter bank.

A :class:`Kernel` holds weights ``[kh, kw, C]``. The classic image kernels are 2-D, stored with
one channel (``C = 1``); :meth:`Kernel.for_channels` spreads them over an RGB image. The course's
"detect yellow" filter is a genuine 1×1 kernel over RGB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .convolution import ConvSettingsError


@dataclass
class Kernel:
    name: str
    title: str
    weights: np.ndarray  # [kh, kw, C] float32
    bias: float = 0.0
    description: str = ""

    def __post_init__(self) -> None:
        weights = np.asarray(self.weights, dtype=np.float32)
        if weights.ndim == 2:
            weights = weights[:, :, None]
        if weights.ndim != 3:
            raise ValueError(f"kernel {self.name!r}: weights must be [kh, kw, C], not shape {list(weights.shape)}")
        self.weights = weights

    @property
    def channels(self) -> int:
        return self.weights.shape[2]

    def for_channels(self, channels: int) -> "Kernel":
        """This kernel over a ``channels``-channel input (a one-channel kernel is spread with :func:`expand_to_channels`)."""
        if self.channels == channels:
            return self
        if self.channels != 1:
            raise ConvSettingsError(
                f"kernel {self.title!r} has weights for {self.channels} channels and cannot run on {channels}"
            )
        return Kernel(self.name, self.title, expand_to_channels(self.weights[:, :, 0], channels), self.bias, self.description)


def expand_to_channels(kernel2d: np.ndarray, channels: int) -> np.ndarray:
    """One 2-D kernel ``[kh, kw]`` as a kernel over ``channels`` channels: ``[kh, kw, C]``.

    Every channel gets the same grid divided by ``C``, so the single output channel is the 2-D
    kernel applied to the mean of the channels (the grey image): an identity kernel over RGB
    shows the grey picture at its usual brightness instead of three times it. To keep colour, use
    :func:`per_channel_filters` instead (one filter per channel).
    """
    kernel2d = np.asarray(kernel2d, dtype=np.float32)
    if kernel2d.ndim != 2:
        raise ValueError(f"expected a 2-D kernel, not shape {list(kernel2d.shape)}")
    if channels < 1:
        raise ValueError(f"channels must be at least 1, not {channels}")
    return np.repeat(kernel2d[:, :, None] / channels, channels, axis=2)


def per_channel_filters(kernel2d: np.ndarray, channels: int) -> np.ndarray:
    """``C`` filters ``[C, kh, kw, C]``: filter ``c`` applies ``kernel2d`` to channel ``c`` only (a colour blur)."""
    kernel2d = np.asarray(kernel2d, dtype=np.float32)
    filters = np.zeros((channels, *kernel2d.shape, channels), np.float32)
    for c in range(channels):
        filters[c, :, :, c] = kernel2d
    return filters


def stack_filters(kernels: list[Kernel]) -> tuple[np.ndarray, np.ndarray]:
    """Several kernels of one size and channel count as a bank: (``[F, kh, kw, C]``, bias ``[F]``)."""
    if not kernels:
        raise ConvSettingsError("there are no kernels to stack")
    shapes = {k.weights.shape for k in kernels}
    if len(shapes) > 1:
        listed = ", ".join(f"{k.title} {'×'.join(map(str, k.weights.shape))}" for k in kernels)
        raise ConvSettingsError(f"kernels in one layer must share size and channels: {listed}")
    weights = np.stack([k.weights for k in kernels]).astype(np.float32)
    return weights, np.array([k.bias for k in kernels], np.float32)


def _preset(name: str, title: str, weights, description: str, scale: float = 1.0) -> Kernel:
    return Kernel(name, title, np.asarray(weights, np.float32) * np.float32(scale), 0.0, description)


PRESETS: dict[str, Kernel] = {
    k.name: k
    for k in (
        _preset("identity", "Identity", [[0, 0, 0], [0, 1, 0], [0, 0, 0]], "Copies the image: only the centre counts."),
        _preset("box_blur", "Box blur", np.ones((3, 3)), "The mean of the 3×3 neighbourhood.", 1 / 9),
        _preset(
            "gaussian_blur",
            "Gaussian blur",
            [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
            "A weighted mean: near pixels count more, so edges stay a little sharper than with a box blur.",
            1 / 16,
        ),
        _preset("sharpen", "Sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], "Adds the difference to the neighbours back to each pixel."),
        _preset(
            "outline",
            "Outline",
            [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
            "Zero on flat areas, large where a pixel differs from its neighbours: edges.",
        ),
        _preset(
            "sobel_x",
            "Sobel x",
            [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
            "Positive where the image gets brighter from left to right: vertical edges.",
        ),
        _preset(
            "sobel_y",
            "Sobel y",
            [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
            "Positive where the image gets brighter from top to bottom: horizontal edges.",
        ),
        _preset("emboss", "Emboss", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], "Lights the image from the top left: a relief."),
        _preset(
            "detect_yellow",
            "Detect yellow",
            [[[1, 1, -1]]],
            "The course's 1×1 filter over RGB: red + green − blue, largest for yellow (255, 255, 0).",
        ),
    )
}
