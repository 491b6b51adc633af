"""The .pot reader and writer against the CASIA-OLHWDB record layout."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from desktop.core.framing import stretch_to_input
from desktop.core.strokes import render
from training.casia import load_pot
from training.errors import DataError, UnknownCharacterError
from training.pot import iter_pot, read_pot, write_pot


def pack(tag: bytes, strokes, *, stroke_count=None, size=None, end=(-1, -1)) -> bytes:
    """One record packed by hand from the format description (independent of write_pot)."""
    body = b"".join(struct.pack("<hh", int(x), int(y)) for s in strokes for x, y in [*s, (-1, 0)])
    body += struct.pack("<hh", *end)
    head = tag + struct.pack("<H", len(strokes) if stroke_count is None else stroke_count)
    return struct.pack("<H", 2 + len(head) + len(body) if size is None else size) + head + body


HENG = [[(10, 50), (60, 48), (110, 52)]]  # one horizontal stroke
SHI = [[(20, 20), (100, 20)], [(60, 5), (60, 120)], [(30, 60), (90, 60), (95, 61)]]
SAMPLES = [("东", SHI), ("鸟", HENG), ("1", [[(0, 0), (5, 9)]]), ("东", HENG + SHI)]


def as_lists(strokes):
    return [[tuple(map(int, p)) for p in s] for s in strokes]


def test_reads_hand_packed_records(tmp_path):
    path = tmp_path / "hand.pot"
    path.write_bytes(pack(b"\xb0\xa1\x00\x00", SHI) + pack("鸟".encode("gb2312") + b"\0\0", HENG))
    got = list(read_pot(path))
    assert [c for c, _ in got] == ["啊", "鸟"]
    assert as_lists(got[0][1]) == SHI and as_lists(got[1][1]) == HENG
    assert all(s.dtype == np.float64 and s.shape[1] == 2 for s in got[0][1])


def test_writer_produces_the_documented_layout(tmp_path):
    path = tmp_path / "one.pot"
    write_pot(path, [("东", [np.array(s, float) for s in SHI])])
    data = path.read_bytes()
    assert data == pack(b"\xb6\xab\x00\x00", SHI)
    points = sum(len(s) for s in SHI)
    assert struct.unpack_from("<H", data)[0] == 8 + 4 * (points + len(SHI) + 1) == len(data)


def test_round_trip_several_records_rounds_to_int16(tmp_path):
    path = tmp_path / "1001.pot"
    jittered = [(c, [np.asarray(s, float) + 0.3 for s in strokes]) for c, strokes in SAMPLES]
    write_pot(path, jittered)
    got = list(read_pot(path))
    assert [c for c, _ in got] == [c for c, _ in SAMPLES]
    assert [as_lists(s) for _, s in got] == [s for _, s in SAMPLES]


def test_inconsistent_record_is_skipped_and_reading_goes_on(tmp_path):
    path = tmp_path / "bad.pot"
    tag = "人".encode("gb2312") + b"\0\0"
    path.write_bytes(pack(tag, SHI) + pack(tag, SHI, stroke_count=5) + pack(tag, HENG, end=(7, 7)) + pack(tag, HENG))
    skipped = []
    assert [i for i, _, _ in iter_pot(path, skipped=skipped)] == [0, 3]
    assert [s for s, _ in skipped] == [f"{path}#1", f"{path}#2"]
    assert "header says 5 strokes but the record holds 3" in skipped[0][1]
    assert "end-of-character marker" in skipped[1][1]
    with pytest.raises(DataError, match=r"bad\.pot: record 1: inconsistent record"):
        list(read_pot(path, strict=True))


def test_truncated_and_unusable_size_end_the_file(tmp_path):
    tag = "人".encode("gb2312") + b"\0\0"
    cut = tmp_path / "cut.pot"
    cut.write_bytes((pack(tag, SHI) + pack(tag, HENG))[:-3])
    skipped = []
    assert len(list(iter_pot(cut, skipped=skipped))) == 1
    assert skipped == [(f"{cut}#1", "truncated record (25 of 28 bytes)")]
    tiny = tmp_path / "tiny.pot"
    tiny.write_bytes(pack(tag, HENG) + pack(tag, SHI, size=5) + pack(tag, HENG))
    skipped = []
    assert len(list(iter_pot(tiny, skipped=skipped))) == 1
    assert "sample size 5 is below the minimum" in skipped[0][1]


def test_writer_rejects_what_the_format_cannot_hold(tmp_path):
    out = tmp_path / "x.pot"
    with pytest.raises(ValueError, match="reserved for end markers"):
        write_pot(out, [("东", [np.array([(3, 3), (-1, 0)])])])
    with pytest.raises(ValueError, match="at least one stroke"):
        write_pot(out, [("东", [])])
    with pytest.raises(ValueError, match="int16"):
        write_pot(out, [("东", [np.array([(0, 0), (40000, 0)])])])
    with pytest.raises(ValueError, match="no GB2312/GBK code"):
        write_pot(out, [("😀", HENG)])


def test_load_pot_renders_with_the_shared_renderer(tmp_path):
    path = tmp_path / "w.pot"
    write_pot(path, SAMPLES)
    data = load_pot(path, pen_width=5.0, height=64)
    assert data.class_names == ["1", "东", "鸟"]
    assert data.labels.tolist() == [1, 2, 0, 1]
    assert data.sources == [f"{path}#{i}" for i in range(4)]
    strokes = [np.asarray(s, float) for s in SHI]
    want = np.rint(stretch_to_input(render(strokes, height=64, pen_width=5.0))).astype(np.uint8)
    np.testing.assert_array_equal(data.images[0], want)
    thinner = load_pot(path, pen_width=1.0, height=64)
    assert thinner.images[0].mean() > data.images[0].mean()  # less ink


def test_load_pot_classes_and_strictness(tmp_path):
    path = tmp_path / "w.pot"
    write_pot(path, SAMPLES)
    path.write_bytes(path.read_bytes()[:-2])
    data = load_pot(path, ["鸟", "东"])
    assert data.class_names == ["鸟", "东"] and data.labels.tolist() == [1, 0]
    assert data.skipped and data.skipped[0][0] == f"{path}#3"
    with pytest.raises(DataError, match=r"w\.pot: record 3"):
        load_pot(path, strict=True)
    with pytest.raises(UnknownCharacterError, match="大"):
        load_pot(path, ["大"])
