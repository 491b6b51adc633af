"""``python -m benchmarks``: every benchmark with its defaults (a few minutes on two cores).

Options are passed on: ``--runs``/``--warmup`` to the latency benchmark, ``--samples``/``--epochs``
to the training benchmark, ``--drawings``/``--starts`` to the app benchmark. Each benchmark also runs alone, with all its options:
``python -m benchmarks.bench_inference --help``, ``python -m benchmarks.bench_training --help``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from benchmarks import bench_inference, bench_kernels, bench_training
from benchmarks.timing import machine_line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed single-image calls per runner (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls first (default 20)")
    parser.add_argument("--drawings", type=int, default=100, help="drawings for the app benchmark (default 100)")
    parser.add_argument("--starts", type=int, default=5, help="cold starts of the app to time (default 5)")
    parser.add_argument("--samples", type=int, default=2200, help="training images (default 2200)")
    parser.add_argument("--epochs", type=int, default=5, help="training epochs to time (default 5)")
    parser.add_argument("--data", choices=bench_training.DATA_CHOICES, default="auto",
                        help="training data: synth, random, or auto (default)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    print(f"CNN Classroom benchmarks on {machine_line()}\n")

    print(f"== Single-image latency, course CNN ({args.runs} runs after {args.warmup} warm-up)")
    print(bench_inference.report(bench_inference.run(args.runs, args.warmup)))

    print("\n== The app: pen-up to candidates, inference, cold start, memory")
    # Its own interpreter: the app never loads TensorFlow, and its memory must not count ours.
    subprocess.run([sys.executable, "-m", "benchmarks.bench_app", "--drawings", str(args.drawings),
                    "--starts", str(args.starts)], check=True)

    print("\n== Camera panel: preview and classification rates at 640x480, EfficientNet-Lite0")
    # Its own interpreter too: a Qt application of its own, and CPU time that counts only the panel.
    subprocess.run([sys.executable, "-m", "benchmarks.bench_camera"], check=True)

    print("\n== Kernels panel: convolution per frame against a naive loop")
    print(bench_kernels.report())

    print("\n== Teach panel: embedding rate on 2 cores, head training time")
    # Its own interpreter: it pins itself to two cores, which must not slow the others.
    subprocess.run([sys.executable, "-m", "benchmarks.bench_teach"], check=True)

    print("\n== Training speed, course CNN")
    print(bench_training.report(bench_training.run(args.samples, args.epochs, data=args.data)))

    print(f"\nAll benchmarks took {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
