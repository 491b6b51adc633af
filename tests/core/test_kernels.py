"""Kernel presets and the helpers that turn them into filter banks."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.core.convolution import ConvSettings, ConvSettingsError, conv2d
from desktop.core.kernels import PRESETS, Kernel, expand_to_channels, per_channel_filters, stack_filters

EXPECTED_PRESETS = {
    "identity", "box_blur", "gaussian_blur", "sharpen", "outline", "sobel_x", "sobel_y", "emboss", "detect_yellow",
}
SAME = ConvSettings(padding="replicate")


def ramp(height=8, width=10) -> np.ndarray:
    """Brightness rising to the right: 10·column."""
    return np.tile(np.arange(width, dtype=np.float32) * 10, (height, 1))


def test_every_preset_is_there_with_float32_weights():
    assert set(PRESETS) == EXPECTED_PRESETS
    for name, kernel in PRESETS.items():
        assert kernel.name == name and kernel.title and kernel.description
        assert kernel.weights.dtype == np.float32 and kernel.weights.ndim == 3


@pytest.mark.parametrize("name", ["identity", "box_blur", "gaussian_blur", "sharpen"])
def test_brightness_preserving_presets_keep_a_flat_image(name):
    flat = np.full((6, 6, 1), 77, np.float32)
    weights, bias = stack_filters([PRESETS[name]])
    np.testing.assert_allclose(conv2d(flat, weights, bias, SAME), flat, rtol=1e-6)


@pytest.mark.parametrize("name", ["outline", "sobel_x", "sobel_y"])
def test_edge_presets_are_zero_on_a_flat_image(name):
    weights, bias = stack_filters([PRESETS[name]])
    assert not conv2d(np.full((6, 6, 1), 77, np.float32), weights, bias, SAME).any()


def test_sobel_x_sees_vertical_edges_and_sobel_y_does_not():
    image = ramp()[:, :, None]
    weights, bias = stack_filters([PRESETS["sobel_x"], PRESETS["sobel_y"]])
    out = conv2d(image, weights, bias)  # valid: away from the border
    np.testing.assert_allclose(out[:, :, 0], 80.0)  # (1 + 2 + 1) · (10 − (−10))
    assert not out[:, :, 1].any()


def test_identity_returns_the_image():
    image = np.random.default_rng(1).uniform(0, 255, (7, 9, 1)).astype(np.float32)
    weights, bias = stack_filters([PRESETS["identity"]])
    np.testing.assert_array_equal(conv2d(image, weights, bias, ConvSettings(padding="zero")), image)


def test_detect_yellow_is_largest_on_yellow():
    colours = np.array([[[255, 255, 0], [255, 255, 255], [0, 0, 255], [255, 0, 0]]], np.float32)
    kernel = PRESETS["detect_yellow"]
    assert kernel.weights.shape == (1, 1, 3)
    out = conv2d(colours, *stack_filters([kernel]), settings=ConvSettings(relu=True))[0, :, 0]
    np.testing.assert_array_equal(out, [510, 255, 0, 255])


def test_expand_to_channels_averages_the_channels():
    rgb = np.random.default_rng(2).uniform(0, 255, (6, 6, 3)).astype(np.float32)
    blur = PRESETS["box_blur"].weights[:, :, 0]
    expanded = expand_to_channels(blur, 3)
    assert expanded.shape == (3, 3, 3)
    on_rgb = conv2d(rgb, expanded[None])
    on_grey = conv2d(rgb.mean(axis=2), blur)
    np.testing.assert_allclose(on_rgb, on_grey, rtol=1e-5)
    assert PRESETS["sharpen"].for_channels(3).weights.shape == (3, 3, 3)
    assert PRESETS["detect_yellow"].for_channels(3) is PRESETS["detect_yellow"]
    with pytest.raises(ConvSettingsError, match="Detect yellow.*3 channels.*cannot run on 1"):
        PRESETS["detect_yellow"].for_channels(1)


def test_per_channel_filters_keep_colour():
    rgb = np.random.default_rng(3).uniform(0, 255, (6, 6, 3)).astype(np.float32)
    identity = PRESETS["identity"].weights[:, :, 0]
    out = conv2d(rgb, per_channel_filters(identity, 3), settings=ConvSettings(padding="zero"))
    np.testing.assert_array_equal(out, rgb)


def test_stack_filters_makes_one_output_channel_per_kernel():
    kernels = [PRESETS["sobel_x"], PRESETS["sobel_y"], Kernel("b", "Biased", np.ones((3, 3)), bias=2.5)]
    weights, bias = stack_filters(kernels)
    assert weights.shape == (3, 3, 3, 1) and bias.tolist() == [0, 0, 2.5]
    assert conv2d(ramp()[:, :, None], weights, bias).shape == (6, 8, 3)
    with pytest.raises(ConvSettingsError, match="share size and channels"):
        stack_filters([PRESETS["sobel_x"], PRESETS["detect_yellow"]])
    with pytest.raises(ConvSettingsError, match="no kernels"):
        stack_filters([])
