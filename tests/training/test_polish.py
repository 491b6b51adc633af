"""The polish towards print of a finished run: fold, train on writers and prints, blend, write back."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from installer.bundle_spec import find_cjk_font
from training import models
from training.polish import MAIN_MODEL, PrintPolish, blend_weights, polish_run
from training.resumable_fit import ResumableSettings

CHARS = "口大天"
TINY = PrintPolish(writers_per_char=2, print_variants=1, faces=(f"{find_cjk_font()}:2",),
                   fit=ResumableSettings(epochs=1, batch_size=8, learning_rate=1e-3, seed=5, verbose=0), blend=1.0)


def _trained_model(seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    model = models.build("residual", len(CHARS))
    rng = np.random.default_rng(seed)
    for layer in model.layers:  # statistics as a trained network has them, so folding changes the weights
        if layer.__class__.__name__ == "BatchNormalization":
            size = layer.get_weights()[0].shape[0]
            layer.set_weights([rng.uniform(0.5, 2.0, size), rng.normal(0, 0.3, size), rng.normal(0, 0.5, size),
                               rng.uniform(0.2, 4.0, size)])
    return model


@pytest.fixture(scope="module")
def writers():
    from training.writer_pool import writer_data

    return writer_data(CHARS, 6 * len(CHARS), seed=100, workers=1)


def _run(folder, model):
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder / "model.keras")
    (folder / "run.json").write_text(json.dumps({"model": "residual", "trained_on": "writers"}), encoding="utf-8")
    return folder


def _outputs(path, images):
    import keras

    return keras.models.load_model(path, compile=False).predict(images, verbose=0)


def test_blend_weights_moves_each_weight_that_share_of_the_way() -> None:
    main, polished = _trained_model(1), _trained_model(2)
    before = [w.copy() for w in polished.get_weights()]
    blend_weights(polished, main, 0.25)
    for after, p, m in zip(polished.get_weights(), before, main.get_weights()):
        np.testing.assert_allclose(after, m + 0.25 * (p - m), rtol=1e-6, atol=1e-6)


def test_polish_keeps_the_main_model_and_blend_zero_gives_its_function_back(tmp_path, writers) -> None:
    run_dir = _run(tmp_path / "run", _trained_model(3))
    images = writers.images[:6].astype(np.float32)
    main_out = _outputs(run_dir / "model.keras", images)
    history = polish_run(run_dir, writers, replace(TINY, blend=0.0), workers=1)
    assert history["stopped_epoch"] == 1
    np.testing.assert_allclose(_outputs(run_dir / MAIN_MODEL, images), main_out, rtol=0, atol=0)
    # blended all the way back: the main model with batch norm folded, the same function up to rounding
    np.testing.assert_allclose(_outputs(run_dir / "model.keras", images), main_out, atol=1e-3 * np.abs(main_out).max())
    info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert info["trained_on"].startswith("writers; then polished towards print")
    assert info["polish"]["blend"] == 0.0 and info["polish"]["writers_per_char"] == 2


def test_a_retrained_run_is_polished_afresh_not_from_the_last_polish(tmp_path, writers) -> None:
    images = writers.images[:6].astype(np.float32)
    run_dir = _run(tmp_path / "run", _trained_model(4))
    polish_run(run_dir, writers, TINY, workers=1)
    first = _outputs(run_dir / "model.keras", images)
    main_out = _outputs(run_dir / MAIN_MODEL, images)
    assert np.abs(first - main_out).max() > 1e-3  # the polish (blend 1) changed the model
    _run(run_dir, _trained_model(5))  # the build trained the model again
    polish_run(run_dir, writers, TINY, workers=1)
    assert np.abs(_outputs(run_dir / "model.keras", images) - first).max() > 1e-3
