"""Pen strokes -> the ink image plus the same ink split by stroke direction (a "directMap").

Online recognisers trained on real ink gain from knowing which way each stroke went (Zhang,
Bengio & Liu 2017, "Online and offline handwritten Chinese character recognition", the
*directMap*). :func:`strokes_to_channels` gives a drawing as nine 80x60 channels:

- channel 0 is exactly the character models' image input for those strokes
  (:func:`desktop.core.recognition.strokes_to_input`, bit for bit);
- channels 1..8 hold the same ink split by direction: every segment of a stroke is drawn, with
  its round joint, only into the channel of its direction. Directions are screen directions in
  eight bins of 45° centred on the compass points, counter-clockwise from "rightwards":
  bin 0 (channel 1) right, 1 up-right, 2 up, 3 up-left, 4 left, 5 down-left, 6 down,
  7 down-right. The paper decomposes each segment onto its two nearest directions; here a
  segment goes wholly to the bin of its angle.

Every channel is drawn by the app's renderer (:mod:`desktop.core.strokes`, the same placement,
pen width and pressure) and framed like the image input: cropped to the ink box of channel 0,
stretched to 80x60. All nine channels are grey 0..255 with white paper (255) and dark ink, the
image input's convention, so one ``Rescaling`` layer serves them all. Where no two directions
overlap, the direction channels' ink (``255 - value``) adds up to the ink channel's; at joints
between directions and where strokes cross they add up to a little more. A segment's direction is
the way the pen went over a short stretch of the path around it (:data:`DIRECTION_REACH` of the
drawing's size), not the angle between two sampled points: pen input lies on a pixel grid, and the
steps between neighbouring points of a slanting line would scatter it over three bins. Single-point strokes
(dots, taps) have no direction: they are in channel 0 only. A zero-length segment takes the
direction of the segment before it (or after it, at a stroke's start).

Qt-free and TensorFlow-free: numpy + OpenCV, for the canvas, the synthesiser and stroke files alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from desktop.core import strokes as stroke_renderer
from desktop.core.framing import INK_THRESHOLD, EmptyDrawing, stretch_to_input, tight_crop
from desktop.core.recognition import DEFAULT_PEN_WIDTH, render_size

#: How many direction bins (45° each).
DIRECTIONS = 8
#: Channels of :func:`strokes_to_channels`: the ink, then one per direction.
CHANNELS = 1 + DIRECTIONS
#: The screen direction each bin is centred on, in degrees counter-clockwise from rightwards.
BIN_ANGLES = tuple(45 * b for b in range(DIRECTIONS))
#: A segment's direction is measured over this much of the path around it (fraction of the drawing's longer side).
DIRECTION_REACH = 0.05
_NO_DIRECTION = -1

__all__ = ["BIN_ANGLES", "CHANNELS", "DIRECTIONS", "DIRECTION_REACH", "InkCanvases", "direction_bins", "layout",
           "strokes_to_channels"]


def _local_steps(points: np.ndarray, reach: float) -> np.ndarray:
    """Each segment's pen movement measured over ``reach`` of the stroke's length around it.

    Pen input is sampled on a pixel grid, so consecutive points of a slanting line step
    (3, 0), (0, 3), (3, 3): their own angles jump between bins. The chord across a short stretch
    of the path gives the direction the pen was going. A segment longer than ``reach`` keeps its
    own direction.
    """
    steps = np.diff(points, axis=0)
    if reach <= 0 or len(points) < 3:
        return steps
    along = np.concatenate([[0.0], np.cumsum(np.hypot(steps[:, 0], steps[:, 1]))])
    middle = (along[:-1] + along[1:]) / 2
    lo = np.clip(np.minimum(middle - reach / 2, along[:-1]), 0.0, along[-1])
    hi = np.clip(np.maximum(middle + reach / 2, along[1:]), 0.0, along[-1])
    at = [np.column_stack([np.interp(t, along, points[:, 0]), np.interp(t, along, points[:, 1])]) for t in (lo, hi)]
    return at[1] - at[0]


def direction_bins(points: np.ndarray, reach: float = 0.0) -> np.ndarray:
    """The direction bin (0..7) of each segment of one stroke's ``(n, 2+)`` points (y down); ``n - 1`` ints.

    ``reach`` (in the points' units) is how much of the path around a segment its direction is
    measured over; 0 takes each segment's own angle. A stroke without any length (one point, or
    every point the same) gives -1 for each segment.
    """
    steps = _local_steps(np.asarray(points, dtype=np.float64)[:, :2], reach)
    # y points down on screen: flip it so "up" is +90°.
    angles = np.degrees(np.arctan2(-steps[:, 1], steps[:, 0]))
    bins = np.floor((angles + 180.0 / DIRECTIONS) / (360.0 / DIRECTIONS)).astype(np.int64) % DIRECTIONS
    moving = np.hypot(steps[:, 0], steps[:, 1]) > 0
    if not moving.any():
        return np.full(len(steps), _NO_DIRECTION, dtype=np.int64)
    # Zero-length segments: the previous moving segment's bin, or the first one's at the start.
    last = np.maximum.accumulate(np.where(moving, np.arange(len(steps)), -1))
    last[last < 0] = int(np.argmax(moving))
    return bins[last]


@dataclass
class InkCanvases:
    """A drawing's supersampled canvases while its strokes are drawn one by one: the ink, and one
    canvas per direction bin (``by_bin`` None: the ink only, the image input's channel)."""

    place: stroke_renderer.Placement
    reach: float  # a segment's direction is measured over this much of the path (the strokes' units)
    ink: np.ndarray
    by_bin: list[np.ndarray] | None

    @classmethod
    def blank(cls, place: stroke_renderer.Placement, reach: float, directions: bool = True) -> "InkCanvases":
        bins = [stroke_renderer.blank_canvas(place) for _ in range(DIRECTIONS)] if directions else None
        return cls(place, reach, stroke_renderer.blank_canvas(place), bins)

    def copy(self) -> "InkCanvases":
        bins = None if self.by_bin is None else [c.copy() for c in self.by_bin]
        return InkCanvases(self.place, self.reach, self.ink.copy(), bins)

    def draw(self, stroke: np.ndarray) -> None:
        """Add one stroke (an :func:`~desktop.core.strokes.as_strokes` array) with the renderer's marks:
        every segment into the ink, and into the canvas of its direction."""
        path = stroke_renderer.pen_path(stroke, self.place)
        stroke_renderer.draw_start(self.ink, path)
        for i in range(len(stroke) - 1):
            stroke_renderer.draw_segment(self.ink, path, i)
        if self.by_bin is None:
            return
        bins = direction_bins(stroke, self.reach)
        if len(bins) and bins[0] != _NO_DIRECTION:
            stroke_renderer.draw_start(self.by_bin[bins[0]], path)
        for i, b in enumerate(bins):
            if b != _NO_DIRECTION:
                stroke_renderer.draw_segment(self.by_bin[b], path, i)

    def channels(self) -> np.ndarray:
        """The drawn canvases framed: float32 ``[80, 60, 9]`` (``[80, 60, 1]`` for the ink only)."""
        grey = _grey(self.ink, self.place)
        ink = stretch_to_input(tight_crop(grey))  # exactly frame_for_model, as strokes_to_input does
        if self.by_bin is None:
            return ink
        ys, xs = np.nonzero(grey < INK_THRESHOLD)  # the ink box tight_crop cut channel 0 to
        box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
        paper = np.full_like(ink, 255.0)  # a direction no segment took: bare paper, as drawing it would give
        return np.concatenate([ink] + [stretch_to_input(_grey(canvas, self.place)[box]) if canvas.any() else paper
                                       for canvas in self.by_bin], axis=-1)


def layout(strokes: Sequence[np.ndarray], pen_width: float = DEFAULT_PEN_WIDTH,
           reach: float = DIRECTION_REACH) -> tuple[list[np.ndarray], stroke_renderer.Placement, float]:
    """The strokes as drawn, where they land (the drawing's own render size and pen) and the
    direction reach in the strokes' units. Raises :class:`EmptyDrawing` when nothing is drawn."""
    points = [np.asarray(s, dtype=np.float64) for s in strokes if len(s) > 0]
    if not points:
        raise EmptyDrawing("there is nothing drawn yet: write a character first")
    x0, y0, x1, y1 = stroke_renderer.bounds(points)
    height, pen_width = render_size(points, pen_width)
    points = stroke_renderer.as_strokes(points)
    place = stroke_renderer.placement(points, height=height, pen_width=pen_width)
    return points, place, reach * max(x1 - x0, y1 - y0)


def _grey(canvas: np.ndarray, place: stroke_renderer.Placement) -> np.ndarray:
    return stroke_renderer.compose(stroke_renderer.canvas_coverage(canvas, place))


def strokes_to_channels(strokes: Sequence[np.ndarray], pen_width: float = DEFAULT_PEN_WIDTH,
                        reach: float = DIRECTION_REACH) -> np.ndarray:
    """Canvas strokes ((n, 2..4) arrays in canvas pixels, y down) -> float32 ``[80, 60, 9]`` grey 0..255.

    Channel 0 equals ``strokes_to_input(strokes, pen_width)``; channels 1..8 the same ink by
    direction (see the module's docstring), each segment's direction measured over ``reach`` (a
    fraction of the drawing's longer side) of the path around it. Raises :class:`EmptyDrawing` like
    ``strokes_to_input`` when nothing is drawn.
    """
    points, place, reach_units = layout(strokes, pen_width, reach)
    canvases = InkCanvases.blank(place, reach_units)
    for stroke in points:
        canvases.draw(stroke)
    return canvases.channels()

