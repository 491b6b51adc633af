"""Stroke centre-lines of characters from hanzi-writer-data (Make Me a Hanzi).

The vendored copy under ``assets/strokes/hanzi-writer-data`` holds the 55 course characters; a
user may point ``--strokes`` at the package's full data folder for more.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from desktop.core.stroke_samples import StrokeDataError, read_stroke_file
from desktop.core.stroke_samples import strokes_dir as shipped_strokes_dir

from .errors import DataError, UnknownCharacterError


def default_strokes_dir() -> Path:
    return shipped_strokes_dir()


@lru_cache(maxsize=None)
def _load(path: str) -> tuple[np.ndarray, ...]:
    try:
        return tuple(read_stroke_file(path))
    except StrokeDataError as exc:
        raise DataError(str(exc)) from exc


def load_medians(char: str, strokes_dir: str | Path | None = None) -> list[np.ndarray]:
    """Stroke centre-lines of ``char`` in writing order, y pointing down (1024 box)."""
    folder = Path(strokes_dir) if strokes_dir else default_strokes_dir()
    if not folder.is_dir():
        raise DataError(f"{folder}: stroke data folder not found")
    file = folder / f"{char}.json"
    if not file.is_file():
        raise UnknownCharacterError(
            f"no stroke data for {char!r} in {folder}; point --strokes at a full copy of hanzi-writer-data"
        )
    return [s.copy() for s in _load(str(file))]


def available_characters(strokes_dir: str | Path | None = None) -> list[str]:
    folder = Path(strokes_dir) if strokes_dir else default_strokes_dir()
    return sorted(p.stem for p in folder.glob("*.json") if len(p.stem) == 1)
