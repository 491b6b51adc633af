"""``python -m training tune``: hyperparameter search for the course CNN with KerasTuner."""

from __future__ import annotations

from pathlib import Path

TUNERS = ("random", "bayesian", "hyperband")  # training.tune.TUNERS, without importing it for --help


def configure(p) -> None:
    p.description = (
        "Search the course CNN's hyperparameters (conv blocks, filters of each block, kernel size, dense units, "
        "dropout, learning rate) with KerasTuner. Each trial stops early on val_accuracy; tuning.json and "
        "tuning.png are rewritten after every trial; the best hyperparameters are retrained, evaluated on the "
        "Test split and exported to OUT/best/model.onnx. Running the same command again continues a stopped "
        "search (finished trials are kept, an interrupted one runs again)."
    )
    p.add_argument("--tuner", choices=TUNERS, default="bayesian", help="search strategy (default: bayesian)")
    p.add_argument("--max-trials", type=int, default=10, help="number of trials (hyperparameter sets) to run")
    p.add_argument("--data", required=True, type=Path, help="dataset root with Train/<char>/*.png (and Test/)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: runs/tune-<tuner>)")
    p.add_argument("--classes", default="course",
                   help="'course' (the 55 characters, default), 'all' (every class present) or the characters")
    p.add_argument("--epochs", type=int, default=10,
                   help="most epochs per trial (Hyperband: max_epochs) and for retraining the best")
    p.add_argument("--patience", type=int, default=3, help="early-stopping patience on val_accuracy in each trial")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--images-per-class", type=int, default=None, metavar="K",
                   help="use the first K training images of each class (default: all), split 80/20 as in the course")
    p.add_argument("--executions-per-trial", type=int, default=1,
                   help="train each trial this many times and average the score (less noise, more time)")
    p.add_argument("--initial-points", type=int, default=None,
                   help="bayesian: random trials before the Gaussian process takes over (default: max-trials / 3)")
    p.add_argument("--factor", type=int, default=3, help="hyperband: reduction factor between rounds")
    p.add_argument("--seed", type=int, default=123, help="seed of the tuner and of every trial's initial weights")
    p.add_argument("--tensorboard", action="store_true", help="also write TensorBoard logs (with HParams) to OUT/logs")
    p.add_argument("--no-export", action="store_true", help="retrain and evaluate the best model but write no ONNX file")
    p.add_argument("--strict", action="store_true", help="stop at the first corrupt image instead of skipping it")
    p.add_argument("--quiet", action="store_true", help="print only the results summary")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue the search saved in OUT/tuner (the default when it exists)")
    again.add_argument("--overwrite", action="store_true",
                       help="forget the search saved in OUT (tuner/, best/, tuning.json) and start afresh")


def run(args) -> int:
    from ..data import resolve_classes
    from ..errors import TrainingError
    from ..tune import TUNING_JSON, TuneSettings, tune

    try:
        classes = resolve_classes(args.classes)
    except ValueError as exc:
        raise TrainingError(str(exc)) from exc
    settings = TuneSettings(
        tuner=args.tuner, max_trials=args.max_trials, epochs=args.epochs, batch_size=args.batch_size,
        patience=args.patience, images_per_class=args.images_per_class,
        executions_per_trial=args.executions_per_trial, seed=args.seed, initial_points=args.initial_points,
        factor=args.factor, tensorboard=args.tensorboard,
    )
    out = args.out or Path("runs") / f"tune-{args.tuner}"
    document = tune(args.data, out, settings, classes=classes, overwrite=args.overwrite,
                    export=not args.no_export, strict=args.strict, verbose=not args.quiet)
    best = document["best"]
    finished = sum(1 for t in document["trials"] if t["status"] == "COMPLETED")
    test = f", test accuracy {best['test_accuracy']:.1%}" if best.get("test_accuracy") is not None else ""
    print(f"{finished} trials finished; best trial {best['trial_id']}: {document['objective']} "
          f"{best['score']:.4f}{test}")
    print(f"wrote {out / TUNING_JSON}" + (f" and {out / best['onnx']}" if best.get("onnx") else ""))
    return 0
