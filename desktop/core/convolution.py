"""2-D convolution and pooling as CNNs do them: the maths behind the Kernels panel.

"Convolution" in a CNN is cross-correlation: the kernel is not flipped. An image is a float32
tensor ``[H, W, C]``; a bank of ``F`` kernels is ``[F, kh, kw, C]`` (each kernel spans every input
channel and makes one output channel), the bias is ``[F]``, the output ``[oh, ow, F]``.

Padding (how the image is extended before the kernel slides over it):

* ``valid``: none; the kernel stays inside the image.
* ``zero``: TensorFlow's ``"same"``: ``out = ceil(in / stride)``; the padding needed for that is
  split with the smaller half on top/left and any odd pixel at the bottom/right (so an even kernel
  or an uneven stride pads one more pixel at the bottom/right).
* ``replicate`` and ``reflect``: the same amounts as ``zero`` but filled with the edge pixel
  (``aab|abc|cbb`` … ``abc|cc``) or the mirror image without repeating the edge (``cb|abc|ba``).

Two code paths give identical results (tests hold both to a reference): stride 1 without dilation
runs OpenCV's ``filter2D`` per (filter, channel) pair with the matching border mode, which is what
makes live video possible; any other stride or dilation pads explicitly and contracts a numpy
sliding-window view with ``tensordot``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

PADDINGS = ("valid", "zero", "replicate", "reflect")
POOL_MODES = ("max", "average")

#: The course's worked example: a 5x5 binary image and a 3x3 "X" kernel (valid, stride 1 -> 3x3).
COURSE_IMAGE = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype=np.float32
)
COURSE_KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=np.float32)
#: The course's pooling example: 2x2 pooling with stride 2 gives [[6, 20], [4, 9]] (max), [[3, 6], [-2, 5]] (average).
COURSE_POOL_INPUT = np.array([[3, 2, -3, 2], [1, 6, 20, 5], [4, -13, 2, 6], [-2, 3, 9, 3]], dtype=np.float32)

# numpy.pad modes and the matching OpenCV border types.
_NUMPY_PAD_MODE = {"zero": "constant", "replicate": "edge", "reflect": "reflect"}
_CV2_BORDER = {"zero": cv2.BORDER_CONSTANT, "replicate": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT_101}


class ConvSettingsError(ValueError):
    """A padding/stride/dilation/kernel combination that has no output; the message says which."""


@dataclass(frozen=True)
class ConvSettings:
    padding: str = "valid"
    stride: tuple[int, int] = (1, 1)  # rows, columns
    dilation: tuple[int, int] = (1, 1)  # rows, columns
    relu: bool = False


def _check_settings(settings: ConvSettings) -> None:
    if settings.padding not in PADDINGS:
        raise ConvSettingsError(f"unknown padding {settings.padding!r}; choose one of {', '.join(PADDINGS)}")
    for name, pair in (("stride", settings.stride), ("dilation", settings.dilation)):
        if len(pair) != 2:
            raise ConvSettingsError(f"{name} needs two numbers (rows, columns), not {pair!r}")
        for axis, value in zip(("row", "column"), pair):
            if int(value) != value or value < 1:
                raise ConvSettingsError(f"{axis} {name} must be a whole number of at least 1, not {value}")


def effective_kernel_size(k: int, dilation: int) -> int:
    """The span of a dilated kernel: ``dilation·(k − 1) + 1`` pixels."""
    return dilation * (k - 1) + 1


def _same_padding(in_size: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    out = -(-in_size // stride)  # ceil
    total = max((out - 1) * stride + effective_kernel_size(k, dilation) - in_size, 0)
    return total // 2, total - total // 2


def padding_amounts(in_h: int, in_w: int, k_h: int, k_w: int, settings: ConvSettings) -> tuple[int, int, int, int]:
    """Pixels added (top, bottom, left, right) before the kernel slides; all 0 for ``valid``."""
    _check_settings(settings)
    if settings.padding == "valid":
        return 0, 0, 0, 0
    top, bottom = _same_padding(in_h, k_h, settings.stride[0], settings.dilation[0])
    left, right = _same_padding(in_w, k_w, settings.stride[1], settings.dilation[1])
    return top, bottom, left, right


def output_size(in_h: int, in_w: int, k_h: int, k_w: int, settings: ConvSettings) -> tuple[int, int]:
    """Output (rows, columns); :class:`ConvSettingsError` names any combination that has none."""
    _check_settings(settings)
    if in_h < 1 or in_w < 1:
        raise ConvSettingsError(f"the input is empty ({in_h}×{in_w})")
    if k_h < 1 or k_w < 1:
        raise ConvSettingsError(f"the kernel is empty ({k_h}×{k_w})")
    top, bottom, left, right = padding_amounts(in_h, in_w, k_h, k_w, settings)
    sizes = []
    for axis, size, k, before, after, stride, dilation in (
        ("rows", in_h, k_h, top, bottom, settings.stride[0], settings.dilation[0]),
        ("columns", in_w, k_w, left, right, settings.stride[1], settings.dilation[1]),
    ):
        span = effective_kernel_size(k, dilation)
        if span > size + before + after:
            dilated = f" (dilation {dilation} spreads {k} taps over {span})" if dilation > 1 else ""
            raise ConvSettingsError(
                f"the kernel is larger than the padded input in {axis}: {span}{dilated} > {size + before + after}"
            )
        if settings.padding == "reflect" and max(before, after) > size - 1:
            raise ConvSettingsError(
                f"reflect padding of {max(before, after)} in {axis} needs an input of at least "
                f"{max(before, after) + 1} {axis} (it mirrors without repeating the edge), but it has {size}"
            )
        sizes.append((size + before + after - span) // stride + 1)
    return sizes[0], sizes[1]


def output_size_formula(in_size: int, k: int, pad_total: int, stride: int, dilation: int) -> str:
    """The output-size formula with the numbers filled in, e.g. ``⌊(5 + 0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 3``."""
    numerator = in_size + pad_total - dilation * (k - 1) - 1
    result = numerator // stride + 1 if stride >= 1 else None
    shown = result if result is not None and result >= 1 else f"{result} (no output)" if result is not None else "undefined"
    return f"⌊({in_size} + {pad_total} − {dilation}·({k} − 1) − 1) / {stride}⌋ + 1 = {shown}"


def padding_note(in_h: int, in_w: int, k_h: int, k_w: int, settings: ConvSettings) -> str:
    """One sentence on how the image is padded, e.g. why an even kernel pads one more at the bottom."""
    top, bottom, left, right = padding_amounts(in_h, in_w, k_h, k_w, settings)
    if settings.padding == "valid":
        return "no padding: the kernel stays inside the image, so the output shrinks"
    fill = {"zero": "zeros", "replicate": "copies of the edge pixel", "reflect": "a mirror image (edge not repeated)"}
    note = (
        f"{top} top, {bottom} bottom, {left} left, {right} right, filled with {fill[settings.padding]}, "
        f"so the output is ⌈input / stride⌉"
    )
    if bottom != top or right != left:
        note += "; the padding is odd, so the extra pixel goes to the bottom/right (as in TensorFlow)"
    return note


def _as_image(image: np.ndarray) -> np.ndarray:
    image = np.ascontiguousarray(image, dtype=np.float32)  # OpenCV wants contiguous planes
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3:
        raise ValueError(f"an image must be [H, W] or [H, W, C], not an array of shape {list(image.shape)}")
    return image


def _as_kernels(kernels: np.ndarray, channels: int) -> np.ndarray:
    kernels = np.asarray(kernels, dtype=np.float32)
    if kernels.ndim == 2:  # one 2-D kernel for a one-channel image
        kernels = kernels[None, :, :, None]
    elif kernels.ndim == 3:  # one kernel [kh, kw, C]
        kernels = kernels[None]
    if kernels.ndim != 4:
        raise ValueError(f"kernels must be [F, kh, kw, C], not an array of shape {list(kernels.shape)}")
    if kernels.shape[3] != channels:
        raise ConvSettingsError(
            f"the kernels span {kernels.shape[3]} channel(s) but the image has {channels}: "
            f"a kernel needs one weight grid per input channel"
        )
    if kernels.shape[0] < 1:
        raise ConvSettingsError("there are no kernels")
    return kernels


def _as_bias(bias: np.ndarray | None, filters: int) -> np.ndarray:
    if bias is None:
        return np.zeros(filters, np.float32)
    bias = np.asarray(bias, dtype=np.float32).reshape(-1)
    if bias.shape != (filters,):
        raise ConvSettingsError(f"{filters} kernel(s) need {filters} bias value(s), not {bias.size}")
    return bias


def pad_image(image: np.ndarray, amounts: tuple[int, int, int, int], padding: str) -> np.ndarray:
    """``image`` [H, W, C] extended by (top, bottom, left, right) pixels the way ``padding`` says."""
    image = _as_image(image)
    top, bottom, left, right = amounts
    if padding == "valid" or not any(amounts):
        return image
    padded = cv2.copyMakeBorder(image, top, bottom, left, right, _CV2_BORDER[padding], value=0)
    return padded.reshape(image.shape[0] + top + bottom, image.shape[1] + left + right, image.shape[2])


_buffers = threading.local()


def _buffer(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A float32 work array reused between calls on this thread.

    Fresh multi-megabyte arrays cost a page fault per 4 KB on every frame; reusing two planes
    makes a 1080p convolution with free weights about twice as fast.
    """
    cache = _buffers.__dict__
    array = cache.get(name)
    if array is None or array.shape != shape:
        array = cache[name] = np.empty(shape, np.float32)
    return array


def _channel(image: np.ndarray, c: int) -> np.ndarray:
    """Channel ``c`` as a contiguous plane (a view for one-channel images, else a reused buffer)."""
    if image.shape[2] == 1:
        return image[:, :, 0]
    return cv2.extractChannel(image, c, dst=_buffer("plane", image.shape[:2]))


def _filter(plane: np.ndarray, weights: np.ndarray, anchor: tuple[int, int], border: int,
            dst: np.ndarray | None = None) -> np.ndarray:
    # filter2D correlates (no flip): out(y, x) = sum weights(i, j) · plane(y + i − anchor_y, x + j − anchor_x),
    # reading outside the plane with ``border``, which is the padding itself: no padded copy needed.
    return cv2.filter2D(plane, cv2.CV_32F, weights, dst=dst, anchor=anchor, borderType=border)


def _correlate_opencv(image: np.ndarray, kernels: np.ndarray, amounts: tuple[int, int, int, int], padding: str) -> np.ndarray:
    """Stride 1, no dilation: OpenCV ``filter2D`` on the unpadded image, its border mode doing the padding.

    Stride 1 pads exactly ``k − 1`` in all (same) or nothing (valid), which is what filter2D's
    anchor and border give. Shortcuts for the panel's common banks: a filter with the same grid on
    every channel filters the channel sum once; the same grid on each channel separately (a colour
    blur) is one multi-channel filter2D call.
    """
    filters, k_h, k_w, channels = kernels.shape
    top, _, left, _ = amounts
    out_h, out_w = image.shape[0] + amounts[0] + amounts[1] - k_h + 1, image.shape[1] + amounts[2] + amounts[3] - k_w + 1
    anchor = (left, top)
    border = _CV2_BORDER.get(padding, cv2.BORDER_CONSTANT)
    if 1 < channels <= 4 and filters == channels and all(
        np.array_equal(kernels[f, :, :, f], kernels[0, :, :, 0]) and not np.delete(kernels[f], f, axis=2).any()
        for f in range(filters)
    ):
        return _filter(image, kernels[0, :, :, 0], anchor, border).reshape(image.shape)[:out_h, :out_w]

    channel_sum: np.ndarray | None = None
    responses = []
    for f in range(filters):
        grids = kernels[f]
        if channels > 1 and all(np.array_equal(grids[:, :, c], grids[:, :, 0]) for c in range(1, channels)):
            if channel_sum is None:  # sum_c k * x_c = k * (sum_c x_c): one filter2D instead of C
                channel_sum = image.sum(axis=2, dtype=np.float32) if channels > 4 else cv2.transform(
                    image, np.ones((1, channels), np.float32)
                )
            responses.append(_filter(channel_sum, grids[:, :, 0], anchor, border))
            continue
        total = None
        for c in range(channels):
            if not grids[:, :, c].any():  # e.g. one filter per channel: the others' grids are zero
                continue
            plane = _channel(image, c)
            if total is None:
                total = _filter(plane, grids[:, :, c], anchor, border)
            else:
                scratch = _filter(plane, grids[:, :, c], anchor, border, dst=_buffer("scratch", image.shape[:2]))
                np.add(total, scratch, out=total)
        responses.append(np.zeros(image.shape[:2], np.float32) if total is None else total)
    if filters == 1:
        out = responses[0][:, :, None]
    elif filters <= 4:
        out = cv2.merge(responses)
    else:
        out = np.stack(responses, axis=-1)
    return out[:out_h, :out_w]


def _correlate_numpy(
    padded: np.ndarray, kernels: np.ndarray, out_h: int, out_w: int, stride: tuple[int, int], dilation: tuple[int, int]
) -> np.ndarray:
    """Any stride and dilation: a strided window view [oh, ow, C, kh, kw] contracted with the kernels."""
    _, k_h, k_w, _ = kernels.shape
    span_h, span_w = effective_kernel_size(k_h, dilation[0]), effective_kernel_size(k_w, dilation[1])
    windows = sliding_window_view(padded, (span_h, span_w), axis=(0, 1))
    windows = windows[: (out_h - 1) * stride[0] + 1 : stride[0], : (out_w - 1) * stride[1] + 1 : stride[1]]
    windows = windows[..., :: dilation[0], :: dilation[1]]  # [oh, ow, C, kh, kw]
    return np.tensordot(windows, kernels, axes=([2, 3, 4], [3, 1, 2])).astype(np.float32, copy=False)


def conv2d(
    image: np.ndarray, kernels: np.ndarray, bias: np.ndarray | None = None, settings: ConvSettings = ConvSettings()
) -> np.ndarray:
    """Cross-correlate ``image`` [H, W, C] with ``kernels`` [F, kh, kw, C], add ``bias`` [F]: [oh, ow, F] float32.

    A 2-D image is taken as one channel and a single kernel [kh, kw, C] (or [kh, kw]) as one filter.
    """
    image = _as_image(image)
    kernels = _as_kernels(kernels, image.shape[2])
    bias = _as_bias(bias, kernels.shape[0])
    in_h, in_w = image.shape[:2]
    k_h, k_w = kernels.shape[1:3]
    out_h, out_w = output_size(in_h, in_w, k_h, k_w, settings)
    amounts = padding_amounts(in_h, in_w, k_h, k_w, settings)
    if settings.stride == (1, 1) and settings.dilation == (1, 1):
        out = _correlate_opencv(image, kernels, amounts, settings.padding)
    else:
        padded = pad_image(image, amounts, settings.padding)
        out = _correlate_numpy(padded, kernels, out_h, out_w, settings.stride, settings.dilation)
    if not out.flags.writeable or not out.flags.c_contiguous:
        out = np.ascontiguousarray(out)
    if bias.any():
        out += bias
    if settings.relu:
        np.maximum(out, 0, out=out)
    return out


def pool_output_size(in_h: int, in_w: int, size: tuple[int, int], stride: tuple[int, int] | None) -> tuple[int, int]:
    """Output (rows, columns) of valid pooling: ``⌊(in − size) / stride⌋ + 1``; stride defaults to the size."""
    stride = tuple(size) if stride is None else tuple(stride)
    sizes = []
    for axis, n, s, t in (("rows", in_h, size[0], stride[0]), ("columns", in_w, size[1], stride[1])):
        if s < 1:
            raise ConvSettingsError(f"the pooling window must be at least 1 in {axis}, not {s}")
        if t < 1:
            raise ConvSettingsError(f"the pooling stride must be at least 1 in {axis}, not {t}")
        if s > n:
            raise ConvSettingsError(f"the pooling window ({s}) is larger than the input ({n}) in {axis}")
        sizes.append((n - s) // t + 1)
    return sizes[0], sizes[1]


def pool2d(
    x: np.ndarray, size: tuple[int, int] = (2, 2), stride: tuple[int, int] | None = None, mode: str = "max"
) -> np.ndarray:
    """Max or average pooling of ``x`` [H, W, C] (or [H, W]) without padding: [oh, ow, C] float32."""
    if mode not in POOL_MODES:
        raise ConvSettingsError(f"unknown pooling {mode!r}; choose one of {', '.join(POOL_MODES)}")
    x = _as_image(x)
    size = tuple(int(v) for v in size)
    stride = size if stride is None else tuple(int(v) for v in stride)
    out_h, out_w = pool_output_size(x.shape[0], x.shape[1], size, stride)
    windows = sliding_window_view(x, size, axis=(0, 1))
    windows = windows[: (out_h - 1) * stride[0] + 1 : stride[0], : (out_w - 1) * stride[1] + 1 : stride[1]]
    pooled = windows.max(axis=(3, 4)) if mode == "max" else windows.mean(axis=(3, 4), dtype=np.float64)
    return pooled.astype(np.float32)


@dataclass
class WeightedSum:
    """Everything behind one output value: footprint, inputs, weights, products and their sum."""

    out_row: int
    out_col: int
    filter_index: int
    rows: np.ndarray  # [kh] input row of each kernel row (negative or >= H where it falls in the padding)
    cols: np.ndarray  # [kw] input column of each kernel column
    inputs: np.ndarray  # [kh, kw, C] the (padded) input values under the kernel
    weights: np.ndarray  # [kh, kw, C]
    products: np.ndarray  # [kh, kw, C] inputs · weights
    bias: float
    total: float  # sum of the products + bias
    output: float  # total after ReLU when enabled


def weighted_sum_at(
    image: np.ndarray,
    kernels: np.ndarray,
    bias: np.ndarray | None,
    settings: ConvSettings,
    out_row: int,
    out_col: int,
    filter_index: int = 0,
) -> WeightedSum:
    """The weighted sum that makes output pixel (``out_row``, ``out_col``) of filter ``filter_index``."""
    image = _as_image(image)
    kernels = _as_kernels(kernels, image.shape[2])
    bias = _as_bias(bias, kernels.shape[0])
    in_h, in_w = image.shape[:2]
    k_h, k_w = kernels.shape[1:3]
    out_h, out_w = output_size(in_h, in_w, k_h, k_w, settings)
    if not (0 <= out_row < out_h and 0 <= out_col < out_w):
        raise IndexError(f"output pixel ({out_row}, {out_col}) is outside the {out_h}×{out_w} output")
    if not 0 <= filter_index < kernels.shape[0]:
        raise IndexError(f"filter {filter_index} does not exist; there are {kernels.shape[0]}")
    top, bottom, left, right = padding_amounts(in_h, in_w, k_h, k_w, settings)
    padded = pad_image(image, (top, bottom, left, right), settings.padding)
    padded_rows = out_row * settings.stride[0] + settings.dilation[0] * np.arange(k_h)
    padded_cols = out_col * settings.stride[1] + settings.dilation[1] * np.arange(k_w)
    inputs = padded[np.ix_(padded_rows, padded_cols)].astype(np.float32)
    weights = kernels[filter_index].copy()
    products = inputs * weights
    b = float(bias[filter_index])
    total = float(products.sum(dtype=np.float64)) + b
    return WeightedSum(
        out_row=out_row,
        out_col=out_col,
        filter_index=filter_index,
        rows=padded_rows - top,
        cols=padded_cols - left,
        inputs=inputs,
        weights=weights,
        products=products,
        bias=b,
        total=total,
        output=max(total, 0.0) if settings.relu else total,
    )
