"""The pinyin/gloss table of the course characters."""

from __future__ import annotations

import gzip
import json
import unicodedata

import pytest

from desktop.core import characters
from desktop.core.characters import CharacterTableError, character_info, level1_table_path, read_table, table_path
from desktop.core.contract import COURSE_CHARACTERS
from desktop.core.vocabulary import gb2312_level1

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
    for outside in ("龍", "A", "大天", ""):  # neither a course nor a GB2312 level-1 character
        assert character_info(outside) is None
    with pytest.raises(CharacterTableError, match="missing"):
        read_table(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"characters": {"大": {"gloss": "big"}}}', encoding="utf-8")
    with pytest.raises(CharacterTableError, match="broken.json"):
        read_table(broken)


def load_table_script(name: str):
    """A table-building script beside the tables (not a package module), imported from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, table_path().parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_generator():
    return load_table_script("make_course55")


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


# --- the 3,755 characters of GB2312 level 1 ------------------------------------------------------


@pytest.fixture
def fresh_tables():
    """Both tables forgotten before and after, so a test sees when each is read."""
    characters._shipped_table.cache_clear()
    characters._level1_table.cache_clear()
    yield
    characters._shipped_table.cache_clear()
    characters._level1_table.cache_clear()


def test_every_level1_character_has_pinyin_and_gloss():
    table = read_table(level1_table_path())
    assert list(table) == gb2312_level1()
    for char, info in table.items():
        assert info.char == char and info.traditional
        assert info.pinyin and info.pinyin == unicodedata.normalize("NFC", info.pinyin) == info.pinyin.lower()
        assert not any(ch.isdigit() for ch in info.pinyin), f"{char}: {info.pinyin}"
        assert not any(ch in "[]|" for ch in info.gloss), f"{char}: {info.gloss}"  # no pinyin or trad|simp
        assert info.gloss and len(info.gloss) <= 45 and "CL:" not in info.gloss, f"{char}: {info.gloss}"


@pytest.mark.parametrize(("char", "pinyin", "word"), [
    ("的", "de", "possessive"), ("我", "wǒ", "me"), ("爱", "ài", "love"), ("猫", "māo", "cat"),
    # CC-CEDICT lists readings alphabetically; the table takes the customary one.
    ("行", "xíng", "walk"), ("看", "kàn", "see"), ("着", "zhe", "particle"), ("长", "cháng", "long"),
    ("了", "le", "completed"), ("要", "yào", "want"), ("只", "zhǐ", "only"),
    # Characters with only a name or a cross-reference in CC-CEDICT.
    ("邓", "dèng", "surname Deng"), ("沪", "hù", "Shanghai"), ("蝴", "hú", "蝴蝶 (butterfly)"),
])
def test_level1_characters_outside_the_course(char, pinyin, word):
    assert char not in COURSE_CHARACTERS
    info = character_info(char)
    assert info.char == char and info.pinyin == pinyin and word in info.gloss


def test_course_characters_answer_from_the_course_table_which_the_big_table_agrees_with():
    course = read_table(table_path())
    level1 = read_table(level1_table_path())
    for char in COURSE_CHARACTERS:
        assert character_info(char) == course[char]
        if char in ("啖", "囡"):  # GB2312 level 2
            assert char not in level1
        else:
            assert level1[char] == course[char], char


def test_the_big_table_is_read_once_and_only_for_a_character_outside_the_course(fresh_tables):
    for char in ("大", "吗", "龍", "A"):
        character_info(char)
    assert characters._level1_table.cache_info().currsize == 0  # start-up never pays for it
    assert character_info("的").pinyin == "de" and character_info("我").pinyin == "wǒ"
    assert characters._level1_table.cache_info().misses == 1


def test_a_broken_big_table_is_an_error_for_its_characters_only(fresh_tables, tmp_path, monkeypatch):
    broken = tmp_path / "gb2312-1.json.gz"
    broken.write_bytes(gzip.compress(b'{"characters": {"\xe7\x9a\x84": {"gloss": "of"}}}'))
    monkeypatch.setattr(characters, "level1_table_path", lambda: broken)
    assert character_info("大").pinyin == "dà"
    for _ in range(2):
        with pytest.raises(CharacterTableError, match="gb2312-1.json.gz: not a valid character table"):
            character_info("的")
    assert characters._level1_table.cache_info().misses == 1  # the broken file is read once


@pytest.mark.parametrize(("content", "name"), [
    (b"not gzip", "t.json.gz"),
    (gzip.compress(b'{"characters": {}}')[:-10], "t.json.gz"),
    (gzip.compress(b"{not json"), "t.json.gz"),
    (gzip.compress("\u7684".encode("utf-16")), "t.json.gz"),
    (gzip.compress(b'{"characters": ["x"]}'), "t.json.gz"),
    (b'{"characters": {"x": "de"}}', "t.json"),
], ids=["not-gzip", "truncated", "not-json", "not-utf8", "not-an-object", "row-not-an-object"])
def test_malformed_table_files(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CharacterTableError, match=f"{name}: not a valid character table"):
        read_table(path)


def test_the_big_tables_source_and_licence_are_stated():
    data = json.loads(gzip.decompress(level1_table_path().read_bytes()))
    assert "CC-CEDICT" in data["source"] and "CC BY-SA 4.0" in data["licence"] and "MDBG" in data["attribution"]
    readme = (table_path().parent / "README.md").read_text(encoding="utf-8")
    assert level1_table_path().name in readme and "make_gb2312.py" in readme and "pypinyin" in readme


def load_level1_generator():
    return load_table_script("make_gb2312")


MINI_CEDICT = (
    "#! date=2023-11-07T06:42:16Z\n"
    "行 行 [hang2] /row/line/commercial firm/\n"
    "行 行 [xing2] /to walk/to go/to travel/\n"
    "鄧 邓 [Deng4] /surname Deng/\n"
    "蝴 蝴 [hu2] /used in 蝴蝶[hu2 die2]/\n"
    "蝴蝶 蝴蝶 [hu2 die2] /butterfly/CL:隻|只[zhi1]/\n"
    "韓 韩 [Han2] /Han, one of the Seven Hero States of the Warring States/Korea/surname Han/\n"
    "血 血 [xue4] /blood/colloquial pr. [xie3]/\n"
    "那 那 [na4] /(specifier) that; the; those (colloquial pr. [nei4])/\n"
    "老 老 [lao3] /prefix used before the surname of a person or a numeral indicating the order/old/\n"
)


def test_the_level1_generator_takes_the_customary_reading_names_and_references(tmp_path, monkeypatch):
    generator = load_level1_generator()
    cedict = tmp_path / "mini.txt"
    cedict.write_text(MINI_CEDICT, encoding="utf-8")
    entries, _ = generator.course.read_cedict(cedict, longest=generator.LONGEST_WORD)
    readings = {"行": "xíng", "血": "xuè", "那": "nà", "老": "lǎo"}
    monkeypatch.setattr(generator, "common_reading", readings.get)
    rows = {char: generator.table_row(char, entries) for char in "行邓蝴韩血那老"}
    assert rows["行"] == {"pinyin": "xíng", "gloss": "to walk; to go; to travel", "traditional": "行"}
    assert rows["邓"] == {"pinyin": "dèng", "gloss": "surname Deng", "traditional": "鄧"}
    assert rows["蝴"]["gloss"] == "used in 蝴蝶 (butterfly)"
    assert rows["韩"]["gloss"] == "Korea; surname Han"
    assert rows["血"]["gloss"] == "blood" and rows["那"]["gloss"] == "(specifier) that; the; those"
    assert rows["老"]["gloss"] == "old"
    monkeypatch.setattr(generator, "common_reading", lambda char: "háng")
    assert generator.table_row("行", entries)["pinyin"] == "háng"
    monkeypatch.setattr(generator, "common_reading", lambda char: None)
    assert generator.table_row("行", entries)["pinyin"] == "háng"  # the first ordinary entry, as for the course


@pytest.mark.parametrize(("gloss", "fitted"), [
    ("to walk; to go", "to walk; to go"),
    ("one; two; three; a sense long enough to be dropped", "one; two; three"),
    ("cangue (wooden collar like stocks used to restrain prisoners)", "cangue"),
    ("aspect particle indicating action in progress or ongoing state", "aspect particle indicating action in…"),
])
def test_the_level1_generator_fits_a_gloss(gloss, fitted):
    assert load_level1_generator().fit(gloss) == fitted
