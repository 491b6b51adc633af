"""Synthetic writers' samples made on the fly, framed exactly like samples read from disk.

600 images per character written to disk is all :func:`training.synth.write_dataset` gives a
model; a stream of writers (:mod:`training.writers`) gives as many as training asks for, each
writer writing many characters in one consistent style, and nothing is written to disk.

Images are framed as :func:`training.casia.load_split` frames a PNG of the same sample (the
synthesiser's crops are already tight, so only the bilinear stretch to 80x60, rounded to whole
grey levels), so a model sees the same pixels whether its data came from disk or from here.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np

from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH
from desktop.core.framing import stretch_to_input

from .stroke_input import stroke_sample
from .strokedata import load_medians
from .synth import SynthParams
from .writers import WRITER_VARIATION, WriterRanges, WriterStyle, draw_character, sample_writer

if TYPE_CHECKING:
    import tensorflow as tf

CHARS_PER_WRITER = 20  # how many characters one writer writes before the next one takes over


def frame_for_training(image: np.ndarray) -> np.ndarray:
    """A synthesised uint8 crop -> float32 ``[80, 60, 1]``, the pixels training reads from its PNG."""
    return np.clip(np.rint(stretch_to_input(image)), 0, 255).astype(np.uint8).astype(np.float32)


def stream_writer(seed: int, writer_index: int, ranges: WriterRanges | None = None) -> WriterStyle:
    """The ``writer_index``-th writer of a stream (its own random stream, so any writer can be redrawn)."""
    return sample_writer(np.random.default_rng([seed, writer_index]), ranges)


def stream_sample_rng(seed: int, writer_index: int, sample_index: int) -> np.random.Generator:
    """The random stream of one sample of one writer (redraw a streamed sample from these numbers)."""
    return np.random.default_rng([seed, writer_index, sample_index, 1])


def writer_stream(
    chars: Sequence[str] | str,
    *,
    seed: int = 0,
    count: int | None = None,
    chars_per_writer: int = CHARS_PER_WRITER,
    ranges: WriterRanges | None = None,
    params: SynthParams = WRITER_VARIATION,
    strokes_dir=None,
    start: int = 0,
    input_kind: str = "image",
) -> Iterator[tuple[np.ndarray, int]]:
    """``(image float32 [80, 60, 1] 0..255, label)`` from writer after writer; forever unless ``count``.

    With ``input_kind="strokes"`` each sample is the stroke models' float32 ``[80, 60, 9]``
    instead (:func:`training.stroke_input.stroke_sample`), from the same writers and labels.

    The label is the character's index in ``chars``; each writer writes ``chars_per_writer``
    characters picked at random. The same seed gives the same stream; ``start`` skips to that
    sample of it without drawing the ones before (so pieces of one stream can be drawn apart).
    """
    if chars_per_writer < 1:
        raise ValueError("each writer must write at least one character")
    if input_kind not in ("image", "strokes"):
        raise ValueError(f"input kind must be image or strokes, not {input_kind!r}")
    chars = list(chars)
    for c in chars:  # an unknown character fails now, not after hours of training
        load_medians(c, strokes_dir)
    samples = itertools.count(start) if count is None else range(start, start + count)
    writer = stream_writer(seed, start // chars_per_writer, ranges)
    for n in samples:
        writer_index, k = divmod(n, chars_per_writer)
        if k == 0:
            writer = stream_writer(seed, writer_index, ranges)
        rng = stream_sample_rng(seed, writer_index, k)
        label = int(rng.integers(len(chars)))
        if input_kind == "strokes":
            yield stroke_sample(load_medians(chars[label], strokes_dir), writer, rng, params).astype(np.float32), label
        else:
            yield frame_for_training(draw_character(chars[label], writer, rng, params, strokes_dir)), label


def writer_dataset(
    chars: Sequence[str] | str,
    *,
    batch_size: int | None = 64,
    seed: int = 0,
    count: int | None = None,
    chars_per_writer: int = CHARS_PER_WRITER,
    ranges: WriterRanges | None = None,
    params: SynthParams = WRITER_VARIATION,
    strokes_dir=None,
) -> "tf.data.Dataset":
    """:func:`writer_stream` as a ``tf.data.Dataset`` of (float32 images, int32 labels), batched unless ``batch_size`` is None.

    Infinite unless ``count``: give ``steps_per_epoch`` to ``fit``. Carries ``class_names`` like
    the datasets of :func:`training.casia.stream_split`.
    """
    import tensorflow as tf

    names = list(chars)

    def generate():
        yield from writer_stream(names, seed=seed, count=count, chars_per_writer=chars_per_writer, ranges=ranges,
                                 params=params, strokes_dir=strokes_dir)

    ds = tf.data.Dataset.from_generator(generate, output_signature=(
        tf.TensorSpec((CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1), tf.float32),
        tf.TensorSpec((), tf.int32),
    ))
    if batch_size:
        ds = ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    ds.class_names = names
    return ds
