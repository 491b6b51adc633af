"""Stroke centre-lines of the shipped characters, for drawing a sample character on the canvas.

The data is the vendored ``hanzi-writer-data`` (Make Me a Hanzi): ``medians`` in a 1024 box with
y pointing up; ``y' = 900 - y`` turns them y-down into the box 0..1024. It comes in two forms, with
the same values: one ``<char>.json`` file per course character, and one compressed bundle with the
medians of the 3,755 GB2312 level-1 characters, read (once) only when a character without its own
file is asked for.
"""

from __future__ import annotations

import gzip
import json
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from .contract import assets_dir

BOX = 1024.0
Y_FLIP = 900.0
MEDIANS_BUNDLE = "gb2312-1-medians.json.gz"


class StrokeDataError(ValueError):
    """No usable stroke data for a character; the message says which file and why."""


def strokes_dir() -> Path:
    return assets_dir() / "strokes" / "hanzi-writer-data"


def medians_bundle_path() -> Path:
    return strokes_dir() / MEDIANS_BUNDLE


def strokes_from_medians(medians, where: str) -> list[np.ndarray]:
    """hanzi-writer-data ``medians`` (y up) as ``(n, 2)`` x, y arrays, y down, in the 1024 box."""
    try:
        strokes = [np.array([[float(x), Y_FLIP - float(y)] for x, y in m], dtype=np.float64) for m in medians]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise StrokeDataError(f"{where}: not readable hanzi-writer-data stroke data "
                              f"({type(exc).__name__}: {exc})") from None
    if not strokes or any(len(s) == 0 for s in strokes):
        raise StrokeDataError(f"{where}: the character has no stroke centre-lines")
    if not all(np.isfinite(s).all() and np.abs(s).max() <= 1e6 for s in strokes):
        raise StrokeDataError(f"{where}: stroke coordinates must be finite numbers in the 1024 box")
    return strokes


def read_stroke_file(path: str | Path) -> list[np.ndarray]:
    """All strokes of one hanzi-writer-data file: ``(n, 2)`` x, y arrays, y down, in the 1024 box.

    The one reader of this format: the training package's synthesiser and the app's sample
    drawings see the same strokes and the same errors.
    """
    path = Path(path)
    try:
        medians = json.loads(path.read_text(encoding="utf-8"))["medians"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise StrokeDataError(f"{path}: not a readable hanzi-writer-data stroke file "
                              f"({type(exc).__name__}: {exc})") from None
    return strokes_from_medians(medians, str(path))


def read_medians_bundle(path: str | Path) -> dict[str, list]:
    """A medians bundle: ``char -> medians`` as in the per-character files (y up), in its order."""
    path = Path(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as text:
            medians = json.load(text)["medians"]
        if not isinstance(medians, dict):
            raise TypeError("'medians' is not an object")
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise StrokeDataError(f"{path}: not a readable stroke data bundle ({type(exc).__name__}: {exc})") from None
    return medians


@lru_cache(maxsize=1)
def _shipped_bundle() -> dict[str, list]:
    return read_medians_bundle(medians_bundle_path())


def bundled_characters() -> list[str]:
    """The characters of the shipped bundle (GB2312 level 1), in GB2312 order."""
    return list(_shipped_bundle())


def bundled_strokes(char: str) -> list[np.ndarray]:
    """The strokes of ``char`` from the shipped bundle, like :func:`read_stroke_file` gives them."""
    medians = _shipped_bundle().get(char) if isinstance(char, str) else None
    if medians is None:
        raise StrokeDataError(f"there is no stroke data for \u201c{char}\u201d in {medians_bundle_path()}")
    return strokes_from_medians(medians, f"{medians_bundle_path()} ({char})")


def character_strokes(char: str, folder: str | Path | None = None) -> list[np.ndarray]:
    """The strokes of ``char`` in writing order: ``(n, 2)`` x, y arrays, y down, in the 1024 box.

    From ``folder``'s ``<char>.json``; without a ``folder``, from the shipped file, else from the
    shipped bundle (the 3,755 GB2312 level-1 characters).
    """
    shipped = folder is None
    folder = Path(folder) if folder is not None else strokes_dir()
    path = folder / f"{char}.json"
    if len(char) == 1 and path.is_file():
        return read_stroke_file(path)
    if shipped and len(char) == 1 and char in _shipped_bundle():
        return bundled_strokes(char)
    raise StrokeDataError(f"there is no stroke data for \u201c{char}\u201d in {folder}")


def fit_to_square(strokes: list[np.ndarray], left: float, top: float, side: float) -> list[np.ndarray]:
    """Strokes of the 1024 box scaled into the square at (``left``, ``top``) with ``side`` pixels."""
    scale = side / BOX
    return [np.column_stack([left + s[:, 0] * scale, top + s[:, 1] * scale]) for s in strokes]
