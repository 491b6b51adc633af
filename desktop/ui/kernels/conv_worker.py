"""Convolution off the GUI thread, newest request wins.

The panel submits a :class:`ConvJob` whenever the input, the kernels or the settings change (for
a live camera, every frame). One worker thread computes; a job submitted while it is busy
replaces any job still waiting, so a slow convolution makes the view skip frames, never lag
behind them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop.core.convolution import ConvSettings, ConvSettingsError, conv2d, pool2d

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


class ConvolutionWorker(QObject):
    """``submit(job)`` from the GUI thread; ``finished(ConvResult)`` arrives back in the GUI thread."""

    finished = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("convolutionWorker")
        self._condition = threading.Condition()
        self._pending: ConvJob | None = None
        self._stopping = False
        self._busy = False
        # A plain daemon thread: it holds no Qt objects, so nothing breaks if Qt shuts down first.
        self._thread = threading.Thread(target=self._loop, name="convolution-worker", daemon=True)
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def submit(self, job: ConvJob) -> None:
        with self._condition:
            self._pending = job  # an older waiting job is dropped: newest wins
            self._condition.notify()

    def is_idle(self) -> bool:
        with self._condition:
            return self._pending is None and not self._busy

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._pending = None
            self._condition.notify()
        self._thread.join(timeout=2.0)

    def _loop(self) -> None:
        while True:
            with self._condition:
                while self._pending is None and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                job, self._pending = self._pending, None
                self._busy = True
            try:
                result = run_job(job)
            except Exception as exc:  # a bug must not kill the worker: report it as the result
                result = ConvResult(job, None, None, f"the convolution failed: {exc}", 0.0)
            with self._condition:
                self._busy = False
                stopping = self._stopping
            if stopping:
                return
            try:
                self.finished.emit(result)
            except RuntimeError:  # the panel was deleted while this job ran
                return
