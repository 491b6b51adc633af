"""Convolution off the GUI thread, newest request wins.

The panel submits a :class:`ConvJob` whenever the input, the kernels or the settings change (for
a live camera, every frame). One worker thread computes; a job submitted while it is busy
replaces any job still waiting, so a slow convolution makes the view skip frames, never lag
behind them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from desktop.core.convolution import ConvSettings, ConvSettingsError, conv2d, pool2d
from desktop.ui.workers import LatestRequestWorker

from .conv_controls import PoolSettings


@dataclass(frozen=True)
class ConvJob:
    request_id: int
    image: np.ndarray  # float32 [H, W, C]
    kernels: np.ndarray  # [F, kh, kw, C]
    bias: np.ndarray  # [F]
    settings: ConvSettings
    pooling: PoolSettings


@dataclass
class ConvResult:
    job: ConvJob
    conv: np.ndarray | None  # [oh, ow, F] before pooling
    output: np.ndarray | None  # after pooling (the conv output itself without pooling)
    error: str
    seconds: float

    @property
    def request_id(self) -> int:
        return self.job.request_id


def run_job(job: ConvJob) -> ConvResult:
    """Convolve (and pool); a settings problem becomes the result's ``error`` instead of an exception."""
    start = time.perf_counter()
    try:
        conv = conv2d(job.image, job.kernels, job.bias, job.settings)
        output = conv
        if job.pooling.enabled:
            output = pool2d(conv, job.pooling.size, job.pooling.stride, job.pooling.mode)
    except ConvSettingsError as exc:
        return ConvResult(job, None, None, str(exc), time.perf_counter() - start)
    return ConvResult(job, conv, output, "", time.perf_counter() - start)


class ConvolutionWorker(LatestRequestWorker):
    """``submit(job)`` from the GUI thread; ``answered(request_id, ConvResult)`` comes back, or
    ``failed(request_id, message)`` if the convolution itself broke."""

    def __init__(self):
        super().__init__("convolution-worker")

    def submit(self, job: ConvJob) -> None:
        self._post(job.request_id, job)

    def _answer(self, job: ConvJob) -> ConvResult:
        return run_job(job)
