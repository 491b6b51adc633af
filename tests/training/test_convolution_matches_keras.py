"""The Kernels panel's convolution and pooling give what Keras layers give with the same weights."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from desktop.core.convolution import ConvSettings, conv2d, output_size, pool2d  # noqa: E402

# (image h, w, channels, filters, kernel (h, w), padding, strides, dilation, relu).
# Keras/TensorFlow refuses strides > 1 together with dilation > 1, so those are tested apart.
CONV_CASES = [
    (5, 5, 1, 1, (3, 3), "valid", (1, 1), (1, 1), False),
    (9, 7, 3, 4, (3, 3), "same", (1, 1), (1, 1), True),
    (9, 7, 3, 2, (2, 4), "same", (1, 1), (1, 1), False),  # even kernel: TF pads the extra pixel bottom/right
    (12, 11, 2, 3, (5, 3), "same", (2, 3), (1, 1), True),
    (12, 11, 2, 3, (5, 3), "valid", (3, 2), (1, 1), False),
    (10, 13, 3, 2, (4, 4), "same", (2, 2), (1, 1), False),
    (14, 12, 1, 5, (3, 3), "valid", (1, 1), (2, 3), True),
    (14, 12, 3, 2, (3, 2), "same", (1, 1), (3, 2), False),
    (16, 16, 4, 6, (7, 7), "same", (1, 1), (1, 1), True),
    (8, 9, 3, 1, (1, 1), "valid", (2, 1), (1, 1), False),  # 1x1 convolution reducing channels
]


@pytest.mark.parametrize("h, w, channels, filters, kernel, padding, strides, dilation, relu", CONV_CASES)
def test_conv2d_equals_keras_conv2d(h, w, channels, filters, kernel, padding, strides, dilation, relu):
    rng = np.random.default_rng(h * 100 + w)
    image = rng.normal(0, 1, (h, w, channels)).astype(np.float32)
    layer = keras.layers.Conv2D(
        filters, kernel, strides=strides, padding=padding, dilation_rate=dilation, activation="relu" if relu else None
    )
    layer.build((1, h, w, channels))
    kernel_hwio = rng.normal(0, 1, (*kernel, channels, filters)).astype(np.float32)
    bias = rng.normal(0, 1, filters).astype(np.float32)
    layer.set_weights([kernel_hwio, bias])
    expected = keras.ops.convert_to_numpy(layer(image[None]))[0]

    settings = ConvSettings(padding="valid" if padding == "valid" else "zero", stride=strides, dilation=dilation, relu=relu)
    ours = conv2d(image, np.transpose(kernel_hwio, (3, 0, 1, 2)), bias, settings)
    assert ours.shape == expected.shape
    assert output_size(h, w, *kernel, settings) == expected.shape[:2]
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "h, w, size, strides",
    [(4, 4, (2, 2), (2, 2)), (9, 7, (3, 2), (2, 3)), (10, 10, (3, 3), (1, 1)), (11, 6, (2, 4), (3, 1))],
)
@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool2d_equals_keras_pooling(h, w, size, strides, mode):
    x = np.random.default_rng(h * w).normal(0, 5, (h, w, 3)).astype(np.float32)
    layer_class = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    expected = keras.ops.convert_to_numpy(layer_class(pool_size=size, strides=strides, padding="valid")(x[None]))[0]
    ours = pool2d(x, size, strides, mode)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
