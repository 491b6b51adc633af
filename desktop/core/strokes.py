"""Pen strokes -> anti-aliased ink on white paper.

The single rendering path shared by the synthetic handwriting generator (``training.synth``),
the OLHWDB ``.pot`` reader and the drawing canvas, so the model sees the same kind of image
whichever way the strokes came in.

A stroke is an ``(n, 2)``, ``(n, 3)`` or ``(n, 4)`` float array of ``x, y``, ``x, y, pressure``
or ``x, y, time, pressure`` (the canvas keeps time) in any units with y pointing down; pressure is
0..1 and scales the pen width (1 = full width).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

PAPER = 255
_SUPERSAMPLE = 4  # draw 4x larger, then area-average: sub-pixel pen widths and smooth edges


@dataclass(frozen=True)
class Ink:
    """How ink and paper look: grey of full ink coverage (0 = black) and of bare paper."""

    darkness: int = 0
    paper: int = PAPER


def as_strokes(strokes: Sequence[Sequence[Sequence[float]]]) -> list[np.ndarray]:
    """Normalise nested lists to float arrays, dropping empty strokes."""
    out = []
    for s in strokes:
        a = np.asarray(s, dtype=np.float64)
        if a.size == 0:
            continue
        if a.ndim != 2 or a.shape[1] not in (2, 3, 4):
            raise ValueError(f"a stroke must be a list of [x, y] or [x, y, pressure] points, got shape {a.shape}")
        if not np.isfinite(a).all():
            raise ValueError("a stroke holds a point that is not a finite number (NaN or infinity)")
        out.append(a)
    return out


def pressure_of(stroke: np.ndarray) -> np.ndarray:
    """The pressure column: the last of 3 or 4 columns; full pressure for plain x, y."""
    return stroke[:, -1] if stroke.shape[1] >= 3 else np.ones(len(stroke))


def bounds(strokes: Sequence[np.ndarray]) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of all points; raises ValueError for no points."""
    if not strokes:
        raise ValueError("there are no strokes to render")
    pts = np.concatenate([s[:, :2] for s in strokes])
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def coverage(
    strokes: Sequence[np.ndarray],
    *,
    height: int,
    pen_width: float,
    min_width_px: float = 0.6,
) -> np.ndarray:
    """Ink coverage 0..1 (float32) of ``strokes`` scaled so the ink box is ``height`` px tall.

    The aspect ratio is kept; the image is a tight crop with half a pen width around the
    centre-lines. ``pen_width`` is in pixels of the output image.
    """
    strokes = as_strokes(strokes)
    x0, y0, x1, y1 = bounds(strokes)
    pen_width = max(float(pen_width), min_width_px)
    inner_h = max(height - pen_width, 1.0)
    span_y = max(y1 - y0, 1e-6)
    span_x = max(x1 - x0, 1e-6)
    if not np.isfinite([span_x, span_y]).all():
        raise ValueError("the strokes span more than a floating-point number can hold")
    # A single horizontal line has no height: scale by the longer side instead of blowing up.
    scale = inner_h / max(span_y, span_x * 0.05, 1e-6)
    if span_y * scale > inner_h + 1e-6:
        scale = inner_h / span_y
    out_h = max(int(round(span_y * scale + pen_width)), 1)
    out_w = max(int(round(span_x * scale + pen_width)), 1)
    ss = _SUPERSAMPLE
    canvas = np.zeros((out_h * ss, out_w * ss), dtype=np.uint8)
    off = pen_width / 2.0
    shift = 4  # cv2 fixed-point bits: sub-pixel positions on the supersampled canvas
    k = float(1 << shift)
    for s in strokes:
        xy = np.empty((len(s), 2))
        xy[:, 0] = ((s[:, 0] - x0) * scale + off) * ss
        xy[:, 1] = ((s[:, 1] - y0) * scale + off) * ss
        pressure = pressure_of(s)
        widths = np.maximum(pen_width * np.clip(pressure, 0.0, 1.0), min_width_px) * ss
        fixed = np.round(xy * k).astype(np.int64)
        # Round caps and joints, like a real pen tip.
        cv2.circle(canvas, (int(fixed[0, 0]), int(fixed[0, 1])), max(int(round(widths[0] / 2.0 * k)), 1),
                   255, -1, cv2.LINE_AA, shift)
        for i in range(len(s) - 1):
            w = (widths[i] + widths[i + 1]) / 2.0
            a = (int(fixed[i, 0]), int(fixed[i, 1]))
            b = (int(fixed[i + 1, 0]), int(fixed[i + 1, 1]))
            cv2.line(canvas, a, b, 255, max(int(round(w)), 1), cv2.LINE_AA, shift)
            cv2.circle(canvas, b, max(int(round(widths[i + 1] / 2.0 * k)), 1), 255, -1, cv2.LINE_AA, shift)
    small = cv2.resize(canvas, (out_w, out_h), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32) / 255.0


def compose(cov: np.ndarray, ink: Ink = Ink()) -> np.ndarray:
    """Coverage 0..1 -> uint8 grey image: ``ink.paper`` paper, ``ink.darkness`` ink."""
    img = ink.paper - cov * (ink.paper - ink.darkness)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def render(
    strokes: Sequence[Sequence[Sequence[float]]],
    *,
    height: int = 96,
    pen_width: float = 4.0,
    ink: Ink = Ink(),
) -> np.ndarray:
    """Strokes -> tight-cropped uint8 image (paper 255, dark ink) ``height`` px tall."""
    return compose(coverage(as_strokes(strokes), height=height, pen_width=pen_width), ink)
