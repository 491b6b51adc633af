"""Teachable Machine image models to contract ONNX files, without TensorFlow.

Teachable Machine's "TensorFlow.js" download (``model.json`` + ``weights.bin`` + ``metadata.json``,
often zipped) is read with numpy, its layers become an ONNX graph written with ``onnx.helper``,
and onnxruntime is checked against a float64 numpy forward pass of the same layers before the
file is written. The training package reuses the same converter for Keras ``.h5`` exports.

Modules, one job each: :mod:`.export_files` reads an export (folder, zip, ``model.json``),
:mod:`.layer_graph` turns the Keras layer topology into a flat list of operations,
:mod:`.onnx_writer` writes that list as ONNX, :mod:`.reference` runs it in float64 numpy and
:mod:`.importer` ties them together with the parity check and the atomic write.
Qt-free and TensorFlow-free: numpy + onnx + onnxruntime.
"""

from desktop.core.teachable_machine.errors import TeachableImportError
from desktop.core.teachable_machine.export_files import (
    KerasExport,
    is_teachable_export,
    looks_like_keras_export,
    parse_labels_txt,
    read_export,
)
from desktop.core.teachable_machine.importer import ImportResult, import_export, import_teachable

__all__ = [
    "ImportResult",
    "KerasExport",
    "TeachableImportError",
    "import_export",
    "import_teachable",
    "is_teachable_export",
    "looks_like_keras_export",
    "parse_labels_txt",
    "read_export",
]
