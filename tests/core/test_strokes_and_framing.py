"""The shared stroke renderer and the 80x60 framing used by synthetic data, .pot files and the canvas."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.core import framing
from desktop.core import strokes as renderer

L_SHAPE = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0]])


def test_render_is_a_tight_crop_of_the_requested_height():
    img = renderer.render([L_SHAPE], height=64, pen_width=4)
    assert img.dtype == np.uint8 and img.shape[0] == 64
    assert img.min() == 0 and img.max() == 255
    assert (img[0] < 128).any() and (img[:, -1] < 128).any()


def test_pen_width_and_ink_darkness():
    thin = renderer.render([L_SHAPE], height=100, pen_width=2)
    thick = renderer.render([L_SHAPE], height=100, pen_width=12)
    assert (thick < 128).sum() > 4 * (thin < 128).sum()
    grey = renderer.render([L_SHAPE], height=100, pen_width=8, ink=renderer.Ink(darkness=100))
    assert 95 <= grey.min() <= 105


def test_pressure_is_the_last_column():
    light = np.hstack([L_SHAPE, np.full((3, 1), 0.2)])
    timed = np.hstack([L_SHAPE, np.array([[0.0], [50.0], [90.0]]), np.full((3, 1), 0.2)])
    full = renderer.render([L_SHAPE], height=100, pen_width=10)
    assert renderer.render([light], height=100, pen_width=10).mean() > full.mean()
    assert np.array_equal(renderer.render([timed], height=100, pen_width=10),
                          renderer.render([light], height=100, pen_width=10))


def test_dots_and_flat_strokes_render():
    dot = renderer.render([[[5.0, 5.0]]], height=20, pen_width=6)
    assert (dot < 128).any()
    flat = renderer.render([[[0.0, 0.0], [100.0, 0.0]]], height=40, pen_width=4)
    assert flat.shape[0] <= 40 and (flat < 128).any()


def test_empty_and_malformed_strokes_are_refused():
    with pytest.raises(ValueError, match="no strokes"):
        renderer.render([], height=50)
    with pytest.raises(ValueError, match="points"):
        renderer.render([[1.0, 2.0, 3.0]], height=50)


def test_framing_crops_then_stretches_to_the_model_input():
    page = np.full((300, 200), 255, np.uint8)
    page[100:180, 50:110] = 0  # an 80 x 60 ink block with margins around it
    x = framing.frame_for_model(page)
    assert x.shape == (80, 60, 1) and x.dtype == np.float32
    assert x.max() < 1.0  # the margin is gone: every pixel is ink


def test_framing_matches_tensorflow_bilinear_resize():
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(97, 41), dtype=np.uint8)
    ours = framing.stretch_to_input(img)
    theirs = tf.image.resize(img[..., None].astype(np.float32), (80, 60), method="bilinear").numpy()
    assert np.abs(ours - theirs).max() < 0.01  # grey levels; OpenCV interpolates in fixed point


def test_empty_drawing_has_a_clear_error():
    with pytest.raises(framing.EmptyDrawing, match="no ink"):
        framing.frame_for_model(np.full((50, 50), 255, np.uint8))
