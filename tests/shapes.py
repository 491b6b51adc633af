"""Tiny drawn datasets for training tests: a bar, a stick and a box at jittered places.

Three shapes a model learns in a couple of epochs, so tests exercise real training cheaply.
"""

from __future__ import annotations

import cv2
import numpy as np


def draw_shape(label: int, rng: np.random.Generator, jitter: tuple[int, int, int, int, int, int] = (10, 20, 15, 30, 3, 7)) -> np.ndarray:
    """One 80x60 uint8 image (paper 255) of shape ``label`` (0 bar, 1 stick, otherwise a box).

    ``jitter`` gives the ranges of the left edge, top edge and pen thickness.
    """
    x0, x1, y0, y1, t0, t1 = jitter
    img = np.full((80, 60), 255, np.uint8)
    x, y, t = int(rng.integers(x0, x1)), int(rng.integers(y0, y1)), int(rng.integers(t0, t1))
    if label == 0:
        cv2.line(img, (x, y + 20), (x + 30, y + 20), 0, t)
    elif label == 1:
        cv2.line(img, (x + 15, y), (x + 15, y + 40), 0, t)
    else:
        cv2.rectangle(img, (x, y), (x + 28, y + 35), 0, t)
    return img


def shape_images(classes: int, per_class: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """float32 [N, 80, 60, 1] images and int32 labels, ``per_class`` of each of ``classes`` shapes."""
    rng = np.random.default_rng(seed)
    images = [draw_shape(label, rng) for label in range(classes) for _ in range(per_class)]
    labels = [label for label in range(classes) for _ in range(per_class)]
    return np.stack(images)[..., None].astype(np.float32), np.array(labels, np.int32)
