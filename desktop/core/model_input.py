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
from desktop.core.direction_map import strokes_to_channels
from desktop.core.recognition import DEFAULT_PEN_WIDTH, strokes_to_input

__all__ = ["DrawingInput", "frame_strokes"]


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
