"""Repeat-and-measure helpers shared by the benchmarks."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: np.ndarray  # one entry per measured run, warm-up excluded

    @property
    def median(self) -> float:
        return float(np.median(self.seconds))

    @property
    def p90(self) -> float:
        return float(np.percentile(self.seconds, 90))


def measure(name: str, call: Callable[[], object], *, runs: int, warmup: int) -> Timing:
    """Time ``call`` ``runs`` times after ``warmup`` untimed calls (tracing, caches, thread pools)."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    for _ in range(warmup):
        call()
    seconds = np.empty(runs)
    for i in range(runs):
        start = time.perf_counter()
        call()
        seconds[i] = time.perf_counter() - start
    return Timing(name, seconds)


def machine_line() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}"


def quiet_tensorflow() -> None:
    """Before TensorFlow is imported: no C++ info lines between the results."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
