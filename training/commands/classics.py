"""``python -m training classics``: layer tables and facts of the classic CNN architectures."""

from __future__ import annotations

from pathlib import Path


def configure(p) -> None:
    p.add_argument("--out", default="assets/architectures/classics.json", help="JSON file to write")
    p.add_argument("--only", default="",
                   help="comma-separated keys to include (default: all): lenet5, alexnet, vgg16, inception_module, "
                        "resnet34, resnet50")


def run(args) -> int:
    from ..architecture_gallery import ARCHITECTURES, write_classics
    from ..errors import TrainingError

    keys = [k.strip() for k in args.only.split(",") if k.strip()] or None
    unknown = [k for k in keys or () if k not in ARCHITECTURES]
    if unknown:
        raise TrainingError(f"unknown architecture(s) {', '.join(unknown)}; choose from {', '.join(ARCHITECTURES)}")
    out = write_classics(Path(args.out), keys, progress=True)
    print(f"wrote {out}")
    return 0
