"""``evaluate`` at 3,755 classes: the report keeps the most confused pairs and a per-class table
instead of the 3,755² matrix, and stays small; a small model's report is as before."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop.core.confusion import LARGE_MODEL_CLASSES, TOP_CONFUSED_PAIRS
from tests.large_report import PLANTED_AS, PLANTED_MISTAKES, PLANTED_TRUE, write_large_report
from training import evaluate
from training.evaluate import MAX_MISTAKE_EXAMPLES, evaluate_predictions

#: A 3,755-class report: at most 200 failures and 400 pair images (~3.6 kB each) and ~0.2 MB of tables.
REPORT_BYTES_BOUND = 3_000_000


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return write_large_report(tmp_path_factory.mktemp("large"))


def test_a_3755_class_report_has_pairs_and_a_table_not_a_matrix(large):
    assert large.path.stat().st_size < REPORT_BYTES_BOUND
    report = json.loads(large.path.read_text(encoding="utf-8"))
    assert len(report["class_names"]) == 3755 > LARGE_MODEL_CLASSES
    assert report["confusion_matrix"] is None
    first = report["confused_pairs"][0]
    assert (first["true"], first["predicted"], first["count"]) == (PLANTED_TRUE, PLANTED_AS, PLANTED_MISTAKES)
    assert (first["true_index"], first["predicted_index"]) == large.planted
    assert first["share"] == pytest.approx(PLANTED_MISTAKES / 12)
    assert len(report["confused_pairs"]) == TOP_CONFUSED_PAIRS
    table = report["class_table"]
    assert {k: len(v) for k, v in table.items()} == dict.fromkeys(("n", "correct", "top_wrong", "top_wrong_count"),
                                                                  3755)
    true_index = large.planted[0]
    assert table["top_wrong"][true_index] == large.planted[1] and table["n"][true_index] == 12
    assert report["per_class_accuracy"][PLANTED_TRUE] == pytest.approx(3 / 12)
    # Images only of the kept pairs' cells, within the overall budget.
    kept = {(p["true_index"], p["predicted_index"]) for p in report["confused_pairs"]}
    cells = {tuple(map(int, key.split(","))) for key in report["confusion_examples"]}
    assert cells <= kept and large.planted in cells
    assert sum(map(len, report["confusion_examples"].values())) <= MAX_MISTAKE_EXAMPLES
    assert len(report["failed_predictions"]) == 200 and report["failed_total"] > 200


def test_partial_top5_equals_the_full_sort():
    rng = np.random.default_rng(2)
    probs = rng.random((50, 3755)).astype(np.float32)
    probs[0, [7, 9, 3000]] = 2.0  # ties among the best: lower index first
    full = np.argsort(-probs, axis=1, kind="stable")[:, :5]
    assert np.array_equal(evaluate._top_k(probs), full)


def test_a_small_model_keeps_its_full_matrix():
    rng = np.random.default_rng(0)
    probs = rng.random((40, 55))
    labels = rng.integers(0, 55, 40)
    result = evaluate_predictions(probs / probs.sum(axis=1, keepdims=True), labels, [str(i) for i in range(55)])
    assert np.asarray(result["confusion_matrix"]).shape == (55, 55)
    assert "confused_pairs" not in result and "class_table" not in result
