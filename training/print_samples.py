"""Printed characters for training: the vocabulary drawn in free font faces that no benchmark reads.

Synthetic writers hold a round pen, so a model of them alone reads print poorly: a Song (Ming)
face's thin horizontals, thick verticals and serifs, or a bold face's heavy ink, are nothing a pen
makes (the 3,755-character model read two thirds of a bold serif face's characters wrong). The
vocabulary build's polish therefore mixes in every character drawn in a few free faces, at random
sizes and weights, framed as the app frames an opened picture.

The faces (``PRINT_FACES``: Kai, Ming and sans styles from Debian packages) are apart from every
face ``benchmarks/fonts.py`` measures (it leaves these families out), so its figure still says how
a model reads fonts it never saw. A face is named by a fontconfig pattern, or by a font file
(``path[:index]``) where fontconfig is missing or for tests.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .data import CharacterData
from .errors import DataError


@dataclass(frozen=True)
class PrintFace:
    """A face by its fontconfig family and style, and the Debian package that installs it."""

    family: str
    style: str
    package: str

    @property
    def pattern(self) -> str:
        return f"{self.family}:style={self.style}"


PRINT_FACES = (
    PrintFace("LXGW WenKai", "Light", "fonts-lxgw-wenkai"),
    PrintFace("LXGW WenKai", "Regular", "fonts-lxgw-wenkai"),
    PrintFace("LXGW WenKai", "Bold", "fonts-lxgw-wenkai"),
    PrintFace("HanaMinA", "Regular", "fonts-hanazono"),
    PrintFace("Smiley Sans", "Oblique", "fonts-smiley-sans"),
    PrintFace("IPAmjMincho", "Regular", "fonts-ipamj-mincho"),
)
#: Families the fonts benchmark leaves out: a model may have been trained on them.
PRINT_FAMILIES = frozenset(face.family for face in PRINT_FACES)
#: Glyph heights drawn (pixels; the framing scales every glyph to the model's input).
SIZES = (60, 112)
#: Extra outline width (pixels per 100 of glyph height) that makes a face bolder, and how often each is drawn.
BOLDER = (0, 0, 0, 1, 2, 3)


def _fontconfig_file(face: PrintFace) -> tuple[str, int] | None:
    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(["fc-match", "-f", "%{file}|%{index}|%{family[0]}|%{style[0]}", face.pattern],
                           capture_output=True, text=True, check=False).stdout.split("|")
    if len(found) != 4 or found[2] != face.family or found[3] != face.style:
        return None  # fontconfig answers every pattern with its nearest face: only the face itself will do
    return found[0], int(found[1] or 0)


def locate_faces(faces: Sequence[PrintFace | str]) -> list[tuple[str, int]]:
    """``(file, face index)`` of every face, or a :class:`DataError` naming the missing ones and their packages."""
    located, missing = [], []
    for face in faces:
        if isinstance(face, str):  # a font file, path[:index]
            path, colon, index = face.rpartition(":")
            if not (colon and index.isdigit() and Path(path).is_file()):
                path, index = face, "0"
            if Path(path).is_file():
                located.append((path, int(index)))
            else:
                missing.append(face)
            continue
        file = _fontconfig_file(face)
        if file is None:
            missing.append(f"{face.family} {face.style} (Debian: {face.package})")
        else:
            located.append(file)
    if missing:
        packages = sorted({f.package for f in faces if isinstance(f, PrintFace)})
        raise DataError("these font faces are not installed: " + "; ".join(missing)
                        + (f". On Debian or Ubuntu: sudo apt-get install {' '.join(packages)}" if packages else ""))
    return located


def _draw(char: str, font_file: str, index: int, rng: np.random.Generator) -> np.ndarray | None:
    from PIL import Image, ImageDraw

    from desktop.core import framing

    size = int(rng.integers(*SIZES))
    bolder = int(rng.choice(BOLDER)) * size // 100
    image = Image.new("L", (2 * size, 2 * size), 255)
    ImageDraw.Draw(image).text((size // 2, size // 2), char, font=_font(font_file, index, size), fill=0,
                               stroke_width=bolder, stroke_fill=0)
    grey = np.asarray(image)
    if grey.min() >= 128:  # the face draws nothing for it
        return None
    return np.clip(np.rint(framing.frame_for_model(grey)), 0, 255).astype(np.uint8)


@lru_cache(maxsize=None)
def _font(font_file: str, index: int, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(font_file, size, index=index)


def _has_glyphs(font_file: str, index: int) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(font_file, fontNumber=index, lazy=True).getBestCmap())


def print_samples(chars: Sequence[str], faces: Sequence[tuple[str, int]], variants: int, seed: int) -> CharacterData:
    """``variants`` drawings of every character each face has, at random sizes and weights, as model input.

    Each (face, character) has its own random stream, so a sample does not depend on which others are drawn.
    """
    images, labels, sources = [], [], []
    for f, (font_file, index) in enumerate(faces):
        glyphs = _has_glyphs(font_file, index)
        for k, char in enumerate(chars):
            if ord(char) not in glyphs:
                continue
            rng = np.random.default_rng([seed, f, k])
            for v in range(variants):
                image = _draw(char, font_file, index, rng)
                if image is not None:
                    images.append(image)
                    labels.append(k)
                    sources.append(f"{Path(font_file).name}:{index}#{char}{v}")
    if not images:
        raise DataError("no face draws any of the characters")
    return CharacterData(np.stack(images), np.asarray(labels, np.int32), list(chars), sources)
