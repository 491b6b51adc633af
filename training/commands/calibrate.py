"""``python -m training calibrate``: temperature scaling of an exported character model, in place.

Fits T on training-range synthetic writers (a seed no training data uses), checks it on writers
from the held-out ranges, stores T in the ONNX metadata and the before/after figures in the
sidecar report (see ``training/calibrate.py`` and docs/model-contract.md).
"""

from __future__ import annotations

from pathlib import Path


def configure(p) -> None:
    from ..calibrate import CALIBRATION_SEED, EVALUATION_SEED, WRONG_LIMIT

    p.add_argument("model", type=Path, help="the ONNX character model to calibrate (changed in place)")
    p.add_argument("--chars", default=None,
                   help="characters to draw the calibration sets from (default: every class of the model), e.g. 大天太")
    p.add_argument("--samples", type=int, default=40,
                   help="calibration images per character (training-range writers; default 40)")
    p.add_argument("--eval-samples", type=int, default=40,
                   help="check images per character (held-out writers; default 40, 0 for none)")
    p.add_argument("--seed", type=int, default=CALIBRATION_SEED,
                   help=f"seed of the calibration writers (default {CALIBRATION_SEED})")
    p.add_argument("--eval-seed", type=int, default=EVALUATION_SEED,
                   help=f"seed of the held-out check writers (default {EVALUATION_SEED})")
    p.add_argument("--wrong-limit", type=float, default=WRONG_LIMIT,
                   help=f"soften T until the calibration set's wrong answers are shown at this much or less on "
                        f"average (default {WRONG_LIMIT:g}; 1: T of the likelihood alone)")


def run(args) -> int:
    from desktop.core.onnx_model import ModelContractError

    from ..calibrate import calibrate_with_writers
    from ..data import resolve_classes
    from ..errors import DataError, TrainingError

    if args.samples < 1 or args.eval_samples < 0:
        raise TrainingError("--samples must be at least 1 and --eval-samples zero or more")
    if not 0 < args.wrong_limit <= 1:
        raise TrainingError("--wrong-limit is a confidence: more than 0 and at most 1")
    try:
        chars = resolve_classes(args.chars) if args.chars else None
    except ValueError as exc:
        raise TrainingError(str(exc)) from exc
    try:
        section = calibrate_with_writers(args.model, chars=chars, per_class=args.samples,
                                         evaluation_per_class=args.eval_samples, seed=args.seed,
                                         evaluation_seed=args.eval_seed, wrong_limit=args.wrong_limit)
    except ModelContractError as exc:
        raise DataError(str(exc)) from exc
    print(f"{args.model}: temperature {section['temperature']:.4f} ({section['rule']}; the likelihood's "
          f"{section['likelihood_temperature']:.4f}) written to the metadata and the report")
    return 0
