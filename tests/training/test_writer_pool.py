"""The writers' samples drawn by a pool of processes are exactly the stream's, however they are cut."""

import numpy as np
import pytest

from training import writer_pool
from training.data import CharacterData, concatenate
from training.errors import DataError
from training.synth_stream import writer_stream
from training.writer_pool import writer_data

CHARS = "口日国大"


def test_pool_gives_the_streams_samples_bit_for_bit(monkeypatch):
    monkeypatch.setattr(writer_pool, "BLOCK_WRITERS", 2)  # 40 samples per block: 3 blocks, the last short
    pooled = writer_data(CHARS, 95, seed=3, workers=2)
    alone = writer_data(CHARS, 95, seed=3, workers=1)
    streamed = list(writer_stream(CHARS, seed=3, count=95))
    assert pooled.images.dtype == np.uint8 and pooled.images.shape == (95, 80, 60, 1)
    assert np.array_equal(pooled.images, alone.images) and np.array_equal(pooled.labels, alone.labels)
    assert np.array_equal(pooled.images, np.stack([x for x, _ in streamed]).astype(np.uint8))
    assert pooled.labels.tolist() == [y for _, y in streamed]
    assert pooled.class_names == list(CHARS) and len(pooled.sources) == 95


def test_a_stream_can_start_anywhere():
    whole = list(writer_stream(CHARS, seed=9, count=50, chars_per_writer=7))
    tail = list(writer_stream(CHARS, seed=9, count=20, start=30, chars_per_writer=7))  # 30 is inside writer 4
    assert all(np.array_equal(a[0], b[0]) and a[1] == b[1] for a, b in zip(whole[30:], tail))


def _data(n: int, names: list[str], fill: int) -> CharacterData:
    return CharacterData(np.full((n, 80, 60, 1), fill, np.uint8), np.arange(n, dtype=np.int32) % len(names), names,
                         [f"{fill}-{i}" for i in range(n)])


def test_concatenate_keeps_order_and_refuses_other_classes():
    joined = concatenate([_data(2, ["a", "b"], 1), _data(3, ["a", "b"], 2)])
    assert len(joined) == 5 and joined.images[:, 0, 0, 0].tolist() == [1, 1, 2, 2, 2]
    assert joined.sources[2] == "2-0"
    with pytest.raises(ValueError, match="different class lists"):
        concatenate([_data(1, ["a", "b"], 1), _data(1, ["b", "a"], 1)])


def test_a_cached_draw_keeps_finished_blocks_redraws_missing_or_damaged_ones_and_refuses_another_stream(
        tmp_path, monkeypatch):
    monkeypatch.setattr(writer_pool, "BLOCK_WRITERS", 2)  # 40 samples a block: three blocks here
    chars = list("大人口日山")
    cache = tmp_path / "blocks"
    first = writer_data(chars, 100, seed=5, workers=1, cache=cache)
    blocks = sorted(cache.glob("block-*.npz"))
    assert len(blocks) == 3
    blocks[1].unlink()  # a stop before the block was finished
    blocks[2].write_bytes(b"not a zip")  # a damaged file
    drawn = []
    original = writer_pool._draw_block
    monkeypatch.setattr(writer_pool, "_draw_block", lambda *a: drawn.append(a[2]) or original(*a))
    again = writer_data(chars, 100, seed=5, workers=1, cache=cache)
    assert drawn == [40, 80]  # only the two blocks it lacked
    assert np.array_equal(again.images, first.images) and np.array_equal(again.labels, first.labels)
    with pytest.raises(DataError, match="another writers' stream"):
        writer_data(chars, 100, seed=6, workers=1, cache=cache)


def test_stroke_samples_are_the_same_writers_ink_with_its_pen_directions() -> None:
    """``input_kind="strokes"``: the image stream's writers and labels, each sample nine channels."""
    chars = "大天山"
    strokes = writer_data(chars, 30, seed=3, workers=1, input_kind="strokes")
    images = writer_data(chars, 30, seed=3, workers=1)
    assert strokes.images.shape == (30, 80, 60, 9) and strokes.images.dtype == np.uint8
    assert np.array_equal(strokes.labels, images.labels)
    ink = (255.0 - strokes.images.astype(np.float64)).sum(axis=(1, 2))
    # The direction channels hold the ink of channel 0, split: the same amount, a little more at joints.
    assert np.all(ink[:, 1:].sum(axis=1) >= 0.9 * ink[:, 0])
    assert np.all(ink[:, 1:].sum(axis=1) <= 1.8 * ink[:, 0])  # where strokes cross or turn, thick pens
    with pytest.raises(ValueError, match="input kind"):
        writer_data(chars, 3, seed=3, workers=1, input_kind="sound")
