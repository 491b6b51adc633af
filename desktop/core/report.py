"""Read a model's sidecar report (``<model>.report.json``) for the Results panel.

The report is written by the training package (see docs/model-contract.md). This reader checks
only what the panel cannot do without and tolerates every optional section being absent, so a
report from an older or newer training run still opens. Errors name the file.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from desktop.core.contract import report_path
from desktop.core.images import ImageDecodeError, decode_image
from desktop.core.json_files import read_json_object

#: Keys without which a report is not a report.
REQUIRED_KEYS = ("class_names",)


class ReportError(ValueError):
    """A report that cannot be shown; the message starts with the file's path."""


def load_report(path: str | Path) -> dict[str, Any]:
    """The report at ``path`` as a dict; :class:`ReportError` for a missing, corrupt or foreign file."""
    path = Path(path)
    report = read_json_object(path, "report", ReportError, missing="report file")
    missing = [key for key in REQUIRED_KEYS if key not in report]
    if missing:
        raise ReportError(f"{path}: the report lacks {', '.join(missing)}")
    names = report["class_names"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ReportError(f"{path}: class_names is not a list of strings")
    matrix = report.get("confusion_matrix")
    if matrix is not None and (not isinstance(matrix, list) or len(matrix) != len(names)
                               or any(not isinstance(row, list) or len(row) != len(names) for row in matrix)):
        raise ReportError(f"{path}: confusion_matrix is not {len(names)}×{len(names)}")
    problem = _compact_confusion_problem(report, len(names))
    if problem:
        raise ReportError(f"{path}: {problem}")
    return report


def _compact_confusion_problem(report: dict[str, Any], classes: int) -> str | None:
    """What is wrong with a large model's ``confused_pairs`` / ``class_table`` (None: absent or fine)."""
    pairs = report.get("confused_pairs")
    if pairs is not None:
        if not isinstance(pairs, list) or not all(
                isinstance(p, dict) and all(isinstance(p.get(k), int) for k in ("true_index", "predicted_index", "count"))
                and 0 <= p["true_index"] < classes and 0 <= p["predicted_index"] < classes for p in pairs):
            return "confused_pairs is not a list of pairs of its classes"
    table = report.get("class_table")
    if table is not None:
        columns = ("n", "correct", "top_wrong", "top_wrong_count")
        if not isinstance(table, dict) or any(not isinstance(table.get(k), list) or len(table[k]) != classes
                                              for k in columns):
            return f"class_table does not have {', '.join(columns)} for each of its {classes} classes"
    return None


def report_for(onnx_path: str | Path) -> dict[str, Any] | None:
    """The report beside ``onnx_path``; None when there is none (a corrupt one still raises)."""
    path = report_path(onnx_path)
    if not path.is_file():
        return None
    return load_report(path)


def decode_png(b64: str) -> np.ndarray:
    """A base64 PNG (as in ``image_png``) as a grey uint8 array; ValueError when it is not one."""
    try:
        data = base64.b64decode(b64, validate=True)
    except (binascii.Error, TypeError) as exc:
        raise ValueError(f"not base64 image data ({exc})") from exc
    return decode_image(data, cv2.IMREAD_GRAYSCALE, unreadable="not a PNG image", empty="not a PNG image")


def confusion_examples(report: dict[str, Any], true_index: int, predicted_index: int) -> list[dict[str, Any]]:
    """The examples stored for one confusion-matrix cell (``[]`` when the report has none)."""
    cells = report.get("confusion_examples") or {}
    return list(cells.get(f"{true_index},{predicted_index}", []))


def read_grey_image(path: str | Path) -> np.ndarray | None:
    """A PNG on disk as grey uint8, None when missing or unreadable (non-ASCII paths work too)."""
    try:
        data = np.fromfile(str(path), np.uint8)
    except OSError:
        return None
    try:
        return decode_image(data, cv2.IMREAD_GRAYSCALE)
    except ImageDecodeError:
        return None


def feature_visualisation_images(report: dict[str, Any], base_dir: str | Path | None) -> dict[str, dict[str, list]]:
    """``{"layers": {layer: [image]}, "classes": {name: [image]}}`` read from the report's folder.

    Paths in ``feature_visualisations`` are relative to the report's folder; a missing file gives
    None in its place so the grid keeps its order.
    """
    section = report.get("feature_visualisations") or {}
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    layers = {name: [read_grey_image(base / p) for p in paths]
              for name, paths in (section.get("layers") or {}).items()}
    classes = {name: [read_grey_image(base / p)] for name, p in (section.get("classes") or {}).items()}
    return {"layers": layers, "classes": classes}
