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

A damaged or hostile file must not make the reader work or allocate without bound, so what a
file declares is checked against caps before anything is allocated or walked: every pickle is
scanned opcode by opcode first (no byte string longer than the bytes left, no memo slot beyond the
pickle's length: CPython's unpickler grows its memo to a declared slot number, so one damaged byte
could make it fill gigabytes), the zip entries' declared sizes are capped, and the state dict is
walked once per object (shared tensors and dicts are built once) to a bounded depth and entry
count, with a bound on the elements all tensors may copy.
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

# Caps on what a file may declare; far above any real classifier's weights (VGG-19: 548 MB).
#: Bytes of the pickle in a zip weights file (names, shapes and strides: kilobytes in practice).
MAX_PICKLE_BYTES = 64 * 2**20
#: Parts of the largest object a pickle describes, shared parts counted each time they are used.
MAX_PICKLE_NODES = 10_000_000
#: Bytes of all storages together.
MAX_STORAGE_BYTES = 4 * 2**30
#: Dict entries walked in the unpickled state dict, and how deeply dicts may nest in it.
MAX_ENTRIES = 100_000
MAX_DEPTH = 16
#: Elements all tensors may copy out of their storages, as a multiple of the storages' elements:
#: views (a transpose, a slice) may overlap, but a file cannot make us copy its storage forever.
MAX_COPY_FACTOR = 4

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
_MEMO_OPCODES = frozenset({"PUT", "BINPUT", "LONG_BINPUT", "GET", "BINGET", "LONG_BINGET"})


class _BoundedReader:
    """Reads of at most the bytes left in the stream, so a declared length cannot allocate more."""

    def __init__(self, stream, end: int):
        self._stream, self._end = stream, end

    def read(self, n: int = -1) -> bytes:
        left = max(self._end - self._stream.tell(), 0)
        return self._stream.read(left if n is None or n < 0 else min(n, left))

    def readline(self) -> bytes:
        return self._stream.readline(max(self._end - self._stream.tell(), 0))

    def tell(self) -> int:
        return self._stream.tell()


_PUT_OPCODES = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})
_GET_OPCODES = frozenset({"GET", "BINGET", "LONG_BINGET"})
_IN_PLACE_OPCODES = frozenset({"APPEND", "APPENDS", "SETITEM", "SETITEMS", "ADDITEMS", "BUILD"})
_MARK = object()


def _check_pickle_opcodes(stream, source: Path) -> None:
    """Walk the next pickle's opcodes without running them, then rewind; refuse what a weights
    file never holds and what would make the unpickler work or allocate by a declared number.

    * A pickler numbers memo slots in order, one per opcode that fills one, so a slot beyond the
      pickle's length (or 255, what BINPUT's one byte can name) is damage; the unpickler would
      grow its memo to that size first.
    * The stack is simulated with each object's size counted as if shared parts were copied: a
      few hundred bytes reusing memo entries can describe a tuple of 2**40 nodes, whose hash (as
      a dict key) would never finish. A state dict's objects expand to a few nodes per tensor.
    """
    start = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(start)
    stack: list = []  # one-element lists [expanded size], shared with the memo; _MARK for marks
    memo: dict[int, list] = {}
    try:
        for opcode, arg, _pos in pickletools.genops(_BoundedReader(stream, end)):
            if opcode.name in _BUFFER_OPCODES:
                raise PthFormatError(f"{source}: the pickle uses {opcode.name}, which a weights file never needs "
                                     "(the file may be damaged or malicious)")
            if not _memo_step(opcode.name, arg, stack, memo, end - start, source):
                _stack_step(opcode, stack, source)
    except PthFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - genops reads any bytes: a damaged stream fails here in many ways
        raise PthFormatError(f"{source}: not a valid pickle ({exc.__class__.__name__}: {exc})") from None
    finally:
        stream.seek(start)


def _memo_step(name: str, arg, stack: list, memo: dict[int, list], pickle_bytes: int, source: Path) -> bool:
    """Simulate a memo opcode (a slot shares its object with the stack); False for any other opcode."""
    if name in _PUT_OPCODES or name in _GET_OPCODES:
        if not 0 <= int(arg) < max(pickle_bytes, 256):
            raise PthFormatError(f"{source}: the pickle names memo slot {arg}, more than its "
                                 f"{pickle_bytes} bytes could fill (the file is damaged)")
        if name in _PUT_OPCODES:
            memo[int(arg)] = stack[-1]
        else:
            stack.append(memo[int(arg)])
        return True
    if name == "MEMOIZE":
        memo[len(memo)] = stack[-1]
        return True
    return False


def _stack_step(opcode, stack: list, source: Path) -> None:
    """Pop an opcode's operands and push its result, sized as the sum of its parts."""
    popped = _pop_operands(opcode.stack_before, stack)
    if any(item is _MARK for item in popped):
        raise IndexError("a mark where an object belongs")
    size = 1 + sum(item[0] for item in popped)
    if size > MAX_PICKLE_NODES:
        raise PthFormatError(f"{source}: the pickle describes an object of more than {MAX_PICKLE_NODES:,} "
                             "parts (the file may be damaged or malicious)")
    if opcode.name in _IN_PLACE_OPCODES:  # the container grows; the memo sees it grow too
        popped[0][0] = size
        stack.append(popped[0])
    else:
        stack.extend(_MARK if item is pickletools.markobject else [size] for item in opcode.stack_after)


def _pop_operands(before: list, stack: list) -> list:
    """The stack items an opcode consumes (up to and after its mark, the mark itself dropped)."""
    if pickletools.markobject in before:
        at = len(stack) - 1 - stack[::-1].index(_MARK)
        head = before.index(pickletools.markobject)
        if at < head:
            raise IndexError("stack underflow")
        popped = stack[at - head : at] + stack[at + 1 :]
        del stack[at - head :]
        return popped
    if len(stack) < len(before):
        raise IndexError("stack underflow")
    popped = stack[len(stack) - len(before) :]
    del stack[len(stack) - len(before) :]
    return popped


class _StateDictUnpickler(pickle.Unpickler):
    """An unpickler that knows only the globals of a tensor state dict."""

    _ALLOWED = _allowed_globals()

    def __init__(self, file, source: Path):
        super().__init__(file)
        self._file = file
        self._source = source

    def load(self):
        _check_pickle_opcodes(self._file, self._source)
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
            raise PthFormatError(f"{self._source}: unexpected persistent id {_short_repr(pid)}")
        storage_type = pid[1]
        if not isinstance(storage_type, _StorageType):
            raise UnsafePickleError(f"{self._source}: storage of unknown type {_short_repr(storage_type)}")
        key = pid[2]
        if not isinstance(key, (str, int)):  # str() of a pickled structure could be huge
            raise PthFormatError(f"{self._source}: a storage key is a {type(key).__name__}, not a name")
        return _StorageRef(str(key), storage_type.dtype)


def _short_repr(obj) -> str:
    """A repr for a message, by type only when it could be large: objects from a pickle may share
    parts through its memo, so their full repr can grow exponentially with the file's size."""
    if isinstance(obj, (int, float, bool, type(None))) or (isinstance(obj, (str, bytes)) and len(obj) <= 80):
        return repr(obj)
    return f"<{type(obj).__name__}>"


class _Walk:
    """One pass over the unpickled object: every dict and tensor is visited once (a pickle may share
    them through its memo, which would make a naive walk exponential), within the caps above."""

    def __init__(self, source: Path):
        self.source = source
        self.entries = 0
        self.seen: dict[int, object] = {}

    def _enter(self, obj: dict, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise PthFormatError(f"{self.source}: dicts nest more than {MAX_DEPTH} deep; a state dict is flat")
        self.entries += len(obj)
        if self.entries > MAX_ENTRIES:
            raise PthFormatError(f"{self.source}: more than {MAX_ENTRIES:,} entries; not a state dict")

    def tensor_refs(self, obj, depth: int = 0, refs: dict[str, _StorageRef] | None = None) -> dict[str, _StorageRef]:
        refs = {} if refs is None else refs
        if id(obj) in self.seen:
            return refs
        self.seen[id(obj)] = obj  # keeps obj alive, so its id is not reused during the walk
        if isinstance(obj, _TensorRef):
            refs[obj.storage.key] = obj.storage
        elif isinstance(obj, dict):
            self._enter(obj, depth)
            for v in obj.values():
                self.tensor_refs(v, depth + 1, refs)
        return refs


def _materialise(result, storages: dict[str, np.ndarray], source: Path):
    """Replace tensor placeholders by numpy arrays (copies, so the big buffers can be freed)."""
    budget = MAX_COPY_FACTOR * sum(flat.size for flat in storages.values())
    built: dict[int, object] = {}
    keep = []  # the originals, so their ids stay unique while ``built`` is keyed by them

    def tensor(obj: _TensorRef) -> np.ndarray:
        nonlocal budget
        flat = storages.get(obj.storage.key)
        if flat is None:
            raise PthFormatError(f"{source}: storage {obj.storage.key} is missing")
        itemsize = flat.itemsize
        # as_strided trusts its arguments: a negative offset or stride, or a shape with more elements
        # than the storage, would read memory outside it (or allocate without bound).
        elements = int(np.prod(obj.shape, dtype=object))
        if (obj.offset < 0 or len(obj.stride) != len(obj.shape) or any(n < 0 for n in obj.shape)
                or any(s < 0 for s in obj.stride) or elements > flat.size):
            raise PthFormatError(f"{source}: a tensor has an impossible shape, stride or offset")
        needed = obj.offset + sum((n - 1) * s for n, s in zip(obj.shape, obj.stride)) + 1 if obj.shape else obj.offset + 1
        if all(obj.shape) and needed > flat.size:
            raise PthFormatError(f"{source}: a tensor reaches beyond its storage {obj.storage.key}")
        budget -= elements
        if budget < 0:
            raise PthFormatError(f"{source}: its tensors copy more than {MAX_COPY_FACTOR}x the elements "
                                 "of its storages")
        view = np.lib.stride_tricks.as_strided(
            flat[obj.offset :], shape=obj.shape, strides=tuple(s * itemsize for s in obj.stride), writeable=False
        )
        return np.array(view)

    def build(obj):
        if id(obj) in built:
            return built[id(obj)]
        if isinstance(obj, _TensorRef):
            value = tensor(obj)
        elif isinstance(obj, dict):
            value = collections.OrderedDict()  # registered before its items: a dict may hold itself
        else:
            return obj
        keep.append(obj)
        built[id(obj)] = value
        if isinstance(obj, dict):
            for k, v in obj.items():
                value[k] = build(v)
        return value

    return build(result)


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
    if not isinstance(keys, list) or len(keys) > MAX_ENTRIES or not all(isinstance(k, (str, int)) for k in keys):
        raise PthFormatError(f"{source}: the list of storage keys is damaged")
    refs = _Walk(source).tensor_refs(result)
    storages: dict[str, np.ndarray] = {}
    for key in map(str, keys):
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
    # Declared sizes are checked before reading; zipfile never returns more than an entry declares.
    declared = archive.getinfo(pickles[0]).file_size
    if declared > MAX_PICKLE_BYTES:
        raise PthFormatError(f"{source}: data.pkl declares {declared:,} bytes (at most {MAX_PICKLE_BYTES:,})")
    with archive.open(pickles[0]) as f:
        result = _StateDictUnpickler(io.BytesIO(f.read()), source).load()
    storages = {}
    total = 0
    for key, ref in _Walk(source).tensor_refs(result).items():
        try:
            info = archive.getinfo(f"{root}data/{key}")
        except KeyError:
            raise PthFormatError(f"{source}: storage {key} is missing from the archive") from None
        total += info.file_size
        if total > MAX_STORAGE_BYTES:
            raise PthFormatError(f"{source}: its storages declare more than {MAX_STORAGE_BYTES:,} bytes")
        raw = archive.read(info)
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
