"""Training that can be stopped after any epoch and continued with the same result as one run.

A long build (thousands of classes, hours on a laptop) must survive a closed lid or a Ctrl+C.
Keras's ``BackupAndRestore`` restores the weights and the epoch count, but a restarted
``tf.data`` shuffle starts its sequence of orders again, and early stopping and learning-rate
plateaus forget their counters, so a resumed run drifts from an unbroken one. Here nothing is
left to hidden state:

* every epoch's order and every batch's distortions are functions of ``(seed, epoch, batch)``;
* the learning rate follows a fixed schedule of the optimizer's step count (cosine decay), and
  the step count is saved with the optimizer;
* after every epoch the compiled model (weights and optimizer state) is saved as
  ``checkpoint/epoch-<n>.keras`` and then ``checkpoint/state.json`` names it, so a stop between
  the two leaves the previous epoch's pair intact.

The model must not hold random layers (dropout): their generator state is not saved.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from desktop.core import atomic

from .data import CharacterData
from .errors import TrainingError

CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class ResumableSettings:
    epochs: int = 4
    batch_size: int = 128
    learning_rate: float = 2e-3
    #: the learning rate ends at this fraction of its start (cosine decay over every step of every epoch)
    final_fraction: float = 0.02
    seed: int = 300
    #: random affine distortions of every training batch: rotation (degrees), scale, shear, shift (pixels)
    rotate: float = 6.0
    scale: float = 0.08
    shear: float = 0.12
    shift: float = 3.0
    verbose: int = 2
    #: probabilities of :func:`training.ink_augment.vary_ink`'s crisp print-like edges and changed ink weight
    crisp: float = 0.0
    ink_weight: float = 0.0


#: Settings added after checkpoints were first written: left out of a run's key while at their
#: defaults, so a checkpoint written before them still continues.
LATER_SETTINGS = {"crisp": 0.0, "ink_weight": 0.0}


def settings_key(settings: ResumableSettings) -> dict[str, Any]:
    """The settings as a checkpoint's key names them."""
    return {k: v for k, v in asdict(settings).items() if LATER_SETTINGS.get(k, object()) != v}


def epoch_order(count: int, seed: int, epoch: int) -> np.ndarray:
    """The order the samples are seen in one epoch: the same for a resumed run."""
    return np.random.default_rng([seed, epoch]).permutation(count)


def distort(images: np.ndarray, rng: np.random.Generator, settings: ResumableSettings,
            rows: slice = slice(None)) -> np.ndarray:
    """Each uint8 ``[80, 60, C]`` image under its own random affine map about its centre (paper fills the edges).

    Every channel of an image moves with the same map (a stroke model's direction channels stay
    on their ink). With ``settings.crisp`` or ``settings.ink_weight`` the ink is varied first
    (:func:`training.ink_augment.vary_ink`). ``rows``: only these images are returned, each with the
    map it gets among all of them (a worker of a cluster distorts its share of a batch as one
    process would)."""
    import cv2

    from .ink_augment import DRAWS, vary_ink

    wanted = set(range(len(images))[rows])
    vary = settings.crisp > 0 or settings.ink_weight > 0
    out = np.empty((len(wanted), *images.shape[1:]), np.float32)
    h, w = images.shape[1:3]
    centre = np.array([w / 2.0, h / 2.0])
    k = 0
    for i, image in enumerate(images):
        angle = np.deg2rad(rng.uniform(-settings.rotate, settings.rotate))
        scale = 1.0 + rng.uniform(-settings.scale, settings.scale, size=2)
        shear = rng.uniform(-settings.shear, settings.shear)
        linear = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ np.array(
            [[scale[0], shear], [0.0, scale[1]]])
        offset = centre - linear @ centre + rng.uniform(-settings.shift, settings.shift, size=2)
        draws = rng.random(DRAWS) if vary else None
        if i not in wanted:
            continue
        if vary:
            image = vary_ink(image, draws, settings.crisp, settings.ink_weight)
        matrix = np.hstack([linear, offset[:, None]]).astype(np.float32)
        for c in range(images.shape[3]):
            out[k, :, :, c] = cv2.warpAffine(image[:, :, c], matrix, (w, h), flags=cv2.INTER_LINEAR,
                                             borderMode=cv2.BORDER_CONSTANT, borderValue=255)
        k += 1
    return out


def _batches(data: CharacterData, settings: ResumableSettings, epoch: int):
    """One epoch of distorted training batches, a ``keras.utils.PyDataset`` read in order."""
    import keras

    order = epoch_order(len(data), settings.seed, epoch)

    class EpochBatches(keras.utils.PyDataset):
        def __len__(self):
            return -(-len(order) // settings.batch_size)

        def __getitem__(self, index):
            pick = np.sort(order[index * settings.batch_size:(index + 1) * settings.batch_size])
            rng = np.random.default_rng([settings.seed, epoch, index, 7])
            return distort(data.images[pick], rng, settings), data.labels[pick].astype(np.int32)

    return EpochBatches(workers=1, use_multiprocessing=False)


def _worker_batches(data: CharacterData, settings: ResumableSettings, epoch: int | None):
    """The batches of :func:`_batches` (``epoch``) or :func:`_evaluation_batches` (None) on a cluster:
    each worker feeds every ``n``-th sample of every batch, distorted as one process would."""
    import tensorflow as tf

    from .train import multi_worker_strategy

    order = np.arange(len(data)) if epoch is None else epoch_order(len(data), settings.seed, epoch)
    size = settings.batch_size

    def dataset_for(context):
        mine = slice(context.input_pipeline_id, None, context.num_input_pipelines)

        def batches():
            for index in range(-(-len(order) // size)):
                pick = order[index * size:(index + 1) * size]
                if epoch is None:
                    x = data.images[pick[mine]].astype(np.float32)
                else:
                    pick = np.sort(pick)
                    x = distort(data.images[pick], np.random.default_rng([settings.seed, epoch, index, 7]), settings,
                                mine)
                yield x, data.labels[pick[mine]].astype(np.int32)

        spec = (tf.TensorSpec((None, *data.images.shape[1:]), tf.float32), tf.TensorSpec((None,), tf.int32))
        return tf.data.Dataset.from_generator(batches, output_signature=spec)

    return multi_worker_strategy().distribute_datasets_from_function(dataset_for)


def _evaluation_batches(data: CharacterData, batch_size: int):
    import keras

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return -(-len(data) // batch_size)

        def __getitem__(self, index):
            part = slice(index * batch_size, (index + 1) * batch_size)
            return data.images[part].astype(np.float32), data.labels[part].astype(np.int32)

    return Batches(workers=1, use_multiprocessing=False)


def compile_for_schedule(model, settings: ResumableSettings, steps_per_epoch: int, num_classes: int) -> None:
    """:func:`training.train.compile_model` (logits loss, accuracy, top-5) with Adam on a cosine
    schedule of the step count, which is saved with the optimizer."""
    import keras

    from .train import compile_model

    schedule = keras.optimizers.schedules.CosineDecay(
        settings.learning_rate, decay_steps=max(1, settings.epochs * steps_per_epoch), alpha=settings.final_fraction)
    compile_model(model, "logits", schedule, num_classes)


def refresh_batch_norm(model, data: CharacterData, batches: int, batch_size: int = 128, seed: int = 0) -> int:
    """Re-estimate every BatchNormalization layer's moving statistics with the final weights ("precise BN").

    During training the moving averages trail weights that were still moving: with a high learning
    rate a network can be right on its training batches and far off in inference mode. Here
    ``batches`` batches of ``data`` (undistorted, as the app gives them; a fixed random pick) go
    through the model in training mode, and each layer's moving mean and variance become the plain
    average of their batch statistics. Nothing else changes. Returns the number of layers refreshed.
    """
    import keras

    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    if not layers or batches <= 0 or len(data) == 0:
        return 0
    momentum = {layer: layer.momentum for layer in layers}
    order = np.random.default_rng([seed, 11]).permutation(len(data))
    try:
        for k in range(batches):
            pick = np.sort(np.take(order, range(k * batch_size, (k + 1) * batch_size), mode="wrap"))
            for layer in layers:  # the k-th batch weighs 1/(k+1): a running plain mean
                layer.momentum = k / (k + 1)
            model(data.images[pick].astype(np.float32), training=True)
    finally:
        for layer in layers:
            layer.momentum = momentum[layer]
    return len(layers)


@dataclass
class Checkpoint:
    folder: Path

    @property
    def state_file(self) -> Path:
        return self.folder / "state.json"

    def read(self, key: dict[str, Any]) -> dict[str, Any] | None:
        """The saved state of the same run (``key``), or None when there is none; another run's is refused."""
        if not self.state_file.is_file():
            return None
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TrainingError(f"{self.state_file}: unreadable ({exc}); remove {self.folder} to start again") from None
        if state.get("key") != key:
            raise TrainingError(f"{self.folder} holds a checkpoint of another run (other data or settings); "
                                f"remove it to start again")
        if not (self.folder / state.get("model", "")).is_file():
            raise TrainingError(f"{self.state_file} names a missing model file; remove {self.folder} to start again")
        return state

    def write(self, model, state: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{state['epochs_done']}.keras"
        with atomic.atomic_path(self.folder / name, temp_suffix=".keras") as temp:
            model.save(temp)
        atomic.write_json_atomic(self.state_file, {**state, "model": name})
        for old in self.folder.glob("epoch-*.keras"):  # only after the state names the new file
            if old.name != name:
                old.unlink(missing_ok=True)


def _start_or_continue(build: Callable[[], Any], checkpoint: Checkpoint, full_key: dict[str, Any],
                       settings: ResumableSettings, samples: int, classes: int, strategy: str):
    """The compiled model and the run's state: built afresh, or loaded from the checkpoint of the same run;
    made ready for a cluster's ``fit`` when there is one."""
    import keras

    from .train import _fit_across_workers, make_strategy, worker_role

    state = checkpoint.read(full_key)
    distribution = make_strategy(strategy)
    with distribution.scope():
        if state is None:
            keras.utils.set_random_seed(settings.seed)
            model = build()
            compile_for_schedule(model, settings, -(-samples // settings.batch_size), classes)
            state = {"key": full_key, "epochs_done": 0, "history": {}, "seconds": []}
        else:
            model = keras.models.load_model(checkpoint.folder / state["model"])
            if settings.verbose:
                print(f"continuing from {checkpoint.folder} after epoch {state['epochs_done']} of {settings.epochs}")
    if worker_role(strategy).count > 1:
        _fit_across_workers(model, distribution)
    return model, state


def fit_resumable(
    build: Callable[[], Any],
    train: CharacterData,
    validation: CharacterData,
    folder: str | Path,
    settings: ResumableSettings,
    *,
    key: dict[str, Any],
    stop_after: int | None = None,
    strategy: str = "none",
) -> tuple[Any, dict[str, Any]]:
    """Fit ``build()`` (an uncompiled model) for ``settings.epochs``, continuing from ``folder/checkpoint``.

    ``key`` names what the run depends on (data, vocabulary, model); a checkpoint of another key is
    refused. ``stop_after`` ends this call after that many epochs in total (as a stop would).
    ``strategy="multiworker"`` trains on the cluster in ``TF_CONFIG`` (every worker runs this with
    its own ``folder``; each feeds its share of every batch and keeps its own checkpoint).
    Returns the model and ``history.json``'s content (the last epoch's weights: the schedule, not
    early stopping, decides when training ends).
    """
    if len(train) == 0 or len(validation) == 0:
        raise TrainingError("a resumable run needs training and validation images")
    from .train import worker_role

    checkpoint = Checkpoint(Path(folder) / CHECKPOINT)
    full_key = {**key, "settings": settings_key(settings), "train": len(train), "validation": len(validation)}
    model, state = _start_or_continue(build, checkpoint, full_key, settings, len(train), len(train.class_names),
                                      strategy)
    cluster = worker_role(strategy).count > 1
    last = settings.epochs if stop_after is None else min(settings.epochs, stop_after)
    val_batches = (_worker_batches(validation, settings, None) if cluster
                   else _evaluation_batches(validation, settings.batch_size))
    for epoch in range(state["epochs_done"], last):
        started = time.perf_counter()
        if settings.verbose:  # Keras would say "Epoch 1/1": each call fits one epoch
            print(f"epoch {epoch + 1} of {settings.epochs}", flush=True)
        batches = _worker_batches(train, settings, epoch) if cluster else _batches(train, settings, epoch)
        fitted = model.fit(batches, validation_data=val_batches, initial_epoch=epoch, epochs=epoch + 1,
                           shuffle=False, verbose=settings.verbose)
        for name, values in fitted.history.items():
            state["history"].setdefault(name, []).append(float(values[-1]))
        state["seconds"].append(time.perf_counter() - started)
        state["epochs_done"] = epoch + 1
        checkpoint.write(model, state)
    val_acc = state["history"].get("val_accuracy", [])
    history = {
        "history": state["history"],
        "epoch_seconds": state["seconds"],
        "best_epoch": int(np.argmax(val_acc)) + 1 if val_acc else state["epochs_done"],
        "stopped_epoch": state["epochs_done"],
        "monitor": "val_accuracy",
        "patience": None,
        "schedule": f"cosine decay over {settings.epochs} epochs; the last epoch's weights are kept",
    }
    return model, history
