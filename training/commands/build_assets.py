"""``python -m training build-assets``: reproduce the shipped character models.

Synthetic handwriting (fixed seed) plus, for the course CNN, many synthetic writers' samples drawn
in memory (fixed seed) -> the course's logistic regression and the course CNN -> evaluation
report, plots and feature visualisations -> ONNX files with sidecar reports (and their
``<model>.features/`` pictures) in ``assets/models/`` -> each calibrated (temperature scaling on
other synthetic writers with fixed seeds, so a rebuild gives the same temperature).
The two residual networks are built resumably from the writers alone (:mod:`training.vocabulary_build`,
on a schedule of their own, batch-norm statistics re-estimated at the end): ``casia55-best`` reads
the pictures of the same writers the course CNN learns from (their drawn blocks are shared), then is
polished towards print; ``casia55-online``, the stroke model, reads ink + 8 pen-direction channels
of other writers' strokes.
``--quick`` is the same path on a fraction of the data, for development.
``--vocabulary gb2312-1`` builds the whole-vocabulary model instead (``hanzi3755-best``, the 3,755
GB2312 level-1 characters; :mod:`training.vocabulary_build`): resumable, so the same command run
again after a stop continues where it stopped. ``--reports-only``
refreshes the reports and pictures of the course models' ONNX files already there from their
training runs, without training, keeping their calibration section.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.core.contract import COURSE_CHARACTERS


@dataclass(frozen=True)
class ShippedModel:
    model: str  # a name of training.models.MODELS
    title: str
    augment: bool
    features: tuple[str, ...]  # layers exposed as features_<layer> for the Write panel
    writers: bool  # trained on the synthetic writers too, with the shorter schedule that data allows


#: The logistic model is the course's honest baseline: trained exactly as in the course (600
#: images per character, no augmentation). The course CNN also sees whole synthetic hands
#: (training/writers.py), which real hurried writing needs.
SHIPPED = {
    "casia55-logistic": ShippedModel("logistic", "Logistic regression (55 characters)", False, (), writers=False),
    "casia55-cnn": ShippedModel("cnn", "Course CNN (55 characters)", True, ("conv1", "conv2"), writers=True),
}
#: The residual networks, built resumably (training.vocabulary_build) from the writers alone: the
#: image model (the app's default for pictures) and the stroke model (Write panel and ``recognize``
#: on stroke files), the same network on ink + 8 pen-direction channels.
BEST_NAME = "casia55-best"
ONLINE_NAME = "casia55-online"
RESUMABLE = (BEST_NAME, ONLINE_NAME)
RESIDUAL_MODEL, RESIDUAL_FEATURES = "residual", ("stem_relu", "stage1_out")
#: Epochs of each (cosine learning rate); the image model trained 13 epochs with early stopping before,
#: on 1.3 times the images (the course's too), and kept the 9th
RESUMABLE_EPOCHS = {BEST_NAME: 6, ONLINE_NAME: 8}
BATCH_NORM_BATCHES = 200  # batches that re-estimate the batch-norm statistics after training
DATA_SEED = 0
WRITERS_SEED = 100  # the course CNN's and casia55-best's writers, apart from the calibration writers' (7000, 8000)
#: casia55-best's polish towards print (as hanzi3755-best's; assets/models/README.md): the first 150 writers per
#: character and every character printed 10 times in each training face, one epoch, blended 0.7 of the way back
BEST_POLISH = {"polish_writers_per_char": 150, "print_variants": 10, "polish_blend": 0.7}
#: Epochs, early-stopping patience and learning-rate patience for the course CNN trained on the writers:
#: an epoch there is five times the course's, so fewer are needed.
WRITER_SCHEDULE = (14, 4, 2)
#: --quick: images per character (training, test, writers) and at most this many epochs.
QUICK = (100, 20, 200, 3)


def configure(p) -> None:
    p.add_argument("--data", default="data/synth55", help="synthetic dataset folder (made when missing)")
    p.add_argument("--runs", default="runs/assets", help="where the training runs, reports and plots go")
    p.add_argument("--out", default=None, help="folder for the ONNX files (default: the app's assets/models)")
    p.add_argument("--train", type=int, default=600, help="synthetic training images per character")
    p.add_argument("--test", type=int, default=140, help="synthetic test images per character")
    p.add_argument("--writers", type=int, default=2000,
                   help="synthetic writers' images per character added to the CNNs' training data (0: none)")
    p.add_argument("--epochs", type=int, default=None,
                   help=f"most epochs per model (default: 100 as in the course, {WRITER_SCHEDULE[0]} with writers; the "
                        f"residual networks {', '.join(f'{n} {e}' for n, e in RESUMABLE_EPOCHS.items())})")
    p.add_argument("--models", default=",".join([*SHIPPED, *RESUMABLE]),
                   help="which shipped models to build, comma-separated")
    p.add_argument("--calibration-samples", type=int, default=40,
                   help="calibration images per character, and as many held-out writers' images to check it "
                        "(0: do not calibrate)")
    p.add_argument("--quick", action="store_true",
                   help=f"a fast development build: {QUICK[0]} training, {QUICK[1]} test and {QUICK[2]} writers' "
                        f"images per character, at most {QUICK[3]} epochs (use another --data and --out)")
    p.add_argument("--vocabulary", default=None,
                   help="build the whole-vocabulary model of this vocabulary instead of the course models "
                        "(gb2312-1: the 3,755 common characters; hours on a laptop, resumable: run the same "
                        "command again to continue after a stop)")
    p.add_argument("--no-polish", action="store_true",
                   help="leave out the polish on printed characters (casia55-best's; with --vocabulary: stop after "
                        "the main epochs and build <name>-unpolished beside the shipped model, for comparison)")
    p.add_argument("--print-face", action="append", default=[], metavar="FACE",
                   help="a face the polish prints its samples in, instead of the six it names (a fontconfig pattern "
                        "or FILE[:INDEX]; repeatable). The published figures are for those six")
    p.add_argument("--strategy", choices=("none", "multiworker"), default="none",
                   help="'multiworker' trains the residual networks (casia55-best, casia55-online) or --vocabulary's "
                        "model on the cluster in TF_CONFIG "
                        "(the same command on every machine; resumable on each)")
    p.add_argument("--train-only", action="store_true",
                   help="with --vocabulary or --models casia55-best,casia55-online: draw and train (resumably), then stop before "
                        "evaluating and exporting. For a machine that trains under another Keras backend "
                        "(KERAS_BACKEND=jax on an accelerator without TensorFlow): copy the run folder back and run "
                        "the same command without --train-only to evaluate, export and calibrate")
    p.add_argument("--workers", type=int, default=None,
                   help="processes drawing the writers' samples (default: one per core)")
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

    from ..errors import TrainingError

    if args.vocabulary:
        return _build_vocabulary(args)
    wanted = wanted_models(args)
    if args.strategy == "multiworker" and not set(wanted) <= set(RESUMABLE):
        raise TrainingError("--strategy multiworker trains the residual networks (--models casia55-best,casia55-online) "
                            "or --vocabulary's model; the other course models train on one machine")
    if args.train_only and not set(wanted) <= set(RESUMABLE):
        raise TrainingError("--train-only stops the residual networks' builds (--models casia55-best,casia55-online) "
                            "or --vocabulary's; the other course models train and export in one go")
    unknown = [m for m in wanted if m not in SHIPPED and m not in RESUMABLE]
    if unknown:
        raise TrainingError(f"unknown shipped model(s) {', '.join(unknown)}; "
                            f"choose from {', '.join([*SHIPPED, *RESUMABLE])}")
    if args.quick:
        args.train, args.test, args.writers = QUICK[:3]
        args.epochs = min(args.epochs or QUICK[3], QUICK[3])
    data, runs = Path(args.data), Path(args.runs)
    out = Path(args.out) if args.out else assets_dir() / "models"
    if args.reports_only:
        for name in wanted:
            if name in SHIPPED:
                refresh_report(runs / name, data, out / f"{name}.onnx")
            else:
                print(f"{name}: built resumably; its report is written as it is built")
        return 0
    started = time.perf_counter()
    specs = {name: residual_spec(name, args) for name in RESUMABLE if name in wanted}
    _check_print_faces(specs.values())
    image_models = [name for name in wanted if name in SHIPPED]
    # the course CNN's writers are casia55-best's: its build reads back the blocks drawn here
    shared = runs / specs[BEST_NAME].name / "data" / "train" if BEST_NAME in specs else None
    sources = _TrainingData(args, data, shared) if image_models else None
    summary = {name: _build_one(name, sources, runs / name, out, args) for name in image_models}
    sources = None  # the course's images and the CNN's writers: not needed while the residual networks train
    for name, spec in specs.items():
        figures = _build_resumable(spec, args, runs, out)
        if figures is not None:
            summary[name] = figures
    print(f"\nbuilt {', '.join(wanted)} in {(time.perf_counter() - started) / 60:.1f} min")
    for name, s in summary.items():
        print(f"  {name:<18} test accuracy {s['test']['accuracy']:.2%}  top-5 {s['test']['top5']:.2%}  "
              f"({s['minutes']} min)")
    return 0


def _check_print_faces(specs) -> None:
    """Stop now, naming the package to install, if a polish's face is missing (not after an hour of training)."""
    from ..vocabulary_build import polish_faces

    for spec in specs:
        polish_faces(spec)


def wanted_models(args) -> list[str]:
    return [m.strip() for m in args.models.split(",") if m.strip()]


def _build_vocabulary(args) -> int:
    from desktop.core.contract import assets_dir
    from desktop.core.vocabulary import VOCABULARIES

    from ..errors import TrainingError
    from ..vocabulary_build import VocabularyModel, build_vocabulary_model, quick

    if args.vocabulary != "gb2312-1":
        known = ", ".join(v for v in VOCABULARIES if v != "course")
        raise TrainingError(f"no whole-vocabulary model is built for {args.vocabulary!r}; choose {known} "
                            f"(the course characters are the default build)")
    spec = VocabularyModel()
    if args.no_polish:
        spec = replace(spec, name=f"{spec.name}-unpolished", title=f"{spec.title}, not polished", polish=None)
    if args.print_face:
        spec = replace(spec, print_faces=tuple(args.print_face))
    spec = quick(spec) if args.quick else spec
    runs = Path(args.runs)
    out = Path(args.out) if args.out else assets_dir() / "models"
    figures = build_vocabulary_model(spec, runs, out, workers=args.workers, calibrate=args.calibration_samples > 0,
                                     strategy=args.strategy, train_only=args.train_only)
    print(f"\nbuilt {spec.name}: {json.dumps(figures, ensure_ascii=False)}")
    return 0


def residual_spec(name: str, args):
    """How a residual network of the course build is built (``casia55-best`` or ``casia55-online``):
    ``args.writers`` samples per character, ``args.epochs`` (or the model's own), at most ``args.test``
    held-out samples per character, ``args.calibration_samples`` per character to calibrate; with
    ``args.quick`` another run folder and file name, so a development build never meets the full
    build's checkpoint."""
    from ..resumable_fit import ResumableSettings
    from ..vocabulary_build import POLISH, VocabularyModel

    writers = args.writers
    fit = ResumableSettings(epochs=args.epochs or RESUMABLE_EPOCHS[name])
    steps = -(-writers * len(COURSE_CHARACTERS) // fit.batch_size)
    common = dict(
        name=name + ("-quick" if args.quick else ""), vocabulary="course", model=RESIDUAL_MODEL,
        features=RESIDUAL_FEATURES, train_per_char=writers, validation_per_char=max(1, min(20, writers // 10)),
        test_per_char=max(1, min(40, args.test)), calibration_per_char=args.calibration_samples, fit=fit,
        neat_per_char=0,
        # Without it the moving averages trail the weights so far that inference mode reads 32 % of the
        # validation writers at epoch 3 (98 % with the statistics re-estimated).
        batch_norm_batches=min(BATCH_NORM_BATCHES, steps))
    if name == ONLINE_NAME:
        return VocabularyModel(title="Residual CNN on pen strokes (55 characters)", input_kind="strokes", polish=None,
                               **common)
    polish = None if args.no_polish else POLISH
    faces = {"print_faces": tuple(args.print_face)} if args.print_face else {}
    return VocabularyModel(title="Residual CNN (55 characters)", input_kind="image", train_seed=WRITERS_SEED,
                           polish=polish, visualise=True, **BEST_POLISH, **faces, **common)


def _build_resumable(spec, args, runs: Path, out: Path) -> dict | None:
    """Draw, train (resumably), evaluate, export and calibrate a residual network; its summary line's figures
    (None when it is skipped: it learns from the writers only)."""
    from ..vocabulary_build import build_vocabulary_model

    if args.writers <= 0:
        print(f"\n{spec.name} skipped: it learns from the synthetic writers only (--writers 0)")
        return None
    t = time.perf_counter()
    reads = "ink + 8 pen-direction channels" if spec.input_kind == "strokes" else "pictures"
    print(f"\n== {spec.name}: training {spec.model} on the writers' {reads} ==")
    figures = build_vocabulary_model(spec, runs, out, workers=args.workers, calibrate=args.calibration_samples > 0,
                                     strategy=args.strategy, train_only=args.train_only)
    if "worker" in figures:  # another worker of a cluster: the chief writes the model
        return None
    if "metrics" not in figures and args.train_only:
        print(f"{spec.name}: trained {figures['stopped_after_epoch']} epochs in {figures['minutes']} min; "
              f"run the same command without --train-only to evaluate, export and calibrate")
        return None
    if "metrics" not in figures:  # stopped: the same command continues
        raise SystemExit(f"{spec.name} stopped after epoch {figures['stopped_after_epoch']}")
    return {**{k: figures["metrics"][k] for k in ("train", "validation", "test")},
            "minutes": round((time.perf_counter() - t) / 60, 1)}


class _TrainingData:
    """The course's synthetic dataset (written once) and the writers' samples (drawn when first needed)."""

    def __init__(self, args, folder: Path, writers_cache: Path | None = None):
        from .. import casia
        from ..synth import write_dataset

        self.folder, self.args, self.writers_cache = folder, args, writers_cache
        if not _dataset_matches(folder, args.train, args.test):
            print(f"writing synthetic handwriting to {folder} (seed {DATA_SEED}) ...")
            write_dataset(folder, COURSE_CHARACTERS, train_per_class=args.train, test_per_class=args.test,
                          seed=DATA_SEED, progress=True)
        self.course = casia.load_split(folder, "Train", list(COURSE_CHARACTERS), progress=True)
        self.description = f"synthetic handwriting, {args.train} per character, seed {DATA_SEED} (python -m training synth)"
        self._with_writers = None

    def for_model(self, spec: ShippedModel):
        """(training data, its description) for one shipped model."""
        if not spec.writers or self.args.writers <= 0:
            return self.course, self.description
        if self._with_writers is None:
            from ..data import concatenate
            from ..writer_pool import writer_data

            count = self.args.writers * len(COURSE_CHARACTERS)
            print(f"drawing {count} synthetic writers' images (seed {WRITERS_SEED}) on every core ...")
            writers = writer_data(COURSE_CHARACTERS, count, seed=WRITERS_SEED, workers=self.args.workers,
                                  progress=True, cache=self.writers_cache)
            self._with_writers = concatenate([self.course, writers])
        return self._with_writers, (f"{self.description}, plus {self.args.writers} per character from synthetic "
                                    f"writers, seed {WRITERS_SEED} (training.writer_pool)")


def _settings(spec: ShippedModel, sources: _TrainingData, args):
    from ..train import TrainSettings

    if spec.writers and args.writers > 0:
        epochs, patience, reduce_lr = WRITER_SCHEDULE
        return TrainSettings(epochs=args.epochs or epochs, patience=patience, reduce_lr_patience=reduce_lr,
                             augment=spec.augment, verbose=2)
    return TrainSettings(epochs=args.epochs or 100, augment=spec.augment, verbose=2)


def _build_one(name: str, sources: _TrainingData, run_dir: Path, out: Path, args) -> dict:
    """Train, evaluate, visualise, export and calibrate one course model; its summary line's figures."""
    from ..calibrate import calibrate_with_writers
    from ..evaluate import evaluate_run
    from ..export import export_run
    from ..train import train
    from ..visualize import visualise_run

    spec = SHIPPED[name]
    t = time.perf_counter()
    print(f"\n== {name}: training {spec.model} ==")
    train_data, description = sources.for_model(spec)
    train(spec.model, train_data, run_dir, _settings(spec, sources, args), data_description=description,
          title=spec.title)
    report = evaluate_run(run_dir, sources.folder)
    visualise_run(run_dir)
    export_run(run_dir, out / f"{name}.onnx", title=spec.title, features=spec.features, data_root=sources.folder)
    if args.calibration_samples > 0:
        calibrate_with_writers(out / f"{name}.onnx", per_class=args.calibration_samples,
                               evaluation_per_class=args.calibration_samples)
    return {**{k: report["metrics"][k] for k in ("train", "validation", "test")},
            "minutes": round((time.perf_counter() - t) / 60, 1)}


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
