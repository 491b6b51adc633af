"""Read a Teachable Machine TF.js export: a ``model.json``, its folder, or a ``.zip`` of either.

The TF.js layers format: ``model.json`` holds the Keras layer topology under ``modelTopology``
(or ``modelTopology.model_config``, as the Python converter writes it) and a ``weightsManifest``:
groups of ``{"paths": [shard files], "weights": [{"name", "shape", "dtype"}]}``. A group's weights
are little-endian float32 values, concatenated in manifest order and split across its shards.
Teachable Machine adds ``metadata.json`` whose ``labels`` are the class names in output order.

Everything is read into memory and checked against caps *before* anything big is allocated: a
zip's members are never extracted to disk, a member's declared size is checked and then enforced
while reading, and a manifest's declared weight bytes must fit a cap and equal the shards' sizes.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from desktop.core.teachable_machine.errors import TeachableImportError

MODEL_JSON = "model.json"
METADATA_JSON = "metadata.json"
LABELS_TXT = "labels.txt"
#: Caps that keep a hostile or broken file from exhausting memory. TM's models are a few MB.
MAX_JSON_BYTES = 32 * 2**20
MAX_WEIGHT_BYTES = 512 * 2**20
MAX_ZIP_BYTES = MAX_WEIGHT_BYTES + 2 * MAX_JSON_BYTES  # all members together, uncompressed
MAX_ZIP_MEMBERS = 10_000
MAX_WEIGHTS = 100_000
_INDEX_PREFIX = re.compile(r"^\s*\d+\s+")
_FLOAT_DTYPES = {"float32": "<f4"}


@dataclass
class KerasExport:
    """A Keras model as read from an export: topology, weights by name, class names.

    ``topology`` is ``{"class_name": ..., "config": ...}`` of the outermost model; ``weights`` maps
    a weight's name (``"Conv1/kernel"``, perhaps with the enclosing model's name in front) to its
    value; ``class_names`` is ``None`` when the export names no labels.
    """

    source: Path
    topology: dict
    weights: dict[str, np.ndarray]
    class_names: list[str] | None
    format: str = "tfjs"  # or "keras-h5"
    metadata: dict = field(default_factory=dict)  # metadata.json, when there is one


# ---------------------------------------------------------------------------------------------
# Where the files come from: a folder or a zip, read through one small interface
# ---------------------------------------------------------------------------------------------

class _Folder:
    def __init__(self, folder: Path):
        self.folder = folder

    def where(self, name: str) -> str:
        return str(self.folder / name)

    def size(self, name: str) -> int | None:
        path = self.folder / name
        return path.stat().st_size if path.is_file() else None

    def read(self, name: str, limit: int) -> bytes:
        path = self.folder / name
        try:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
        except OSError as exc:
            raise TeachableImportError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
        if len(data) > limit:
            raise TeachableImportError(f"{path}: larger than {limit // 2**20} MB; not a Teachable Machine file")
        return data


class _Zip:
    def __init__(self, path: Path, archive: zipfile.ZipFile, base: str):
        self.path, self.archive, self.base = path, archive, base
        self.members = {info.filename: info for info in archive.infolist() if not info.is_dir()}

    def where(self, name: str) -> str:
        return f"{self.path} ({self.base}{name})"

    def size(self, name: str) -> int | None:
        info = self.members.get(self.base + name)
        return info.file_size if info is not None else None

    def read(self, name: str, limit: int) -> bytes:
        info = self.members[self.base + name]
        if info.file_size > limit:
            raise TeachableImportError(f"{self.where(name)}: larger than {limit // 2**20} MB uncompressed")
        try:
            with self.archive.open(info) as handle:
                data = handle.read(limit + 1)  # the header's size may lie: never read past the cap
        except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            raise TeachableImportError(f"{self.where(name)}: cannot unpack ({exc})") from None
        if len(data) > limit or len(data) != info.file_size:
            raise TeachableImportError(f"{self.where(name)}: the zip's size for it is wrong (damaged zip)")
        return data


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TeachableImportError(f"{path}: not a readable zip file ({exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        archive.close()
        raise TeachableImportError(f"{path}: more than {MAX_ZIP_MEMBERS} files in the zip; not a Teachable Machine export")
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_BYTES:
        archive.close()
        raise TeachableImportError(f"{path}: {total / 2**20:.0f} MB uncompressed, more than the "
                                   f"{MAX_ZIP_BYTES // 2**20} MB a Teachable Machine export can hold")
    return archive


def _is_junk(name: str) -> bool:
    """macOS adds ``__MACOSX/`` copies and ``._`` resource files to zips it makes."""
    return name.startswith("__MACOSX/") or posixpath.basename(name).startswith("._")


def _zip_model_json(path: Path, archive: zipfile.ZipFile) -> str | None:
    """The one ``model.json`` member of a zip (its folder is the export's), or None."""
    found = [info.filename for info in archive.infolist()
             if not info.is_dir() and posixpath.basename(info.filename) == MODEL_JSON and not _is_junk(info.filename)]
    if len(found) > 1:
        raise TeachableImportError(f"{path}: the zip holds {len(found)} model.json files ({', '.join(found[:3])}); "
                                   "unzip it and choose one")
    return found[0] if found else None


def _zip_has_h5(archive: zipfile.ZipFile) -> bool:
    return any(info.filename.lower().endswith((".h5", ".hdf5")) and not _is_junk(info.filename)
               for info in archive.infolist())


_KERAS_HINT = ("a Teachable Machine Keras export (.h5): the app converts the TensorFlow.js export; "
               "convert this one with 'python -m training import-teachable' (needs the train extra)")


def looks_like_keras_export(path: str | Path) -> bool:
    """Whether ``path`` is TM's Keras download (``keras_model.h5``, its folder or ``converted_keras.zip``)."""
    path = Path(path)
    try:
        if path.is_file() and path.suffix.lower() in (".h5", ".hdf5"):
            return True
        if path.is_dir():
            return (path / "keras_model.h5").is_file() and not (path / MODEL_JSON).is_file()
        if path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                return _zip_has_h5(archive) and _zip_model_json(path, archive) is None
    except (OSError, zipfile.BadZipFile, TeachableImportError):
        return False
    return False


def is_teachable_export(path: str | Path) -> bool:
    """Cheap check (no weights read) that ``path`` looks like a TF.js export: its ``model.json``
    names a layers topology and a weight manifest."""
    path = Path(path)
    try:
        if path.is_dir():
            data = _Folder(path).read(MODEL_JSON, MAX_JSON_BYTES) if (path / MODEL_JSON).is_file() else None
        elif path.is_file() and path.name.lower().endswith(".json"):
            data = _Folder(path.parent).read(path.name, MAX_JSON_BYTES)
        elif path.is_file() and zipfile.is_zipfile(path):
            with _open_zip(path) as archive:
                member = _zip_model_json(path, archive)
                if member is None:
                    return False
                base = member[: -len(MODEL_JSON)]
                data = _Zip(path, archive, base).read(MODEL_JSON, MAX_JSON_BYTES)
        else:
            return False
        if data is None:
            return False
        model = json.loads(data.decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError, zipfile.BadZipFile, zlib.error, TeachableImportError):
        return False
    return isinstance(model, dict) and isinstance(model.get("modelTopology"), dict) and \
        isinstance(model.get("weightsManifest"), list)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def read_export(path: str | Path) -> KerasExport:
    """The topology, weights and labels of a TF.js export: ``model.json``, its folder, or a zip of either.

    Labels come from ``metadata.json`` (``labels``) or else ``labels.txt`` beside ``model.json``;
    ``class_names`` is ``None`` when neither is there. Raises :class:`TeachableImportError`.
    """
    path = Path(path)
    if not path.exists():
        raise TeachableImportError(f"{path}: not found")
    if path.is_dir():
        if not (path / MODEL_JSON).is_file():
            if (path / "keras_model.h5").is_file():
                raise TeachableImportError(f"{path}: {_KERAS_HINT}")
            raise TeachableImportError(f"{path}: no model.json in this folder; choose the folder of a "
                                       "Teachable Machine TensorFlow.js export (model.json, weights.bin, metadata.json)")
        return _read(path / MODEL_JSON, _Folder(path))
    if path.suffix.lower() in (".h5", ".hdf5"):
        raise TeachableImportError(f"{path}: {_KERAS_HINT}")
    if zipfile.is_zipfile(path):
        with _open_zip(path) as archive:
            member = _zip_model_json(path, archive)
            if member is None:
                if _zip_has_h5(archive):
                    raise TeachableImportError(f"{path}: {_KERAS_HINT}")
                raise TeachableImportError(f"{path}: the zip holds no model.json; not a Teachable Machine "
                                           "TensorFlow.js export")
            return _read(path, _Zip(path, archive, member[: -len(MODEL_JSON)]))
    if path.suffix.lower() == ".zip":
        raise TeachableImportError(f"{path}: not a readable zip file")
    return _read(path, _Folder(path.parent), model_name=path.name)


def _json(source, name: str) -> object:
    data = source.read(name, MAX_JSON_BYTES)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise TeachableImportError(f"{source.where(name)}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise TeachableImportError(f"{source.where(name)}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except RecursionError:
        raise TeachableImportError(f"{source.where(name)}: JSON nested too deeply") from None


def _read(shown: Path, source, model_name: str = MODEL_JSON) -> KerasExport:
    model = _json(source, model_name)
    where = source.where(model_name)
    if not isinstance(model, dict) or not isinstance(model.get("modelTopology"), dict):
        raise TeachableImportError(f"{where}: no 'modelTopology'; not a TF.js layers model")
    if model.get("format") not in (None, "layers-model"):
        raise TeachableImportError(f"{where}: a TF.js {model.get('format')!r}, not a layers model "
                                   "(Teachable Machine image models are layers models)")
    topology = model["modelTopology"]
    topology = topology.get("model_config", topology)  # Python converter: modelTopology.model_config
    if not isinstance(topology, dict) or "class_name" not in topology or "config" not in topology:
        raise TeachableImportError(f"{where}: 'modelTopology' holds no Keras model (class_name and config)")
    weights = _read_weights(model.get("weightsManifest"), source, where)
    metadata, class_names = _labels(source)
    return KerasExport(Path(shown), {"class_name": topology["class_name"], "config": topology["config"]},
                       weights, class_names, "tfjs", metadata)


def _safe_relative(name: object, where: str) -> str:
    """A shard path from the manifest, relative to model.json and inside its folder."""
    if not isinstance(name, str) or not name:
        raise TeachableImportError(f"{where}: a weight file path in 'weightsManifest' is not a string")
    clean = posixpath.normpath(name.replace("\\", "/"))
    if clean.startswith(("/", "../")) or clean == ".." or ":" in clean:
        raise TeachableImportError(f"{where}: weight file {name!r} lies outside the export's folder")
    return clean


def _spec(entry: object, where: str) -> tuple[str, tuple[int, ...], str]:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise TeachableImportError(f"{where}: a 'weightsManifest' entry has no name")
    name = entry["name"]
    shape = entry.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**31
                                              for d in shape):
        raise TeachableImportError(f"{where}: weight {name!r} has no valid shape ({shape!r})")
    if entry.get("quantization") is not None:
        raise TeachableImportError(f"{where}: weight {name!r} is quantized; export the model without quantization")
    dtype = entry.get("dtype", "float32")
    if dtype not in _FLOAT_DTYPES:
        raise TeachableImportError(f"{where}: weight {name!r} has dtype {dtype!r}; only float32 is supported")
    return name, tuple(shape), dtype


def _read_weights(manifest: object, source, where: str) -> dict[str, np.ndarray]:
    if not isinstance(manifest, list) or not manifest:
        raise TeachableImportError(f"{where}: no 'weightsManifest'; not a TF.js layers model")
    groups = []
    declared = 0
    count = 0
    for group in manifest:
        if not isinstance(group, dict) or not isinstance(group.get("paths"), list) or \
                not isinstance(group.get("weights"), list):
            raise TeachableImportError(f"{where}: a 'weightsManifest' group lacks 'paths' or 'weights'")
        specs = [_spec(entry, where) for entry in group["weights"]]
        count += len(specs)
        if count > MAX_WEIGHTS:
            raise TeachableImportError(f"{where}: more than {MAX_WEIGHTS} weights; not a Teachable Machine model")
        sizes = [math.prod(shape) * 4 for _, shape, _ in specs]  # Python ints: no overflow
        declared += sum(sizes)
        if declared > MAX_WEIGHT_BYTES:
            raise TeachableImportError(f"{where}: the manifest declares {declared / 2**20:.0f} MB of weights, "
                                       f"more than the {MAX_WEIGHT_BYTES // 2**20} MB allowed")
        groups.append(([_safe_relative(p, where) for p in group["paths"]], specs, sizes))

    weights: dict[str, np.ndarray] = {}
    for paths, specs, sizes in groups:
        expected = sum(sizes)
        found = []
        for name in paths:
            size = source.size(name)
            if size is None:
                raise TeachableImportError(f"{source.where(name)}: weight file missing (named in {where})")
            found.append(size)
        if sum(found) != expected:
            problem = "truncated" if sum(found) < expected else "longer than the manifest says"
            raise TeachableImportError(
                f"{source.where(paths[-1] if paths else '?')}: weight file(s) {problem}: "
                f"{sum(found)} bytes, the manifest in {where} declares {expected}")
        data = b"".join(source.read(name, MAX_WEIGHT_BYTES) for name in paths)
        if len(data) != expected:  # changed on disk between stat and read
            raise TeachableImportError(f"{where}: the weight files changed while being read")
        offset = 0
        for (name, shape, dtype), size in zip(specs, sizes):
            if name in weights:
                raise TeachableImportError(f"{where}: weight {name!r} appears twice in the manifest")
            value = np.frombuffer(data, dtype=_FLOAT_DTYPES[dtype], count=size // 4, offset=offset)
            weights[name] = value.reshape(shape).astype(np.float32)
            offset += size
    return weights


def _labels(source) -> tuple[dict, list[str] | None]:
    if source.size(METADATA_JSON) is not None:
        metadata = _json(source, METADATA_JSON)
        if not isinstance(metadata, dict):
            raise TeachableImportError(f"{source.where(METADATA_JSON)}: not a JSON object")
        labels = metadata.get("labels")
        if labels is not None:
            if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                raise TeachableImportError(f"{source.where(METADATA_JSON)}: 'labels' is not a list of class names")
            return metadata, list(labels)
    else:
        metadata = {}
    if source.size(LABELS_TXT) is not None:
        return metadata, parse_labels_txt(source.read(LABELS_TXT, MAX_JSON_BYTES), source.where(LABELS_TXT))
    return metadata, None


def parse_labels_txt(data: bytes | str, where: str | Path) -> list[str]:
    """Class names from TM's ``labels.txt`` (``0 Class A`` per line), in output order, index removed."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise TeachableImportError(f"{where}: not UTF-8 text") from None
    names = [_INDEX_PREFIX.sub("", line).strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise TeachableImportError(f"{where}: no class names (expected lines like '0 Class A')")
    return names


def read_labels_file(path: str | Path) -> list[str]:
    """Class names from a ``labels.txt`` or a TM ``metadata.json`` given by the user."""
    path = Path(path)
    if not path.is_file():
        raise TeachableImportError(f"{path}: labels file not found")
    source = _Folder(path.parent)
    if path.suffix.lower() == ".json":
        metadata = _json(source, path.name)
        labels = metadata.get("labels") if isinstance(metadata, dict) else None
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            raise TeachableImportError(f"{path}: no 'labels' list of class names")
        return list(labels)
    return parse_labels_txt(source.read(path.name, MAX_JSON_BYTES), path)


def label_list(labels: Sequence[str] | str | Path) -> list[str]:
    """``labels`` as given to an import: a list of names, or a path to labels.txt / metadata.json."""
    if isinstance(labels, (str, Path)) or hasattr(labels, "__fspath__"):
        return read_labels_file(Path(labels))
    names = [str(x) for x in labels]
    if not names:
        raise TeachableImportError("no class names given")
    return names
