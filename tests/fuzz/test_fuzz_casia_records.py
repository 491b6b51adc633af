"""Fuzz the CASIA record readers (``.gnt`` offline bitmaps, ``.pot`` pen strokes).

Each generated file is read leniently and strictly, through the app's reader and the training
package's: a lenient read yields only well-formed records (and lists the bad ones), a strict read
raises the package's error (``RecordFileError`` in the app, ``DataError`` in training), never
IndexError, struct.error, UnicodeDecodeError or MemoryError.
"""

from __future__ import annotations

import logging
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import gnt as core_gnt
from tests.fuzz.fuzzing import fuzz_settings, mutate
from training import gnt as train_gnt
from training import pot
from training.errors import DataError

edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)), max_size=6)


@pytest.fixture(scope="module", autouse=True)
def quiet_readers():
    """Thousands of "skipped N corrupt records" warnings would only slow pytest's log capture down."""
    loggers = [logging.getLogger(name) for name in ("desktop.core.gnt", "training.pot", "training.gnt")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    yield
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _valid_gnt(path: Path) -> bytes:
    rng = np.random.default_rng(0)
    samples = [(c, rng.integers(0, 256, (h, w), dtype=np.uint8)) for c, h, w in [("大", 5, 4), ("a", 1, 1), ("鱼", 3, 7)]]
    core_gnt.write_gnt(path, samples)
    return path.read_bytes()


def _valid_pot(path: Path) -> bytes:
    strokes = [np.array([[0, 0], [10, 5], [20, 30]], float), np.array([[5, 5]], float)]
    pot.write_pot(path, [("大", strokes), ("天", strokes[:1])])
    return path.read_bytes()


with tempfile.TemporaryDirectory() as _folder:
    VALID_GNT = _valid_gnt(Path(_folder) / "valid.gnt")
    VALID_POT = _valid_pot(Path(_folder) / "valid.pot")


def read_gnt_every_way(path: Path) -> None:
    skipped: list = []
    for index, char, bitmap in core_gnt.iter_gnt(path, skipped=skipped):
        assert isinstance(char, str) and len(char) == 1
        assert bitmap.dtype == np.uint8 and bitmap.ndim == 2 and bitmap.size > 0
    assert all(isinstance(source, str) and isinstance(reason, str) for source, reason in skipped)
    try:
        list(core_gnt.iter_gnt(path, strict=True))
    except core_gnt.RecordFileError as exc:
        assert str(path) in str(exc)
    try:
        list(train_gnt.read_gnt(path, strict=True))
    except DataError as exc:
        assert str(path) in str(exc)


def read_pot_every_way(path: Path) -> None:
    for index, char, strokes in pot.iter_pot(path):
        assert isinstance(char, str) and len(char) == 1
        assert strokes and all(s.ndim == 2 and s.shape[1] == 2 and len(s) > 0 for s in strokes)
    try:
        list(pot.read_pot(path, strict=True))
    except DataError as exc:
        assert str(path) in str(exc)


@fuzz_settings(1500)
@given(data=st.binary(max_size=400))
def test_gnt_random_bytes(workdir, data):
    path = workdir / "random.gnt"
    path.write_bytes(data)
    read_gnt_every_way(path)


gnt_record = st.tuples(
    st.integers(0, 2**32 - 1) | st.none(),  # sample size (None: the consistent one)
    st.binary(min_size=2, max_size=2),
    st.integers(0, 12) | st.integers(0, 65535),
    st.integers(0, 12) | st.integers(0, 65535),
    st.binary(max_size=200),
)


@fuzz_settings(1500)
@given(records=st.lists(gnt_record, max_size=4))
def test_gnt_structured_records(workdir, records):
    chunks = []
    for size, tag, width, height, bitmap in records:
        declared = 10 + width * height if size is None else size
        chunks.append(struct.pack("<I2sHH", declared, tag, width, height) + bitmap[: width * height])
    path = workdir / "records.gnt"
    path.write_bytes(b"".join(chunks))
    read_gnt_every_way(path)


@fuzz_settings(1200)
@given(changes=edits)
def test_gnt_mutated_valid_file(workdir, changes):
    path = workdir / "mutated.gnt"
    path.write_bytes(mutate(VALID_GNT, changes))
    read_gnt_every_way(path)


def test_gnt_header_claiming_4_gb_is_refused_without_reading(workdir):
    path = workdir / "huge.gnt"
    path.write_bytes(struct.pack("<I2sHH", 10 + 65535 * 65535, "大".encode("gb2312"), 65535, 65535) + b"\xff" * 10)
    skipped: list = []
    assert list(core_gnt.iter_gnt(path, skipped=skipped)) == []
    assert "truncated bitmap (10 of 4294836225 bytes)" in skipped[0][1]


@fuzz_settings(1500)
@given(data=st.binary(max_size=400))
def test_pot_random_bytes(workdir, data):
    path = workdir / "random.pot"
    path.write_bytes(data)
    read_pot_every_way(path)


pot_point = st.tuples(st.integers(-3, 3) | st.integers(-32768, 32767), st.integers(-3, 3) | st.integers(-32768, 32767))


@fuzz_settings(1500)
# The sampled tags are 大 and a as .pot files store them.
@given(tag=st.binary(min_size=4, max_size=4) | st.sampled_from([b"\xf3\xb4\x00\x00", b"\x00a\x00\x00"]),
       strokes_count=st.integers(0, 65535) | st.integers(0, 4), points=st.lists(pot_point, max_size=40),
       size_delta=st.integers(-6, 6) | st.just(0), tail=st.binary(max_size=8))
def test_pot_structured_records(workdir, tag, strokes_count, points, size_delta, tail):
    body = struct.pack("<4sH", tag, strokes_count) + b"".join(struct.pack("<hh", x, y) for x, y in points)
    size = max(0, min(65535, 2 + len(body) + size_delta))
    path = workdir / "records.pot"
    path.write_bytes(struct.pack("<H", size) + body + tail)
    read_pot_every_way(path)


@fuzz_settings(1200)
@given(changes=edits)
def test_pot_mutated_valid_file(workdir, changes):
    path = workdir / "mutated.pot"
    path.write_bytes(mutate(VALID_POT, changes))
    read_pot_every_way(path)
