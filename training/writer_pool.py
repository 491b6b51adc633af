"""Many synthetic writers' samples at once, drawn on every core, held in memory.

Drawing a writer's character costs about 5 ms of Python, so one process streaming samples
(:func:`training.synth_stream.writer_stream`) feeds a model slower than it trains. Here the same
stream is cut into blocks of whole writers and the blocks are drawn by a pool of processes; the
result is the stream's first ``count`` samples, bit for bit, however many processes drew them.
Nothing is written to disk unless a ``cache`` folder is given: then every block is kept there as
it is finished, so a long draw that is stopped continues with the blocks it lacks.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import numpy as np

from .data import CharacterData
from .synth import SynthParams
from .synth_stream import CHARS_PER_WRITER, writer_stream
from .writers import WRITER_VARIATION, WriterRanges

BLOCK_WRITERS = 100  # writers per block handed to one process (2,000 samples at 20 per writer)
_CHANNELS = {"image": 1, "strokes": 9}  # uint8 channels per sample of each input kind


def _draw_block(chars: list[str], seed: int, start: int, count: int, ranges: WriterRanges | None,
                params: SynthParams, strokes_dir, input_kind: str = "image") -> tuple[np.ndarray, np.ndarray]:
    images = np.empty((count, 80, 60, _CHANNELS[input_kind]), np.uint8)
    labels = np.empty(count, np.int32)
    stream = writer_stream(chars, seed=seed, count=count, start=start, ranges=ranges, params=params,
                           strokes_dir=strokes_dir, input_kind=input_kind)
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
    cache: str | Path | None = None,
    input_kind: str = "image",
) -> CharacterData:
    """The first ``count`` samples of ``writer_stream(chars, seed=seed, ...)`` as uint8 :class:`CharacterData`.

    ``workers`` processes draw them (default: one per core; 1 draws here, without a pool).
    ``cache``: a folder where each finished block is kept (``block-<start>.npz``) and read back by
    the next call with the same stream; a folder of another stream is refused.
    ``input_kind="strokes"``: each sample is the stroke models' ``[80, 60, 9]`` (ink + directions).
    """
    if input_kind not in _CHANNELS:
        raise ValueError(f"input kind must be one of {', '.join(_CHANNELS)}, not {input_kind!r}")
    chars = list(chars)
    blocks = _blocks(count)
    job = (chars, seed)
    tail = (ranges, params, strokes_dir, input_kind)
    store = _BlockCache(Path(cache), _stream_key(chars, seed, ranges, params, strokes_dir, input_kind)) if cache else None
    # Each block goes straight into its place: joining the blocks at the end would hold every sample
    # twice (about 10 GB at the peak for the stroke model's 110,000 nine-channel samples).
    total = sum(n for _, n in blocks)
    images = np.empty((total, 80, 60, _CHANNELS[input_kind]), np.uint8)
    labels = np.empty(total, np.int32)

    def place(start: int, part: tuple[np.ndarray, np.ndarray]) -> None:
        images[start:start + len(part[1])], labels[start:start + len(part[1])] = part

    missing = []
    for start, n in blocks:
        kept = store.read(start, n) if store else None
        if kept is None:
            missing.append((start, n))
        else:
            place(start, kept)
    workers = max(1, min(workers or os.cpu_count() or 1, len(missing) or 1))
    bar = _progress_bar(count) if progress else None
    _advance(bar, count - sum(n for _, n in missing))

    def finished(start: int, part: tuple[np.ndarray, np.ndarray], n: int) -> None:
        place(start, part)
        if store:
            store.write(start, part)
        _advance(bar, n)

    _draw_blocks(missing, job, tail, workers, finished)
    sources = [f"writers:seed={seed}#{i}" for i in range(len(labels))]
    return CharacterData(images, labels, chars, sources, [])


def _draw_blocks(missing: list[tuple[int, int]], job: tuple, tail: tuple, workers: int, finished) -> None:
    """Draw each ``(start, n)`` block, here or in ``workers`` processes, handing it to ``finished`` in order."""
    if workers == 1:
        for start, n in missing:
            finished(start, _draw_block(*job, start, n, *tail), n)
        return
    # spawn, not fork: the parent may already run TensorFlow's threads, which a fork would copy mid-flight
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_draw_block, *job, start, n, *tail) for start, n in missing]
        for future, (start, n) in zip(futures, missing):
            finished(start, future.result(), n)


def _progress_bar(count: int):
    import keras

    return keras.utils.Progbar(count, unit_name="image")


def _advance(bar, n: int) -> None:
    if bar is not None:
        bar.add(n)


def _stream_key(chars: list[str], seed: int, ranges: WriterRanges | None, params: SynthParams, strokes_dir,
                input_kind: str) -> dict:
    """What decides a stream's samples: a cache of another stream must not be mixed in."""
    described = [chars, seed, asdict(ranges) if ranges else None, asdict(params), str(strokes_dir or "")]
    if input_kind != "image":  # image streams keep the key their kept blocks were written under
        described.append(input_kind)
    text = json.dumps(described, ensure_ascii=False, sort_keys=True, default=str)
    return {"stream": hashlib.sha256(text.encode("utf-8")).hexdigest(), "block_writers": BLOCK_WRITERS,
            "chars_per_writer": CHARS_PER_WRITER}


class _BlockCache:
    """Finished blocks of one stream in a folder, each written atomically (a stopped draw leaves no half file)."""

    def __init__(self, folder: Path, key: dict):
        from .errors import DataError

        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        key_file = folder / "stream.json"
        if key_file.is_file():
            try:
                found = json.loads(key_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = None
            if found != key:
                raise DataError(f"{folder}: holds samples of another writers' stream; remove it or choose "
                                f"another folder")
        else:
            key_file.write_text(json.dumps(key), encoding="utf-8")

    def _file(self, start: int) -> Path:
        return self.folder / f"block-{start:010d}.npz"

    def read(self, start: int, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            with np.load(self._file(start)) as saved:
                images, labels = saved["images"], saved["labels"]
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):  # missing or damaged: drawn again
            return None
        return (images, labels) if len(labels) == n == len(images) else None

    def write(self, start: int, part: tuple[np.ndarray, np.ndarray]) -> None:
        target = self._file(start)
        temp = target.with_name(target.stem + ".partial.npz")
        np.savez(temp, images=part[0], labels=part[1])
        os.replace(temp, target)
