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
_SHIFT = 4  # cv2 fixed-point bits: sub-pixel positions on the supersampled canvas


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


@dataclass(frozen=True)
class Placement:
    """Where strokes land on the image: a point ``(x, y)`` goes to ``((x - x0) * scale + pen_width / 2, ...)``."""

    x0: float
    y0: float
    scale: float
    pen_width: float
    height: int
    width: int


@dataclass(frozen=True)
class PenPath:
    """One stroke on the supersampled canvas, in cv2 fixed point: the marks the pen leaves.

    ``points[i]`` is where point ``i`` lands, ``radii[i]`` the round cap or joint drawn there,
    ``line_widths[i]`` the width of the segment from point ``i`` to point ``i + 1``.
    """

    points: list[tuple[int, int]]
    radii: list[int]
    line_widths: list[int]


def placement(strokes: Sequence[np.ndarray], *, height: int, pen_width: float, min_width_px: float = 0.6) -> Placement:
    """The scale and image size :func:`coverage` uses for ``strokes`` (already :func:`as_strokes`)."""
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
    return Placement(x0, y0, scale, pen_width, out_h, out_w)


def pen_path(stroke: np.ndarray, place: Placement, min_width_px: float = 0.6) -> PenPath:
    """Where one stroke's caps, joints and segments go on the supersampled canvas."""
    ss = _SUPERSAMPLE
    k = float(1 << _SHIFT)
    off = place.pen_width / 2.0
    xy = np.empty((len(stroke), 2))
    xy[:, 0] = ((stroke[:, 0] - place.x0) * place.scale + off) * ss
    xy[:, 1] = ((stroke[:, 1] - place.y0) * place.scale + off) * ss
    widths = np.maximum(place.pen_width * np.clip(pressure_of(stroke), 0.0, 1.0), min_width_px) * ss
    fixed = np.round(xy * k).astype(np.int64)
    points = list(map(tuple, fixed.tolist()))
    # np.rint rounds half to even as round() does: the same integers, in one array step per stroke
    radii = np.maximum(np.rint(widths / 2.0 * k), 1).astype(np.int64).tolist()
    line_widths = np.maximum(np.rint((widths[:-1] + widths[1:]) / 2.0), 1).astype(np.int64).tolist()
    return PenPath(points, radii, line_widths)


def blank_canvas(place: Placement) -> np.ndarray:
    """An empty supersampled uint8 canvas for ``place`` (0 = paper, 255 = full ink)."""
    return np.zeros((place.height * _SUPERSAMPLE, place.width * _SUPERSAMPLE), dtype=np.uint8)


def draw_start(canvas: np.ndarray, path: PenPath) -> None:
    """The round cap where the pen touches down."""
    cv2.circle(canvas, path.points[0], path.radii[0], 255, -1, cv2.LINE_AA, _SHIFT)


def draw_segment(canvas: np.ndarray, path: PenPath, i: int) -> None:
    """Segment ``i`` (point ``i`` to ``i + 1``) and the round joint at its end, like a real pen tip."""
    cv2.line(canvas, path.points[i], path.points[i + 1], 255, path.line_widths[i], cv2.LINE_AA, _SHIFT)
    cv2.circle(canvas, path.points[i + 1], path.radii[i + 1], 255, -1, cv2.LINE_AA, _SHIFT)


def canvas_coverage(canvas: np.ndarray, place: Placement) -> np.ndarray:
    """A drawn supersampled canvas -> coverage 0..1 (float32) at the image size, area-averaged."""
    small = cv2.resize(canvas, (place.width, place.height), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32) / 255.0


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
    place = placement(strokes, height=height, pen_width=pen_width, min_width_px=min_width_px)
    canvas = blank_canvas(place)
    for s in strokes:
        path = pen_path(s, place, min_width_px)
        draw_start(canvas, path)
        for i in range(len(s) - 1):
            draw_segment(canvas, path, i)
    return canvas_coverage(canvas, place)


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
