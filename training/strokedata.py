"""Stroke centre-lines of characters from hanzi-writer-data (Make Me a Hanzi).

The vendored copy under ``assets/strokes/hanzi-writer-data`` holds a ``<char>.json`` file for each
of the 55 course characters and one bundle with the medians of the 3,755 GB2312 level-1
characters; a character without a file comes from the bundle (the values are the same for a
character in both). A user may point ``--strokes`` at the package's full data folder for more;
such a folder is read on its own, without the bundle.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from desktop.core.stroke_samples import StrokeDataError, bundled_characters, bundled_strokes, read_stroke_file
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


@lru_cache(maxsize=1)
def _bundled() -> frozenset[str]:
    try:
        return frozenset(bundled_characters())
    except StrokeDataError as exc:
        raise DataError(str(exc)) from exc


@lru_cache(maxsize=None)
def _load_bundled(char: str) -> tuple[np.ndarray, ...]:
    try:
        return tuple(bundled_strokes(char))
    except StrokeDataError as exc:
        raise DataError(str(exc)) from exc


@lru_cache(maxsize=None)
def _shipped_file(char: str) -> str | None:
    file = default_strokes_dir() / f"{char}.json"
    return str(file) if file.is_file() else None


def load_medians(char: str, strokes_dir: str | Path | None = None) -> list[np.ndarray]:
    """Stroke centre-lines of ``char`` in writing order, y pointing down (1024 box).

    From ``<char>.json`` in ``strokes_dir``; without ``strokes_dir``, from the shipped file, else
    from the shipped bundle of the GB2312 level-1 characters.
    """
    if not strokes_dir:  # the shipped data does not change while a process runs: look its files up once
        shipped = _shipped_file(char)
        if shipped:
            return [s.copy() for s in _load(shipped)]
        if char in _bundled():
            return [s.copy() for s in _load_bundled(char)]
    folder = Path(strokes_dir) if strokes_dir else default_strokes_dir()
    if not folder.is_dir():
        raise DataError(f"{folder}: stroke data folder not found")
    file = folder / f"{char}.json"
    if file.is_file():
        return [s.copy() for s in _load(str(file))]
    raise UnknownCharacterError(
        f"no stroke data for {char!r} in {folder}; point --strokes at a full copy of hanzi-writer-data"
    )


def available_characters(strokes_dir: str | Path | None = None) -> list[str]:
    """Every character with stroke data, sorted by code point: the folder's files (and, without
    ``strokes_dir``, the shipped bundle's characters)."""
    folder = Path(strokes_dir) if strokes_dir else default_strokes_dir()
    files = {p.stem for p in folder.glob("*.json") if len(p.stem) == 1}
    return sorted(files if strokes_dir else files | _bundled())
