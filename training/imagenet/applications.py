"""``keras.applications`` bases by name, wrapped to take RGB 0..255 like every photo model.

Each base expects its own preprocessing (``preprocess_input``): MobileNet, MobileNetV2,
InceptionV3 and Xception scale to -1..1, ResNet50 and VGG16 flip to BGR and subtract the
ImageNet mean, DenseNet standardises per channel, MobileNetV3 and EfficientNet do it themselves.
The wrapper puts exactly that in front of the base, so the exported model takes raw 0..255 RGB
and the app never has to know which network it runs. The classifier outputs logits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from training.errors import TrainingError

#: ImageNet channel statistics of the "caffe" (BGR order) and "torch" (RGB, 0..1) preprocessings.
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Base:
    name: str  # command-line name, e.g. mobilenet_v2
    constructor: str  # attribute of keras.applications
    size: int  # input size of the published ImageNet weights
    preprocessing: str  # "tf" (-1..1), "caffe", "torch" or "none" (inside the base)
    title: str


BASES = {
    b.name: b
    for b in (
        Base("mobilenet", "MobileNet", 224, "tf", "MobileNet"),
        Base("mobilenet_v2", "MobileNetV2", 224, "tf", "MobileNetV2"),
        Base("mobilenet_v3_small", "MobileNetV3Small", 224, "none", "MobileNetV3-Small"),
        Base("mobilenet_v3_large", "MobileNetV3Large", 224, "none", "MobileNetV3-Large"),
        Base("inception_v3", "InceptionV3", 299, "tf", "InceptionV3"),
        Base("xception", "Xception", 299, "tf", "Xception"),
        Base("resnet50", "ResNet50", 224, "caffe", "ResNet50"),
        Base("vgg16", "VGG16", 224, "caffe", "VGG16"),
        Base("densenet121", "DenseNet121", 224, "torch", "DenseNet121"),
        Base("efficientnet_b0", "EfficientNetB0", 224, "none", "EfficientNetB0"),
    )
}


def _preprocess(x, mode: str):
    """The base's ``preprocess_input`` as layers, applied to RGB 0..255 ``x``."""
    import keras

    if mode == "tf":
        return keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="preprocess")(x)
    if mode == "torch":
        mean = [255.0 * m for m in _TORCH_MEAN]
        variance = [(255.0 * s) ** 2 for s in _TORCH_STD]
        return keras.layers.Normalization(mean=mean, variance=variance, name="preprocess")(x)
    if mode == "caffe":
        bgr = keras.layers.Lambda(lambda t: keras.ops.flip(t, axis=-1), name="rgb_to_bgr")(x)
        return keras.layers.Normalization(mean=list(_CAFFE_MEAN_BGR), variance=[1.0, 1.0, 1.0], name="preprocess")(bgr)
    return x


def _weights_argument(weights: str | Path | None) -> str | None:
    if weights is None or weights == "imagenet":
        return weights
    path = Path(weights)
    if not path.is_file():
        raise TrainingError(f"{path}: weights file not found (give an .h5/.weights.h5 file or 'imagenet')")
    return str(path)


def application(name: str, *, weights: str | Path | None = None, input_size: int | None = None,
                include_top: bool = True):
    """A ``keras.applications`` base taking RGB 0..255 ``[N, size, size, 3]`` as input ``image``.

    ``weights``: ``None`` (random), ``"imagenet"`` (downloaded by Keras, needs a network) or a
    local weights file. ``input_size`` defaults to the size the ImageNet weights were trained at.
    With ``include_top`` the output is 1000 logits, otherwise average-pooled features.
    """
    import keras

    base = BASES.get(name)
    if base is None:
        raise TrainingError(f"unknown base {name!r} (known: {', '.join(BASES)})")
    size = input_size or base.size
    inputs = keras.Input((size, size, 3), name="image")
    x = _preprocess(inputs, base.preprocessing)
    options = {"include_top": include_top, "weights": _weights_argument(weights), "input_tensor": x}
    if include_top:
        options["classifier_activation"] = None
    else:
        options["pooling"] = "avg"
    try:
        model = getattr(keras.applications, base.constructor)(**options)
    except ValueError as exc:  # e.g. a weights file made for another base or size
        raise TrainingError(f"{base.title}: {exc}") from exc
    except OSError as exc:  # no network for "imagenet", or an unreadable file
        where = "download the ImageNet weights (no network? use --weights FILE)" if weights == "imagenet" else \
            f"read {weights}"
        raise TrainingError(f"{base.title}: could not {where}: {exc}") from exc
    except Exception as exc:
        if weights == "imagenet" and "URL" in str(exc):
            raise TrainingError(f"{base.title}: could not download the ImageNet weights (no network? "
                                f"use --weights FILE): {exc}") from exc
        raise
    return keras.Model(inputs, model.output, name=name if include_top else f"{name}_features")
