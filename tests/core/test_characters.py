"""The pinyin/gloss table of the course characters."""

from __future__ import annotations

import json
import unicodedata

import pytest

from desktop.core.characters import CharacterTableError, character_info, read_table, table_path
from desktop.core.contract import COURSE_CHARACTERS

TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ")


def test_every_course_character_has_pinyin_and_gloss():
    table = read_table(table_path())
    assert set(table) == set(COURSE_CHARACTERS)
    for char in COURSE_CHARACTERS:
        info = character_info(char)
        assert info is not None and info.char == char
        assert info.pinyin and info.pinyin == unicodedata.normalize("NFC", info.pinyin)
        assert not any(ch.isdigit() for ch in info.pinyin), f"{char}: pinyin has tone marks, not numbers"
        assert info.gloss and len(info.gloss) <= 45 and "CL:" not in info.gloss
        # Every course character except the neutral-tone particle 吗 carries a tone mark.
        assert (set(info.pinyin) & TONE_MARKS) or char == "吗", f"{char}: {info.pinyin}"


@pytest.mark.parametrize(("char", "pinyin", "word"), [
    ("囡", "nān", "daughter"), ("啖", "dàn", "eat"), ("吠", "fèi", "bark"), ("大", "dà", "big"),
    ("女", "nǚ", "woman"), ("吗", "ma", "question"), ("闲", "xián", "idle"), ("鸟", "niǎo", "bird"),
])
def test_the_common_reading_comes_first(char, pinyin, word):
    info = character_info(char)
    assert info.pinyin == pinyin and word in info.gloss


def test_source_and_licence_are_stated():
    data = json.loads(table_path().read_text(encoding="utf-8"))
    assert "CC-CEDICT" in data["source"] and "CC BY-SA 4.0" in data["licence"]
    readme = (table_path().parent / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in readme and "MDBG" in readme


def test_unknown_character_and_broken_tables(tmp_path):
    assert character_info("猫") is None
    with pytest.raises(CharacterTableError, match="missing"):
        read_table(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"characters": {"大": {"gloss": "big"}}}', encoding="utf-8")
    with pytest.raises(CharacterTableError, match="broken.json"):
        read_table(broken)


def load_generator():
    import importlib.util

    path = table_path().parent / "make_course55.py"
    spec = importlib.util.spec_from_file_location("make_course55", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("numbered", "marked"), [
    ("nu:3", "nǚ"), ("lu:e4", "lüè"), ("gou3", "gǒu"), ("gui4", "guì"), ("liu2", "liú"),
    ("ma5", "ma"), ("Zhong1", "Zhōng"), ("er2", "ér"), ("xian2", "xián"),
])
def test_generator_tone_marks(numbered, marked):
    assert load_generator().numbered_to_marked(numbered) == marked


def test_generator_picks_the_everyday_entry(tmp_path):
    generator = load_generator()
    cedict = tmp_path / "mini.txt"
    cedict.write_text(
        "# a tiny CC-CEDICT excerpt\n#! date=2023-11-07T06:42:16Z\n"
        "大 大 [Da4] /surname Da/\n"
        "大 大 [da4] /(bound form) big; large; great/older (than another person)/CL:個|个[ge4]/\n"
        "大 大 [dai4] /see 大夫[dai4 fu5]/\n"
        "鳥 鸟 [diao3] /variant of 屌[diao3]/penis/\n"
        "鳥 鸟 [niao3] /bird/CL:隻|只[zhi1]/\n",
        encoding="utf-8",
    )
    entries, header = generator.read_cedict(cedict)
    assert header["date"].startswith("2023-11-07")
    traditional, pinyin, senses = generator.choose("大", entries["大"])
    assert pinyin == "da4" and generator.short_gloss(senses) == "big; large; great"
    assert generator.choose("鸟", entries["鸟"])[1] == "niao3"
    with pytest.raises(SystemExit, match="吗"):
        generator.choose("吗", entries["大"])  # its preferred entry is not in this excerpt
