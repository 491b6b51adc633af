"""Export a Teach model as ONE ONNX file: the feature extractor followed by the trained head.

The head (MatMul + Add + Softmax) is appended to the extractor's graph on its ``features``
output, so the file needs nothing else to run and the Camera panel lists it like any photo
model (task ``custom``, output ``probabilities``). The extractor's last activations before its
global average pooling and the head's weights become the contract's CAM outputs, so "Why?" can
show where a taught model looked. Before the file is moved into place it is run with
onnxruntime and compared with the extractor plus the numpy head.
Qt-free: numpy + onnx + onnxruntime.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np
import onnx
from onnx import helper, numpy_helper

import desktop
from desktop.core.cam_graph import add_cam_outputs
from desktop.core.contract import (
    CAM_FEATURES,
    CAM_WEIGHTS,
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
from desktop.core.teach.head import HeadResult, predict_head
from desktop.core.atomic import atomic_path, write_json_atomic

HEAD_PREFIX = "teach_head_"
#: Largest allowed difference between the merged graph and extractor + numpy head.
PARITY_TOLERANCE = 1e-5
PARITY_IMAGES = 2


class TeachExportError(ValueError):
    """The merged model could not be built or does not match the trained head."""


def merged_model(extractor_path: str | Path, head: HeadResult, class_names: Sequence[str], title: str,
                 trained_on: str | None = None, metrics: dict | None = None) -> onnx.ModelProto:
    """The extractor graph with the head appended and the contract's metadata (not yet saved)."""
    model = onnx.load(str(extractor_path))
    graph = model.graph
    outputs = list(graph.output)
    if len(outputs) != 1:
        raise TeachExportError(f"{Path(extractor_path).name}: expected one features output, found {len(outputs)}")
    features = outputs[0].name
    weights = np.asarray(head.weights, np.float32)
    bias = np.asarray(head.bias, np.float32)
    if weights.shape[1] != len(class_names) or bias.shape != (len(class_names),):
        raise TeachExportError(f"the head has {weights.shape[1]} outputs but {len(class_names)} class names were given")
    dims = outputs[0].type.tensor_type.shape.dim
    if len(dims) == 2 and dims[1].HasField("dim_value") and dims[1].dim_value != weights.shape[0]:
        raise TeachExportError(f"the head expects {weights.shape[0]} features but "
                               f"{Path(extractor_path).name} gives {dims[1].dim_value}")

    graph.initializer.extend([numpy_helper.from_array(weights, HEAD_PREFIX + "weights"),
                              numpy_helper.from_array(bias, HEAD_PREFIX + "bias")])
    graph.node.extend([
        helper.make_node("MatMul", [features, HEAD_PREFIX + "weights"], [HEAD_PREFIX + "matmul"],
                         name=HEAD_PREFIX + "MatMul"),
        helper.make_node("Add", [HEAD_PREFIX + "matmul", HEAD_PREFIX + "bias"], [HEAD_PREFIX + "logits"],
                         name=HEAD_PREFIX + "Add"),
        helper.make_node("Softmax", [HEAD_PREFIX + "logits"], [PROBABILITIES], axis=-1, name=HEAD_PREFIX + "Softmax"),
    ])
    batch_dim = dims[0].dim_param or "N" if dims else "N"
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info(PROBABILITIES, onnx.TensorProto.FLOAT,
                                                      [batch_dim, len(class_names)]))
    graph.name = f"{graph.name}_{HEAD_PREFIX}custom"

    samples = int(len(head.train) + len(head.holdout))
    meta = {
        META_CLASS_NAMES: json.dumps(list(class_names), ensure_ascii=False),
        META_TASK: "custom",
        META_OUTPUT: PROBABILITIES,
        META_TITLE: title,
        META_TRAINED_ON: trained_on or f"{samples} samples taught in the Teach panel on {date.today().isoformat()}",
        META_METRICS: json.dumps(metrics if metrics is not None else head.metrics(), ensure_ascii=False),
        META_CREATED_BY: f"cnn-classroom {desktop.__version__}",
        "base_model": Path(extractor_path).name,
    }
    del model.metadata_props[:]
    helper.set_model_props(model, meta)
    add_cam_outputs(model)  # an extractor without a global-pooling end simply gets none
    onnx.checker.check_model(model)
    return model


def _parity(extractor_path: Path, merged_path: Path, head: HeadResult, seed: int = 0) -> float:
    import onnxruntime as ort

    options = ["CPUExecutionProvider"]
    extractor = ort.InferenceSession(str(extractor_path), providers=options)
    merged = ort.InferenceSession(str(merged_path), providers=options)
    spec = extractor.get_inputs()[0]
    shape = [PARITY_IMAGES, *spec.shape[1:]]
    images = np.random.default_rng(seed).uniform(0, 255, shape).astype(np.float32)
    (features,) = extractor.run(None, {spec.name: images})
    (probabilities,) = merged.run([PROBABILITIES], {merged.get_inputs()[0].name: images})
    difference = float(np.max(np.abs(probabilities - predict_head(head, features))))
    if {CAM_FEATURES, CAM_WEIGHTS} <= {o.name for o in merged.get_outputs()}:
        # CAM of a pooled head: the activations average to the features, the weights are the head's / (h w).
        activations, weights = merged.run([CAM_FEATURES, CAM_WEIGHTS], {merged.get_inputs()[0].name: images})
        positions = activations.shape[1] * activations.shape[2]
        difference = max(difference, float(np.max(np.abs(activations.mean(axis=(1, 2)) - features))),
                         float(np.max(np.abs(weights - head.weights.T / positions))))
    return difference


def export_merged_onnx(extractor_path: str | Path, head: HeadResult, class_names: Sequence[str],
                       path: str | Path, title: str, trained_on: str | None = None,
                       metrics: dict | None = None) -> Path:
    """Write the merged model to ``path`` atomically after checking it against the numpy head."""
    extractor_path, path = Path(extractor_path), Path(path)
    model = merged_model(extractor_path, head, class_names, title, trained_on, metrics)
    with atomic_path(path) as temp:
        onnx.save(model, str(temp))
        difference = _parity(extractor_path, temp, head)
        if not difference <= PARITY_TOLERANCE:
            raise TeachExportError(f"{path.name}: the merged model (or its CAM outputs) differs from the trained "
                                   f"head by {difference:.2e}")
    report = head_report(head, class_names, title, trained_on or "", extractor_path, path.stat().st_size)
    write_json_atomic(report_path(path), report)
    return path


def head_report(head: HeadResult, class_names: Sequence[str], title: str, trained_on: str,
                extractor_path: Path, size_bytes: int) -> dict:
    """The contract's sidecar report for a taught model, so the Results panel can show it.

    The held-out samples play the validation split: curves, metrics, per-class accuracy and the
    confusion matrix all come from them.
    """
    dims, classes = head.weights.shape
    curves = head.curves()
    final = head.history[max(head.history)] if head.history else {}

    def number(value):
        return None if value is None or value != value else float(value)  # NaN is not JSON

    return {
        "schema": 1,
        "model": {"name": "teach", "title": title, "output": PROBABILITIES},
        "class_names": list(class_names),
        "layers": [
            {"name": "features", "type": f"feature extractor ({extractor_path.name})",
             "output_shape": [None, int(dims)], "params": None},
            {"name": "head", "type": "Dense (softmax)", "output_shape": [None, int(classes)],
             "params": int(dims * classes + classes)},
        ],
        "total_params": int(dims * classes + classes),
        "size_bytes": int(size_bytes),
        "history": {k: [number(v) for v in values] for k, values in curves.items()},
        "best_epoch": len(head.history) or None,
        "early_stopping": None,
        "metrics": {
            "train": {"n": int(len(head.train)), "loss": number(final.get("loss")),
                      "accuracy": number(final.get("accuracy"))},
            "validation": {"n": int(len(head.holdout)), "loss": number(final.get("val_loss")),
                           "accuracy": number(final.get("val_accuracy"))},
        },
        "detail_split": "validation",
        "confusion_matrix": np.asarray(head.confusion_matrix).astype(int).tolist(),
        "per_class_accuracy": {name: number(acc) for name, acc in zip(class_names, head.per_class_accuracy)},
        "failed_predictions": [],
        "trained_on": trained_on,
        "created_by": f"cnn-classroom {desktop.__version__}",
    }
