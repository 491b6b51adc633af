"""The numpy softmax head: it learns, splits reproducibly and refuses classes it cannot train."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop.core.teach.head import predict_head, stratified_split, train_head
from desktop.core.teach.project import ProjectError, TeachCancelled, TrainSettings


def blobs(per_class=60, dim=1280, classes=3, seed=1):
    """Separable clusters in a 1280-d space, on an embedding-like positive scale."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3, (classes, dim))
    x = np.concatenate([c + rng.normal(0, 4.0, (per_class, dim)) for c in centres]).astype(np.float32)
    y = np.repeat(np.arange(classes), per_class)
    return x, y


def test_learns_a_separable_problem_on_held_out_samples():
    x, y = blobs()
    settings = TrainSettings(epochs=20, holdout=0.25, seed=3)
    epochs_seen = []
    result = train_head(x, y, 3, settings, on_epoch=lambda e, m: epochs_seen.append(e))
    assert epochs_seen == list(range(1, 21))
    assert result.weights.shape == (1280, 3) and result.bias.shape == (3,)
    assert result.history[20]["val_accuracy"] >= 0.95
    held = predict_head(result, x[result.holdout])
    assert np.mean(held.argmax(1) == y[result.holdout]) >= 0.95
    np.testing.assert_allclose(held.sum(1), 1, atol=1e-5)
    assert result.confusion_matrix.sum() == len(result.holdout)
    assert all(a is not None and a >= 0.9 for a in result.per_class_accuracy)
    assert result.history[20]["loss"] < result.history[1]["loss"]
    json.dumps(result.metrics())  # goes into ONNX metadata


def test_random_labels_are_not_learned_on_held_out_samples():
    x, _ = blobs()
    y = np.random.default_rng(0).integers(0, 3, len(x))
    result = train_head(x, y, 3, TrainSettings(epochs=10, holdout=0.3))
    assert result.history[10]["val_accuracy"] < 0.7


def test_split_is_stratified_and_reproducible():
    y = np.repeat([0, 1, 2], [20, 40, 7])
    train, held = stratified_split(y, 0.15, seed=5)
    assert sorted(np.concatenate([train, held]).tolist()) == list(range(len(y)))
    assert [int(np.sum(y[held] == c)) for c in range(3)] == [3, 6, 1]
    again = stratified_split(y, 0.15, seed=5)
    assert np.array_equal(held, again[1])
    assert not np.array_equal(held, stratified_split(y, 0.15, seed=6)[1])


def test_a_class_with_one_sample_is_refused_by_name():
    x, y = blobs(per_class=5)
    keep = np.concatenate([np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:1]])
    with pytest.raises(ProjectError, match="class 'cat' needs at least 2 samples"):
        train_head(x[keep], y[keep], 3, TrainSettings(epochs=1), class_names=["dog", "bird", "cat"])


def test_progress_and_cancel():
    x, y = blobs(per_class=10)
    calls = []
    train_head(x, y, 3, TrainSettings(epochs=4), progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    with pytest.raises(TeachCancelled):
        train_head(x, y, 3, TrainSettings(epochs=4), progress=lambda d, t: calls.append((d, t)),
                   cancelled=lambda: len(calls) >= 6)
    assert len(calls) == 6


def test_no_holdout_gives_json_safe_metrics():
    x, y = blobs(per_class=6)
    result = train_head(x, y, 3, TrainSettings(epochs=2, holdout=0.0))
    assert len(result.holdout) == 0
    text = json.dumps(result.metrics(), allow_nan=False)
    assert json.loads(text)["holdout"]["accuracy"] is None


def test_augmented_copies_of_held_out_samples_are_not_trained_on():
    from desktop.core.teach.head import train_head
    from desktop.core.teach.project import TrainSettings

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 8)).astype(np.float32)
    y = np.repeat(np.arange(2), 20)  # random labels: nothing to learn but the samples themselves
    settings = TrainSettings(epochs=60, learning_rate=0.05, holdout=0.25, seed=1)
    plain = train_head(x, y, 2, settings)
    # Near-copies of every sample, held-out ones included: used, they would leak the held-out labels.
    copies = x + rng.normal(scale=1e-3, size=x.shape).astype(np.float32)
    augmented = train_head(x, y, 2, settings, augmented=(copies, np.arange(len(x))))
    assert np.array_equal(plain.holdout, augmented.holdout)
    held = plain.history[max(plain.history)]["val_accuracy"]
    assert augmented.history[max(augmented.history)]["val_accuracy"] <= held + 0.2
