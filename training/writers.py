"""Synthetic writers: one person's hurried style, kept across every character they write.

:mod:`training.synth` draws a fresh "writer" for each sample, so a model never sees the thing
that makes real handwriting hard: a person whose slant, proportions and shortcuts are the same in
every character, and far from print. Here a :class:`WriterStyle` is drawn once
(:func:`sample_writer`) and then writes many characters (:func:`draw_character`,
:func:`writer_samples`); each character only varies a little around the style.

The habits, each a named field with an effect test (``tests/training/test_writers.py``): slant,
aspect, horizontals that climb, thin ligatures where the pen did not lift, strokes run together,
boxes (口) collapsed into a loop or two strokes, long falling strokes cut short into a hook,
components crowded together, dots turned into ticks or left out, haste and pen width.

Every habit draws its random numbers whether or not it fires, so one character drawn with and
without a habit (same seed) differs only by that habit: that is what the effect tests compare.
:class:`WriterRanges` names the ranges writers are drawn from; ``held_out()`` lies outside the
training ranges, to measure how a model copes with writers unlike any it was trained on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Sequence

import numpy as np

from .strokedata import load_medians
from .synth import (
    _RESAMPLE_STEP,
    SynthParams,
    _length,
    _misplaced,
    _rotate,
    _rounded_and_resampled,
    _slanted_stretched_rotated,
    _with_pressure,
    _wobbled,
    _Writer,
    chaikin,
    render_sample,
    resample,
)

# --------------------------------------------------------------------------------------------
# The style and where writers are drawn from


@dataclass(frozen=True)
class WriterStyle:
    """One writer's habits. Probabilities are per opportunity (per stroke pair, box or dot)."""

    slant: float = 0.0  # horizontal shear of the whole character; positive: tops lean right
    aspect: float = 1.0  # width/height multiplier against the print glyph
    climb: float = 0.0  # degrees near-horizontal strokes are turned up (right end higher)
    ligature: float = 0.0  # a thin visible line from a stroke's end to the next stroke's start
    run_together: float = 0.0  # the next nearby stroke written in the same movement, full ink
    box_collapse: float = 0.0  # a box (口) written as one loop or two strokes instead of three
    hook: float = 0.0  # fraction cut off long falling strokes, which then end in a hook
    crowding: float = 0.0  # fraction of the way components move towards the character's centre
    dot_tick: float = 0.0  # a dot written as a tick (down, then a flick back)
    dot_vanish: float = 0.0  # a dot left out
    haste: float = 0.0  # 0..1: scales stroke placement errors, wobble and corner rounding
    pen_width: float = 0.05  # fraction of the character's natural height

    @classmethod
    def neutral(cls) -> "WriterStyle":
        """A careful writer with every habit off: the baseline each habit's effect is measured against."""
        return cls()


Span = tuple[float, float]


@dataclass(frozen=True)
class WriterRanges:
    """Where :func:`sample_writer` draws each habit from (uniform; pen width log-uniform).

    ``slant`` and ``aspect`` are magnitudes (aspect as log width/height) whose sign is drawn, so
    a range that starts above zero excludes writers close to print on both sides.
    """

    slant: Span = (0.0, 0.25)
    aspect: Span = (0.0, 0.3)
    climb: Span = (2.0, 12.0)
    ligature: Span = (0.0, 0.5)
    run_together: Span = (0.0, 0.3)
    box_collapse: Span = (0.0, 0.8)
    hook: Span = (0.0, 0.35)
    crowding: Span = (0.0, 0.3)
    dot_tick: Span = (0.0, 0.6)
    dot_vanish: Span = (0.0, 0.25)
    haste: Span = (0.1, 1.0)
    pen_width: Span = (0.015, 0.1)

    @classmethod
    def training(cls) -> "WriterRanges":
        """The ranges training data is drawn from."""
        return cls()

    @classmethod
    def held_out(cls) -> "WriterRanges":
        """Writers more slanted, stretched, climbing and joined than any training writer.

        A model that only memorised the training styles fails on these; the other habits keep
        their training ranges so the difference is in these four.
        """
        return replace(cls.training(), slant=(0.3, 0.45), aspect=(0.35, 0.6), climb=(14.0, 20.0),
                       ligature=(0.6, 0.9), run_together=(0.35, 0.6))

    @classmethod
    def neat(cls) -> "WriterRanges":
        """Careful writers close to print: upright, level, nothing joined or dropped, any pen from fine to bold.

        Every training writer hurries a little (horizontals climb at least 2°); a model that never
        saw a careful hand misreads printed characters (see :data:`NEAT_VARIATION`).
        """
        none = (0.0, 0.0)
        return cls(slant=(0.0, 0.04), aspect=(0.0, 0.08), climb=(0.0, 2.0), ligature=none, run_together=none,
                   box_collapse=none, hook=none, crowding=none, dot_tick=none, dot_vanish=none, haste=(0.0, 0.1),
                   pen_width=(0.03, 0.14))


_SIGNED = ("slant", "aspect")


def sample_writer(rng: np.random.Generator, ranges: WriterRanges | None = None) -> WriterStyle:
    """One writer drawn from ``ranges`` (training ranges by default); same rng state, same writer."""
    ranges = ranges or WriterRanges.training()
    values = {}
    for f in fields(WriterStyle):
        lo, hi = getattr(ranges, f.name)
        if f.name == "pen_width":
            value = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        else:
            value = rng.uniform(lo, hi)
        if f.name in _SIGNED:
            value *= 1.0 if rng.random() < 0.5 else -1.0
        values[f.name] = float(value)
    values["aspect"] = math.exp(values["aspect"])
    return WriterStyle(**values)


#: Per-character variation around a writer's style: small whole-character jitter (the writer's
#: own slant and aspect come on top), the usual stroke errors (scaled by haste) and appearance.
#: Joins and dots are the writer's business, so the per-sample versions of those are off.
WRITER_VARIATION = SynthParams(
    slant=0.03, aspect=0.05, rotation=2.0, join=0.0, cursive=0.0, short_stroke_reduce=0.0,
    short_stroke_merge=0.0, writer_haste=False,
)

#: A careful writer's variation (:meth:`WriterRanges.neat`): strokes placed closely, steady hands,
#: sharp corners, clean paper.
NEAT_VARIATION = replace(WRITER_VARIATION, stroke_shift=0.015, stroke_scale=0.05, stroke_rotation=2.0, wobble=0.003,
                         corner_rounding=0.0, blur=(0.0, 0.5), ink_texture=(0.0, 0.1), paper_tone=(240, 255))

HABIT_JITTER = 0.2  # a habit's strength varies by up to this fraction from character to character
PEN_JITTER = 0.1  # log std of the pen width between characters (pressure, a different page)
DOT_LENGTH = 0.25  # a stroke shorter than this (fraction of the character size) may be a dot
FALLING_LENGTH = 0.45  # a falling stroke longer than this may be cut short into a hook
RUN_REACH = 0.45  # strokes run together less the further apart they are (fraction of the size)
LIGATURE_PRESSURE = (0.25, 0.45)  # a ligature's width, as a fraction of the pen's
COMPONENT_GAP = 0.05  # strokes closer than this (fraction of the size) belong to one component


# --------------------------------------------------------------------------------------------
# Stroke shapes


def _size(strokes: Sequence[np.ndarray]) -> float:
    pts = np.concatenate([s[:, :2] for s in strokes])
    return float(max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 1e-6))


def _chord(s: np.ndarray) -> np.ndarray:
    return s[-1, :2] - s[0, :2]


def _goes_down(s: np.ndarray) -> bool:
    dx, dy = _chord(s)
    return dy > 2 * abs(dx)


def _goes_right(s: np.ndarray) -> bool:
    dx, dy = _chord(s)
    return dx > 0 and abs(dy) < 0.5 * dx


def is_dot(s: np.ndarray, size: float) -> bool:
    """A short slanting stroke: short horizontals and verticals are parts of boxes (明) or crosses (美)."""
    dx, dy = _chord(s)
    return _length(s) < DOT_LENGTH * size and 0.25 * abs(dy) <= abs(dx) <= 2.5 * abs(dy)


def is_falling(s: np.ndarray, size: float) -> bool:
    """A long diagonal stroke heading down (撇 or 捺), the kind a hurried writer cuts short."""
    dx, dy = _chord(s)
    chord = math.hypot(dx, dy)
    return _length(s) > FALLING_LENGTH * size and dy >= 0.5 * chord and abs(dx) >= 0.3 * chord


def is_near_horizontal(s: np.ndarray, size: float) -> bool:
    dx, dy = _chord(s)
    return dx > 0 and abs(dy) < math.tan(math.radians(25)) * dx and dx > 0.15 * size


# --------------------------------------------------------------------------------------------
# Boxes


def _box_closing(strokes: Sequence[np.ndarray], a: int, size: float) -> tuple[int, int, int] | None:
    """``(left, top_and_right, bottom)`` when stroke ``a`` starts the standard 口 pattern.

    A left vertical, then a stroke from the same corner going right and turning down, and a
    later horizontal from the left side's foot to the right side's foot that closes the box.
    """
    left, top = strokes[a], strokes[a + 1]
    height = float(left[-1, 1] - left[0, 1])
    if not (_goes_down(left) and height > 0.1 * size):
        return None
    near = 0.3 * height
    if np.linalg.norm(top[0, :2] - left[0, :2]) > near:
        return None
    corner = top[int(np.argmax(top[:, 0] - top[:, 1])), :2]  # the top-right turn
    across, down = corner - top[0, :2], top[-1, :2] - corner
    if not (across[0] > 1.5 * abs(across[1]) and down[1] > 1.2 * abs(down[0]) and down[1] > 0.5 * height):
        return None
    closings = [
        c for c in range(a + 2, len(strokes))
        if _goes_right(strokes[c])
        and np.linalg.norm(strokes[c][0, :2] - left[-1, :2]) < near
        and np.linalg.norm(strokes[c][-1, :2] - top[-1, :2]) < near
    ]
    if not closings:
        return None
    return a, a + 1, min(closings, key=lambda c: float(np.linalg.norm(strokes[c][0, :2] - left[-1, :2])))


def find_boxes(strokes: Sequence[np.ndarray], size: float | None = None) -> list[tuple[int, int, int]]:
    """Every box in the stroke order, as stroke indices ``(left, top_and_right, bottom)``."""
    size = size or _size(strokes)
    boxes, used = [], set()
    for a in range(len(strokes) - 2):
        if a in used or a + 1 in used:
            continue
        box = _box_closing(strokes, a, size)
        if box and box[2] not in used:
            boxes.append(box)
            used.update(box)
    return boxes


def _collapsed_boxes(strokes: list, boxes, writer: WriterStyle, rng: np.random.Generator) -> list[np.ndarray]:
    """Boxes written in fewer movements; strokes left out (None) dropped.

    A box whose bottom follows at once becomes one loop (up the left side, across, down, back
    along the bottom) or two strokes (the left side, then top, right side and bottom in one). A
    box with strokes inside (日, 国) has its frame, left side and top-right, written in one.
    """
    replaced: dict[int, list[np.ndarray]] = {}
    for left, top, bottom in boxes:
        collapse, loop = rng.random() < writer.box_collapse, rng.random() < 0.5
        if not collapse:
            continue
        a, b, c = strokes[left], strokes[top], strokes[bottom]
        if bottom == top + 1 and loop:
            replaced.update({left: [np.vstack([a[::-1], b, c[::-1]])], top: [], bottom: []})
        elif bottom == top + 1:
            replaced.update({left: [a], top: [np.vstack([b, c[::-1]])], bottom: []})
        else:
            replaced.update({left: [np.vstack([a[::-1], b])], top: []})
    out = []
    for i, s in enumerate(strokes):
        out += replaced.get(i, [] if s is None else [s])
    return out


# --------------------------------------------------------------------------------------------
# Habits on the skeleton


def _jittered(strength: float, rng: np.random.Generator) -> float:
    return strength * rng.uniform(1.0 - HABIT_JITTER, 1.0 + HABIT_JITTER)


def components(strokes: Sequence[np.ndarray], size: float | None = None) -> list[list[int]]:
    """Stroke indices grouped into components: strokes that touch, directly or through others.

    Centre-lines stop short of the corners where strokes meet, so a box's strokes may not
    touch: they are put together first.
    """
    size = size or _size(strokes)
    dense = [resample(s[:, :2], 0.02 * size) for s in strokes]
    parent = list(range(len(strokes)))
    for box in find_boxes(strokes, size):
        parent[box[1]] = parent[box[2]] = box[0]

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    # each stroke against all later ones in one array step (the drawing's hottest loop was per pair)
    points = np.concatenate(dense)
    ends = np.cumsum([len(d) for d in dense])
    for i in range(len(dense) - 1):
        later = points[ends[i]:]
        nearest = np.linalg.norm(dense[i][:, None, :] - later[None, :, :], axis=2).min(axis=0)
        gaps = np.minimum.reduceat(nearest, ends[i:-1] - ends[i])
        for j, gap in enumerate(gaps, start=i + 1):
            if gap < COMPONENT_GAP * size:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(strokes)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _box_centre(strokes: Sequence[np.ndarray]) -> np.ndarray:
    pts = np.concatenate([s[:, :2] for s in strokes])
    return (pts.min(axis=0) + pts.max(axis=0)) / 2


def _crowded(strokes: list[np.ndarray], writer: WriterStyle, size: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Each component moved part of the way towards the character's centre, so they crowd and overlap."""
    pull = _jittered(writer.crowding, rng)
    if not pull:
        return strokes
    centre = _box_centre(strokes)
    out = list(strokes)
    for group in components(strokes, size):
        shift = pull * (centre - _box_centre([strokes[i] for i in group]))
        for i in group:
            out[i] = strokes[i] + shift
    return out


def _climbed(strokes: list[np.ndarray], writer: WriterStyle, size: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Near-horizontal strokes turned about their middle so the right end rises (y points down)."""
    angle = _jittered(writer.climb, rng)
    if not angle:
        return strokes
    return [_rotate(s, -angle, s[:, :2].mean(axis=0)) if is_near_horizontal(s, size) else s for s in strokes]


def _flick(end: np.ndarray, heading: np.ndarray, turn_deg: float, length: float, towards: np.ndarray) -> np.ndarray:
    """A short flick from ``end``: ``heading`` turned by ``turn_deg`` to whichever side is closer to ``towards``."""
    best = None
    for sign in (1.0, -1.0):
        a = math.radians(sign * turn_deg)
        d = np.array([heading[0] * math.cos(a) - heading[1] * math.sin(a),
                      heading[0] * math.sin(a) + heading[1] * math.cos(a)])
        tip = end + length * d / max(float(np.linalg.norm(d)), 1e-9)
        if best is None or np.linalg.norm(tip - towards) < np.linalg.norm(best - towards):
            best = tip
    return np.vstack([end, best])


def _cut(s: np.ndarray, keep: float, size: float) -> np.ndarray:
    """The first ``keep`` fraction of a stroke's length."""
    dense = resample(s[:, :2], _RESAMPLE_STEP * size)
    steps = np.linalg.norm(np.diff(dense, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    return dense[: max(int(np.searchsorted(along, keep * along[-1], side="right")), 2)]


def _hooked(strokes: list, protected: set[int], writer: WriterStyle, size: float, rng: np.random.Generator) -> list:
    """Long falling strokes cut short; the pen turns back up in a small hook where it stopped."""
    out = list(strokes)
    for i, s in enumerate(strokes):
        if s is None or i in protected or not is_falling(s, size):
            continue
        cut, flick = _jittered(writer.hook, rng), rng.uniform(0.05, 0.09) * size
        if not cut:
            continue
        kept = _cut(s, 1.0 - min(cut, 0.8), size)
        heading = kept[-1] - kept[-2]
        up = kept[-1] - np.array([0.0, size])  # the hook turns upwards
        out[i] = np.vstack([kept, _flick(kept[-1], heading, 140.0, flick, up)[1:]])
    return out


def _dotted(strokes: list, protected: set[int], writer: WriterStyle, size: float, rng: np.random.Generator) -> list:
    """Dots left out (None) or written as ticks: most of the dot, then a flick back towards the next stroke."""
    out = list(strokes)
    for i, s in enumerate(strokes):
        if i in protected or not is_dot(s, size):
            continue
        vanish, tick, flick = rng.random() < writer.dot_vanish, rng.random() < writer.dot_tick, rng.uniform(0.5, 0.8)
        if vanish and sum(x is not None for x in out) > 1:
            out[i] = None
        elif tick:
            kept = _cut(s, 0.7, size)
            heading = kept[-1] - kept[0]
            towards = strokes[i + 1][0, :2] if i + 1 < len(strokes) else kept[-1] - np.array([0.0, size])
            out[i] = np.vstack([kept, _flick(kept[-1], heading, 130.0, flick * _length(s), towards)[1:]])
    return out


# --------------------------------------------------------------------------------------------
# The writer's hand: errors, pen lifts, whole-character shape


def _hand_errors(strokes: list[np.ndarray], writer: WriterStyle, params: SynthParams, size: float,
                 rng: np.random.Generator) -> list[np.ndarray]:
    """The per-character stroke errors of :mod:`training.synth`, larger and rounder for a hasty writer."""
    scale = 0.5 + writer.haste
    errors = replace(params, stroke_shift=params.stroke_shift * scale, stroke_rotation=params.stroke_rotation * scale,
                     stroke_scale=params.stroke_scale * scale, wobble=params.wobble * scale)
    hurry = _Writer(haste=2.0 * writer.haste)  # haste 0.5 rounds corners as often as synth's mean writer
    strokes = [_rounded_and_resampled(s, errors, hurry, size, rng) for s in strokes]
    strokes = [_misplaced(s, errors, size, rng) for s in strokes]
    if errors.wobble:
        strokes = [_wobbled(s, errors.wobble * size, size, rng) for s in strokes]
    return [_with_pressure(s) for s in strokes]


def _pen_lifts(strokes: list[np.ndarray], writer: WriterStyle, size: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Where the pen stays down: nearby strokes run together at full ink, others get a thin ligature."""
    out = [strokes[0]]
    for s in strokes[1:]:
        prev = out[-1]
        gap = float(np.linalg.norm(s[0, :2] - prev[-1, :2])) / size
        run, ligature, thin = rng.random(), rng.random(), rng.uniform(*LIGATURE_PRESSURE)
        if run < writer.run_together * math.exp(-gap / RUN_REACH):
            ends = np.vstack([prev[-3:], s[:3]]) if len(prev) >= 3 and len(s) >= 3 else np.vstack([prev[-1:], s[:1]])
            bridge = resample(chaikin(ends, 3), _RESAMPLE_STEP * size)[1:-1]
            bridge[:, 2] = 1.0
            out[-1] = np.vstack([prev, bridge, s])
        elif ligature < writer.ligature:
            line = resample(np.vstack([prev[-1], s[0]]), _RESAMPLE_STEP * size)
            line[:, 2] = thin
            out[-1] = np.vstack([prev, line[1:-1], s])
        else:
            out.append(s)
    return out


def _writer_shape(strokes: list[np.ndarray], writer: WriterStyle) -> list[np.ndarray]:
    """The writer's own slant and width about the character's centre (the same for every character)."""
    centre = _box_centre(strokes)
    out = []
    for s in strokes:
        s = s.copy()
        d = s[:, :2] - centre
        d[:, 0] = (d[:, 0] - writer.slant * d[:, 1]) * writer.aspect  # y points down: tops lean right
        s[:, :2] = centre + d
        out.append(s)
    return out


def pen_strokes(medians: Sequence[np.ndarray], writer: WriterStyle, rng: np.random.Generator,
                params: SynthParams = WRITER_VARIATION) -> list[np.ndarray]:
    """Skeleton strokes -> this writer's pen strokes ``(n, 3)``: x, y (y down), pressure 0..1."""
    strokes = [np.asarray(m, dtype=np.float64)[:, :2] for m in medians if len(m)]
    size = _size(strokes)
    boxes = find_boxes(strokes, size)
    in_boxes = {i for box in boxes for i in box}
    strokes = _crowded(strokes, writer, size, rng)
    strokes = _climbed(strokes, writer, size, rng)
    strokes = _hooked(strokes, in_boxes, writer, size, rng)
    strokes = _dotted(strokes, in_boxes, writer, size, rng)
    strokes = _collapsed_boxes(strokes, boxes, writer, rng)
    strokes = _hand_errors(strokes, writer, params, size, rng)
    strokes = _pen_lifts(strokes, writer, size, rng)
    return _slanted_stretched_rotated(_writer_shape(strokes, writer), params, rng)


def draw_character(char: str, writer: WriterStyle, rng: np.random.Generator,
                   params: SynthParams = WRITER_VARIATION, strokes_dir=None) -> np.ndarray:
    """One sample of ``char`` in this writer's hand (uint8, tight crop, like :func:`training.synth.synthesize`)."""
    strokes = pen_strokes(load_medians(char, strokes_dir), writer, rng, params)
    pen = writer.pen_width * math.exp(rng.normal(0.0, PEN_JITTER))
    return render_sample(strokes, replace(params, pen_width=(pen, pen)), rng)


def writer_samples(chars: Sequence[str] | str, writer: WriterStyle, rng: np.random.Generator, per_char: int = 1,
                   params: SynthParams = WRITER_VARIATION, strokes_dir=None) -> list[tuple[str, np.ndarray]]:
    """``per_char`` samples of each character by one writer, as ``(char, image)`` in order."""
    return [(c, draw_character(c, writer, rng, params, strokes_dir)) for c in chars for _ in range(per_char)]
