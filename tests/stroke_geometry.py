"""Measurements of pen strokes (``[n, 2+]`` point arrays) shared by the synthesiser's effect tests."""

from __future__ import annotations

import math

import numpy as np


def size_of(strokes) -> float:
    """The longer side of the strokes' bounding box."""
    pts = np.concatenate([s[:, :2] for s in strokes])
    return float(max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1])))


def length(s) -> float:
    """Length of one stroke along its points."""
    return float(np.linalg.norm(np.diff(s[:, :2], axis=0), axis=1).sum())


def direction(s) -> float:
    """Angle from a stroke's first point to its last, in degrees."""
    d = s[-1, :2] - s[0, :2]
    return math.degrees(math.atan2(d[1], d[0]))
