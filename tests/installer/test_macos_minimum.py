"""The macOS minimum is read from Mach-O load commands, on files laid out as Apple's headers describe.

The fixtures are written byte by byte from ``<mach-o/loader.h>`` and ``<mach-o/fat.h>`` (not by
any code of ours that also reads them): a thin 64-bit arm64 library with ``LC_BUILD_VERSION``
(minos 14.0) linking a dylib, an x86_64 one with the older ``LC_VERSION_MIN_MACOSX`` (10.15), and
a fat file holding both.
"""

from __future__ import annotations

import plistlib
import struct
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "installer"))

import bundle_spec  # noqa: E402
import macos_minimum  # noqa: E402

CPU_ARM64, CPU_X86_64 = 0x0100000C, 0x01000007


def packed(major: int, minor: int, patch: int = 0) -> int:
    return (major << 16) | (minor << 8) | patch


def build_version(minos: int, sdk: int) -> bytes:
    # struct build_version_command { cmd, cmdsize, platform, minos, sdk, ntools } (+ no tools)
    return struct.pack("<6I", 0x32, 24, 1, minos, sdk, 0)


def version_min_macosx(version: int, sdk: int) -> bytes:
    # struct version_min_command { cmd, cmdsize, version, sdk }
    return struct.pack("<4I", 0x24, 16, version, sdk)


def load_dylib(name: str) -> bytes:
    # struct dylib_command { cmd, cmdsize, dylib { name.offset, timestamp, current, compatibility } } + name
    body = name.encode() + b"\0"
    size = (24 + len(body) + 7) // 8 * 8
    return struct.pack("<6I", 0xC, size, 24, 2, packed(1, 0), packed(1, 0)) + body.ljust(size - 24, b"\0")


def thin(cpu: int, *commands: bytes) -> bytes:
    # struct mach_header_64 { magic, cputype, cpusubtype, filetype, ncmds, sizeofcmds, flags, reserved }
    blob = b"".join(commands)
    return struct.pack("<IiIIIIII", 0xFEEDFACF, cpu, 0, 6, len(commands), len(blob), 0, 0) + blob


def fat(*slices: tuple[int, bytes]) -> bytes:
    # struct fat_header { magic, nfat_arch } then fat_arch { cputype, cpusubtype, offset, size, align }, big-endian
    header = struct.pack(">II", 0xCAFEBABE, len(slices))
    offset = 4096
    table, body = b"", b""
    for cpu, data in slices:
        table += struct.pack(">iIIII", cpu, 0, offset + len(body), len(data), 12)
        body += data.ljust(4096, b"\0")
    return (header + table).ljust(offset, b"\0") + body


@pytest.fixture
def binaries(tmp_path: Path) -> dict[str, Path]:
    arm = thin(CPU_ARM64, build_version(packed(14, 0), packed(15, 2)), load_dylib("/usr/lib/libc++.1.dylib"))
    intel = thin(CPU_X86_64, version_min_macosx(packed(10, 15), packed(13, 0)))
    files = {"arm": arm, "intel": intel, "fat": fat((CPU_X86_64, intel), (CPU_ARM64, arm)),
             "intel15": thin(CPU_X86_64, build_version(packed(15, 0), packed(15, 0))), "text": b"#!/bin/sh\n"}
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.so"
        paths[name].write_bytes(data)
    return paths


def test_load_commands_of_thin_and_fat_files(binaries) -> None:
    (arm,) = macos_minimum.read_macho(binaries["arm"])
    assert (arm.arch, arm.minimum, arm.dylibs) == ("arm64", (14, 0, 0), ["/usr/lib/libc++.1.dylib"])
    (intel,) = macos_minimum.read_macho(binaries["intel"])
    assert (intel.arch, intel.minimum) == ("x86_64", (10, 15, 0))
    assert [(s.arch, s.minimum) for s in macos_minimum.read_macho(binaries["fat"])] == [
        ("x86_64", (10, 15, 0)), ("arm64", (14, 0, 0))]


def test_the_minimum_is_the_highest_over_the_architecture_and_names_its_file(binaries) -> None:
    every = list(binaries.values())
    assert macos_minimum.minimum_macos(every, "arm64")[0] == "14.0"
    minimum, culprit = macos_minimum.minimum_macos(every, "x86_64")
    assert (minimum, culprit) == ("15.0", binaries["intel15"])
    assert macos_minimum.minimum_macos([binaries["text"]], "arm64") == ("11.0", None)  # not Mach-O: skipped


def test_damaged_headers_are_refused_with_the_file_name(tmp_path: Path, binaries) -> None:
    truncated = tmp_path / "truncated.dylib"
    truncated.write_bytes(binaries["arm"].read_bytes()[:40])
    with pytest.raises(macos_minimum.MachOError, match="truncated.dylib"):
        macos_minimum.read_macho(truncated)
    lying = tmp_path / "lying.dylib"
    lying.write_bytes(struct.pack("<IiIIIIII", 0xFEEDFACF, CPU_ARM64, 0, 6, 1, 1 << 30, 0, 0))
    with pytest.raises(macos_minimum.MachOError, match="past the end"):
        macos_minimum.read_macho(lying)


def test_the_info_plist_carries_the_minimum_the_build_read() -> None:
    plist = bundle_spec.info_plist("14.0")
    assert plist["LSMinimumSystemVersion"] == "14.0"
    plistlib.dumps(plist)
    spec = (REPO_ROOT / "installer" / "cnn-classroom.spec").read_text(encoding="utf-8")
    assert "macos_minimum.minimum_macos(" in spec and "info_plist=spec.info_plist(minimum)" in spec


def test_installers_are_compressed_and_every_named_qt_plugin_exists_in_essentials() -> None:
    script = (REPO_ROOT / "installer" / "build_macos.sh").read_text(encoding="utf-8")
    assert "-format ULFO" in script and "LSMinimumSystemVersion" in script
    iss = (REPO_ROOT / "installer" / "windows" / "cnn-classroom.iss").read_text(encoding="utf-8")
    assert "Compression=lzma2" in iss and "SolidCompression=yes" in iss
    # Qt 6.7+ wheels (PySide6-Essentials) ship the modern Windows style only.
    assert bundle_spec.QT_PLUGINS["win32"]["styles"] == ["qmodernwindowsstyle"]
