"""Write files so that a crash, a kill or a power cut leaves the old file or the new one, never half.

Every file the app and the training package write for the user (projects, exported models,
reports, pictures) goes through :func:`atomic_path`: the content is written to a temporary file
in the same folder, flushed to the disk (``fsync``), given the permissions a normal new file gets,
and only then renamed over the target with ``os.replace`` - one step on every OS. A writer that
dies half-way leaves at most a hidden ``.<name>.<random>.tmp`` beside the target; its suffix keeps
it out of anything that looks for ``*.onnx``, ``*.json`` or ``*.png``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

TEMP_SUFFIX = ".tmp"
_REPLACE_RETRIES = 10  # Windows: a virus scanner or indexer may hold the target for a moment
_REPLACE_PAUSE_S = 0.05


def _current_umask() -> int:
    # Read once: setting the umask to read it is not thread-safe, and it does not change at run time.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def temp_files(path: str | Path) -> list[Path]:
    """Temporary files an interrupted write of ``path`` may have left beside it."""
    path = Path(path)
    return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}")) if path.parent.is_dir() else []


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no folder handles to flush)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse to flush a folder; the rename is still atomic
        pass
    finally:
        os.close(fd)


def _replace(temp: Path, path: Path) -> None:
    for attempt in range(_REPLACE_RETRIES):
        try:
            os.replace(temp, path)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == _REPLACE_RETRIES - 1:
                raise
            time.sleep(_REPLACE_PAUSE_S)


@contextmanager
def atomic_path(path: str | Path, *, durable: bool = True, temp_suffix: str = TEMP_SUFFIX,
                make_parents: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path`` to write the whole file into; it replaces ``path`` on success.

    If the block raises, the temporary file is removed and ``path`` is untouched. ``durable=False``
    skips the ``fsync`` calls (for caches that can be rebuilt). ``temp_suffix`` is for writers that
    pick the format from the file name (Keras' ``.keras``); keep the default otherwise.
    ``make_parents=False`` for a path the user chose: a missing folder is then an error.
    """
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=temp_suffix, dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        if durable:
            with open(temp, "rb+") as handle:
                os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); a saved file gets the usual permissions.
        os.chmod(temp, 0o666 & ~_UMASK)
        _replace(temp, path)
        if durable:
            _fsync_folder(path.parent)
    finally:
        temp.unlink(missing_ok=True)  # gone already after a successful replace


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                durable: bool = True) -> Iterator[IO]:
    """``open()`` for writing whose file replaces ``path`` only when the block ends without error."""
    if not any(c in mode for c in "wx") or "+" in mode:
        raise ValueError(f"atomic_open writes a whole new file; mode {mode!r} is not a write mode")
    with atomic_path(path, durable=durable) as temp:
        with open(temp, mode.replace("x", "w"), encoding=None if "b" in mode else encoding) as handle:
            yield handle


def write_bytes_atomic(path: str | Path, data: bytes, *, durable: bool = True, make_parents: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``path``."""
    with atomic_path(path, durable=durable, make_parents=make_parents) as temp:
        temp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: str | Path, text: str, *, encoding: str = "utf-8", durable: bool = True) -> Path:
    """Write ``text`` to ``path`` atomically; returns ``path``."""
    return write_bytes_atomic(path, text.encode(encoding), durable=durable)


def write_json_atomic(path: str | Path, data: Any, *, indent: int | None = 1, default=None) -> Path:
    """Write ``data`` as UTF-8 JSON (non-ASCII kept readable, a final newline) atomically."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=default)
    return write_text_atomic(path, text + "\n")
