"""Training: the course settings, the run folder, augmentation and the mirrored strategy."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from training import synth
from training.data import CharacterData, train_validation_split
from training.errors import TrainingError
from training.train import TrainSettings, train

ROOT = Path(__file__).resolve().parents[2]
CHARS = "大天口"


def tiny_data(per_class=12, seed=0) -> CharacterData:
    from desktop.core.framing import stretch_to_input

    images, labels = [], []
    for label, char in enumerate(CHARS):
        for n in range(per_class):
            img = synth.synthesize(char, np.random.default_rng([seed, label, n]))
            images.append(np.round(stretch_to_input(img)).astype(np.uint8))
            labels.append(label)
    return CharacterData(np.stack(images), np.array(labels, np.int32), sorted(CHARS))


def test_split_is_the_courses_80_20_with_random_state_123():
    from sklearn.model_selection import train_test_split

    data = tiny_data(per_class=10)
    train_part, val_part = train_validation_split(data)
    expected_train, expected_val = train_test_split(np.arange(len(data)), test_size=0.2, random_state=123)
    assert len(val_part) == len(expected_val) == 6
    assert np.array_equal(train_part.labels, data.labels[expected_train])
    assert np.array_equal(val_part.images, data.images[expected_val])


@pytest.mark.parametrize("model_name, output", [("logistic", "probabilities"), ("cnn", "logits")])
def test_train_writes_a_run_folder(tmp_path, model_name, output):
    out = train(model_name, tiny_data(), tmp_path / "run", TrainSettings(epochs=3, patience=15, verbose=0),
                data_description="tiny")
    history = json.loads((out / "history.json").read_text(encoding="utf-8"))
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (out / "model.keras").is_file()
    assert set(history["history"]) >= {"loss", "accuracy", "top5", "val_loss", "val_accuracy", "val_top5"}
    assert len(history["history"]["loss"]) == len(history["epoch_seconds"]) == history["stopped_epoch"] == 3
    if model_name == "cnn":  # logistic regression on 30 images is too noisy for a 3-epoch trend
        assert history["history"]["loss"][-1] < history["history"]["loss"][0]
    assert history["best_epoch"] == int(np.argmax(history["history"]["val_accuracy"])) + 1
    assert run["class_names"] == sorted(CHARS) and run["output"] == output and run["model"] == model_name


def test_early_stopping_restores_the_best_epoch(tmp_path):
    # Learning rate 0 cannot improve: training must stop after patience + 1 epochs.
    out = train("cnn", tiny_data(per_class=6), tmp_path / "run",
                TrainSettings(epochs=20, patience=2, learning_rate=1e-12, verbose=0))
    history = json.loads((out / "history.json").read_text(encoding="utf-8"))
    assert history["stopped_epoch"] == 3 and history["best_epoch"] == 1


def test_augmentation_trains(tmp_path):
    out = train("cnn", tiny_data(per_class=6), tmp_path / "run", TrainSettings(epochs=1, augment=True, verbose=0))
    assert (out / "model.keras").is_file()


def test_training_refuses_a_single_class(tmp_path):
    data = tiny_data(per_class=4)
    one = CharacterData(data.images[:4], np.zeros(4, np.int32), ["大"])
    with pytest.raises(TrainingError, match="two classes"):
        train("cnn", one, tmp_path / "run", TrainSettings(epochs=1, verbose=0))


def test_mirrored_strategy_on_two_logical_cpus(tmp_path):
    # Logical devices must be configured before TensorFlow starts: a fresh interpreter.
    script = textwrap.dedent(f"""
        import sys, json
        sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).parent)!r}]
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from test_train import tiny_data
        from training.train import TrainSettings, train, make_strategy
        strategy = make_strategy("mirrored")
        assert strategy.num_replicas_in_sync == 2, strategy.num_replicas_in_sync
        out = train("cnn", tiny_data(per_class=6), {str(tmp_path / "run")!r},
                    TrainSettings(epochs=1, strategy="mirrored", batch_size=8, verbose=0))
        print("replicas", strategy.num_replicas_in_sync)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "replicas 2" in result.stdout
    assert (tmp_path / "run" / "model.keras").is_file()


def test_without_tensorflow_as_backend_a_single_process_needs_no_tensorflow_strategy(monkeypatch):
    """An accelerator machine may train under another Keras backend (``KERAS_BACKEND=jax``) with no
    TensorFlow installed: the resumable builds' strategy "none" must then not be TensorFlow's. CI has
    only TensorFlow, so only the backend's name changes here."""
    import keras

    from training.train import make_strategy

    assert "tensorflow" in type(make_strategy("none")).__module__  # under TensorFlow: its default strategy
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    strategy = make_strategy("none")
    with strategy.scope():
        assert keras.backend.backend() == "jax"
    assert type(strategy).__module__ == "training.train"


def test_streaming_training_uses_the_same_split(tmp_path):
    from training import casia
    from training.train import train_streaming

    synth.write_dataset(tmp_path / "data", CHARS, train_per_class=10, test_per_class=0, seed=1, workers=1)
    out = train_streaming("cnn", tmp_path / "data", tmp_path / "run", TrainSettings(epochs=1, augment=True, verbose=0),
                          classes=sorted(CHARS))
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    in_memory = train_validation_split(casia.load_split(tmp_path / "data", "Train", sorted(CHARS)))
    assert run["samples"] == {"train": len(in_memory[0]), "validation": len(in_memory[1])}
    assert run["class_names"] == sorted(CHARS) and (out / "model.keras").is_file()
