"""CASIA-HWDB offline character files (``.gnt``): read and write.

A ``.gnt`` file is a run of records, all little-endian:

======  =====================  ==================================================
bytes   field                  meaning
======  =====================  ==================================================
4       uint32 sample size     the whole record, this field included: 10 + w * h
2       tag code               the character's GB2312/GBK bytes, first byte first
2       uint16 width           w
2       uint16 height          h
w * h   uint8 bitmap           row-major, 255 = paper, darker = ink
======  =====================  ==================================================

The tag is the GB code's bytes in reading order (啊 = GB ``B0A1`` is stored ``B0 A1``), unlike
the ``.pot`` tag of the online files, which is a little-endian number (see the training
package's ``.pot`` reader).
Tag codes outside GB2312 are read and written as GBK (a superset): the HWDB character sets hold
a few hundred GBK-only characters. A one-byte (ASCII) character is written as its byte followed
by a zero byte; the zero byte is ignored on either side when reading.

Readers yield only good records. A bad record is skipped with ``strict=False`` (its
``(file#index, reason)`` goes into the optional ``skipped`` list) and raises
:class:`RecordFileError` naming the file and record with ``strict=True``.

Shared by the app (the dataset explorer) and the training package, so it needs numpy only.
"""

from __future__ import annotations

import logging
import os
import struct
import unicodedata
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

import numpy as np

logger = logging.getLogger(__name__)

HEADER = struct.Struct("<I2sHH")  # sample size, tag code, width, height


class RecordFileError(ValueError):
    """A CASIA record file that is missing, not a file, or corrupt; the message names it."""


def char_from_tag(tag: bytes) -> str:
    """GB2312 (or GBK) code bytes, first byte first -> the character; zero padding is ignored.

    Raises ValueError when the bytes are not one GB2312/GBK character (control codes excluded).
    """
    code = tag.strip(b"\x00")
    if not code:
        raise ValueError(f"empty tag code {tag.hex(' ') or '(no bytes)'}")
    for encoding in ("gb2312", "gbk"):
        try:
            char = code.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(char) == 1 and unicodedata.category(char) != "Cc":  # a control code is never a written sample
            return char
    raise ValueError(f"tag code {tag.hex(' ')} is not a GB2312/GBK character")


def tag_from_char(char: str, size: int) -> bytes:
    """A character -> its GB2312 (else GBK) bytes, zero-padded to ``size`` bytes."""
    if not isinstance(char, str) or len(char) != 1:
        raise ValueError(f"a tag must be one character, got {char!r}")
    for encoding in ("gb2312", "gbk"):
        try:
            code = char.encode(encoding)
        except UnicodeEncodeError:
            continue
        return code.ljust(size, b"\x00")
    raise ValueError(f"{char!r} (U+{ord(char):04X}) has no GB2312/GBK code, so it cannot be stored in a CASIA file")


class RecordProblems:
    """Collects bad records: raises ``error`` at once when strict, else remembers ``(source, reason)``."""

    #: The exception raised in strict mode; a caller's package may substitute its own.
    error: type[Exception] = RecordFileError

    def __init__(self, path: Path, strict: bool, skipped: list[tuple[str, str]] | None):
        self.path = path
        self.strict = strict
        self.skipped = skipped
        self.count = 0

    def report(self, index: int, reason: str) -> None:
        if self.strict:
            raise self.error(f"{self.path}: record {index}: {reason}")
        self.count += 1
        if self.skipped is not None:
            self.skipped.append((f"{self.path}#{index}", reason))

    def warn_if_any(self, kind: str) -> None:
        if self.count:
            logger.warning("%s: skipped %d corrupt %s record(s)", self.path, self.count, kind)


def open_record_file(path: str | Path, suffix: str) -> tuple[Path, BinaryIO]:
    """Open a CASIA record file, turning the usual mistakes into a RecordFileError naming it."""
    path = Path(path)
    if not path.exists():
        raise RecordFileError(f"{path} does not exist")
    if path.is_dir():
        raise RecordFileError(f"{path} is a folder, not a {suffix} file")
    try:
        return path, open(path, "rb")
    except OSError as exc:
        raise RecordFileError(f"cannot open {path}: {exc.strerror or exc}") from exc


def iter_gnt(
    path: str | Path,
    *,
    strict: bool = False,
    skipped: list[tuple[str, str]] | None = None,
    problems_type: type[RecordProblems] = RecordProblems,
) -> Iterator[tuple[int, str, np.ndarray]]:
    """``(record index, character, bitmap)`` for each good record of a ``.gnt`` file.

    The bitmap is uint8 ``[height, width]``, 255 = paper. Records whose declared size disagrees
    with their width and height, or that are cut short, end the file: nothing after them can be
    located reliably. Records are read one at a time, so a file of any size streams.
    """
    path, f = open_record_file(path, ".gnt")
    problems = problems_type(path, strict, skipped)
    with f:
        file_size = os.fstat(f.fileno()).st_size
        index = 0
        while True:
            header = f.read(HEADER.size)
            if not header:
                break
            if len(header) < HEADER.size:
                problems.report(index, f"truncated header ({len(header)} of {HEADER.size} bytes)")
                break
            size, tag, width, height = HEADER.unpack(header)
            if size != HEADER.size + width * height:
                problems.report(
                    index,
                    f"inconsistent record: sample size {size} but {width}x{height} bitmap needs "
                    f"{HEADER.size + width * height} bytes; the rest of the file was not read",
                )
                break
            left = file_size - f.tell()
            if left < width * height:  # checked first: a damaged header must not make us allocate 4 GB
                problems.report(index, f"truncated bitmap ({max(left, 0)} of {width * height} bytes)")
                break
            bitmap = f.read(width * height)
            if len(bitmap) < width * height:
                problems.report(index, f"truncated bitmap ({len(bitmap)} of {width * height} bytes)")
                break
            try:
                char = char_from_tag(tag)
            except ValueError as exc:
                problems.report(index, str(exc))
            else:
                if width == 0 or height == 0:
                    problems.report(index, f"empty {width}x{height} bitmap")
                else:
                    yield index, char, np.frombuffer(bitmap, np.uint8).reshape(height, width)
            index += 1
    problems.warn_if_any(".gnt")


def read_gnt(path: str | Path, *, strict: bool = False) -> Iterator[tuple[str, np.ndarray]]:
    """``(character, uint8 bitmap [h, w], 255 = paper)`` for each good record of a ``.gnt`` file."""
    for _, char, bitmap in iter_gnt(path, strict=strict):
        yield char, bitmap


def write_gnt(path: str | Path, samples: Iterable[tuple[str, np.ndarray]]) -> None:
    """Write ``(character, uint8 bitmap [h, w])`` samples as a ``.gnt`` file (255 = paper)."""
    path = Path(path)
    with open(path, "wb") as f:
        for i, (char, bitmap) in enumerate(samples):
            bitmap = np.asarray(bitmap)
            if bitmap.ndim == 3 and bitmap.shape[2] == 1:
                bitmap = bitmap[..., 0]
            if bitmap.ndim != 2 or bitmap.dtype != np.uint8:
                raise ValueError(f"{path}: sample {i}: the bitmap must be 2-D uint8, got {bitmap.dtype} {bitmap.shape}")
            height, width = bitmap.shape
            if not (0 < width <= 0xFFFF and 0 < height <= 0xFFFF):
                raise ValueError(f"{path}: sample {i}: a {width}x{height} bitmap does not fit a .gnt record")
            try:
                tag = tag_from_char(char, 2)
            except ValueError as exc:
                raise ValueError(f"{path}: sample {i}: {exc}") from None
            if len(tag) != 2:
                raise ValueError(f"{path}: sample {i}: {char!r} needs {len(tag)} bytes, a .gnt tag holds 2")
            f.write(HEADER.pack(HEADER.size + width * height, tag, width, height))
            f.write(np.ascontiguousarray(bitmap).tobytes())
