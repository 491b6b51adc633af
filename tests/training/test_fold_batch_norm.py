"""Folding batch norm into the convolutions before a fine-tune: the same function, frozen statistics."""

from __future__ import annotations

import numpy as np

from training import models


def _model_with_real_statistics():
    model = models.build("residual", 5)
    rng = np.random.default_rng(0)
    for layer in model.layers:  # statistics and scales as a trained network has them, not the fresh 0 and 1
        if layer.__class__.__name__ == "BatchNormalization":
            size = layer.get_weights()[0].shape[0]
            layer.set_weights([rng.uniform(0.5, 2.0, size), rng.normal(0, 0.3, size), rng.normal(0, 0.5, size),
                               rng.uniform(0.2, 4.0, size)])
    return model


def test_folding_keeps_the_function_and_freezes_batch_norm() -> None:
    model = _model_with_real_statistics()
    images = np.random.default_rng(1).uniform(0, 255, (8, 80, 60, 1)).astype(np.float32)
    before = model.predict(images, verbose=0)
    models.fold_batch_norm(model)
    after = model.predict(images, verbose=0)
    assert np.abs(after - before).max() <= 1e-4 * max(1.0, np.abs(before).max())
    norms = [layer for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"]
    assert norms and all(not layer.trainable for layer in norms)
    for layer in norms:  # a pure shift: scale 1, mean 0
        gamma, _, mean, variance = layer.get_weights()
        assert np.all(gamma == 1) and np.all(mean == 0) and np.allclose(variance + layer.epsilon, 1)


def test_a_training_step_after_folding_changes_the_convolutions_not_the_shifts() -> None:
    import keras

    model = models.fold_batch_norm(_model_with_real_statistics())
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    shifts = {layer.name: [w.copy() for w in layer.get_weights()] for layer in model.layers
              if layer.__class__.__name__ == "BatchNormalization"}
    kernel = model.get_layer("stem").get_weights()[0].copy()
    rng = np.random.default_rng(2)
    model.fit(rng.uniform(0, 255, (16, 80, 60, 1)).astype(np.float32), rng.integers(0, 5, 16), epochs=1, verbose=0)
    assert not np.array_equal(model.get_layer("stem").get_weights()[0], kernel)
    for name, weights in shifts.items():
        assert all(np.array_equal(a, b) for a, b in zip(model.get_layer(name).get_weights(), weights))
