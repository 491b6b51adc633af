"""Lesson files: the shipped lessons, the checks that name file, step and field, the JSON Schema."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np
import pytest

from desktop.core.lessons import (
    ACTIONS,
    LANGUAGES,
    LessonError,
    load_lesson,
    load_lessons,
    parse_lesson,
    pick_language,
    schema_path,
    shipped_lessons_dir,
)
from desktop.core.stroke_samples import StrokeDataError, character_strokes, fit_to_square

REPO_ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "schema": 1,
    "id": "my-edges",
    "title": {"en": "Edges", "zh": "边缘"},
    "steps": [
        {"title": {"en": "Sobel", "zh": "索贝尔"}, "text": {"en": "Vertical edges.", "zh": "竖直边缘。"},
         "action": {"panel": "kernels", "input": "camera", "grey": True, "preset": "sobel_x"}},
        {"title": {"en": "Stride", "zh": "步幅"}, "text": {"en": ["One.", "Two."], "zh": "一。"},
         "action": {"panel": "kernels", "stride": 2, "padding": "zero"}},
        {"title": {"en": "Text only", "zh": "只有文字"}, "text": {"en": "No action.", "zh": "没有动作。"}},
    ],
}


def write(tmp_path: Path, data, name: str = "12-mine.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def broken(**changes) -> dict:
    data = copy.deepcopy(GOOD)
    for dotted, value in changes.items():
        target = data
        keys = dotted.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if value is KeyError:
            del target[last]
        else:
            target[int(last) if isinstance(target, list) else last] = value
    return data


def error_of(tmp_path: Path, data) -> str:
    with pytest.raises(LessonError) as info:
        load_lesson(write(tmp_path, data))
    return str(info.value)


def test_a_good_file_loads_with_its_steps_languages_and_actions(tmp_path: Path) -> None:
    lesson = load_lesson(write(tmp_path, GOOD))
    assert lesson.id == "my-edges" and lesson.languages == ("en", "zh")
    assert [s.title_in("zh") for s in lesson.steps] == ["索贝尔", "步幅", "只有文字"]
    assert lesson.steps[1].text_in("en") == "One.\n\nTwo."  # a list of paragraphs
    assert lesson.steps[0].action == {"panel": "kernels", "input": "camera", "grey": True, "preset": "sobel_x"}
    assert lesson.steps[2].action is None
    assert lesson.title_in("zh_CN") == "边缘" and lesson.title_in("fr") == "Edges"


@pytest.mark.parametrize("data, expected", [
    ('{"id": "x", "title": {"en": "X"}, "steps": [}', r"12-mine\.json: is not valid JSON: .* line 1, column"),
    ('[1, 2]', r"12-mine\.json: a lesson file holds one JSON object"),
    (broken(steps__1__text=KeyError), r"12-mine\.json: step 2 \(“Stride”\): text: is missing"),
    (broken(title=KeyError), r"12-mine\.json: title: is missing"),
    (broken(steps__0__action={"panel": "kernel", "preset": "sobel_x"}),
     r"step 1 \(“Sobel”\): action\.panel: unknown action “kernel” \(did you mean “kernels”\?\)"),
    (broken(steps__0__action={"preset": "sobel_x"}), r"step 1 .*: action: needs “panel”"),
    (broken(steps__1__action={"panel": "kernels", "stride": "two"}),
     r"step 2 \(“Stride”\): action\.stride: expected a whole number from 1 to 8, got text"),
    (broken(steps__1__action={"panel": "kernels", "stride": 9}), r"action\.stride: must be from 1 to 8, got 9"),
    (broken(steps__1__action={"panel": "kernels", "grey": "yes"}), r"action\.grey: expected true or false"),
    (broken(steps__0__action={"panel": "kernels", "preset": "sobelx"}),
     r"action\.preset: “sobelx” is not one of .* \(did you mean “sobel_x”\?\)"),
    (broken(steps__0__action={"panel": "kernels", "strides": 2}),
     r"action\.strides: unknown field “strides” \(did you mean “stride”\?\)"),
    (broken(steps__0__action={"panel": "write", "models": "casia55-cnn"}), r"action\.models: expected a list"),
    (broken(steps__0__action={"panel": "write", "character": "森林"}), r"action\.character: at most 1"),
    (broken(steps__0__action="kernels"), r"step 1 .*: action: expected an object"),
    (broken(steps="one"), r"12-mine\.json: steps: expected a list of steps, got text"),
    (broken(steps=[]), r"steps: a lesson needs at least one step"),
    (broken(steps__0__title="Sobel"), r"step 1: title: expected one text per language"),
    (broken(steps__0__text={"en": 3, "zh": "x"}), r"step 1 \(“Sobel”\): text\.en: expected text or a list"),
    (broken(steps__0__text={"en": "  ", "zh": "x"}), r"text\.en: is empty"),
    (broken(id="My Lesson"), r"12-mine\.json: id: expected a short name"),
    (broken(schema=2), r"schema: this lesson is for a newer version of the app"),
    (broken(stpes=[]), r"unknown field “stpes” \(did you mean “steps”\?\)"),
    (broken(title={"en": "Edges", "zn": "边缘"}), r"title: unknown language “zn”; use en or zh"),
    (broken(title={}), r"title: needs a text in at least one language"),
])
def test_broken_files_say_which_file_step_and_field(tmp_path: Path, data, expected: str) -> None:
    assert re.search(expected, error_of(tmp_path, data)), error_of(tmp_path, data)


@pytest.mark.parametrize("action, field, words", [
    ({"panel": "camrea", "sample": "chelsea"}, "action.panel",
     "unknown action “camrea” (did you mean “camera”?); known actions: write, camera, teach, kernels, results"),
    ({"panel": "camera", "sampel": "chelsea"}, "action.sampel",
     "unknown field “sampel” (did you mean “sample”?); allowed: all_models, mirror, models, sample, why "
     "for the camera action"),
])
def test_an_unknown_action_or_parameter_is_reported_when_the_file_is_loaded(tmp_path: Path, action: dict,
                                                                          field: str, words: str) -> None:
    """Not when the step runs in front of the class: the loader knows the whole vocabulary (ACTIONS)."""
    path = write(tmp_path, broken(steps__1__action=action), "07-typo.json")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    error = info.value
    assert (error.path, error.step, error.field) == (path, 2, field)
    assert str(error) == f"07-typo.json: step 2 (“Stride”): {field}: {words}"
    _, problems = load_lessons([tmp_path])  # a folder read lists it with the same words
    assert [p.reason for p in problems] == [str(error)]


def test_a_missing_language_names_the_step_and_the_language(tmp_path: Path) -> None:
    message = error_of(tmp_path, broken(steps__2__text={"en": "No action."}))
    assert message.startswith("12-mine.json: step 3 (“Text only”): text: missing the zh text")
    # A lesson written in one language only is fine.
    one = broken(title={"zh": "边缘"})
    for step in one["steps"]:
        step["title"].pop("en")
        step["text"].pop("en")
    lesson = load_lesson(write(tmp_path, one))
    assert lesson.languages == ("zh",) and lesson.steps[0].title_in("en") == "索贝尔"


def test_unreadable_files_get_a_reason(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.json"
    bad.write_bytes('{"id": "x", "title": {"en": "Caf\u00e9"}}'.encode("latin-1"))
    with pytest.raises(LessonError, match=r"latin1\.json: is not UTF-8 text"):
        load_lesson(bad)
    with pytest.raises(LessonError, match="does not exist"):
        load_lesson(tmp_path / "missing.json")
    bom = write(tmp_path, "\ufeff" + json.dumps(GOOD), "bom.json")  # Windows Notepad's UTF-8 with BOM
    assert load_lesson(bom).id == "my-edges"


def test_a_folder_loads_the_good_files_and_lists_the_bad_ones(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    write(mine, GOOD, "01-good.json")
    write(mine, "{ not json", "02-bad.json")
    write(mine, broken(steps__0__action={"panel": "nowhere"}), "03-unknown.json")
    (mine / "notes.txt").write_text("not a lesson")
    lessons, problems = load_lessons([mine])
    assert [lesson.id for lesson in lessons] == ["my-edges"]
    assert [p.path.name for p in problems] == ["02-bad.json", "03-unknown.json"]
    assert "02-bad.json: is not valid JSON" in problems[0].reason
    assert "unknown action “nowhere”" in problems[1].reason


def test_a_lesson_with_a_shipped_id_replaces_it(tmp_path: Path) -> None:
    shipped, _ = load_lessons([shipped_lessons_dir()])
    copy_of_first = json.loads(shipped[0].path.read_text(encoding="utf-8"))
    copy_of_first["title"] = {"en": "My version", "zh": "我的版本"}
    copy_of_first["steps"] = copy_of_first["steps"][:1]
    write(tmp_path, copy_of_first, "99-mine.json")
    lessons, problems = load_lessons([shipped_lessons_dir(), tmp_path])
    assert not problems and len(lessons) == len(shipped)
    replaced = next(lesson for lesson in lessons if lesson.id == shipped[0].id)
    assert replaced.title_in("en") == "My version" and len(replaced.steps) == 1


def test_the_shipped_lessons_follow_the_course_in_both_languages() -> None:
    lessons, problems = load_lessons([shipped_lessons_dir()])
    assert problems == []
    assert [lesson.id for lesson in lessons] == [
        "images-as-tensors", "convolution", "padding-stride-pooling", "what-is-a-cnn", "handwriting-dataset",
        "logistic-regression", "cnn", "error-analysis", "hyperparameter-tuning", "classic-architectures",
        "transfer-learning"]
    for lesson in lessons:
        assert lesson.languages == LANGUAGES, lesson.id
        assert 2 <= len(lesson.steps) <= 6, lesson.id
        for step in lesson.steps:
            assert step.action is not None, (lesson.id, step.title_in("en"))
            assert re.search(r"[\u4e00-\u9fff]", step.text_in("zh")), (lesson.id, step.title_in("en"))
            assert not re.search(r"[\u4e00-\u9fff]{2}", step.text_in("en").replace("米字格", "")), lesson.id
            # "A few sentences": long enough to say something, short enough to read from the back.
            assert 60 <= len(step.text_in("en")) <= 900, (lesson.id, step.title_in("en"))
    text = " ".join(step.text_in("en") for lesson in lessons for step in lesson.steps)
    for fact in ("255", "4,800", "88,375", "264,055", "99.3 %", "83.6 %", "⌊(n + 2p − k) / s⌋ + 1"):
        assert fact in text, fact


def schema() -> dict:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def test_the_json_schema_lists_exactly_the_actions_the_app_knows() -> None:
    variants = schema()["$defs"]["action"]["oneOf"]
    in_schema = {v["properties"]["panel"]["const"]: set(v["properties"]) - {"panel"} for v in variants}
    assert in_schema == {name: set(params) for name, params in ACTIONS.items()}
    for variant in variants:
        for key, spec in ACTIONS[variant["properties"]["panel"]["const"]].items():
            prop = variant["properties"][key]
            if spec.choices:
                assert prop["enum"] == list(spec.choices), key
            if spec.kind == "integer":
                assert (prop["minimum"], prop["maximum"]) == (spec.minimum, spec.maximum), key


def test_the_json_schema_accepts_the_shipped_lessons_and_rejects_broken_ones(tmp_path: Path) -> None:
    import jsonschema  # dev extra
    validator = jsonschema.Draft202012Validator(schema())
    jsonschema.Draft202012Validator.check_schema(schema())
    for path in sorted(shipped_lessons_dir().glob("[0-9]*.json")):
        assert not list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))), path.name
    assert not list(validator.iter_errors(GOOD))
    for bad in (broken(steps__0__action={"panel": "kernel"}),
                broken(steps__1__action={"panel": "kernels", "stride": "2"}),
                broken(title=KeyError), broken(steps__0__text={"en": 3}), broken(title={"zn": "x"})):
        assert list(validator.iter_errors(bad))
        with pytest.raises(LessonError):
            parse_lesson(bad)


def test_the_documented_example_and_action_tables_match_the_app() -> None:
    docs = (REPO_ROOT / "docs" / "lessons.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", docs, re.S).group(1)
    lesson = parse_lesson(json.loads(example))
    assert lesson.id == "my-edges" and len(lesson.steps) == 3
    for name, params in ACTIONS.items():
        assert f"**`{name}`**" in docs, name
        for key in params:
            assert f"| `{key}` |" in docs, (name, key)


def test_pick_language_prefers_the_wanted_then_english() -> None:
    assert pick_language(["en", "zh"], "zh") == "zh"
    assert pick_language(["en", "zh"], "zh_CN") == "zh"
    assert pick_language(["zh", "en"], "fr") == "en"
    assert pick_language(["zh"], "en") == "zh"


def test_character_strokes_come_from_the_stroke_data_and_fit_a_square() -> None:
    strokes = character_strokes("森")
    assert len(strokes) == 12  # 森: three 木 of four strokes
    fitted = fit_to_square(strokes, 10.0, 20.0, 100.0)
    points = np.concatenate(fitted)
    assert points[:, 0].min() >= 10.0 and points[:, 0].max() <= 110.0
    assert points[:, 1].min() >= 20.0 and points[:, 1].max() <= 120.0
    with pytest.raises(StrokeDataError, match="no stroke data for “龍”"):
        character_strokes("龍")
