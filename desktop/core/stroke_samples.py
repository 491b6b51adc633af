"""Stroke centre-lines of the shipped characters, for drawing a sample character on the canvas.

The data is the vendored ``hanzi-writer-data`` (Make Me a Hanzi): ``medians`` in a 1024 box with
y pointing up; ``y' = 900 - y`` turns them y-down into the box 0..1024.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .contract import assets_dir

BOX = 1024.0
Y_FLIP = 900.0


class StrokeDataError(ValueError):
    """No usable stroke data for a character; the message says which file and why."""


def strokes_dir() -> Path:
    return assets_dir() / "strokes" / "hanzi-writer-data"


def read_stroke_file(path: str | Path) -> list[np.ndarray]:
    """All strokes of one hanzi-writer-data file: ``(n, 2)`` x, y arrays, y down, in the 1024 box.

    The one reader of this format: the training package's synthesiser and the app's sample
    drawings see the same strokes and the same errors.
    """
    path = Path(path)
    try:
        medians = json.loads(path.read_text(encoding="utf-8"))["medians"]
        strokes = [np.array([[float(x), Y_FLIP - float(y)] for x, y in m], dtype=np.float64) for m in medians]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise StrokeDataError(f"{path}: not a readable hanzi-writer-data stroke file "
                              f"({type(exc).__name__}: {exc})") from None
    if not strokes or any(len(s) == 0 for s in strokes):
        raise StrokeDataError(f"{path}: the character has no stroke centre-lines")
    if not all(np.isfinite(s).all() and np.abs(s).max() <= 1e6 for s in strokes):
        raise StrokeDataError(f"{path}: stroke coordinates must be finite numbers in the 1024 box")
    return strokes


def character_strokes(char: str, folder: str | Path | None = None) -> list[np.ndarray]:
    """The strokes of ``char`` in writing order: ``(n, 2)`` x, y arrays, y down, in the 1024 box."""
    folder = Path(folder) if folder is not None else strokes_dir()
    path = folder / f"{char}.json"
    if len(char) != 1 or not path.is_file():
        raise StrokeDataError(f"there is no stroke data for \u201c{char}\u201d in {folder}")
    return read_stroke_file(path)


def fit_to_square(strokes: list[np.ndarray], left: float, top: float, side: float) -> list[np.ndarray]:
    """Strokes of the 1024 box scaled into the square at (``left``, ``top``) with ``side`` pixels."""
    scale = side / BOX
    return [np.column_stack([left + s[:, 0] * scale, top + s[:, 1] * scale]) for s in strokes]
