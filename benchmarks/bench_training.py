"""Training speed of the course CNN: seconds per epoch and images per second.

The data is synthetic handwriting written by ``training.synth`` (in CASIA layout, then loaded
like real data), or random images of the same shape with ``--data random`` (or when the
synthesiser is not available). The model is compiled exactly as ``python -m training train``
compiles it. The first epoch includes graph tracing, so it is shown apart from the rest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from benchmarks.timing import machine_line, quiet_tensorflow

DATA_CHOICES = ("auto", "synth", "random")


@dataclass(frozen=True)
class EpochTimes:
    model: str
    data: str
    samples: int
    batch_size: int
    seconds: list[float]  # one per epoch, the first one included

    @property
    def steady(self) -> float:
        """Median seconds of the epochs after the first (the first alone when there is one)."""
        return float(np.median(self.seconds[1:] if len(self.seconds) > 1 else self.seconds))

    @property
    def images_per_second(self) -> float:
        return self.samples / self.steady


def synthetic_images(samples: int, num_classes: int, seed: int, out_dir: str) -> tuple[np.ndarray, np.ndarray]:
    """``samples`` images spread evenly over the first ``num_classes`` course characters."""
    from desktop.core.contract import COURSE_CHARACTERS
    from training import casia, synth

    per_class = max(1, -(-samples // num_classes))  # ceiling division
    chars = COURSE_CHARACTERS[:num_classes]
    synth.write_dataset(out_dir, chars=chars, train_per_class=per_class, test_per_class=0, seed=seed)
    data = casia.load_split(out_dir, "Train", list(chars))
    return data.images[:samples], data.labels[:samples]


def random_images(samples: int, num_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (samples, 80, 60, 1), dtype=np.uint8)
    return images, rng.integers(0, num_classes, samples).astype(np.int32)


def load_data(kind: str, samples: int, num_classes: int, seed: int, out_dir: str) -> tuple[str, np.ndarray, np.ndarray]:
    if kind in ("auto", "synth"):
        try:
            images, labels = synthetic_images(samples, num_classes, seed, out_dir)
            return "synthetic handwriting", images, labels
        except ImportError as exc:
            if kind == "synth":
                raise
            print(f"(synthetic handwriting unavailable: {exc}; using random images)")
    images, labels = random_images(samples, num_classes, seed)
    return "random images", images, labels


def run(samples: int = 2200, epochs: int = 5, batch_size: int = 64, model_name: str = "cnn",
        num_classes: int = 55, data: str = "auto", seed: int = 0) -> EpochTimes:
    quiet_tensorflow()
    import keras
    import tensorflow as tf

    from training import models
    from training.train import compile_model

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        description, images, labels = load_data(data, samples, num_classes, seed, tmp)
        print(f"data: {len(images)} {description} ready in {time.perf_counter() - started:.1f} s")

    keras.utils.set_random_seed(seed)
    model = models.build(model_name, num_classes)
    compile_model(model, models.output_kind(model_name), 1e-3, num_classes)
    dataset = (
        tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int32)))
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .map(lambda x, y: (tf.cast(x, tf.float32), y), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )

    seconds: list[float] = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    model.fit(dataset, epochs=epochs, callbacks=[EpochTimer()], shuffle=False, verbose=0)  # the dataset shuffles
    return EpochTimes(model_name, description, len(images), batch_size, seconds)


def report(result: EpochTimes) -> str:
    each = ", ".join(f"{s:.2f}" for s in result.seconds)
    return (
        f"{result.model} on {result.samples} {result.data}, batch {result.batch_size}\n"
        f"seconds per epoch: {each} (first includes tracing)\n"
        f"steady: {result.steady:.2f} s per epoch, {result.images_per_second:.0f} images/s"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_training", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2200, help="training images (default 2200 = 40 per class)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs to time (default 5; the first includes tracing)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model", choices=("cnn", "logistic"), default="cnn")
    parser.add_argument("--classes", type=int, default=55, help="number of course characters (default 55)")
    parser.add_argument("--data", choices=DATA_CHOICES, default="auto",
                        help="synth, random, or auto: synthetic handwriting when available (default)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.samples < args.classes:
        parser.error("--samples must be at least --classes (one image per class)")
    if not 2 <= args.classes <= 55:
        parser.error("--classes must be between 2 and 55")
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"Training speed ({machine_line()})")
    result = run(args.samples, args.epochs, args.batch_size, args.model, args.classes, args.data, args.seed)
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
