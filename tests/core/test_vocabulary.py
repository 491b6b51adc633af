"""The named character sets: the 55 course characters and the 3,755 of GB2312-80 level 1."""

from __future__ import annotations

import pytest

from desktop.core.contract import COURSE_CHARACTERS
from desktop.core.vocabulary import VOCABULARIES, gb2312_level1, vocabulary, vocabulary_of


def test_gb2312_level1_has_3755_distinct_characters_first_and_last_as_in_the_standard():
    chars = gb2312_level1()
    assert len(chars) == 3755 and len(set(chars)) == 3755
    assert chars[:3] == ["啊", "阿", "埃"] and chars[-1] == "座"
    assert all(len(c) == 1 and 0x4E00 <= ord(c) <= 0x9FFF for c in chars)


def test_gb2312_level1_is_in_code_order_row_by_row():
    codes = [c.encode("gb2312") for c in gb2312_level1()]
    assert codes == sorted(codes)
    assert codes[0] == b"\xb0\xa1" and codes[-1] == b"\xd7\xf9"
    rows = [sum(1 for code in codes if code[0] == lead) for lead in range(0xB0, 0xD8)]
    assert rows == [94] * 39 + [89]


def test_the_first_character_of_level_2_is_not_in_level_1():
    assert b"\xd8\xa1".decode("gb2312") not in gb2312_level1()


def test_course_characters_in_level_1_all_but_two_level_2_ones():
    level1 = set(gb2312_level1())
    outside = [c for c in COURSE_CHARACTERS if c not in level1]
    assert outside == ["啖", "囡"]
    assert all(c.encode("gb2312")[0] >= 0xD8 for c in outside)  # both are GB2312 level 2


def test_vocabularies_by_name():
    assert vocabulary("course") == list(COURSE_CHARACTERS)
    assert vocabulary("gb2312-1") == gb2312_level1()
    assert set(VOCABULARIES) == {"course", "gb2312-1"}
    chars = vocabulary("course")
    chars.append("x")  # callers get a copy
    assert len(vocabulary("course")) == 55


@pytest.mark.parametrize("name", ["gb2312", "all", "", None])
def test_an_unknown_vocabulary_is_a_clear_error(name):
    with pytest.raises(ValueError, match="unknown vocabulary .*'course', 'gb2312-1'"):
        vocabulary(name)


def test_a_models_vocabulary_is_the_whole_set_its_classes_cover_in_any_order():
    level1 = gb2312_level1()
    assert vocabulary_of(level1) == "gb2312-1"
    assert vocabulary_of(list(reversed(level1)) + ["啖"]) == "gb2312-1"  # a superset still covers it
    assert vocabulary_of(level1[:-1]) == "course"  # one missing: not the whole vocabulary
    assert vocabulary_of(COURSE_CHARACTERS) == "course"
    assert vocabulary_of([]) == "course"
