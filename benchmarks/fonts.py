"""How well do character models read printed characters in fonts they never saw?

The course models learn from strokes only. The 3,755-character model's polish also learns from
the characters printed in a few free faces (``training.print_samples.PRINT_FACES``): their
families are left out here, so every face measured is unrelated data. Each model class is drawn in
each face (black on white, 100 pixels high, Pillow), framed as the app frames an opened image, and
scored: top-1 and top-5 per face and over all faces. Faces come from fontconfig (``fc-list
:lang=zh-cn``: the simplified-Chinese faces, not a collection's Japanese, Korean or traditional
ones, nor a training face; a face drawing exactly what an earlier one drew is counted once), or
from ``--font FILE[:INDEX]``. On Debian,
``fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming fonts-wqy-zenhei fonts-wqy-microhei``
give 8 distinct faces (sans, serif and Kai styles, regular and bold).

Usage::

    python -m benchmarks.fonts assets/models/casia55-cnn.onnx [more.onnx ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.core import framing  # noqa: E402
from desktop.core.onnx_model import OnnxModel  # noqa: E402
from training.errors import DataError  # noqa: E402
from training.print_samples import PRINT_FAMILIES, locate_faces  # noqa: E402

SIZE = 100
#: Distinct faces the published figures use (assets/models/README.md), and the Debian packages
#: that give them beside fonts-noto-cjk.
PUBLISHED_FACES = 8
MORE_FONTS = "fonts-arphic-ukai fonts-arphic-uming fonts-wqy-zenhei fonts-wqy-microhei"
#: Family tags of a collection's other locales, whose glyph forms are not simplified Chinese.
OTHER_LOCALES = (" JP", " KR", " TC", " HK", " TW")


def _trained_on(family: str) -> bool:
    """A training face's family, or one of its variants ("LXGW WenKai Mono": the same glyphs)."""
    return any(family == trained or family.startswith(trained + " ") for trained in PRINT_FAMILIES)


def installed_faces() -> list[tuple[str, int, str]]:
    """(file, face index, "family style") of every simplified-Chinese face fontconfig lists."""
    try:
        listing = subprocess.run(["fc-list", ":lang=zh-cn", "file", "index", "family", "style"],
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    faces = set()
    for line in listing.splitlines():
        path, _, rest = line.partition(": ")
        fields = dict(part.split("=", 1) for part in rest.split(":") if "=" in part)
        family = rest.split(":")[0].split(",")[0]
        if any(tag in f"{family} " for tag in (t + " " for t in OTHER_LOCALES)) or _trained_on(family):
            continue
        faces.add((path, int(fields.get("index", 0)), f"{family} {fields.get('style', '').split(',')[0]}".strip()))
    return sorted(faces, key=lambda f: f[2])


def render(char: str, font) -> np.ndarray:
    from PIL import Image, ImageDraw

    image = Image.new("L", (2 * SIZE, 2 * SIZE), 255)
    ImageDraw.Draw(image).text((SIZE // 2, SIZE // 2), char, font=font, fill=0)
    return np.asarray(image)


def drawn(class_names: list[str], path: str, index: int) -> tuple[list[np.ndarray], list[int]]:
    """The framed model inputs of every class the face has, and their class indices."""
    from PIL import ImageFont

    font = ImageFont.truetype(path, SIZE, index=index)
    images, truth = [], []
    for k, char in enumerate(class_names):
        grey = render(char, font)
        if grey.min() < 128:  # a face without the character draws nothing
            images.append(framing.frame_for_model(grey))
            truth.append(k)
    return images, truth


def score_face(model: OnnxModel, images: list[np.ndarray], truth: list[int]) -> dict:
    if not images:
        return {"n": 0}
    probs = model.predict_proba(np.stack(images).astype(np.float32))
    order = np.argsort(-probs, axis=1)
    truth_arr = np.array(truth)
    misses = [f"{model.class_names[t]} not {model.class_names[order[i, 0]]}"
              for i, t in enumerate(truth) if order[i, 0] != t]
    return {"n": len(truth), "top1_hits": int((order[:, 0] == truth_arr).sum()),
            "top5_hits": int((order[:, :5] == truth_arr[:, None]).any(axis=1).sum()), "misses": misses}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="ONNX character models")
    parser.add_argument("--font", action="append", default=[], help="a font file, optionally FILE:INDEX (repeatable)")
    parser.add_argument("--misses", action="store_true", help="list every wrong prediction")
    args = parser.parse_args(argv)
    try:  # FILE[:INDEX] read as the printed training samples read it
        faces = [(path, index, Path(path).name) for path, index in locate_faces(args.font)]
    except DataError as exc:
        print(exc)
        return 1
    faces = faces or installed_faces()
    if not faces:
        print("no simplified-Chinese font found: install fonts-noto-cjk or give --font FILE")
        return 1
    for model_path in args.models:
        model = OnnxModel(model_path)
        print(f"\n{model_path.name}: {model.title}, {len(faces)} font faces")
        n = top1 = top5 = 0
        seen = set()
        for path, index, name in faces:
            images, truth = drawn(model.class_names, path, index)
            key = hash(np.stack(images).tobytes()) if images else None
            if key in seen or key is None:
                continue  # the same drawings under another name (a Mono or Sharp twin)
            seen.add(key)
            r = score_face(model, images, truth)
            n, top1, top5 = n + r["n"], top1 + r["top1_hits"], top5 + r["top5_hits"]
            print(f"  {name:<34} n={r['n']:<4} top-1 {r['top1_hits'] / r['n']:6.1%}  top-5 {r['top5_hits'] / r['n']:6.1%}"
                  + (f"  ({'; '.join(r['misses'])})" if args.misses and r["misses"] else ""))
        if n:
            print(f"  {'all faces':<34} n={n:<4} top-1 {top1 / n:6.1%}  top-5 {top5 / n:6.1%}  "
                  f"({len(seen)} distinct faces)")
        if not args.font and len(seen) < PUBLISHED_FACES:
            print(f"  only {len(seen)} distinct faces, not comparable with the published figures' "
                  f"{PUBLISHED_FACES}: install {MORE_FONTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
