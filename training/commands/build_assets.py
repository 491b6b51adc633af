"""``python -m training build-assets``: reproduce the shipped character models.

Synthetic handwriting (fixed seed) -> the course's logistic regression and CNN -> evaluation
report, plots and feature visualisations -> ONNX files with sidecar reports (and their
``<model>.features/`` pictures) in ``assets/models/`` -> each calibrated (temperature scaling on
synthetic writers with fixed seeds, so a rebuild gives the same temperature). ``--reports-only``
refreshes the reports and pictures of the ONNX files already there from their training runs,
without training, keeping their calibration section.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from desktop.core.contract import COURSE_CHARACTERS

#: name -> (model, title, augment, feature layers). The logistic model is the course's honest
#: baseline: trained exactly as in the course, no augmentation.
SHIPPED = {
    "casia55-logistic": ("logistic", "Logistic regression (55 characters)", False, ()),
    "casia55-cnn": ("cnn", "Course CNN (55 characters)", True, ("conv1", "conv2")),
}
DATA_SEED = 0


def configure(p) -> None:
    p.add_argument("--data", default="data/synth55", help="synthetic dataset folder (made when missing)")
    p.add_argument("--runs", default="runs/assets", help="where the training runs, reports and plots go")
    p.add_argument("--out", default=None, help="folder for the ONNX files (default: the app's assets/models)")
    p.add_argument("--train", type=int, default=600, help="synthetic training images per character")
    p.add_argument("--test", type=int, default=140, help="synthetic test images per character")
    p.add_argument("--epochs", type=int, default=100, help="most epochs per model, as in the course (early stopping, patience 15)")
    p.add_argument("--models", default=",".join(SHIPPED), help="which shipped models to build, comma-separated")
    p.add_argument("--calibration-samples", type=int, default=40,
                   help="calibration images per character, and as many held-out writers' images to check it "
                        "(0: do not calibrate)")
    p.add_argument("--reports-only", action="store_true",
                   help="no training: evaluate the existing runs, render their feature pictures and refresh the "
                        "reports beside the existing ONNX files (which stay unchanged)")


def _dataset_matches(folder: Path, train: int, test: int) -> bool:
    info = folder / "synth.json"
    if not info.is_file():
        return False
    meta = json.loads(info.read_text(encoding="utf-8"))
    return (meta.get("chars"), meta.get("train_per_class"), meta.get("test_per_class"), meta.get("seed")) == (
        COURSE_CHARACTERS, train, test, DATA_SEED)


def run(args) -> int:
    from desktop.core.contract import assets_dir

    from .. import casia
    from ..errors import TrainingError
    from ..evaluate import evaluate_run
    from ..calibrate import calibrate_with_writers
    from ..export import export_run
    from ..synth import write_dataset
    from ..train import TrainSettings, train
    from ..visualize import visualise_run

    wanted = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in wanted if m not in SHIPPED]
    if unknown:
        raise TrainingError(f"unknown shipped model(s) {', '.join(unknown)}; choose from {', '.join(SHIPPED)}")
    data, runs = Path(args.data), Path(args.runs)
    out = Path(args.out) if args.out else assets_dir() / "models"
    if args.reports_only:
        for name in wanted:
            refresh_report(runs / name, data, out / f"{name}.onnx")
        return 0
    started = time.perf_counter()
    if not _dataset_matches(data, args.train, args.test):
        print(f"writing synthetic handwriting to {data} (seed {DATA_SEED}) ...")
        write_dataset(data, COURSE_CHARACTERS, train_per_class=args.train, test_per_class=args.test,
                      seed=DATA_SEED, progress=True)
    train_data = casia.load_split(data, "Train", list(COURSE_CHARACTERS), progress=True)
    description = f"synthetic handwriting, {args.train} per character, seed {DATA_SEED} (python -m training synth)"
    summary = {}
    for name in wanted:
        model_name, title, augment, features = SHIPPED[name]
        run_dir = runs / name
        t = time.perf_counter()
        print(f"\n== {name}: training {model_name} ==")
        train(model_name, train_data, run_dir, TrainSettings(epochs=args.epochs, augment=augment, verbose=2),
              data_description=description, title=title)
        report = evaluate_run(run_dir, data)
        visualise_run(run_dir)
        export_run(run_dir, out / f"{name}.onnx", title=title, features=features, data_root=data)
        if args.calibration_samples > 0:
            calibrate_with_writers(out / f"{name}.onnx", per_class=args.calibration_samples,
                                   evaluation_per_class=args.calibration_samples)
        summary[name] = {**{k: report["metrics"][k] for k in ("train", "validation", "test")},
                         "minutes": round((time.perf_counter() - t) / 60, 1)}
    print(f"\nbuilt {', '.join(wanted)} in {(time.perf_counter() - started) / 60:.1f} min")
    for name, s in summary.items():
        print(f"  {name:<18} test accuracy {s['test']['accuracy']:.2%}  top-5 {s['test']['top5']:.2%}  "
              f"({s['minutes']} min)")
    return 0


def refresh_report(run_dir: Path, data: Path, onnx_path: Path) -> Path:
    """Evaluate ``run_dir`` on ``data``, render its feature pictures and rewrite ``onnx_path``'s sidecar.

    The ONNX file itself is not touched; the title and model fields of its current sidecar are
    kept, so the app shows the same name. Returns the sidecar's path.
    """
    from desktop.core.contract import report_path

    from ..errors import DataError
    from ..evaluate import evaluate_run
    from ..export import publish_report
    from ..report import read_json
    from ..visualize import visualise_run

    if not onnx_path.is_file():
        raise DataError(f"{onnx_path}: no ONNX file to refresh the report of (build it first)")
    shipped = read_json(report_path(onnx_path)) if report_path(onnx_path).is_file() else {}
    t = time.perf_counter()
    evaluate_run(run_dir, data)
    visualise_run(run_dir)
    report = read_json(run_dir / "report.json")
    if shipped.get("model"):
        report["model"] = shipped["model"]
    if shipped.get("calibration"):  # the ONNX file keeps its temperature, so the report keeps its figures
        report["calibration"] = shipped["calibration"]
    sidecar = publish_report(report, run_dir, onnx_path)
    print(f"refreshed {sidecar} ({sidecar.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - t:.0f} s")
    return sidecar
