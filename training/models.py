"""The course's character models, built by name.

Both take raw grey 0..255 input ``[80, 60, 1]`` named ``image`` (the contract); rescaling is the
first layer, so the exported ONNX file needs no preprocessing outside the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, INPUT_OF_KIND, STROKE_CHANNELS

from . import classic_networks

if TYPE_CHECKING:
    import keras

INPUT_SHAPE = (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1)


def _input(channels: int = 1) -> "keras.KerasTensor":
    """The contract's input: ``image`` [80, 60, 1], or with 9 channels a stroke model's ``strokes``."""
    import keras  # imported when a model is built, so listing models (CLI --help) stays fast

    kind = next((k for k, (_, c) in INPUT_OF_KIND.items() if c == channels), None)
    if kind is None:
        raise ValueError(f"a character model reads 1 (image) or {STROKE_CHANNELS} (strokes) channels, not {channels}")
    return keras.Input(shape=(CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, channels), name=INPUT_OF_KIND[kind][0])


def logistic(num_classes: int) -> "keras.Model":
    """Multinomial logistic regression: "pretend it's not an image" (softmax probabilities)."""
    import keras
    from keras import layers

    x = inputs = _input()
    x = layers.Flatten(name="flatten")(x)
    x = layers.Rescaling(1.0 / 255, name="rescaling")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="logistic")


def cnn(num_classes: int) -> "keras.Model":
    """The course CNN: three conv/pool blocks, Dense(64), logits out."""
    import keras
    from keras import layers

    x = inputs = _input()
    x = layers.Rescaling(1.0 / 255, name="rescaling")(x)
    x = layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(name="pool1")(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(name="pool2")(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.MaxPooling2D(4, name="pool3")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(64, activation="relu", name="dense")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name="cnn")


def _conv_bn(x, filters: int, name: str, kernel: int = 3, relu: bool = True):
    from keras import layers

    x = layers.Conv2D(filters, kernel, padding="same", use_bias=False, name=name)(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x) if relu else x


def _residual_block(x, filters: int, name: str):
    """Two 3x3 conv/BN layers plus a shortcut (a 1x1 conv/BN where the width changes)."""
    from keras import layers

    shortcut = x if x.shape[-1] == filters else _conv_bn(x, filters, f"{name}_shortcut", kernel=1, relu=False)
    y = _conv_bn(x, filters, f"{name}_a")
    y = _conv_bn(y, filters, f"{name}_b", relu=False)
    return layers.ReLU(name=f"{name}_out")(layers.Add(name=f"{name}_add")([shortcut, y]))


def residual_cnn(num_classes: int, channels: int = 1) -> "keras.Model":
    """A compact residual network: a conv stem and three residual stages (32/64/128 filters, each
    after a 2x2 pooling), batch normalisation, global average pooling straight into the logits
    (so its class activation maps are exact), dropout for the head. About 0.3 M parameters.
    """
    return _residual_network(num_classes, stem=24, widths=(32, 64, 128), dropout=0.2, name="residual",
                             channels=channels)


def residual_wide(num_classes: int, channels: int = 1) -> "keras.Model":
    """:func:`residual_cnn` made wider for thousands of classes (stages of 48/96/256 filters), without
    dropout: with 3,755 classes the data, not the head, limits it, and a model without random
    layers continues from a checkpoint exactly as one run would. About 2.0 M parameters at 3,755
    classes, 0.96 M of them in the head.
    """
    return _residual_network(num_classes, stem=32, widths=(48, 96, 256), dropout=0.0, name="residual-wide",
                             channels=channels)


def _residual_network(num_classes: int, *, stem: int, widths: tuple[int, ...], dropout: float,
                      name: str, channels: int = 1) -> "keras.Model":
    import keras
    from keras import layers

    x = inputs = _input(channels)
    x = layers.Rescaling(1.0 / 255, name="rescaling")(x)
    x = _conv_bn(x, stem, "stem")
    for i, filters in enumerate(widths, start=1):
        x = layers.MaxPooling2D(name=f"pool{i}")(x)
        x = _residual_block(x, filters, f"stage{i}")
    x = layers.GlobalAveragePooling2D(name="pooled")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)


#: name -> (builder, output kind). The output kind goes into the ONNX metadata.
MODELS: dict[str, tuple[Callable[[int], "keras.Model"], str]] = {
    "logistic": (logistic, "probabilities"),
    "cnn": (cnn, "logits"),
    "residual": (residual_cnn, "logits"),
    "residual-wide": (residual_wide, "logits"),
    # Classic architectures scaled to the 80x60 characters (training/classic_networks.py).
    "lenet5": (classic_networks.lenet5, "logits"),
    "alexnet": (classic_networks.alexnet, "logits"),
    "inception": (classic_networks.inception, "logits"),
    "resnet": (classic_networks.resnet, "logits"),
}


#: The models that can also read a stroke model's nine channels (``build(..., channels=9)``).
STROKE_MODELS = ("residual", "residual-wide")


def build(name: str, num_classes: int, channels: int = 1) -> "keras.Model":
    """Model ``name`` for ``num_classes`` classes, reading ``channels`` input channels (1: images)."""
    try:
        builder, _ = MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}") from None
    if channels == 1:
        return builder(num_classes)
    if name not in STROKE_MODELS:
        raise ValueError(f"model {name!r} reads images only; stroke input is built for {', '.join(STROKE_MODELS)}")
    return builder(num_classes, channels=channels)


def output_kind(name_or_model) -> str:
    """``logits`` or ``probabilities`` for a model name or a built model."""
    name = name_or_model if isinstance(name_or_model, str) else name_or_model.name
    return MODELS[name][1] if name in MODELS else "logits"


def fold_batch_norm(model: "keras.Model") -> "keras.Model":
    """``model`` with every batch normalisation folded into the convolution before it, then frozen.

    Each ``<name>_bn`` after a bias-free convolution ``<name>`` becomes a shift: its scale
    (gamma / sqrt(variance + epsilon)) multiplies the convolution's kernel, its statistics become 0 and
    1 - epsilon, and the layer no longer trains, so the network computes the same function (up to
    rounding) and a fine-tune changes the weights as the exported file holds them (the ONNX export folds
    batch norm the same way). Changed in place; returned for chaining.
    """
    import numpy as np

    for layer in model.layers:
        conv = _conv_of(model, layer)
        if conv is None:
            continue
        gamma, beta, mean, variance = layer.get_weights()
        scale = gamma / np.sqrt(variance + layer.epsilon)
        conv.set_weights([conv.get_weights()[0] * scale])
        size = len(gamma)
        layer.set_weights([np.ones(size, np.float32), (beta - mean * scale).astype(np.float32),
                           np.zeros(size, np.float32), np.full(size, 1.0 - layer.epsilon, np.float32)])
        layer.trainable = False
    return model


def _conv_of(model: "keras.Model", layer):
    """The bias-free convolution a batch normalisation layer ``<name>_bn`` follows, if it is one."""
    if layer.__class__.__name__ != "BatchNormalization" or not layer.name.endswith("_bn"):
        return None
    try:
        conv = model.get_layer(layer.name[: -len("_bn")])
    except ValueError:
        return None
    foldable = conv.__class__.__name__ == "Conv2D" and not conv.use_bias and layer.center and layer.scale
    return conv if foldable else None
