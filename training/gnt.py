"""CASIA-HWDB offline character files (``.gnt``) for the training package.

The format and the reader live in :mod:`desktop.core.gnt` (the app's dataset explorer reads the
same files); this module re-exports them and raises :class:`~training.errors.DataError`, like
every other data problem in training.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

from desktop.core import gnt as _core
from desktop.core.gnt import char_from_tag, tag_from_char, write_gnt

from .errors import DataError

__all__ = ["RecordProblems", "char_from_tag", "iter_gnt", "open_record_file", "read_gnt", "tag_from_char", "write_gnt"]


class RecordProblems(_core.RecordProblems):
    """Bad records raise DataError when strict (see :class:`desktop.core.gnt.RecordProblems`)."""

    error = DataError


def open_record_file(path: str | Path, suffix: str) -> tuple[Path, BinaryIO]:
    """Open a CASIA record file; the usual mistakes become a DataError naming it."""
    try:
        return _core.open_record_file(path, suffix)
    except _core.RecordFileError as exc:
        raise DataError(str(exc)) from exc


def iter_gnt(
    path: str | Path, *, strict: bool = False, skipped: list[tuple[str, str]] | None = None
) -> Iterator[tuple[int, str, np.ndarray]]:
    """``(record index, character, bitmap)`` for each good record (see :func:`desktop.core.gnt.iter_gnt`)."""
    try:
        yield from _core.iter_gnt(path, strict=strict, skipped=skipped, problems_type=RecordProblems)
    except _core.RecordFileError as exc:
        raise DataError(str(exc)) from exc


def read_gnt(path: str | Path, *, strict: bool = False) -> Iterator[tuple[str, np.ndarray]]:
    """``(character, uint8 bitmap [h, w], 255 = paper)`` for each good record of a ``.gnt`` file."""
    for _, char, bitmap in iter_gnt(path, strict=strict):
        yield char, bitmap
