"""Stroke centre-lines of characters from hanzi-writer-data (Make Me a Hanzi).

The vendored copy under ``assets/strokes/hanzi-writer-data`` holds the 55 course characters; a
user may point ``--strokes`` at the package's full data folder for more.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from desktop.core.contract import assets_dir

from .errors import DataError, UnknownCharacterError

#: Make Me a Hanzi medians live in a 1024 box with y pointing up; y' = 900 - y turns them y-down.
Y_FLIP = 900.0


def default_strokes_dir() -> Path:
    return assets_dir() / "strokes" / "hanzi-writer-data"


@lru_cache(maxsize=None)
def _load(path: str) -> tuple[np.ndarray, ...]:
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        medians = data["medians"]
        strokes = tuple(np.array([[x, Y_FLIP - y] for x, y in m], dtype=np.float64) for m in medians)
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise DataError(f"{file}: not a readable hanzi-writer-data stroke file ({type(exc).__name__}: {exc})") from exc
    if not strokes or any(len(s) == 0 for s in strokes):
        raise DataError(f"{file}: the character has no stroke centre-lines")
    if not all(np.isfinite(s).all() and np.abs(s).max() <= 1e6 for s in strokes):
        raise DataError(f"{file}: stroke coordinates must be finite numbers in the 1024 box")
    return strokes


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
