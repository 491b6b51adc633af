"""Fuzz stroke JSON: the recognise path (file -> canvas -> 80x60 input) and the stroke data reader.

A stroke file either becomes a model input or an ``InputFileError`` / ``EmptyDrawing`` (the two
errors ``cnn-classroom recognize`` reports per file); a hanzi-writer-data file either loads or
raises ``DataError``. The renderer itself refuses bad strokes with ValueError.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import strokes as renderer
from desktop.core.recognition import EmptyDrawing, InputFileError, fit_to_canvas, read_stroke_file, strokes_to_input
from tests.fuzz.fuzzing import fuzz_settings
from training import strokedata
from training.errors import DataError

numbers = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2**70), 2**70)
           | st.floats(-2000, 2000) | st.integers(-5, 5))
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=40,
)
point = st.lists(numbers, min_size=0, max_size=5)
stroke_lists = st.lists(st.lists(point, max_size=12), max_size=6)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def recognise_path(path: Path) -> None:
    try:
        x = strokes_to_input(fit_to_canvas(read_stroke_file(path)))
    except (InputFileError, EmptyDrawing):
        return
    assert x.shape == (80, 60, 1) and x.dtype == np.float32 and np.isfinite(x).all()


def _dumps(value) -> str:
    return json.dumps(value, allow_nan=True)


@fuzz_settings(1000)
@given(value=json_values)
def test_any_json_value(workdir, value):
    path = workdir / "any.json"
    path.write_text(_dumps(value), encoding="utf-8")
    recognise_path(path)


@fuzz_settings(800)
@given(strokes=stroke_lists, wrap=st.booleans())
def test_stroke_shaped_json(workdir, strokes, wrap):
    path = workdir / "strokes.json"
    path.write_text(_dumps({"strokes": strokes} if wrap else strokes), encoding="utf-8")
    recognise_path(path)


@fuzz_settings(800)
@given(data=st.binary(max_size=200) | st.text(alphabet="[]{},.0123456789-e \"strokes", max_size=200).map(str.encode))
def test_raw_bytes(workdir, data):
    path = workdir / "raw.json"
    path.write_bytes(data)
    recognise_path(path)


def test_deeply_nested_json_is_a_clear_error(workdir):
    path = workdir / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputFileError, match="nested too deeply"):
        read_stroke_file(path)


def test_huge_coordinates_are_refused_not_overflowed(workdir):
    path = workdir / "huge.json"
    path.write_text("[[[-1e308, 0], [1e308, 5]]]")
    with pytest.raises(InputFileError, match="coordinates beyond"):
        read_stroke_file(path)


@fuzz_settings(400)
@given(strokes=st.lists(st.lists(st.lists(st.floats(-1e6, 1e6) | st.sampled_from([math.nan, math.inf, 1e300]),
                                          min_size=2, max_size=4), max_size=8), max_size=4),
       height=st.integers(1, 120), pen=st.floats(0, 30))
def test_renderer(strokes, height, pen):
    try:
        image = renderer.render(strokes, height=height, pen_width=pen)
    except ValueError:
        return
    assert image.dtype == np.uint8 and image.ndim == 2 and image.shape[0] >= 1


@fuzz_settings(700)
@given(document=json_values | st.fixed_dictionaries({"medians": st.lists(st.lists(point, max_size=6), max_size=4)}))
def test_hanzi_writer_stroke_files(workdir, document):
    folder = workdir / "strokes"
    folder.mkdir(exist_ok=True)
    path = folder / "大.json"
    path.write_text(_dumps(document), encoding="utf-8")
    strokedata._load.cache_clear()
    try:
        strokes = strokedata.load_medians("大", folder)
    except DataError:
        return
    assert strokes and all(s.ndim == 2 and s.shape[1] == 2 and len(s) and np.isfinite(s).all() for s in strokes)
