"""Teachable Machine exports for tests, written the way Teachable Machine writes them.

Built from the published file layouts, never with the code under test:

* TF.js layers format (what TM's "Tensorflow.js" download holds): ``model.json`` with the
  Keras-2-style topology under ``modelTopology`` and a ``weightsManifest`` (groups of
  ``{"paths": [shard files], "weights": [{"name", "shape", "dtype"}]}``; each group's weights are
  little-endian float32, concatenated in manifest order and split across the group's shards at any
  byte), ``weights.bin`` and ``metadata.json`` (``labels``, ``imageSize``), also zipped.
* Keras ``.h5`` (what TM's "Tensorflow > Keras" download holds, ``converted_keras.zip``):
  ``keras_model.h5`` saved by tf_keras 2.x plus ``labels.txt`` (``0 Class 1`` lines).

The TM model is a Sequential of two Sequentials: a truncated MobileNet (a functional ``Model``)
followed by GlobalAveragePooling2D, then a head of Dense relu + Dense softmax. The fixtures keep
that nesting and the MobileNet layer kinds (ZeroPadding2D, stride-2 valid Conv2D, BatchNormalization,
ReLU(6), DepthwiseConv2D "same", 1x1 Conv2D, Add residual) at TM's 224x224 input, with a handful of
channels so tests stay fast.

:func:`make_tfjs_export` needs only numpy and json (for app tests without TensorFlow); the
``keras_*`` helpers import tf_keras when called.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

CLASS_NAMES = ("Class 1", "Class 2", "thumbs up 👍")
IMAGE_SIZE = 224
TFJS_VERSION = "1.3.1"
#: Channels of the tiny MobileNet: stem, expanded block, depthwise multiplier block, last 1x1 conv.
STEM, HEAD_UNITS = 4, 6
DENSE1, DENSE2 = 10.0, 0.15


# --------------------------------------------------------------------------------------------
# TF.js layers JSON, as tfjs-layers 1.x serialises a Keras-2-style model
# --------------------------------------------------------------------------------------------

def _initializer(name: str = "VarianceScaling") -> dict:
    if name == "Zeros" or name == "Ones":
        return {"class_name": name, "config": {}}
    return {"class_name": "VarianceScaling",
            "config": {"distribution": "uniform", "scale": 1, "seed": None, "mode": "fan_avg"}}


def layer(class_name: str, name: str, inbound: Sequence[str] | None = None, **config) -> dict:
    """One layer entry; ``inbound`` (names of the layers feeding it) makes it a functional-model entry."""
    config = {"name": name, "trainable": True, **config}
    entry: dict = {"class_name": class_name, "config": config}
    if inbound is not None:
        entry["name"] = name
        entry["inbound_nodes"] = [[[source, 0, 0, {}] for source in inbound]] if inbound else []
    return entry


def conv2d(name, filters, kernel, inbound=None, *, strides=1, padding="valid", dilation=1, use_bias=True,
           activation="linear") -> dict:
    return layer("Conv2D", name, inbound, filters=filters, kernel_initializer=_initializer(), kernel_regularizer=None,
                 kernel_constraint=None, kernel_size=[kernel, kernel], strides=[strides, strides], padding=padding,
                 data_format="channels_last", dilation_rate=[dilation, dilation], activation=activation,
                 use_bias=use_bias, bias_initializer=_initializer("Zeros"), bias_regularizer=None,
                 activity_regularizer=None, bias_constraint=None)


def depthwise(name, kernel, inbound=None, *, strides=1, padding="same", depth_multiplier=1, use_bias=False,
              activation="linear") -> dict:
    return layer("DepthwiseConv2D", name, inbound, kernel_size=[kernel, kernel], strides=[strides, strides],
                 padding=padding, data_format="channels_last", dilation_rate=[1, 1],
                 depth_multiplier=depth_multiplier, activation=activation, use_bias=use_bias,
                 depthwise_initializer=_initializer(), depthwise_regularizer=None, depthwise_constraint=None,
                 bias_initializer=_initializer("Zeros"), bias_regularizer=None, activity_regularizer=None,
                 bias_constraint=None)


def batchnorm(name, inbound=None, *, epsilon=0.001, center=True, scale=True) -> dict:
    return layer("BatchNormalization", name, inbound, axis=-1, momentum=0.999, epsilon=epsilon, center=center,
                 scale=scale, beta_initializer=_initializer("Zeros"), gamma_initializer=_initializer("Ones"),
                 moving_mean_initializer=_initializer("Zeros"), moving_variance_initializer=_initializer("Ones"),
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None)


def relu(name, inbound=None, max_value: float | None = 6) -> dict:
    return layer("ReLU", name, inbound, max_value=max_value)


def dense(name, units, activation, inbound=None, input_dim: int | None = None, use_bias=True) -> dict:
    entry = layer("Dense", name, inbound, units=units, activation=activation, use_bias=use_bias,
                  kernel_initializer=_initializer(), bias_initializer=_initializer("Zeros"),
                  kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                  kernel_constraint=None, bias_constraint=None)
    if input_dim is not None:
        entry["config"]["batch_input_shape"] = [None, input_dim]
        entry["config"]["dtype"] = "float32"
    return entry


def input_layer(name, size: int, channels: int = 3, width: int | None = None) -> dict:
    return {"name": name, "class_name": "InputLayer",
            "config": {"batch_input_shape": [None, size, width or size, channels], "dtype": "float32", "sparse": False,
                       "name": name},
            "inbound_nodes": []}


def functional(name: str, layers: list[dict], input_name: str, output_name: str) -> dict:
    return {"class_name": "Model", "config": {"name": name, "layers": layers, "input_layers": [[input_name, 0, 0]],
                                              "output_layers": [[output_name, 0, 0]]}}


def sequential(name: str, layers: list[dict]) -> dict:
    return {"class_name": "Sequential", "config": {"name": name, "layers": layers}}


def tiny_mobilenet_topology(size: int, classes: int) -> dict:
    """TM's image model with MobileNet's layer kinds and names, a few channels wide."""
    base = functional("model1", [
        input_layer("input_1", size),
        layer("ZeroPadding2D", "Conv1_pad", ["input_1"], padding=[[0, 1], [0, 1]], data_format="channels_last"),
        conv2d("Conv1", STEM, 3, ["Conv1_pad"], strides=2, use_bias=False),
        batchnorm("bn_Conv1", ["Conv1"]),
        relu("Conv1_relu", ["bn_Conv1"]),
        depthwise("expanded_conv_depthwise", 3, ["Conv1_relu"]),
        batchnorm("expanded_conv_depthwise_BN", ["expanded_conv_depthwise"]),
        relu("expanded_conv_depthwise_relu", ["expanded_conv_depthwise_BN"]),
        conv2d("expanded_conv_project", STEM, 1, ["expanded_conv_depthwise_relu"], use_bias=False),
        batchnorm("expanded_conv_project_BN", ["expanded_conv_project"]),
        layer("Add", "block_add", ["Conv1_relu", "expanded_conv_project_BN"]),
        # Stride 2 "same" on an even size: TensorFlow pads 0 before and 1 after.
        depthwise("block_1_depthwise", 3, ["block_add"], strides=2, depth_multiplier=2, use_bias=True),
        layer("Activation", "block_1_relu", ["block_1_depthwise"], activation="relu"),
        conv2d("Conv_1", 2 * STEM, 1, ["block_1_relu"]),
        batchnorm("Conv_1_bn", ["Conv_1"]),
        relu("out_relu", ["Conv_1_bn"]),
    ], "input_1", "out_relu")
    features = sequential("sequential_1", [
        base, layer("GlobalAveragePooling2D", "global_average_pooling2d_GlobalAveragePooling2D1",
                    data_format="channels_last")])
    head = sequential("sequential_3", [dense("dense_Dense1", HEAD_UNITS, "relu", input_dim=2 * STEM),
                                       dense("dense_Dense2", classes, "softmax")])
    return sequential("sequential_4", [features, head])


def tiny_mobilenet_weights(classes: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """``(name, value)`` in the order tfjs-layers lists the model's weights (layer order).

    Batch-norm statistics are random so that no layer is an identity, and the head is scaled so
    the classes really differ from one image to the next.
    """
    rng = np.random.default_rng(seed)

    def normal(shape, scale):
        return rng.normal(0.0, scale, shape).astype(np.float32)

    def bn(name, channels):
        return [(f"{name}/gamma", rng.uniform(0.5, 1.5, channels).astype(np.float32)),
                (f"{name}/beta", normal(channels, 0.3)),
                (f"{name}/moving_mean", normal(channels, 0.3)),
                (f"{name}/moving_variance", rng.uniform(0.2, 2.0, channels).astype(np.float32))]

    # Pooled features sit near 0.4 and differ by a few hundredths between images: a steep first
    # dense layer centred there makes those differences decide the class.
    dense1 = normal((2 * STEM, HEAD_UNITS), DENSE1)
    bias1 = (-0.4 * dense1.sum(axis=0) + normal(HEAD_UNITS, 0.3)).astype(np.float32)
    return [
        ("Conv1/kernel", normal((3, 3, 3, STEM), 0.4)), *bn("bn_Conv1", STEM),
        ("expanded_conv_depthwise/depthwise_kernel", normal((3, 3, STEM, 1), 0.4)),
        *bn("expanded_conv_depthwise_BN", STEM),
        ("expanded_conv_project/kernel", normal((1, 1, STEM, STEM), 0.6)), *bn("expanded_conv_project_BN", STEM),
        ("block_1_depthwise/depthwise_kernel", normal((3, 3, STEM, 2), 0.4)),
        ("block_1_depthwise/bias", normal(2 * STEM, 0.2)),
        ("Conv_1/kernel", normal((1, 1, 2 * STEM, 2 * STEM), 0.5)), ("Conv_1/bias", normal(2 * STEM, 0.2)),
        *bn("Conv_1_bn", 2 * STEM),
        ("dense_Dense1/kernel", dense1), ("dense_Dense1/bias", bias1),
        ("dense_Dense2/kernel", normal((HEAD_UNITS, classes), DENSE2)), ("dense_Dense2/bias", normal(classes, 0.3)),
    ]


def tm_metadata(class_names: Sequence[str], size: int = IMAGE_SIZE) -> dict:
    """``metadata.json`` as @teachablemachine/image writes it."""
    return {"tfjsVersion": TFJS_VERSION, "tmVersion": "2.4.7", "packageVersion": "0.8.4-alpha2",
            "packageName": "@teachablemachine/image", "timeStamp": "2024-03-01T10:00:00.000Z",
            "userMetadata": {}, "modelName": "tm-my-image-model", "labels": list(class_names), "imageSize": size}


def write_tfjs(folder: str | Path, topology: dict, weights: Iterable[tuple[str, np.ndarray]], *,
               metadata: dict | None = None, shards: int = 1, model_topology_wrapper: bool = False) -> Path:
    """Write ``model.json`` + shard file(s) (+ ``metadata.json``) into ``folder``; returns the folder.

    ``shards > 1`` splits the one weight group's bytes into that many files at byte boundaries
    that fall inside weights, as the TF.js converter's fixed shard size does. With
    ``model_topology_wrapper`` the topology sits under ``modelTopology.model_config`` (the Python
    converter's layout) instead of being ``modelTopology`` itself (the browser's layout).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries, blobs = [], []
    for name, value in weights:
        value = np.asarray(value, dtype="<f4")
        entries.append({"name": name, "shape": list(value.shape), "dtype": "float32"})
        blobs.append(value.tobytes())
    data = b"".join(blobs)
    if shards == 1:
        paths = ["weights.bin"]
        pieces = [data]
    else:
        cuts = [len(data) * i // shards + 2 for i in range(1, shards)]  # +2: mid-float, never aligned
        bounds = [0, *cuts, len(data)]
        paths = [f"group1-shard{i + 1}of{shards}.bin" for i in range(shards)]
        pieces = [data[a:b] for a, b in zip(bounds, bounds[1:])]
    for path, piece in zip(paths, pieces):
        (folder / path).write_bytes(piece)
    if model_topology_wrapper:
        model_topology = {"keras_version": "2.15.0", "backend": "tensorflow", "model_config": topology}
        generated = {"generatedBy": "keras v2.15.0", "convertedBy": "TensorFlow.js Converter v4.17.0"}
    else:
        model_topology = {**topology, "keras_version": f"tfjs-layers {TFJS_VERSION}", "backend": "tensor_flow.js"}
        generated = {"generatedBy": f"TensorFlow.js tfjs-layers v{TFJS_VERSION}", "convertedBy": None}
    model = {"modelTopology": model_topology, "format": "layers-model", **generated,
             "weightsManifest": [{"paths": [f"./{p}" if shards == 1 else p for p in paths], "weights": entries}]}
    (folder / "model.json").write_text(json.dumps(model), encoding="utf-8")
    if metadata is not None:
        (folder / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    return folder


def make_tfjs_export(folder: str | Path, class_names: Sequence[str] = CLASS_NAMES, seed: int = 0, *,
                     size: int = IMAGE_SIZE, shards: int = 1) -> Path:
    """A Teachable Machine image-model TF.js export in ``folder`` (model.json, weights, metadata.json)."""
    return write_tfjs(folder, tiny_mobilenet_topology(size, len(class_names)),
                      tiny_mobilenet_weights(len(class_names), seed), metadata=tm_metadata(class_names, size),
                      shards=shards)


def zip_folder(folder: str | Path, zip_path: str | Path, prefix: str = "") -> Path:
    """Zip every file of ``folder`` (flat, as TM's download is; ``prefix`` puts them in a subfolder)."""
    zip_path = Path(zip_path)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).iterdir()):
            if path.is_file():
                archive.write(path, prefix + path.name)
    return zip_path


def make_tfjs_zip(zip_path: str | Path, class_names: Sequence[str] = CLASS_NAMES, seed: int = 0, *,
                  size: int = IMAGE_SIZE, shards: int = 1) -> Path:
    """TM's "Download my model" zip (``tm-my-image-model.zip``): model.json, metadata.json, weights.bin."""
    zip_path = Path(zip_path)
    folder = make_tfjs_export(zip_path.with_name(zip_path.stem + "_files"), class_names, seed, size=size,
                              shards=shards)
    return zip_folder(folder, zip_path)


def labels_txt(class_names: Sequence[str]) -> str:
    """TM's ``labels.txt``: ``<index> <name>`` per line."""
    return "".join(f"{i} {name}\n" for i, name in enumerate(class_names))


def preprocess(rgb: np.ndarray) -> np.ndarray:
    """Teachable Machine's scaling of a 0..255 RGB batch (its example code does it outside the model)."""
    return np.asarray(rgb, np.float32) / 127.5 - 1.0


# --------------------------------------------------------------------------------------------
# The same kind of model built and saved by tf_keras 2.x (TM's Keras export)
# --------------------------------------------------------------------------------------------

def keras_tiny_mobilenet(class_names: Sequence[str] = CLASS_NAMES, seed: int = 0, size: int = IMAGE_SIZE):
    """A tf_keras nested Sequential shaped like TM's model, with random weights and statistics."""
    import tf_keras as keras
    from tf_keras import layers as L

    inputs = keras.Input((size, size, 3), name="input_1")
    x = L.ZeroPadding2D(((0, 1), (0, 1)), name="Conv1_pad")(inputs)
    x = L.Conv2D(STEM, 3, strides=2, padding="valid", use_bias=False, name="Conv1")(x)
    x = L.BatchNormalization(epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    stem = L.ReLU(6.0, name="Conv1_relu")(x)
    y = L.DepthwiseConv2D(3, padding="same", use_bias=False, name="expanded_conv_depthwise")(stem)
    y = L.BatchNormalization(epsilon=1e-3, name="expanded_conv_depthwise_BN")(y)
    y = L.ReLU(6.0, name="expanded_conv_depthwise_relu")(y)
    y = L.Conv2D(STEM, 1, use_bias=False, name="expanded_conv_project")(y)
    y = L.BatchNormalization(epsilon=1e-3, name="expanded_conv_project_BN")(y)
    x = L.Add(name="block_add")([stem, y])
    x = L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, name="block_1_depthwise")(x)
    x = L.Activation("relu", name="block_1_relu")(x)
    x = L.Conv2D(2 * STEM, 1, name="Conv_1")(x)
    x = L.BatchNormalization(epsilon=1e-3, name="Conv_1_bn")(x)
    x = L.ReLU(6.0, name="out_relu")(x)
    base = keras.Model(inputs, x, name="model1")
    features = keras.Sequential([base, L.GlobalAveragePooling2D(name="global_average_pooling2d_1")],
                                name="sequential_1")
    head = keras.Sequential([L.Dense(HEAD_UNITS, activation="relu", input_shape=(2 * STEM,), name="dense_Dense1"),
                             L.Dropout(0.5, name="dropout_1"),
                             L.Dense(len(class_names), activation="softmax", name="dense_Dense2")],
                            name="sequential_3")
    model = keras.Sequential([features, head], name="sequential_4")
    by_name = dict(tiny_mobilenet_weights(len(class_names), seed))
    for weight in model.weights:
        weight.assign(by_name[weight.name.split(":")[0]])
    return model


def keras_weights(model) -> list[tuple[str, np.ndarray]]:
    """``(name, value)`` of a tf_keras model as the TF.js converter names them (``layer/weight``)."""
    return [(w.name.split(":")[0], np.asarray(w.numpy())) for w in model.weights]


def make_keras_export(folder: str | Path, class_names: Sequence[str] = CLASS_NAMES, seed: int = 0, *,
                      size: int = IMAGE_SIZE):
    """``keras_model.h5`` + ``labels.txt`` in ``folder`` saved by tf_keras; returns ``(folder, model)``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model = keras_tiny_mobilenet(class_names, seed, size)
    model.save(folder / "keras_model.h5")
    (folder / "labels.txt").write_text(labels_txt(class_names), encoding="utf-8")
    return folder, model


def make_converted_keras_zip(zip_path: str | Path, folder: str | Path) -> Path:
    """TM's ``converted_keras.zip``: ``keras_model.h5`` and ``labels.txt`` at the top."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("keras_model.h5", "labels.txt"):
            archive.write(Path(folder) / name, name)
    return Path(zip_path)


def keras_model_as_tfjs(model, folder: str | Path, class_names: Sequence[str], *, shards: int = 2) -> Path:
    """The tf_keras model in the TF.js layers format, from ``model.to_json()`` and its weights."""
    topology = json.loads(model.to_json())
    size = int(model.inputs[0].shape[1])
    return write_tfjs(folder, {"class_name": topology["class_name"], "config": topology["config"]},
                      keras_weights(model), metadata=tm_metadata(class_names, size), shards=shards,
                      model_topology_wrapper=True)


def keras_tm_mobilenet_v2(class_names: Sequence[str] = CLASS_NAMES, seed: int = 0):
    """Teachable Machine's real image model at full size, built by tf_keras without downloading weights.

    TM truncates ``MobileNetV2(alpha=0.35, 224)`` at ``out_relu`` (1280 features), pools, and adds
    Dense(100, relu) + Dense(classes, softmax), nesting it as Sequential(Sequential(base, pool), head).
    The random base is given batch-norm statistics measured on random photos, layer by layer, as
    training would, so its 154 layers neither vanish nor explode and the classes differ per image.
    """
    import tf_keras as keras

    keras.utils.set_random_seed(seed)
    mobilenet = keras.applications.MobileNetV2(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), alpha=0.35,
                                               include_top=False, weights=None)
    base = keras.Model(mobilenet.inputs, mobilenet.get_layer("out_relu").output, name="model1")
    rng = np.random.default_rng(seed)
    photos = preprocess(rng.uniform(0, 255, (4, IMAGE_SIZE, IMAGE_SIZE, 3)))
    for layer in base.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            seen = keras.Model(base.inputs, layer.input)(photos, training=False).numpy()
            channels = seen.shape[-1]
            layer.set_weights([rng.uniform(0.8, 1.2, channels), rng.normal(0.3, 0.3, channels),
                               seen.mean(axis=(0, 1, 2)), seen.var(axis=(0, 1, 2)) + 1e-3])
    features = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(name="global_average_pooling2d_1")],
                                name="sequential_1")
    head = keras.Sequential([keras.layers.Dense(100, activation="relu", input_shape=(1280,), name="dense_Dense1"),
                             keras.layers.Dense(len(class_names), activation="softmax", name="dense_Dense2")],
                            name="sequential_3")
    return keras.Sequential([features, head], name="sequential_4")
