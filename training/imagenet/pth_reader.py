"""Read a PyTorch ``.pth`` state dict into numpy arrays without PyTorch.

A ``.pth`` file is a pickle, and unpickling runs whatever the file names, so a plain
``pickle.load`` on a downloaded file can run any code. This reader allows only the handful of
globals a state dict needs and maps them to numpy builders; anything else raises
:class:`UnsafePickleError` before it is called.

Two layouts exist:

* the legacy format (PyTorch before 1.6): a magic-number pickle, a protocol pickle, a
  system-info pickle, the state dict pickle whose tensors point at storages by key, a pickled list
  of those keys, then each storage as an int64 element count followed by its raw bytes;
* the zip format (PyTorch 1.6 and later): ``<root>/data.pkl`` plus one ``<root>/data/<key>`` entry
  of raw bytes per storage.
"""

from __future__ import annotations

import collections
import io
import pickle
import pickletools
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001

#: PyTorch storage class name -> numpy dtype of its elements.
STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class UnsafePickleError(pickle.UnpicklingError):
    """The file asks the unpickler for something a state dict never needs."""


class PthFormatError(ValueError):
    """The file is not a PyTorch state dict this reader understands."""


@dataclass(frozen=True)
class _StorageType:
    dtype: type


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: type


@dataclass(frozen=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    """Stands in for ``torch._utils._rebuild_tensor_v2``: remember where the tensor lives."""
    if not isinstance(storage, _StorageRef):
        raise PthFormatError("a tensor refers to something other than a storage")
    return _TensorRef(storage, int(storage_offset), tuple(int(s) for s in size), tuple(int(s) for s in stride))


def _allowed_globals() -> dict[tuple[str, str], object]:
    allowed: dict[tuple[str, str], object] = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    }
    for name, dtype in STORAGE_DTYPES.items():
        allowed[("torch", name)] = _StorageType(dtype)
    return allowed


# Protocol-5 buffer opcodes: a state dict never uses them, and a damaged file that does can make the
# C unpickler free a bytearray while a view still exports it ("deallocated bytearray object has
# exported buffers"), so they are refused before unpickling.
_BUFFER_OPCODES = frozenset({"BYTEARRAY8", "NEXT_BUFFER", "READONLY_BUFFER"})


def _refuse_buffer_opcodes(stream, source: Path) -> None:
    """Walk the next pickle's opcodes (without running them) and rewind; refuse buffer opcodes."""
    start = stream.tell()
    try:
        for opcode, _arg, _pos in pickletools.genops(stream):
            if opcode.name in _BUFFER_OPCODES:
                raise PthFormatError(f"{source}: the pickle uses {opcode.name}, which a weights file never needs "
                                     "(the file may be damaged or malicious)")
    except PthFormatError:
        raise
    except Exception as exc:  # genops reads any bytes: a damaged stream fails here in many ways
        raise PthFormatError(f"{source}: not a valid pickle ({exc.__class__.__name__}: {exc})") from None
    finally:
        stream.seek(start)


class _StateDictUnpickler(pickle.Unpickler):
    """An unpickler that knows only the globals of a tensor state dict."""

    _ALLOWED = _allowed_globals()

    def __init__(self, file, source: Path):
        super().__init__(file)
        self._file = file
        self._source = source

    def load(self):
        _refuse_buffer_opcodes(self._file, self._source)
        return super().load()

    def find_class(self, module: str, name: str):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"{self._source}: refused to load {module}.{name}; a weights file only needs tensors "
                "(the file may be damaged or malicious)"
            ) from None

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel[, view_metadata])
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise PthFormatError(f"{self._source}: unexpected persistent id {pid!r}")
        storage_type = pid[1]
        if not isinstance(storage_type, _StorageType):
            raise UnsafePickleError(f"{self._source}: storage of unknown type {storage_type!r}")
        return _StorageRef(str(pid[2]), storage_type.dtype)


def _materialise(obj, storages: dict[str, np.ndarray], source: Path):
    """Replace tensor placeholders by numpy arrays (copies, so the big buffers can be freed)."""
    if isinstance(obj, _TensorRef):
        flat = storages.get(obj.storage.key)
        if flat is None:
            raise PthFormatError(f"{source}: storage {obj.storage.key} is missing")
        itemsize = flat.itemsize
        # as_strided trusts its arguments: a negative offset or stride, or a shape with more elements
        # than the storage, would read memory outside it (or allocate without bound).
        if (obj.offset < 0 or len(obj.stride) != len(obj.shape) or any(n < 0 for n in obj.shape)
                or any(s < 0 for s in obj.stride) or int(np.prod(obj.shape, dtype=object)) > flat.size):
            raise PthFormatError(f"{source}: a tensor has an impossible shape, stride or offset")
        needed = obj.offset + sum((n - 1) * s for n, s in zip(obj.shape, obj.stride)) + 1 if obj.shape else obj.offset + 1
        if all(obj.shape) and needed > flat.size:
            raise PthFormatError(f"{source}: a tensor reaches beyond its storage {obj.storage.key}")
        view = np.lib.stride_tricks.as_strided(
            flat[obj.offset :], shape=obj.shape, strides=tuple(s * itemsize for s in obj.stride), writeable=False
        )
        return np.array(view)
    if isinstance(obj, dict):
        return collections.OrderedDict((k, _materialise(v, storages, source)) for k, v in obj.items())
    return obj


def _tensor_refs(obj) -> dict[str, _StorageRef]:
    if isinstance(obj, _TensorRef):
        return {obj.storage.key: obj.storage}
    if isinstance(obj, dict):
        refs: dict[str, _StorageRef] = {}
        for v in obj.values():
            refs.update(_tensor_refs(v))
        return refs
    return {}


def _read_legacy(stream: io.BufferedIOBase, source: Path):
    size = source.stat().st_size
    magic = _StateDictUnpickler(stream, source).load()
    if magic != LEGACY_MAGIC:
        raise PthFormatError(f"{source}: not a PyTorch weights file (no magic number)")
    protocol = _StateDictUnpickler(stream, source).load()
    if protocol != LEGACY_PROTOCOL:
        raise PthFormatError(f"{source}: unsupported PyTorch file protocol {protocol!r}")
    sys_info = _StateDictUnpickler(stream, source).load()
    if not sys_info.get("little_endian", True):
        raise PthFormatError(f"{source}: big-endian weight files are not supported")
    result = _StateDictUnpickler(stream, source).load()
    keys = _StateDictUnpickler(stream, source).load()
    refs = _tensor_refs(result)
    storages: dict[str, np.ndarray] = {}
    for key in keys:
        ref = refs.get(key)
        if ref is None:
            raise PthFormatError(f"{source}: storage {key} is not used by any tensor")
        head = stream.read(8)
        if len(head) != 8:
            raise PthFormatError(f"{source}: file ends before storage {key} (truncated download?)")
        count = int(np.frombuffer(head, dtype="<i8")[0])
        dtype = np.dtype(ref.dtype).newbyteorder("<")
        if count < 0 or count * dtype.itemsize > size - stream.tell():  # checked before reading: no huge allocation
            raise PthFormatError(f"{source}: file ends inside storage {key} (truncated download?)")
        raw = stream.read(count * dtype.itemsize)
        if len(raw) != count * dtype.itemsize:
            raise PthFormatError(f"{source}: file ends inside storage {key} (truncated download?)")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    return result, storages


def _read_zip(archive: zipfile.ZipFile, source: Path):
    pickles = [n for n in archive.namelist() if n.endswith("/data.pkl")]
    if len(pickles) != 1:
        raise PthFormatError(f"{source}: a zip weights file needs exactly one data.pkl, found {len(pickles)}")
    root = pickles[0][: -len("data.pkl")]
    with archive.open(pickles[0]) as f:
        result = _StateDictUnpickler(io.BytesIO(f.read()), source).load()
    storages = {}
    for key, ref in _tensor_refs(result).items():
        try:
            raw = archive.read(f"{root}data/{key}")
        except KeyError:
            raise PthFormatError(f"{source}: storage {key} is missing from the archive") from None
        storages[key] = np.frombuffer(raw, dtype=np.dtype(ref.dtype).newbyteorder("<"))
    return result, storages


def load_state_dict(path: str | Path) -> collections.OrderedDict[str, np.ndarray]:
    """The tensors of a ``.pth`` state dict as ``{name: numpy array}``, in file order.

    Raises :class:`UnsafePickleError` when the file names any global other than a state dict's,
    and :class:`PthFormatError` when it is not a state dict this reader understands.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"{source}: weights file not found")
    try:
        if zipfile.is_zipfile(source):
            with zipfile.ZipFile(source) as archive:
                result, storages = _read_zip(archive, source)
        else:
            with open(source, "rb") as stream:
                result, storages = _read_legacy(stream, source)
        if isinstance(result, dict) and "state_dict" in result and isinstance(result["state_dict"], dict):
            result = result["state_dict"]  # checkpoints that wrap the weights
        if not isinstance(result, dict):
            raise PthFormatError(f"{source}: holds a {type(result).__name__}, not a state dict")
        return _materialise(result, storages, source)
    except (UnsafePickleError, PthFormatError) as exc:
        if str(exc).startswith(str(source)):
            raise
        raise type(exc)(f"{source}: {exc}") from exc  # e.g. raised by _rebuild_tensor_v2, which has no path
    except Exception as exc:  # damaged bytes provoke many kinds (IndexError, BadZipFile, zlib.error, RecursionError...)
        raise PthFormatError(f"{source}: not a readable PyTorch weights file ({type(exc).__name__}: {exc})") from exc
