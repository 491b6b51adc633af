"""Teachable Machine image models (Keras ``.h5`` or TF.js export, or a zip of either) to contract ONNX files.

Teachable Machine's Keras download (``converted_keras.zip``: ``keras_model.h5`` + ``labels.txt``)
is written by tf_keras 2.x: a Sequential nested in a Sequential, DepthwiseConv2D layers with a
``groups`` key. Keras 3 cannot load it, so nothing here asks Keras to: the topology (the file's
``model_config``) and the weights are read with h5py into the same structure the app reads from a
TF.js export, and the app's converter (:mod:`desktop.core.teachable_machine`) writes the ONNX
graph. The source framework then checks it: the file is kept only if onnxruntime agrees with
``tf_keras.models.load_model(path).predict(x / 127.5 - 1)``. Loading happens after the topology was
converted, so a file with layers the converter does not know (``Lambda`` and other code-carrying
layers) is refused before tf_keras ever reads it.

A TF.js export (``model.json``, its folder or a zip) goes through the app's own import, checked
against the float64 numpy pass of the same layers.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.core.teachable_machine import (
    KerasExport,
    TeachableImportError,
    import_export,
    is_teachable_export,
    read_export,
)
from desktop.core.teachable_machine.export_files import (
    MAX_JSON_BYTES,
    MAX_WEIGHT_BYTES,
    MAX_ZIP_BYTES,
    label_list,
    read_labels_file,
)
from desktop.core.teachable_machine.importer import DEFAULT_TOLERANCE
from desktop.core.teachable_machine.reference import preprocess

from .errors import DataError

H5_SUFFIXES = (".h5", ".hdf5")
LABELS_NAME = "labels.txt"
INSTALL_TRAIN = "install the train extra: pip install 'cnn-classroom[train]'"


@dataclass(frozen=True)
class TeachableExport:
    path: Path
    class_names: list[str]
    max_probability_difference: float  # |onnxruntime - reference| on the check images
    reference: str  # what onnxruntime was compared with: "tf_keras 2.x" or "numpy float64"


def read_labels(path: str | Path) -> list[str]:
    """Class names from ``labels.txt`` (``0 Class A`` lines) or a TM ``metadata.json``, in output order."""
    try:
        return read_labels_file(path)
    except TeachableImportError as exc:
        raise DataError(str(exc)) from None


def import_teachable(model_path: str | Path, labels_path: str | Path | None = None, out: str | Path | None = None,
                     *, title: str | None = None, tolerance: float = DEFAULT_TOLERANCE) -> TeachableExport:
    """Convert a Teachable Machine export to the ONNX file ``out`` (default: beside it, ``.onnx``).

    ``model_path``: ``keras_model.h5``, a TF.js ``model.json`` or its folder, or a ``.zip`` of either.
    ``labels_path``: ``labels.txt`` or ``metadata.json``; by default the one beside the model / in the zip.
    """
    model_path = Path(model_path)
    out = Path(out) if out is not None else _default_out(model_path)
    try:
        if not model_path.exists():
            raise DataError(f"{model_path}: model file not found")
        if model_path.is_dir() and (model_path / "keras_model.h5").is_file() and \
                not (model_path / "model.json").is_file():
            model_path = model_path / "keras_model.h5"  # TM's converted_keras.zip, unpacked
        if model_path.suffix.lower() in H5_SUFFIXES:
            return _import_h5(model_path, labels_path, out, title, tolerance, shown=model_path)
        if model_path.is_file() and zipfile.is_zipfile(model_path) and not is_teachable_export(model_path):
            return _import_zipped_h5(model_path, labels_path, out, title, tolerance)
        export = read_export(model_path)
        if labels_path is not None:
            export.class_names = label_list(Path(labels_path))
        result = import_export(export, out, title=title, tolerance=tolerance)
        return TeachableExport(result.path, result.class_names, result.max_difference, result.reference)
    except TeachableImportError as exc:
        raise DataError(str(exc)) from None


def _default_out(model_path: Path) -> Path:
    if model_path.is_dir() or model_path.name == "model.json":
        folder = model_path if model_path.is_dir() else model_path.parent
        return folder.parent / f"{folder.name}.onnx"
    return model_path.with_suffix(".onnx")


def _import_zipped_h5(zip_path: Path, labels_path: str | Path | None, out: Path, title: str | None,
                      tolerance: float) -> TeachableExport:
    """TM's ``converted_keras.zip``: its ``.h5`` (and ``labels.txt``) unpacked to a temporary folder."""
    with zipfile.ZipFile(zip_path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        models = [i for i in infos if i.filename.lower().endswith(H5_SUFFIXES)]
        if len(models) != 1:
            raise DataError(f"{zip_path}: the zip holds {len(models)} .h5 files and no model.json; expected "
                            "Teachable Machine's keras_model.h5 + labels.txt or its TensorFlow.js export")
        labels = [i for i in infos if Path(i.filename).name == LABELS_NAME]
        if sum(i.file_size for i in models + labels[:1]) > MAX_ZIP_BYTES:
            raise DataError(f"{zip_path}: the model is larger than {MAX_ZIP_BYTES // 2**20} MB uncompressed")
        with tempfile.TemporaryDirectory(prefix="teachable-") as folder:
            h5 = Path(folder) / "keras_model.h5"
            _unpack(archive, models[0], h5, zip_path)
            if labels_path is None:
                if not labels:
                    raise DataError(f"{zip_path}: no labels.txt in the zip; give the labels file")
                labels_path = Path(folder) / LABELS_NAME
                _unpack(archive, labels[0], labels_path, zip_path)
            return _import_h5(h5, labels_path, out, title, tolerance, shown=zip_path)


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, zip_path: Path) -> None:
    limit = MAX_WEIGHT_BYTES + MAX_JSON_BYTES
    written = 0
    try:
        with archive.open(info) as source, open(target, "wb") as sink:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > limit:  # the header's size may lie
                    raise DataError(f"{zip_path}: {info.filename} is larger than {limit // 2**20} MB uncompressed")
                sink.write(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise DataError(f"{zip_path}: cannot unpack {info.filename} ({exc})") from None


def read_h5_export(path: Path, labels_path: str | Path | None, shown: Path | None = None) -> KerasExport:
    """Topology and weights of a Keras 2 ``.h5`` model file, read with h5py (no Keras)."""
    shown = shown or path
    try:
        import h5py
    except ImportError:
        raise DataError(f"{shown}: reading a Keras .h5 file needs h5py; {INSTALL_TRAIN}") from None
    if labels_path is None:
        labels_path = path.parent / LABELS_NAME
        if not labels_path.is_file():
            raise DataError(f"{shown}: no labels.txt beside the model; give the labels file")
    class_names = read_labels(labels_path)
    try:
        with h5py.File(path, "r") as handle:
            config = handle.attrs.get("model_config")
            if config is None:
                raise DataError(f"{shown}: no model_config in the file; not a Keras model saved whole "
                                "(Teachable Machine's keras_model.h5 is)")
            if isinstance(config, bytes):
                config = config.decode("utf-8")
            topology = json.loads(config)
            group = handle["model_weights"] if "model_weights" in handle else handle
            weights = _h5_weights(group, shown)
    except DataError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise DataError(f"{shown}: cannot read this Keras .h5 file ({exc})") from None
    if not isinstance(topology, dict) or "class_name" not in topology or "config" not in topology:
        raise DataError(f"{shown}: model_config holds no Keras model")
    return KerasExport(shown, {"class_name": topology["class_name"], "config": topology["config"]}, weights,
                       class_names, "keras-h5")


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _h5_weights(group, shown: Path) -> dict[str, np.ndarray]:
    """Weights by name as the TF.js converter names them (``Conv1/kernel``), from ``model_weights``.

    Each top-level layer's group lists its ``weight_names`` (``Conv1/kernel:0``); a name that does
    not already start with the group's layer gets it in front, so nested models keep unique names.
    """
    entries = []
    total = 0
    for layer in (_text(n) for n in group.attrs.get("layer_names", [])):
        sub = group[layer]
        for name in (_text(n) for n in sub.attrs.get("weight_names", [])):
            dataset = sub[name]
            total += int(dataset.size) * 4
            if total > MAX_WEIGHT_BYTES:
                raise DataError(f"{shown}: more than {MAX_WEIGHT_BYTES // 2**20} MB of weights")
            key = name.split(":")[0]
            if not key.startswith(layer + "/"):
                key = f"{layer}/{key}"
            entries.append((key, dataset))
    weights = {}
    for key, dataset in entries:
        if key in weights:
            raise DataError(f"{shown}: weight {key!r} appears twice")
        weights[key] = np.asarray(dataset[()], dtype=np.float32)
    return weights


def _tf_keras_reference(path: Path, shown: Path):
    """``tf_keras`` running the original file on TM's ``x / 127.5 - 1``: RGB 0..255 -> probabilities."""
    try:
        import tf_keras
    except ImportError:
        raise DataError(f"{shown}: checking a Keras .h5 import needs tf_keras (Keras 3 cannot read Teachable "
                        f"Machine's tf_keras 2.x files); {INSTALL_TRAIN}") from None
    try:
        model = tf_keras.models.load_model(path, compile=False)
    except Exception as exc:  # noqa: BLE001 - tf_keras raises many kinds for files it cannot map
        raise DataError(f"{shown}: tf_keras {tf_keras.__version__} cannot read this file ({exc})") from None

    def predict(rgb: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict(preprocess(rgb).astype(np.float32), verbose=0))

    return predict, f"tf_keras {tf_keras.__version__}"


def _import_h5(path: Path, labels_path: str | Path | None, out: Path, title: str | None, tolerance: float,
               shown: Path) -> TeachableExport:
    export = read_h5_export(path, labels_path, shown)
    # Convert (and so validate every layer) before tf_keras reads the file.
    from desktop.core.teachable_machine.layer_graph import build_graph

    build_graph(export.topology, export.weights, str(shown))
    reference, name = _tf_keras_reference(path, shown)
    result = import_export(export, out, title=title, tolerance=tolerance, reference=reference, reference_name=name)
    return TeachableExport(result.path, result.class_names, result.max_difference, result.reference)
