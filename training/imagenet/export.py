"""Export a photo model (ImageNet classifier or feature extractor) to a contract ONNX file.

The same steps as :func:`training.export.export_onnx` (named outputs, metadata, parity check
against Keras, written under a temporary name, opened with the app's ``OnnxModel``), extended by
what photo models need: the ``wnids`` metadata key, the ``features`` output, and a parity check on
probabilities as well as on the raw outputs. A 1000-way classifier's logits pass through ~4.7M
float32 weights, so onnxruntime and Keras (which add in different orders) may differ a little
more on logits than on probabilities; both bounds are explicit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.contract import CAM_OUTPUTS, INPUT_NAME, LOGITS, TASKS, report_path
from desktop.core.photos import META_WNIDS
from training.errors import ExportError
from training.export import CAM_CHECK_IMAGES, check_cam_outputs, export_graph, model_metadata, staged_onnx, write_onnx
from training.report import write_json_atomic

from .report import softmax

FEATURES = "features"


@dataclass(frozen=True)
class PhotoExport:
    path: Path
    max_output_difference: float  # |onnxruntime - Keras| on the raw output (logits or features)
    max_probability_difference: float | None  # the same after softmax, for classifiers


def export_photo_model(
    model,
    path: str | Path,
    *,
    task: str,
    class_names: Sequence[str],
    title: str,
    trained_on: str,
    check_images: np.ndarray,
    wnids: Sequence[str] | None = None,
    metrics: dict[str, Any] | None = None,
    tolerance: float = 1e-4,
    probability_tolerance: float = 1e-4,
    report: dict[str, Any] | None = None,
    cam: bool = True,
) -> PhotoExport:
    """Write ``model`` (input RGB 0..255 ``[N, H, W, 3]``) to ``path`` and check it with onnxruntime.

    ``task`` is ``imagenet`` (or ``custom``) for a classifier with logits output, ``features``
    for a feature extractor (output ``features`` ``[N, dims]``, ``class_names`` may be empty).
    Refused with :class:`ExportError`, leaving no file, when any output differs from Keras by more
    than ``tolerance`` or any probability by more than ``probability_tolerance``. A classifier with
    a global-average-pooling + dense head (EfficientNet, most ``keras.applications`` bases) also
    gets the contract's CAM outputs, checked against TensorFlow's gradients, unless ``cam`` is False.
    """
    path = Path(path)
    output_kind = FEATURES if task == FEATURES else LOGITS
    images = _checked_request(model, task, output_kind, class_names, wnids, check_images)
    graph = export_graph(model, output_kind, ())
    expected = np.asarray(graph.predict(images, batch_size=len(images), verbose=0)[output_kind])
    metadata = model_metadata(class_names=class_names, task=task, output_kind=output_kind, title=title,
                              trained_on=trained_on, metrics=metrics or {})
    if wnids is not None:
        metadata[META_WNIDS] = json.dumps(list(wnids))

    with staged_onnx(path) as tmp:
        cam_kind = write_onnx(graph, tmp, metadata, final=path, cam=cam and output_kind == LOGITS)
        actual = _run_onnx(tmp, images, output_kind)
        difference = float(np.max(np.abs(actual - expected)))
        probability_difference = None
        if output_kind == LOGITS:
            probability_difference = float(np.max(np.abs(softmax(actual) - softmax(expected))))
        if not difference <= tolerance or not (probability_difference or 0.0) <= probability_tolerance:
            raise ExportError(
                f"{path}: not written, onnxruntime differs from Keras by {difference:.3g} on {output_kind} "
                f"(tolerance {tolerance:g}) and {probability_difference} on probabilities "
                f"(tolerance {probability_tolerance:g}), {len(images)} check images"
            )
        if cam_kind:
            check_cam_outputs(model, tmp, images[:CAM_CHECK_IMAGES], final=path, tolerance=tolerance)
    if report is not None:
        write_json_atomic(report_path(path), {**report, "size_bytes": path.stat().st_size})
    return PhotoExport(path, difference, probability_difference)


def _checked_request(model, task: str, output_kind: str, class_names: Sequence[str], wnids: Sequence[str] | None,
                     check_images: np.ndarray) -> np.ndarray:
    """Refuse what cannot become a contract photo model; return the check images as float32."""
    if task not in TASKS:
        raise ExportError(f"task must be one of {', '.join(TASKS)}, not {task!r}")
    width = model.outputs[0].shape[-1]
    if output_kind == LOGITS and width != len(class_names):
        raise ExportError(f"model {model.name!r} outputs {width} classes but {len(class_names)} class names were given")
    if wnids is not None and len(wnids) != len(class_names):
        raise ExportError(f"{len(wnids)} WordNet ids for {len(class_names)} classes")
    images = np.asarray(check_images, dtype=np.float32)
    if images.ndim != 4 or tuple(images.shape[1:]) != tuple(model.inputs[0].shape[1:]):
        raise ExportError(f"check images of shape {list(images.shape)} do not fit the model input {model.inputs[0].shape}")
    return images


def _run_onnx(path: Path, images: np.ndarray, output: str) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs() if o.name not in CAM_OUTPUTS]
    if names != [output]:
        raise ExportError(f"the ONNX outputs {names} differ from the expected [{output!r}]")
    return session.run([output], {INPUT_NAME: images})[0]
