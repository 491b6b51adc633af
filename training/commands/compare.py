"""``python -m training compare``: train several models on the same images and compare them."""

from __future__ import annotations

from pathlib import Path

from ..models import MODELS


def configure(p) -> None:
    p.add_argument("--data", required=True, help="dataset root with Train/<char>/*.png and Test/<char>/*.png")
    p.add_argument("--models", default="logistic,cnn,lenet5,alexnet,inception,resnet",
                   help=f"comma-separated models to compare (from: {', '.join(MODELS)})")
    p.add_argument("--out", required=True, help="folder for compare.json/.md/.png and one sub-folder per model")
    p.add_argument("--classes", default="course",
                   help="'course' (the 55 characters, default), 'all' (every class present) or the characters")
    p.add_argument("--epochs", type=int, default=12, help="most epochs per model (early stopping may end sooner)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--images-per-class", type=int, default=150,
                   help="training images drawn per class (0: all of them); the test split is used in full")
    p.add_argument("--patience", type=int, default=4, help="early-stopping patience on validation accuracy")
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0, help="picks the images and seeds training")
    p.add_argument("--strict", action="store_true", help="stop at the first corrupt file instead of skipping it")


def run(args) -> int:
    from .. import casia
    from ..compare import JSON_NAME, MARKDOWN_NAME, PLOT_NAME, CompareSettings, compare_models, markdown_table
    from ..data import resolve_classes
    from ..errors import TrainingError

    names = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in names if m not in MODELS]
    if unknown or not names:
        raise TrainingError(f"unknown model(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(MODELS)}")
    if len(set(names)) != len(names):
        raise TrainingError("each model may be named once in --models")
    if args.epochs < 1 or args.batch_size < 1 or args.patience < 0 or args.images_per_class < 0 \
            or args.learning_rate <= 0:
        raise TrainingError("--epochs and --batch-size must be at least 1, --patience and --images-per-class "
                            "0 or more, --learning-rate above 0")
    try:
        classes = resolve_classes(args.classes)
    except ValueError as exc:
        raise TrainingError(str(exc)) from exc
    data = Path(args.data)
    train_all = casia.load_split(data, "Train", classes, strict=args.strict, progress=True)
    test = casia.load_split(data, "Test", train_all.class_names, strict=args.strict, progress=True)
    settings = CompareSettings(epochs=args.epochs, batch_size=args.batch_size,
                               images_per_class=args.images_per_class or None, seed=args.seed,
                               patience=args.patience, learning_rate=args.learning_rate)
    out = Path(args.out)
    result = compare_models(names, train_all, test, out, settings, data_name=data.name or str(data))
    print("\n" + markdown_table(result))
    print(f"\nwrote {out / JSON_NAME}, {out / MARKDOWN_NAME} and {out / PLOT_NAME}")
    return 0
