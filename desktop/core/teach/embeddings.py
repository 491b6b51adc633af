"""Embeddings of Teach samples from the ImageNet feature extractor, cached per sample.

Each sample's embedding is stored in ``cache_dir`` under the SHA-256 of the image file's bytes
(plus the extractor's identity), so re-training after adding a few samples only runs the new ones
through the network, and a renamed or copied file is still a cache hit. Every image goes through
:func:`desktop.core.photos.to_model_input`, the same framing the Camera panel uses.
Qt-free: numpy + OpenCV + onnxruntime.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from desktop.core.atomic import write_bytes_atomic
from desktop.core.onnx_model import OnnxModel
from desktop.core.photos import to_model_input
from desktop.core.teach.project import TeachCancelled, read_rgb

# Small batches: cancelling (or closing the app) waits for at most one batch, and on a CPU
# batching EfficientNet beyond a few images gains almost nothing.
BATCH_SIZE = 4

# Augmentation ranges (named so the UI and tests can refer to them).
FLIP_PROBABILITY = 0.5
CROP_MIN_FRACTION = 0.8  # side of the random crop, as a fraction of the image side
MAX_ROTATION_DEGREES = 15.0
MAX_BRIGHTNESS_SHIFT = 0.2  # fraction of the 0..255 range

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def augment(rgb: np.ndarray, rng: np.random.Generator, *, flip_probability: float = FLIP_PROBABILITY,
            crop_min_fraction: float = CROP_MIN_FRACTION, max_rotation: float = MAX_ROTATION_DEGREES,
            max_brightness: float = MAX_BRIGHTNESS_SHIFT) -> np.ndarray:
    """A randomly flipped, cropped, rotated and brightened copy of an RGB uint8 image."""
    image = np.asarray(rgb, dtype=np.uint8)
    if rng.random() < flip_probability:
        image = image[:, ::-1]
    height, width = image.shape[:2]
    fraction = rng.uniform(crop_min_fraction, 1.0)
    crop_h, crop_w = max(1, round(height * fraction)), max(1, round(width * fraction))
    top = int(rng.integers(0, height - crop_h + 1))
    left = int(rng.integers(0, width - crop_w + 1))
    image = np.ascontiguousarray(image[top:top + crop_h, left:left + crop_w])
    angle = rng.uniform(-max_rotation, max_rotation)
    if angle:
        matrix = cv2.getRotationMatrix2D((crop_w / 2, crop_h / 2), angle, 1.0)
        image = cv2.warpAffine(image, matrix, (crop_w, crop_h), borderMode=cv2.BORDER_REFLECT_101)
    shift = rng.uniform(-max_brightness, max_brightness) * 255
    return np.clip(image.astype(np.float32) + shift, 0, 255).astype(np.uint8)


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class EmbeddingCache:
    """``embed(paths)`` -> ``[N, D]`` float32, computing only samples not seen before."""

    def __init__(self, extractor: OnnxModel, cache_dir: str | Path):
        if extractor.output_kind != "features":
            raise ValueError(f"{extractor.path.name} is not a feature extractor (it outputs {extractor.output_kind})")
        self.extractor = extractor
        stat = Path(extractor.path).stat()
        # A different extractor file must never reuse another's embeddings.
        identity = f"{Path(extractor.path).name}-{stat.st_size}"
        self.cache_dir = Path(cache_dir) / identity
        self.computed = 0  # images actually run through the network (for tests and the status line)

    def _cache_path(self, digest: str) -> Path:
        return self.cache_dir / f"{digest}.npz"

    def _load(self, digest: str) -> np.ndarray | None:
        path = self._cache_path(digest)
        if not path.is_file():
            return None
        try:
            with np.load(path) as data:
                return np.asarray(data["embedding"], dtype=np.float32)
        except Exception:  # noqa: BLE001 - a damaged cache entry is recomputed, never fatal
            return None

    def _store(self, digest: str, embedding: np.ndarray) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez(buffer, embedding=embedding)
        # A cache entry can be computed again: no fsync (it would slow every embedding down).
        write_bytes_atomic(self._cache_path(digest), buffer.getvalue(), durable=False)

    def embed_rgb(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """Embeddings of in-memory RGB images (preview, augmented copies); never cached."""
        size = self.extractor.input_shape[:2]
        out = []
        for start in range(0, len(images), BATCH_SIZE):
            batch = np.stack([to_model_input(im, size) for im in images[start:start + BATCH_SIZE]])
            out.append(self.extractor.predict_features(batch))
            self.computed += len(batch)
        dim = out[0].shape[1] if out else 0
        return np.concatenate(out) if out else np.zeros((0, dim), np.float32)

    def embed(self, paths: Sequence[str | Path], progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> np.ndarray:
        """Embeddings ``[N, D]`` of image files, in order; ``progress(done, total)`` as it goes."""
        total = len(paths)
        digests = [file_digest(p) for p in paths]
        result: list[np.ndarray | None] = [self._load(d) for d in digests]
        todo = [i for i, r in enumerate(result) if r is None]
        done = total - len(todo)
        if progress is not None:
            progress(done, total)
        for start in range(0, len(todo), BATCH_SIZE):
            if cancelled is not None and cancelled():
                raise TeachCancelled("embedding cancelled")
            chunk = todo[start:start + BATCH_SIZE]
            features = self.embed_rgb([read_rgb(paths[i]) for i in chunk])
            for i, embedding in zip(chunk, features):
                self._store(digests[i], embedding)
                result[i] = embedding
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        if not result:
            return np.zeros((0, 0), np.float32)
        return np.stack(result).astype(np.float32)

    def embed_augmented(self, paths: Sequence[str | Path], copies: int, seed: int = 0,
                        progress: Progress | None = None, cancelled: Cancelled | None = None) -> np.ndarray:
        """``copies`` augmented embeddings per file, ``[N * copies, D]`` (file-major order)."""
        rng = np.random.default_rng(seed)
        out = []
        for n, path in enumerate(paths):
            if cancelled is not None and cancelled():
                raise TeachCancelled("embedding cancelled")
            rgb = read_rgb(path)
            out.append(self.embed_rgb([augment(rgb, rng) for _ in range(copies)]))
            if progress is not None:
                progress(n + 1, len(paths))
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)
