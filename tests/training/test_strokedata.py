"""``load_medians``: the course's files first, then the shipped GB2312 level-1 bundle."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop.core.contract import COURSE_CHARACTERS
from desktop.core.stroke_samples import bundled_strokes, strokes_dir
from desktop.core.vocabulary import gb2312_level1
from training.errors import UnknownCharacterError
from training.strokedata import available_characters, load_medians


def test_every_level1_character_has_stroke_centre_lines():
    for char in gb2312_level1()[::97] + ["的", "我", "爱", "座"]:
        strokes = load_medians(char)
        assert strokes and all(s.ndim == 2 and s.shape[1] == 2 and len(s) for s in strokes), char


def test_course_characters_read_the_same_from_their_files_and_the_bundle():
    for char in COURSE_CHARACTERS:
        from_files = load_medians(char)
        if char in ("啖", "囡"):  # GB2312 level 2: only in their own files
            continue
        assert all(np.array_equal(a, b) for a, b in zip(from_files, bundled_strokes(char), strict=True)), char


def test_a_bundled_character_is_a_fresh_copy_each_time():
    first = load_medians("的")
    first[0][:] = 0
    assert not np.array_equal(load_medians("的")[0], first[0])


def test_a_folder_of_ones_own_is_read_without_the_bundle(tmp_path):
    (tmp_path / "大.json").write_text((strokes_dir() / "大.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert available_characters(tmp_path) == ["大"]
    assert len(load_medians("大", tmp_path)) == 3
    with pytest.raises(UnknownCharacterError, match="'的'.*--strokes"):
        load_medians("的", tmp_path)


def test_available_characters_are_the_level1_set_and_the_course():
    chars = available_characters()
    assert set(chars) == set(gb2312_level1()) | set(COURSE_CHARACTERS) and len(chars) == 3757
    assert chars == sorted(chars)
    with pytest.raises(UnknownCharacterError, match="龍"):
        load_medians("龍")


def test_medians_match_the_stroke_file_values_exactly():
    raw = json.loads((strokes_dir() / "森.json").read_text(encoding="utf-8"))["medians"]
    ys = [900 - y for stroke in raw for _, y in stroke]
    assert np.concatenate(load_medians("森"))[:, 1].tolist() == ys
