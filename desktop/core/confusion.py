"""The confusion of a model with many classes, without its classes² matrix.

A 55-class report keeps the whole confusion matrix. Beyond :data:`LARGE_MODEL_CLASSES` classes the
matrix is mostly zeros (3,755² cells would be 14 million numbers, ~50 MB of JSON), so a report
keeps instead the most confused pairs and one row per class (``docs/model-contract.md``,
``confused_pairs`` and ``class_table``). Both are counted from the (true, predicted) pairs with
numpy, never a loop over the classes, and nothing of size classes² is made.

Used by the training package's ``evaluate`` and by the app's own test-set evaluation, and read
back (either form) by the Results panel. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

#: Above this many classes a report stores the most confused pairs and a per-class table, not the matrix.
LARGE_MODEL_CLASSES = 100
#: How many of the most confused pairs a report keeps.
TOP_CONFUSED_PAIRS = 200


def is_large(class_count: int) -> bool:
    """Whether a model with ``class_count`` classes gets the compact confusion."""
    return class_count > LARGE_MODEL_CLASSES


def _cell_counts(labels: np.ndarray, predicted: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(true, predicted, count) of every non-empty cell: a sparse count, ``O(n log n)`` in the images."""
    keys, counts = np.unique(labels * width + predicted, return_counts=True)
    true, pred = np.divmod(keys, width)
    return true, pred, counts


def confusion_summary(labels: Sequence[int] | np.ndarray, predicted: Sequence[int] | np.ndarray,
                      class_names: Sequence[str], *, top: int = TOP_CONFUSED_PAIRS) -> dict[str, Any]:
    """``{"confused_pairs": [...], "class_table": {...}}`` of integer labels and predictions.

    ``confused_pairs``: the ``top`` off-diagonal cells with the most images, each
    ``{"true", "predicted", "true_index", "predicted_index", "count", "share"}`` where ``share`` is
    the count over the true class's images; ties go to the larger share, then to class order.
    ``class_table``: columns in ``class_names`` order, ``n`` (images of the class), ``correct``,
    ``top_wrong`` (index of the most common wrong answer, None when the class was never misread)
    and ``top_wrong_count``.
    """
    width = len(class_names)
    labels = np.asarray(labels, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    true, pred, counts = _cell_counts(labels, predicted, width)
    n = np.bincount(labels, minlength=width)
    diagonal = true == pred
    correct = np.zeros(width, dtype=np.int64)
    correct[true[diagonal]] = counts[diagonal]
    wrong_true, wrong_pred, wrong_counts = true[~diagonal], pred[~diagonal], counts[~diagonal]

    by_class = np.lexsort((wrong_pred, -wrong_counts, wrong_true))  # per class, the most common first
    firsts = by_class[np.unique(wrong_true[by_class], return_index=True)[1]]
    top_wrong = np.full(width, -1, dtype=np.int64)
    top_wrong_count = np.zeros(width, dtype=np.int64)
    top_wrong[wrong_true[firsts]] = wrong_pred[firsts]
    top_wrong_count[wrong_true[firsts]] = wrong_counts[firsts]

    share = wrong_counts / np.maximum(n[wrong_true], 1)
    ranked = np.lexsort((wrong_pred, wrong_true, -share, -wrong_counts))[:top]
    pairs = [{"true": class_names[wrong_true[i]], "predicted": class_names[wrong_pred[i]],
              "true_index": int(wrong_true[i]), "predicted_index": int(wrong_pred[i]),
              "count": int(wrong_counts[i]), "share": float(share[i])} for i in ranked]
    table = {"n": n.tolist(), "correct": correct.tolist(),
             "top_wrong": [None if w < 0 else int(w) for w in top_wrong.tolist()],
             "top_wrong_count": top_wrong_count.tolist()}
    return {"confused_pairs": pairs, "class_table": table}


def accuracy_by_class(class_table: dict[str, Any], class_names: Sequence[str]) -> dict[str, float | None]:
    """``{character: accuracy}`` of a ``class_table`` (None for a class without images)."""
    return {name: (c / t if t else None) for name, t, c in zip(class_names, class_table["n"], class_table["correct"])}


def pair_cells(summary: dict[str, Any]) -> set[tuple[int, int]]:
    """The (true, predicted) cells of a summary's confused pairs: the cells whose images a report keeps."""
    return {(p["true_index"], p["predicted_index"]) for p in summary["confused_pairs"]}


@dataclass(frozen=True)
class ClassTable:
    """The per-class table as arrays, in class order (what the Results panel's table model reads)."""

    names: list[str]
    n: np.ndarray
    correct: np.ndarray
    top_wrong: np.ndarray  # -1: never misread
    top_wrong_count: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    def accuracy(self) -> np.ndarray:
        """Top-1 accuracy per class; NaN for a class without images."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n > 0, self.correct / np.maximum(self.n, 1), np.nan)


def class_table_of(report: dict[str, Any]) -> ClassTable | None:
    """The report's ``class_table`` as arrays; None when it has none (a small model's report)."""
    table = report.get("class_table")
    if not isinstance(table, dict):
        return None
    names = list(report.get("class_names") or [])
    wrong = np.array([-1 if w is None else w for w in table["top_wrong"]], dtype=np.int64)
    return ClassTable(names, np.asarray(table["n"], dtype=np.int64), np.asarray(table["correct"], dtype=np.int64),
                      wrong, np.asarray(table["top_wrong_count"], dtype=np.int64))
