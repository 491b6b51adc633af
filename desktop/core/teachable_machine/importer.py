"""Import a Teachable Machine export: read, convert, check onnxruntime against a reference, write.

Nothing is written unless onnxruntime agrees with the reference (by default the float64 numpy
pass of the same layers; the training package passes tf_keras for ``.h5`` files) within the
tolerance on a few deterministic images. The ONNX file and its sidecar report are written
atomically, so a failed or interrupted import leaves the old files (or none) in place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

import desktop
from desktop.core.atomic import atomic_path, write_json_atomic
from desktop.core.contract import (
    META_CLASS_NAMES,
    META_CREATED_BY,
    META_METRICS,
    META_OUTPUT,
    META_TASK,
    META_TITLE,
    META_TRAINED_ON,
    PROBABILITIES,
    report_path,
)
from desktop.core.teachable_machine import reference as numpy_reference
from desktop.core.teachable_machine.errors import TeachableImportError
from desktop.core.teachable_machine.export_files import KerasExport, label_list, read_export
from desktop.core.teachable_machine.layer_graph import LayerGraph, build_graph
from desktop.core.teachable_machine.onnx_writer import to_onnx

DEFAULT_TOLERANCE = 1e-4
#: ``progress(done, total)`` after each of the steps: read, convert, reference, check, report.
Progress = Callable[[int, int], None]
#: A reference model: RGB 0..255 ``[N, H, W, 3]`` float32 -> probabilities ``[N, classes]``.
Reference = Callable[[np.ndarray], np.ndarray]
STEPS = 5


@dataclass(frozen=True)
class ImportResult:
    path: Path
    class_names: list[str]
    max_difference: float  # max |onnxruntime - reference| over the check images' probabilities
    reference: str = "numpy float64"  # what onnxruntime was compared with
    title: str = ""


def check_images(height: int, width: int) -> np.ndarray:
    """Four deterministic RGB 0..255 images: noise, a colour gradient, soft blobs and a bright photo-like frame."""
    rng = np.random.default_rng(2024)
    rows = np.linspace(0.0, 1.0, height)[:, None]
    cols = np.linspace(0.0, 1.0, width)[None, :]
    gradient = np.stack([255 * rows * np.ones_like(cols), 255 * cols * np.ones_like(rows),
                         255 * (1 - rows * cols)], axis=-1)
    blobs = np.stack([127.5 + 127.5 * np.sin(6.3 * (k + 1) * rows + 3.1 * k * cols) * np.cos(4.7 * cols)
                      for k in range(3)], axis=-1)
    bright = np.clip(200 + rng.normal(0, 40, (height, width, 3)), 0, 255)
    noise = rng.uniform(0, 255, (height, width, 3))
    return np.stack([noise, gradient, blobs, bright]).astype(np.float32)


def default_title(class_names: Sequence[str]) -> str:
    return f"Teachable Machine: {', '.join(class_names)}"


def import_teachable(path: str | Path, out: str | Path, *, labels: Sequence[str] | str | Path | None = None,
                     title: str | None = None, tolerance: float = DEFAULT_TOLERANCE,
                     progress: Progress | None = None) -> ImportResult:
    """Convert the TF.js export at ``path`` (``model.json``, its folder or a zip) to the ONNX file ``out``.

    ``labels`` overrides the export's class names: a list of names, or a ``labels.txt`` /
    ``metadata.json`` path. Raises :class:`TeachableImportError`; then nothing is written.
    """
    export = read_export(path)
    if progress is not None:
        progress(1, STEPS)
    if labels is not None:
        export.class_names = label_list(labels)
    return import_export(export, out, title=title, tolerance=tolerance, progress=progress, first_step=1)


def import_export(export: KerasExport, out: str | Path, *, title: str | None = None,
                  tolerance: float = DEFAULT_TOLERANCE, progress: Progress | None = None,
                  reference: Reference | None = None, reference_name: str = "numpy float64",
                  first_step: int = 1) -> ImportResult:
    """Convert an already read export, check it against ``reference`` (default: float64 numpy), write it.

    ``first_step`` is how many progress steps the caller already reported (reading is step 1).
    """
    out = Path(out)
    where = str(export.source)
    if not export.class_names:
        raise TeachableImportError(f"{where}: no class names (no metadata.json labels or labels.txt); give the labels")
    graph = build_graph(export.topology, export.weights, where)
    classes = graph.output_shape[0]
    if classes != len(export.class_names):
        raise TeachableImportError(f"{where}: {len(export.class_names)} class names "
                                   f"({', '.join(export.class_names[:5])}) but the model outputs {classes} classes")
    title = title or default_title(export.class_names)
    model = to_onnx(graph, contract_metadata(export, title))
    step = _stepper(progress, first_step)
    step()

    images = check_images(*graph.input_shape[:2])
    expected = np.asarray(reference(images) if reference is not None else numpy_reference.forward(graph, images),
                          np.float64)
    if expected.shape != (len(images), classes):
        raise TeachableImportError(f"{where}: the {reference_name} reference gives shape {list(expected.shape)}, "
                                   f"expected {[len(images), classes]}")
    if not np.all(np.isfinite(expected)) or expected.min() < -1e-6 or \
            not np.allclose(expected.sum(axis=1), 1.0, atol=1e-3):
        raise TeachableImportError(f"{where}: the model's outputs are not probabilities (it should end in a softmax)")
    step()

    import onnx

    from desktop.core.onnx_model import ModelContractError, OnnxModel

    try:
        with atomic_path(out) as temp:
            onnx.save(model, str(temp))
            try:
                actual = OnnxModel(temp).predict_proba(images)
            except ModelContractError as exc:
                raise TeachableImportError(f"{out}: not written, the converted model breaks the contract "
                                           f"({exc.reason})") from None
            difference = float(np.max(np.abs(actual.astype(np.float64) - expected)))
            if not difference <= tolerance:
                raise TeachableImportError(f"{out}: not written, onnxruntime differs from the {reference_name} "
                                           f"reference by {difference:.3g} (tolerance {tolerance:g})")
            step()
        write_json_atomic(report_path(out), import_report(export, graph, title, out.stat().st_size, difference,
                                                          reference_name))
    except OSError as exc:  # a folder the user cannot write to, a full disk
        raise TeachableImportError(f"{out}: cannot write ({exc.strerror or exc})") from None
    step()
    return ImportResult(out, list(export.class_names), difference, reference_name, title)


def _stepper(progress: Progress | None, done: int) -> Callable[[], None]:
    count = [done]

    def step() -> None:
        count[0] += 1
        if progress is not None:
            progress(min(count[0], STEPS), STEPS)

    return step


def trained_on(export: KerasExport) -> str:
    stamp = export.metadata.get("timeStamp") if isinstance(export.metadata, dict) else None
    kind = "Keras" if export.format == "keras-h5" else "TensorFlow.js"
    when = f" ({str(stamp)[:10]})" if isinstance(stamp, str) and stamp else ""
    return f"images taught in Teachable Machine{when}, {kind} export {export.source.name}"


def contract_metadata(export: KerasExport, title: str) -> dict[str, str]:
    return {
        META_CLASS_NAMES: json.dumps(list(export.class_names or []), ensure_ascii=False),
        META_TASK: "custom",
        META_OUTPUT: PROBABILITIES,
        META_TITLE: title,
        META_TRAINED_ON: trained_on(export),
        META_METRICS: "{}",
        META_CREATED_BY: f"cnn-classroom {desktop.__version__}",
        "source_format": f"teachable-machine {export.format}",
    }


def import_report(export: KerasExport, graph: LayerGraph, title: str, size_bytes: int, difference: float,
                  reference_name: str) -> dict:
    """The contract's sidecar report: the layer table; no history or metrics (none were measured here)."""
    return {
        "schema": 1,
        "model": {"name": graph.name, "title": title, "output": PROBABILITIES},
        "class_names": list(export.class_names or []),
        "layers": [{"name": row.name, "type": row.type, "output_shape": [None, *row.output_shape],
                    "params": row.params} for row in graph.layers],
        "total_params": int(sum(row.params for row in graph.layers)),
        "size_bytes": int(size_bytes),
        "history": {},
        "best_epoch": None,
        "early_stopping": None,
        "metrics": {},
        "detail_split": None,
        "confusion_matrix": None,
        "per_class_accuracy": {},
        "failed_predictions": [],
        "failed_total": 0,
        "confidence": None,
        "trained_on": trained_on(export),
        "created_by": f"cnn-classroom {desktop.__version__}",
        "checks": {"reference": reference_name, "max_probability_difference": difference},
    }
