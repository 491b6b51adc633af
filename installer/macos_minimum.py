"""The oldest macOS a set of Mach-O binaries runs on, read from their load commands.

Every library and extension module in the app declares the oldest macOS it supports: the ``minos``
of its ``LC_BUILD_VERSION`` command (or the version of an older ``LC_VERSION_MIN_MACOSX``). The
app runs only where all of them do, so ``LSMinimumSystemVersion`` must be their maximum; the
wheels a build resolves decide it (onnxruntime, numpy and OpenCV each raise it from time to
time), so the build reads it instead of anyone writing it by hand.

Layout (Apple's ``<mach-o/loader.h>`` and ``<mach-o/fat.h>``): a fat file starts with the
big-endian magic ``0xcafebabe`` (``0xcafebabf`` for 64-bit offsets) and a table of slices; a
slice starts with ``0xfeedfacf`` (64-bit) or ``0xfeedface`` (32-bit) in its own byte order, then
``ncmds`` load commands of ``cmd, cmdsize`` each. Pure Python: runs on the Linux tests too.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

FAT_MAGIC, FAT_MAGIC_64 = 0xCAFEBABE, 0xCAFEBABF
MH_MAGIC, MH_MAGIC_64 = 0xFEEDFACE, 0xFEEDFACF
LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX = 0x32, 0x24
LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB = 0xC, 0x80000018, 0x8000001F
PLATFORM_MACOS = 1
CPU_NAMES = {0x01000007: "x86_64", 0x0100000C: "arm64", 7: "i386"}
#: A header may not claim more than this much of load commands (real ones are a few kilobytes).
MAX_COMMANDS_BYTES = 1 << 20


class MachOError(ValueError):
    """Not a Mach-O file, or one whose headers contradict themselves."""


@dataclass
class Slice:
    arch: str
    minimum: tuple[int, int, int] | None = None  # the oldest macOS, or None when the slice says nothing
    dylibs: list[str] = field(default_factory=list)


def _version(packed: int) -> tuple[int, int, int]:
    return packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF


def _read_slice(data: bytes, start: int, where: str) -> Slice:
    if len(data) < start + 28:
        raise MachOError(f"{where}: truncated Mach-O header")
    for order in ("<", ">"):
        (magic,) = struct.unpack_from(order + "I", data, start)
        if magic in (MH_MAGIC, MH_MAGIC_64):
            break
    else:
        raise MachOError(f"{where}: not a Mach-O file")
    cputype, _sub, _filetype, ncmds, sizeofcmds = struct.unpack_from(order + "iIIII", data, start + 4)
    offset = start + (32 if magic == MH_MAGIC_64 else 28)
    if sizeofcmds > MAX_COMMANDS_BYTES or offset + sizeofcmds > len(data) or ncmds > sizeofcmds // 8:
        raise MachOError(f"{where}: load commands run past the end of the file")
    found = Slice(CPU_NAMES.get(cputype & 0xFFFFFFFF, f"cpu {cputype:#x}"))
    end = offset + sizeofcmds
    for _ in range(ncmds):
        if offset + 8 > end:
            raise MachOError(f"{where}: truncated load command")
        cmd, size = struct.unpack_from(order + "II", data, offset)
        if size < 8 or offset + size > end:
            raise MachOError(f"{where}: a load command of {size} bytes does not fit")
        if cmd == LC_BUILD_VERSION and size >= 24:
            platform, minos = struct.unpack_from(order + "II", data, offset + 8)
            if platform == PLATFORM_MACOS:
                found.minimum = _version(minos)
        elif cmd == LC_VERSION_MIN_MACOSX and size >= 16 and found.minimum is None:
            (version,) = struct.unpack_from(order + "I", data, offset + 8)
            found.minimum = _version(version)
        elif cmd in (LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB) and size >= 24:
            (name_at,) = struct.unpack_from(order + "I", data, offset + 8)
            if 24 <= name_at < size:
                found.dylibs.append(data[offset + name_at:offset + size].split(b"\0", 1)[0].decode("utf-8", "replace"))
        offset += size
    return found


def read_macho(path: str | Path) -> list[Slice]:
    """Each architecture slice of ``path`` with its minimum macOS and the libraries it links."""
    path = Path(path)
    data = path.read_bytes()
    if len(data) < 8:
        raise MachOError(f"{path}: not a Mach-O file")
    (magic,) = struct.unpack_from(">I", data, 0)
    if magic not in (FAT_MAGIC, FAT_MAGIC_64):
        return [_read_slice(data, 0, str(path))]
    (count,) = struct.unpack_from(">I", data, 4)
    entry = 32 if magic == FAT_MAGIC_64 else 20
    if count > 64 or 8 + count * entry > len(data):
        raise MachOError(f"{path}: a fat header of {count} slices does not fit")
    slices = []
    for i in range(count):
        if magic == FAT_MAGIC_64:
            offset = struct.unpack_from(">Q", data, 8 + i * entry + 8)[0]
        else:
            offset = struct.unpack_from(">I", data, 8 + i * entry + 8)[0]
        slices.append(_read_slice(data, offset, f"{path} (slice {i})"))
    return slices


def is_macho(path: str | Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return len(head) == 4 and (struct.unpack(">I", head)[0] in (FAT_MAGIC, FAT_MAGIC_64)
                               or struct.unpack("<I", head)[0] in (MH_MAGIC, MH_MAGIC_64)
                               or struct.unpack(">I", head)[0] in (MH_MAGIC, MH_MAGIC_64))


def minimum_macos(paths: Iterable[str | Path], arch: str) -> tuple[str, Path | None]:
    """The highest minimum over the ``arch`` slices of ``paths`` (Mach-O files; others are skipped),
    as ``"14.0"``-style text, and the file that sets it. ``("11.0", None)`` when none says."""
    best, culprit = (11, 0, 0), None  # the oldest macOS for Apple silicon, and for PySide6 6.x anyway
    for path in paths:
        if not is_macho(path):
            continue
        for piece in read_macho(path):
            if piece.arch == arch and piece.minimum is not None and piece.minimum > best:
                best, culprit = piece.minimum, Path(path)
    major, minor, patch = best
    return (f"{major}.{minor}" + (f".{patch}" if patch else "")), culprit
