"""A report of a 3,755-class model (GB2312 level 1) written by the training package's own code from
synthetic predictions: numpy only, no network, so a test or a benchmark makes one in a second or two.

Every class has two test images, most read right; ``PLANTED_TRUE`` is given extra images, most of
them read as ``PLANTED_AS``, so that pair is the most confused one by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.core.vocabulary import gb2312_level1

PER_CLASS = 2
PLANTED_TRUE, PLANTED_AS = "己", "已"
PLANTED_IMAGES, PLANTED_MISTAKES = 12, 9
#: Share of the other images read as a random class.
NOISE = 0.08


class _NoLayers:
    """What ``build_report`` asks of a Keras model, for a report of predictions alone."""

    layers: list = []

    @staticmethod
    def count_params() -> int:
        return 0


@dataclass
class LargeReport:
    path: Path
    class_names: list[str]
    planted: tuple[int, int]


def synthetic_predictions(class_names: list[str], seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(probabilities float32 [N, classes], labels, predicted) with the planted pair."""
    rng = np.random.default_rng(seed)
    width = len(class_names)
    true_i, as_i = class_names.index(PLANTED_TRUE), class_names.index(PLANTED_AS)
    labels = np.concatenate([np.repeat(np.arange(width), PER_CLASS), np.full(PLANTED_IMAGES - PER_CLASS, true_i)])
    predicted = labels.copy()
    noisy = rng.random(len(labels)) < NOISE
    predicted[noisy] = rng.integers(0, width, int(noisy.sum()))
    planted = np.flatnonzero(labels == true_i)
    predicted[planted] = true_i
    predicted[planted[:PLANTED_MISTAKES]] = as_i
    probs = rng.random((len(labels), width), dtype=np.float32) * 0.01
    probs[np.arange(len(labels)), predicted] += rng.uniform(0.3, 0.9, len(labels)).astype(np.float32)
    probs /= probs.sum(axis=1, keepdims=True)
    return probs, labels, predicted


def write_large_report(folder: Path, *, name: str = "gb2312-cnn", seed: int = 0) -> LargeReport:
    """``folder/<name>.report.json`` for a 3,755-class model, as ``evaluate`` and ``export`` write it."""
    from training.evaluate import evaluate_predictions
    from training.report import build_report, write_json_atomic

    class_names = gb2312_level1()
    probs, labels, _ = synthetic_predictions(class_names, seed)
    images = np.full((len(labels), 80, 60, 1), 255, np.uint8)
    images[:, 20:60, 25:35] = (np.arange(len(labels)) % 200)[:, None, None, None]  # a stroke, not blank paper
    sources = [f"data/Test/{class_names[t]}/{i}.png" for i, t in enumerate(labels)]
    evaluation = evaluate_predictions(probs, labels, class_names, sources, images)
    report = build_report(_NoLayers(), name=name, title="CNN (3,755 GB2312 characters)", output_kind="logits",
                          class_names=class_names, trained_on="synthetic predictions",
                          evaluations={"test": evaluation})
    path = write_json_atomic(Path(folder) / f"{name}.report.json", report)
    return LargeReport(Path(path), class_names, (class_names.index(PLANTED_TRUE), class_names.index(PLANTED_AS)))
