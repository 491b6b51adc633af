"""Hyperparameter search for the course CNN with KerasTuner (random, Bayesian, Hyperband).

``python -m training tune --tuner bayesian --max-trials 10 --data DATA --out DIR`` searches the
number of conv blocks, the filters of each block (one hyperparameter per block, active only when
the block exists), the kernel size, the dense units, dropout and the learning rate. Every trial
trains on the same images with the course's fixed 80/20 split (``random_state=123``) and stops
early on ``val_accuracy``; the objective is the best ``val_accuracy`` of the trial.

Output folder:

* ``tuner/``: KerasTuner's own state (oracle, one ``trial_<id>/`` per trial, plus our
  ``progress.json`` there with the seconds and epochs of the trial, and ``search.json`` with the
  settings). Running the same command again continues a stopped search: finished trials are kept,
  a trial that was cut off mid-way runs again. ``overwrite=True`` starts afresh.
* ``tuning.json`` (schema 1, kind ``tuning``: settings, search space, one row per trial with its
  hyperparameters, score, seconds and epochs, and the best model), rewritten after every trial so
  a running or interrupted search is always readable, and ``tuning.png``: the score of each trial
  and the best so far.
* ``best/``: the best hyperparameters retrained from scratch on the same training images with the
  same validation images for early stopping (so no epoch count has to be guessed), a run folder
  (``model.keras``, ``history.json``, ``run.json``, ``report.json``) evaluated on the Test split
  and exported to ``best/model.onnx`` with its sidecar report.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from desktop import __version__
from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, INPUT_NAME, LOGITS

from .data import CharacterData, train_validation_split
from .errors import DataError, TrainingError
from .report import write_json_atomic

TUNERS = ("random", "bayesian", "hyperband")
OBJECTIVE = "val_accuracy"
DIRECTION = "max"
SCHEMA = 1
TUNER_DIR = "tuner"  # KerasTuner's project_name inside the output folder
BEST_DIR = "best"
TUNING_JSON = "tuning.json"
TUNING_PNG = "tuning.png"
SEARCH_JSON = "search.json"
PROGRESS_JSON = "progress.json"

MAX_BLOCKS = 3
FILTERS = (8, 16, 32, 64)
#: The course CNN (16, 32, 64 filters, 3x3 kernels, Dense(64), no dropout, Adam 1e-3) is the
#: default point of the space, so the search can always find at least the course's model.
DEFAULT_FILTERS = (16, 32, 64)
SUMMARY_TRIALS = 5


@dataclass
class TuneSettings:
    tuner: str = "bayesian"
    max_trials: int = 10
    epochs: int = 10  # per trial; Hyperband's max_epochs
    batch_size: int = 64
    patience: int = 3  # early stopping on val_accuracy inside each trial
    images_per_class: int | None = None  # training images per class (the first ones); None = all
    executions_per_trial: int = 1
    seed: int = 123
    initial_points: int | None = None  # Bayesian: random trials before the Gaussian process
    factor: int = 3  # Hyperband's reduction factor
    tensorboard: bool = False

    def resumable_part(self) -> dict[str, Any]:
        """The settings a resumed search must share with the stopped one (max_trials may grow)."""
        kept = asdict(self)
        kept.pop("max_trials")
        kept.pop("tensorboard")
        return kept


# -- the search space ---------------------------------------------------------------------------
def build_model(hp, num_classes: int):
    """The course CNN with tunable depth and widths; logits out, raw 0..255 input named ``image``.

    Block ``i`` is Conv2D(``filters_i``) + max pooling (2, or 4 after the last block as in the
    course); ``filters_i`` lives in a conditional scope, so it is only tuned when the block exists.
    """
    import keras
    from keras import layers

    blocks = hp.Int("conv_blocks", 1, MAX_BLOCKS, default=MAX_BLOCKS)
    kernel = hp.Choice("kernel_size", [3, 5], default=3)
    x = inputs = keras.Input(shape=(CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1), name=INPUT_NAME)
    x = layers.Rescaling(1.0 / 255, name="rescaling")(x)
    for i in range(1, MAX_BLOCKS + 1):
        # Entered for every block (even absent ones) so the space lists each filters_i from the start.
        with hp.conditional_scope("conv_blocks", list(range(i, MAX_BLOCKS + 1))):
            filters = hp.Choice(f"filters_{i}", list(FILTERS), default=DEFAULT_FILTERS[i - 1])
        if i <= blocks:
            x = layers.Conv2D(filters, kernel, padding="same", activation="relu", name=f"conv{i}")(x)
            x = layers.MaxPooling2D(4 if i == blocks else 2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(hp.Int("dense_units", 32, 256, step=32, default=64), activation="relu", name="dense")(x)
    x = layers.Dropout(hp.Float("dropout", 0.0, 0.5, step=0.1, default=0.0), name="dropout")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    model = keras.Model(inputs, outputs, name="cnn_tuned")

    from .train import compile_model

    compile_model(model, LOGITS, hp.Float("learning_rate", 1e-4, 1e-2, sampling="log", default=1e-3), num_classes)
    return model


def _hypermodel(num_classes: int, seed: int, batch_size: int):
    import keras
    import keras_tuner as kt

    from .train import character_dataset

    class CourseCNN(kt.HyperModel):
        def build(self, hp):
            # The same seed for every trial: trials differ by their hyperparameters only.
            keras.utils.set_random_seed(seed)
            return build_model(hp, num_classes)

        def fit(self, hp, model, train: CharacterData, validation: CharacterData, **kwargs):
            # Fresh pipelines per trial, so every trial sees the same batches in the same order.
            return model.fit(
                character_dataset(train, batch_size, shuffle=True, seed=seed, augment=False),
                validation_data=character_dataset(validation, batch_size, shuffle=False, seed=seed, augment=False),
                shuffle=False,  # the tf.data pipeline already reshuffles every epoch
                **kwargs,
            )

    return CourseCNN(name="cnn_tuned")


def search_space_rows(hps) -> list[dict[str, Any]]:
    """The space as plain rows: name, type and range (min/max/step/sampling or values)."""
    rows = []
    for p in hps.space:
        config = p.get_config()
        row: dict[str, Any] = {"name": p.name, "type": type(p).__name__}
        if row["type"] in ("Int", "Float"):
            row.update(min=config["min_value"], max=config["max_value"])
            if config.get("step") is not None:
                row["step"] = config["step"]
            if config.get("sampling", "linear") != "linear":
                row["sampling"] = config["sampling"]
        elif row["type"] == "Choice":
            row["values"] = list(config["values"])
        elif row["type"] == "Fixed":
            row["value"] = config["value"]
        if config.get("default") is not None:
            row["default"] = config["default"]
        conditions = [c.get_config() for c in getattr(p, "conditions", [])]
        if conditions:
            row["conditions"] = [{"name": c["name"], "values": list(c["values"])} for c in conditions]
        rows.append(row)
    return rows


def active_values(hps) -> dict[str, Any]:
    """A trial's values of the hyperparameters that were in use (no Hyperband bookkeeping)."""
    values = hps.values
    active = {}
    for p in hps.space:
        if p.name in values and not p.name.startswith("tuner/") and hps.is_active(p):
            active[p.name] = _plain(values[p.name])
    return active


def _plain(value):
    value = value.item() if isinstance(value, np.generic) else value
    # Stepped floats come out as 0.30000000000000004; 12 significant digits lose nothing real.
    return float(f"{value:.12g}") if isinstance(value, float) else value


# -- data ---------------------------------------------------------------------------------------
def load_training_images(
    root: str | Path, classes: list[str] | None, images_per_class: int | None, *, strict: bool = False,
    progress: bool = False,
) -> CharacterData:
    """``root/Train`` (CASIA layout), keeping the first ``images_per_class`` files of each class."""
    from . import casia

    folder = casia.split_folder(root, "Train")
    names, files, labels = casia.list_class_folder(folder, classes)
    if images_per_class is not None:
        seen: dict[int, int] = {}
        keep = []
        for i, label in enumerate(labels):
            seen[label] = seen.get(label, 0) + 1
            if seen[label] <= images_per_class:
                keep.append(i)
        files, labels = [files[i] for i in keep], [labels[i] for i in keep]
    return casia._load_files(folder, names, files, labels, strict, progress)


def _has_test_split(root: Path) -> bool:
    from . import casia

    try:
        casia.split_folder(root, "Test")
    except DataError:
        return False
    return True


# -- the record: tuning.json and tuning.png -----------------------------------------------------
def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_progress(trial_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((trial_dir / PROGRESS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def trial_rows(tuner) -> list[dict[str, Any]]:
    """Every trial the oracle knows, in the order they started."""
    oracle = tuner.oracle
    order = list(oracle.start_order) + sorted(t for t in oracle.trials if t not in oracle.start_order)
    rows = []
    for trial_id in order:
        trial = oracle.trials[trial_id]
        progress = read_progress(Path(tuner.project_dir) / f"trial_{trial_id}")
        score = trial.score if trial.status == "COMPLETED" and trial.score is not None else None
        row = {
            "trial_id": trial_id,
            "status": trial.status,
            "hyperparameters": active_values(trial.hyperparameters),
            "score": None if score is None or not math.isfinite(score) else float(score),
            "seconds": progress.get("seconds"),
            "epochs": progress.get("epochs"),
        }
        values = trial.hyperparameters.values
        if "tuner/epochs" in values:  # Hyperband: which rung of which bracket, continued from which trial
            row["hyperband"] = {
                "bracket": values.get("tuner/bracket"),
                "round": values.get("tuner/round"),
                "initial_epoch": values.get("tuner/initial_epoch"),
                "epochs": values.get("tuner/epochs"),
                "from_trial": values.get("tuner/trial_id"),
            }
        rows.append(row)
    return rows


def tuning_document(tuner, *, created: str, settings: TuneSettings, data: str, best=None) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "kind": "tuning",
        "created": created,
        "created_by": f"training {__version__}",
        "tuner": settings.tuner,
        "objective": OBJECTIVE,
        "direction": DIRECTION,
        "max_trials": settings.max_trials,
        "data": data,
        "settings": {
            "epochs": settings.epochs,
            "batch_size": settings.batch_size,
            "patience": settings.patience,
            "images_per_class": settings.images_per_class,
            "executions_per_trial": settings.executions_per_trial,
            "seed": settings.seed,
        },
        "search_space": search_space_rows(tuner.oracle.get_space()),
        "trials": trial_rows(tuner),
        "best": best,
        "plot": TUNING_PNG,
    }


def plot_tuning(document: dict[str, Any], path: str | Path) -> Path:
    """Score of every finished trial (in start order) and the best so far as a step line."""
    from .plots import _figure, _save

    trials = document["trials"]
    numbers = [i + 1 for i, t in enumerate(trials) if t["score"] is not None]
    scores = [t["score"] for t in trials if t["score"] is not None]
    fig = _figure(7, 3.6)
    ax = fig.add_subplot()
    if scores:
        best = np.maximum.accumulate(scores) if document["direction"] == "max" else np.minimum.accumulate(scores)
        ax.step(numbers, best, where="post", color="tab:orange", label="best so far", zorder=1)
        ax.plot(numbers, scores, "o", color="tab:blue", label="trial", zorder=2)
        ax.legend(loc="lower right")
    failed = [i + 1 for i, t in enumerate(trials) if t["status"] in ("FAILED", "INVALID")]
    for n in failed:
        ax.axvline(n, color="tab:red", alpha=0.3, lw=1)
    ax.set_xlabel("trial")
    ax.set_ylabel(document["objective"])
    ax.set_xlim(0.5, max(len(trials), document.get("max_trials") or 1) + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.set_title(f"{document['tuner']} search: {len(scores)} of {document['max_trials']} trials finished")
    return _save(fig, path)


class _Recorder:
    """Prints progress and rewrites tuning.json / tuning.png around every trial."""

    def __init__(self, out: Path, settings: TuneSettings, created: str, data: str, verbose: bool):
        self.out, self.settings, self.created, self.data, self.verbose = out, settings, created, data, verbose
        self._started: dict[str, tuple[float, str]] = {}
        self._epochs: dict[str, int] = {}

    def _say(self, text: str) -> None:
        if self.verbose:
            print(text, flush=True)

    def _number(self, tuner, trial) -> int:
        order = tuner.oracle.start_order
        return order.index(trial.trial_id) + 1 if trial.trial_id in order else len(order)

    def write(self, tuner, *, plot: bool) -> dict[str, Any]:
        document = tuning_document(tuner, created=self.created, settings=self.settings, data=self.data)
        write_json_atomic(self.out / TUNING_JSON, document)
        if plot:
            plot_tuning(document, self.out / TUNING_PNG)
        return document

    def begin(self, tuner, trial) -> None:
        self._started[trial.trial_id] = (time.perf_counter(), _now())
        self._epochs[trial.trial_id] = 0
        values = ", ".join(f"{k}={_short(v)}" for k, v in active_values(trial.hyperparameters).items())
        self._say(f"trial {self._number(tuner, trial)}/{self.settings.max_trials} (id {trial.trial_id}): {values}")
        self.write(tuner, plot=False)

    def epoch(self, trial, epoch: int, logs: dict[str, Any] | None) -> None:
        self._epochs[trial.trial_id] = self._epochs.get(trial.trial_id, 0) + 1
        logs = logs or {}
        total = trial.hyperparameters.values.get("tuner/epochs", self.settings.epochs)
        shown = "  ".join(f"{k} {logs[k]:.4f}" for k in ("loss", "accuracy", "val_loss", "val_accuracy") if k in logs)
        self._say(f"  epoch {epoch + 1}/{total}  {shown}")

    def end(self, tuner, trial) -> None:
        start, started_at = self._started.pop(trial.trial_id, (time.perf_counter(), _now()))
        seconds = round(time.perf_counter() - start, 2)
        epochs = self._epochs.pop(trial.trial_id, 0)
        trial_dir = Path(tuner.project_dir) / f"trial_{trial.trial_id}"
        write_json_atomic(trial_dir / PROGRESS_JSON, {
            "seconds": seconds, "epochs": epochs, "started": started_at, "finished": _now(),
            "status": tuner.oracle.trials[trial.trial_id].status,
        })
        document = self.write(tuner, plot=True)
        finished = tuner.oracle.trials[trial.trial_id]
        scores = [t["score"] for t in document["trials"] if t["score"] is not None]
        best = f"{max(scores):.4f}" if scores else "-"
        score = f"{OBJECTIVE} {finished.score:.4f}" if finished.status == "COMPLETED" else finished.status.lower()
        self._say(f"trial {self._number(tuner, trial)}/{self.settings.max_trials} done in {seconds:.1f} s, "
                  f"{epochs} epochs: {score} (best so far {best})")


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _tuner(settings: TuneSettings, hypermodel, out: Path, overwrite: bool, recorder: _Recorder):
    import keras_tuner as kt

    common = dict(
        objective=kt.Objective(OBJECTIVE, direction=DIRECTION),
        seed=settings.seed,
        executions_per_trial=settings.executions_per_trial,
        directory=str(out),
        project_name=TUNER_DIR,
        overwrite=overwrite,
        max_retries_per_trial=0,
        max_consecutive_failed_trials=3,
    )
    if settings.tuner == "random":
        base, extra = kt.RandomSearch, {"max_trials": settings.max_trials}
    elif settings.tuner == "bayesian":
        initial = settings.initial_points or max(1, settings.max_trials // 3)
        base, extra = kt.BayesianOptimization, {"max_trials": settings.max_trials, "num_initial_points": initial}
    elif settings.tuner == "hyperband":
        # One bracket sequence is as many trials as max_epochs and factor allow; more iterations
        # let max_trials (enforced below) decide where the search ends.
        base, extra = kt.Hyperband, {"max_epochs": settings.epochs, "factor": settings.factor,
                                     "hyperband_iterations": max(1, settings.max_trials)}
    else:
        raise TrainingError(f"unknown tuner {settings.tuner!r}; choose one of {', '.join(TUNERS)}")

    keep_checkpoints = settings.tuner == "hyperband"

    class Recording(base):
        def on_trial_begin(self, trial):
            super().on_trial_begin(trial)
            recorder.begin(self, trial)

        def on_epoch_end(self, trial, model, epoch, logs=None):
            super().on_epoch_end(trial, model, epoch, logs)
            recorder.epoch(trial, epoch, logs)

        def on_trial_end(self, trial):
            super().on_trial_end(trial)  # the oracle records the result and saves its state first
            if not keep_checkpoints:  # only Hyperband continues from them; the best is retrained anyway
                for name in ("checkpoint.weights.h5", "checkpoint"):
                    Path(self.get_trial_dir(trial.trial_id), name).unlink(missing_ok=True)
            recorder.end(self, trial)

    try:
        tuner = Recording(hypermodel=hypermodel, **common, **extra)
    except (ValueError, KeyError, RuntimeError) as exc:
        raise TrainingError(f"{out / TUNER_DIR}: the saved search cannot be continued ({exc}); "
                            "run again with --overwrite to start afresh") from exc
    # Hyperband has no max_trials of its own; the oracle's create_trial stops at this number.
    tuner.oracle.max_trials = settings.max_trials
    return tuner


# -- the whole search ---------------------------------------------------------------------------
def _check_resume(out: Path, settings: TuneSettings, data_key: dict[str, Any], overwrite: bool) -> str:
    """Start afresh, or check that a stopped search has the same settings; return its creation time."""
    tuner_dir = out / TUNER_DIR
    search_file = tuner_dir / SEARCH_JSON
    if overwrite:
        for name in (TUNER_DIR, BEST_DIR, "logs"):
            shutil.rmtree(out / name, ignore_errors=True)
        for name in (TUNING_JSON, TUNING_PNG):
            (out / name).unlink(missing_ok=True)
    elif tuner_dir.is_dir() and any(tuner_dir.iterdir()):
        try:
            saved = json.loads(search_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise TrainingError(f"{tuner_dir} holds a search this command did not start; "
                                "use --overwrite to replace it or choose another --out") from None
        wanted = {**settings.resumable_part(), **data_key}
        differ = [f"{k} {saved.get('settings', {}).get(k)!r} -> {v!r}" for k, v in wanted.items()
                  if saved.get("settings", {}).get(k) != v]
        if differ:
            raise TrainingError(f"{tuner_dir} holds a search with other settings ({'; '.join(differ)}); "
                                "use --overwrite to start afresh or choose another --out")
        return saved.get("created") or _now()
    created = _now()
    write_json_atomic(search_file, {"created": created, "settings": {**settings.resumable_part(), **data_key}})
    return created


@dataclass
class SearchData:
    """The images every trial and the retrained best model learn from, and how the record names them."""

    train: CharacterData
    validation: CharacterData
    description: str
    key: dict[str, Any]  # what a resumed search must share with the stopped one
    has_test: bool

    @property
    def class_names(self) -> list[str]:
        return list(self.train.class_names)


def tune(
    data_root: str | Path,
    out_dir: str | Path,
    settings: TuneSettings = TuneSettings(),
    *,
    classes: list[str] | None = None,
    overwrite: bool = False,
    export: bool = True,
    strict: bool = False,
    verbose: bool = True,
) -> dict[str, Any]:
    """Run (or continue) the search, retrain and export the best model; return tuning.json's content."""
    _check_settings(settings)
    root, out = Path(data_root), Path(out_dir)
    data = search_data(root, classes, settings, strict=strict, verbose=verbose)
    created = _check_resume(out, settings, data.key, overwrite)
    previous_best = None if overwrite else _read_best(out)  # tuning.json says "best": null while searching
    recorder = _Recorder(out, settings, created, data.description, verbose)
    tuner = _search(settings, data, out, recorder, verbose)
    best_trial = _best_trial(tuner, out)
    best = _previous_best(out, previous_best, best_trial.trial_id, export)
    if best is not None:
        if verbose:
            print(f"the best trial ({best_trial.trial_id}) was already retrained: {out / BEST_DIR}")
    else:
        best = retrain_best(tuner, best_trial, data, root, out / BEST_DIR, settings, export=export, strict=strict,
                            verbose=verbose)
    document = tuning_document(tuner, created=created, settings=settings, data=data.description, best=best)
    write_json_atomic(out / TUNING_JSON, document)
    plot_tuning(document, out / TUNING_PNG)
    return document


def _check_settings(settings: TuneSettings) -> None:
    if settings.tuner not in TUNERS:
        raise TrainingError(f"unknown tuner {settings.tuner!r}; choose one of {', '.join(TUNERS)}")
    if min(settings.max_trials, settings.epochs, settings.batch_size, settings.executions_per_trial) < 1:
        raise TrainingError("--max-trials, --epochs, --batch-size and --executions-per-trial must be at least 1")
    if settings.patience < 0 or (settings.images_per_class is not None and settings.images_per_class < 2):
        raise TrainingError("--patience must be 0 or more and --images-per-class at least 2")
    if settings.tuner == "hyperband" and settings.factor < 2:
        raise TrainingError("--factor must be at least 2")


def search_data(root: Path, classes: list[str] | None, settings: TuneSettings, *, strict: bool,
                verbose: bool) -> SearchData:
    """``root/Train`` split 80/20 the course's way, described for the record."""
    all_train = load_training_images(root, classes, settings.images_per_class, strict=strict, progress=verbose)
    if len(all_train.class_names) < 2:
        raise DataError(f"{root}: tuning needs at least two classes")
    if all_train.skipped:
        print(f"skipped {len(all_train.skipped)} unreadable files (first: {all_train.skipped[0][0]})")
    train_part, val_part = train_validation_split(all_train)
    has_test = _has_test_split(root)
    per_class = f"the first {settings.images_per_class}" if settings.images_per_class else "all"
    description = (f"{root.name or root}: {len(all_train.class_names)} classes, {per_class} Train images per class "
                   f"({len(train_part)} train / {len(val_part)} validation, the course's 80/20 split)"
                   + ("" if has_test else "; no Test split"))
    key = {"data": str(root.resolve()), "classes": "".join(all_train.class_names)}
    return SearchData(train_part, val_part, description, key, has_test)


def _search(settings: TuneSettings, data: SearchData, out: Path, recorder: _Recorder, verbose: bool):
    """Run the trials still to run (all of them in a fresh search); return the tuner."""
    import keras

    keras.utils.set_random_seed(settings.seed)
    hypermodel = _hypermodel(len(data.class_names), settings.seed, settings.batch_size)
    tuner = _tuner(settings, hypermodel, out, False, recorder)
    done = sum(1 for t in tuner.oracle.trials.values() if t.status != "RUNNING")
    if done and verbose:
        print(f"continuing the search in {out / TUNER_DIR}: {done} of {settings.max_trials} trials finished")
    recorder.write(tuner, plot=done > 0)

    callbacks = [keras.callbacks.EarlyStopping(monitor=OBJECTIVE, mode=DIRECTION, patience=settings.patience,
                                               restore_best_weights=True)]
    if settings.tensorboard:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(out / "logs")))
    try:
        tuner.search(data.train, data.validation, epochs=settings.epochs, callbacks=callbacks, verbose=0)
    except RuntimeError as exc:  # too many failed trials in a row
        recorder.write(tuner, plot=True)
        raise TrainingError(f"the search stopped: {str(exc).splitlines()[0]}") from exc

    document = recorder.write(tuner, plot=True)
    if verbose:
        tuner.results_summary(num_trials=min(SUMMARY_TRIALS, max(1, len(document["trials"]))))
    return tuner


def _best_trial(tuner, out: Path):
    best_trials = [t for t in tuner.oracle.get_best_trials(1) if t.status == "COMPLETED"]
    if not best_trials:
        raise TrainingError("no trial finished, so there is no best model (see the trials in "
                            f"{out / TUNING_JSON})")
    return best_trials[0]


def _read_best(out: Path) -> dict[str, Any] | None:
    try:
        return json.loads((out / TUNING_JSON).read_text(encoding="utf-8")).get("best")
    except (OSError, ValueError, AttributeError):
        return None


def _previous_best(out: Path, best: dict[str, Any] | None, trial_id: str, export: bool) -> dict[str, Any] | None:
    """The retrained model of an earlier run of this search, if it belongs to the same best trial."""
    if not best or best.get("trial_id") != trial_id:
        return None
    if export and not (best.get("onnx") and (out / best["onnx"]).is_file()):
        return None
    return best if (out / BEST_DIR / "model.keras").is_file() else None


def retrain_best(
    tuner, trial, data: SearchData, root: Path, best_dir: Path, settings: TuneSettings, *, export: bool,
    strict: bool, verbose: bool,
) -> dict[str, Any]:
    """Train the best hyperparameters from scratch (early stopping on the validation images),
    evaluate on train / validation / test, save a run folder and export it to ONNX."""
    from .evaluate import evaluate_splits

    if verbose:
        print(f"retraining the best trial ({trial.trial_id}, {OBJECTIVE} {trial.score:.4f}) from scratch")
    class_names = data.class_names
    title = f"CNN tuned ({settings.tuner} search, trial {trial.trial_id}, {len(class_names)} characters)"
    started = time.perf_counter()
    fitted = _retrain(tuner, trial, data, root, best_dir, settings, title=title, verbose=verbose)
    seconds = time.perf_counter() - started

    splits = {"train": data.train, "validation": data.validation}
    if data.has_test:
        from . import casia

        splits["test"] = casia.load_split(root, "Test", class_names, strict=strict)
    evaluations = evaluate_splits(fitted.model, splits, class_names, LOGITS)
    report = _best_report(fitted, evaluations, class_names, title, data, best_dir)
    if verbose:
        for split, m in report["metrics"].items():
            print(f"  {split:<11} accuracy {m['accuracy']:.1%}  top-5 {m['top5']:.1%}  ({m['n']} images)")
    onnx_rel = None
    if export:
        _export_best(fitted.model, report, splits.get("test", data.validation), class_names, title, data, best_dir,
                     verbose=verbose)
        onnx_rel = f"{BEST_DIR}/model.onnx"
    test_metrics = report["metrics"].get("test", {})
    return {
        "trial_id": trial.trial_id,
        "hyperparameters": active_values(trial.hyperparameters),
        "score": float(trial.score),
        "test_accuracy": test_metrics.get("accuracy"),
        "test_top5": test_metrics.get("top5"),
        "onnx": onnx_rel,
        "retrain": {
            "epochs": fitted.history["stopped_epoch"], "best_epoch": fitted.history["best_epoch"],
            "seconds": round(seconds, 2), "val_accuracy": report["metrics"]["validation"]["accuracy"],
            "params": int(fitted.model.count_params()),
        },
    }


def _retrain(tuner, trial, data: SearchData, root: Path, best_dir: Path, settings: TuneSettings, *, title: str,
             verbose: bool):
    """The best trial's model trained afresh by :func:`training.train.fit` into the run folder ``best_dir``."""
    import keras

    from .train import TrainSettings, character_dataset, fit

    hp = trial.hyperparameters
    keras.backend.clear_session()  # the search's models are not needed any more
    fit_settings = TrainSettings(epochs=settings.epochs, batch_size=settings.batch_size, patience=settings.patience,
                                 seed=settings.seed, verbose=2 if verbose else 0)
    batch, seed = settings.batch_size, settings.seed
    return fit(
        "cnn_tuned", data.class_names,
        character_dataset(data.train, batch, shuffle=True, seed=seed, augment=False),
        character_dataset(data.validation, batch, shuffle=False, seed=seed, augment=False),
        best_dir, fit_settings, samples={"train": len(data.train), "validation": len(data.validation)},
        data_description=data.description, title=title,
        build=lambda: tuner.hypermodel.build(hp),  # seeded and compiled with the trial's learning rate
        run_info={"data": str(root), "settings": asdict(settings), "hyperparameters": active_values(hp),
                  "trial_id": trial.trial_id},
    )


def _best_report(fitted, evaluations: dict[str, Any], class_names: list[str], title: str, data: SearchData,
                 best_dir: Path) -> dict[str, Any]:
    """``best/report.json``: the retrained model's metrics and mistakes (test ones when there is a Test split)."""
    from .report import build_report

    report = build_report(
        fitted.model, name="cnn_tuned", title=title, output_kind=LOGITS, class_names=class_names,
        trained_on=data.description, history_file=fitted.history, evaluations=evaluations,
        detail_split="test" if data.has_test else "validation", size_bytes=(best_dir / "model.keras").stat().st_size,
    )
    write_json_atomic(best_dir / "report.json", report)
    return report


def _export_best(model, report: dict[str, Any], check: CharacterData, class_names: list[str], title: str,
                 data: SearchData, best_dir: Path, *, verbose: bool) -> Path:
    """``best/model.onnx`` (parity checked on up to 100 of the ``check`` images) with its sidecar report."""
    from .export import export_onnx, publish_report

    pick = np.random.default_rng(0).permutation(len(check))[:100]
    onnx_file = export_onnx(
        model, best_dir / "model.onnx", class_names=class_names, title=title, trained_on=data.description,
        metrics=report["metrics"], output_kind=LOGITS, check_images=check.float_images()[pick],
    )
    publish_report(report, best_dir, onnx_file)
    if verbose:
        print(f"wrote {onnx_file}")
    return onnx_file
