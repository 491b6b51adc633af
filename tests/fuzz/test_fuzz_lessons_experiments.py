"""Fuzz the lesson files and the training experiment files (``compare.json``, ``tuning.json``).

A lesson either loads or raises ``LessonError``; an experiment either loads or raises
``ExperimentError``. Inputs: any JSON value, mutated shipped lessons, JSON nested very deeply.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.experiments import ExperimentError, load_experiment
from desktop.core.lessons import LessonError, load_lesson, shipped_lessons_dir
from tests.fuzz.fuzzing import fuzz_settings, mutate

scalars = (st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=8) | st.sampled_from(["compare", "tuning", "max", "min", "en", "zh"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8) | st.sampled_from(
                               ["kind", "trials", "models", "id", "title", "steps", "text", "action", "score",
                                "hyperparameters", "direction", "objective", "name", "metrics"]), inner, max_size=5),
                           max_leaves=30)
edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)), min_size=1, max_size=5)
LESSONS = sorted(shipped_lessons_dir().glob("*.json"))
LESSON_BYTES = [p.read_bytes() for p in LESSONS]


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _load(loader, errors, path):
    try:
        loader(path)
    except errors as exc:
        assert str(exc)


@fuzz_settings(600)
@given(value=json_values)
def test_lessons_any_json(workdir, value):
    path = workdir / "lesson.json"
    path.write_text(json.dumps(value, allow_nan=True), encoding="utf-8")
    _load(load_lesson, LessonError, path)


@pytest.mark.skipif(not LESSONS, reason="no shipped lessons")
@fuzz_settings(600)
@given(index=st.integers(0, max(len(LESSONS) - 1, 0)), changes=edits)
def test_lessons_mutated_shipped_files(workdir, index, changes):
    path = workdir / "mutated-lesson.json"
    path.write_bytes(mutate(LESSON_BYTES[index], changes))
    _load(load_lesson, LessonError, path)


@fuzz_settings(600)
@given(value=json_values, kind=st.sampled_from(["compare", "tuning", None]))
def test_experiments_any_json(workdir, value, kind):
    if kind is not None and isinstance(value, dict):
        value = {**value, "kind": kind}
    path = workdir / "compare.json"
    path.write_text(json.dumps(value, allow_nan=True), encoding="utf-8")
    _load(load_experiment, ExperimentError, path)


@pytest.mark.parametrize("loader,errors", [(load_lesson, LessonError), (load_experiment, ExperimentError)])
def test_deeply_nested_json(workdir, loader, errors):
    path = workdir / "deep.json"
    path.write_text('{"kind": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(errors):
        loader(path)


def test_deeply_nested_model_report(workdir):
    from desktop.core.report import ReportError, load_report

    path = workdir / "m.report.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ReportError, match="nested too deeply"):
        load_report(path)
