"""Strokes -> ink + eight direction channels: channel 0 is the image input, the rest split it by direction."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.core.direction_map import CHANNELS, DIRECTIONS, direction_bins, strokes_to_channels
from desktop.core.framing import EmptyDrawing
from desktop.core.recognition import strokes_to_input

RIGHT, UP, LEFT, DOWN = 0, 2, 4, 6


def _line(start, end, n: int = 12) -> np.ndarray:
    return np.linspace(np.asarray(start, float), np.asarray(end, float), n)


def _ink(channels: np.ndarray) -> np.ndarray:
    """Ink per channel (paper 255 -> 0), summed over the image."""
    return (255.0 - channels).sum(axis=(0, 1))


def _lit_bins(channels: np.ndarray) -> set[int]:
    ink = _ink(channels)
    return {b for b in range(DIRECTIONS) if ink[1 + b] > 0.01 * ink[0]}


@pytest.mark.parametrize("start, end, expected", [
    ((20, 50), (220, 50), RIGHT),
    ((220, 50), (20, 50), LEFT),
    ((100, 200), (100, 10), UP),
    ((100, 10), (100, 200), DOWN),
])
def test_a_straight_stroke_lights_only_the_bin_of_its_direction(start, end, expected) -> None:
    stroke = _line(start, end)
    channels = strokes_to_channels([stroke])
    assert channels.shape == (80, 60, CHANNELS) and channels.dtype == np.float32
    assert _lit_bins(channels) == {expected}
    others = [1 + b for b in range(DIRECTIONS) if b != expected]
    assert (channels[..., others] == 255).all(), "the other directions are bare paper"


def test_a_diagonal_going_down_right_is_in_the_down_right_bin() -> None:
    assert _lit_bins(strokes_to_channels([_line((0, 0), (150, 150))])) == {7}
    assert _lit_bins(strokes_to_channels([_line((150, 0), (0, 150))])) == {5}


def test_reversing_a_stroke_moves_its_ink_to_the_opposite_bin() -> None:
    forward = [_line((30, 40), (200, 60)), _line((100, 0), (110, 180))]
    backward = [s[::-1] for s in forward]
    f, b = strokes_to_channels(forward), strokes_to_channels(backward)
    opposite = [0] + [1 + (d + DIRECTIONS // 2) % DIRECTIONS for d in range(DIRECTIONS)]
    # cv2 anti-aliases a line drawn b -> a a hair differently from a -> b: well under one grey level.
    np.testing.assert_allclose(f, b[..., opposite], atol=1.0)


@pytest.mark.parametrize("pen_width", [2.0, 12.0, 30.0])
def test_channel_0_is_exactly_the_image_input(pen_width: float) -> None:
    rng = np.random.default_rng(5)
    strokes = [np.cumsum(rng.normal(0, 8, (30, 2)), axis=0) + 150 for _ in range(4)]
    strokes.append(np.column_stack([_line((10, 10), (90, 30)), np.linspace(0.2, 1.0, 12)]))  # with pressure
    channels = strokes_to_channels(strokes, pen_width=pen_width)
    np.testing.assert_array_equal(channels[..., :1], strokes_to_input(strokes, pen_width=pen_width))


def test_the_direction_channels_add_up_to_about_the_ink() -> None:
    # An L and a separate hook: right, down, then left; joints between directions overlap a little.
    strokes = [np.vstack([_line((20, 20), (20, 200)), _line((20, 200), (180, 200))[1:]]),
               np.vstack([_line((120, 20), (120, 150)), _line((120, 150), (80, 130))[1:]])]
    ink = _ink(strokes_to_channels(strokes))
    assert ink[1:].sum() == pytest.approx(ink[0], rel=0.1)
    assert ink[1:].sum() >= 0.98 * ink[0]


def test_a_dot_is_ink_without_a_direction() -> None:
    channels = strokes_to_channels([np.array([[50.0, 50.0]]), _line((0, 0), (0, 100))])
    ink = _ink(channels)
    assert _lit_bins(channels) == {DOWN}
    assert ink[1:].sum() < ink[0]


@pytest.mark.parametrize("strokes", [[], [np.zeros((0, 2))], [[]]])
def test_nothing_drawn_raises_what_strokes_to_input_raises(strokes) -> None:
    with pytest.raises(EmptyDrawing) as expected:
        strokes_to_input(strokes)
    with pytest.raises(EmptyDrawing) as got:
        strokes_to_channels(strokes)
    assert str(got.value) == str(expected.value)


def test_direction_bins_are_centred_on_the_compass_points() -> None:
    # y points down: (1, -1) is up-right on the screen.
    steps = np.array([[1, 0], [1, -0.3], [1, -1], [0, -1], [-1, -1], [-1, 0], [-1, 1], [0, 1], [1, 1]], float)
    points = np.vstack([[0, 0], np.cumsum(steps, axis=0)])
    assert direction_bins(points).tolist() == [0, 0, 1, 2, 3, 4, 5, 6, 7]


def test_zero_length_segments_take_a_neighbours_direction() -> None:
    points = np.array([[0, 0], [0, 0], [5, 0], [5, 0], [5, 5]], float)
    assert direction_bins(points).tolist() == [RIGHT, RIGHT, RIGHT, DOWN]
    assert direction_bins(np.array([[3, 3], [3, 3]], float)).tolist() == [-1]


def test_a_slanting_line_sampled_on_the_pixel_grid_keeps_one_direction() -> None:
    # Mouse and tablet points step (3, 0), (0, 3), ...: each step alone is right or down.
    staircase = np.cumsum(np.vstack([[0, 0], np.tile([[3, 0], [0, 3]], (40, 1))]), axis=0).astype(float)
    assert set(direction_bins(staircase).tolist()) == {RIGHT, DOWN}
    assert _lit_bins(strokes_to_channels([staircase])) == {7}
