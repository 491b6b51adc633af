"""Re-estimating batch-norm statistics after training ("precise BN") with the final weights."""

from __future__ import annotations

import numpy as np

from training.data import CharacterData
from training.resumable_fit import refresh_batch_norm


def _model():
    import keras

    inputs = keras.Input((80, 60, 1), name="image")
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(4, 3, name="conv")(x)
    x = keras.layers.BatchNormalization(name="bn")(x)
    return keras.Model(inputs, keras.layers.Dense(2, name="logits")(keras.layers.GlobalAveragePooling2D()(x)))


def test_the_moving_statistics_become_the_average_of_the_batch_statistics() -> None:
    import keras

    keras.utils.set_random_seed(0)
    model = _model()
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (64, 80, 60, 1)).astype(np.uint8)
    data = CharacterData(images, np.zeros(64, np.int32), ["a", "b"], [""] * 64, [])
    bn = model.get_layer("bn")
    bn.moving_mean.assign(np.full(4, 50.0, np.float32))  # far off, as trailing averages can be
    bn.moving_variance.assign(np.full(4, 9.0, np.float32))
    assert refresh_batch_norm(model, data, batches=4, batch_size=16, seed=0) == 1
    conv = keras.Model(model.inputs, model.get_layer("conv").output)
    order = np.random.default_rng([0, 11]).permutation(64)
    stats = [conv(images[np.sort(order[k * 16:(k + 1) * 16])].astype(np.float32)).numpy() for k in range(4)]
    expected_mean = np.mean([s.mean(axis=(0, 1, 2)) for s in stats], axis=0)
    expected_var = np.mean([s.var(axis=(0, 1, 2)) for s in stats], axis=0)
    np.testing.assert_allclose(bn.moving_mean.numpy(), expected_mean, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), expected_var, rtol=1e-3, atol=1e-5)
    assert bn.momentum == 0.99  # put back
    # No batch-norm layer, nothing to do.
    plain = keras.Sequential([keras.Input((80, 60, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    assert refresh_batch_norm(plain, data, batches=2) == 0
