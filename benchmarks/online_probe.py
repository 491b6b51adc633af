"""Do direction channels help a model trained on synthetic strokes? Ink alone against ink + directMap.

Synthetic writers (:mod:`training.writers`) write every sample as pen strokes; each sample goes
through :func:`desktop.core.direction_map.strokes_to_channels`, the app's canvas path: channel 0
is exactly the image the Write panel gives a character model for those strokes, channels 1..8
the same ink split by stroke direction. The course CNN's layers (``training.models.cnn``, only
the input widened) are trained twice on the same samples, once on channel 0 (``ink``, ``[80, 60,
1]``) and once on all nine (``ink+dir``), for each seed. The seed picks the training writers,
the initial weights and the batch order.

Each model is scored on:

- ``held-out``: writers drawn from :meth:`WriterRanges.held_out` (more slanted, stretched,
  climbing and joined than any training writer), each writing every course character once,
  the same samples for every model;
- ``real-dev`` (``--real-dev DIR``, a folder of ``<char>/<n>.json`` strokes, y down, or of such
  folders): real pen input rendered at a 100-pixel character height with the thin, medium and
  thick pens of ``benchmarks/real_handwriting.py``, per pen and pooled.

Usage::

    python -m benchmarks.online_probe --real-dev DIR [--per-char 1200] [--epochs 10] [--seeds 0 1 2]

Nothing is written unless ``--out FILE`` asks for the results as JSON.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up notices would bury the table
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.real_handwriting import HEIGHT, PENS  # noqa: E402
from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, COURSE_CHARACTERS  # noqa: E402
from desktop.core.direction_map import CHANNELS, strokes_to_channels  # noqa: E402

VARIANTS = {"ink": 1, "ink+dir": CHANNELS}  # name -> input channels (the first n of strokes_to_channels)
HELD_OUT_SEED = 1000  # the held-out writers' stream: apart from any training seed
BLOCK_WRITERS = 50  # writers per block handed to one process
VALIDATION = 0.05  # the last writers of each training draw, for early stopping


# -- samples as strokes, through the app's canvas path ---------------------------------------------
def synthetic_sample(char: str, writer, rng: np.random.Generator) -> np.ndarray:
    """One sample of ``char`` in ``writer``'s hand as strokes -> uint8 ``[80, 60, 9]``: what the stroke
    model's build draws (:func:`training.stroke_input.stroke_sample`, the app's canvas framing)."""
    from training.strokedata import load_medians
    from training.stroke_input import stroke_sample

    return stroke_sample(load_medians(char), writer, rng)


def _training_block(seed: int, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Samples ``start..start+count`` of the training writers' stream (training.synth_stream's numbering)."""
    from training.synth_stream import CHARS_PER_WRITER, stream_sample_rng, stream_writer

    images = np.empty((count, CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, CHANNELS), np.uint8)
    labels = np.empty(count, np.int32)
    writer_index, writer = -1, None
    for i, n in enumerate(range(start, start + count)):
        w, k = divmod(n, CHARS_PER_WRITER)
        if w != writer_index:
            writer_index, writer = w, stream_writer(seed, w)
        rng = stream_sample_rng(seed, w, k)
        labels[i] = int(rng.integers(len(COURSE_CHARACTERS)))
        images[i] = (synthetic_sample(COURSE_CHARACTERS[labels[i]], writer, rng))
    return images, labels


def _held_out_block(first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Held-out writers ``first..first+count``, each writing every course character once."""
    from training.synth_stream import stream_writer
    from training.writers import WriterRanges

    chars = COURSE_CHARACTERS
    images = np.empty((count * len(chars), CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, CHANNELS), np.uint8)
    labels = np.tile(np.arange(len(chars), dtype=np.int32), count)
    for w in range(first, first + count):
        writer = stream_writer(HELD_OUT_SEED, w, WriterRanges.held_out())
        for c, char in enumerate(chars):
            rng = np.random.default_rng([HELD_OUT_SEED, w, c, 2])
            images[(w - first) * len(chars) + c] = (synthetic_sample(char, writer, rng))
    return images, labels


def _pooled(jobs: list[tuple], function, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """``function(*job)`` for every job on ``workers`` spawned processes, concatenated in job order."""
    if workers <= 1:
        parts = [function(*job) for job in jobs]
    else:
        # spawn, not fork: TensorFlow's threads may already run in this process
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(function, *zip(*jobs)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def training_data(seed: int, count: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``count`` samples of the training writers' stream of ``seed``: uint8 ``[count, 80, 60, 9]``."""
    from training.synth_stream import CHARS_PER_WRITER

    size = BLOCK_WRITERS * CHARS_PER_WRITER
    jobs = [(seed, start, min(size, count - start)) for start in range(0, count, size)]
    return _pooled(jobs, _training_block, workers)


def held_out_data(writers: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    jobs = [(first, min(10, writers - first)) for first in range(0, writers, 10)]
    return _pooled(jobs, _held_out_block, workers)


def real_dev_data(folder: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """pen -> (float32 ``[n, 80, 60, 9]``, labels) for every course character's stroke file under ``folder``."""
    from training.stroke_input import canvas_strokes

    files = sorted(f for f in folder.rglob("*.json") if f.parent.name in COURSE_CHARACTERS)
    if not files:
        raise SystemExit(f"{folder}: no <char>/<n>.json stroke files of course characters")
    out = {}
    for pen_name, width in PENS.items():
        images, labels = [], []
        for f in files:
            strokes = [np.asarray(s, dtype=np.float64) for s in json.loads(f.read_text(encoding="utf-8"))["strokes"]]
            scaled, pen = canvas_strokes(strokes, width / HEIGHT, HEIGHT)  # as the stroke build scales them
            images.append(strokes_to_channels(scaled, pen_width=pen))
            labels.append(COURSE_CHARACTERS.index(f.parent.name))
        out[pen_name] = (np.stack(images), np.asarray(labels, np.int32))
    return out


# -- the model and its training --------------------------------------------------------------------
def course_cnn(channels: int):
    """``training.models.cnn`` with ``channels`` input channels: the same layers, rebuilt on a wider input."""
    import keras

    from training.models import cnn

    template = cnn(len(COURSE_CHARACTERS))
    inputs = keras.Input((CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, channels), name="image")
    return keras.models.clone_model(template, input_tensors=inputs)


def _batches(images, labels, index: np.ndarray, channels: int, *, batch: int, shuffle_seed: int | None):
    """Batches of the first ``channels`` channels of ``images[index]`` (uint8 tensors), cast to float32."""
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices(index.astype(np.int64))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(index), seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch).map(
        lambda i: (tf.cast(tf.gather(images, i)[..., :channels], tf.float32), tf.gather(labels, i)),
        num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def train(images, labels, split: int, channels: int, seed: int, args) -> tuple:
    """Train on samples ``[:split]``, stop early on ``[split:]``; (model, epochs run, seconds per epoch)."""
    import keras

    keras.utils.set_random_seed(seed)
    model = course_cnn(channels)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    n = int(labels.shape[0])
    fit_set = _batches(images, labels, np.arange(split), channels, batch=args.batch, shuffle_seed=seed)
    val_set = _batches(images, labels, np.arange(split, n), channels, batch=256, shuffle_seed=None)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=args.patience, restore_best_weights=True)
    started = time.perf_counter()
    history = model.fit(fit_set, validation_data=val_set, epochs=args.epochs, callbacks=[stop], shuffle=False,
                        verbose=2)
    epochs = len(history.history["loss"])
    best = int(np.argmin(history.history["val_loss"]))
    return model, epochs, (time.perf_counter() - started) / epochs, float(history.history["val_accuracy"][best])


def top1(model, images: np.ndarray, labels: np.ndarray, channels: int) -> float:
    scores = model.predict(images[..., :channels].astype(np.float32), batch_size=256, verbose=0)
    return float((scores.argmax(axis=1) == labels).mean())


# -- the comparison --------------------------------------------------------------------------------
SETS = ("held-out", *PENS, "real-dev")  # real-dev: every pen pooled


def score(model, channels: int, held_out, real_dev) -> dict[str, float]:
    scores = {"held-out": top1(model, *held_out, channels)}
    for pen, data in real_dev.items():
        scores[pen] = top1(model, *data, channels)
    if real_dev:  # the pens hold the same files, so pooling is their mean
        scores["real-dev"] = float(np.mean([scores[pen] for pen in real_dev]))
    return scores


def run_seed(seed: int, args, held_out, real_dev, done: list[dict]) -> list[dict]:
    """Draw one training set and train every variant on it (``done``: the rows of earlier seeds)."""
    import keras
    import tensorflow as tf

    from training.synth_stream import CHARS_PER_WRITER

    count = args.per_char * len(COURSE_CHARACTERS)
    started = time.perf_counter()
    x, y = training_data(seed, count, args.workers)
    print(f"seed {seed}: drew {count:,} training samples in {time.perf_counter() - started:.0f} s", flush=True)
    split = count - max(1, round(VALIDATION * count / CHARS_PER_WRITER)) * CHARS_PER_WRITER
    images, labels = tf.constant(x), tf.constant(y)
    del x
    rows = []
    for name, channels in VARIANTS.items():
        model, epochs, per_epoch, val = train(images, labels, split, channels, seed, args)
        rows.append({"variant": name, "seed": seed, "epochs": epochs, "seconds_per_epoch": per_epoch,
                     "validation": val, **score(model, channels, held_out, real_dev)})
        print(_row(rows[-1]), flush=True)
        if args.out:  # after every run: an interrupted probe keeps what it measured
            _write(args, done + rows)
    del images, labels, model
    keras.backend.clear_session()  # this seed's training set goes before the next one is drawn
    gc.collect()
    return rows


def _write(args, rows: list[dict]) -> None:
    settings = vars(args) | {"real_dev": str(args.real_dev), "out": str(args.out)}
    args.out.write_text(json.dumps({"settings": settings, "rows": rows}, indent=1), encoding="utf-8")


def _row(r: dict) -> str:
    figures = "  ".join(f"{r[s]:8.1%}" if s in r else f"{'':8}" for s in SETS)
    return (f"{r['variant']:<8} {r['seed']!s:>11} {r['epochs']!s:>6} {r['seconds_per_epoch']:7.0f}  "
            f"{r['validation']:6.1%}  {figures}")


def _header() -> str:
    return f"{'variant':<8} {'seed':>11} {'epochs':>6} {'s/epoch':>7}  {'val':>6}  " + "  ".join(f"{s:>8}" for s in SETS)


def _spread(values: list[float], sign: str = "") -> str:
    """mean ± sample standard deviation [min, max], in points."""
    v = np.asarray(values) * 100
    sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    return f"{v.mean():{sign}5.1f} ± {sd:4.1f} [{v.min():{sign}.1f}, {v.max():{sign}.1f}]"


def summary(rows: list[dict]) -> list[str]:
    """Per set: each variant, and the paired difference (ink+dir minus ink, same seed), over the seeds."""
    by_variant = {name: sorted((r for r in rows if r["variant"] == name), key=lambda r: r["seed"]) for name in VARIANTS}
    ink, both = by_variant["ink"], by_variant["ink+dir"]
    lines = [f"{'set':<11}" + "".join(f"{name:>28}" for name in by_variant) + f"{'ink+dir - ink (paired)':>28}"]
    for s in ["validation", *(s for s in SETS if s in rows[0])]:
        cells = [_spread([r[s] for r in runs]) for runs in by_variant.values()]
        cells.append(_spread([b[s] - a[s] for a, b in zip(ink, both)], sign="+"))
        lines.append(f"{s:<11}" + "".join(f"{c:>28}" for c in cells))
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real-dev", type=Path, help="folder of <char>/<n>.json real strokes (or of such folders)")
    parser.add_argument("--per-char", type=int, default=1200, help="training samples per character, on average")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--patience", type=int, default=2, help="epochs without a better validation loss")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--held-out-writers", type=int, default=40, help="each writes every course character once")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes drawing samples")
    parser.add_argument("--out", type=Path, help="write every row as JSON here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    held_out = held_out_data(args.held_out_writers, args.workers)
    real_dev = real_dev_data(args.real_dev) if args.real_dev else {}
    print(f"held-out writers: {len(held_out[1]):,} samples; real-dev: "
          f"{len(next(iter(real_dev.values()))[1]) if real_dev else 0} files x {len(real_dev)} pens; "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    rows = []
    for seed in args.seeds:
        rows += run_seed(seed, args, held_out, real_dev, rows)
    print(f"\n{args.per_char} samples per character, up to {args.epochs} epochs (top-1)\n{_header()}")
    print("\n".join(_row(r) for r in sorted(rows, key=lambda r: (r["variant"], r["seed"]))))
    print("\nmean ± sd [min, max] over seeds, points\n" + "\n".join(summary(rows)))
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
