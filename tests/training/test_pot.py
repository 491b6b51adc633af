"""The .pot reader and writer against the CASIA-OLHWDB record layout.

Fixtures are packed byte by byte from the published layout, with the tag as the real files hold
it: the GB code as a little-endian number (GB ``B0A1`` is stored ``A1 B0 00 00``; ASCII ``!`` is
the number ``0x2100``, stored ``00 21 00 00``). None of them comes from our own writer.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from desktop.core.framing import stretch_to_input
from desktop.core.strokes import render
from training.casia import load_pot
from training.errors import DataError, UnknownCharacterError
from training.pot import char_from_pot_tag, iter_pot, read_pot, write_pot


def pack(tag: bytes, strokes, *, stroke_count=None, size=None, end=(-1, -1)) -> bytes:
    """One record packed by hand from the format description (independent of write_pot)."""
    body = b"".join(struct.pack("<hh", int(x), int(y)) for s in strokes for x, y in [*s, (-1, 0)])
    body += struct.pack("<hh", *end)
    head = tag + struct.pack("<H", len(strokes) if stroke_count is None else stroke_count)
    return struct.pack("<H", 2 + len(head) + len(body) if size is None else size) + head + body


def tag_of(gb_code: int) -> bytes:
    """The tag bytes of the GB code ``gb_code`` (e.g. 0xB0A1), built from the layout alone."""
    return struct.pack("<I", gb_code)


# The tags of the known characters, spelled out byte by byte.
KNOWN = {
    "!": b"\x00\x21\x00\x00",  # ASCII: the number 0x2100
    "啊": b"\xa1\xb0\x00\x00",  # GB2312 level 1, B0A1 (the first level-1 character)
    "亍": b"\xa1\xd8\x00\x00",  # GB2312 level 2, D8A1
    "乂": b"\x56\x81\x00\x00",  # GBK only, 8156: OLHWDB1.0 + 1.2 hold 422 characters beyond GB2312
}
HENG = [[(10, 50), (60, 48), (110, 52)]]  # one horizontal stroke
SHI = [[(20, 20), (100, 20)], [(60, 5), (60, 120)], [(30, 60), (90, 60), (95, 61)]]
SAMPLES = [("东", SHI), ("鸟", HENG), ("1", [[(0, 0), (5, 9)]]), ("东", HENG + SHI)]
REN = tag_of(0xC8CB)  # 人


def as_lists(strokes):
    return [[tuple(map(int, p)) for p in s] for s in strokes]


def test_known_tags_are_the_little_endian_gb_number():
    assert [tag_of(code) for code in (0x2100, 0xB0A1, 0xD8A1, 0x8156)] == list(KNOWN.values())


def test_reads_known_characters_packed_by_hand(tmp_path):
    path = tmp_path / "hand.pot"
    strokes = [SHI, HENG, SHI[:2], HENG + SHI]
    path.write_bytes(b"".join(pack(tag, s) for tag, s in zip(KNOWN.values(), strokes)))
    skipped = []
    got = list(iter_pot(path, skipped=skipped))
    assert skipped == []
    assert [c for _, c, _ in got] == list(KNOWN)
    assert [as_lists(s) for _, _, s in got] == strokes
    assert all(s.dtype == np.float64 and s.shape[1] == 2 for s in got[0][2])


def test_ascii_reads_with_the_zero_byte_on_either_side():
    assert char_from_pot_tag(b"\x00\x21\x00\x00") == "!"  # as the real files hold it
    assert char_from_pot_tag(b"\x21\x00\x00\x00") == "!"  # the number 0x21: the same character


def test_gb_bytes_in_reading_order_would_be_other_characters():
    """Why the byte order matters: swapped GB bytes are mostly another valid character."""
    assert char_from_pot_tag(b"\xb0\xa1\x00\x00") == "“"  # GB A1B0, not 啊
    assert char_from_pot_tag(b"\xd8\xa1\x00\x00") == "∝"  # GB A1D8, not 亍


def test_a_writer_file_of_olhwdb1_0_reads_every_record_with_its_character(tmp_path):
    """4,037 samples as one OLHWDB1.0 writer writes them: 171 symbols (94 ASCII, 77 GB2312
    symbols), 3,740 level-1 characters and 126 beyond level 1 (level 2 and GBK-only)."""
    def gb(code: int) -> str:
        raw = bytes([code >> 8, code & 0xFF])
        try:
            return raw.decode("gb2312")
        except UnicodeDecodeError:
            return raw.decode("gbk")

    def codes(first: int, last: int, encoding: str):
        for hi in range(first, last + 1):
            for lo in range(0x40, 0xFF):
                try:
                    if len(bytes([hi, lo]).decode(encoding)) == 1:
                        yield hi << 8 | lo
                except UnicodeDecodeError:
                    pass

    ascii_codes = [c << 8 for c in range(0x21, 0x7F)]  # stored as the number byte << 8
    symbols = list(codes(0xA1, 0xA9, "gb2312"))[:77]
    level1 = list(codes(0xB0, 0xD7, "gb2312"))[:3740]
    level2 = list(codes(0xD8, 0xF7, "gb2312"))[:63]
    gbk_only = list(codes(0x81, 0xA0, "gbk"))[:63]
    all_codes = ascii_codes + symbols + level1 + level2 + gbk_only
    assert len(all_codes) == 4037
    path = tmp_path / "001.pot"
    path.write_bytes(b"".join(pack(struct.pack("<I", code), HENG) for code in all_codes))
    skipped = []
    got = [c for _, c, _ in iter_pot(path, skipped=skipped)]
    assert skipped == []
    want = [chr(c >> 8) for c in ascii_codes] + [gb(c) for c in all_codes[len(ascii_codes):]]
    assert got == want
    assert got[:2] == ["!", '"'] and "啊" in got and "乂" in got


def test_tags_that_are_not_one_character_skip_only_their_record(tmp_path):
    path = tmp_path / "tags.pot"
    bad = [b"\xa1\xb0\x01\x00", b"\x00\x00\x00\x00", b"\xff\xff\x00\x00", b"\x00\x07\x00\x00"]
    path.write_bytes(b"".join(pack(tag, HENG) for tag in bad) + pack(KNOWN["啊"], HENG))
    skipped = []
    assert [(i, c) for i, c, _ in iter_pot(path, skipped=skipped)] == [(4, "啊")]
    reasons = [reason for _, reason in skipped]
    assert "a1 b0 01 00 does not end with two zero bytes" in reasons[0]
    assert "empty tag code" in reasons[1]
    assert all("is not a GB2312/GBK character" in r for r in reasons[2:])  # ff ff; a control code


def test_writer_matches_the_hand_packed_layout(tmp_path):
    path = tmp_path / "known.pot"
    strokes = [SHI, HENG, SHI[:2], HENG + SHI]
    write_pot(path, [(c, [np.array(s, float) for s in st]) for c, st in zip(KNOWN, strokes)])
    assert path.read_bytes() == b"".join(pack(tag, s) for tag, s in zip(KNOWN.values(), strokes))


def test_writer_produces_the_documented_layout(tmp_path):
    path = tmp_path / "one.pot"
    write_pot(path, [("东", [np.array(s, float) for s in SHI])])
    data = path.read_bytes()
    assert data == pack(b"\xab\xb6\x00\x00", SHI)  # GB B6AB as a little-endian number
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
    tag = REN
    path.write_bytes(pack(tag, SHI) + pack(tag, SHI, stroke_count=5) + pack(tag, HENG, end=(7, 7)) + pack(tag, HENG))
    skipped = []
    assert [i for i, _, _ in iter_pot(path, skipped=skipped)] == [0, 3]
    assert [s for s, _ in skipped] == [f"{path}#1", f"{path}#2"]
    assert "header says 5 strokes but the record holds 3" in skipped[0][1]
    assert "end-of-character marker" in skipped[1][1]
    with pytest.raises(DataError, match=r"bad\.pot: record 1: inconsistent record"):
        list(read_pot(path, strict=True))


def test_truncated_and_unusable_size_end_the_file(tmp_path):
    tag = REN
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


def test_load_pot_gives_stroke_models_the_ink_and_its_pen_directions(tmp_path):
    """Records packed by hand: one horizontal written rightwards, the same written leftwards, one vertical."""
    from desktop.core.direction_map import strokes_to_channels
    from training.stroke_input import canvas_strokes

    right = [[(10, 50), (60, 50), (110, 50)]]
    left = [list(reversed(right[0]))]
    down = [[(60, 5), (60, 60), (60, 120)]]
    path = tmp_path / "w.pot"
    path.write_bytes(b"".join(pack(REN, s) for s in (right, left, down)))
    data = load_pot(path, input_kind="strokes", pen_width=3.0, height=96)
    assert data.images.shape == (3, 80, 60, 9) and data.images.dtype == np.uint8
    ink = (255.0 - data.images.astype(np.float64)).sum(axis=(1, 2))  # [sample, channel]
    strongest = ink[:, 1:].argmax(axis=1)
    assert list(strongest) == [0, 4, 6]  # right, left, down (bins counter-clockwise from rightwards)
    # channel by channel the app's framing of the same strokes, scaled to 96 px with the same pen
    scaled, pen = canvas_strokes([np.array(s, float) for s in down], 3.0 / 96, 96.0)
    expected = np.clip(np.rint(strokes_to_channels(scaled, pen_width=pen)), 0, 255).astype(np.uint8)
    assert np.array_equal(data.images[2], expected)
    # the image path is unchanged
    assert load_pot(path).images.shape == (3, 80, 60, 1)
    with pytest.raises(DataError, match="input kind"):
        load_pot(path, input_kind="audio")
