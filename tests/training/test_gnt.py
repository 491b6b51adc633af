"""The .gnt reader and writer against the CASIA-HWDB record layout.

Fixtures are packed byte by byte from the published layout: the 2-byte tag is the GB code first
byte first (啊 = GB B0A1 is stored ``B0 A1``), unlike the little-endian number of a ``.pot`` tag.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from desktop.core.framing import stretch_to_input
from training.casia import load_gnt
from training.errors import DataError, UnknownCharacterError
from training.gnt import iter_gnt, read_gnt, write_gnt


def bitmap(seed: int, height: int, width: int) -> np.ndarray:
    """Grey paper with a few dark blobs: uneven values catch any off-by-one in the layout."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width), 255, np.uint8)
    img[rng.random((height, width)) < 0.3] = rng.integers(0, 200, dtype=np.uint8)
    img[0, 0] = 17  # an asymmetric corner shows a transposed or flipped read
    return img


def record(tag: bytes, img: np.ndarray, size: int | None = None) -> bytes:
    """One record packed by hand from the format description (independent of write_gnt)."""
    h, w = img.shape
    return struct.pack("<I", 10 + w * h if size is None else size) + tag + struct.pack("<HH", w, h) + img.tobytes()


# The tags of the known characters, spelled out byte by byte.
KNOWN = {
    "!": b"\x21\x00",  # ASCII: its byte, then a zero byte
    "啊": b"\xb0\xa1",  # GB2312 level 1
    "亍": b"\xd8\xa1",  # GB2312 level 2
    "乂": b"\x81\x56",  # GBK only: HWDB1.0 + 1.2 hold 422 characters beyond GB2312
}
SAMPLES = [("东", bitmap(1, 30, 20)), ("鸟", bitmap(2, 11, 47)), ("A", bitmap(3, 5, 5)), ("东", bitmap(4, 64, 64))]


def test_reads_hand_packed_records(tmp_path):
    img = bitmap(0, 7, 9)
    path = tmp_path / "hand.gnt"
    path.write_bytes(record("鸟".encode("gb2312"), img) + record(b"\xb0\xa1", img.T.copy()))
    got = list(read_gnt(path))
    assert [c for c, _ in got] == ["鸟", "啊"]
    np.testing.assert_array_equal(got[0][1], img)
    np.testing.assert_array_equal(got[1][1], img.T)
    assert got[0][1].dtype == np.uint8 and got[0][1].shape == (7, 9)


def test_reads_known_characters_packed_by_hand(tmp_path):
    images = [bitmap(i, 3 + i, 5) for i in range(len(KNOWN))]
    path = tmp_path / "known.gnt"
    path.write_bytes(b"".join(record(tag, img) for tag, img in zip(KNOWN.values(), images)))
    skipped = []
    got = list(iter_gnt(path, skipped=skipped))
    assert skipped == []
    assert [c for _, c, _ in got] == list(KNOWN)
    for (_, _, have), want in zip(got, images):
        np.testing.assert_array_equal(have, want)


def test_ascii_reads_with_the_zero_byte_on_either_side(tmp_path):
    path = tmp_path / "ascii.gnt"
    img = bitmap(0, 4, 4)
    path.write_bytes(record(b"\x21\x00", img) + record(b"\x00\x21", img))
    assert [c for c, _ in read_gnt(path, strict=True)] == ["!", "!"]


def test_writer_matches_the_hand_packed_layout_of_known_characters(tmp_path):
    images = [bitmap(i, 4, 2 + i) for i in range(len(KNOWN))]
    path = tmp_path / "known.gnt"
    write_gnt(path, zip(KNOWN, images))
    assert path.read_bytes() == b"".join(record(tag, img) for tag, img in zip(KNOWN.values(), images))


def test_writer_produces_the_documented_layout(tmp_path):
    path = tmp_path / "one.gnt"
    img = bitmap(5, 3, 4)
    write_gnt(path, [("东", img)])
    assert path.read_bytes() == record(b"\xb6\xab", img)  # GB2312 of 东 is B6AB


def test_round_trip_several_records(tmp_path):
    path = tmp_path / "writer001.gnt"
    write_gnt(path, iter(SAMPLES))
    got = list(read_gnt(path))
    assert [c for c, _ in got] == [c for c, _ in SAMPLES]
    for (_, want), (_, have) in zip(SAMPLES, got):
        np.testing.assert_array_equal(have, want)
    assert [i for i, _, _ in iter_gnt(path)] == [0, 1, 2, 3]


def test_truncated_last_record_is_skipped_and_counted(tmp_path):
    path = tmp_path / "cut.gnt"
    write_gnt(path, SAMPLES[:3])
    path.write_bytes(path.read_bytes()[:-7])
    skipped = []
    got = list(iter_gnt(path, skipped=skipped))
    assert [c for _, c, _ in got] == ["东", "鸟"]
    assert len(skipped) == 1
    assert skipped[0][0] == f"{path}#2" and "truncated" in skipped[0][1]
    with pytest.raises(DataError, match=r"cut\.gnt: record 2: truncated bitmap"):
        list(read_gnt(path, strict=True))


def test_inconsistent_size_stops_the_file(tmp_path):
    img = bitmap(0, 4, 4)
    path = tmp_path / "bad.gnt"
    path.write_bytes(record("东".encode("gb2312"), img) + record("鸟".encode("gb2312"), img, size=99)
                     + record("人".encode("gb2312"), img))
    skipped = []
    assert [c for _, c, _ in iter_gnt(path, skipped=skipped)] == ["东"]
    assert skipped[0][0].endswith("bad.gnt#1") and "sample size 99" in skipped[0][1]
    with pytest.raises(DataError, match=r"bad\.gnt: record 1: inconsistent record"):
        list(read_gnt(path, strict=True))


def test_undecodable_tag_skips_only_that_record(tmp_path):
    img = bitmap(0, 4, 4)
    path = tmp_path / "tag.gnt"
    path.write_bytes(record(b"\xff\xff", img) + record(b"\x07\x00", img) + record(b"\xc8\xcb", img))  # ..., 人
    skipped = []
    assert [(i, c) for i, c, _ in iter_gnt(path, skipped=skipped)] == [(2, "人")]
    assert skipped[0][0].endswith("tag.gnt#0") and "ff ff" in skipped[0][1]
    assert skipped[1][0].endswith("tag.gnt#1") and "07 00 is not a GB2312/GBK character" in skipped[1][1]


def test_missing_file_and_folder_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="nope.gnt does not exist"):
        list(read_gnt(tmp_path / "nope.gnt"))
    with pytest.raises(DataError, match="is a folder"):
        list(read_gnt(tmp_path))


def test_writer_rejects_what_the_format_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="no GB2312/GBK code"):
        write_gnt(tmp_path / "x.gnt", [("😀", bitmap(0, 3, 3))])
    with pytest.raises(ValueError, match="2-D uint8"):
        write_gnt(tmp_path / "x.gnt", [("东", np.zeros((3, 3), np.float32))])
    with pytest.raises(ValueError, match="one character"):
        write_gnt(tmp_path / "x.gnt", [("东鸟", bitmap(0, 3, 3))])


def test_load_gnt_stretches_each_bitmap_and_names_records(tmp_path):
    a, b = tmp_path / "1.gnt", tmp_path / "2.gnt"
    write_gnt(a, SAMPLES[:2])
    write_gnt(b, SAMPLES[2:])
    data = load_gnt([a, b])
    assert data.class_names == ["A", "东", "鸟"]  # code-point order
    assert data.images.shape == (4, 80, 60, 1) and data.images.dtype == np.uint8
    assert data.labels.tolist() == [1, 2, 0, 1]
    assert data.sources == [f"{a}#0", f"{a}#1", f"{b}#0", f"{b}#1"]
    want = np.rint(stretch_to_input(SAMPLES[1][1]))
    np.testing.assert_array_equal(data.images[1], want.astype(np.uint8))


def test_load_gnt_class_restriction_and_unknown_character(tmp_path):
    path = tmp_path / "w.gnt"
    write_gnt(path, SAMPLES)
    data = load_gnt(path, ["鸟", "东"])
    assert data.class_names == ["鸟", "东"]
    assert data.labels.tolist() == [1, 0, 1]
    assert data.sources == [f"{path}#0", f"{path}#1", f"{path}#3"]
    with pytest.raises(UnknownCharacterError, match=r"w\.gnt: no samples of 1 requested character\(s\): 人"):
        load_gnt(path, ["人", "东"])


def test_load_gnt_skips_corrupt_records_unless_strict(tmp_path):
    path = tmp_path / "w.gnt"
    write_gnt(path, SAMPLES)
    path.write_bytes(path.read_bytes()[:-1])
    data = load_gnt(path)
    assert len(data) == 3
    assert data.skipped == [(f"{path}#3", "truncated bitmap (4095 of 4096 bytes)")]
    with pytest.raises(DataError, match=r"w\.gnt: record 3"):
        load_gnt(path, strict=True)



def test_load_gnt_progress_counts_bytes(tmp_path, capsys):
    path = tmp_path / "w.gnt"
    write_gnt(path, SAMPLES)
    load_gnt(path, progress=True)
    size = path.stat().st_size
    assert f"{size}/{size}" in capsys.readouterr().out
