"""Teachable Machine image models (Keras ``.h5`` export) to contract ONNX files.

Teachable Machine exports ``keras_model.h5`` (Keras 2 / tf_keras, input ``[N, 224, 224, 3]``,
softmax output) and ``labels.txt`` (``0 Class A`` per line). Its example code scales the photo
with ``x / 127.5 - 1`` *outside* the model. The app feeds every photo model raw RGB 0..255, so
the export puts exactly that scaling in front of the model: one file, nothing to remember.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.core.contract import INPUT_NAME, PROBABILITIES

from .errors import DataError, ExportError

CHECK_IMAGES = 4
_INDEX_PREFIX = re.compile(r"^\s*\d+\s+")


@dataclass(frozen=True)
class TeachableExport:
    path: Path
    class_names: list[str]
    max_probability_difference: float  # |onnxruntime - Keras| on the check images


def read_labels(path: str | Path) -> list[str]:
    """Class names from ``labels.txt``, in output order, without the leading index."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: labels file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read the labels ({exc})") from None
    names = [_INDEX_PREFIX.sub("", line).strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise DataError(f"{path}: no class names (expected lines like '0 Class A')")
    return names


def load_teachable_model(path: str | Path):
    """The ``.h5`` model, read by Keras 3 without running any code stored in the file."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: model file not found")
    try:
        return keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds for legacy files it cannot map
        raise DataError(f"{path}: Keras {keras.__version__} cannot read this Teachable Machine model ({exc}); "
                        "re-export it from Teachable Machine as a Keras model") from None


def with_preprocessing(model):
    """``model`` behind Teachable Machine's ``x / 127.5 - 1``: the result takes RGB 0..255."""
    import keras

    shape = tuple(model.inputs[0].shape[1:])
    if len(shape) != 3 or shape[-1] != 3 or None in shape:
        raise ExportError(f"model {model.name!r} takes {list(model.inputs[0].shape)}; expected [N, H, W, 3] photos")
    inputs = keras.Input(shape, name=INPUT_NAME)
    x = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="teachable_preprocess")(inputs)
    return keras.Model(inputs, model(x), name="teachable_machine")


def import_teachable(model_path: str | Path, labels_path: str | Path, out: str | Path, *,
                     title: str | None = None, tolerance: float = 1e-5) -> TeachableExport:
    """Convert a Teachable Machine export to the ONNX file ``out`` and check it with onnxruntime."""
    from .export import export_graph, model_metadata, staged_onnx, write_onnx

    model_path, out = Path(model_path), Path(out)
    class_names = read_labels(labels_path)
    model = with_preprocessing(load_teachable_model(model_path))
    width = model.outputs[0].shape[-1]
    if width != len(class_names):
        raise DataError(f"{labels_path}: {len(class_names)} class names but {model_path} outputs {width} classes")

    height, wide = (int(d) for d in model.inputs[0].shape[1:3])
    images = np.random.default_rng(0).integers(0, 256, (CHECK_IMAGES, height, wide, 3)).astype(np.float32)
    graph = export_graph(model, PROBABILITIES, ())
    expected = np.asarray(graph.predict(images, verbose=0)[PROBABILITIES])
    if not np.allclose(expected.sum(axis=1), 1.0, atol=1e-3) or expected.min() < 0:
        raise ExportError(f"{model_path}: the outputs are not probabilities (no softmax at the end?)")
    metadata = model_metadata(class_names=class_names, task="custom", output_kind=PROBABILITIES,
                              title=title or f"Teachable Machine: {', '.join(class_names)}",
                              trained_on=f"Teachable Machine export {model_path.name}", metrics={})
    with staged_onnx(out) as tmp:
        write_onnx(graph, tmp, metadata, final=out)
        actual = _run_onnx(tmp, images)
        difference = float(np.max(np.abs(actual - expected)))
        if not difference <= tolerance:
            raise ExportError(f"{out}: not written, onnxruntime differs from Keras by {difference:.3g} "
                              f"(tolerance {tolerance:g})")
    return TeachableExport(out, class_names, difference)


def _run_onnx(path: Path, images: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run([PROBABILITIES], {INPUT_NAME: images})[0]
