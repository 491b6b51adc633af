"""The compact confusion of a many-class model agrees with the full matrix it stands in for."""

from __future__ import annotations

import numpy as np

from desktop.core import confusion
from desktop.core.confusion import accuracy_by_class, class_table_of, confusion_summary, is_large


def dense(labels: np.ndarray, predicted: np.ndarray, width: int) -> np.ndarray:
    matrix = np.zeros((width, width), np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def test_pairs_and_class_table_match_the_dense_matrix():
    rng = np.random.default_rng(4)
    width = 150
    names = [chr(0x4E00 + i) for i in range(width)]
    labels = rng.integers(0, width, 3000)
    predicted = np.where(rng.random(3000) < 0.7, labels, rng.integers(0, width // 3, 3000))
    matrix = dense(labels, predicted, width)
    summary = confusion_summary(labels, predicted, names, top=40)

    table = summary["class_table"]
    assert table["n"] == matrix.sum(axis=1).tolist()
    assert table["correct"] == np.diag(matrix).tolist()
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    for row in range(width):
        if off[row].max() == 0:
            assert table["top_wrong"][row] is None and table["top_wrong_count"][row] == 0
        else:  # the most common wrong answer; ties to the lower class index
            assert table["top_wrong"][row] == int(np.argmax(off[row]))
            assert table["top_wrong_count"][row] == off[row].max()

    pairs = summary["confused_pairs"]
    assert len(pairs) == 40
    counts = [p["count"] for p in pairs]
    assert counts == sorted(counts, reverse=True)
    assert counts[-1] >= np.sort(off.ravel())[::-1][40]  # nothing left out beats the last one kept
    for p in pairs:
        t, q = p["true_index"], p["predicted_index"]
        assert t != q and p["count"] == matrix[t, q] and (p["true"], p["predicted"]) == (names[t], names[q])
        assert p["share"] == matrix[t, q] / matrix[t].sum()

    accuracy = accuracy_by_class(table, names)
    assert all(accuracy[n] == (matrix[i, i] / matrix[i].sum() if matrix[i].sum() else None)
               for i, n in enumerate(names))
    arrays = class_table_of({"class_names": names, "class_table": table})
    assert len(arrays) == width and np.allclose(arrays.accuracy(), np.diag(matrix) / matrix.sum(axis=1),
                                                equal_nan=True)


def test_the_threshold_and_a_report_without_a_table():
    assert not is_large(55) and not is_large(confusion.LARGE_MODEL_CLASSES)
    assert is_large(confusion.LARGE_MODEL_CLASSES + 1) and is_large(3755)
    assert class_table_of({"class_names": ["一"], "confusion_matrix": [[1]]}) is None


def test_nothing_the_size_of_the_classes_squared_is_made(monkeypatch):
    """3,755 classes: the counts are sparse (one entry per non-empty cell), never a classes² array."""
    sizes = []
    real_zeros = np.zeros

    def recording_zeros(shape, *args, **kwargs):
        sizes.append(int(np.prod(shape)))
        return real_zeros(shape, *args, **kwargs)

    monkeypatch.setattr(confusion.np, "zeros", recording_zeros)
    width = 3755
    labels = np.repeat(np.arange(width), 2)
    summary = confusion_summary(labels, np.roll(labels, 1), [str(i) for i in range(width)])
    assert sizes and max(sizes) <= width
    assert len(summary["class_table"]["n"]) == width


def test_the_apps_own_evaluation_of_a_3755_class_model_is_compact():
    """The Evaluate tab's tally: no 3,755² matrix, the pairs and table, images of the pairs only."""
    from desktop.core.evaluation import _Tally
    from desktop.core.vocabulary import gb2312_level1
    from tests.large_report import PLANTED_AS, PLANTED_TRUE, synthetic_predictions

    names = gb2312_level1()
    probs, labels, predicted = synthetic_predictions(names)
    tally = _Tally(names)
    images = [np.full((80, 60, 1), 200.0, np.float32)] * len(labels)
    for start in range(0, len(labels), 2000):
        part = slice(start, start + 2000)
        tally.add(probs[part], labels[part], images[part], [f"{i}.png" for i in range(len(labels))][part])
    assert tally.matrix.size == 0
    result = tally.result()
    assert result["confusion_matrix"] is None
    assert (result["confused_pairs"][0]["true"], result["confused_pairs"][0]["predicted"]) == (PLANTED_TRUE, PLANTED_AS)
    assert len(result["class_table"]["n"]) == len(names) and sum(result["class_table"]["n"]) == len(labels)
    kept = {(p["true_index"], p["predicted_index"]) for p in result["confused_pairs"]}
    assert {tuple(map(int, key.split(","))) for key in result["confusion_examples"]} <= kept
    assert result["metrics"]["test"]["accuracy"] == float(np.mean(predicted == labels))
