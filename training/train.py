"""Train a character model the way the course does, and save a run folder.

Run folder: ``model.keras``, ``history.json`` (per-epoch metrics, seconds per epoch, the
early-stopping epoch) and ``run.json`` (model, data, classes, settings). ``evaluate`` and
``export`` read it.

Multi-worker training (strategy ``multiworker``, the cluster in ``TF_CONFIG``): only the chief
writes the run folder; every other worker writes the same files to ``<run>.worker-<n>/`` beside
it and removes that at the end, so two workers on one machine never write the same file. Every worker
backs the training state up after each epoch (``backup/`` of its folder); running the same
command again after a crash continues from the last finished epoch.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from desktop import __version__
from desktop.core import atomic
from desktop.core.contract import INPUT_OF_KIND

from .data import CharacterData, train_validation_split
from .errors import TrainingError

STRATEGIES = ("none", "mirrored", "multiworker")


@dataclass
class TrainSettings:
    epochs: int = 100
    batch_size: int = 64
    learning_rate: float = 1e-3
    patience: int = 15
    #: >0: divide the learning rate by 3 when validation accuracy has not improved for this many epochs
    reduce_lr_patience: int = 0
    augment: bool = False
    strategy: str = "none"
    seed: int = 123
    verbose: int = 1
    #: what the model reads: ``image`` or ``strokes`` (ink + 8 pen directions, from ``.pot`` pen data)
    input_kind: str = "image"


def make_strategy(name: str):
    """``tf.distribute`` strategy by name; ``mirrored`` spans every visible CPU/GPU device.

    ``multiworker`` is the process's one :func:`multi_worker_strategy`. ``none`` under another Keras
    backend than TensorFlow (``KERAS_BACKEND=jax`` on an accelerator machine without TensorFlow) is
    a strategy whose scope does nothing, so a resumable build can train there.
    """
    import keras

    if name == "none" and keras.backend.backend() != "tensorflow":
        return _NoStrategy()
    import tensorflow as tf

    if name == "none":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
        return tf.distribute.MirroredStrategy(devices=devices)
    if name == "multiworker":
        return multi_worker_strategy()
    raise TrainingError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}")


@functools.cache
def multi_worker_strategy():
    """The process's ``MultiWorkerMirroredStrategy`` over the cluster in ``TF_CONFIG`` (one worker without it).

    In a cluster it configures TensorFlow's collective ops, which TensorFlow accepts only before
    it runs its first operation: call this first thing (the ``train`` command does), before
    loading data, seeding or building a model. Later calls return the same strategy.
    """
    import tensorflow as tf

    return tf.distribute.MultiWorkerMirroredStrategy()


class _NoStrategy:
    """One process on the default device of a backend other than TensorFlow."""

    def scope(self):
        return contextlib.nullcontext()


@dataclass(frozen=True)
class WorkerRole:
    """This process's place in a multi-worker cluster; a single process is the chief of one."""

    index: int = 0  # 0 is the chief
    count: int = 1

    @property
    def is_chief(self) -> bool:
        return self.index == 0


def worker_role(strategy_name: str) -> WorkerRole:
    """The chief is the ``chief`` task, or worker 0 when the cluster has none (TensorFlow's rule)."""
    if strategy_name != "multiworker":
        return WorkerRole()
    resolver = multi_worker_strategy().cluster_resolver
    cluster = resolver.cluster_spec().as_dict()
    tasks = [(kind, i) for kind in ("chief", "worker") for i in range(len(cluster.get(kind, [])))]
    if not tasks or resolver.task_type is None:
        return WorkerRole()
    return WorkerRole(tasks.index((resolver.task_type, resolver.task_id)), len(tasks))


def worker_shard(count: int, workers: int, index: int) -> slice:
    """Which of ``count`` shuffled files worker ``index`` of ``workers`` reads: every ``workers``-th one."""
    return slice(index, count, workers)


def weights_fingerprint(model, trainable_only: bool = False) -> str:
    """A short hash of a model's weights: equal on every worker of a multi-worker run (``trainable_only``:
    the learnt weights alone; batch-norm moving statistics are each worker's own estimate)."""
    digest = hashlib.sha256()
    for weights in (model.trainable_weights if trainable_only else model.weights):
        digest.update(np.ascontiguousarray(np.asarray(weights)).tobytes())
    return digest.hexdigest()[:16]


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
    # Every worker holds the same images: each takes its share of every batch (no files to split).
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return ds.prefetch(tf.data.AUTOTUNE).with_options(options)


def compile_model(model, output: str, learning_rate, num_classes: int) -> None:
    """Adam at ``learning_rate`` (a number or a Keras schedule), cross-entropy, accuracy and top-5."""
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=(output == "logits")),
        metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=min(5, num_classes), name="top5")],
    )


class _EpochLog:
    """Metrics and seconds of every epoch; with a backup folder, kept there so a resumed run has them all."""

    def __new__(cls, backup_dir: Path | None):
        import keras

        class EpochLog(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.history: dict[str, list[float]] = {}
                self.seconds: list[float] = []
                self._file = backup_dir / "epochs.json" if backup_dir is not None else None

            def on_train_begin(self, logs=None):
                # After BackupAndRestore's: the weights and the epoch count are restored already.
                if self._file is not None and self._file.is_file():
                    saved = json.loads(self._file.read_text(encoding="utf-8"))
                    self.history, self.seconds = saved["history"], saved["seconds"]

            def on_epoch_begin(self, epoch, logs=None):
                self._t = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(time.perf_counter() - self._t)
                for key, value in (logs or {}).items():
                    self.history.setdefault(key, []).append(float(value))
                if self._file is not None:
                    atomic.write_json_atomic(self._file, {"history": self.history, "seconds": self.seconds})

        return EpochLog()


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
    channels = INPUT_OF_KIND.get(settings.input_kind, (None, None))[1]
    if train_data.images.shape[-1] != channels:
        raise TrainingError(f"the data has {train_data.images.shape[-1]} channels per sample, and a model of input "
                            f"kind {settings.input_kind!r} reads {channels}")
    if settings.strategy == "multiworker":
        multi_worker_strategy()  # before the datasets: their first TensorFlow op would be too early for it
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

    if settings.strategy == "multiworker":
        _check_global_batch(settings.batch_size, multi_worker_strategy())  # first: before any TensorFlow op
    names, files, labels = casia.list_class_folder(casia.split_folder(root, "Train"), classes)
    if not files:
        raise TrainingError(f"{root}: there are no training images")
    files, labels = np.array([str(f) for f in files]), np.array(labels, np.int32)
    train_idx, val_idx = train_test_split(np.arange(len(files)), test_size=0.2, random_state=123)
    train_ds = _stream(files[train_idx], labels[train_idx], names, settings, training=True)
    val_ds = _stream(files[val_idx], labels[val_idx], names, settings, training=False)
    return fit(model_name, names, train_ds, val_ds, out_dir, settings,
               samples={"train": len(train_idx), "validation": len(val_idx)},
               data_description=f"{root} (streamed)", title=title).folder


def _check_global_batch(batch_size: int, strategy) -> None:
    if batch_size % strategy.num_replicas_in_sync:
        raise TrainingError(f"--batch-size {batch_size} must be a multiple of the "
                            f"{strategy.num_replicas_in_sync} replicas of the cluster")


def _stream(files: np.ndarray, labels: np.ndarray, names: list[str], settings: TrainSettings, *, training: bool):
    """One split decoded on the fly; under ``multiworker`` each worker reads only its own shard of the files."""
    from . import casia

    def dataset(batch_size: int, shard: slice = slice(None)):
        ds = casia.stream_files(files[shard], labels[shard], names, batch_size=batch_size, shuffle=training,
                                seed=settings.seed)
        if training and settings.augment:
            aug = augmentation()
            ds = ds.map(lambda x, y: (aug(x, training=True), y))
        return ds

    if settings.strategy != "multiworker":
        return dataset(settings.batch_size)

    def worker_dataset(context):  # the global batch is split evenly between the replicas
        shard = worker_shard(len(files), context.num_input_pipelines, context.input_pipeline_id)
        return dataset(context.get_per_replica_batch_size(settings.batch_size), shard)

    return multi_worker_strategy().distribute_datasets_from_function(worker_dataset)


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
    callbacks: Sequence[Any] = (),
) -> FitResult:
    """Build, compile and fit on ``tf.data`` datasets; save the run folder.

    ``build`` replaces the named model's builder and compiler: it returns a compiled model (the
    tuner's best hyperparameters). ``run_info`` adds entries to ``run.json`` or replaces them.
    ``callbacks`` are extra Keras callbacks, called after the run's own.
    """
    import keras

    if len(class_names) < 2:
        raise TrainingError("training needs at least two classes")
    strategy = make_strategy(settings.strategy)
    keras.utils.set_random_seed(settings.seed)
    model = _compiled_model(strategy, model_name, len(class_names), settings, build)
    role, out = worker_role(settings.strategy), Path(out_dir)
    if role.count > 1:
        _fit_across_workers(model, strategy)
    folder = out if role.is_chief else out.with_name(f"{out.name}.worker-{role.index}")
    backup_dir = folder / "backup" if settings.strategy == "multiworker" else None
    history = _fit_with_early_stopping(model, train_ds, val_ds, settings, backup_dir, list(callbacks))
    _save_run(folder, model, history, {**_run_info(model_name, class_names, settings, samples, data_description,
                                                   title), **(run_info or {})})
    if settings.strategy == "multiworker" and settings.verbose:
        print(f"worker {role.index} of {role.count}: weights fingerprint {weights_fingerprint(model)}", flush=True)
    if not role.is_chief:  # it saved too (saving may need every worker), but the chief's copy is the run
        shutil.rmtree(folder)
    return FitResult(out, model, history)


def _save_run(folder: Path, model, history: dict[str, Any], info: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(folder / "model.keras", temp_suffix=".keras") as temp:  # Keras wants the suffix
        model.save(temp)
    _write_json(folder / "history.json", history)
    _write_json(folder / "run.json", info)


def _compiled_model(strategy, model_name: str, num_classes: int, settings: TrainSettings,
                    build: Callable[[], Any] | None):
    from . import models

    with strategy.scope():
        if build is not None:
            return build()
        model = models.build(model_name, num_classes, INPUT_OF_KIND[settings.input_kind][1])
        compile_model(model, models.output_kind(model_name), settings.learning_rate, num_classes)
    return model


def _fit_across_workers(model, strategy) -> None:
    """Let Keras 3's ``fit`` and ``evaluate`` run this model on a cluster of several workers.

    Under MultiWorkerMirroredStrategy they fail twice: before the first step they average a real
    batch over the replicas as one nested structure to learn its shapes, and after every step they
    average each scalar metric over its axis 0, which a scalar lacks (tensorflow/tensorflow issue
    72388, "Invalid reduction dimension 0").
    So the model is built here from the shapes, which are known, and its steps return metrics as
    1-element vectors. The epoch's metrics are read from the metric variables, summed over every
    worker, so they stay exact and the same on every worker.
    """
    import keras
    import tensorflow as tf

    batch = (keras.KerasTensor(model.inputs[0].shape, "float32"), keras.KerasTensor((None,), "int32"))
    with strategy.scope():
        model._symbolic_build(data_batch=batch)
    model._maybe_symbolic_build = lambda iterator=None, data_batch=None: None

    def vector_metrics(step):
        return lambda data: {name: tf.reshape(value, [1]) for name, value in step(data).items()}

    model.train_step = vector_metrics(model.train_step)
    model.test_step = vector_metrics(model.test_step)


def _fit_with_early_stopping(model, train_ds, val_ds, settings: TrainSettings, backup_dir: Path | None,
                             callbacks: list) -> dict[str, Any]:
    """Fit until validation accuracy stops improving, keeping the best weights; ``history.json``'s content.

    With ``backup_dir`` the weights, the epoch count and the metrics so far are saved after every
    epoch and restored by the next run (early stopping's patience then counts afresh).
    """
    import keras

    log = _EpochLog(backup_dir)
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=settings.patience, restore_best_weights=True, verbose=settings.verbose
    )
    backup = [keras.callbacks.BackupAndRestore(backup_dir=str(backup_dir))] if backup_dir is not None else []
    slower = [keras.callbacks.ReduceLROnPlateau(monitor="val_accuracy", factor=1 / 3, min_delta=1e-4,
                                                patience=settings.reduce_lr_patience, verbose=settings.verbose)
              ] if settings.reduce_lr_patience > 0 else []
    model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=settings.epochs,
        shuffle=False,  # the tf.data pipeline already reshuffles every epoch
        callbacks=[*backup, *slower, stopper, log, *callbacks],
        verbose=settings.verbose,
    )
    val_acc = log.history.get("val_accuracy", [])
    best_epoch = int(np.argmax(val_acc)) + 1 if val_acc else len(log.seconds)
    return {
        "history": log.history,
        "epoch_seconds": log.seconds,
        "best_epoch": best_epoch,
        "stopped_epoch": len(log.seconds),
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
