"""Stroke models in the contract: ``input_kind`` metadata, the nine-channel ``strokes`` input, and one
drawing framed for both kinds of model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop.core.contract import STROKE_CHANNELS
from desktop.core.direction_map import strokes_to_channels
from desktop.core.model_input import DrawingInput, frame_strokes
from desktop.core.onnx_model import ModelContractError, OnnxModel, open_checked
from desktop.core.recognition import strokes_to_input
from desktop.core.registry import ModelInfo, ModelRegistry
from tests.tiny_onnx import linear_character_model, stroke_character_model

RIGHTWARDS, LEFTWARDS = 1, 5  # channels of strokes going right and going left


def _horizontal(leftwards: bool = False) -> list[np.ndarray]:
    line = np.linspace([20.0, 60.0], [220.0, 70.0], 20)
    return [line[::-1] if leftwards else line]


def _direction_model(path):
    weights = np.zeros((STROKE_CHANNELS, 2), np.float32)
    weights[RIGHTWARDS, 0] = weights[LEFTWARDS, 1] = 50.0
    return stroke_character_model(path, ["右", "左"], weights)


def test_framing_a_drawing_gives_the_image_input_and_the_nine_channels() -> None:
    strokes = _horizontal()
    drawing = frame_strokes(strokes, 10.0)
    assert np.array_equal(drawing.image, strokes_to_input(strokes, 10.0))
    assert np.array_equal(drawing.strokes, strokes_to_channels(strokes, 10.0))
    assert drawing.for_kind("image") is drawing.image and drawing.for_kind("strokes") is drawing.strokes
    without = frame_strokes(strokes, 10.0, directions=False)
    assert without.strokes is None and np.array_equal(without.image, drawing.image)
    assert DrawingInput(drawing.image).for_kind("strokes") is None  # a picture has no pen strokes
    with pytest.raises(ValueError, match="unknown input kind"):
        drawing.for_kind("sound")


def test_a_stroke_model_reads_the_direction_a_picture_cannot_show(tmp_path) -> None:
    model = open_checked(_direction_model(tmp_path / "online.onnx"))
    assert model.input_kind == "strokes" and model.input_shape == (80, 60, STROKE_CHANNELS)
    right, left = (frame_strokes(_horizontal(leftwards), 10.0) for leftwards in (False, True))
    # the same ink either way (the renderer's anti-aliasing differs by under one grey level)
    assert np.abs(right.image - left.image).max() < 1.0
    assert model.class_names[int(model.predict_proba(right.strokes[None]).argmax())] == "右"
    assert model.class_names[int(model.predict_proba(left.strokes[None]).argmax())] == "左"
    with pytest.raises(ValueError, match="expects images of shape"):
        model.predict_proba(right.image[None])


def test_the_registry_lists_each_model_with_what_it_reads(tmp_path) -> None:
    _direction_model(tmp_path / "online.onnx")
    linear_character_model(tmp_path / "image.onnx", ["右", "左"])
    scan = ModelRegistry([tmp_path], trusted_folders=[tmp_path]).scan()
    kinds = {m.path.name: m.input_kind for m in scan.models}
    assert kinds == {"image.onnx": "image", "online.onnx": "strokes"}
    meta = OnnxModel(tmp_path / "online.onnx").metadata
    assert ModelInfo.from_metadata(tmp_path / "online.onnx", meta).input_kind == "strokes"


@pytest.mark.parametrize("make, reason", [
    # nine channels without saying it reads strokes: an image model must take one channel
    (lambda p: stroke_character_model(p, ["a", "b"], np.zeros((9, 2)), input_kind="image"), "has 9 channels"),
    # says strokes, takes a one-channel image
    (lambda p: linear_character_model(p, ["a", "b"], input_kind="strokes"), "has 1 channels"),
    (lambda p: stroke_character_model(p, ["a", "b"], np.zeros((9, 2)), input_kind="pen"), "input_kind 'pen'"),
    (lambda p: stroke_character_model(p, ["a", "b"], np.zeros((9, 2)), task="custom"), "for character models"),
])
def test_a_model_whose_input_disagrees_with_its_input_kind_is_refused(tmp_path, make, reason) -> None:
    path = make(tmp_path / "bad.onnx")
    with pytest.raises(ModelContractError, match=reason):
        open_checked(path)
    problems = ModelRegistry([tmp_path], trusted_folders=[tmp_path]).scan().problems
    assert [p.path.name for p in problems] == ["bad.onnx"]


def test_input_kind_is_written_only_for_stroke_models(tmp_path) -> None:
    assert "input_kind" not in OnnxModel(linear_character_model(tmp_path / "i.onnx", ["a"])).metadata
    meta = OnnxModel(_direction_model(tmp_path / "s.onnx")).metadata
    assert meta["input_kind"] == "strokes" and json.loads(meta["class_names"]) == ["右", "左"]


def _growing_drawing(rng: np.random.Generator) -> list[list[np.ndarray]]:
    """A character written point by point, as the throttle sees it: every state from the first point."""
    from tests.ui.drawing import strokes_in_widget

    strokes = strokes_in_widget("国", 400, 360, rng)
    states = []
    for k, stroke in enumerate(strokes):
        for n in range(1, len(stroke) + 1, 3):
            states.append([*strokes[:k], stroke[:n]])
        states.append(strokes[: k + 1])
    return states


@pytest.mark.parametrize("directions", [True, False])
def test_the_framer_frames_a_growing_drawing_exactly_as_frame_strokes(directions: bool) -> None:
    from desktop.core.model_input import DrawingFramer

    framer = DrawingFramer()
    states = _growing_drawing(np.random.default_rng(5))
    for strokes in states:
        got, want = framer.frame(strokes, 9.0, directions=directions), frame_strokes(strokes, 9.0, directions=directions)
        assert np.array_equal(got.image, want.image)
        assert (got.strokes is None) == (want.strokes is None) and (
            got.strokes is None or np.array_equal(got.strokes, want.strokes))
    # It drew fewer strokes than framing each state from scratch: the finished ones were reused
    # whenever the drawing's box had not grown.
    assert framer.strokes_drawn < sum(len(s) for s in states)


def test_the_framer_draws_only_the_last_stroke_at_pen_up_inside_the_box() -> None:
    from desktop.core.model_input import DrawingFramer

    box = [np.array([[0.0, 0.0], [200.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 200.0]]),
           np.array([[200.0, 0.0], [200.0, 200.0], [0.0, 200.0]])]
    inner = np.linspace([50.0, 100.0], [150.0, 100.0], 30)
    framer = DrawingFramer()
    framer.frame([*box, inner[:20]], 8.0)  # the throttle's request while the last stroke was written
    drawn = framer.strokes_drawn
    at_pen_up = framer.frame([*box, inner], 8.0)
    assert framer.strokes_drawn - drawn == 1
    assert np.array_equal(at_pen_up.strokes, frame_strokes([*box, inner], 8.0).strokes)
    # Another pen, an undone stroke, a different first stroke or a grown box: drawn again from scratch.
    outside = np.linspace([50.0, 100.0], [260.0, 100.0], 30)
    edited = [np.array([[0.0, 0.0], [200.0, 10.0]]), *box[1:], inner]
    for strokes, pen in (([*box, inner], 6.0), (box[:2] + [inner], 6.0), (edited, 6.0), ([*box, outside], 6.0)):
        before = framer.strokes_drawn
        got = framer.frame(strokes, pen)
        assert framer.strokes_drawn - before == len(strokes), (len(strokes), pen)
        assert np.array_equal(got.strokes, frame_strokes(strokes, pen).strokes)
