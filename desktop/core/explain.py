""""Why did it say that?": heat maps of the evidence a model used for one class.

Two methods, both deterministic:

* **occlusion** works for every model of the contract. A patch of blank paper (characters) or
  grey (photos) covers the input at each position of a grid; all the covered copies go through
  onnxruntime in one or a few batched runs, and the heat of a position is how much the chosen
  class's log-probability drops when that part is hidden (log-probabilities, because a sure
  model's probability sits at 1.0 whatever is hidden). A pixel the patch does not change (paper
  under a paper patch) cannot be what the model used, so it gets no heat.
* **cam** reads the optional ``cam_features`` / ``cam_weights`` outputs (see the model contract)
  and weighs the last convolution block's activations by each channel's averaged gradient:
  ``ReLU(sum_c w[k, c] A[:, :, c])``, one ordinary inference, no gradient at run time.

Maps are non-negative and scaled so their largest value is 1 (all zero when nothing is evidence).
Qt-free, TensorFlow-free: numpy + OpenCV + onnxruntime.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

from desktop.core.framing import INK_THRESHOLD, EmptyDrawing
from desktop.core.onnx_model import OnnxModel
from desktop.core.photos import read_wnids

OCCLUSION = "occlusion"
CAM = "cam"
METHODS = (OCCLUSION, CAM)
#: Occlusion where the model has no CAM outputs, CAM where it has them.
AUTO = "auto"
#: What hides a part of the input: blank paper for grey character images, mid grey for photos.
PAPER = 255.0
GREY = 127.5
#: Default patch: the longer input side divided by this, an even number so a tile border lies on
#: the middle. 6 for characters (6 x 4 tiles on 80 x 60), 4 for photos (4 x 4 on 224 x 224): an
#: occlusion map then costs 24 or 16 batched inferences (the target is <= 30 plain ones).
PATCHES_PER_SIDE = {1: 6, 3: 4}
#: Occluded copies per onnxruntime run (memory stays small for big photo models).
MAX_BATCH = 64
TOP_K = 3

__all__ = ["AUTO", "CAM", "EmptyDrawing", "ExplainError", "Explanation", "METHODS", "OCCLUSION", "explain",
           "default_patch", "resolve_class", "resolve_method"]


class ExplainError(ValueError):
    """The explanation asked for cannot be made (unknown class, method the model lacks, bad size)."""


@dataclass(frozen=True)
class Explanation:
    method: str  # occlusion | cam
    class_index: int
    class_name: str
    probability: float  # the model's probability of that class for the untouched input
    grid: np.ndarray  # [rows, cols] float32 0..1: one value per patch position (occlusion) or CAM cell
    heat: np.ndarray  # [H, W] float32 0..1 at the input's size: what an overlay draws
    top: list[tuple[str, float]]  # the model's top classes (name, probability), best first
    patch: int | None = None  # occlusion only: patch side and stride in input pixels
    stride: int | None = None
    details: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """Plain JSON types: the grid as nested lists of numbers, with its shape."""
        return {
            "method": self.method,
            "class": self.class_name,
            "class_index": self.class_index,
            "probability": round(self.probability, 6),
            "top": [[name, round(p, 6)] for name, p in self.top],
            "grid_shape": list(self.grid.shape),
            "grid": np.round(self.grid.astype(np.float64), 6).tolist(),
            "input_shape": list(self.heat.shape),
            "patch": self.patch,
            "stride": self.stride,
        }


def default_patch(input_shape: Sequence[int]) -> int:
    """Patch side for an input ``(height, width, channels)``."""
    height, width, channels = input_shape
    return max(1, math.ceil(max(height, width) / PATCHES_PER_SIDE.get(channels, 5)))


def resolve_method(model: OnnxModel, method: str = AUTO) -> str:
    """``auto`` -> ``cam`` when the model carries CAM outputs, else ``occlusion``; checks the rest."""
    if method == AUTO:
        return CAM if model.has_cam else OCCLUSION
    if method not in METHODS:
        raise ExplainError(f"unknown method {method!r}: use {', '.join(METHODS)} or {AUTO}")
    if method == CAM and not model.has_cam:
        raise ExplainError(f"{model.path.name} has no CAM outputs (cam_features, cam_weights): its head does not "
                           f"allow them or it was exported before they existed; use --method {OCCLUSION}")
    return method


def resolve_class(model: OnnxModel, name: str) -> int:
    """The output index of a class name (or, for ImageNet models, a WordNet id like ``n04350905``)."""
    names = model.class_names
    if name in names:
        return names.index(name)
    wnids = read_wnids(model.metadata)
    if name in wnids:
        return wnids.index(name)
    folded = [n.casefold() for n in names]
    if name.casefold() in folded:
        return folded.index(name.casefold())
    examples = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    raise ExplainError(f"unknown class {name!r}: {model.path.name} knows {len(names)} classes ({examples})")


def _check_input(model: OnnxModel, image: np.ndarray) -> np.ndarray:
    x = np.asarray(image, dtype=np.float32)
    if x.ndim == 2:
        x = x[..., None]
    if x.shape != tuple(model.input_shape):
        wanted = " × ".join(map(str, model.input_shape))
        raise ExplainError(f"{model.path.name} takes {wanted} inputs, got {' × '.join(map(str, x.shape))}")
    if not np.isfinite(x).all():
        raise ExplainError("the input holds values that are not finite numbers")
    if model.task == "characters" and not (x < INK_THRESHOLD).any():
        raise EmptyDrawing("there is nothing drawn: the input is blank paper")
    return x


def _normalised(values: np.ndarray) -> np.ndarray:
    v = np.maximum(np.nan_to_num(np.asarray(values, dtype=np.float64)), 0.0)
    peak = v.max() if v.size else 0.0
    return (v / peak if peak > 0 else np.zeros_like(v)).astype(np.float32)


def _spans(length: int, patch: int, stride: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the patches along one side.

    With the stride equal to the patch (the default) the side is cut into ``round(length / patch)``
    nearly equal tiles that cover it exactly, so an even count puts a tile border on the middle
    and no patch straddles the two halves. Otherwise patches slide by ``stride``, the last one
    ending at the border.
    """
    if stride == patch:
        count = max(1, round(length / patch))
        bounds = [round(i * length / count) for i in range(count + 1)]
        return list(zip(bounds[:-1], bounds[1:]))
    patch = min(patch, length)
    starts = list(range(0, length - patch + 1, stride))
    if starts[-1] + patch < length:
        starts.append(length - patch)
    return [(s, s + patch) for s in starts]


def occlusion_map(model: OnnxModel, x: np.ndarray, class_index: int | None, *, patch: int, stride: int,
                  fill: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``(grid [rows, cols], heat [H, W], log-probabilities of x, class)``; maps are unnormalised drops >= 0.

    ``class_index`` None: the class the untouched input is given (no extra run).
    """
    height, width = x.shape[:2]
    rows, cols = _spans(height, patch, stride), _spans(width, patch, stride)
    copies = np.repeat(x[None], len(rows) * len(cols) + 1, axis=0)  # copy 0 stays untouched
    for n, ((top, bottom), (left, right)) in enumerate(((r, c) for r in rows for c in cols), start=1):
        copies[n, top:bottom, left:right] = fill
    log_p = np.concatenate([model.predict_log_proba(copies[i:i + MAX_BATCH])
                            for i in range(0, len(copies), MAX_BATCH)])
    if class_index is None:
        class_index = int(np.argmax(log_p[0]))
    drops = np.maximum(log_p[0, class_index] - log_p[1:, class_index], 0.0).reshape(len(rows), len(cols))

    total = np.zeros((height, width), np.float64)
    covered = np.zeros((height, width), np.float64)
    for r, (top, bottom) in enumerate(rows):
        for c, (left, right) in enumerate(cols):
            total[top:bottom, left:right] += drops[r, c]
            covered[top:bottom, left:right] += 1.0
    heat = total / np.maximum(covered, 1.0)
    heat[np.all(x == fill, axis=2)] = 0.0  # hiding what already looks like the patch changed nothing
    return drops, heat, log_p[0], class_index


def cam_map(model: OnnxModel, x: np.ndarray, class_index: int | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``(grid [h, w], heat [H, W], probabilities of x, class)`` from one run with the CAM outputs."""
    probs, features, weights = model.predict_with_cam(x[None])
    if class_index is None:
        class_index = int(np.argmax(probs[0]))
    activations = np.asarray(features[0], dtype=np.float64)
    grid = np.maximum(activations @ np.asarray(weights[0, class_index], dtype=np.float64), 0.0)
    height, width = x.shape[:2]
    heat = cv2.resize(grid.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    return grid, np.maximum(heat, 0.0), probs[0], class_index


def explain(model: OnnxModel, image: np.ndarray, *, class_name: str | None = None,
            class_index: int | None = None, method: str = AUTO, patch: int | None = None,
            stride: int | None = None, fill: float | None = None) -> Explanation:
    """The heat map of ``image`` (one model input ``[H, W, C]``, 0..255) for one class.

    The class is ``class_name`` or ``class_index``, by default the model's top class. ``patch``
    and ``stride`` (input pixels; stride defaults to the patch) and ``fill`` (default paper for
    grey inputs, grey for colour) only matter for occlusion. Raises :class:`ExplainError` for an
    unknown class or method, a CAM request of a model without CAM outputs, or a wrong input size,
    and :class:`EmptyDrawing` for a blank character input.
    """
    x = _check_input(model, image)
    method = resolve_method(model, method)
    names = model.class_names
    if class_name is not None:
        class_index = resolve_class(model, class_name)
    elif class_index is not None and not 0 <= class_index < len(names):
        raise ExplainError(f"class index {class_index} is outside 0..{len(names) - 1}")

    details: dict = {}
    if method == CAM:
        grid, heat, probs, class_index = cam_map(model, x, class_index)
        patch = stride = None
    else:
        channels = x.shape[2]
        patch = int(patch) if patch is not None else default_patch(x.shape)
        stride = int(stride) if stride is not None else patch
        if patch < 1 or stride < 1:
            raise ExplainError(f"the patch and the stride must be at least 1 pixel (got {patch} and {stride})")
        if fill is None:  # characters (a picture, or the ink and its directions) are hidden under paper
            fill = PAPER if model.task == "characters" or channels == 1 else GREY
        grid, heat, log_p, class_index = occlusion_map(model, x, class_index, patch=patch, stride=stride, fill=float(fill))
        probs = np.exp(log_p)
        details["copies"] = int(grid.size)
    order = np.argsort(-np.asarray(probs), kind="stable")[:TOP_K]
    return Explanation(
        method=method, class_index=int(class_index), class_name=names[class_index],
        probability=float(probs[class_index]), grid=_normalised(grid), heat=_normalised(heat),
        top=[(names[i], float(probs[i])) for i in order], patch=patch, stride=stride, details=details,
    )
