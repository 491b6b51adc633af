"""Many synthetic writers' samples at once, drawn on every core, held in memory.

Drawing a writer's character costs about 5 ms of Python, so one process streaming samples
(:func:`training.synth_stream.writer_stream`) feeds a model slower than it trains. Here the same
stream is cut into blocks of whole writers and the blocks are drawn by a pool of processes; the
result is the stream's first ``count`` samples, bit for bit, however many processes drew them.
Nothing is written to disk.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Sequence

import numpy as np

from .data import CharacterData
from .synth import SynthParams
from .synth_stream import CHARS_PER_WRITER, writer_stream
from .writers import WRITER_VARIATION, WriterRanges

BLOCK_WRITERS = 100  # writers per block handed to one process (2,000 samples at 20 per writer)


def _draw_block(chars: list[str], seed: int, start: int, count: int, ranges: WriterRanges | None,
                params: SynthParams, strokes_dir) -> tuple[np.ndarray, np.ndarray]:
    images = np.empty((count, 80, 60, 1), np.uint8)
    labels = np.empty(count, np.int32)
    stream = writer_stream(chars, seed=seed, count=count, start=start, ranges=ranges, params=params,
                           strokes_dir=strokes_dir)
    for i, (image, label) in enumerate(stream):
        images[i], labels[i] = image.astype(np.uint8), label
    return images, labels


def _blocks(count: int) -> list[tuple[int, int]]:
    size = BLOCK_WRITERS * CHARS_PER_WRITER
    return [(start, min(size, count - start)) for start in range(0, count, size)]


def writer_data(
    chars: Sequence[str] | str,
    count: int,
    *,
    seed: int,
    ranges: WriterRanges | None = None,
    params: SynthParams = WRITER_VARIATION,
    workers: int | None = None,
    strokes_dir=None,
    progress: bool = False,
) -> CharacterData:
    """The first ``count`` samples of ``writer_stream(chars, seed=seed, ...)`` as uint8 :class:`CharacterData`.

    ``workers`` processes draw them (default: one per core; 1 draws here, without a pool).
    """
    chars = list(chars)
    blocks = _blocks(count)
    job = (chars, seed)
    tail = (ranges, params, strokes_dir)
    workers = max(1, min(workers or os.cpu_count() or 1, len(blocks)))
    bar = _progress_bar(count) if progress else None
    parts = []
    if workers == 1:
        for start, n in blocks:
            parts.append(_draw_block(*job, start, n, *tail))
            _advance(bar, n)
    else:
        # spawn, not fork: the parent may already run TensorFlow's threads, which a fork would copy mid-flight
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_draw_block, *job, start, n, *tail) for start, n in blocks]
            for future, (_, n) in zip(futures, blocks):
                parts.append(future.result())
                _advance(bar, n)
    images = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, 80, 60, 1), np.uint8)
    labels = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int32)
    sources = [f"writers:seed={seed}#{i}" for i in range(len(labels))]
    return CharacterData(images, labels, chars, sources, [])


def _progress_bar(count: int):
    import keras

    return keras.utils.Progbar(count, unit_name="image")


def _advance(bar, n: int) -> None:
    if bar is not None:
        bar.add(n)
