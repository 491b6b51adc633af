"""Read an ONNX file's metadata without loading its weights.

Listing a folder of models should not cost a full onnxruntime session per file (an ImageNet
network is tens of megabytes). ``ModelProto`` keeps its ``metadata_props`` (field 14) at the top
level, so we walk the top-level protobuf fields and skip over the graph's bytes with a seek.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

_METADATA_PROPS = 14  # ModelProto.metadata_props: repeated StringStringEntryProto {1: key, 2: value}
_WIRE_VARINT, _WIRE_64BIT, _WIRE_LENGTH, _WIRE_32BIT = 0, 1, 2, 5
#: Bounds that keep a hostile file from making the walk slow or memory-hungry: real models have a
#: dozen top-level fields and a few kilobytes of metadata (ImageNet class names: about 30 kB).
MAX_METADATA_BYTES = 16 * 1024 * 1024
MAX_TOP_LEVEL_FIELDS = 100_000


class MetadataError(ValueError):
    """The file is not a readable ONNX model."""


def _varint(stream: BinaryIO) -> int | None:
    shift = result = 0
    while True:
        byte = stream.read(1)
        if not byte:
            if shift == 0:
                return None  # clean end of the message
            raise MetadataError("truncated field")
        result |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return result
        shift += 7
        if shift > 63:
            raise MetadataError("malformed varint")


def _entry(data: bytes) -> tuple[str, str]:
    """Decode one ``StringStringEntryProto``."""
    fields: dict[int, str] = {}
    i = 0
    while i < len(data):
        tag, i = _varint_at(data, i)
        if tag & 7 != _WIRE_LENGTH:
            raise MetadataError("unexpected field in a metadata entry")
        length, i = _varint_at(data, i)
        if i + length > len(data):
            raise MetadataError("truncated metadata entry")
        try:
            fields[tag >> 3] = data[i : i + length].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MetadataError(f"a metadata entry is not UTF-8 text ({exc.reason})") from None
        i += length
    return fields.get(1, ""), fields.get(2, "")


def _varint_at(data: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if i >= len(data):
            raise MetadataError("truncated metadata entry")
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7
        if shift > 63:
            raise MetadataError("malformed varint in a metadata entry")


def read_metadata(path: str | Path) -> dict[str, str]:
    """``metadata_props`` of an ONNX file as a dict, reading only a few kilobytes."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            return _walk(stream, size, path)
    except MetadataError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise MetadataError(f"{path}: {exc}") from None
    except OSError as exc:
        raise MetadataError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def _walk(stream: BinaryIO, size: int, path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    metadata_bytes = 0
    for _ in range(MAX_TOP_LEVEL_FIELDS):
        tag = _varint(stream)
        if tag is None:
            return found
        number, wire = tag >> 3, tag & 7
        if wire == _WIRE_VARINT:
            _varint(stream)
        elif wire == _WIRE_64BIT:
            stream.seek(8, 1)
        elif wire == _WIRE_32BIT:
            stream.seek(4, 1)
        elif wire == _WIRE_LENGTH:
            length = _varint(stream)
            if length is None or stream.tell() + length > size:
                raise MetadataError(f"{path}: truncated or not an ONNX file")
            if number == _METADATA_PROPS:
                metadata_bytes += length
                if metadata_bytes > MAX_METADATA_BYTES:
                    raise MetadataError(f"{path}: more than {MAX_METADATA_BYTES // 2**20} MB of metadata")
                key, value = _entry(stream.read(length))
                found[key] = value
            else:
                stream.seek(length, 1)
        else:
            raise MetadataError(f"{path}: not an ONNX file (wire type {wire})")
    raise MetadataError(f"{path}: more than {MAX_TOP_LEVEL_FIELDS} top-level fields; not an ONNX model")
