"""One thin engine around an onnxruntime session that knows the model contract.

The app's model registry opens every model through :class:`OnnxModel`: it reads the metadata,
checks the file against the contract (so a bad file fails here, with a message naming it, and not
in the middle of a drawing) and turns raw outputs into probabilities and feature maps.
Qt-free and TensorFlow-free: numpy + onnxruntime only.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.contract import (
    CAM_FEATURES,
    CAM_OUTPUTS,
    CAM_WEIGHTS,
    CHAR_INPUT_HEIGHT,
    CHAR_INPUT_WIDTH,
    EMBEDDING,
    FEATURE_PREFIX,
    IMAGE_KIND,
    INPUT_KINDS,
    INPUT_OF_KIND,
    LOGITS,
    META_CLASS_NAMES,
    META_INPUT_KIND,
    META_LIKELIHOOD_TEMPERATURE,
    META_METRICS,
    META_OUTPUT,
    META_TASK,
    META_TEMPERATURE,
    META_TITLE,
    META_TRAINED_ON,
    OUTPUT_KINDS,
    PROBABILITIES,
    REQUIRED_META,
    TASKS,
)

#: Largest input image a model may take (4096 x 4096): a blank one is run to warm the model up.
MAX_INPUT_PIXELS = 4096 * 4096
#: Channels the input must have for tasks that fix them (grey characters, RGB photos).
_TASK_CHANNELS = {"characters": 1, "imagenet": 3}
#: The input every character model takes: the Write panel's drawings are framed to this.
CHARACTER_INPUT_SHAPE = (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1)
#: Each input kind's ``(input name, (height, width, channels))`` for a character model.
CHARACTER_INPUTS = {kind: (name, (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, channels))
                    for kind, (name, channels) in INPUT_OF_KIND.items()}


class ModelContractError(ValueError):
    """An ONNX file that cannot be opened or does not follow the model contract."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def softmax(logits: np.ndarray, axis: int = -1, dtype=np.float32) -> np.ndarray:
    """Numerically stable softmax, computed in ``dtype`` (float32 for display; float64 where calibration needs it)."""
    z = np.asarray(logits, dtype=dtype)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def top_k(probs: np.ndarray, k: int = 5) -> list[tuple[int, float]] | list[list[tuple[int, float]]]:
    """The ``k`` most likely classes as ``(index, probability)``, best first.

    A 1-D ``probs`` gives one list; a 2-D batch gives one list per row.
    """
    p = np.asarray(probs)
    if p.ndim == 1:
        k = min(k, p.shape[0])
        order = np.argsort(-p, kind="stable")[:k]
        return [(int(i), float(p[i])) for i in order]
    return [top_k(row, k) for row in p]


class OnnxModel:
    """A contract-checked ONNX model on the CPU.

    Raises :class:`ModelContractError` when the file is missing, unreadable, lacks metadata,
    or its metadata disagrees with its graph.
    """

    def __init__(self, path: str | Path, *, threads: int | None = None):
        import onnxruntime as ort

        self._path = Path(path)
        if not self._path.is_file():
            raise ModelContractError(self._path, "file not found")
        options = ort.SessionOptions()
        if threads is not None:  # None: onnxruntime's default, one thread per physical core
            options.intra_op_num_threads = threads
        try:
            self._session = ort.InferenceSession(str(self._path), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises several private exception types
            raise ModelContractError(self._path, f"not a readable ONNX model ({exc})") from exc
        self._metadata = dict(self._session.get_modelmeta().custom_metadata_map)
        self._check_metadata()
        self._check_graph()

    # -- contract checks -------------------------------------------------------------------
    def _fail(self, reason: str) -> ModelContractError:
        return ModelContractError(self._path, reason)

    def _check_metadata(self) -> None:
        meta = self._metadata
        missing = [k for k in REQUIRED_META if k not in meta]
        if missing:
            raise self._fail(f"metadata is missing {', '.join(missing)} (was it exported by the training package?)")
        try:
            names = json.loads(meta[META_CLASS_NAMES])
        except json.JSONDecodeError as exc:
            raise self._fail(f"metadata class_names is not valid JSON ({exc})") from exc
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise self._fail("metadata class_names must be a JSON list of strings")
        try:
            metrics = json.loads(meta[META_METRICS])
        except json.JSONDecodeError as exc:
            raise self._fail(f"metadata metrics is not valid JSON ({exc})") from exc
        if not isinstance(metrics, dict):
            raise self._fail("metadata metrics must be a JSON object")
        if meta[META_TASK] not in TASKS:
            raise self._fail(f"metadata task {meta[META_TASK]!r} is not one of {', '.join(TASKS)}")
        if meta[META_OUTPUT] not in OUTPUT_KINDS:
            raise self._fail(f"metadata output {meta[META_OUTPUT]!r} is not one of {', '.join(OUTPUT_KINDS)}")
        self._class_names: list[str] = names
        self._metrics: dict[str, Any] = metrics
        self._temperature = self._read_temperature() or 1.0
        self._likelihood_temperature = self._read_temperature(META_LIKELIHOOD_TEMPERATURE) or self._temperature
        kind = meta.get(META_INPUT_KIND, IMAGE_KIND)
        if kind not in INPUT_KINDS:
            raise self._fail(f"metadata input_kind {kind!r} is not one of {', '.join(INPUT_KINDS)}")
        if kind != IMAGE_KIND and meta[META_TASK] != "characters":
            raise self._fail(f"metadata input_kind {kind!r} is for character models, not {meta[META_TASK]} models")
        self._input_kind = kind

    def _read_temperature(self, key: str = META_TEMPERATURE) -> float | None:
        """A temperature from the metadata (None when absent): a finite decimal above zero, on a
        class-score model."""
        text = self._metadata.get(key)
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            raise self._fail(f"metadata {key} {text!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise self._fail(f"metadata {key} {text!r} must be a finite number above zero")
        if self._metadata[META_OUTPUT] not in (LOGITS, PROBABILITIES):
            raise self._fail(f"metadata {key} is set on a {self._metadata[META_OUTPUT]} model, "
                             "which has no class scores to scale")
        return value

    def _check_graph(self) -> None:
        inputs = self._session.get_inputs()
        if len(inputs) != 1:
            raise self._fail(f"expected one input, found {len(inputs)}")
        shape = inputs[0].shape
        if len(shape) != 4:
            raise self._fail(f"input {inputs[0].name!r} must be NHWC with rank 4, found shape {shape}")
        h, w, c = shape[1:]
        if not all(isinstance(d, int) and d > 0 for d in (h, w, c)):
            raise self._fail(f"input {inputs[0].name!r} needs fixed height, width and channels, found {shape}")
        if h * w > MAX_INPUT_PIXELS:  # the dry run on blank paper would allocate it
            raise self._fail(f"input {inputs[0].name!r} takes {h}x{w} images; at most {MAX_INPUT_PIXELS} pixels "
                             "are supported")
        wanted_c = INPUT_OF_KIND[self._input_kind][1] if self.task == "characters" else _TASK_CHANNELS.get(self.task)
        if (c not in (1, 3) and c != wanted_c) or (wanted_c is not None and c != wanted_c):
            expected = wanted_c if wanted_c is not None else "1 or 3"
            raise self._fail(f"input {inputs[0].name!r} has {c} channels; a {self.task} model needs {expected} (NHWC)")
        if inputs[0].type != "tensor(float)":
            raise self._fail(f"input {inputs[0].name!r} must be float32, found {inputs[0].type}")
        self._input_name = inputs[0].name
        self._input_shape = (h, w, c)

        outputs = self._session.get_outputs()
        self._feature_outputs = {
            o.name[len(FEATURE_PREFIX) :]: o.name for o in outputs if o.name.startswith(FEATURE_PREFIX)
        }
        main = [o for o in outputs
                if not o.name.startswith(FEATURE_PREFIX) and o.name not in (*CAM_OUTPUTS, EMBEDDING)]
        self._check_cam_outputs({o.name: o for o in outputs})
        self._check_embedding_output({o.name: o for o in outputs})
        kind = self.output_kind
        if kind == "features":
            self._main_output = main[0].name if main else None
            return
        named = [o for o in main if o.name == kind]
        if not named and len(main) != 1:
            raise self._fail(f"no output named {kind!r} (outputs: {', '.join(o.name for o in outputs)})")
        out = named[0] if named else main[0]
        width = out.shape[-1] if out.shape else None
        if len(out.shape or ()) != 2 or not isinstance(width, int):
            raise self._fail(f"output {out.name!r} must be [N, classes], found shape {out.shape}")
        if width != len(self._class_names):
            raise self._fail(
                f"output {out.name!r} has {width} classes but metadata class_names lists {len(self._class_names)}"
            )
        self._main_output = out.name

    def _check_cam_outputs(self, outputs: dict) -> None:
        """The optional CAM pair: both or neither, with shapes that fit together and the classes."""
        present = [name for name in CAM_OUTPUTS if name in outputs]
        self._cam_weights: np.ndarray | None = None  # filled on first use when the same for every image
        if not present:
            self._has_cam = False
            return
        if len(present) == 1:
            raise self._fail(f"output {present[0]!r} needs its partner "
                             f"{next(n for n in CAM_OUTPUTS if n not in present)!r} (the CAM outputs come as a pair)")
        features, weights = outputs[CAM_FEATURES].shape or [], outputs[CAM_WEIGHTS].shape or []
        if len(features) != 4 or len(weights) not in (2, 3):
            raise self._fail(f"CAM outputs must be {CAM_FEATURES} [N, h, w, C] and {CAM_WEIGHTS} [classes, C] or "
                             f"[N, classes, C], found {features} and {weights}")
        channels, weight_channels = features[-1], weights[-1]
        if isinstance(channels, int) and isinstance(weight_channels, int) and channels != weight_channels:
            raise self._fail(f"{CAM_FEATURES} has {channels} channels but {CAM_WEIGHTS} weighs {weight_channels}")
        classes = weights[-2]
        if isinstance(classes, int) and classes != len(self._class_names):
            raise self._fail(f"{CAM_WEIGHTS} has {classes} classes but metadata class_names lists "
                             f"{len(self._class_names)}")
        self._has_cam = True

    def _check_embedding_output(self, outputs: dict) -> None:
        """The optional ``embedding``: one vector per image, ``[N, D]``."""
        self._has_embedding = EMBEDDING in outputs
        if not self._has_embedding:
            return
        shape = outputs[EMBEDDING].shape or []
        if len(shape) != 2:
            raise self._fail(f"output {EMBEDDING!r} must be [N, D] (one feature vector per image), "
                             f"found shape {shape}")
        if outputs[EMBEDDING].type != "tensor(float)":
            raise self._fail(f"output {EMBEDDING!r} must be float32, found {outputs[EMBEDDING].type}")

    # -- properties --------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self._path

    @property
    def threads(self) -> int:
        """onnxruntime's threads for one inference as asked (0: its default, one per physical core)."""
        return self._session.get_session_options().intra_op_num_threads

    @property
    def title(self) -> str:
        return self._metadata[META_TITLE]

    @property
    def task(self) -> str:
        return self._metadata[META_TASK]

    @property
    def output_kind(self) -> str:
        return self._metadata[META_OUTPUT]

    @property
    def trained_on(self) -> str:
        return self._metadata[META_TRAINED_ON]

    @property
    def class_names(self) -> list[str]:
        return list(self._class_names)

    @property
    def input_kind(self) -> str:
        """What the model reads: ``image`` (a picture of the character) or ``strokes`` (ink + 8 pen
        directions, from the way the character was written; see :mod:`desktop.core.direction_map`)."""
        return self._input_kind

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """``(height, width, channels)`` of one input image."""
        return self._input_shape

    @property
    def feature_names(self) -> list[str]:
        """Layer names of the extra ``features_<layer>`` outputs, e.g. ``["conv1", "conv2"]``."""
        return list(self._feature_outputs)

    @property
    def has_cam(self) -> bool:
        """True when the model carries the optional ``cam_features`` / ``cam_weights`` outputs."""
        return self._has_cam

    @property
    def has_embedding(self) -> bool:
        """True when the model carries the optional ``embedding`` output (the features its class head reads)."""
        return self._has_embedding

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self._metadata)

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self._metrics)

    @property
    def temperature(self) -> float:
        """The calibration temperature T from the metadata (1.0 when the model has none)."""
        return self._temperature

    @property
    def likelihood_temperature(self) -> float:
        """The T that fits the model for likelihood alone (:attr:`temperature` when the metadata has none):
        log-probabilities at this T are on one scale for every model, the personal layer's."""
        return self._likelihood_temperature

    # -- inference ---------------------------------------------------------------------------
    def _as_batch(self, batch: np.ndarray) -> np.ndarray:
        x = np.asarray(batch, dtype=np.float32)
        if x.ndim == 3:  # a single image
            x = x[None]
        if x.ndim != 4 or tuple(x.shape[1:]) != self._input_shape:
            wanted = ", ".join(map(str, self._input_shape))
            raise ValueError(f"{self._path.name} expects images of shape [N, {wanted}], got {list(x.shape)}")
        return x

    def _scores(self, raw: np.ndarray) -> np.ndarray:
        """Uncalibrated class scores (float64): the logits, or a probability model's log-probabilities.

        ``log p`` equals the logits behind ``p`` up to a constant per image, which softmax ignores.
        """
        raw = np.asarray(raw, dtype=np.float64)
        return raw if self.output_kind == LOGITS else np.log(np.clip(raw, 1e-45, None))

    def _to_probabilities(self, raw: np.ndarray) -> np.ndarray:
        """softmax(logits / T); a probability model's p^(1/T) renormalised (the same thing, see _scores)."""
        if self.output_kind == LOGITS:
            return softmax(np.asarray(raw, dtype=np.float32) / np.float32(self._temperature))
        if self._temperature == 1.0:
            return np.asarray(raw, dtype=np.float32)
        return softmax(self._scores(raw) / self._temperature).astype(np.float32)

    def _run_class_output(self, batch: np.ndarray) -> np.ndarray:
        if self.output_kind not in (LOGITS, PROBABILITIES):
            raise ValueError(f"{self._path.name} outputs {self.output_kind}, not class scores")
        (raw,) = self._session.run([self._main_output], {self._input_name: self._as_batch(batch)})
        return raw

    def predict_proba(self, batch: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities ``[N, classes]`` for float32 NHWC images (softmax of logits / T)."""
        return self._to_probabilities(self._run_class_output(batch))

    def predict_scores(self, batch: np.ndarray) -> np.ndarray:
        """Uncalibrated class scores ``[N, classes]`` (float64), before the temperature: what calibration fits T on.

        The logits of a ``logits`` model; the log-probabilities of a ``probabilities`` model.
        """
        return self._scores(self._run_class_output(batch))

    def predict_features(self, batch: np.ndarray) -> np.ndarray:
        """Embeddings ``[N, D]`` (float32) of a ``features`` model, e.g. a feature extractor for transfer learning."""
        if self.output_kind != "features" or self._main_output is None:
            raise ValueError(f"{self._path.name} outputs {self.output_kind}, not features")
        (raw,) = self._session.run([self._main_output], {self._input_name: self._as_batch(batch)})
        return np.asarray(raw, dtype=np.float32).reshape(len(raw), -1)

    def predict_with_features(self, batch: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Probabilities plus ``{layer: activations [N, h, w, channels]}`` in one run."""
        names = [self._main_output, *self._feature_outputs.values()]
        raw, *features = self._session.run(names, {self._input_name: self._as_batch(batch)})
        return self._to_probabilities(raw), dict(zip(self._feature_outputs, features))

    def predict_log_proba(self, batch: np.ndarray) -> np.ndarray:
        """Log-probabilities ``[N, classes]``: from logits without rounding a sure class to log(1) = 0."""
        return self._log_probabilities(self._run_class_output(batch))

    def _log_probabilities(self, raw: np.ndarray) -> np.ndarray:
        if self.output_kind == PROBABILITIES and self._temperature == 1.0:
            return np.log(np.clip(np.asarray(raw, dtype=np.float64), 1e-45, None))
        scores = self._scores(raw) / self._temperature
        shifted = scores - scores.max(axis=-1, keepdims=True)
        # log1p of the other classes' share: a class 40 logits ahead keeps a log-probability of
        # -4e-18 rather than 0, so how much surer or less sure it gets still shows.
        others = np.exp(shifted)
        np.put_along_axis(others, scores.argmax(axis=-1)[..., None], 0.0, axis=-1)
        return shifted - np.log1p(others.sum(axis=-1, keepdims=True))

    def predict_embedding(self, batch: np.ndarray) -> np.ndarray:
        """Feature vectors ``[N, D]`` (float32) for the personal layer.

        The ``embedding`` output when the model has one, else the calibrated log-probabilities:
        a model without it still gives every image a vector that says what it looks like to it.
        """
        return self.predict_proba_and_embedding(batch)[1]

    def predict_proba_and_embedding(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probabilities ``[N, classes]`` and feature vectors ``[N, D]`` in one run."""
        if not self._has_embedding:
            raw = self._run_class_output(batch)
            return self._to_probabilities(raw), self._log_probabilities(raw).astype(np.float32)
        if self.output_kind not in (LOGITS, PROBABILITIES):
            raise ValueError(f"{self._path.name} outputs {self.output_kind}, not class scores")
        raw, embedding = self._session.run([self._main_output, EMBEDDING], {self._input_name: self._as_batch(batch)})
        return self._to_probabilities(raw), np.asarray(embedding, dtype=np.float32)

    def predict_with_cam(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Probabilities, ``cam_features [N, h, w, C]`` and ``cam_weights [N, classes, C]`` in one run."""
        if not self._has_cam:
            raise ValueError(f"{self._path.name} has no CAM outputs ({CAM_FEATURES}, {CAM_WEIGHTS})")
        x = self._as_batch(batch)
        names = [self._main_output, CAM_FEATURES]
        per_image = self._cam_weights is None
        if per_image:
            names.append(CAM_WEIGHTS)
        raw, features, *weights = self._session.run(names, {self._input_name: x})
        if per_image:
            w = np.asarray(weights[0], dtype=np.float32)
            if w.ndim == 2:  # the same for every image: fetched once, then only the activations are run
                self._cam_weights = w
            else:
                return self._to_probabilities(raw), features, w
        w = np.broadcast_to(self._cam_weights, (len(x), *self._cam_weights.shape))
        return self._to_probabilities(raw), features, w

    def warm_up(self) -> None:
        """One dry run on blank paper so the first real prediction is not the slow one."""
        blank = np.full((1, *self._input_shape), 255.0, dtype=np.float32)
        self._session.run(None, {self._input_name: blank})

    def __repr__(self) -> str:
        return f"OnnxModel({str(self._path)!r}, task={self.task!r}, classes={len(self._class_names)})"


def open_checked(path: str | Path, warm_up: bool = True, threads: int | None = None) -> OnnxModel:
    """Open one file as the app will use it; raise ModelContractError for anything wrong.

    Beyond :class:`OnnxModel`'s own checks: a character model must take the 80x60x1 drawings
    (a stroke model the 80x60x9 ``strokes``), and (with ``warm_up``) the model must run once on a
    blank image. ``threads``: onnxruntime's threads for one inference (None: its default).
    """
    model = OnnxModel(path, threads=threads)
    if model.task == "characters":
        name, shape = CHARACTER_INPUTS[model.input_kind]
        if model.input_shape != shape:
            found = "x".join(map(str, model.input_shape))
            raise ModelContractError(path, f"a character model of input kind {model.input_kind} needs "
                                           f"{'x'.join(map(str, shape))} input {name!r}, this one takes {found}")
    if warm_up:
        try:
            model.warm_up()
        except Exception as exc:  # a graph whose declared shapes lie fails only when run
            raise ModelContractError(path, f"the model fails on a blank test image ({exc})") from exc
    return model
