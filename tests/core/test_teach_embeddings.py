"""Embeddings with the shipped EfficientNet-Lite0 feature extractor: shape, cache hits, augmentation."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.core.contract import assets_dir
from desktop.core.onnx_model import OnnxModel
from desktop.core.teach.embeddings import EmbeddingCache, augment
from desktop.core.teach.project import TeachCancelled, add_class, add_image, new_project

EXTRACTOR = assets_dir() / "models" / "efficientnet-lite0-features.onnx"


@pytest.fixture(scope="module")
def extractor():
    return OnnxModel(EXTRACTOR)


@pytest.fixture
def samples(tmp_path):
    project = new_project(tmp_path / "proj", "shapes")
    add_class(project, "things")
    rng = np.random.default_rng(0)
    return [add_image(project, "things", rng.integers(0, 255, (60 + 10 * i, 80, 3), dtype=np.uint8))
            for i in range(6)]


def test_embeddings_are_cached_by_content(extractor, samples, tmp_path):
    cache = EmbeddingCache(extractor, tmp_path / "cache")
    progress = []
    first = cache.embed(samples, progress=lambda d, t: progress.append((d, t)))
    assert first.shape == (6, 1280) and first.dtype == np.float32
    assert cache.computed == 6 and progress[-1] == (6, 6)
    assert not np.allclose(first[0], first[1])
    # A fresh cache object on the same folder (the next session) computes nothing again.
    again = EmbeddingCache(extractor, tmp_path / "cache")
    np.testing.assert_array_equal(again.embed(samples[::-1]), first[::-1])
    assert again.computed == 0
    # Same as running the extractor directly.
    direct = again.embed_rgb([np.asarray(__import__("cv2").imread(str(samples[0]))[:, :, ::-1])])
    np.testing.assert_allclose(direct[0], first[0], atol=1e-4)
    assert again.computed == 1


def test_cancel_stops_between_batches(extractor, samples, tmp_path):
    cache = EmbeddingCache(extractor, tmp_path / "cache")
    with pytest.raises(TeachCancelled):
        cache.embed(samples, cancelled=lambda: True)
    assert cache.computed == 0


def test_refuses_a_classifier_as_extractor(tmp_path):
    classifier = OnnxModel(assets_dir() / "models" / "casia55-cnn.onnx")
    with pytest.raises(ValueError, match="not a feature extractor"):
        EmbeddingCache(classifier, tmp_path)


def test_augment_changes_the_image_within_its_ranges():
    rgb = np.tile(np.arange(100, dtype=np.uint8)[None, :, None], (80, 1, 3))
    out = augment(rgb, np.random.default_rng(1), flip_probability=1.0, crop_min_fraction=1.0, max_rotation=0.0,
                  max_brightness=0.0)
    np.testing.assert_array_equal(out, rgb[:, ::-1])
    out = augment(rgb, np.random.default_rng(2), flip_probability=0.0, crop_min_fraction=0.5, max_rotation=0.0,
                  max_brightness=0.0)
    assert 40 <= out.shape[0] <= 80 and out.shape[0] * 100 == pytest.approx(out.shape[1] * 80, abs=100)
    a = augment(rgb, np.random.default_rng(3))
    b = augment(rgb, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.uint8 and a.ndim == 3
