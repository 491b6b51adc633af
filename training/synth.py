"""Synthetic handwriting from stroke centre-lines, written in CASIA directory layout.

A font skeleton is not handwriting. Each sample is a "writer" with their own slant, size,
pen and haste; every stroke is then misplaced, mis-sized and mis-angled a little, wobbles,
and hurried writers join strokes, run several into one pen movement, shrink or merge dots and
round their turns. Appearance (pen width from hairline to marker, pressure taper, ink tone,
blur, texture) comes last, through the same renderer the drawing canvas uses.

Every effect is a named field of :class:`SynthParams` with a test of its effect
(``tests/training/test_synth.py``); ``SynthParams.neat()`` switches all of them off.

:mod:`training.writers` keeps one writer's style across many characters, and
:mod:`training.synth_stream` streams such samples to training without writing them to disk.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from desktop.core import strokes as render_strokes
from desktop.core.atomic import write_bytes_atomic, write_text_atomic
from desktop.core.contract import COURSE_CHARACTERS

from .strokedata import load_medians

# --------------------------------------------------------------------------------------------
# Parameters


@dataclass(frozen=True)
class SynthParams:
    """How far synthetic writing strays from the skeleton. Fractions are of the character size."""

    # Per-stroke errors (standard deviations).
    stroke_shift: float = 0.035  # placement error of each stroke
    stroke_scale: float = 0.12  # log length error of each stroke
    stroke_rotation: float = 6.0  # angle error of each stroke, degrees
    # Whole-character distortions (standard deviations).
    slant: float = 0.12  # horizontal shear
    aspect: float = 0.12  # log width/height change
    rotation: float = 4.0  # degrees
    # Hand tremor and imprecision along each stroke.
    wobble: float = 0.012  # amplitude of slow, smooth deviation
    # Hurried writing: probabilities (means; each writer's haste scales them, see ``writer_haste``).
    join: float = 0.18  # faint connecting line from a stroke's end to the next stroke's start
    cursive: float = 0.12  # the next stroke written in the same pen movement, full ink
    join_reach: float = 0.45  # how far apart two strokes may be and still be joined
    short_stroke_reduce: float = 0.25  # a short stroke (dot, tick) shrunk to a dot
    short_stroke_merge: float = 0.25  # a run of short strokes written as one movement
    short_stroke_length: float = 0.28  # a stroke shorter than this counts as short
    corner_rounding: float = 0.35  # turns drawn as curves instead of corners
    writer_haste: bool = True  # writers differ: the probabilities above are means over writers
    # Pen and ink.
    pen_width: tuple[float, float] = (0.012, 0.11)  # fraction of the natural height, log-uniform
    pressure_taper: float = 0.35  # probability of a pen whose width tapers at stroke ends
    height_px: tuple[int, int] = (48, 128)  # natural size of the crop, like CASIA crops
    ink_darkness: tuple[int, int] = (0, 90)  # grey level of full ink
    blur: tuple[float, float] = (0.0, 0.9)  # Gaussian sigma in pixels
    ink_texture: tuple[float, float] = (0.0, 0.35)  # patchy ink: coverage falls by up to this
    paper_tone: tuple[int, int] = (225, 255)  # grey of the paper (scans are rarely pure white)
    paper_noise: tuple[float, float] = (0.0, 3.0)  # std of the paper's grain, grey levels

    @classmethod
    def neat(cls) -> "SynthParams":
        """Every effect off: the skeleton drawn with a medium pen (a baseline for tests)."""
        return cls(
            stroke_shift=0.0, stroke_scale=0.0, stroke_rotation=0.0, slant=0.0, aspect=0.0, rotation=0.0,
            wobble=0.0, join=0.0, cursive=0.0, short_stroke_reduce=0.0, short_stroke_merge=0.0,
            corner_rounding=0.0, writer_haste=False, pen_width=(0.05, 0.05), pressure_taper=0.0,
            height_px=(96, 96), ink_darkness=(0, 0), blur=(0.0, 0.0), ink_texture=(0.0, 0.0),
            paper_tone=(255, 255), paper_noise=(0.0, 0.0),
        )

    @classmethod
    def only(cls, **changes) -> "SynthParams":
        """The neat baseline with just the given effects switched on (for tests and demos)."""
        return replace(cls.neat(), **changes)


# --------------------------------------------------------------------------------------------
# Geometry

_RESAMPLE_STEP = 0.012  # fraction of character size between resampled points


def _length(s: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(s[:, :2], axis=0), axis=1).sum()) if len(s) > 1 else 0.0


def resample(s: np.ndarray, step: float) -> np.ndarray:
    """Points every ``step`` along a polyline (keeps both ends; extra columns interpolated)."""
    if len(s) < 2:
        return s.copy()
    seg = np.linalg.norm(np.diff(s[:, :2], axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = cum[-1]
    if total <= 0:
        return s[:1].copy()
    n = max(int(math.ceil(total / step)), 1) + 1
    t = np.linspace(0.0, total, n)
    return np.stack([np.interp(t, cum, s[:, c]) for c in range(s.shape[1])], axis=1)


def chaikin(s: np.ndarray, iterations: int = 2) -> np.ndarray:
    """Corner cutting: rounds turns, keeps the end points."""
    for _ in range(iterations):
        if len(s) < 3:
            return s
        q = 0.75 * s[:-1] + 0.25 * s[1:]
        r = 0.25 * s[:-1] + 0.75 * s[1:]
        mid = np.empty((2 * (len(s) - 1), s.shape[1]))
        mid[0::2], mid[1::2] = q, r
        s = np.vstack([s[:1], mid[1:-1], s[-1:]])
    return s


def _rotate(points: np.ndarray, degrees: float, centre: np.ndarray) -> np.ndarray:
    a = math.radians(degrees)
    c, s_ = math.cos(a), math.sin(a)
    p = points.copy()
    d = p[:, :2] - centre
    p[:, 0] = centre[0] + c * d[:, 0] - s_ * d[:, 1]
    p[:, 1] = centre[1] + s_ * d[:, 0] + c * d[:, 1]
    return p


def _smooth_noise(rng: np.random.Generator, n: int, knots: int) -> np.ndarray:
    """``n`` samples of a smooth random curve (unit std at the knots)."""
    k = max(knots, 2)
    values = rng.normal(size=k)
    return np.interp(np.linspace(0, k - 1, n), np.arange(k), values)


def _with_pressure(s: np.ndarray, value: float = 1.0) -> np.ndarray:
    return np.hstack([s[:, :2], np.full((len(s), 1), value)]) if s.shape[1] == 2 else s


@dataclass
class _Writer:
    """One sample's writer: how hurried they are scales every hurried-writing probability."""

    haste: float

    def p(self, probability: float) -> float:
        return min(probability * self.haste, 1.0)


def distort(medians: Sequence[np.ndarray], params: SynthParams, rng: np.random.Generator) -> list[np.ndarray]:
    """Skeleton strokes -> one writer's pen strokes ``(n, 3)``: x, y (y down), pressure 0..1.

    Units stay those of the skeleton; the renderer fits the result to the natural size.
    """
    strokes = [np.asarray(m, dtype=np.float64)[:, :2] for m in medians if len(m)]
    pts = np.concatenate(strokes)
    size = float(max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 1e-6))
    writer = _Writer(haste=float(rng.uniform(0.0, 2.0)) if params.writer_haste else 1.0)
    strokes = [_rounded_and_resampled(s, params, writer, size, rng) for s in strokes]
    strokes = _reduce_and_merge_short_strokes(strokes, params, writer, size, rng)
    strokes = [_misplaced(s, params, size, rng) for s in strokes]
    if params.wobble:
        strokes = [_wobbled(s, params.wobble * size, size, rng) for s in strokes]
    strokes = [_with_pressure(s) for s in strokes]
    strokes = _join_strokes(strokes, params, writer, size, rng)
    return _slanted_stretched_rotated(strokes, params, rng)


def _rounded_and_resampled(s: np.ndarray, params: SynthParams, writer: _Writer, size: float,
                           rng: np.random.Generator) -> np.ndarray:
    """Turns become curves; sparse skeleton points become dense enough to bend."""
    if params.corner_rounding and rng.random() < writer.p(params.corner_rounding):
        # Coarse points then corner cutting: the turn's radius follows the coarse spacing.
        s = chaikin(resample(s, rng.uniform(0.04, 0.1) * size), iterations=3)
    return resample(s, _RESAMPLE_STEP * size)


def _misplaced(s: np.ndarray, params: SynthParams, size: float, rng: np.random.Generator) -> np.ndarray:
    """One stroke's placement, length and angle errors."""
    centre = s.mean(axis=0)
    if params.stroke_scale:
        s = centre + (s - centre) * math.exp(rng.normal(0.0, params.stroke_scale))
    if params.stroke_rotation:
        s = _rotate(s, rng.normal(0.0, params.stroke_rotation), centre)
    if params.stroke_shift:
        s = s + rng.normal(0.0, params.stroke_shift * size, size=2)
    return s


def _wobbled(s: np.ndarray, amplitude: float, size: float, rng: np.random.Generator) -> np.ndarray:
    """A slow wobble perpendicular-ish to the writing direction (both axes, smooth)."""
    n = len(s)
    knots = 2 + int(_length(s) / (0.15 * size))
    s = s.copy()
    s[:, 0] += amplitude * _smooth_noise(rng, n, knots)
    s[:, 1] += amplitude * _smooth_noise(rng, n, knots)
    return s


def _slanted_stretched_rotated(strokes: list[np.ndarray], params: SynthParams,
                               rng: np.random.Generator) -> list[np.ndarray]:
    """Whole-character slant, aspect and rotation about the character's centre."""
    allp = np.concatenate(strokes)
    centre = (allp[:, :2].min(axis=0) + allp[:, :2].max(axis=0)) / 2
    shear = rng.normal(0.0, params.slant) if params.slant else 0.0
    stretch = math.exp(rng.normal(0.0, params.aspect)) if params.aspect else 1.0
    angle = rng.normal(0.0, params.rotation) if params.rotation else 0.0
    out = []
    for s in strokes:
        s = s.copy()
        d = s[:, :2] - centre
        # Shear: the top leans right for a positive slant (y points down).
        d[:, 0] = (d[:, 0] - shear * d[:, 1]) * stretch
        s[:, :2] = centre + d
        if angle:
            s = _rotate(s, angle, centre)
        out.append(s)
    return out


def _reduce_and_merge_short_strokes(strokes, params, writer, size, rng):
    short = [_length(s) < params.short_stroke_length * size for s in strokes]
    out: list[np.ndarray] = []
    i = 0
    while i < len(strokes):
        j = i
        while j + 1 < len(strokes) and short[i] and short[j + 1]:
            j += 1
        if j > i and params.short_stroke_merge and rng.random() < writer.p(params.short_stroke_merge):
            # e.g. the three dots of 氵 written as one flick: one line through the dots.
            run = np.vstack([np.vstack([s[0], s[-1]]) for s in strokes[i : j + 1]])
            merged = resample(chaikin(run, 2), _RESAMPLE_STEP * size)
            out.append(merged)
            i = j + 1
            continue
        s = strokes[i]
        if short[i] and params.short_stroke_reduce and rng.random() < writer.p(params.short_stroke_reduce):
            keep = max(int(len(s) * rng.uniform(0.15, 0.5)), 2)
            s = s[:keep]
        out.append(s)
        i += 1
    return out


def _join_strokes(strokes, params, writer, size, rng):
    """Hurried joins (a faint line) and cursive runs (one movement, full ink, rounded)."""
    out = [strokes[0]]
    for s in strokes[1:]:
        prev = out[-1]
        gap = float(np.linalg.norm(s[0, :2] - prev[-1, :2])) / size
        closeness = math.exp(-gap / max(params.join_reach, 1e-6))
        r = rng.random()
        p_cursive = writer.p(params.cursive) * closeness
        p_join = writer.p(params.join) * closeness
        if r < p_cursive:
            bridge = np.vstack([prev[-3:], s[:3]]) if len(prev) >= 3 and len(s) >= 3 else np.vstack([prev[-1:], s[:1]])
            bridge = resample(chaikin(bridge, 3), _RESAMPLE_STEP * size)[1:-1]
            out[-1] = np.vstack([prev, bridge, s])
        elif r < p_cursive + p_join:
            line = resample(np.vstack([prev[-1], s[0]]), _RESAMPLE_STEP * size)
            faint = rng.uniform(0.15, 0.5)
            line[:, 2] = faint
            out[-1] = np.vstack([prev, line[1:-1], s])
        else:
            out.append(s)
    return out


# --------------------------------------------------------------------------------------------
# Appearance


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi)))) if hi > lo else float(lo)


def _taper(s: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pressure builds over the first part of a stroke and eases off at its end."""
    n = len(s)
    t = np.linspace(0.0, 1.0, n)
    start, end = rng.uniform(0.05, 0.2), rng.uniform(0.15, 0.4)
    floor = rng.uniform(0.2, 0.5)
    ramp = np.minimum(np.clip(t / start, 0, 1), np.clip((1 - t) / end, 0, 1))
    s = s.copy()
    s[:, 2] *= floor + (1 - floor) * ramp
    return s


_VISIBLE_INK_STEP = 5  # ink this many grey levels darker than the paper counts when cropping


def render_sample(pen_strokes: Sequence[np.ndarray], params: SynthParams, rng: np.random.Generator) -> np.ndarray:
    """A writer's strokes -> uint8 image cropped tight on the ink, at a natural size."""
    height = int(rng.integers(params.height_px[0], params.height_px[1] + 1))
    pen = _log_uniform(rng, *params.pen_width) * height
    if params.pressure_taper and rng.random() < params.pressure_taper:
        pen_strokes = [_taper(s, rng) for s in pen_strokes]
    cov = render_strokes.coverage(pen_strokes, height=height, pen_width=pen)
    texture = rng.uniform(*params.ink_texture)
    if texture > 0:
        noise = cv2.GaussianBlur(rng.random(cov.shape).astype(np.float32), (0, 0), sigmaX=1.5)
        noise = (noise - noise.min()) / max(float(np.ptp(noise)), 1e-6)
        cov = cov * (1.0 - texture * noise)
    sigma = rng.uniform(*params.blur)
    if sigma > 0.05:
        cov = cv2.GaussianBlur(cov, (0, 0), sigmaX=sigma)
    darkness = int(rng.integers(params.ink_darkness[0], params.ink_darkness[1] + 1))
    paper = int(rng.integers(params.paper_tone[0], params.paper_tone[1] + 1))
    cov = np.clip(cov, 0, 1)
    # Tight on the visible ink, as CASIA crops are.
    ys, xs = np.nonzero(cov * (paper - darkness) >= _VISIBLE_INK_STEP)
    if len(ys):
        cov = cov[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    img = render_strokes.compose(cov, render_strokes.Ink(darkness, paper)).astype(np.float32)
    grain = rng.uniform(*params.paper_noise)
    if grain > 0:
        img += rng.normal(0.0, grain, img.shape).astype(np.float32)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def synthesize(char: str, rng: np.random.Generator, params: SynthParams = SynthParams(), strokes_dir=None) -> np.ndarray:
    """One handwritten-looking sample of ``char`` (uint8, tight crop, paper 255)."""
    return render_sample(distort(load_medians(char, strokes_dir), params, rng), params, rng)


# --------------------------------------------------------------------------------------------
# Datasets in CASIA layout

SPLITS = ("Train", "Test")


def sample_rng(seed: int, split: str, char: str, index: int) -> np.random.Generator:
    """Each sample's own stream, so output is the same for any number of worker processes."""
    return np.random.default_rng([seed, SPLITS.index(split), ord(char), index])


def _write_class(job) -> int:
    out_dir, split, char, count, seed, params, strokes_dir = job
    folder = Path(out_dir) / split / char
    folder.mkdir(parents=True, exist_ok=True)
    medians = load_medians(char, strokes_dir)
    for n in range(count):
        rng = sample_rng(seed, split, char, n)
        img = render_sample(distort(medians, params, rng), params, rng)
        ok, buf = cv2.imencode(".png", img)
        (folder / f"{n + 1}.png").write_bytes(buf.tobytes())
    return count


def write_dataset(
    out_dir: str | Path,
    chars: Sequence[str] | str = COURSE_CHARACTERS,
    *,
    train_per_class: int = 600,
    test_per_class: int = 140,
    seed: int = 0,
    params: SynthParams = SynthParams(),
    strokes_dir: str | Path | None = None,
    workers: int | None = None,
    progress: bool = False,
) -> Path:
    """Write ``out_dir/Train|Test/<char>/<n>.png`` plus ``contact_sheet.png``; deterministic per seed."""
    out = Path(out_dir)
    chars = list(dict.fromkeys(chars))
    for c in chars:  # fail before writing anything when a character is unknown
        load_medians(c, strokes_dir)
    jobs = [
        (str(out), split, c, count, seed, params, strokes_dir)
        for split, count in (("Train", train_per_class), ("Test", test_per_class))
        for c in chars
        if count > 0
    ]
    workers = workers or min(os.cpu_count() or 1, 8)
    bar = _progress(sum(j[3] for j in jobs)) if progress else None
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(_write_class, jobs):
                bar and bar.add(done)
    else:
        for job in jobs:
            done = _write_class(job)
            bar and bar.add(done)
    write_contact_sheet(out, chars[:20], seed=seed, params=params, strokes_dir=strokes_dir)
    write_text_atomic(
        out / "synth.json",
        _json({"chars": "".join(chars), "train_per_class": train_per_class, "test_per_class": test_per_class,
               "seed": seed, "params": asdict(params)}),
    )
    return out


def _json(obj) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False, indent=1)


def _progress(total: int):
    from keras.utils import Progbar

    return Progbar(total, unit_name="image")


def write_contact_sheet(out_dir, chars, *, per_char: int = 14, seed: int = 0, params: SynthParams = SynthParams(),
                        strokes_dir=None, cell: tuple[int, int] = (80, 60)) -> Path:
    """A grid for people to look at: the skeleton (boxed) then samples, one character per row."""
    h, w = cell
    rows = []
    for char in chars:
        medians = load_medians(char, strokes_dir)
        template = render_strokes.render(medians, height=h - 8, pen_width=3)
        row = [_fit(template, h, w, boxed=True)]
        for n in range(per_char):
            rng = np.random.default_rng([seed, 99, ord(char), n])
            row.append(_fit(render_sample(distort(medians, params, rng), params, rng), h, w))
        rows.append(np.hstack(row))
    sheet = np.vstack(rows) if rows else np.full((h, w), 255, np.uint8)
    path = Path(out_dir) / "contact_sheet.png"
    ok, data = cv2.imencode(".png", sheet)
    if not ok:
        raise RuntimeError(f"{path}: could not encode the contact sheet")
    return write_bytes_atomic(path, data.tobytes())


def _fit(img: np.ndarray, h: int, w: int, boxed: bool = False) -> np.ndarray:
    """Natural-size crop -> centred in an h x w cell with a margin (aspect kept)."""
    cell = np.full((h, w), 255, np.uint8)
    scale = min((h - 6) / img.shape[0], (w - 6) / img.shape[1])
    small = cv2.resize(img, (max(int(img.shape[1] * scale), 1), max(int(img.shape[0] * scale), 1)),
                       interpolation=cv2.INTER_AREA)
    y, x = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    cell[y : y + small.shape[0], x : x + small.shape[1]] = small
    if boxed:
        cv2.rectangle(cell, (0, 0), (w - 1, h - 1), 160, 1)
    else:
        cv2.rectangle(cell, (0, 0), (w - 1, h - 1), 225, 1)
    return cell
