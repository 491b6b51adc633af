"""How well do character models read real pen input? A development check, not a benchmark to tune to.

Reads a folder laid out ``<char>/<n>.json`` (pen strokes ``{"strokes": [[[x, y], ...], ...]}``,
y down) and/or ``<char>/<n>.png``, and scores every given ONNX model on:

- ``png``: the images as they are, through the app's framing (tight crop, stretch to 80x60);
- ``thin`` / ``medium`` / ``thick``: the strokes rendered by the app's renderer with a ballpoint,
  a felt pen and a marker (pen width 1.5 %, 4 % and 9 % of the character height);
- ``canvas``: the strokes exactly as ``python -m desktop recognize`` and the Write panel frame a
  drawing (scaled to the canvas, the canvas pen).

A stroke model (``input_kind`` ``strokes``) reads every stroke file the same ways, as the ink and
its eight pen directions (:func:`desktop.core.direction_map.strokes_to_channels`); it has nothing
to read in a ``png``, so it is scored on the stroke files only.

Besides top-1 and top-5 it prints how honest the shown percentages are: the expected calibration
error (ECE, 15 bins) and the mean confidence of the wrong answers, without the model's
temperature (T = 1, as trained) and with it (what the app shows).

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
from training.calibrate import (  # noqa: E402 (numpy only: no TensorFlow)
    expected_calibration_error,
    mean_confidence_when_wrong,
    softmax_with_temperature,
)

PENS = {"thin": 1.5, "medium": 4.0, "thick": 9.0}  # pixels at a 100-pixel character height
HEIGHT = 100


def _stroke_inputs(pen_strokes: list, input_kind: str):
    """(mode, input) of one stroke file for each pen and for the canvas path."""
    from desktop.core.direction_map import strokes_to_channels
    from desktop.core.model_input import frame_strokes
    from desktop.core.recognition import DEFAULT_PEN_WIDTH, fit_to_canvas
    from training.stroke_input import canvas_strokes  # numpy only

    arrays = [np.asarray(s, dtype=np.float64) for s in pen_strokes]
    for mode, width in PENS.items():
        if input_kind == "strokes":
            scaled, pen = canvas_strokes(arrays, width / HEIGHT, HEIGHT)
            yield mode, strokes_to_channels(scaled, pen_width=pen)
        else:
            yield mode, framing.frame_for_model(strokes.render(pen_strokes, height=HEIGHT, pen_width=width))
    drawing = frame_strokes(fit_to_canvas(arrays), DEFAULT_PEN_WIDTH, directions=input_kind == "strokes")
    yield "canvas", drawing.for_kind(input_kind)


def samples(folder: Path, class_names: list[str], input_kind: str = "image"):
    """(mode, char, source, model input) for every usable file."""
    for char_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name in class_names):
        for f in sorted(char_dir.iterdir()):
            if f.suffix == ".png" and input_kind == "image":
                grey = cv2.imread(str(f), cv2.IMREAD_GRAYSCALE)
                if grey is not None:
                    yield "png", char_dir.name, str(f), framing.frame_for_model(grey)
            elif f.suffix == ".json":
                pen_strokes = json.loads(f.read_text(encoding="utf-8"))["strokes"]
                for mode, x in _stroke_inputs(pen_strokes, input_kind):
                    yield mode, char_dir.name, str(f), x


def score(model: OnnxModel, folder: Path) -> dict:
    by_mode: dict[str, list] = {}
    for mode, char, source, x in samples(folder, model.class_names, model.input_kind):
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
            **honesty(model, np.stack([x for _, _, x in items]), probs, truth),
        }
    return results


def honesty(model: OnnxModel, images: np.ndarray, probs: np.ndarray, truth: np.ndarray) -> dict:
    """ECE and mean confidence when wrong, as trained (T = 1) and as shown (the model's temperature)."""
    as_trained = softmax_with_temperature(model.predict_scores(images.astype(np.float32)))
    return {**honesty_of(as_trained, probs, truth), "arrays": (as_trained, probs, truth)}


def honesty_of(as_trained: np.ndarray, shown: np.ndarray, truth: np.ndarray) -> dict:
    return {
        "ece": (expected_calibration_error(as_trained, truth), expected_calibration_error(shown, truth)),
        "wrong_confidence": (mean_confidence_when_wrong(as_trained, truth), mean_confidence_when_wrong(shown, truth)),
    }


def pooled(results: list[dict]) -> dict:
    """Every sample of every folder and pen together: the modes alone hold a handful of mistakes each."""
    as_trained, shown, truth = (np.concatenate(parts) for parts in zip(*(r["arrays"] for r in results)))
    return {"n": len(truth), "top1": float((shown.argmax(axis=1) == truth).mean()),
            **honesty_of(as_trained, shown, truth)}


def _percent(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def honesty_line(r: dict) -> str:
    (ece, ece_t), (wrong, wrong_t) = r["ece"], r["wrong_confidence"]
    return (f"ECE {_percent(ece)} -> {_percent(ece_t)}  "
            f"confidence when wrong {_percent(wrong)} -> {_percent(wrong_t)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="ONNX character models")
    parser.add_argument("--data", type=Path, required=True, action="append",
                        help="folder of <char>/<n>.json|png (may be given several times)")
    parser.add_argument("--misses", action="store_true", help="list every wrong prediction")
    args = parser.parse_args(argv)
    for model_path in args.models:
        model = OnnxModel(model_path)
        print(f"\n{model_path.name}: {model.title} (temperature {model.temperature:.3f}; "
              f"figures as trained -> as shown)")
        everything: list[dict] = []
        for folder in args.data:
            sub_folders = [p for p in folder.iterdir() if p.is_dir()]
            # Accept a folder of writers' folders as well as a folder of character folders.
            roots = [folder] if any(p.name in model.class_names for p in sub_folders) else sub_folders
            for root in roots:
                for mode, r in score(model, root).items():
                    everything.append(r)
                    print(f"  {root.name:<16} {mode:<7} n={r['n']:<4} top-1 {r['top1']:6.1%}  top-5 {r['top5']:6.1%}  "
                          f"{honesty_line(r)}")
                    if args.misses:
                        for m in r["misses"]:
                            print(f"      {m}")
        if everything:
            r = pooled(everything)
            print(f"  {'all':<16} {'':<7} n={r['n']:<4} top-1 {r['top1']:6.1%}  {'':<12}  {honesty_line(r)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
