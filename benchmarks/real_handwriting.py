"""How well do character models read real pen input? A development check, not a benchmark to tune to.

Reads a folder laid out ``<char>/<n>.json`` (pen strokes ``{"strokes": [[[x, y], ...], ...]}``,
y down) and/or ``<char>/<n>.png``, and scores every given ONNX model on:

- ``png``: the images as they are, through the app's framing (tight crop, stretch to 80x60);
- ``thin`` / ``medium`` / ``thick``: the strokes rendered by the app's renderer with a ballpoint,
  a felt pen and a marker (pen width 1.5 %, 4 % and 9 % of the character height).

Usage::

    python benchmarks/real_handwriting.py --data DIR assets/models/casia55-cnn.onnx [more.onnx ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.core import framing, strokes  # noqa: E402
from desktop.core.onnx_model import OnnxModel  # noqa: E402

PENS = {"thin": 1.5, "medium": 4.0, "thick": 9.0}  # pixels at a 100-pixel character height
HEIGHT = 100


def samples(folder: Path, class_names: list[str]):
    """(mode, char, source, 80x60 input) for every usable file."""
    for char_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name in class_names):
        for f in sorted(char_dir.iterdir()):
            if f.suffix == ".png":
                grey = cv2.imread(str(f), cv2.IMREAD_GRAYSCALE)
                if grey is not None:
                    yield "png", char_dir.name, str(f), framing.frame_for_model(grey)
            elif f.suffix == ".json":
                pen_strokes = json.loads(f.read_text(encoding="utf-8"))["strokes"]
                for mode, width in PENS.items():
                    img = strokes.render(pen_strokes, height=HEIGHT, pen_width=width)
                    yield mode, char_dir.name, str(f), framing.frame_for_model(img)


def score(model: OnnxModel, folder: Path) -> dict:
    by_mode: dict[str, list] = {}
    for mode, char, source, x in samples(folder, model.class_names):
        by_mode.setdefault(mode, []).append((char, source, x))
    results = {}
    for mode, items in by_mode.items():
        probs = model.predict_proba(np.stack([x for _, _, x in items]).astype(np.float32))
        truth = np.array([model.class_names.index(c) for c, _, _ in items])
        order = np.argsort(-probs, axis=1)
        misses = [f"{c} not {model.class_names[order[i, 0]]} ({probs[i, order[i, 0]]:.0%}) {Path(s).parent.name}/{Path(s).name}"
                  for i, (c, s, _) in enumerate(items) if order[i, 0] != truth[i]]
        results[mode] = {
            "n": len(items),
            "top1": float((order[:, 0] == truth).mean()),
            "top5": float((order[:, :5] == truth[:, None]).any(axis=1).mean()),
            "misses": misses,
        }
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="ONNX character models")
    parser.add_argument("--data", type=Path, required=True, action="append",
                        help="folder of <char>/<n>.json|png (may be given several times)")
    parser.add_argument("--misses", action="store_true", help="list every wrong prediction")
    args = parser.parse_args(argv)
    for model_path in args.models:
        model = OnnxModel(model_path)
        print(f"\n{model_path.name}: {model.title}")
        for folder in args.data:
            sub_folders = [p for p in folder.iterdir() if p.is_dir()]
            # Accept a folder of writers' folders as well as a folder of character folders.
            roots = [folder] if any(p.name in model.class_names for p in sub_folders) else sub_folders
            for root in roots:
                for mode, r in score(model, root).items():
                    print(f"  {root.name:<16} {mode:<7} n={r['n']:<4} top-1 {r['top1']:6.1%}  top-5 {r['top5']:6.1%}")
                    if args.misses:
                        for m in r["misses"]:
                            print(f"      {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
