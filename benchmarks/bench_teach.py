"""Teach panel speed: embedding images with the shipped extractor, and training the numpy head.

Targets (issue "Teach panel"): embedding >= 30 images/s on 2 cores; the head on 3 classes x 50
samples of 1280-d embeddings in <= 3 s. ``python -m benchmarks.bench_teach --help``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from desktop.core.contract import assets_dir
from desktop.core.onnx_model import OnnxModel
from desktop.core.teach.embeddings import EmbeddingCache
from desktop.core.teach.head import train_head
from desktop.core.teach.project import TrainSettings, add_class, add_image, new_project

EMBED_TARGET_PER_S = 30.0
HEAD_TARGET_S = 3.0
EXTRACTOR = assets_dir() / "models" / "efficientnet-lite0-features.onnx"


def _limit_to_cores(model: OnnxModel, cores: int) -> None:
    """Run the extractor as on a two-core laptop, whatever this machine has."""
    import onnxruntime as ort

    if hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, available[:cores])
    options = ort.SessionOptions()
    options.intra_op_num_threads = cores
    options.inter_op_num_threads = 1
    model._session = ort.InferenceSession(str(model.path), options, providers=["CPUExecutionProvider"])


def embedding_rate(images: int, cores: int) -> float:
    """Images per second through ``EmbeddingCache.embed`` (640x480 photos, cold cache)."""
    model = OnnxModel(EXTRACTOR)
    _limit_to_cores(model, cores)
    model.warm_up()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        project = new_project(Path(folder) / "proj", "bench")
        add_class(project, "noise")
        paths = [add_image(project, "noise", rng.integers(0, 255, (480, 640, 3), dtype=np.uint8))
                 for _ in range(images)]
        cache = EmbeddingCache(model, Path(folder) / "cache")
        started = time.perf_counter()
        cache.embed(paths)
        return images / (time.perf_counter() - started)


def head_seconds(per_class: int = 50, classes: int = 3, epochs: int = 50) -> float:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(0, 6, 1280) + rng.normal(0, 1, (per_class, 1280)) for _ in range(classes)])
    y = np.repeat(np.arange(classes), per_class)
    started = time.perf_counter()
    train_head(x.astype(np.float32), y, classes, TrainSettings(epochs=epochs))
    return time.perf_counter() - started


def report(images: int = 64, cores: int = 2) -> str:
    rate = embedding_rate(images, cores)
    seconds = head_seconds()
    ok = lambda good: "ok" if good else "TOO SLOW"  # noqa: E731
    return "\n".join([
        f"embedding, {images} photos 640x480, {cores} cores: {rate:6.1f} images/s "
        f"(target >= {EMBED_TARGET_PER_S:.0f}) {ok(rate >= EMBED_TARGET_PER_S)}",
        f"head, 3 classes x 50 samples x 1280-d, 50 epochs: {seconds:6.2f} s "
        f"(target <= {HEAD_TARGET_S:.0f} s) {ok(seconds <= HEAD_TARGET_S)}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_teach", description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=64, help="photos to embed (default 64)")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores for the extractor (default 2)")
    args = parser.parse_args(argv)
    print(report(args.images, args.cores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
