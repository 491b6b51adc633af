"""``python -m training import-teachable``: a Teachable Machine export as an ONNX photo model."""

from __future__ import annotations

from pathlib import Path


def configure(p) -> None:
    p.add_argument("model", type=Path,
                   help="Teachable Machine export: keras_model.h5 (Export > Tensorflow > Keras), a TensorFlow.js "
                        "model.json or its folder, or the downloaded .zip of either")
    p.add_argument("labels", type=Path, nargs="?", default=None,
                   help="labels.txt (or metadata.json) if not the one beside the model or in the zip")
    p.add_argument("--out", type=Path, default=None,
                   help="ONNX file to write (default: the model's name with .onnx, beside it)")
    p.add_argument("--title", default=None, help="title shown in the app")


def run(args) -> int:
    from training.teachable import import_teachable

    export = import_teachable(args.model, args.labels, args.out, title=args.title)
    print(f"wrote {export.path}: {len(export.class_names)} classes ({', '.join(export.class_names)}), "
          f"max |onnxruntime - {export.reference}| = {export.max_probability_difference:.2g} on the probabilities")
    return 0
