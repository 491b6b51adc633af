"""Train a character model the way the course does, and save a run folder.

Run folder: ``model.keras``, ``history.json`` (per-epoch metrics, seconds per epoch, the
early-stopping epoch) and ``run.json`` (model, data, classes, settings). ``evaluate`` and
``export`` read it.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from desktop import __version__
from desktop.core import atomic

from .data import CharacterData, train_validation_split
from .errors import TrainingError

STRATEGIES = ("none", "mirrored", "multiworker")


@dataclass
class TrainSettings:
    epochs: int = 100
    batch_size: int = 64
    learning_rate: float = 1e-3
    patience: int = 15
    augment: bool = False
    strategy: str = "none"
    seed: int = 123
    verbose: int = 1


def make_strategy(name: str):
    """``tf.distribute`` strategy by name; ``mirrored`` spans every visible CPU/GPU device."""
    import tensorflow as tf

    if name == "none":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
        return tf.distribute.MirroredStrategy(devices=devices)
    if name == "multiworker":
        # Reads the cluster from TF_CONFIG; with none set it runs as a single worker.
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise TrainingError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}")


def augmentation():
    """Small, realistic distortions applied to training batches only (never exported)."""
    import keras

    return keras.Sequential(
        [
            keras.layers.RandomRotation(0.03, fill_mode="constant", fill_value=255.0),
            keras.layers.RandomTranslation(0.06, 0.06, fill_mode="constant", fill_value=255.0),
            keras.layers.RandomZoom((-0.08, 0.08), fill_mode="constant", fill_value=255.0),
        ],
        name="augmentation",
    )


def character_dataset(data: CharacterData, batch_size: int, *, shuffle: bool, seed: int, augment: bool):
    """In-memory images as a batched ``tf.data`` pipeline (float32 input, int32 labels)."""
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((data.images, data.labels.astype(np.int32)))
    if shuffle:
        ds = ds.shuffle(min(len(data), 20000), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).map(lambda x, y: (tf.cast(x, tf.float32), y), num_parallel_calls=tf.data.AUTOTUNE)
    if augment:
        aug = augmentation()
        ds = ds.map(lambda x, y: (aug(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def compile_model(model, output: str, learning_rate: float, num_classes: int) -> None:
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=(output == "logits")),
        metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=min(5, num_classes), name="top5")],
    )


class _EpochTimer:
    """Seconds per epoch, for the report and the benchmark."""

    def __new__(cls):
        import keras

        class Timer(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seconds: list[float] = []

            def on_epoch_begin(self, epoch, logs=None):
                self._t = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(time.perf_counter() - self._t)

        return Timer()


def train(
    model_name: str,
    train_data: CharacterData,
    out_dir: str | Path,
    settings: TrainSettings = TrainSettings(),
    *,
    data_description: str = "",
    validation: CharacterData | None = None,
    title: str | None = None,
) -> Path:
    """Fit ``model_name`` on in-memory ``train_data`` (split 80/20 unless ``validation`` is given)."""
    if len(train_data) == 0:
        raise TrainingError("there are no training images")
    train_part, val_part = (train_data, validation) if validation is not None else train_validation_split(train_data)
    return fit(
        model_name,
        train_data.class_names,
        character_dataset(train_part, settings.batch_size, shuffle=True, seed=settings.seed, augment=settings.augment),
        character_dataset(val_part, settings.batch_size, shuffle=False, seed=settings.seed, augment=False),
        out_dir, settings, samples={"train": len(train_part), "validation": len(val_part)},
        data_description=data_description, title=title,
    ).folder


def train_streaming(
    model_name: str,
    root: str | Path,
    out_dir: str | Path,
    settings: TrainSettings = TrainSettings(),
    *,
    classes: list[str] | None = None,
    title: str | None = None,
) -> Path:
    """Like :func:`train` on ``root/Train`` but decoding images on the fly (the full database).

    The 80/20 split is the course's (``random_state=123``) over the file list, so it picks the
    same images as the in-memory path.
    """
    from sklearn.model_selection import train_test_split

    from . import casia

    names, files, labels = casia.list_class_folder(casia.split_folder(root, "Train"), classes)
    if not files:
        raise TrainingError(f"{root}: there are no training images")
    files, labels = np.array([str(f) for f in files]), np.array(labels, np.int32)
    train_idx, val_idx = train_test_split(np.arange(len(files)), test_size=0.2, random_state=123)
    train_ds = casia.stream_files(files[train_idx], labels[train_idx], names, batch_size=settings.batch_size,
                                  shuffle=True, seed=settings.seed)
    val_ds = casia.stream_files(files[val_idx], labels[val_idx], names, batch_size=settings.batch_size)
    if settings.augment:
        aug = augmentation()
        train_ds = train_ds.map(lambda x, y: (aug(x, training=True), y))
    return fit(model_name, names, train_ds, val_ds, out_dir, settings,
               samples={"train": len(train_idx), "validation": len(val_idx)},
               data_description=f"{root} (streamed)", title=title).folder


@dataclass
class FitResult:
    """What :func:`fit` leaves: the run folder, the fitted model (best weights) and ``history.json``'s content."""

    folder: Path
    model: Any  # keras.Model
    history: dict[str, Any]


def fit(
    model_name: str,
    class_names: list[str],
    train_ds,
    val_ds,
    out_dir: str | Path,
    settings: TrainSettings,
    *,
    samples: dict[str, int],
    data_description: str = "",
    title: str | None = None,
    build: Callable[[], Any] | None = None,
    run_info: dict[str, Any] | None = None,
) -> FitResult:
    """Build, compile and fit on ``tf.data`` datasets; save the run folder.

    ``build`` replaces the named model's builder and compiler: it returns a compiled model (the
    tuner's best hyperparameters). ``run_info`` adds entries to ``run.json`` or replaces them.
    """
    import keras

    if len(class_names) < 2:
        raise TrainingError("training needs at least two classes")
    keras.utils.set_random_seed(settings.seed)
    model = _compiled_model(model_name, len(class_names), settings, build)
    history = _fit_with_early_stopping(model, train_ds, val_ds, settings)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(out / "model.keras", temp_suffix=".keras") as temp:  # Keras wants the suffix
        model.save(temp)
    _write_json(out / "history.json", history)
    info = _run_info(model_name, class_names, settings, samples, data_description, title)
    _write_json(out / "run.json", {**info, **(run_info or {})})
    return FitResult(out, model, history)


def _compiled_model(model_name: str, num_classes: int, settings: TrainSettings, build: Callable[[], Any] | None):
    from . import models

    strategy = make_strategy(settings.strategy)
    with strategy.scope():
        if build is not None:
            return build()
        model = models.build(model_name, num_classes)
        compile_model(model, models.output_kind(model_name), settings.learning_rate, num_classes)
    return model


def _fit_with_early_stopping(model, train_ds, val_ds, settings: TrainSettings) -> dict[str, Any]:
    """Fit until validation accuracy stops improving, keeping the best weights; ``history.json``'s content."""
    import keras

    timer = _EpochTimer()
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=settings.patience, restore_best_weights=True, verbose=settings.verbose
    )
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=settings.epochs,
        shuffle=False,  # the tf.data pipeline already reshuffles every epoch
        callbacks=[stopper, timer],
        verbose=settings.verbose,
    )
    val_acc = history.history.get("val_accuracy", [])
    best_epoch = int(np.argmax(val_acc)) + 1 if val_acc else len(timer.seconds)
    return {
        "history": {k: [float(v) for v in vals] for k, vals in history.history.items()},
        "epoch_seconds": timer.seconds,
        "best_epoch": best_epoch,
        "stopped_epoch": len(timer.seconds),
        "monitor": "val_accuracy",
        "patience": settings.patience,
    }


def _run_info(model_name: str, class_names: list[str], settings: TrainSettings, samples: dict[str, int],
              data_description: str, title: str | None) -> dict[str, Any]:
    """``run.json``: what was trained on what, with which settings and versions."""
    import keras
    import tensorflow as tf

    from . import models

    return {
        "model": model_name,
        "title": title or f"{model_name} ({len(class_names)} characters)",
        "data": data_description,
        "class_names": list(class_names),
        "output": models.output_kind(model_name),
        "seed": settings.seed,
        "settings": asdict(settings),
        "samples": samples,
        "trained_on": data_description,
        "created_by": f"cnn-classroom {__version__}",
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }


def _write_json(path: Path, obj) -> None:
    atomic.write_json_atomic(path, obj)
