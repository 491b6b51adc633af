"""``python -m benchmarks``: every benchmark with its defaults (a few minutes on two cores).

Options are passed on: ``--runs``/``--warmup`` to the latency benchmark, ``--samples``/``--epochs``
to the training benchmark, ``--drawings``/``--starts`` to the app benchmark,
``--soak-recognitions``/``--soak-minutes`` to the long-session benchmark (shortened here). Each benchmark also runs alone, with all its options:
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
    parser.add_argument("--soak-recognitions", type=int, default=2000,
                        help="recognitions for the long-session check (default 2000; its own default is 10000)")
    parser.add_argument("--soak-minutes", type=float, default=3.0,
                        help="minutes of video for the long-session check (default 3; its own default is 30)")
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

    print("\n== \"Why?\" heat maps: ms per map against one plain inference, and the Camera panel with \"Why?\" on")
    # Its own interpreter: the live part makes a Qt application of its own.
    subprocess.run([sys.executable, "-m", "benchmarks.bench_explain", "--live"], check=True)

    print(f"\n== Long session: {args.soak_recognitions} recognitions, {args.soak_minutes:g} minutes of video")
    # Its own interpreter: memory and threads must be the app's alone. A FAIL is reported, not fatal.
    subprocess.run([sys.executable, "-m", "benchmarks.bench_soak", "--recognitions", str(args.soak_recognitions),
                    "--video-minutes", str(args.soak_minutes)], check=False)

    from benchmarks import bench_bundle

    if bench_bundle.bundle_executable(bench_bundle.default_bundle()) is not None:
        print("\n== The bundled app (installer/build_linux.sh): cold start against python -m desktop, size")
        subprocess.run([sys.executable, "-m", "benchmarks.bench_bundle", "--starts", str(args.starts)], check=True)
    else:
        print(f"\n== The bundled app: skipped, no bundle in {bench_bundle.default_bundle()} (installer/build_linux.sh)")

    print("\n== Closing the app while it captures, classifies or trains (1 run per case)")
    subprocess.run([sys.executable, "-m", "benchmarks.bench_exit", "--runs", "1"], check=False)

    print("\n== Kernels panel: convolution per frame against a naive loop")
    print(bench_kernels.report())

    print("\n== Teach panel: embedding rate on 2 cores, head training time")
    # Its own interpreter: it pins itself to two cores, which must not slow the others.
    subprocess.run([sys.executable, "-m", "benchmarks.bench_teach"], check=True)

    print("\n== It learns your handwriting: the personal layer on held-out synthetic writers")
    # Its own interpreter: it draws writers with the training package and keeps samples in its own folders.
    subprocess.run([sys.executable, "-m", "benchmarks.personal_writers"], check=True)

    print("\n== Training speed, course CNN")
    print(bench_training.report(bench_training.run(args.samples, args.epochs, data=args.data)))

    print(f"\nAll benchmarks took {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
