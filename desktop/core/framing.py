"""Any ink image -> the exact 80x60 input a character model sees.

Mirrors what ``keras.utils.image_dataset_from_directory(color_mode="grayscale",
image_size=(80, 60))`` does to a CASIA crop: the character tightly cropped, then stretched
(aspect ratio not kept) with bilinear interpolation (half-pixel centres, no antialias).
"""

from __future__ import annotations

import cv2
import numpy as np

from .contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH

#: Pixels darker than this count as ink when cropping.
INK_THRESHOLD = 230


class EmptyDrawing(ValueError):
    """The image holds no ink to recognise."""


def tight_crop(grey: np.ndarray, threshold: int = INK_THRESHOLD) -> np.ndarray:
    """Crop a uint8 grey image (paper 255) to the bounding box of its ink."""
    if grey.ndim == 3:
        grey = grey[..., 0]
    ys, xs = np.nonzero(grey < threshold)
    if len(ys) == 0:
        raise EmptyDrawing("there is no ink in the image: draw or load a character first")
    return grey[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def stretch_to_input(grey: np.ndarray) -> np.ndarray:
    """Resize a (cropped) uint8 grey image to the model input, float32 [80, 60, 1], 0..255.

    cv2 INTER_LINEAR uses half-pixel centres like ``tf.image.resize(..., "bilinear")``.
    """
    if grey.ndim == 3:
        grey = grey[..., 0]
    resized = cv2.resize(grey.astype(np.float32), (CHAR_INPUT_WIDTH, CHAR_INPUT_HEIGHT), interpolation=cv2.INTER_LINEAR)
    return resized[..., None]


def frame_for_model(grey: np.ndarray, threshold: int = INK_THRESHOLD) -> np.ndarray:
    """Tight crop then stretch: any uint8 grey ink image -> float32 [80, 60, 1]."""
    return stretch_to_input(tight_crop(grey, threshold))
