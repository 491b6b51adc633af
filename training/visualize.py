"""What the layers learn: the input that most excites each filter and each class, by gradient ascent.

For every filter of the first two convolution layers (``conv1``, ``conv2`` of the course CNN) and
for every output class, start from grey paper with a little noise and climb the gradient of the
filter's mean activation (or the class's pre-softmax score) with respect to the 80x60 grey input,
in the model's raw 0..255 input space. Small random shifts and a light blur between steps keep the
result stroke-like instead of high-frequency noise.

``python -m training visualize --run DIR [--out FOLDER]`` renders the pictures into the run folder
(``features/`` by default) and records them under ``feature_visualisations`` in ``report.json``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.atomic import write_bytes_atomic
from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH
from training.errors import DataError

STEPS = 40
#: Grey levels moved per step (the gradient is normalised per image, so this is the step size).
STEP_SIZE = 6.0
#: Largest random shift, in pixels, applied before each gradient (jitter regularisation).
JITTER = 2
#: Blur every few steps so the pictures show strokes rather than pixel noise.
BLUR_EVERY = 4
BLUR_SIGMA = 0.6
START_GREY = 160.0
START_NOISE = 8.0
#: Filters / classes optimised together in one batch.
BATCH = 16
FEATURES_FOLDER = "features"
GRID_GAP = 2
LEAK = 0.05


@dataclass
class Ascent:
    """Result of :func:`ascend`: uint8 pictures ``[B, 80, 60]`` and the objective before and after."""

    images: np.ndarray
    start_scores: np.ndarray
    final_scores: np.ndarray


def starting_images(count: int, seed: int = 0) -> np.ndarray:
    """Grey paper with a little noise, float32 ``[count, 80, 60, 1]`` in 0..255."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, START_NOISE, (count, CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1))
    return np.clip(START_GREY + noise, 0, 255).astype(np.float32)


def first_conv_layers(model, count: int = 2) -> list[str]:
    """``conv1``/``conv2`` when the model has them, else the first ``count`` Conv2D layers."""
    names = [layer.name for layer in model.layers]
    if all(f"conv{i}" in names for i in range(1, count + 1)):
        return [f"conv{i}" for i in range(1, count + 1)]
    return [layer.name for layer in model.layers if type(layer).__name__ == "Conv2D"][:count]


def _filter_objective(model, layer_name: str) -> Callable:
    """images, filter indices -> each image's mean activation of its own filter.

    A convolution's ReLU is replaced by a leaky one (slope :data:`LEAK` below zero): a filter
    that is silent on grey paper would otherwise have no gradient to climb and stay flat grey.
    """
    import keras
    import tensorflow as tf

    layer = model.get_layer(layer_name)
    relu = getattr(getattr(layer, "activation", None), "__name__", "") == "relu"
    if relu and hasattr(layer, "convolution_op") and getattr(layer, "kernel", None) is not None:
        before = keras.Model(model.inputs[0], layer.input)

        def response(images):
            out = layer.convolution_op(before(images, training=False), layer.kernel)
            out = out + layer.bias if layer.use_bias else out
            return tf.nn.leaky_relu(out, LEAK) if relu else layer.activation(out)

    else:
        sub = keras.Model(model.inputs[0], layer.output)

        def response(images):
            return sub(images, training=False)

    def objective(images, filters):
        means = tf.reduce_mean(response(images), axis=[1, 2])  # [B, channels]
        return tf.gather(means, filters, axis=1, batch_dims=1)

    return objective


def _class_objective(model) -> Callable:
    """images, class indices -> each image's score for its class, before any softmax/sigmoid.

    A model whose last layer is a Dense with an activation (the logistic model's softmax) is
    scored on that layer's pre-activation output, so probabilities competing with each other
    do not flatten the gradient.
    """
    import keras
    import tensorflow as tf

    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "linear")
    if type(last).__name__ == "Dense" and activation != "linear":
        before = keras.Model(model.inputs[0], last.input)

        def scores(images):
            return tf.matmul(before(images, training=False), last.kernel) + last.bias

    else:

        def scores(images):
            return model(images, training=False)

    def objective(images, classes):
        return tf.gather(scores(images), classes, axis=1, batch_dims=1)

    return objective


def _gaussian_kernel(sigma: float):
    import tensorflow as tf

    x = np.arange(-1, 2, dtype=np.float32)
    k = np.exp(-(x**2) / (2 * sigma**2))
    k2 = np.outer(k, k)
    return tf.constant((k2 / k2.sum())[:, :, None, None], tf.float32)


def ascend(objective: Callable, targets: Sequence[int], *, steps: int = STEPS, seed: int = 0) -> Ascent:
    """Gradient ascent on ``objective(images, targets)``, one picture per target, :data:`BATCH` at a time.

    Every picture starts from :func:`starting_images` (``seed``); the scores are the objective on
    the starting images and on the final uint8 pictures.
    """
    import tensorflow as tf

    kernel = _gaussian_kernel(BLUR_SIGMA)

    @tf.function(reduce_retracing=True)
    def step(images, chosen, shift, blur):
        with tf.GradientTape() as tape:
            tape.watch(images)
            score = objective(tf.roll(images, shift, axis=[1, 2]), chosen)
        grad = tape.gradient(score, images)
        # Normalised per image: every picture moves the same distance whatever its scale.
        grad /= tf.reduce_mean(tf.abs(grad), axis=[1, 2, 3], keepdims=True) + 1e-8
        images = images + STEP_SIZE * grad
        if blur:
            padded = tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC")
            images = tf.nn.conv2d(padded, kernel, strides=1, padding="VALID")
        return tf.clip_by_value(images, 0.0, 255.0)

    @tf.function(reduce_retracing=True)
    def score(images, chosen):
        return objective(images, chosen)

    targets = np.asarray(list(targets), dtype=np.int32)
    rng = np.random.default_rng(seed)
    start_all = starting_images(len(targets), seed)
    pictures, start_scores, final_scores = [], [], []
    for first in range(0, len(targets), BATCH):
        chosen = tf.constant(targets[first : first + BATCH])
        images = tf.constant(start_all[first : first + BATCH])
        start_scores.append(score(images, chosen).numpy())
        for i in range(steps):
            shift = tf.constant(rng.integers(-JITTER, JITTER + 1, 2), tf.int32)
            images = step(images, chosen, shift, tf.constant((i + 1) % BLUR_EVERY == 0))
        batch = np.rint(images.numpy()[..., 0]).astype(np.uint8)
        final_scores.append(score(tf.constant(batch[..., None].astype(np.float32)), chosen).numpy())
        pictures.append(batch)
    return Ascent(np.concatenate(pictures), np.concatenate(start_scores), np.concatenate(final_scores))


def filter_pictures(model, layer_name: str, *, steps: int = STEPS, seed: int = 0) -> Ascent:
    """One picture per filter of ``layer_name``."""
    channels = int(model.get_layer(layer_name).output.shape[-1])
    return ascend(_filter_objective(model, layer_name), range(channels), steps=steps, seed=seed)


def class_pictures(model, *, steps: int = STEPS, seed: int = 0) -> Ascent:
    """One picture per output class."""
    classes = int(model.outputs[0].shape[-1])
    return ascend(_class_objective(model), range(classes), steps=steps, seed=seed)


def contact_grid(images: np.ndarray, columns: int = 8) -> np.ndarray:
    """Pictures side by side, ``columns`` per row, on a white background."""
    count, h, w = images.shape
    rows = -(-count // columns)
    grid = np.full((rows * (h + GRID_GAP) - GRID_GAP, min(count, columns) * (w + GRID_GAP) - GRID_GAP), 255, np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        grid[r * (h + GRID_GAP) : r * (h + GRID_GAP) + h, c * (w + GRID_GAP) : c * (w + GRID_GAP) + w] = image
    return grid


def _write_png(path: Path, image: np.ndarray) -> Path:
    import cv2

    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise DataError(f"{path}: could not encode the picture")
    return write_bytes_atomic(path, data.tobytes())


def render_feature_visualisations(
    model,
    folder: str | Path,
    *,
    class_names: Sequence[str],
    layers: Sequence[str] | None = None,
    relative_to: str | Path | None = None,
    steps: int = STEPS,
    seed: int = 0,
) -> dict[str, Any]:
    """Write ``<layer>_<filter:02d>.png``, ``class_<index:02d>.png`` and grids into ``folder``.

    Returns the report's ``feature_visualisations`` section; paths are relative to
    ``relative_to`` (the report's folder; default: ``folder``'s parent).
    """
    folder = Path(folder)
    base = Path(relative_to) if relative_to is not None else folder.parent
    layers = list(layers) if layers is not None else first_conv_layers(model)
    width = int(model.outputs[0].shape[-1])
    if width != len(class_names):
        raise DataError(f"the model has {width} outputs but {len(class_names)} class names were given")
    folder.mkdir(parents=True, exist_ok=True)

    def rel(path: Path) -> str:
        return Path(os.path.relpath(path, base)).as_posix()

    section: dict[str, Any] = {"layers": {}, "classes": {}, "grids": {}, "folder": rel(folder)}
    for layer in layers:
        pictures = filter_pictures(model, layer, steps=steps, seed=seed).images
        section["layers"][layer] = [
            rel(_write_png(folder / f"{layer}_{i:02d}.png", image)) for i, image in enumerate(pictures)
        ]
        section["grids"][layer] = rel(_write_png(folder / f"{layer}_grid.png", contact_grid(pictures)))
    pictures = class_pictures(model, steps=steps, seed=seed).images
    for i, (name, image) in enumerate(zip(class_names, pictures)):
        section["classes"][name] = rel(_write_png(folder / f"class_{i:02d}.png", image))
    section["grids"]["classes"] = rel(_write_png(folder / "class_grid.png", contact_grid(pictures, columns=11)))
    return section


def visualise_run(run_dir: str | Path, out: str | Path | None = None, *, steps: int = STEPS) -> dict[str, Any]:
    """Render a run's feature visualisations (into ``run_dir/features`` or ``out``) and add them to its report."""
    from training.report import read_json, write_json_atomic
    from training.runs import load_run

    run = load_run(run_dir)
    report_file = run.folder / "report.json"
    if not report_file.is_file():
        raise DataError(f"{report_file}: no report yet; run `python -m training evaluate --run {run.folder}` first")
    report = read_json(report_file)
    folder = Path(out) if out is not None else run.folder / FEATURES_FOLDER
    section = render_feature_visualisations(
        run.model, folder, class_names=run.class_names, relative_to=run.folder, steps=steps
    )
    write_json_atomic(report_file, {**report, "feature_visualisations": section})
    return section


# -- command line -------------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Render what the first conv layers' filters and each output class respond to most (gradient ascent) "
        "and add the pictures to the run's report.json."
    )
    parser.add_argument("--run", type=Path, required=True, help="evaluated training run folder (model.keras, report.json)")
    parser.add_argument("--out", type=Path, help=f"folder for the PNG files (default: RUN/{FEATURES_FOLDER})")
    parser.add_argument("--steps", type=int, default=STEPS, help="gradient steps per picture")


def run(args: argparse.Namespace) -> int:
    if args.steps < 1:
        raise DataError("--steps must be at least 1")
    section = visualise_run(args.run, args.out, steps=args.steps)
    layers = ", ".join(f"{name} ({len(files)})" for name, files in section["layers"].items())
    print(f"wrote {layers or 'no conv layers'} and {len(section['classes'])} classes to {args.run / section['folder']}")
    return 0
