"""Speed of the Kernels panel's convolution against a naive numpy loop, on camera- and photo-sized frames.

Each case converts a uint8 RGB frame to float32, pads it ("zero", i.e. "same") and convolves it
with :func:`desktop.core.convolution.conv2d`, exactly what the panel does per frame:

* ``1 filter over RGB``: one kernel spanning the three channels (a grey output), e.g. a preset
  spread with ``expand_to_channels``;
* ``per-channel (colour)``: three filters, each on its own channel (a colour blur/sharpen);
* ``27 free weights``: one kernel with a different random grid per channel (as a trained CNN's
  first layer has), which takes one ``filter2D`` per channel;
* ``sliding window``: the general (strided/dilated) numpy path forced on the same problem.

The naive baseline is the textbook double loop over output pixels (``sum(window * kernel)``).
It is far too slow for a whole frame, so it runs on a ``--crop``-pixel square of the frame and its
time is scaled up by the ratio of output pixels; the report says so.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Case:
    title: str
    height: int
    width: int
    kernel: int
    target_ms: float


CASES = (
    Case("live camera 640×480, 3×3 over RGB", 480, 640, 3, 1000 / 30),
    Case("photo 1920×1080, 5×5 over RGB", 1080, 1920, 5, 20.0),
)


def naive_conv(image: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """Zero padding, stride 1: a Python loop over output pixels and filters (the baseline)."""
    _, kh, kw, _ = kernels.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = np.pad(image, ((top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
    h, w = image.shape[:2]
    out = np.empty((h, w, kernels.shape[0]), np.float32)
    for r in range(h):
        for c in range(w):
            window = padded[r : r + kh, c : c + kw]
            for f in range(kernels.shape[0]):
                out[r, c, f] = np.sum(window * kernels[f])
    return out


def _median_ms(call, runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e3


def run_case(case: Case, runs: int, crop: int, seed: int = 0) -> list[tuple[str, float, str]]:
    """(runner, median ms per frame, note) for one frame size; the naive loop is extrapolated from a crop."""
    from desktop.core.convolution import ConvSettings, _correlate_numpy, conv2d, pad_image, padding_amounts
    from desktop.core.kernels import PRESETS, expand_to_channels, per_channel_filters

    rng = np.random.default_rng(seed)
    frame = rng.integers(0, 256, (case.height, case.width, 3), dtype=np.uint8)
    blur2d = np.full((case.kernel, case.kernel), 1 / case.kernel**2, np.float32)
    if case.kernel == 3:
        blur2d = PRESETS["sharpen"].weights[:, :, 0]
    grey_filter = expand_to_channels(blur2d, 3)[None]  # [1, k, k, 3]
    colour_filters = per_channel_filters(blur2d, 3)  # [3, k, k, 3]
    free_filter = rng.normal(0, 1, (1, case.kernel, case.kernel, 3)).astype(np.float32)
    same = ConvSettings(padding="zero")

    def general_path():
        image = frame.astype(np.float32)
        amounts = padding_amounts(case.height, case.width, case.kernel, case.kernel, same)
        return _correlate_numpy(pad_image(image, amounts, "zero"), grey_filter, case.height, case.width, (1, 1), (1, 1))

    results = [
        ("conv2d, 1 filter over RGB", _median_ms(lambda: conv2d(frame.astype(np.float32), grey_filter, None, same), runs), ""),
        ("conv2d, per-channel (colour)", _median_ms(lambda: conv2d(frame.astype(np.float32), colour_filters, None, same), runs), ""),
        (f"conv2d, {case.kernel * case.kernel * 3} free weights", _median_ms(lambda: conv2d(frame.astype(np.float32), free_filter, None, same), runs), ""),
        ("sliding window + tensordot", _median_ms(general_path, max(3, runs // 10), warmup=1), "the strided/dilated path"),
    ]
    # Cross-check before timing the baseline: the fast path must give the naive answer.
    patch = frame[:crop, :crop].astype(np.float32)
    expected = naive_conv(patch, grey_filter)
    np.testing.assert_allclose(conv2d(patch, grey_filter, None, same), expected, rtol=1e-4, atol=1e-3)
    crop_ms = _median_ms(lambda: naive_conv(patch, grey_filter), runs=3, warmup=0)
    scale = (case.height * case.width) / (crop * crop)
    results.append(
        ("naive numpy loop, 1 filter", crop_ms * scale, f"timed on {crop}×{crop} ({crop_ms:.0f} ms), ×{scale:.0f} extrapolated")
    )
    return results


def report(runs: int = 30, crop: int = 64) -> str:
    from benchmarks.timing import machine_line

    lines = [f"machine: {machine_line()}; median of {runs} frames per runner, uint8 frame -> float32 -> pad -> convolve"]
    for case in CASES:
        results = run_case(case, runs, crop)
        naive_ms = results[-1][1]
        lines.append(f"\n{case.title} (target < {case.target_ms:.1f} ms per frame)")
        lines.append(f"  {'runner':<32}{'ms/frame':>10}{'fps':>9}{'vs naive':>10}  verdict")
        for name, ms, note in results:
            verdict = ("ok" if ms < case.target_ms else "OVER") if name.startswith("conv2d") else ""
            lines.append(f"  {name:<32}{ms:>10.2f}{1000 / ms:>9.1f}{naive_ms / ms:>9.0f}×  {verdict}{'  (' + note + ')' if note else ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_kernels", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed frames per runner (default 30)")
    parser.add_argument("--crop", type=int, default=64, help="side of the square the naive loop is timed on (default 64)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    print(report(args.runs, args.crop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
