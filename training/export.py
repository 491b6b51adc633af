"""Export a Keras character model to an ONNX file that follows the model contract.

The file gets named outputs (``logits``/``probabilities`` plus optional ``features_<layer>``),
contract metadata, and is only kept when onnxruntime reproduces Keras within a tolerance.
``python -m training export --run DIR --out FILE.onnx`` exports a training run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from desktop import __version__
from desktop.core.cam_graph import add_cam_outputs, class_head_input
from desktop.core.contract import (
    CAM_FEATURES,
    CAM_OUTPUTS,
    CAM_WEIGHTS,
    CHAR_INPUT_HEIGHT,
    CHAR_INPUT_WIDTH,
    EMBEDDING,
    FEATURE_PREFIX,
    INPUT_NAME,
    INPUT_OF_KIND,
    LOGITS,
    META_CLASS_NAMES,
    META_CREATED_BY,
    META_INPUT_KIND,
    META_METRICS,
    META_OUTPUT,
    META_TASK,
    META_TITLE,
    META_TRAINED_ON,
    IMAGE_KIND,
    PROBABILITIES,
    TASKS,
    report_path,
)
from desktop.core.atomic import atomic_path
from desktop.core.onnx_model import ModelContractError, OnnxModel
from training.errors import ExportError

CHECK_SAMPLES = 100
#: The CAM outputs are checked against TensorFlow's gradients on this many images and classes.
CAM_CHECK_IMAGES = 4
CAM_CHECK_CLASSES = 6
#: Opset 17 runs on every onnxruntime the app supports (1.14 and later).
OPSET = 17
_BATCH_DIM = "N"


def random_check_images(count: int = CHECK_SAMPLES, seed: int = 0, channels: int = 1) -> np.ndarray:
    """Grey noise 0..255 in the contract's input shape, for a parity check without data."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (count, CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, channels)).astype(np.float32)


def input_kind_of(model) -> str:
    """``image`` or ``strokes``: what a Keras character model reads, from its input's name and channels."""
    tensor = model.inputs[0]
    name, channels = tensor.name, tensor.shape[-1]
    for kind, wanted in INPUT_OF_KIND.items():
        if (name, channels) == wanted:
            return kind
    raise ExportError(f"model {model.name!r} reads {name!r} with {channels} channels; the contract's inputs are "
                      + ", ".join(f"{n!r} with {c}" for n, c in INPUT_OF_KIND.values()))


def _input_name(session) -> str:
    return session.get_inputs()[0].name


def export_graph(model, output_kind: str, feature_layers: Sequence[str]):
    """A model with the contract's output names (dict keys become ONNX output names)."""
    import keras

    if len(model.inputs) != 1:
        raise ExportError(
            f"model {model.name!r} has {len(model.inputs)} inputs; the contract allows one ({INPUT_NAME!r})"
        )
    if len(model.outputs) != 1:
        raise ExportError(f"model {model.name!r} has {len(model.outputs)} outputs; expected one class output")
    outputs = {output_kind: model.outputs[0]}
    layer_names = [layer.name for layer in model.layers]
    for name in feature_layers:
        if name not in layer_names:
            raise ExportError(
                f"model {model.name!r} has no layer {name!r} for feature maps (layers: {', '.join(layer_names)})"
            )
        outputs[FEATURE_PREFIX + name] = model.get_layer(name).output
    return keras.Model(model.inputs[0], outputs, name=f"{model.name}_export")


def model_metadata(*, class_names, task, output_kind, title, trained_on, metrics,
                   input_kind: str = IMAGE_KIND) -> dict[str, str]:
    extra = {} if input_kind == IMAGE_KIND else {META_INPUT_KIND: input_kind}  # absent means image
    return {
        **extra,
        META_CLASS_NAMES: json.dumps(list(class_names), ensure_ascii=False),
        META_TASK: task,
        META_OUTPUT: output_kind,
        META_TITLE: title,
        META_TRAINED_ON: trained_on,
        META_METRICS: json.dumps(metrics, ensure_ascii=False, default=float),
        META_CREATED_BY: f"cnn-classroom {__version__}",
    }


def _name_batch_dimension(onnx_model) -> None:
    """Call the dynamic batch dimension of every input and output ``N`` instead of ``unk__12``."""
    for value in [*onnx_model.graph.input, *onnx_model.graph.output]:
        dims = value.type.tensor_type.shape.dim
        if dims and not dims[0].HasField("dim_value"):
            dims[0].dim_param = _BATCH_DIM


def scaled_difference(actual: np.ndarray, expected: np.ndarray) -> float:
    """The largest ``|actual - expected|``, divided by the largest ``|expected|`` when that exceeds 1.

    float32 rounds in proportion to a value's size: a model whose logits reach 40 differs from its
    own conversion by about 1e-4 in the last places, where one whose logits stay near 1 differs by
    1e-6. Scaled, one tolerance fits both and still refuses a wrong conversion (NaN included)."""
    expected = np.asarray(expected, dtype=np.float64)
    if expected.size == 0:
        return 0.0
    scale = max(1.0, float(np.max(np.abs(expected))))
    return float(np.max(np.abs(np.asarray(actual, dtype=np.float64) - expected))) / scale


def _largest_difference(keras_outputs: dict[str, np.ndarray], onnx_file: Path, images: np.ndarray) -> tuple[float, str]:
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    # The CAM outputs and the embedding are checked on their own (check_cam_outputs, check_embedding_output).
    names = [o.name for o in session.get_outputs() if o.name not in (*CAM_OUTPUTS, EMBEDDING)]
    if sorted(names) != sorted(keras_outputs):
        raise ExportError(f"the ONNX outputs {names} differ from the expected {sorted(keras_outputs)}")
    onnx_outputs = dict(zip(names, session.run(names, {_input_name(session): images})))
    diffs = {n: scaled_difference(onnx_outputs[n], keras_outputs[n]) for n in names}
    worst = max(diffs, key=diffs.get)
    return diffs[worst], worst


def _cam_layer(model, shape: tuple[int, ...]):
    """The last layer of ``model`` whose output is ``[N, h, w, C]`` = ``shape`` (the CAM activations)."""
    def output_shape(layer) -> tuple:
        try:
            return tuple(layer.output.shape)
        except (AttributeError, ValueError):  # a layer called more than once has no single output
            return ()

    matches = [layer for layer in model.layers if output_shape(layer)[1:] == shape and len(output_shape(layer)) == 4]
    if not matches:
        raise ExportError(f"model {model.name!r} has no layer with output [N, {', '.join(map(str, shape))}] "
                          f"to check {CAM_FEATURES} against")
    return matches[-1]


def check_cam_outputs(model, onnx_file: Path, images: np.ndarray, *, final: Path, tolerance: float) -> float:
    """Compare the file's CAM outputs with Keras and TensorFlow's own gradients; return the worst difference.

    ``cam_features`` must match the last Keras layer of that shape and ``cam_weights[k]`` the
    gradient of logit ``k`` with respect to it, averaged over the positions, for a few classes.
    """
    import onnxruntime as ort
    import tensorflow as tf
    import keras

    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    features, weights = session.run([CAM_FEATURES, CAM_WEIGHTS], {_input_name(session): images})
    layer = _cam_layer(model, tuple(features.shape[1:]))
    probe = keras.Model(model.inputs[0], [layer.output, model.outputs[0]])
    count = int(model.outputs[0].shape[-1])
    classes = sorted({int(k) for k in np.linspace(0, count - 1, min(count, CAM_CHECK_CLASSES)).round()})
    with tf.GradientTape(persistent=True) as tape:
        activations, logits = probe(tf.constant(images), training=False)
        targets = [tf.reduce_sum(logits[:, k]) for k in classes]
    differences = {CAM_FEATURES: scaled_difference(features, activations.numpy())}
    per_image = np.broadcast_to(weights, (len(images), *weights.shape[-2:]))
    worst = 0.0
    for k, target in zip(classes, targets):
        gradient = tape.gradient(target, activations).numpy().mean(axis=(1, 2))
        worst = max(worst, scaled_difference(per_image[:, k], gradient))
    del tape
    differences[CAM_WEIGHTS] = worst
    name = max(differences, key=differences.get)
    if not differences[name] <= tolerance:
        raise ExportError(f"{final}: not written, {name} differs from Keras/TensorFlow by {differences[name]:.3g} "
                          f"(tolerance {tolerance:g}, {len(images)} check images)")
    return differences[name]


def _class_head(model):
    """The Keras layer that makes the class scores: the final dense layer (under a softmax layer, if any)."""
    import keras

    layer = model.outputs[0]._keras_history.operation
    if isinstance(layer, (keras.layers.Activation, keras.layers.Softmax)):
        layer = layer.input._keras_history.operation
    if not isinstance(layer, keras.layers.Dense):
        raise ExportError(f"model {model.name!r} ends in {type(layer).__name__} {layer.name!r}, not a dense layer "
                          f"whose input could be checked against {EMBEDDING}")
    return layer


def check_embedding_output(model, onnx_file: Path, images: np.ndarray, *, final: Path, tolerance: float) -> float:
    """Compare the file's ``embedding`` with the input of the model's final dense layer; return the difference."""
    import keras
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    (embedding,) = session.run([EMBEDDING], {_input_name(session): images})
    probe = keras.Model(model.inputs[0], _class_head(model).input)
    expected = np.asarray(probe.predict(images, batch_size=len(images), verbose=0))
    if embedding.shape != expected.shape:
        raise ExportError(f"{final}: not written, {EMBEDDING} has shape {list(embedding.shape)} but the final dense "
                          f"layer reads {list(expected.shape)}")
    difference = scaled_difference(embedding, expected)
    if not difference <= tolerance:
        raise ExportError(f"{final}: not written, {EMBEDDING} differs from Keras by {difference:.3g} "
                          f"(tolerance {tolerance:g}, {len(images)} check images)")
    return difference


@contextmanager
def staged_onnx(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write and check an export in.

    When the block ends cleanly the file must open as a contract model (the app must be able to
    load what we ship); then it gets normal permissions and replaces ``path``. Otherwise nothing
    is left behind.
    """
    with atomic_path(path) as tmp:
        yield tmp
        try:
            OnnxModel(tmp)
        except ModelContractError as exc:
            raise ExportError(f"{path}: not written, the file breaks the model contract: {exc.reason}") from exc


def export_onnx(
    model,
    path: str | Path,
    *,
    class_names: Sequence[str],
    task: str = "characters",
    title: str,
    trained_on: str,
    metrics: dict[str, Any],
    output_kind: str,
    feature_layers: Sequence[str] = (),
    check_images: np.ndarray | None = None,
    tolerance: float = 1e-4,
    report: dict[str, Any] | None = None,
    cam: bool = True,
) -> Path:
    """Write ``model`` to ``path`` as a contract ONNX file; return the path.

    onnxruntime runs ``check_images`` (random grey images when None) and the export is refused
    with :class:`ExportError` -- leaving no file behind -- when any output differs from Keras by
    more than ``tolerance`` (a share of the output's largest magnitude when that exceeds 1:
    :func:`scaled_difference`). With ``report`` the sidecar ``<model>.report.json`` is written too,
    its ``size_bytes`` set to the ONNX file's size. With ``cam`` a logits model whose head allows
    it gets the contract's CAM outputs (see :mod:`desktop.core.cam_graph`), checked against
    TensorFlow's gradients.
    """
    path = Path(path)
    images = _checked_request(model, class_names, task, output_kind, check_images)
    graph = export_graph(model, output_kind, feature_layers)
    keras_outputs = graph.predict(images, batch_size=len(images), verbose=0)  # also "calls" the model once
    metadata = model_metadata(class_names=class_names, task=task, output_kind=output_kind, title=title,
                              trained_on=trained_on, metrics=metrics, input_kind=input_kind_of(model))
    with staged_onnx(path) as tmp:
        cam_kind = write_onnx(
            graph, tmp, metadata, final=path,
            cam=cam and output_kind == LOGITS,  # CAM explains a logit; a softmax layer hides it from the check
            embedding=True,
        )
        _check_parity(keras_outputs, tmp, images, final=path, tolerance=tolerance)
        if cam_kind:
            check_cam_outputs(model, tmp, images[:CAM_CHECK_IMAGES], final=path, tolerance=tolerance)
        if _has_output(tmp, EMBEDDING):
            check_embedding_output(model, tmp, images, final=path, tolerance=tolerance)

    if report is not None:
        from training.report import write_json_atomic

        write_json_atomic(report_path(path), {**report, "size_bytes": path.stat().st_size})
    return path


def _checked_request(model, class_names: Sequence[str], task: str, output_kind: str,
                     check_images: np.ndarray | None) -> np.ndarray:
    """Refuse what cannot become a contract file; return the parity check images (float32 NHWC)."""
    if output_kind not in (LOGITS, PROBABILITIES):
        raise ExportError(f"output kind must be {LOGITS!r} or {PROBABILITIES!r}, not {output_kind!r}")
    if task not in TASKS:
        raise ExportError(f"task must be one of {', '.join(TASKS)}, not {task!r}")
    width = model.outputs[0].shape[-1]
    if width != len(class_names):
        raise ExportError(f"model {model.name!r} outputs {width} classes but {len(class_names)} class names were given")
    images = (
        random_check_images(channels=int(model.inputs[0].shape[-1])) if check_images is None
        else np.asarray(check_images, dtype=np.float32)[:CHECK_SAMPLES]
    )
    expected_shape = tuple(model.inputs[0].shape[1:])
    if images.ndim != 4 or len(images) == 0 or tuple(images.shape[1:]) != expected_shape:
        wanted = ", ".join(map(str, expected_shape))
        raise ExportError(f"check images of shape {list(images.shape)} do not fit the model input [N, {wanted}]")
    return images


def _check_parity(keras_outputs: dict[str, np.ndarray], onnx_file: Path, images: np.ndarray, *, final: Path,
                  tolerance: float) -> None:
    """Refuse a file whose onnxruntime outputs differ from Keras by more than ``tolerance``."""
    difference, worst = _largest_difference(keras_outputs, onnx_file, images)
    if not difference <= tolerance:  # also refuses NaN
        raise ExportError(
            f"{final}: not written, onnxruntime differs from Keras by {difference:.3g} on output {worst!r} "
            f"(tolerance {tolerance:g}, {len(images)} check images)"
        )


def _has_output(onnx_file: Path, name: str) -> bool:
    import onnx

    return any(o.name == name for o in onnx.load(str(onnx_file), load_external_data=False).graph.output)


def write_onnx(graph, target: Path, metadata: dict[str, str], *, final: Path, cam: bool = False,
               embedding: bool = False) -> str | None:
    """Convert ``graph`` into ``target`` (a temporary name) with metadata; messages name ``final``.

    With ``cam`` the CAM outputs are added when the head allows them; returns their kind
    (``cam`` / ``grad-cam``) or None. With ``embedding`` the final dense layer's input becomes
    the ``embedding`` output when the head is one (see :func:`add_embedding_output`).
    """
    import onnx

    with tempfile.TemporaryDirectory(prefix="onnx-export-") as work:
        raw = Path(work) / "raw.onnx"
        try:
            with warnings.catch_warnings():
                # tf2onnx probes the removed ``np.object``; that says nothing about our model.
                warnings.filterwarnings("ignore", message=".*np.object.*", category=FutureWarning)
                graph.export(str(raw), format="onnx", verbose=False, opset_version=OPSET)
        except Exception as exc:  # tf2onnx raises many kinds; the user needs the reason, not the type
            raise ExportError(f"{final}: ONNX conversion failed ({exc})") from exc
        onnx_model = onnx.load(str(raw))
    _name_batch_dimension(onnx_model)
    cam_kind = add_cam_outputs(onnx_model) if cam else None
    if embedding:
        add_embedding_output(onnx_model)
    onnx.helper.set_model_props(onnx_model, metadata)
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, str(target))
    return cam_kind


def add_embedding_output(model_proto) -> bool:
    """Expose the input of the classifier's final dense layer as the ``embedding`` output ``[N, D]``, in place.

    Walks back from the class output (``logits``/``probabilities``, through a softmax) to the
    MatMul of the final dense layer and adds an Identity of its data input: only a node is added,
    so every other output is computed exactly as before. Returns False (model unchanged) when the
    output is there already or the head is not a dense layer on one vector per image.
    """
    from onnx import TensorProto, helper

    graph = model_proto.graph
    if any(o.name == EMBEDDING for o in graph.output):
        return False
    found = class_head_input(model_proto)
    if found is None:
        return False
    tensor, width = found
    graph.node.append(helper.make_node("Identity", [tensor], [EMBEDDING], name=f"{EMBEDDING}_output"))
    graph.output.append(helper.make_tensor_value_info(EMBEDDING, TensorProto.FLOAT, [_BATCH_DIM, width]))
    return True


def add_cam_to_file(path: str | Path, check_images: np.ndarray) -> str | None:
    """Give an exported model the CAM outputs in place, without re-exporting it.

    The graph only gains nodes; the file is replaced (atomically, the sidecar's ``size_bytes``
    updated) only when every existing output stays bit-for-bit the same on ``check_images``.
    Returns the kind added, or None when the head does not allow it (or the outputs are there).
    """
    return _add_outputs_to_file(path, add_cam_outputs, "the CAM outputs", check_images) or None


def add_embedding_to_file(path: str | Path, check_images: np.ndarray | None = None) -> bool:
    """Give an exported model the ``embedding`` output in place, without re-exporting it.

    As :func:`add_cam_to_file`: replaced only when every existing output stays bit-for-bit the
    same on ``check_images`` (random grey images when None). Returns whether it was added.
    """
    images = random_check_images() if check_images is None else check_images
    return bool(_add_outputs_to_file(path, add_embedding_output, f"the {EMBEDDING} output", images))


def _add_outputs_to_file(path: str | Path, add, what: str, check_images: np.ndarray):
    """Apply ``add`` (which edits an ONNX graph in place) to the file at ``path``; return what it returned."""
    import onnx
    import onnxruntime as ort

    path = Path(path)
    proto = onnx.load(str(path))
    kind = add(proto)
    if not kind:
        return kind
    onnx.checker.check_model(proto)
    images = np.asarray(check_images, dtype=np.float32)
    before = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in before.get_outputs()]
    expected = before.run(names, {_input_name(before): images})
    with staged_onnx(path) as tmp:
        onnx.save(proto, str(tmp))
        after = ort.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
        actual = after.run(names, {_input_name(after): images})
        changed = [n for n, a, b in zip(names, expected, actual) if not np.array_equal(a, b)]
        if changed:
            raise ExportError(f"{path}: not changed, adding {what} altered {', '.join(changed)}")
    sidecar = report_path(path)
    if sidecar.is_file():
        from training.report import read_json, write_json_atomic

        write_json_atomic(sidecar, {**read_json(sidecar), "size_bytes": path.stat().st_size})
    return kind


# -- command line -------------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Export a training run's model.keras to an ONNX file with contract metadata and a sidecar report."
    )
    parser.add_argument(
        "--run", type=Path, required=True, help="training run folder (model.keras, run.json, history.json)"
    )
    parser.add_argument("--out", type=Path, required=True, help="ONNX file to write, e.g. assets/models/cnn.onnx")
    parser.add_argument("--title", help="name shown in the app (default: model name and class count)")
    parser.add_argument(
        "--features", default="", help="comma-separated layers to expose as features_<layer>, e.g. conv1,conv2"
    )
    parser.add_argument(
        "--data", type=Path, help="data root; its Test split supplies the parity-check images (default: random images)"
    )
    parser.add_argument("--task", default="characters", choices=TASKS, help="model task written to the metadata")
    parser.add_argument(
        "--tolerance", type=float, default=1e-4, help="largest allowed |onnxruntime - Keras| difference"
    )


def _check_images_from(data_root: Path, class_names: list[str]) -> np.ndarray:
    from training import casia

    test = casia.load_split(data_root, "Test", class_names, strict=False)
    pick = np.random.default_rng(0).permutation(len(test))[:CHECK_SAMPLES]
    return test.float_images()[pick]


def export_run(
    run_dir: str | Path,
    out: str | Path,
    *,
    title: str | None = None,
    features: Sequence[str] = (),
    data_root: str | Path | None = None,
    task: str = "characters",
    tolerance: float = 1e-4,
) -> Path:
    """Export a training run folder's ``model.keras`` with its report; return the ONNX path."""
    from training.report import build_report, read_json
    from training.runs import load_run

    run = load_run(run_dir)
    run_dir, model, class_names, output_kind, name = run.folder, run.model, run.class_names, run.output_kind, run.name
    title = title or run.title
    run_info, history_file = run.info, run.history

    if (run_dir / "report.json").is_file():
        report = read_json(run_dir / "report.json")
    else:  # not evaluated yet: layers and history only
        report = build_report(
            model, name=name, title=title, output_kind=output_kind, class_names=class_names,
            trained_on=run_info.get("trained_on", ""), history_file=history_file,
        )
    report = {**report, "model": {**report.get("model", {}), "name": name, "title": title, "output": output_kind}}
    metrics = report.get("metrics") or _best_epoch_metrics(history_file)

    check = _check_images_from(Path(data_root), class_names) if data_root else None
    out = export_onnx(
        model, out, class_names=class_names, task=task, title=title,
        trained_on=run_info.get("trained_on", ""), metrics=metrics, output_kind=output_kind,
        feature_layers=list(features), check_images=check, tolerance=tolerance,
    )
    publish_report(report, run_dir, out)
    return out


def publish_report(report: dict[str, Any], run_dir: str | Path, onnx_path: str | Path) -> Path:
    """Write ``report`` as the sidecar of ``onnx_path``, with its feature pictures beside it.

    The run's feature visualisation folder (paths relative to ``run_dir``) is copied to
    ``<model>.features/`` next to the ONNX file and the paths are rewritten relative to the
    sidecar; ``size_bytes`` becomes the ONNX file's size. Returns the sidecar's path.
    """
    from training.report import write_json_atomic

    onnx_path = Path(onnx_path)
    report = {**report, "size_bytes": onnx_path.stat().st_size}
    section = report.get("feature_visualisations")
    if section:
        report["feature_visualisations"] = _copy_features(section, Path(run_dir), onnx_path)
    return write_json_atomic(report_path(onnx_path), report)


def _copy_features(section: dict[str, Any], run_dir: Path, onnx_path: Path) -> dict[str, Any]:
    source = run_dir / section["folder"]
    if not source.is_dir():
        raise ExportError(f"{source}: feature visualisation folder named in {run_dir / 'report.json'} is missing")
    folder = f"{onnx_path.stem}.features"
    target = onnx_path.parent / folder
    staging = onnx_path.parent / f".{folder}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    shutil.rmtree(target, ignore_errors=True)  # pictures of an older model must not linger
    staging.rename(target)

    def moved(path: str) -> str:
        return f"{folder}/{(run_dir / path).relative_to(source).as_posix()}"

    return {
        **section,
        "folder": folder,
        "layers": {layer: [moved(p) for p in paths] for layer, paths in section.get("layers", {}).items()},
        "classes": {name: moved(p) for name, p in section.get("classes", {}).items()},
        "grids": {name: moved(p) for name, p in section.get("grids", {}).items()},
    }


def run(args: argparse.Namespace) -> int:
    from training.report import read_json

    features = [f.strip() for f in args.features.split(",") if f.strip()]
    out = export_run(args.run, args.out, title=args.title, features=features, data_root=args.data,
                     task=args.task, tolerance=args.tolerance)
    metrics = read_json(report_path(out)).get("metrics", {})
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) and {report_path(out)}")
    for split, m in metrics.items():
        print(f"  {split:<11} accuracy {m.get('accuracy', float('nan')):.1%}  top-5 {m.get('top5', float('nan')):.1%}")
    return 0


def _best_epoch_metrics(history_file: dict[str, Any] | None) -> dict[str, Any]:
    """Train/validation metrics at the restored epoch, when the run has not been evaluated."""
    if not history_file or not history_file.get("best_epoch"):
        return {}
    history, i = history_file["history"], history_file["best_epoch"] - 1

    def at_best(prefix: str) -> dict[str, float]:
        names = [k for k in ("loss", "accuracy", "top5") if i < len(history.get(prefix + k, []))]
        return {k: history[prefix + k][i] for k in names}

    return {split: m for split, m in (("train", at_best("")), ("validation", at_best("val_"))) if m}
