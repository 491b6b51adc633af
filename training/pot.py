"""CASIA-OLHWDB online character files (``.pot``): read and write pen strokes.

A ``.pot`` file is a run of records, all little-endian:

=========  ==================  ===========================================================
bytes      field               meaning
=========  ==================  ===========================================================
2          uint16 sample size  the whole record, this field included
4          tag code            the character's GB2312/GBK code as a little-endian number:
                               the two code bytes in reverse order, then two zero bytes
                               (啊 = GB ``B0A1`` is stored ``A1 B0 00 00``); an ASCII character
                               is the number ``byte << 8`` (``!`` is stored ``00 21 00 00``)
2          uint16 strokes      number of strokes
4 each     int16 x, int16 y    points of stroke 1, then the stroke end marker (-1, 0),
                               stroke 2 and its marker, ...
4          (-1, -1)            end of the character
=========  ==================  ===========================================================

So the sample size is ``8 + 4 * (points + strokes + 1)``. Coordinates are tablet units with
y pointing down. The tag differs from the ``.gnt`` tag (:mod:`desktop.core.gnt`), whose GB bytes
are stored first byte first; reading a ``.pot`` tag that way would swap the bytes, which usually
gives another valid character, so a wrong order mislabels silently instead of failing. The
OLHWDB character sets are printable ASCII symbols, GB2312 and a few hundred GBK-only
characters, all one or two GB bytes; a tag whose last two bytes are not zero is a bad record.

Bad records are handled as in :mod:`training.gnt`. A record whose declared size is sound is
skipped on its own; one whose size field is unusable ends the file.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from .gnt import RecordProblems, char_from_tag, open_record_file, tag_from_char

_SIZE = struct.Struct("<H")
_HEAD = struct.Struct("<4sH")  # tag code, stroke count
_STROKE_END = (-1, 0)
_CHAR_END = (-1, -1)
_MIN_SIZE = _SIZE.size + _HEAD.size + 4  # a record with no points: just the end marker
_MAX_SIZE = 0xFFFF


def char_from_pot_tag(tag: bytes) -> str:
    """The 4 tag bytes of a ``.pot`` record -> the character; ValueError when they are not one."""
    if len(tag) != 4 or tag[2:] != b"\x00\x00":
        raise ValueError(f"tag code {tag.hex(' ')} does not end with two zero bytes")
    # A little-endian number whose big-endian bytes are the GB code; an ASCII code ends with a
    # zero byte, which char_from_tag ignores.
    return char_from_tag(tag[1::-1])


def pot_tag_from_char(char: str) -> bytes:
    """A character -> the 4 tag bytes of a ``.pot`` record (see the module docstring)."""
    code = tag_from_char(char, 2)
    if len(code) != 2:
        raise ValueError(f"{char!r} needs {len(code)} GB bytes; a .pot tag holds 2")
    return code[::-1] + b"\x00\x00"


def _parse_points(body: bytes, stroke_count: int) -> list[np.ndarray] | str:
    """Split the point block into strokes, or return why it is inconsistent."""
    if len(body) % 4:
        return f"point data of {len(body)} bytes is not a whole number of (x, y) points"
    points = np.frombuffer(body, "<i2").reshape(-1, 2).astype(np.int32)
    is_char_end = (points[:, 0] == _CHAR_END[0]) & (points[:, 1] == _CHAR_END[1])
    if not len(points) or not is_char_end[-1]:
        return "the record does not end with the end-of-character marker (-1, -1)"
    if is_char_end[:-1].any():
        return "an end-of-character marker (-1, -1) appears before the end of the record"
    points = points[:-1]
    ends = np.flatnonzero((points[:, 0] == _STROKE_END[0]) & (points[:, 1] == _STROKE_END[1]))
    if len(ends) != stroke_count:
        return f"the header says {stroke_count} strokes but the record holds {len(ends)} stroke end markers"
    if stroke_count == 0:
        return "the record holds no strokes"
    if ends[-1] != len(points) - 1:
        return "points follow the last stroke end marker"
    starts = np.concatenate([[0], ends[:-1] + 1])
    return [points[a:b].astype(np.float64) for a, b in zip(starts, ends)]


def iter_pot(
    path: str | Path, *, strict: bool = False, skipped: list[tuple[str, str]] | None = None
) -> Iterator[tuple[int, str, list[np.ndarray]]]:
    """``(record index, character, strokes)`` for each good record of a ``.pot`` file.

    Each stroke is a float64 ``(n, 2)`` array of ``x, y`` (y down), as
    :func:`desktop.core.strokes.render` takes them.
    """
    path, f = open_record_file(path, ".pot")
    problems = RecordProblems(path, strict, skipped)
    with f:
        index = 0
        while True:
            head = f.read(_SIZE.size)
            if not head:
                break
            if len(head) < _SIZE.size:
                problems.report(index, "truncated sample size field")
                break
            (size,) = _SIZE.unpack(head)
            if size < _MIN_SIZE:
                problems.report(
                    index, f"inconsistent record: sample size {size} is below the minimum {_MIN_SIZE}; "
                    "the rest of the file was not read"
                )
                break
            rest = f.read(size - _SIZE.size)
            if len(rest) < size - _SIZE.size:
                problems.report(index, f"truncated record ({len(rest) + _SIZE.size} of {size} bytes)")
                break
            tag, stroke_count = _HEAD.unpack_from(rest)
            strokes = _parse_points(rest[_HEAD.size :], stroke_count)
            if isinstance(strokes, str):
                problems.report(index, f"inconsistent record: {strokes}")
            else:
                try:
                    char = char_from_pot_tag(tag)
                except ValueError as exc:
                    problems.report(index, str(exc))
                else:
                    yield index, char, strokes
            index += 1
    problems.warn_if_any(".pot")


def read_pot(path: str | Path, *, strict: bool = False) -> Iterator[tuple[str, list[np.ndarray]]]:
    """``(character, strokes)`` for each good record of a ``.pot`` file; see :func:`iter_pot`."""
    for _, char, strokes in iter_pot(path, strict=strict):
        yield char, strokes


def _encode_strokes(strokes: Sequence[np.ndarray], where: str) -> bytes:
    chunks = []
    for s in strokes:
        s = np.asarray(s, dtype=np.float64)
        if s.size == 0:
            s = s.reshape(0, 2)
        if s.ndim != 2 or s.shape[1] < 2:
            raise ValueError(f"{where}: a stroke must be an (n, 2) array of x, y, got shape {s.shape}")
        xy = np.rint(s[:, :2])
        if (xy < -0x8000).any() or (xy > 0x7FFF).any():
            raise ValueError(f"{where}: coordinates must fit int16 (-32768..32767)")
        xy = xy.astype("<i2")
        reserved = (xy[:, 0] == -1) & ((xy[:, 1] == 0) | (xy[:, 1] == -1))
        if reserved.any():
            raise ValueError(f"{where}: the points (-1, 0) and (-1, -1) are reserved for end markers")
        chunks.append(xy.tobytes())
        chunks.append(np.array(_STROKE_END, "<i2").tobytes())
    chunks.append(np.array(_CHAR_END, "<i2").tobytes())
    return b"".join(chunks)


def write_pot(path: str | Path, samples: Iterable[tuple[str, Sequence[np.ndarray]]]) -> None:
    """Write ``(character, strokes)`` samples as a ``.pot`` file; coordinates are rounded to int16."""
    path = Path(path)
    with open(path, "wb") as f:
        for i, (char, strokes) in enumerate(samples):
            where = f"{path}: sample {i}"
            try:
                tag = pot_tag_from_char(char)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            if not strokes:
                raise ValueError(f"{where}: a character needs at least one stroke")
            points = _encode_strokes(strokes, where)
            size = _SIZE.size + _HEAD.size + len(points)
            if size > _MAX_SIZE:
                raise ValueError(f"{where}: {size} bytes of strokes exceed the 65535-byte .pot record limit")
            f.write(_SIZE.pack(size) + _HEAD.pack(tag, len(strokes)) + points)
