"""It learns your handwriting: the personal layer on synthetic writers unlike any the models were trained on.

Writers come from the held-out ranges (``training.writers.WriterRanges.held_out()``: more
slanted, stretched, climbing and joined than any training writer); the personal layer's constants
were chosen on training-range writers only, so nothing here was tuned on. Each writer writes every
course character 3 times for corrections, then ``--tests`` more times for the test. For every
shipped character model it reports top-1 on the test drawings:

- ``alone``: the model as shipped;
- ``+1`` / ``+3``: with the personal layer holding the first 1 / all 3 correction drawings of every
  character, kept through ``desktop.core.personal.PersonalSamples`` in a temporary folder and
  fitted with ``fit_personal_layer`` as the app does;
- the app's own flow: of the 3 correction drawings, only those the model alone misread are corrected,
  and the characters that got corrections (``corrected``) and those that got none (``others``)
  are scored apart, so a corrected character that steals other characters' drawings shows.

A stroke model reads the same handwriting as pen strokes: each drawing is also written on a canvas
from the same random draws (``training.stroke_input.stroke_drawing``: the same strokes and pen, its
own size), kept with its strokes as the app keeps a drawing, and its layer learns from those.

Per seed the writers' figures are averaged; the summary gives the mean over seeds ± their
standard deviation and the range. Last, the time to update the layer: ``PersonalLayer.fit`` alone,
and the whole update (read the samples, embed them with a blank page, fit).

    python -m benchmarks.personal_writers [--seeds 3] [--writers 4] [--tests 4]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.isolation import isolate_user_dirs
from desktop.core.contract import COURSE_CHARACTERS, shipped_models_dir
from desktop.core.onnx_model import OnnxModel
from desktop.core.personal import PersonalLayer, PersonalSamples, blank_page, fit_personal_layer
from desktop.core.direction_map import strokes_to_channels
from training.strokedata import load_medians
from training.stroke_input import stroke_drawing
from training.synth_stream import frame_for_training
from training.writers import WriterRanges, WriterStyle, draw_character, sample_writer

CORRECTIONS = 3  # correction drawings per character (the +3 column)
BASE_SEED = 15_000  # no training, calibration or tuning stream uses it


@dataclass
class WriterResult:
    seed: int
    index: int
    style: WriterStyle
    top1: dict[str, dict[str, float]] = field(default_factory=dict)  # model -> alone / +1 / +3 -> accuracy
    flow: dict[str, dict[str, tuple[int, int, int]]] = field(default_factory=dict)  # model -> group -> right before, after, n


def character_models() -> dict[str, OnnxModel]:
    """Every shipped model that reads all the course's characters, by file stem."""
    models = {}
    for path in sorted(shipped_models_dir().glob("*.onnx")):
        model = OnnxModel(path)
        if model.task == "characters" and set(COURSE_CHARACTERS) <= set(model.class_names):
            models[path.stem] = model
    return models


@dataclass
class Drawings:
    """One writer's drawings of every course character, round after round, framed both ways."""

    images: np.ndarray  # [rounds, 55, 80, 60, 1]: the synthesiser's picture
    channels: np.ndarray  # [rounds, 55, 80, 60, 9]: the same strokes on a canvas, ink + pen directions
    strokes: list[list[tuple[list[np.ndarray], float]]]  # [rounds][55]: canvas strokes and pen width

    def of(self, model: OnnxModel) -> np.ndarray:
        return self.channels if model.input_kind == "strokes" else self.images

    def part(self, rounds: slice) -> "Drawings":
        return Drawings(self.images[rounds], self.channels[rounds], self.strokes[rounds])


def style_line(style: WriterStyle) -> str:
    """The held-out habits that make this writer unusual, and their haste."""
    return (f"slant {style.slant:+.2f} aspect {style.aspect:.2f} climb {style.climb:4.1f}° ligature "
            f"{style.ligature:.2f} run-together {style.run_together:.2f} haste {style.haste:.2f}")


def _drawn(char: str, style: WriterStyle, rng: np.random.Generator):
    """The picture (``rng`` moves on as before) and, from a copy of its state, the same strokes on a canvas."""
    twin = np.random.default_rng()
    twin.bit_generator.state = rng.bit_generator.state
    image = frame_for_training(draw_character(char, style, rng))
    strokes, pen = stroke_drawing(load_medians(char), style, twin)
    return image, strokes_to_channels(strokes, pen_width=pen), (strokes, pen)


def writer_drawings(seed: int, index: int, tests: int) -> tuple[WriterStyle, Drawings, Drawings]:
    """One held-out writer: corrections (3 rounds of the 55 characters) and ``tests`` rounds of test drawings."""
    rng = np.random.default_rng([BASE_SEED, seed, index])
    style = sample_writer(rng, WriterRanges.held_out())
    rounds = [[_drawn(c, style, rng) for c in COURSE_CHARACTERS] for _ in range(CORRECTIONS + tests)]
    every = Drawings(np.stack([[d[0] for d in r] for r in rounds]), np.stack([[d[1] for d in r] for r in rounds]),
                     [[d[2] for d in r] for r in rounds])
    return style, every.part(slice(None, CORRECTIONS)), every.part(slice(CORRECTIONS, None))


def kept(folder: Path, drawings: Drawings, labels: list[str], pick: np.ndarray | None = None) -> PersonalSamples:
    """The corrections as the app keeps them: a folder of samples (picture, strokes and pen); ``pick``
    chooses among the flattened drawings (default: all)."""
    images = drawings.images.reshape(-1, *drawings.images.shape[2:])
    strokes = [s for r in drawings.strokes for s in r]
    pick = np.arange(len(images)) if pick is None else pick
    store = PersonalSamples(folder)
    for i, label in zip(pick, labels):
        store.add(label, images[i], *strokes[i])
    return store


def score_model(model: OnnxModel, stores: dict[str, PersonalSamples], corrections: Drawings, test_drawings: Drawings,
                folder: Path) -> tuple[dict, dict]:
    """Top-1 alone and with each store's layer on the tests, and the app flow's corrected/others counts."""
    chars = list(COURSE_CHARACTERS)
    tests = test_drawings.of(model)
    truth = np.tile([model.class_names.index(c) for c in chars], len(tests))
    probs, embedding = model.predict_proba_and_embedding(tests.reshape(-1, *tests.shape[2:]))
    top1 = {"alone": float((probs.argmax(axis=1) == truth).mean())}
    for name, store in stores.items():
        adjusted = fit_personal_layer(model, store).adjust_for(model, probs, embedding)
        top1[name] = float((adjusted.argmax(axis=1) == truth).mean())
    # The app's flow: only the correction drawings the model misread are corrected.
    flat = corrections.of(model).reshape(-1, *tests.shape[2:])
    misread = model.predict_proba(flat).argmax(axis=1) != np.tile(truth[:len(chars)], CORRECTIONS)
    labels = [chars[i % len(chars)] for i in np.flatnonzero(misread)]
    store = kept(folder / model.path.stem, corrections, labels, np.flatnonzero(misread))
    adjusted = fit_personal_layer(model, store).adjust_for(model, probs, embedding).argmax(axis=1)
    corrected = np.isin(np.tile(chars, len(tests)), labels)
    flow = {}
    for group, rows in (("corrected", corrected), ("others", ~corrected)):
        before = int((probs.argmax(axis=1) == truth)[rows].sum())
        flow[group] = (before, int((adjusted == truth)[rows].sum()), int(rows.sum()))
    return top1, flow


def score_writer(models: dict[str, OnnxModel], seed: int, index: int, tests: int) -> WriterResult:
    style, corrections, test_drawings = writer_drawings(seed, index, tests)
    result = WriterResult(seed, index, style)
    chars = list(COURSE_CHARACTERS)
    with tempfile.TemporaryDirectory(prefix="personal-bench-") as folder:
        stores = {f"+{k}": kept(Path(folder) / f"every-{k}", corrections.part(slice(None, k)), chars * k)
                  for k in (1, CORRECTIONS)}
        for name, model in models.items():
            result.top1[name], result.flow[name] = score_model(model, stores, corrections, test_drawings,
                                                               Path(folder) / "misread")
    return result


def run(seeds: int, writers: int, tests: int, *, progress: bool = True) -> list[WriterResult]:
    models = character_models()
    results = []
    for seed in range(1, seeds + 1):
        for index in range(1, writers + 1):
            result = score_writer(models, seed, index, tests)
            results.append(result)
            if progress:
                print(f"  seed {seed} writer {index}: " + "  ".join(
                    f"{name} {r['alone']:.1%} -> {r[f'+{CORRECTIONS}']:.1%}" for name, r in result.top1.items()),
                    file=sys.stderr, flush=True)
    return results


def fit_times(runs: int = 20) -> dict[str, tuple[float, float]]:
    """Per model: median seconds of ``PersonalLayer.fit`` on 3 x 55 samples, and of the whole update."""
    _, corrections, _ = writer_drawings(0, 0, 1)
    labels = list(COURSE_CHARACTERS) * CORRECTIONS
    times = {}
    for name, model in character_models().items():
        images = corrections.of(model).reshape(-1, *model.input_shape)
        embedding = model.predict_embedding(images)
        origin = model.predict_embedding(blank_page(model.input_shape[-1]))[0]
        fit = []
        for _ in range(runs):
            started = time.perf_counter()
            PersonalLayer.fit(embedding, labels, model.class_names, origin=origin)
            fit.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory(prefix="personal-bench-") as folder:
            store = kept(Path(folder), corrections, labels)
            update = []
            for _ in range(max(runs // 4, 1)):
                started = time.perf_counter()
                fit_personal_layer(model, store)
                update.append(time.perf_counter() - started)
        times[name] = (float(np.median(fit)), float(np.median(update)))
    return times


def _spread(values: list[float], sign: str = "") -> str:
    """Percent (or points): mean ± standard deviation [min, max]."""
    v = np.asarray(values) * 100
    return f"{v.mean():{sign}5.1f} ± {v.std():3.1f} [{v.min():{sign}5.1f}, {v.max():{sign}5.1f}]"


def _seed_means(results: list[WriterResult], value) -> list[float]:
    seeds = sorted({r.seed for r in results})
    return [float(np.mean([value(r) for r in results if r.seed == s])) for s in seeds]


def report(results: list[WriterResult], times: dict[str, tuple[float, float]] | None = None) -> str:
    names = list(results[0].top1)
    columns = ("alone", "+1", f"+{CORRECTIONS}")
    head = "seed writer  " + f"{'style':<92}" + " | ".join(f"{n:>26}" for n in names)
    lines = [head, " " * 105 + " | ".join(f"{'  '.join(f'{c:>6}' for c in columns):>26}" for _ in names)]
    for r in results:
        cells = " | ".join(f"{'  '.join(f'{r.top1[n][c]:6.1%}' for c in columns):>26}" for n in names)
        lines.append(f"{r.seed:>4} {r.index:>6}  {style_line(r.style):<92}{cells}")
    seeds, writers = len({r.seed for r in results}), len(results)
    lines += ["", f"Top-1 over {seeds} seeds ({writers} writers): mean of the seed means ± their standard deviation "
                  "[lowest, highest seed]"]
    for n in names:
        for c in columns:
            lines.append(f"  {n:<18} {c:<6} {_spread(_seed_means(results, lambda r: r.top1[n][c]))}")
        for c in columns[1:]:
            gain = _seed_means(results, lambda r: r.top1[n][c] - r.top1[n]["alone"])
            lines.append(f"  {n:<18} gain {c:<2}{_spread(gain, '+')} points")
    lines += ["", f"The app's flow: of {CORRECTIONS} drawings per character, only those the model misread are "
                  "corrected; top-1 on the test drawings (all seeds)"]
    for n in names:
        for group in ("corrected", "others"):
            before, after, count = (sum(r.flow[n][group][i] for r in results) for i in range(3))
            if count:
                lines.append(f"  {n:<18} {group:<10} characters: {before / count:6.1%} -> {after / count:6.1%} "
                             f"({count} drawings)")
    if times:
        lines += ["", f"Updating the layer with {CORRECTIONS} x {len(COURSE_CHARACTERS)} samples (median):"]
        lines += [f"  {n:<18} PersonalLayer.fit {fit * 1e3:7.2f} ms; read + embed + fit {update * 1e3:7.1f} ms"
                  for n, (fit, update) in times.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.personal_writers", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds, each with its own writers (default 3)")
    parser.add_argument("--writers", type=int, default=4, help="held-out writers per seed (default 4)")
    parser.add_argument("--tests", type=int, default=4, help="test drawings of every character per writer (default 4)")
    args = parser.parse_args(argv)
    isolate_user_dirs()
    print(f"Personal layer on held-out synthetic writers: {args.seeds} seeds x {args.writers} writers; corrections: "
          f"1 and {CORRECTIONS} drawings of each of the {len(COURSE_CHARACTERS)} characters; test: {args.tests} new "
          f"drawings of each ({args.tests * len(COURSE_CHARACTERS)} per writer)\n")
    results = run(args.seeds, args.writers, args.tests)
    print(report(results, fit_times()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
