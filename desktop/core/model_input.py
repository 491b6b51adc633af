"""One drawing framed for every kind of character model: the image, and the pen's directions.

Image models read the picture of a character (``[80, 60, 1]``); stroke models (metadata
``input_kind`` = ``strokes``) also read which way the pen moved (``[80, 60, 9]``, see
:mod:`desktop.core.direction_map`). A drawing written on the canvas, or read from a stroke file,
gives both; an image file gives only the picture, so a stroke model has nothing to read from it.
Qt-free: numpy + OpenCV.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from desktop.core.contract import IMAGE_KIND, STROKES_KIND
from desktop.core.direction_map import InkCanvases, layout, strokes_to_channels
from desktop.core.recognition import DEFAULT_PEN_WIDTH, strokes_to_input

__all__ = ["DrawingFramer", "DrawingInput", "frame_strokes"]


class DrawingInput(NamedTuple):
    """The model inputs of one drawing (float32, grey 0..255, white paper)."""

    image: np.ndarray  # [80, 60, 1]
    strokes: np.ndarray | None = None  # [80, 60, 9]: ink + 8 directions; None for a picture (no pen known)

    def for_kind(self, kind: str) -> np.ndarray | None:
        """The input a model of ``kind`` reads (``image`` or ``strokes``), or None when this drawing has none."""
        if kind == IMAGE_KIND:
            return self.image
        if kind == STROKES_KIND:
            return self.strokes
        raise ValueError(f"unknown input kind {kind!r}")


def frame_strokes(strokes: Sequence[np.ndarray], pen_width: float = DEFAULT_PEN_WIDTH, *,
                  directions: bool = True) -> DrawingInput:
    """Canvas strokes -> the image input, and with ``directions`` the stroke models' nine channels.

    The image is exactly :func:`strokes_to_input` (channel 0 of the nine is the same array), so
    image models answer the same whether or not the directions are drawn too. Raises
    :class:`~desktop.core.framing.EmptyDrawing` when nothing is drawn.
    """
    if not directions:
        return DrawingInput(strokes_to_input(strokes, pen_width))
    channels = strokes_to_channels(strokes, pen_width)
    return DrawingInput(np.ascontiguousarray(channels[..., :1]), channels)


class DrawingFramer:
    """:func:`frame_strokes` for a drawing that grows while it is written, bit for bit, sooner.

    Asked about the same drawing again and again as the pen moves, it keeps the canvases of every
    stroke but the last (drawn at the drawing's last placement) and, while the new strokes start
    with those and land in the same place (the drawing's box has not grown), draws only the strokes
    after them. Drawing the pen's segments is most of the framing's time, so at pen-up, when only
    the last stroke is new, the nine channels are ready in about half the time. One framer per
    thread: it keeps state between calls.
    """

    def __init__(self) -> None:
        self._kept_key: tuple | None = None
        self._kept_strokes: list[np.ndarray] = []
        self._kept: InkCanvases | None = None
        self.strokes_drawn = 0  # how many strokes it has drawn, for tests and benchmarks

    def frame(self, strokes: Sequence[np.ndarray], pen_width: float = DEFAULT_PEN_WIDTH, *,
              directions: bool = True) -> DrawingInput:
        """Exactly ``frame_strokes(strokes, pen_width, directions=directions)``."""
        points, place, reach = layout(strokes, pen_width)
        key = (place, reach, directions)
        start = self._reusable(key, points)
        canvases = self._kept.copy() if start else InkCanvases.blank(place, reach, directions)
        for stroke in points[start:-1]:
            canvases.draw(stroke)
        if len(points) - 1 > start:  # the finished strokes changed: keep them for the next call
            self._kept_key, self._kept_strokes, self._kept = key, points[:-1], canvases.copy()
        canvases.draw(points[-1])
        self.strokes_drawn += len(points) - start
        channels = canvases.channels()
        return DrawingInput(np.ascontiguousarray(channels[..., :1]), channels) if directions else DrawingInput(channels)

    def _reusable(self, key: tuple, points: list[np.ndarray]) -> int:
        """How many leading strokes of ``points`` the kept canvases hold (0: none can be used)."""
        kept = self._kept_strokes
        if self._kept is None or key != self._kept_key or not 0 < len(kept) < len(points):
            return 0
        if all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(kept, points)):
            return len(kept)
        return 0
