"""conv2d, pooling and the output-size arithmetic against independent references.

The convolution reference pads with ``numpy.pad`` in the same mode (amounts worked out here from
TensorFlow's "same" rule), correlates each channel with ``scipy.signal.correlate2d`` in ``valid``
mode using a kernel with the dilation holes written in, sums the channels and keeps every
stride-th row and column.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.convolution import (
    COURSE_IMAGE,
    COURSE_KERNEL,
    COURSE_POOL_INPUT,
    PADDINGS,
    ConvSettings,
    ConvSettingsError,
    conv2d,
    output_size,
    output_size_formula,
    padding_amounts,
    padding_note,
    pool2d,
    pool_output_size,
    weighted_sum_at,
)

signal = pytest.importorskip("scipy.signal")

NUMPY_MODE = {"zero": "constant", "replicate": "edge", "reflect": "reflect"}


def tf_same_padding(size: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    span = dilation * (k - 1) + 1
    total = max((math.ceil(size / stride) - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def dilate(kernel2d: np.ndarray, dilation: tuple[int, int]) -> np.ndarray:
    kh, kw = kernel2d.shape
    holes = np.zeros((dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1))
    holes[:: dilation[0], :: dilation[1]] = kernel2d
    return holes


def reference_conv(image, kernels, bias, s: ConvSettings) -> np.ndarray | None:
    """float64 reference, or None where the combination has no output."""
    h, w, channels = image.shape
    filters, kh, kw, _ = kernels.shape
    if s.padding == "valid":
        pads = ((0, 0), (0, 0))
    else:
        pads = (tf_same_padding(h, kh, s.stride[0], s.dilation[0]), tf_same_padding(w, kw, s.stride[1], s.dilation[1]))
    if s.padding == "reflect" and (max(pads[0]) > h - 1 or max(pads[1]) > w - 1):
        return None
    spans = (s.dilation[0] * (kh - 1) + 1, s.dilation[1] * (kw - 1) + 1)
    if spans[0] > h + sum(pads[0]) or spans[1] > w + sum(pads[1]):
        return None
    if s.padding == "valid":
        padded = image.astype(np.float64)
    else:
        padded = np.pad(image.astype(np.float64), (*pads, (0, 0)), mode=NUMPY_MODE[s.padding])
    outputs = []
    for f in range(filters):
        total = sum(
            signal.correlate2d(padded[:, :, c], dilate(kernels[f, :, :, c].astype(np.float64), s.dilation), mode="valid")
            for c in range(channels)
        )
        outputs.append(total[:: s.stride[0], :: s.stride[1]] + bias[f])
    out = np.stack(outputs, axis=-1)
    return np.maximum(out, 0) if s.relu else out


@st.composite
def problems(draw, strided=True):
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    channels, filters = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    s = ConvSettings(
        padding=draw(st.sampled_from(PADDINGS)),
        stride=(draw(st.integers(1, 3)), draw(st.integers(1, 3))) if strided else (1, 1),
        dilation=(draw(st.integers(1, 3)), draw(st.integers(1, 3))) if strided else (1, 1),
        relu=draw(st.booleans()),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    image = rng.normal(0, 2, (h, w, channels)).astype(np.float32)
    kernels = rng.normal(0, 1, (filters, kh, kw, channels)).astype(np.float32)
    # The fast path has shortcuts for the panel's common banks: the same grid on every channel,
    # and one grid per channel (a colour filter); draw those too, not only random weights.
    structure = draw(st.sampled_from(["random", "same grid on every channel", "one filter per channel"]))
    if structure == "same grid on every channel":
        kernels[:] = kernels[:, :, :, :1]
    elif structure == "one filter per channel":
        grid = kernels[0, :, :, 0].copy()
        kernels = np.zeros((channels, kh, kw, channels), np.float32)
        for c in range(channels):
            kernels[c, :, :, c] = grid
        filters = channels
    bias = rng.normal(0, 1, filters).astype(np.float32)
    return image, kernels, bias, s


def check_against_reference(image, kernels, bias, s):
    expected = reference_conv(image, kernels, bias, s)
    if expected is None:
        with pytest.raises(ConvSettingsError):
            conv2d(image, kernels, bias, s)
        return
    got = conv2d(image, kernels, bias, s)
    assert got.dtype == np.float32
    assert got.shape == expected.shape
    assert output_size(image.shape[0], image.shape[1], kernels.shape[1], kernels.shape[2], s) == expected.shape[:2]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


@settings(max_examples=400, deadline=None)
@given(problems())
def test_conv2d_matches_scipy_for_every_padding_stride_and_dilation(problem):
    check_against_reference(*problem)


@settings(max_examples=200, deadline=None)
@given(problems(strided=False))
def test_stride_one_path_matches_scipy(problem):
    check_against_reference(*problem)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_formula_and_padding_agree_with_output_size(problem):
    image, kernels, _, s = problem
    h, w = image.shape[:2]
    kh, kw = kernels.shape[1:3]
    try:
        out = output_size(h, w, kh, kw, s)
    except ConvSettingsError:
        return
    top, bottom, left, right = padding_amounts(h, w, kh, kw, s)
    if s.padding != "valid":
        assert (top, bottom) == tf_same_padding(h, kh, s.stride[0], s.dilation[0])
        assert (left, right) == tf_same_padding(w, kw, s.stride[1], s.dilation[1])
        assert out == (math.ceil(h / s.stride[0]), math.ceil(w / s.stride[1]))
    rows = output_size_formula(h, kh, top + bottom, s.stride[0], s.dilation[0])
    cols = output_size_formula(w, kw, left + right, s.stride[1], s.dilation[1])
    assert rows.endswith(f"= {out[0]}") and cols.endswith(f"= {out[1]}")


@settings(max_examples=300, deadline=None)
@given(problems(), st.data())
def test_weighted_sum_reproduces_the_output_pixel(problem, data):
    image, kernels, bias, s = problem
    try:
        out = conv2d(image, kernels, bias, s)
    except ConvSettingsError:
        return
    row = data.draw(st.integers(0, out.shape[0] - 1))
    col = data.draw(st.integers(0, out.shape[1] - 1))
    f = data.draw(st.integers(0, out.shape[2] - 1))
    ws = weighted_sum_at(image, kernels, bias, s, row, col, f)
    assert ws.output == pytest.approx(float(out[row, col, f]), abs=1e-4)
    assert ws.total == pytest.approx(float(ws.products.sum() + bias[f]), abs=1e-4)
    np.testing.assert_array_equal(ws.weights, kernels[f])
    np.testing.assert_allclose(ws.products, ws.inputs * ws.weights)
    # Footprint coordinates: real pixels where inside the image, zeros in zero padding.
    for i, r in enumerate(ws.rows):
        for j, c in enumerate(ws.cols):
            if 0 <= r < image.shape[0] and 0 <= c < image.shape[1]:
                np.testing.assert_array_equal(ws.inputs[i, j], image[r, c])
            else:
                assert s.padding != "valid"
                if s.padding == "zero":
                    assert not ws.inputs[i, j].any()
    assert np.all(np.diff(ws.rows) == s.dilation[0]) and np.all(np.diff(ws.cols) == s.dilation[1])


def test_course_example_valid_stride_one():
    out = conv2d(COURSE_IMAGE, COURSE_KERNEL)[:, :, 0]
    assert out[0, 0] == 4
    np.testing.assert_array_equal(out, [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    first = weighted_sum_at(COURSE_IMAGE, COURSE_KERNEL, None, ConvSettings(), 0, 0)
    assert first.total == 4 and first.products.sum() == 4
    assert output_size_formula(5, 3, 0, 1, 1) == "⌊(5 + 0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 3"


def test_course_pooling_example():
    np.testing.assert_array_equal(pool2d(COURSE_POOL_INPUT, (2, 2), (2, 2), "average")[:, :, 0], [[3, 6], [-2, 5]])
    np.testing.assert_array_equal(pool2d(COURSE_POOL_INPUT, (2, 2), (2, 2), "max")[:, :, 0], [[6, 20], [4, 9]])
    np.testing.assert_array_equal(pool2d(COURSE_POOL_INPUT)[:, :, 0], [[6, 20], [4, 9]])  # stride defaults to size


def reference_pool(x, size, stride, mode):
    oh, ow = (x.shape[0] - size[0]) // stride[0] + 1, (x.shape[1] - size[1]) // stride[1] + 1
    out = np.empty((oh, ow, x.shape[2]))
    for r in range(oh):
        for c in range(ow):
            window = x[r * stride[0] : r * stride[0] + size[0], c * stride[1] : c * stride[1] + size[1]]
            out[r, c] = window.max(axis=(0, 1)) if mode == "max" else window.mean(axis=(0, 1))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 10), st.integers(1, 10), st.integers(1, 3),
    st.tuples(st.integers(1, 4), st.integers(1, 4)), st.tuples(st.integers(1, 4), st.integers(1, 4)),
    st.sampled_from(["max", "average"]), st.integers(0, 2**32 - 1),
)
def test_pooling_matches_a_loop(h, w, channels, size, stride, mode, seed):
    x = np.random.default_rng(seed).normal(0, 3, (h, w, channels)).astype(np.float32)
    if size[0] > h or size[1] > w:
        with pytest.raises(ConvSettingsError, match="larger than the input"):
            pool2d(x, size, stride, mode)
        return
    got = pool2d(x, size, stride, mode)
    expected = reference_pool(x.astype(np.float64), size, stride, mode)
    assert got.shape == expected.shape == (*pool_output_size(h, w, size, stride), channels)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "shape, kernel, settings_, message",
    [
        ((5, 5), (3, 3), ConvSettings(stride=(0, 1)), "row stride must be a whole number of at least 1, not 0"),
        ((5, 5), (3, 3), ConvSettings(dilation=(1, 0)), "column dilation must be"),
        ((5, 5), (3, 3), ConvSettings(padding="circular"), "unknown padding 'circular'"),
        ((2, 5), (3, 3), ConvSettings(), r"larger than the padded input in rows: 3 > 2"),
        ((5, 5), (3, 3), ConvSettings(dilation=(1, 3)), r"in columns: 7 \(dilation 3 spreads 3 taps over 7\) > 5"),
        ((2, 6), (7, 3), ConvSettings(padding="reflect"), "reflect padding of 3 in rows needs an input of at least 4 rows"),
    ],
)
def test_invalid_combinations_are_named(shape, kernel, settings_, message):
    with pytest.raises(ConvSettingsError, match=message):
        output_size(*shape, *kernel, settings_)
    with pytest.raises(ConvSettingsError, match=message):
        conv2d(np.zeros((*shape, 1)), np.zeros((1, *kernel, 1)), None, settings_)


def test_wide_kernels_are_fine_with_zero_and_replicate_padding():
    # The same 2x6 image and 7x3 kernel that reflect padding refuses: zeros or edge copies can pad any amount.
    for padding in ("zero", "replicate"):
        assert conv2d(np.ones((2, 6, 1)), np.ones((1, 7, 3, 1)), settings=ConvSettings(padding=padding)).shape == (2, 6, 1)


def test_even_kernel_with_same_padding_pads_one_more_at_the_bottom_right():
    s = ConvSettings(padding="zero")
    assert padding_amounts(5, 5, 2, 4, s) == (0, 1, 1, 2)
    assert "extra pixel goes to the bottom/right" in padding_note(5, 5, 2, 4, s)
    image = np.arange(25, dtype=np.float32).reshape(5, 5)
    out = conv2d(image, np.ones((2, 2), np.float32), settings=s)[:, :, 0]
    assert out[0, 0] == 0 + 1 + 5 + 6  # the window starts on the first pixel: nothing padded on top/left
    assert out[4, 4] == 24  # bottom-right: only the last pixel is real


def test_shape_mismatches_are_reported():
    with pytest.raises(ConvSettingsError, match="span 1 channel.*image has 3"):
        conv2d(np.zeros((4, 4, 3)), np.zeros((2, 3, 3, 1)))
    with pytest.raises(ConvSettingsError, match="2 kernel.*need 2 bias value.*not 3"):
        conv2d(np.zeros((4, 4, 1)), np.zeros((2, 3, 3, 1)), bias=np.zeros(3))
    with pytest.raises(IndexError, match="outside the 2×2 output"):
        weighted_sum_at(np.zeros((4, 4)), np.zeros((3, 3)), None, ConvSettings(), 2, 0)


def test_one_by_one_convolution_reduces_channels():
    rgb = np.random.default_rng(0).uniform(0, 255, (6, 8, 3)).astype(np.float32)
    grey = conv2d(rgb, np.full((1, 1, 1, 3), 1 / 3, np.float32))
    assert grey.shape == (6, 8, 1)
    np.testing.assert_allclose(grey[:, :, 0], rgb.mean(axis=2), rtol=1e-5)


def test_relu_clips_negative_outputs_only():
    image = np.array([[1.0, -2.0], [3.0, -4.0]], np.float32)
    plain = conv2d(image, np.ones((1, 1), np.float32), bias=[0.5])[:, :, 0]
    clipped = conv2d(image, np.ones((1, 1), np.float32), bias=[0.5], settings=ConvSettings(relu=True))[:, :, 0]
    np.testing.assert_array_equal(plain, [[1.5, -1.5], [3.5, -3.5]])
    np.testing.assert_array_equal(clipped, [[1.5, 0], [3.5, 0]])
