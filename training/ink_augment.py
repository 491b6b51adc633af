"""Ink augmentations that make handwriting look more like print: crisp edges and other stroke weights.

Synthetic writers draw with a round pen on grey, grainy paper; printed characters (and a neat
scan) are crisp black on white, and their strokes change weight with direction (a Song or Ming
face draws thin horizontals and thick verticals; a bold face is heavy everywhere). Without ever
showing the model a font, two cheap changes of a training image cover that:

* **crisp**: the image thresholded into pure ink and pure paper (Otsu's threshold);
* **ink weight**: the ink grown in every direction (a bolder pen), grown sideways only (vertical
  strokes thicken while horizontals keep their width: the contrast of a serif face), or thinned.

Each image takes ``DRAWS`` random numbers whatever it gets, so a batch's other images
(and a cluster worker's share of the batch) see the same random stream as without it.
"""

from __future__ import annotations

import numpy as np

DRAWS = 4  # random numbers each image takes from the generator
#: Of the images whose ink weight changes: the share grown in every direction, then sideways only
#: (the rest are thinned).
BOLD_SHARE = 0.36
SIDEWAYS_SHARE = 0.43


def vary_ink(image: np.ndarray, draws: np.ndarray, crisp: float, ink_weight: float) -> np.ndarray:
    """``image`` (uint8 ``[H, W, C]``, dark ink on light paper) crisped with probability ``crisp`` and its
    ink weight changed with probability ``ink_weight``, every channel alike; ``draws``: the image's
    ``DRAWS`` uniform random numbers."""
    import cv2

    out = image
    if draws[0] < crisp:
        out = np.stack([cv2.threshold(np.ascontiguousarray(out[:, :, c]), 0, 255,
                                      cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
                        for c in range(out.shape[2])], axis=-1)
    if draws[1] < ink_weight:
        kind = draws[1] / ink_weight
        if kind < BOLD_SHARE:  # erosion of the light paper grows the dark ink
            size = 2 + int(draws[2] < 0.5)
            out = _each_channel(out, cv2.erode, np.ones((size, size), np.uint8))
        elif kind < BOLD_SHARE + SIDEWAYS_SHARE:
            out = _each_channel(out, cv2.erode, np.ones((1, 2 + int(draws[2] * 3)), np.uint8))
            if draws[3] < 0.3:  # a little heavier overall too
                out = _each_channel(out, cv2.erode, np.ones((2, 1), np.uint8))
        else:
            out = _each_channel(out, cv2.dilate, np.ones((2, 2), np.uint8))
    return out


def _each_channel(image: np.ndarray, operation, kernel: np.ndarray) -> np.ndarray:
    return np.stack([operation(np.ascontiguousarray(image[:, :, c]), kernel) for c in range(image.shape[2])],
                    axis=-1)
