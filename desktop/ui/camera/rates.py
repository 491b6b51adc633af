"""Events per second over a sliding window: preview fps, classifications per second."""

from __future__ import annotations

import time
from collections import deque

WINDOW_S = 2.0


class RateMeter:
    """Call :meth:`tick` on each event; :meth:`rate` is events per second over the last window."""

    def __init__(self, window_s: float = WINDOW_S, clock=time.monotonic):
        self._window_s = window_s
        self._clock = clock
        self._times: deque[float] = deque()
        self.count = 0

    def tick(self) -> None:
        now = self._clock()
        self._times.append(now)
        self.count += 1
        self._drop_old(now)

    def _drop_old(self, now: float) -> None:
        while self._times and now - self._times[0] > self._window_s:
            self._times.popleft()

    def rate(self) -> float:
        now = self._clock()
        self._drop_old(now)
        if len(self._times) < 2:
            return 0.0
        span = now - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0

    def reset(self) -> None:
        self._times.clear()
        self.count = 0
