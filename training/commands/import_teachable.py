"""``python -m training import-teachable``: a Teachable Machine Keras export as an ONNX photo model."""

from __future__ import annotations

from pathlib import Path


def configure(p) -> None:
    p.add_argument("model", type=Path, help="keras_model.h5 from Teachable Machine (Export > Tensorflow > Keras)")
    p.add_argument("labels", type=Path, help="labels.txt from the same export")
    p.add_argument("--out", type=Path, default=None,
                   help="ONNX file to write (default: the model's name with .onnx, beside it)")
    p.add_argument("--title", default=None, help="title shown in the app")


def run(args) -> int:
    from training.teachable import import_teachable

    out = args.out or args.model.with_suffix(".onnx")
    export = import_teachable(args.model, args.labels, out, title=args.title)
    print(f"wrote {export.path}: {len(export.class_names)} classes ({', '.join(export.class_names)}), "
          f"onnxruntime vs Keras {export.max_probability_difference:.2g}")
    return 0
