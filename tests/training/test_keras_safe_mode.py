"""Keras model files are loaded with ``safe_mode=True``: a Lambda layer's Python code is refused, not run.

A Teachable Machine ``.h5`` is never handed to Keras 3 at all: its topology is converted first, and
a Lambda (or any layer the converter does not know) stops the import before anything loads it.
"""

from __future__ import annotations

import json
import warnings

import keras
import numpy as np
import pytest

from training.errors import DataError
from training.runs import load_run
from training.teachable import import_teachable


def _lambda_model() -> keras.Model:
    inputs = keras.Input((4, 4, 3))
    x = keras.layers.Lambda(lambda t: t * 2.0, name="python_lambda")(inputs)  # pickled bytecode on save
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(x))
    return keras.Model(inputs, outputs)


def test_a_run_folder_whose_model_holds_a_lambda_is_refused(tmp_path):
    model = _lambda_model()
    model.save(tmp_path / "model.keras")
    (tmp_path / "run.json").write_text(json.dumps({"class_names": ["a", "b"]}))
    with pytest.raises(DataError, match=r"model\.keras: Keras cannot load this model .*[Ll]ambda"):
        load_run(tmp_path)


def test_the_same_model_without_the_lambda_loads(tmp_path):
    inputs = keras.Input((4, 4, 3))
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(inputs))
    keras.Model(inputs, outputs).save(tmp_path / "model.keras")
    (tmp_path / "run.json").write_text(json.dumps({"class_names": ["a", "b"]}))
    run = load_run(tmp_path)
    assert run.model.predict(np.zeros((1, 4, 4, 3), np.float32), verbose=0).shape == (1, 2)


def test_a_legacy_h5_model_with_a_lambda_is_refused(tmp_path):
    path = tmp_path / "keras_model.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras calls .h5 legacy when saving it
        _lambda_model().save(path)
    (tmp_path / "labels.txt").write_text("0 a\n1 b\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"layer 'python_lambda' is a Lambda, which .* does not support"):
        import_teachable(path, None, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()
