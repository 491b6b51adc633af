"""Photos for photo models: one framing step shared by the app and the training package, and labels.

:func:`to_model_input` is THE way a camera frame or a photo becomes a photo model's input: the
largest centred square is cut out (a classifier trained on square crops sees the middle of a wide
frame undistorted) and resized with ``cv2.INTER_AREA`` (averaging, so shrinking a 1280×720 frame
does not alias). The training package uses this same function for its reference checks and its
classification report, so the app and training see the very same pixels.
Qt-free and TensorFlow-free: numpy + OpenCV only.
"""

from __future__ import annotations

import json
from typing import Mapping, Sequence

import cv2
import numpy as np

#: Metadata key of ImageNet models: JSON list of WordNet ids in output order.
META_WNIDS = "wnids"
PHOTO_SIZE = (224, 224)


def center_square(rgb: np.ndarray) -> np.ndarray:
    """The largest centred square of an image (a view, no copy)."""
    height, width = rgb.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return rgb[top : top + side, left : left + side]


def to_model_input(rgb: np.ndarray, size: tuple[int, int] = PHOTO_SIZE) -> np.ndarray:
    """RGB uint8 ``[H, W, 3]`` -> float32 ``[height, width, 3]`` with values 0..255.

    ``size`` is ``(height, width)`` of the model input. Centre-crop to a square, then resize with
    ``cv2.INTER_AREA`` (``cv2.INTER_LINEAR`` when the square is smaller than the input, where
    area averaging would only repeat pixels). A grey ``[H, W]`` or ``[H, W, 1]`` image is repeated on the three channels.
    """
    image = np.asarray(rgb)
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3) or min(image.shape[:2]) < 1:
        raise ValueError(f"expected an RGB image [H, W, 3], got shape {list(image.shape)}")
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    height, width = size
    square = np.ascontiguousarray(center_square(image))
    if square.shape[:2] != (height, width):
        interpolation = cv2.INTER_AREA if square.shape[0] >= height else cv2.INTER_LINEAR
        square = cv2.resize(square, (width, height), interpolation=interpolation)
    return square.astype(np.float32)


def read_wnids(metadata: Mapping[str, str]) -> list[str]:
    """The WordNet ids of a model's metadata, or ``[]`` when it has none (a custom model)."""
    text = metadata.get(META_WNIDS)
    if not text:
        return []
    try:
        wnids = json.loads(text)
    except json.JSONDecodeError:
        return []
    return [str(w) for w in wnids] if isinstance(wnids, list) else []


def top_k_labels(probs: np.ndarray, class_names: Sequence[str], wnids: Sequence[str] | None = None,
                 k: int = 3) -> list[tuple[str, str, float]]:
    """The ``k`` most likely classes as ``(wnid, name, probability)``, best first.

    ``wnid`` is ``""`` for a model without WordNet ids (or when the list does not match).
    """
    p = np.asarray(probs, dtype=np.float64).reshape(-1)
    if len(class_names) != p.size:
        raise ValueError(f"{p.size} probabilities but {len(class_names)} class names")
    ids = list(wnids) if wnids is not None and len(wnids) == p.size else [""] * p.size
    order = np.argsort(-p, kind="stable")[: max(0, min(k, p.size))]
    return [(ids[i], class_names[i], float(p[i])) for i in order]


def format_prediction(wnid: str, name: str, probability: float) -> str:
    """``n04350905 - suit 39%`` (the course's report line); ``suit 39%`` without a WordNet id."""
    percent = f"{round(100 * float(probability))}%"
    return f"{wnid} - {name} {percent}" if wnid else f"{name} {percent}"
