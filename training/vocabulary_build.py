"""Build a character model for a whole vocabulary (the 3,755 GB2312 level-1 characters) from synthetic writers.

No real sample is used. Synthetic writers (:mod:`training.writers`) write every character of the
vocabulary from the vendored stroke medians; the samples are drawn on every core in blocks that
are kept in the run folder (``data/``), and the network trains with :mod:`training.resumable_fit`,
so a build stopped at any point (while drawing or between epochs) continues where it stopped
when the same command runs again, and ends with the same model as an unbroken run.

Run folder ``<runs>/<name>/``: ``data/`` (the drawn blocks), ``checkpoint/``, then what every
training run has (``model.keras``, ``history.json``, ``run.json``, ``report.json``, ``plots/``).
The model is exported to ``<out>/<name>.onnx`` with its report and calibrated on other writers.

Splits: ``train`` (training-range writers), ``validation`` (other training-range writers, for the
learning curves) and ``test``: **held-out writers** (style settings outside every training range),
the figure that says how the model copes with hands it has never seen.

**Polish** (``polish=POLISH``, part of the shipped build; ``build-assets --vocabulary gb2312-1
--no-polish`` leaves it out): the main epochs see only pens, and read print poorly (a bold serif
face 38 %). The polish is one short epoch from the main phase's last checkpoint, with batch norm
folded into the convolutions and frozen (:func:`training.models.fold_batch_norm`), on the first
training writers mixed with every character printed in a few free font faces that no benchmark
reads (:mod:`training.print_samples`). Alone it reads print far better and hurried held-out writers
about 2 points worse; so its weights are then blended halfway back towards the main phase's
(:func:`blend_weights`), which keeps most of both. Its checkpoints are in ``polish/checkpoint/``,
so it is resumable like the rest. Figures: ``assets/models/README.md``.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from desktop import __version__

from .data import CharacterData
from .print_samples import PRINT_FACES, PrintFace, locate_faces, print_samples
from .resumable_fit import CHECKPOINT, ResumableSettings, fit_resumable, refresh_batch_norm

TRAIN_SEED = 400  # apart from the course build's writers (100) and the calibration writers (7000, 8000)
VALIDATION_SEED = 401
TEST_SEED = 402  # held-out writers
NEAT_SEED = 403  # the careful writers of the polish
PRINT_SEED = 404  # the printed samples' sizes and weights
POLISH_FOLDER = "polish"
#: The polish: one epoch from a twentieth of the main learning rate (batch norm folded: the weights are
#: bigger than the main phase's, so a step of the same size moves them further)
POLISH = ResumableSettings(epochs=1, learning_rate=1e-4, seed=301)
#: On a cluster, batches of training samples every worker re-estimates the batch-norm statistics on
#: before the polish folds them into the weights (the same on every worker, so their weights agree)
CLUSTER_STATISTICS_BATCHES = 20
TRAIN_REPORT_SAMPLES = 20000  # the training-set figure is measured on this many of its samples


@dataclass(frozen=True)
class VocabularyModel:
    """One shipped whole-vocabulary model and how it is built (the defaults are the shipped build)."""

    name: str = "hanzi3755-best"
    vocabulary: str = "gb2312-1"
    model: str = "residual-wide"
    title: str = "Residual CNN (3,755 characters)"
    features: tuple[str, ...] = ("stem_relu", "stage1_out")
    #: 90, not 60: the same 4 epochs on half as many writers again read held-out writers 91.7 % against 88.1 %,
    #: fonts 79.7 % against 77.3 % (both trained on an accelerator; assets/models/README.md)
    train_per_char: int = 90
    validation_per_char: int = 1
    test_per_char: int = 2
    calibration_per_char: int = 2
    limit: int | None = None  # only the first ``limit`` characters of the vocabulary (development and tests)
    train_seed: int = TRAIN_SEED  # the training writers' stream
    #: render the feature pictures (``<model>.features/``: one per class, so for a few classes only)
    visualise: bool = False
    fit: ResumableSettings = field(default_factory=ResumableSettings)
    #: ``image`` (the drawing's picture) or ``strokes`` (ink + 8 pen-direction channels, a stroke model)
    input_kind: str = "image"
    #: batches of training samples that re-estimate the batch-norm statistics after the last epoch
    #: (:func:`training.resumable_fit.refresh_batch_norm`; 0: the moving averages as trained)
    batch_norm_batches: int = 0
    #: the polish's own schedule (None: no polish) and what it trains on: the first training writers
    #: (per character), careful writers (per character, drawn for it: the ``neat`` split) and every
    #: character printed ``print_variants`` times in each of ``print_faces`` (:mod:`training.print_samples`)
    polish: ResumableSettings | None = POLISH
    polish_writers_per_char: int = 15
    neat_per_char: int = 0
    print_faces: tuple[PrintFace | str, ...] = PRINT_FACES
    print_variants: int = 1
    #: how far the polish's weights are kept from the main phase's (:func:`blend_weights`; 1: the polish alone)
    polish_blend: float = 0.5

    @property
    def channels(self) -> int:
        from desktop.core.contract import INPUT_OF_KIND

        return INPUT_OF_KIND[self.input_kind][1]


def characters(spec: VocabularyModel) -> list[str]:
    from desktop.core.vocabulary import vocabulary

    chars = vocabulary(spec.vocabulary)
    return chars[: spec.limit] if spec.limit else chars


def draw_splits(spec: VocabularyModel, data_dir: Path, *, workers: int | None = None,
                progress: bool = True) -> dict[str, CharacterData]:
    """The three splits, drawn on every core, each block kept in ``data_dir`` as it is finished."""
    from .writer_pool import writer_data
    from .writers import NEAT_VARIATION, WRITER_VARIATION, WriterRanges

    chars = characters(spec)
    plan = {
        "train": (spec.train_per_char, spec.train_seed, None, "", WRITER_VARIATION),
        "validation": (spec.validation_per_char, VALIDATION_SEED, None, "", WRITER_VARIATION),
        "test": (spec.test_per_char, TEST_SEED, WriterRanges.held_out(), ", held-out styles", WRITER_VARIATION),
    }
    if spec.polish is not None and spec.neat_per_char > 0:
        plan["neat"] = (spec.neat_per_char, NEAT_SEED, WriterRanges.neat(), ", careful writers", NEAT_VARIATION)
    splits = {}
    for split, (per_char, seed, ranges, styles, params) in plan.items():
        count = per_char * len(chars)
        if progress:
            print(f"{split}: {count} samples of synthetic writers (seed {seed}{styles}) ...", flush=True)
        splits[split] = writer_data(chars, count, seed=seed, ranges=ranges, params=params, workers=workers,
                                    progress=progress, cache=data_dir / split, input_kind=spec.input_kind)
    return splits


def build_vocabulary_model(spec: VocabularyModel, runs: str | Path, out: str | Path, *,
                           workers: int | None = None, stop_after: int | None = None,
                           calibrate: bool = True, strategy: str = "none", train_only: bool = False) -> dict[str, Any]:
    """Draw, train (resumably), evaluate, export and calibrate ``spec``; the build's figures.

    ``stop_after`` ends the call after that many epochs in total without exporting (as a stop
    would; the next call continues). ``train_only`` ends it after the last epoch, before anything
    that needs TensorFlow: an accelerator machine can train under another Keras backend
    (``KERAS_BACKEND=jax``), and the same call without it, where TensorFlow is, continues from the
    copied run folder to evaluate, export and calibrate. ``strategy="multiworker"`` trains on the cluster in
    ``TF_CONFIG``, the same call on every worker: each draws the samples and keeps its checkpoints
    in a folder of its own (the chief ``<runs>/<name>``, worker n ``<runs>/<name>.worker-<n>``), and
    only the chief evaluates, exports and calibrates; the others return their weights' fingerprint.
    """
    from . import models
    from .train import multi_worker_strategy, weights_fingerprint, worker_role

    if strategy == "multiworker":
        multi_worker_strategy()  # before TensorFlow runs anything: a cluster's collective ops need it
    role = worker_role(strategy)
    run_dir = Path(runs) / (spec.name if role.is_chief else f"{spec.name}.worker-{role.index}")
    faces = polish_faces(spec)  # before hours of drawing and training: a missing face stops the build now
    started = time.perf_counter()
    splits = draw_splits(spec, run_dir / "data", workers=workers)
    drawn = time.perf_counter()
    chars = characters(spec)
    key = run_key(spec, chars)
    model, history = fit_resumable(lambda: models.build(spec.model, len(chars), spec.channels), splits["train"],
                                   splits["validation"], run_dir, spec.fit, key=key, stop_after=stop_after,
                                   strategy=strategy)
    epochs = spec.fit.epochs
    if spec.polish is not None and history["stopped_epoch"] >= epochs:
        model, history = _polish(spec, splits, run_dir, key, history, stop_after=stop_after, strategy=strategy,
                                 faces=faces)
        epochs += spec.polish.epochs
    trained = time.perf_counter()
    if train_only or history["stopped_epoch"] < epochs:
        return {"stopped_after_epoch": history["stopped_epoch"],
                "minutes": {"draw": round((drawn - started) / 60, 1), "train": round((trained - drawn) / 60, 1)}}
    if spec.batch_norm_batches and spec.polish is None:  # a polish re-estimates them before folding them in
        refresh_batch_norm(model, splits["train"], spec.batch_norm_batches, spec.fit.batch_size, spec.fit.seed)
        history["batch_norm"] = (f"moving statistics re-estimated after the last epoch on {spec.batch_norm_batches} "
                                 f"batches of {spec.fit.batch_size} training samples")
    if role.count > 1:  # the learnt weights agree; batch-norm statistics are each worker's own estimate
        print(f"worker {role.index} of {role.count}: trainable weights fingerprint "
              f"{weights_fingerprint(model, trainable_only=True)}", flush=True)
    if not role.is_chief:  # the chief's run is the build; this worker's copy of the data and checkpoints goes
        shutil.rmtree(run_dir, ignore_errors=True)
        return {"worker": role.index, "fingerprint": weights_fingerprint(model, trainable_only=True)}
    figures = _finish(spec, run_dir, model, history, splits, Path(out), calibrate=calibrate)
    figures["minutes"] = {"draw": round((drawn - started) / 60, 1), "train": round((trained - drawn) / 60, 1),
                          "total": round((time.perf_counter() - started) / 60, 1)}
    return figures


def _finish(spec: VocabularyModel, run_dir: Path, model, history: dict[str, Any], splits: dict[str, CharacterData],
            out: Path, *, calibrate: bool) -> dict[str, Any]:
    """The trained run's files, report, ONNX export and calibration (what needs TensorFlow); their figures."""
    chars = characters(spec)
    _save_run(run_dir, model, history, spec, chars, {k: len(v) for k, v in splits.items()})
    report = evaluate_vocabulary_run(run_dir, splits)
    if spec.visualise:
        from .visualize import visualise_run

        visualise_run(run_dir)
    onnx_path = export_vocabulary_model(run_dir, out, spec)
    calibration = None
    if calibrate and spec.calibration_per_char > 0:
        from .calibrate import calibrate_with_writers

        calibration = calibrate_with_writers(onnx_path, chars=chars, per_class=spec.calibration_per_char,
                                             evaluation_per_class=spec.calibration_per_char)
    return {"onnx": str(onnx_path), "metrics": report["metrics"],
            "temperature": (calibration or {}).get("temperature")}


def run_key(spec: VocabularyModel, chars: list[str]) -> dict[str, Any]:
    """What the main phase's checkpoints depend on (a checkpoint of another key is refused)."""
    key = {"vocabulary": spec.vocabulary, "characters": len(chars), "model": spec.model,
           # the careful writers feed only the polish, whose key names them
           "data": {k: v for k, v in asdict(spec).items()
                    if (k.endswith("per_char") and k != "neat_per_char") or k == "limit"},
           "seeds": [spec.train_seed, VALIDATION_SEED]}
    if spec.input_kind != "image":  # image builds keep the key their checkpoints were written under
        key["input_kind"] = spec.input_kind
    return key


def _prints(spec: VocabularyModel) -> bool:
    """Whether the polish learns from printed samples (pictures: an image model's polish only)."""
    return spec.polish is not None and spec.print_variants > 0 and bool(spec.print_faces) and spec.input_kind == "image"


def polish_faces(spec: VocabularyModel) -> list[tuple[str, int]] | None:
    """The font files the polish prints in (None: it prints nothing); a missing face raises, naming its package."""
    return locate_faces(spec.print_faces) if _prints(spec) else None


def polish_data(spec: VocabularyModel, splits: dict[str, CharacterData],
                faces: list[tuple[str, int]] | None) -> CharacterData:
    """What the polish trains on: the first training writers, the careful ones, and the printed samples."""
    chars = characters(spec)
    train = splits["train"]
    parts = [train.subset(np.arange(min(len(train), spec.polish_writers_per_char * len(chars))))]
    if "neat" in splits:
        parts.append(splits["neat"])
    if faces:
        parts.append(print_samples(chars, faces, spec.print_variants, PRINT_SEED))
    return CharacterData(np.concatenate([p.images for p in parts]), np.concatenate([p.labels for p in parts]),
                         list(chars), [source for p in parts for source in p.sources])


def polish_key(spec: VocabularyModel, key: dict[str, Any]) -> dict[str, Any]:
    """What the polish's checkpoints depend on besides the main phase's."""
    return {**key, "after": {"settings": asdict(spec.fit)}, "neat_per_char": spec.neat_per_char,
            "seeds": [*key["seeds"], NEAT_SEED, PRINT_SEED], "polish_writers_per_char": spec.polish_writers_per_char,
            "print": {"faces": [str(f) for f in spec.print_faces], "variants": spec.print_variants},
            "blend": spec.polish_blend}


def _polish(spec: VocabularyModel, splits: dict[str, CharacterData], run_dir: Path, key: dict[str, Any],
            main: dict[str, Any], *, stop_after: int | None, strategy: str,
            faces: list[tuple[str, int]] | None) -> tuple[Any, dict[str, Any]]:
    """The polish after the main epochs (see the module's notes); the model and both phases' history.

    It starts from the main phase's last checkpoint with batch norm folded and frozen
    (:func:`training.models.fold_batch_norm`), a new optimizer on its own schedule, and keeps its
    checkpoints in ``polish/``: a stop during it continues there."""
    import keras

    from .models import fold_batch_norm
    from .train import worker_role

    main_model = run_dir / CHECKPOINT / f"epoch-{spec.fit.epochs}.keras"
    left = None if stop_after is None else max(0, stop_after - spec.fit.epochs)

    cluster = worker_role(strategy).count > 1

    def load_main():
        model = keras.models.load_model(main_model, compile=False)
        # The moving statistics may trail the last weights (spec.batch_norm_batches), and on a cluster each
        # worker's are its own: estimate them from the weights, alike everywhere, before folding them in.
        batches = spec.batch_norm_batches or (CLUSTER_STATISTICS_BATCHES if cluster else 0)
        if batches:
            refresh_batch_norm(model, splits["train"], batches, spec.fit.batch_size, spec.fit.seed)
        return fold_batch_norm(model)

    start: list[list[np.ndarray]] = []  # the folded main weights, kept for the blend when the polish starts here

    def start_polish():
        model = load_main()
        start.append(model.get_weights())
        return model

    model, polished = fit_resumable(start_polish, polish_data(spec, splits, faces), splits["validation"],
                                    run_dir / POLISH_FOLDER, spec.polish, key=polish_key(spec, key), stop_after=left,
                                    strategy=strategy)
    if polished["stopped_epoch"] >= spec.polish.epochs:  # a polish resumed from its checkpoint loads them again
        blend_weights(model, start[0] if start else load_main().get_weights(), spec.polish_blend)
    history = joined_history(spec, main, polished)
    if spec.batch_norm_batches:
        history["batch_norm"] = (f"moving statistics re-estimated after the main epochs on {spec.batch_norm_batches} "
                                 f"batches of {spec.fit.batch_size} training samples, then folded into the weights")
    return model, history


def blend_weights(polished, main: list[np.ndarray], share: float) -> None:
    """``polished``'s weights moved back towards the ``main`` weights: ``main + share * (polished - main)``.

    The weight-space ensemble of a fine-tuned network and its start (Wortsman et al., "Robust
    fine-tuning of zero-shot models", 2022): the blend keeps most of what the polish learnt (print)
    and most of what the main phase knew (hurried writers), which the polished weights alone partly
    lose. Both hold batch norm folded, so every weight blends linearly.
    """
    polished.set_weights([m + share * (p - m) for p, m in zip(polished.get_weights(), main)])


def joined_history(spec: VocabularyModel, main: dict[str, Any], polished: dict[str, Any]) -> dict[str, Any]:
    """One history of the main epochs and the polish."""
    history = {name: list(main["history"].get(name, [])) + values for name, values in polished["history"].items()}
    val_acc = history.get("val_accuracy", [])
    return {
        **main,
        "history": history,
        "epoch_seconds": main["epoch_seconds"] + polished["epoch_seconds"],
        "best_epoch": int(np.argmax(val_acc)) + 1 if val_acc else main["stopped_epoch"],
        "stopped_epoch": spec.fit.epochs + polished["stopped_epoch"],
        "schedule": (f"{main['schedule']}; then a polish of {spec.polish.epochs} epoch(s), batch norm folded and "
                     f"frozen, on the first {spec.polish_writers_per_char} training writers per character"
                     f"{' and careful writers' if spec.neat_per_char else ''}"
                     f"{' and the characters printed in ' + str(len(spec.print_faces)) + ' font faces' if _prints(spec) else ''}, "
                     f"cosine decay from {spec.polish.learning_rate:g}; its weights then blended "
                     f"{spec.polish_blend:g} of the way from the main phase's"),
    }


def _save_run(run_dir: Path, model, history: dict[str, Any], spec: VocabularyModel, chars: list[str],
              samples: dict[str, int]) -> None:
    import keras
    import tensorflow as tf

    from desktop.core import atomic

    from . import models

    drawn_as = "" if spec.input_kind == "image" else ", as ink + 8 pen-direction channels"
    polished = ""
    if spec.polish is not None:
        careful = f", {spec.neat_per_char} careful writers (seed {NEAT_SEED})" if spec.neat_per_char else ""
        times = "once" if spec.print_variants == 1 else f"{spec.print_variants} times"
        printed = (f" and every character printed {times} in each of {len(spec.print_faces)} font faces "
                   f"(seed {PRINT_SEED})" if _prints(spec) else "")
        polished = f"; polished on the first {spec.polish_writers_per_char} training writers per character{careful}{printed}"
    description = (f"synthetic writers over the {len(chars)} characters of vocabulary {spec.vocabulary} "
                   f"({spec.train_per_char} per character, seed {spec.train_seed}{drawn_as}{polished}; "
                   f"training.vocabulary_build)")
    info = {
        "model": spec.model,
        "title": spec.title,
        "data": description,
        "class_names": chars,
        "output": models.output_kind(spec.model),
        "seed": spec.fit.seed,
        "settings": asdict(spec.fit),
        "polish": asdict(spec.polish) if spec.polish is not None else None,
        "samples": samples,
        "trained_on": description,
        "vocabulary": spec.vocabulary,
        "input_kind": spec.input_kind,
        "created_by": f"cnn-classroom {__version__}",
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }
    with atomic.atomic_path(run_dir / "model.keras", temp_suffix=".keras") as temp:
        model.save(temp)
    atomic.write_json_atomic(run_dir / "history.json", history)
    atomic.write_json_atomic(run_dir / "run.json", info)


def evaluate_vocabulary_run(run_dir: Path, splits: dict[str, CharacterData]) -> dict[str, Any]:
    """``report.json`` and ``plots/`` of the run: train (a sample of it), validation and held-out writers."""
    from . import plots
    from .evaluate import evaluate_splits
    from .report import build_report, write_json_atomic
    from .runs import load_run

    run = load_run(run_dir)
    train = splits["train"]
    if len(train) > TRAIN_REPORT_SAMPLES:
        train = train.subset(np.random.default_rng(0).choice(len(train), TRAIN_REPORT_SAMPLES, replace=False))
    evaluations = evaluate_splits(run.model, {"train": train, "validation": splits["validation"],
                                              "test": splits["test"]}, run.class_names, run.output_kind)
    report = build_report(run.model, name=run.name, title=run.title, output_kind=run.output_kind,
                          class_names=run.class_names, trained_on=run.info.get("trained_on", ""),
                          history_file=run.history, evaluations=evaluations,
                          size_bytes=run.model_file.stat().st_size)
    report["test_set"] = "held-out synthetic writers (styles outside every training range)"
    write_json_atomic(run_dir / "report.json", report)
    # the pictures show the ink (channel 0): a stroke model's direction channels are the same ink split up
    plots.plot_report(report, run_dir / "plots", detail_images=splits["test"].images[..., :1])
    return report


def export_vocabulary_model(run_dir: Path, out: Path, spec: VocabularyModel) -> Path:
    from .export import export_run

    return export_run(run_dir, out / f"{spec.name}.onnx", title=spec.title, features=spec.features)


def quick(spec: VocabularyModel, limit: int = 40) -> VocabularyModel:
    """The same build on the first ``limit`` characters, few samples and two epochs: minutes, for development."""
    return replace(spec, name=f"{spec.name}-quick", limit=limit, train_per_char=40, test_per_char=2,
                   neat_per_char=min(spec.neat_per_char, 10), fit=replace(spec.fit, epochs=2))

