"""Top-1, top-5 and top-10 of ONNX character models on held-out synthetic writers, over all their classes.

Writers are drawn from :meth:`training.writers.WriterRanges.held_out` (style settings outside every
training range) with a seed no build uses, each writing 20 characters picked at random from the
model's classes, so a 3,755-class model is scored on all 3,755. The samples are drawn on every
core and are the same for every model given (their classes must be the same). When a stroke model
is among them, every sample is drawn as pen strokes and framed as the Write panel frames a drawing
(:func:`desktop.core.direction_map.strokes_to_channels`): stroke models read all nine channels,
image models channel 0, the image the canvas would give them for the same strokes.

Usage::

    python -m benchmarks.held_out_writers assets/models/hanzi3755-best.onnx [--per-char 2] [--seed 9000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.core.onnx_model import OnnxModel  # noqa: E402

SEED = 9000  # apart from every training (100, 400, 401), test (402) and calibration (7000, 8000) seed
TOP = (1, 5, 10)


def scores(model: OnnxModel, images: np.ndarray, labels: np.ndarray, batch: int = 256) -> dict[int, float]:
    """Share of ``labels`` within the model's top-k, for each k of ``TOP``."""
    hits = {k: 0 for k in TOP}
    for start in range(0, len(labels), batch):
        probs = model.predict_proba(images[start:start + batch].astype(np.float32))
        order = np.argsort(-probs, axis=1)[:, :max(TOP)]
        truth = labels[start:start + batch, None]
        for k in TOP:
            hits[k] += int((order[:, :k] == truth).any(axis=1).sum())
    return {k: hits[k] / max(len(labels), 1) for k in TOP}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="ONNX character models with the same classes")
    parser.add_argument("--per-char", type=int, default=2, help="samples per class, on average")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=None, help="processes drawing (default: one per core)")
    args = parser.parse_args(argv)

    from training.writer_pool import writer_data
    from training.writers import WriterRanges

    models = [OnnxModel(p) for p in args.models]
    names = models[0].class_names
    if any(m.class_names != names for m in models[1:]):
        print("the models' classes differ: score them one at a time")
        return 1
    started = time.perf_counter()
    kind = "strokes" if any(m.input_kind == "strokes" for m in models) else "image"
    data = writer_data(names, args.per_char * len(names), seed=args.seed, ranges=WriterRanges.held_out(),
                       workers=args.workers, input_kind=kind)
    print(f"{len(data)} samples of held-out writers over {len(names)} classes (seed {args.seed}"
          f"{', as pen strokes' if kind == 'strokes' else ''}), drawn in {time.perf_counter() - started:.0f} s")
    for path, model in zip(args.models, models):
        images = data.images if model.input_kind == kind else data.images[..., :1]
        found = scores(model, images, data.labels)
        # the count too: a share printed as 90.0 % may be 6,758 of 7,510 (89.98 %)
        print(f"  {path.name:<28} " + "  ".join(f"top-{k} {found[k]:6.1%}" for k in TOP)
              + f"  (top-1: {round(found[1] * len(data)):,} of {len(data):,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
