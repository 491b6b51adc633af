"""Finding a course character by the character, its pinyin (any spelling of the tone) or its meaning."""

from __future__ import annotations

import pytest

from desktop.core.character_search import SearchEntry, pinyin_forms, search
from desktop.core.characters import CharacterInfo, character_info
from desktop.core.contract import COURSE_CHARACTERS

ENTRIES = [SearchEntry.of(char, character_info(char)) for char in COURSE_CHARACTERS]


def found(query: str, first: str = "") -> str:
    return "".join(entry.char for entry in search(ENTRIES, query, first=first))


@pytest.mark.parametrize("query", ["ren", "rén", "ren2", "REN", " ren ", "re", "人", "person", "PEOPLE"])
def test_ren_finds_the_person(query: str) -> None:
    assert found(query)[0] == "人"


def test_a_wrong_tone_number_or_mark_finds_nothing_of_that_syllable() -> None:
    assert "人" not in found("ren3") and "人" not in found("rěn")


@pytest.mark.parametrize("query", ["nu", "nv", "nü", "nu3", "nv3", "nǚ", "nu:3", "woman"])
def test_the_u_umlaut_has_every_common_spelling(query: str) -> None:
    assert found(query)[0] == "女"


def test_the_neutral_tone_takes_no_number_five_or_zero() -> None:
    assert found("ma5") == found("ma0") == "吗"
    assert set(found("ma")[:3]) == {"吗", "妈", "马"}  # pinyin matches come before "master", "many", "manual"
    assert found("mǎ") == "马"


def test_a_meaning_matches_at_the_start_of_a_word_only() -> None:
    assert found("bark") == found("to bark") == "吠"
    assert found("dog") == "犬"
    assert "犬" not in found("og")


def test_an_empty_query_keeps_all_with_the_first_ones_first() -> None:
    assert found("", first="马鸟") == "马鸟" + COURSE_CHARACTERS.replace("马", "").replace("鸟", "")
    assert found("xyz") == ""


def test_pinyin_forms_and_a_character_without_a_reading() -> None:
    assert set(pinyin_forms("rén")) == {"rén", "ren", "ren2"}
    assert {"nü3", "nv3", "nu3", "nv"} <= set(pinyin_forms("nǚ"))
    bare = SearchEntry.of("㐀", None)
    assert bare.rank("㐀") is not None and bare.rank("ren") is None
    traditional = SearchEntry.of("门", CharacterInfo("门", "mén", "gate; door", "門"))
    assert traditional.rank("門") is not None
