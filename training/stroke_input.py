"""A synthetic writer's sample as a stroke model reads it: ink plus eight direction channels.

The writer's pen strokes (:func:`training.writers.pen_strokes`) are scaled to a natural canvas
size, then framed by :func:`desktop.core.direction_map.strokes_to_channels`, the function the
Write panel and ``recognize`` use for real pen input, so training and the app see one framing.
"""

from __future__ import annotations

import math

import numpy as np

from desktop.core.direction_map import strokes_to_channels

from .synth import SynthParams
from .writers import PEN_JITTER, WRITER_VARIATION, WriterStyle, pen_strokes


def canvas_strokes(strokes: list[np.ndarray], pen_fraction: float, height: float) -> tuple[list[np.ndarray], float]:
    """Strokes scaled so the drawing, pen included, is ``height`` canvas pixels tall; and the pen width.

    The drawing keeps its proportions; a very flat one (a single horizontal) is scaled by its
    width instead of being blown up to the full height.
    """
    pen = pen_fraction * height
    pts = np.concatenate([s[:, :2] for s in strokes])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    scale = max(height - pen, 1.0) / max(y1 - y0, 0.05 * (x1 - x0), 1e-6)
    out = []
    for s in strokes:
        s = np.array(s, dtype=np.float64)
        s[:, 0], s[:, 1] = (s[:, 0] - x0) * scale, (s[:, 1] - y0) * scale
        out.append(s)
    return out, pen


def stroke_drawing(medians, writer: WriterStyle, rng: np.random.Generator,
                   params: SynthParams = WRITER_VARIATION) -> tuple[list[np.ndarray], float]:
    """The character of ``medians`` written on a canvas in ``writer``'s hand: its strokes and the pen width.

    The same random draws as :func:`training.writers.draw_character` up to the pen width; the
    drawing's height in canvas pixels is drawn from ``params.height_px``.
    """
    strokes = pen_strokes(medians, writer, rng, params)
    pen_fraction = writer.pen_width * math.exp(rng.normal(0.0, PEN_JITTER))
    low, high = params.height_px
    return canvas_strokes(strokes, pen_fraction, float(rng.integers(low, high + 1)))


def stroke_sample(medians, writer: WriterStyle, rng: np.random.Generator,
                  params: SynthParams = WRITER_VARIATION) -> np.ndarray:
    """One sample of :func:`stroke_drawing` as the stroke model reads it: uint8 ``[80, 60, 9]``."""
    scaled, pen = stroke_drawing(medians, writer, rng, params)
    return np.clip(np.rint(strokes_to_channels(scaled, pen_width=pen)), 0, 255).astype(np.uint8)
