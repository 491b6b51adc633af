"""``python -m training <command>``: one subcommand per module, each with ``--help``.

A command module provides ``configure(parser)`` and ``run(args) -> int``. Problems the user can
fix (``TrainingError``) print one clear line and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from desktop import __version__

from .errors import TrainingError

#: command -> (module, one-line help). Modules are imported only when their command runs.
COMMANDS = {
    "synth": ("training.commands.synth", "write synthetic handwriting in CASIA layout (Train|Test/<char>/<n>.png)"),
    "train": ("training.commands.train", "train a character model (course or classic architecture) on a CASIA-style dataset"),
    "evaluate": ("training.evaluate", "evaluate a training run or an ONNX model; write the report and plots"),
    "export": ("training.export", "export a training run to ONNX with metadata and check it against Keras"),
    "visualize": ("training.visualize", "render what the first conv filters and each class respond to (gradient ascent)"),
    "imagenet": ("training.commands.imagenet", "build, check and export an ImageNet photo model (EfficientNet-Lite, keras.applications)"),
    "transfer": ("training.commands.transfer", "transfer learning on class folders of photos: frozen ImageNet base + new head, optional fine-tuning"),
    "import-teachable": ("training.commands.import_teachable", "convert a Teachable Machine export (Keras .h5, TensorFlow.js model.json, or their .zip) to ONNX"),
    "calibrate": ("training.commands.calibrate", "fit a confidence temperature on held-out synthetic writers and store it in an ONNX model"),
    "build-assets": ("training.commands.build_assets", "rebuild the shipped character models from synthetic data"),
    "compare": ("training.commands.compare", "train several character models on the same images and compare accuracy, size and speed"),
    "classics": ("training.commands.classics", "write the layer tables and facts of LeNet-5, AlexNet, Inception and ResNet (classics.json)"),
    "tune": ("training.commands.tune", "search the CNN's hyperparameters with KerasTuner (random, bayesian, hyperband)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training", description="Train and export CNN Classroom models.")
    parser.add_argument("--version", action="version", version=f"cnn-classroom {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        importlib.import_module(module).configure(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
