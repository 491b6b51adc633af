"""The sidecar report (``<model>.report.json``) that the app's Results panel draws from.

Every key is described in ``docs/model-contract.md``. The report is plain JSON so a model trained
later, or elsewhere, shows up in the app without code changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from desktop import __version__
from desktop.core import atomic
from training.errors import DataError

SCHEMA = 1
#: The Results panel lists the most confident mistakes; more than this only bloats the file.
MAX_FAILED_PREDICTIONS = 200
METRIC_NAMES = ("n", "loss", "accuracy", "top5")


def layer_table(model) -> list[dict[str, Any]]:
    """One row per layer, like ``model.summary()``: name, type, output shape (None = batch), params."""
    rows = []
    for layer in model.layers:
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError):  # a layer used more than once has no single output
            shape = None
        rows.append(
            {
                "name": layer.name,
                "type": type(layer).__name__,
                "output_shape": None if shape is None else [None if d is None else int(d) for d in shape],
                "params": int(layer.count_params()) if layer.built else 0,
            }
        )
    return rows


def metrics_of(evaluation: dict[str, Any]) -> dict[str, float]:
    """``{"n", "loss", "accuracy", "top5"}`` of one :func:`training.evaluate.evaluate_predictions` result."""
    return {k: evaluation[k] for k in METRIC_NAMES}


def history_section(history_file: dict[str, Any] | None) -> tuple[dict[str, list], int | None, dict[str, Any] | None]:
    """Split a run's ``history.json`` into (per-epoch lists, best epoch, early-stopping facts)."""
    if not history_file:
        return {}, None, None
    per_epoch = {k: [float(v) for v in values] for k, values in history_file.get("history", {}).items()}
    if "epoch_seconds" in history_file:
        per_epoch["epoch_seconds"] = [float(v) for v in history_file["epoch_seconds"]]
    stopping = {k: history_file[k] for k in ("monitor", "patience", "stopped_epoch") if k in history_file}
    return per_epoch, history_file.get("best_epoch"), stopping or None


def build_report(
    model,
    *,
    name: str,
    title: str,
    output_kind: str,
    class_names: list[str],
    trained_on: str,
    history_file: dict[str, Any] | None = None,
    evaluations: dict[str, dict[str, Any]] | None = None,
    detail_split: str = "test",
    size_bytes: int | None = None,
) -> dict[str, Any]:
    """Assemble the report.

    ``evaluations`` maps split names (``train``, ``validation``, ``test``) to
    :func:`~training.evaluate.evaluate_predictions` results; the confusion matrix (for a model
    with many classes: the most confused pairs and the per-class table instead), per-class
    accuracy, failed predictions and confidence come from ``detail_split`` (the test set, as in
    the course). Without evaluations those sections are empty.
    """
    evaluations = evaluations or {}
    per_epoch, best_epoch, stopping = history_section(history_file)
    detail = evaluations.get(detail_split)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "model": {"name": name, "title": title, "output": output_kind},
        "class_names": list(class_names),
        "layers": layer_table(model),
        "total_params": int(model.count_params()),
        "size_bytes": size_bytes,
        "history": per_epoch,
        "best_epoch": best_epoch,
        "early_stopping": stopping,
        "metrics": {split: metrics_of(ev) for split, ev in evaluations.items()},
        "detail_split": detail_split if detail else None,
        "confusion_matrix": detail["confusion_matrix"] if detail else None,
        **{key: detail[key] for key in ("confused_pairs", "class_table") if detail and key in detail},
        "per_class_accuracy": detail["per_class_accuracy"] if detail else {},
        "failed_predictions": detail["failed_predictions"][:MAX_FAILED_PREDICTIONS] if detail else [],
        "failed_total": len(detail["failed_predictions"]) if detail else 0,
        "confusion_examples": detail.get("confusion_examples") if detail else None,
        "confidence": detail["confidence"] if detail else None,
        "trained_on": trained_on,
        "created_by": f"cnn-classroom {__version__}",
    }
    return report


def _plain(value):
    """numpy scalars/arrays -> JSON-native values."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Write JSON through a temporary file and ``os.replace`` so readers never see half a file."""
    return atomic.write_json_atomic(path, data, default=_plain)


def read_json(path: str | Path) -> dict[str, Any]:
    """Load a run's JSON file; a missing or broken file is a :class:`DataError` naming it."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON ({exc})") from None
