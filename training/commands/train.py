"""``python -m training train``: fit a course model on a CASIA-style dataset."""

from __future__ import annotations

from pathlib import Path

from ..models import MODELS
from ..train import STRATEGIES, TrainSettings


def configure(p) -> None:
    p.add_argument("--model", required=True, choices=sorted(MODELS), help="which model to train")
    p.add_argument("--data", required=True,
                   help="dataset: a folder with Train/<char>/*.png (CASIA layout), a .gnt/.pot file or a folder of them")
    p.add_argument("--out", default=None, help="run folder to write (default: runs/<model>)")
    p.add_argument("--classes", default="course",
                   help="'course' (the 55 characters, default), 'all' (every class present) or the characters")
    p.add_argument("--epochs", type=int, default=100, help="most epochs (early stopping usually ends sooner)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--patience", type=int, default=15, help="early-stopping patience on val_accuracy")
    p.add_argument("--augment", action="store_true", help="random small rotations, shifts and zooms while training")
    p.add_argument("--strategy", choices=STRATEGIES, default="none",
                   help="tf.distribute strategy; 'multiworker' trains on the cluster in TF_CONFIG (one process per "
                        "worker, the same command on each; run it again after a crash to continue)")
    p.add_argument("--seed", type=int, default=123)
    p.add_argument("--strict", action="store_true", help="stop at the first corrupt file instead of skipping it")
    p.add_argument("--input", choices=("image", "strokes"), default="image",
                   help="what the model reads: the picture (default), or 'strokes': the ink and the 8 directions the "
                        "pen moved, for .pot pen data (OLHWDB); the export is a stroke model the Write panel runs")
    p.add_argument("--stream", action="store_true",
                   help="decode images on the fly instead of loading them all (the full database; "
                        "CASIA folders only; corrupt files are dropped)")


def run(args) -> int:
    from ..casia import load_any
    from ..data import resolve_classes
    from ..errors import TrainingError
    from ..train import multi_worker_strategy, train, train_streaming, worker_role

    if args.strategy == "multiworker":
        multi_worker_strategy()  # TensorFlow accepts a cluster's collective ops only before its first operation
    if args.epochs < 1 or args.batch_size < 1 or args.patience < 0 or args.learning_rate <= 0:
        raise TrainingError("--epochs and --batch-size must be at least 1, --patience 0 or more, --learning-rate above 0")
    try:
        classes = resolve_classes(args.classes)
    except ValueError as exc:
        raise TrainingError(str(exc)) from exc
    settings = TrainSettings(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate,
                             patience=args.patience, augment=args.augment, strategy=args.strategy, seed=args.seed,
                             input_kind=args.input)
    out = Path(args.out) if args.out else Path("runs") / args.model
    if args.stream:
        if args.input != "image":
            raise TrainingError("--stream decodes picture folders; train --input strokes on .pot files without it")
        train_streaming(args.model, args.data, out, settings, classes=classes)
    else:
        data = load_any(args.data, split="Train", classes=classes, strict=args.strict, progress=True,
                        input_kind=args.input)
        if data.skipped:
            print(f"skipped {len(data.skipped)} unreadable files (first: {data.skipped[0][0]}: {data.skipped[0][1]})")
        train(args.model, data, out, settings, data_description=str(args.data))
    role = worker_role(args.strategy)
    if role.is_chief:
        print(f"saved {out / 'model.keras'} and {out / 'history.json'}")
    else:
        print(f"worker {role.index} of {role.count} done; the chief saved the run")
    return 0
