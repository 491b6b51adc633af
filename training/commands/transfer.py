"""``python -m training transfer``: a new photo classifier from class folders, on an ImageNet base."""

from __future__ import annotations

from pathlib import Path


def configure(p) -> None:
    from training.transfer import LITE_BASE, TransferSettings, base_names

    defaults = TransferSettings()
    p.add_argument("--data", required=True, type=Path, help="folder with one sub-folder of photos per class")
    p.add_argument("--base", default=LITE_BASE, choices=base_names(), metavar="BASE",
                   help=f"{LITE_BASE} (default) or a keras.applications base: {', '.join(base_names()[1:])}")
    p.add_argument("--weights", default="imagenet",
                   help="keras.applications bases: 'imagenet', 'none' (random) or a local weights FILE")
    p.add_argument("--size", type=int, default=None, help="input size of a keras.applications base")
    p.add_argument("--epochs", type=int, default=defaults.epochs, help="epochs with the base frozen")
    p.add_argument("--batch-size", type=int, default=defaults.batch_size)
    p.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    p.add_argument("--patience", type=int, default=defaults.patience, help="early stopping patience (epochs)")
    p.add_argument("--fine-tune", action="store_true", help="then unfreeze the base (BatchNormalization stays frozen)")
    p.add_argument("--fine-tune-epochs", type=int, default=defaults.fine_tune_epochs)
    p.add_argument("--fine-tune-lr", type=float, default=defaults.fine_tune_learning_rate,
                   help="learning rate while fine-tuning (default %(default)g)")
    p.add_argument("--augment", action="store_true", help="random flip, rotation, zoom and contrast")
    p.add_argument("--out", type=Path, default=None, help="run folder (default: runs/transfer-<base>)")
    p.add_argument("--export", type=Path, default=None, metavar="FILE.onnx",
                   help="also write the model as ONNX with its report (the Camera panel lists it)")
    p.add_argument("--title", default=None, help="title shown in the app")


def run(args) -> int:
    from training.errors import TrainingError
    from training.transfer import TransferSettings, export_transfer, load_base, load_photo_folder, transfer

    if not args.data.is_dir():
        raise TrainingError(f"{args.data}: data folder not found (expected <class>/<image> folders)")
    weights = None if str(args.weights).lower() == "none" else args.weights
    base, base_title = load_base(args.base, weights=weights, input_size=args.size)
    data = load_photo_folder(args.data, int(base.inputs[0].shape[1]))
    settings = TransferSettings(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate,
                                patience=args.patience, fine_tune=args.fine_tune,
                                fine_tune_epochs=args.fine_tune_epochs, fine_tune_learning_rate=args.fine_tune_lr,
                                augment=args.augment)
    title = args.title or f"{base_title} transfer: {', '.join(data.class_names)}"
    trained_on = f"{args.data} ({len(data)} photos, {len(data.class_names)} classes), base {base_title}"
    out = args.out or Path("runs") / f"transfer-{args.base}"
    result = transfer(base, data, out, settings, base_name=args.base, title=title, data_description=trained_on)
    print(f"saved {out / 'model.keras'} and {out / 'history.json'}")
    if args.export:
        export = export_transfer(result, args.export, title=title, trained_on=trained_on)
        print(f"wrote {export.path} (onnxruntime vs Keras: {export.max_output_difference:.2g})")
    return 0
