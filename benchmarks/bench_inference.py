"""Single-image latency of the course CNN: onnxruntime (the app's engine) against Keras.

Each runner gets the same ``[1, 80, 60, 1]`` image; the table shows median and 90th percentile
over ``--runs`` calls after ``--warmup`` calls, and each median as a multiple of onnxruntime's
(measured in the same run, on the same machine).

onnxruntime runs ``assets/models/casia55-cnn.onnx`` when it exists (the shipped model), or else
the same Keras network exported to ONNX in a temporary folder. Keras runs the network with
untrained weights: latency does not depend on the values of the weights.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.timing import Timing, machine_line, measure, quiet_tensorflow

NUM_CLASSES = 55
SHIPPED_CNN = Path(__file__).resolve().parents[1] / "assets" / "models" / "casia55-cnn.onnx"


def build_keras_cnn():
    from training import models

    model = models.build("cnn", NUM_CLASSES)
    model(np.zeros((1, *models.INPUT_SHAPE), np.float32))  # build the graph; export needs a called model
    return model


def onnx_session(path: Path):
    import onnxruntime

    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def run(runs: int = 200, warmup: int = 20, onnx_path: Path | None = None, seed: int = 0) -> list[Timing]:
    """Time every runner; the first entry is the onnxruntime baseline."""
    quiet_tensorflow()
    import tensorflow as tf

    model = build_keras_cnn()
    image = np.random.default_rng(seed).uniform(0, 255, (1, 80, 60, 1)).astype(np.float32)

    with tempfile.TemporaryDirectory() as tmp:
        if onnx_path is None and SHIPPED_CNN.is_file():
            onnx_path = SHIPPED_CNN
        exported = onnx_path is None
        if exported:
            onnx_path = Path(tmp) / "cnn.onnx"
            model.export(str(onnx_path), format="onnx", verbose=False)
        print(f"onnxruntime model: {'the Keras model below, exported' if exported else onnx_path}")
        session = onnx_session(onnx_path)
        feed = {session.get_inputs()[0].name: image}
        if exported:  # same weights: the two engines must agree, or the comparison is meaningless
            difference = np.abs(session.run(None, feed)[0] - model(image, training=False).numpy()).max()
            print(f"largest |onnxruntime - keras| on the test image: {difference:.2e}")

        tensor = tf.constant(image)
        compiled = tf.function(lambda x: model(x, training=False))
        runners = [
            ("onnxruntime", lambda: session.run(None, feed)),
            ("keras model.predict", lambda: model.predict(image, verbose=0)),
            ("keras model(x) eager", lambda: model(tensor, training=False).numpy()),
            ("tf.function", lambda: compiled(tensor).numpy()),
        ]
        return [measure(name, call, runs=runs, warmup=warmup) for name, call in runners]


def report(timings: list[Timing]) -> str:
    baseline = timings[0].median
    lines = [f"{'runner':<22}{'median ms':>11}{'p90 ms':>10}{'× onnxruntime':>15}"]
    for t in timings:
        lines.append(f"{t.name:<22}{t.median * 1e3:>11.3f}{t.p90 * 1e3:>10.3f}{t.median / baseline:>15.2f}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_inference", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed calls per runner (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls first (default 20)")
    parser.add_argument("--onnx", type=Path, default=None,
                        help="ONNX file for onnxruntime (default: the shipped casia55-cnn.onnx, else an export)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.onnx is not None and not args.onnx.is_file():
        print(f"error: no ONNX file at {args.onnx}", file=sys.stderr)
        return 2
    print(f"Single-image latency, course CNN ({machine_line()}); {args.runs} runs after {args.warmup} warm-up")
    print(report(run(args.runs, args.warmup, args.onnx)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
