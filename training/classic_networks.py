"""Classic CNN architectures: LeNet-5, AlexNet, Inception modules and ResNet.

Each family has one generic builder. The historical versions (``training.architecture_gallery``) and the
small 80x60 character versions (``lenet5``, ``alexnet``, ``inception``, ``resnet`` in
``training.models.MODELS``) come from the same code, so the layer table a student reads for the
1998/2012/2014/2015 network is the network they can train.

Character versions take raw grey 0..255 ``[80, 60, 1]`` named ``image`` and output logits; their
first convolutions are called ``conv1``/``conv2`` (or ``c1``/``c3`` in LeNet's own notation) so
they can be exported as ``features_<layer>`` outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, INPUT_NAME

if TYPE_CHECKING:
    import keras

CHAR_SHAPE = (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1)

#: Names shown for each trainable model (course models included, for tables and plots).
TITLES = {
    "logistic": "Logistic regression (course)",
    "cnn": "CNN (course)",
    "lenet5": "LeNet-5 (1998)",
    "alexnet": "AlexNet (2012, scaled down)",
    "inception": "Inception (GoogLeNet-style, 2014)",
    "resnet": "ResNet (2015, small)",
}

#: The first convolutions of each character model: exported as ``features_<layer>``.
FEATURE_LAYERS = {
    "cnn": ("conv1", "conv2"),
    "lenet5": ("c1", "c3"),
    "alexnet": ("conv1", "conv2"),
    "inception": ("conv1", "conv2"),
    "resnet": ("conv1_relu", "conv2_block1_out"),
}


def _start(input_shape, input_name: str, rescale: bool, invert: bool = False):
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape), name=input_name)
    if not rescale:
        return inputs, inputs
    if invert:  # paper 0, ink 1
        return inputs, layers.Rescaling(-1.0 / 255, offset=1.0, name="rescaling")(inputs)
    return inputs, layers.Rescaling(1.0 / 255, name="rescaling")(inputs)


def _head(x, classes: int, softmax: bool):
    from keras import layers

    if softmax:
        return layers.Dense(classes, activation="softmax", name="predictions")(x)
    return layers.Dense(classes, name="logits")(x)


# -- LeNet-5 ------------------------------------------------------------------------------------
def lenet5_network(input_shape, classes: int, *, name: str = "lenet5", input_name: str = "input",
                   rescale: bool = False, softmax: bool = True) -> "keras.Model":
    """LeNet-5 (LeCun et al. 1998) in the paper's layer names.

    C1 6@5x5, S2 2x2 average pooling, C3 16@5x5 (every S2 map feeds every C3 map; the paper used a
    sparse table), S4, C5 120 maps whose kernel covers all of S4 (5x5 on the paper's 32x32 input),
    F6 84, output. tanh everywhere, as the paper's scaled tanh; a softmax/linear output instead
    of the paper's RBF units.
    """
    import keras
    from keras import layers

    inputs, x = _start(input_shape, input_name, rescale)
    x = layers.Conv2D(6, 5, activation="tanh", name="c1")(x)
    x = layers.AveragePooling2D(2, name="s2")(x)
    x = layers.Conv2D(16, 5, activation="tanh", name="c3")(x)
    x = layers.AveragePooling2D(2, name="s4")(x)
    x = layers.Conv2D(120, tuple(x.shape[1:3]), activation="tanh", name="c5")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(84, activation="tanh", name="f6")(x)
    return keras.Model(inputs, _head(x, classes, softmax), name=name)


def lenet5(num_classes: int) -> "keras.Model":
    """LeNet-5 on 80x60: C1 76x56, S2 38x28, C3 34x24, S4 17x12, C5 a 17x12 kernel -> 120."""
    return lenet5_network(CHAR_SHAPE, num_classes, input_name=INPUT_NAME, rescale=True, softmax=False)


# -- AlexNet ------------------------------------------------------------------------------------
def _lrn_layer():
    """Local response normalisation across channels (AlexNet's n=5, k=2, alpha=1e-4, beta=0.75).

    ``b = a / (k + alpha * sum of a^2 over the n nearest channels) ** beta``.

    Keras has no such layer; it has no weights and later networks dropped it, so only the
    historical table uses it.
    """
    import keras
    from keras import ops

    class LocalResponseNormalization(keras.layers.Layer):
        def __init__(self, size=5, k=2.0, alpha=1e-4, beta=0.75, **kwargs):
            super().__init__(**kwargs)
            self.size, self.k, self.alpha, self.beta = size, k, alpha, beta

        def call(self, x):
            half = self.size // 2
            squared = ops.pad(ops.square(x), [[0, 0], [0, 0], [0, 0], [half, half]])
            channels = x.shape[-1]
            window = sum(squared[..., i : i + channels] for i in range(self.size))
            # The paper's formula: alpha multiplies the plain sum of squares (Caffe divides it by size).
            return x / ops.power(self.k + self.alpha * window, self.beta)

    return LocalResponseNormalization


def alexnet_network(input_shape, classes: int, *, widths: Sequence[int] = (96, 256, 384, 384, 256),
                    first_kernel: int = 11, first_stride: int = 4, first_padding: str = "valid",
                    dense: int = 4096, dropout: float = 0.5, lrn: bool = True, name: str = "alexnet",
                    input_name: str = "input", rescale: bool = False, invert: bool = False,
                    kernel_initializer: str = "glorot_uniform", softmax: bool = True) -> "keras.Model":
    """AlexNet (Krizhevsky, Sutskever, Hinton 2012), one tower (the paper split it over two GPUs).

    conv1 large kernel and stride, [LRN], 3x3/2 max pool; conv2 5x5, [LRN], pool; conv3-5 3x3;
    pool; two dense layers with dropout; output. ReLU everywhere.
    """
    import keras
    from keras import layers

    inputs, x = _start(input_shape, input_name, rescale, invert)
    lrn = _lrn_layer() if lrn else None
    init = {"kernel_initializer": kernel_initializer}
    x = layers.Conv2D(widths[0], first_kernel, strides=first_stride, padding=first_padding, activation="relu",
                      name="conv1", **init)(x)
    if lrn:
        x = lrn(name="lrn1")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = layers.Conv2D(widths[1], 5, padding="same", activation="relu", name="conv2", **init)(x)
    if lrn:
        x = lrn(name="lrn2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    for i, width in enumerate(widths[2:], start=3):
        x = layers.Conv2D(width, 3, padding="same", activation="relu", name=f"conv{i}", **init)(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = layers.Flatten(name="flatten")(x)
    for i in (6, 7):
        x = layers.Dense(dense, activation="relu", name=f"fc{i}", **init)(x)
        x = layers.Dropout(dropout, name=f"dropout{i}")(x)
    return keras.Model(inputs, _head(x, classes, softmax), name=name)


def alexnet(num_classes: int) -> "keras.Model":
    """AlexNet at about a quarter of the width: 7x7/2 first kernel (80x60 -> 40x30), dense 512.

    Two changes make this plain seven-layer ReLU stack train with Adam at 1e-3 (with Keras'
    defaults it stays at chance): the input is inverted to paper 0 / ink 1 (AlexNet subtracted
    the mean image, which for characters is nearly white paper) and weights start He-normal.
    """
    return alexnet_network(CHAR_SHAPE, num_classes, widths=(24, 64, 96, 96, 64), first_kernel=7, first_stride=2,
                           first_padding="same", dense=512, lrn=False, input_name=INPUT_NAME, rescale=True,
                           invert=True, kernel_initializer="he_normal", softmax=False)


# -- Inception ----------------------------------------------------------------------------------
def inception_module(x, f1: int, f3_reduce: int, f3: int, f5_reduce: int, f5: int, pool_proj: int, *, name: str):
    """GoogLeNet's Inception module: 1x1, 1x1->3x3, 1x1->5x5 and 3x3 pool->1x1, concatenated."""
    from keras import layers

    def conv(t, filters, size, suffix):
        return layers.Conv2D(filters, size, padding="same", activation="relu", name=f"{name}_{suffix}")(t)

    b1 = conv(x, f1, 1, "1x1")
    b3 = conv(conv(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3")
    b5 = conv(conv(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5")
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    bp = conv(bp, pool_proj, 1, "pool_proj")
    return layers.Concatenate(name=f"{name}_output")([b1, b3, b5, bp])


def inception_3a(input_shape=(28, 28, 192)) -> "keras.Model":
    """GoogLeNet's first Inception module (3a): 28x28x192 -> 28x28x256 (64 + 128 + 32 + 32)."""
    import keras

    inputs = keras.Input(shape=tuple(input_shape), name="input")
    return keras.Model(inputs, inception_module(inputs, 64, 96, 128, 16, 32, 32, name="inception_3a"),
                       name="inception_module")


def inception(num_classes: int) -> "keras.Model":
    """A small GoogLeNet: stem (5x5/2 conv, pool, 1x1 and 3x3 convs), modules 3a, 3b, pool, 4a, global pool."""
    import keras
    from keras import layers

    inputs, x = _start(CHAR_SHAPE, INPUT_NAME, True)
    x = layers.Conv2D(32, 5, strides=2, padding="same", activation="relu", name="conv1")(x)  # 40x30
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)  # 20x15
    x = layers.Conv2D(32, 1, activation="relu", name="conv2_reduce")(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2")(x)
    x = inception_module(x, 32, 24, 32, 8, 16, 16, name="inception_3a")  # 96 channels
    x = inception_module(x, 48, 32, 64, 12, 24, 24, name="inception_3b")  # 160 channels
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool3")(x)  # 10x8
    x = inception_module(x, 64, 48, 96, 16, 32, 32, name="inception_4a")  # 224 channels
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = layers.Dropout(0.4, name="dropout")(x)
    return keras.Model(inputs, _head(x, num_classes, False), name="inception")


# -- ResNet -------------------------------------------------------------------------------------
def _conv_bn(x, filters: int, size: int, strides: int, name: str, relu: bool = True):
    from keras import layers

    # No bias: batch normalisation's beta does its job (as in the paper and torchvision).
    x = layers.Conv2D(filters, size, strides=strides, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(epsilon=1e-5, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x) if relu else x


def basic_block(x, filters: int, strides: int, *, name: str):
    """Two 3x3 conv-BN layers plus a shortcut: identity, or a 1x1 conv-BN projection when the shape changes."""
    from keras import layers

    y = _conv_bn(x, filters, 3, strides, f"{name}_1")
    y = _conv_bn(y, filters, 3, 1, f"{name}_2", relu=False)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = _conv_bn(x, filters, 1, strides, f"{name}_projection", relu=False)
    else:
        shortcut = x
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)


RESNET34_STAGES = ((64, 3), (128, 4), (256, 6), (512, 3))


def resnet_network(input_shape, classes: int, *, stages: Sequence[tuple[int, int]] = RESNET34_STAGES,
                   stem_filters: int = 64, stem_kernel: int = 7, name: str = "resnet34", input_name: str = "input",
                   rescale: bool = False, softmax: bool = True) -> "keras.Model":
    """ResNet with basic blocks (He et al. 2015): ``stages`` of (filters, blocks); defaults give ResNet-34."""
    import keras
    from keras import layers

    inputs, x = _start(input_shape, input_name, rescale)
    x = _conv_bn(x, stem_filters, stem_kernel, 2, "conv1")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for s, (filters, blocks) in enumerate(stages, start=2):
        for b in range(1, blocks + 1):
            x = basic_block(x, filters, 2 if (b == 1 and s > 2) else 1, name=f"conv{s}_block{b}")
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    return keras.Model(inputs, _head(x, classes, softmax), name=name)


def resnet(num_classes: int) -> "keras.Model":
    """A small ResNet: 5x5/2 stem and pool (80x60 -> 20x15), stages of 32, 64, 128 filters x 2 blocks."""
    return resnet_network(CHAR_SHAPE, num_classes, stages=((32, 2), (64, 2), (128, 2)), stem_filters=32,
                          stem_kernel=5, name="resnet", input_name=INPUT_NAME, rescale=True, softmax=False)
