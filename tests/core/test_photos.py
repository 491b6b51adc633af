"""The photo framing shared by app and training, and the course's prediction lines."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from desktop.core.photos import center_square, format_prediction, read_wnids, to_model_input, top_k_labels


def test_a_wide_frame_is_cropped_to_its_centre_square() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    frame[:, :80] = 255  # the strips cut off on both sides are white, the middle black
    frame[:, -80:] = 255
    x = to_model_input(frame)
    assert x.shape == (224, 224, 3) and x.dtype == np.float32
    assert x.max() == 0.0  # none of the side strips got in


def test_a_tall_frame_keeps_its_middle_rows() -> None:
    frame = np.zeros((300, 100, 3), np.uint8)
    frame[100:200] = (10, 20, 30)
    square = center_square(frame)
    assert square.shape == (100, 100, 3) and np.all(square == (10, 20, 30))


def test_shrinking_uses_area_averaging() -> None:
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (448, 448, 3), dtype=np.uint8)
    expected = cv2.resize(frame, (224, 224), interpolation=cv2.INTER_AREA).astype(np.float32)
    np.testing.assert_array_equal(to_model_input(frame), expected)
    # Averaging 2x2 blocks: the mean colour is kept closely, which nearest-neighbour would not do.
    assert abs(to_model_input(frame).mean() - frame.mean()) < 0.5


def test_values_stay_raw_0_to_255_and_size_is_height_width() -> None:
    frame = np.full((50, 80, 3), 255, np.uint8)
    x = to_model_input(frame, size=(32, 24))
    assert x.shape == (32, 24, 3) and float(x.min()) == 255.0


def test_a_grey_image_is_repeated_on_three_channels() -> None:
    grey = np.arange(64 * 64, dtype=np.uint32).reshape(64, 64).astype(np.uint8)
    x = to_model_input(grey, size=(64, 64))
    assert x.shape == (64, 64, 3)
    np.testing.assert_array_equal(x[:, :, 0], x[:, :, 2])


def test_a_non_image_is_refused() -> None:
    with pytest.raises(ValueError, match="RGB image"):
        to_model_input(np.zeros((10, 10, 4), np.uint8))


def test_top_k_labels_best_first_with_wnids() -> None:
    probs = np.array([0.1, 0.6, 0.05, 0.25])
    names = ["cat", "espresso", "suit", "cup"]
    wnids = ["n1", "n2", "n3", "n4"]
    assert top_k_labels(probs, names, wnids, k=3) == [("n2", "espresso", 0.6), ("n4", "cup", 0.25), ("n1", "cat", 0.1)]
    assert top_k_labels(probs, names, None, k=1) == [("", "espresso", 0.6)]
    with pytest.raises(ValueError, match="4 probabilities but 3"):
        top_k_labels(probs, names[:3])


def test_format_prediction_matches_the_course_report() -> None:
    assert format_prediction("n04350905", "suit", 0.3912) == "n04350905 - suit 39%"
    assert format_prediction("n07920052", "espresso", 1.0) == "n07920052 - espresso 100%"
    assert format_prediction("", "my mug", 0.054) == "my mug 5%"


def test_read_wnids_from_metadata() -> None:
    assert read_wnids({"wnids": json.dumps(["n1", "n2"])}) == ["n1", "n2"]
    assert read_wnids({}) == [] and read_wnids({"wnids": "not json"}) == []
