"""Decode image bytes safely: refuse decompression bombs before OpenCV allocates them.

A 1 MB PNG or JPEG can claim 30000 x 30000 pixels; decoding it would take gigabytes. OpenCV's own
limit (2^30 pixels) is far above what a laptop can hold in colour, and beyond it OpenCV raises
``cv2.error`` rather than returning None. So :func:`decode_image` first reads the width and height
from the file header (PNG, JPEG, BMP, GIF, WebP, TIFF, PNM: a few bytes, no decoding) and refuses
an image above :data:`MAX_IMAGE_PIXELS`; every failure is an :class:`ImageDecodeError` with a plain
reason, which each reader wraps in its own error naming the file.
Qt-free: numpy + OpenCV.
"""

from __future__ import annotations

import struct

import cv2
import numpy as np

#: Largest image opened: room for a 108-megapixel phone photo; 360 MB as RGB.
MAX_IMAGE_PIXELS = 120_000_000
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_MAX_JPEG_SEGMENTS = 10_000  # a real JPEG has a few dozen before its frame header


class ImageDecodeError(ValueError):
    """Image bytes that cannot (or must not) be decoded; the message says why, without the file name."""


def _png(b: bytes) -> tuple[int, int] | None:
    if b[:8] == b"\x89PNG\r\n\x1a\n" and len(b) >= 24 and b[12:16] == b"IHDR":
        return struct.unpack(">II", b[16:24])
    return None


def _jpeg(b: bytes) -> tuple[int, int] | None:
    if b[:2] != b"\xff\xd8":
        return None
    i = 2
    for _ in range(_MAX_JPEG_SEGMENTS):
        while i < len(b) and b[i] == 0xFF and i + 1 < len(b) and b[i + 1] == 0xFF:
            i += 1  # fill bytes
        if i + 4 > len(b) or b[i] != 0xFF:
            return None
        marker = b[i + 1]
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # no length field
            i += 2
            continue
        if marker == 0xD9:
            return None
        (length,) = struct.unpack(">H", b[i + 2 : i + 4])
        if marker in _JPEG_SOF:
            if i + 9 > len(b):
                return None
            height, width = struct.unpack(">HH", b[i + 5 : i + 9])
            return (width, height) if height else None  # height 0: given later (DNL), let OpenCV judge
        if length < 2:
            return None
        i += 2 + length
    return None


def _bmp(b: bytes) -> tuple[int, int] | None:
    if b[:2] != b"BM" or len(b) < 26:
        return None
    (header_size,) = struct.unpack("<I", b[14:18])
    if header_size == 12:
        return struct.unpack("<HH", b[18:22])
    width, height = struct.unpack("<ii", b[18:26])
    return abs(width), abs(height)


def _gif(b: bytes) -> tuple[int, int] | None:
    if b[:6] in (b"GIF87a", b"GIF89a") and len(b) >= 10:
        return struct.unpack("<HH", b[6:10])
    return None


def _webp(b: bytes) -> tuple[int, int] | None:
    if b[:4] != b"RIFF" or b[8:12] != b"WEBP" or len(b) < 30:
        return None
    chunk = b[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", b[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and b[20] == 0x2F:
        (bits,) = struct.unpack("<I", b[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(b[24:27], "little") + 1
        height = int.from_bytes(b[27:30], "little") + 1
        return width, height
    return None


def _tiff(b: bytes) -> tuple[int, int] | None:
    if b[:4] == b"II*\x00":
        e = "<"
    elif b[:4] == b"MM\x00*":
        e = ">"
    else:
        return None
    try:
        (ifd,) = struct.unpack(e + "I", b[4:8])
        (count,) = struct.unpack(e + "H", b[ifd : ifd + 2])
        found: dict[int, int] = {}
        for n in range(min(count, 4096)):
            at = ifd + 2 + 12 * n
            tag, kind, _ = struct.unpack(e + "HHI", b[at : at + 8])
            if tag in (256, 257):
                found[tag] = struct.unpack(e + ("H" if kind == 3 else "I"), b[at + 8 : at + (10 if kind == 3 else 12)])[0]
    except struct.error:
        return None
    return (found[256], found[257]) if 256 in found and 257 in found else None


def _pnm(b: bytes) -> tuple[int, int] | None:
    b = bytes(b[:260])
    if len(b) < 3 or b[0:1] != b"P" or b[1:2] not in b"123456":
        return None
    numbers: list[int] = []
    for line in b[2:256].split(b"\n"):
        for token in line.split(b"#", 1)[0].split():
            if not token.isdigit():
                return None
            numbers.append(int(token))
            if len(numbers) == 2:
                return numbers[0], numbers[1]
    return None


def image_dimensions(data: bytes | np.ndarray) -> tuple[int, int] | None:
    """``(width, height)`` from the header of a PNG, JPEG, BMP, GIF, WebP, TIFF or PNM; None otherwise."""
    head = memoryview(data.reshape(-1).view(np.uint8) if isinstance(data, np.ndarray) else data).cast("B")
    for sniff in (_png, _jpeg, _bmp, _gif, _webp, _tiff, _pnm):
        size = sniff(head)
        if size is not None:
            return int(size[0]), int(size[1])
    return None


def check_dimensions(data: bytes | np.ndarray, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
    """Raise ImageDecodeError for an image whose header claims no pixels or too many."""
    size = image_dimensions(data)
    if size is None:
        return
    width, height = size
    if width == 0 or height == 0:
        raise ImageDecodeError(f"the image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageDecodeError(f"the image is {width}x{height} pixels, more than the {max_pixels / 1e6:g} million "
                               "this app opens (is the file damaged?)")


UNREADABLE = "not a readable image (damaged, truncated, or not a PNG, JPEG, BMP, TIFF or WebP file)"


def decode_image(data: bytes | np.ndarray, flags: int = cv2.IMREAD_COLOR, *, max_pixels: int = MAX_IMAGE_PIXELS,
                 unreadable: str = UNREADABLE, empty: str = "the file is empty") -> np.ndarray:
    """Image file bytes -> the array ``cv2.imdecode(data, flags)`` gives; ImageDecodeError if it cannot.

    ``unreadable`` and ``empty`` are the messages for bytes OpenCV cannot decode and for no bytes.
    """
    buffer = np.frombuffer(data, np.uint8) if not isinstance(data, np.ndarray) else data.reshape(-1).view(np.uint8)
    if buffer.size == 0:
        raise ImageDecodeError(empty)
    check_dimensions(buffer, max_pixels)  # a view: the header is read in place, nothing is copied
    try:
        image = cv2.imdecode(buffer, flags)
    except cv2.error:  # OpenCV asserts on sizes it refuses instead of returning None
        image = None
    if image is None or image.size == 0:
        raise ImageDecodeError(unreadable)
    if image.shape[0] * (image.shape[1] if image.ndim > 1 else 1) > max_pixels:
        raise ImageDecodeError(f"the image has more than the {max_pixels / 1e6:g} million pixels this app opens")
    return image


def _to_uint8(image: np.ndarray) -> np.ndarray:
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return (image.astype(np.float32) / 257.0).round().astype(np.uint8)
    if image.dtype.kind == "f":
        finite = np.nan_to_num(image.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        scale = 255.0 if finite.size and float(finite.max()) <= 1.0 else 1.0
        return np.clip(finite * scale, 0, 255).round().astype(np.uint8)
    return np.clip(image, 0, 255).astype(np.uint8)


def decode_rgb(data: bytes | np.ndarray, **kwargs) -> np.ndarray:
    """Image file bytes -> RGB uint8 ``[H, W, 3]``; transparent areas become white paper.

    Grey, palette, 1-bit, 16-bit and CMYK files are converted; an image with an alpha channel
    (RGBA, grey + alpha) is composited over white rather than keeping whatever colour hides under
    its transparent pixels. Others decode as ``cv2.IMREAD_COLOR``, which also applies a JPEG's
    EXIF orientation. ``kwargs`` go to :func:`decode_image`.
    """
    buffer = np.frombuffer(data, np.uint8) if not isinstance(data, np.ndarray) else data.reshape(-1).view(np.uint8)
    if buffer[:2].tobytes() != b"\xff\xd8":  # a JPEG has no alpha: skip the first decode
        image = decode_image(buffer, cv2.IMREAD_UNCHANGED, **kwargs)
        if image.ndim == 3 and image.shape[2] == 4:
            image = _to_uint8(image)
            alpha = image[..., 3:4].astype(np.float32) / 255.0
            colour = image[..., :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
            return cv2.cvtColor(colour.round().astype(np.uint8), cv2.COLOR_BGR2RGB)
    image = decode_image(buffer, cv2.IMREAD_COLOR, **kwargs)
    return cv2.cvtColor(_to_uint8(image), cv2.COLOR_BGR2RGB)
