"""Drawings, images and stroke files -> model input -> candidates: the shared preprocessing path."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core import strokes as renderer
from desktop.core.framing import EmptyDrawing, frame_for_model
from desktop.core.recognition import (
    DEFAULT_PEN_WIDTH,
    Candidate,
    InputFileError,
    candidates,
    fit_to_canvas,
    image_to_input,
    read_image_file,
    read_stroke_file,
    strokes_to_input,
)

CROSS = [np.array([[20.0, 100.0, 0, 1.0], [180.0, 100.0, 50, 1.0]]),
         np.array([[100.0, 20.0, 80, 1.0], [100.0, 200.0, 130, 1.0]])]


def ink_image(height: int = 90, width: int = 70) -> np.ndarray:
    """A grey page with a dark L, off-centre, so cropping matters."""
    img = np.full((height, width), 255, np.uint8)
    img[20:70, 15:22] = 10
    img[62:70, 15:55] = 10
    return img


def test_strokes_render_at_their_own_size_with_the_pen_width() -> None:
    small = [s * 0.5 for s in CROSS]  # 90 pixels tall: drawn as it is
    x = strokes_to_input(small, pen_width=10.0)
    assert x.shape == (80, 60, 1) and x.dtype == np.float32
    expected = frame_for_model(renderer.render(small, height=round(90 + 10.0), pen_width=10.0))
    np.testing.assert_array_equal(x, expected)
    assert x.min() < 50 and x.max() == 255  # real ink on real paper


def test_a_drawing_taller_than_the_render_limit_is_drawn_at_the_limit_with_its_pen_scaled_alike() -> None:
    from desktop.core.recognition import MAX_RENDER_HEIGHT

    full = 180 + 10.0
    expected = frame_for_model(renderer.render(CROSS, height=MAX_RENDER_HEIGHT,
                                               pen_width=10.0 * MAX_RENDER_HEIGHT / full))
    np.testing.assert_array_equal(strokes_to_input(CROSS, pen_width=10.0), expected)


def test_a_thicker_pen_gives_more_ink() -> None:
    thin = strokes_to_input(CROSS, pen_width=3.0)
    thick = strokes_to_input(CROSS, pen_width=30.0)
    assert (thick < 128).sum() > 2 * (thin < 128).sum()


def test_without_a_pen_width_strokes_are_drawn_with_the_canvas_pen() -> None:
    drawn = strokes_to_input(CROSS)
    small = [s * 0.5 for s in CROSS]
    drawn = strokes_to_input(small)
    canvas_pen = frame_for_model(renderer.render(small, height=round(90 + DEFAULT_PEN_WIDTH),
                                                 pen_width=DEFAULT_PEN_WIDTH))
    np.testing.assert_array_equal(drawn, canvas_pen)
    assert not np.array_equal(drawn, strokes_to_input(small, pen_width=DEFAULT_PEN_WIDTH / 4))


@pytest.mark.parametrize("drawing", [[], [np.zeros((0, 4))]], ids=["no-strokes", "empty-stroke"])
def test_nothing_drawn_raises_empty_drawing(drawing) -> None:
    with pytest.raises(EmptyDrawing):
        strokes_to_input(drawing, pen_width=8.0)


def test_a_single_dot_still_renders() -> None:
    x = strokes_to_input([np.array([[50.0, 50.0, 0.0, 1.0]])], pen_width=8.0)
    assert x.shape == (80, 60, 1) and x.min() < 128


def test_fit_to_canvas_keeps_shape_and_sets_the_longer_side() -> None:
    strokes = [np.array([[1000.0, 5000.0], [1200.0, 5000.0]]), np.array([[1100.0, 4950.0], [1100.0, 5050.0]])]
    fitted = fit_to_canvas(strokes, size=300)
    pts = np.concatenate(fitted)
    assert pts.min(axis=0).tolist() == [0.0, 0.0]
    assert pts.max(axis=0).tolist() == pytest.approx([300.0, 150.0])
    assert fit_to_canvas([]) == []


def test_image_layouts_and_depths_give_the_same_input() -> None:
    grey = ink_image()
    expected = image_to_input(grey)
    bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    np.testing.assert_allclose(image_to_input(bgr), expected, atol=1)
    np.testing.assert_allclose(image_to_input(grey.astype(np.uint16) * 257), expected, atol=1)
    # Black ink on a transparent background: transparency must become paper, not black.
    bgra = np.zeros((*grey.shape, 4), np.uint8)
    bgra[..., 3] = 255 - grey
    np.testing.assert_allclose(image_to_input(bgra), expected, atol=1)
    assert expected.shape == (80, 60, 1) and expected.min() < 20


def test_a_blank_image_is_an_empty_drawing() -> None:
    with pytest.raises(EmptyDrawing):
        image_to_input(np.full((40, 40), 255, np.uint8))


def test_read_image_file_round_trip_and_unicode_name(tmp_path: Path) -> None:
    path = tmp_path / "大字.png"
    ok, data = cv2.imencode(".png", ink_image())
    assert ok
    path.write_bytes(data.tobytes())
    np.testing.assert_array_equal(read_image_file(path), ink_image())


@pytest.mark.parametrize("content", [None, b"", b"\x89PNG\r\n\x1a\n but then garbage"],
                         ids=["missing", "empty", "corrupt"])
def test_read_image_file_errors_name_the_file(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "bad.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError) as info:
        read_image_file(path)
    assert info.value.path == path and "bad.png" in str(info.value)


def test_read_stroke_file_accepts_a_list_or_an_object(tmp_path: Path) -> None:
    strokes = [[[0, 0], [10, 5]], [[3, 3], [4, 9], [8, 8]]]
    (tmp_path / "a.json").write_text(json.dumps(strokes))
    (tmp_path / "b.json").write_text(json.dumps({"strokes": [[[x, y, 0.5] for x, y in s] for s in strokes]}))
    for name in ("a.json", "b.json"):
        read = read_stroke_file(tmp_path / name)
        assert [s.tolist() for s in read] == strokes


@pytest.mark.parametrize(
    "text, reason",
    [("not json", "not a JSON stroke file"), ('{"medians": []}', '"strokes"'), ("[]", "no strokes"),
     ('[[["a", 1]]]', "stroke 1"), ("[[[1, 2]], [[1]]]", "stroke 2"), ("[[]]", "stroke 1"), ("42", "list of strokes")],
)
def test_read_stroke_file_errors(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(text)
    with pytest.raises(InputFileError, match=reason) as info:
        read_stroke_file(path)
    assert str(path) in str(info.value)


def test_candidates_are_the_best_k_in_order() -> None:
    probs = np.array([0.1, 0.6, 0.05, 0.25])
    assert candidates(probs, list("abcd"), k=3) == [Candidate("b", 0.6), Candidate("d", 0.25), Candidate("a", 0.1)]
    assert len(candidates(probs[None], list("abcd"), k=10)) == 4  # a batch of one is fine; k is capped
    with pytest.raises(ValueError, match="3 class names"):
        candidates(probs, list("abc"))
