"""The course's classification report for photos::

    Image #0:
    n04350905 - suit 39%
    n03763968 - military uniform 21%
    ...

Photos are framed with :func:`desktop.core.photos.to_model_input`, the very function the app's
Camera panel uses, so the report shows what the app would show.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from desktop.core.photos import format_prediction, top_k_labels


def softmax(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def classification_report(probabilities: np.ndarray, class_names: Sequence[str], wnids: Sequence[str],
                          k: int = 3) -> str:
    """``Image #i:`` followed by the ``k`` best ``wnid - name NN%`` lines, for each row of ``probabilities``."""
    lines: list[str] = []
    for i, row in enumerate(np.atleast_2d(probabilities)):
        lines.append(f"Image #{i}:")
        lines.extend(format_prediction(*label) for label in top_k_labels(row, class_names, wnids, k=k))
    return "\n".join(lines)


def read_photo(path) -> np.ndarray:
    """An image file as RGB uint8 ``[H, W, 3]``; a clear error naming an unreadable file."""
    from desktop.core.images import ImageDecodeError, decode_rgb
    from training.errors import DataError

    try:
        return decode_rgb(np.fromfile(str(path), dtype=np.uint8), unreadable="not a readable image")
    except (OSError, ImageDecodeError) as exc:
        raise DataError(f"{path}: {exc}") from None


def photo_batch(paths: Sequence, size: int) -> np.ndarray:
    """Image files framed for a ``size``×``size`` photo model: float32 ``[N, size, size, 3]``, 0..255."""
    from desktop.core.photos import to_model_input

    return np.stack([to_model_input(read_photo(p), (size, size)) for p in paths])
