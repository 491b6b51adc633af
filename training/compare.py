"""Train several character models on the same images and compare them.

``python -m training compare --data DIR --models logistic,cnn,lenet5 --out DIR`` picks
``--images-per-class`` training images per class (seeded), splits them 80/20 into training and
validation the course's way, and trains every model on exactly those images with early stopping
on validation accuracy. Each model is evaluated on the full Test split, exported to
``<out>/<model>/model.onnx`` (onnxruntime parity checked, sidecar report beside it) and timed in
onnxruntime on single images. ``compare.json`` (rewritten after every model), ``compare.md`` and
``compare.png`` summarise the lot.
"""

from __future__ import annotations

import datetime as _dt
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop import __version__
from desktop.core import atomic

from .data import CharacterData, train_validation_split
from .errors import DataError, TrainingError

SCHEMA = 1
JSON_NAME, MARKDOWN_NAME, PLOT_NAME = "compare.json", "compare.md", "compare.png"
#: Single-image onnxruntime timing: warm-up calls, then the median of this many.
WARMUP_RUNS, TIMED_RUNS = 10, 100


@dataclass
class CompareSettings:
    epochs: int = 12
    batch_size: int = 64
    images_per_class: int | None = 150
    seed: int = 0
    patience: int = 4
    learning_rate: float = 1e-3
    verbose: int = 2


def pick_per_class(data: CharacterData, per_class: int | None, seed: int) -> CharacterData:
    """At most ``per_class`` images of every class, drawn with ``seed``, kept in their original order."""
    if per_class is None:
        return data
    if per_class < 1:
        raise TrainingError("--images-per-class must be at least 1")
    rng = np.random.default_rng(seed)
    keep = []
    for label in range(len(data.class_names)):
        members = np.flatnonzero(data.labels == label)
        if len(members) > per_class:
            members = np.sort(rng.choice(members, per_class, replace=False))
        keep.append(members)
    return data.subset(np.concatenate(keep))


def single_image_ms(onnx_path: str | Path, image: np.ndarray, runs: int = TIMED_RUNS) -> float:
    """Median milliseconds of one ``predict_proba`` call on one image, as the app runs it."""
    from desktop.core.onnx_model import OnnxModel

    model = OnnxModel(onnx_path)
    one = np.asarray(image, dtype=np.float32)[None]
    for _ in range(WARMUP_RUNS):
        model.predict_proba(one)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        model.predict_proba(one)
        times.append(time.perf_counter() - t)
    return float(np.median(times) * 1000)


def compare_models(
    models: Sequence[str],
    train_all: CharacterData,
    test: CharacterData,
    out_dir: str | Path,
    settings: CompareSettings = CompareSettings(),
    *,
    data_name: str = "",
) -> dict[str, Any]:
    """Train, evaluate, export and time every model in ``models``; write the three files; return the JSON."""
    from .report import write_json_atomic

    _check_request(models, train_all, test)
    out = Path(out_dir)
    chosen = pick_per_class(train_all, settings.images_per_class, settings.seed)
    train_part, val_part = train_validation_split(chosen)
    splits = {"train": train_part, "validation": val_part, "test": test}
    description = _describe(data_name, chosen, splits, settings)
    result = _compare_document(description, settings)
    print(description, flush=True)
    for i, name in enumerate(models, start=1):
        row = _train_and_measure(name, f"[{i}/{len(models)}]", splits, chosen.class_names, out / name, description,
                                 settings)
        result["rows"].append(row)
        write_json_atomic(out / JSON_NAME, result)  # readable after every model
    write_markdown(result, out / MARKDOWN_NAME)
    plot_comparison(result, out / PLOT_NAME)
    return result


def _check_request(models: Sequence[str], train_all: CharacterData, test: CharacterData) -> None:
    from . import models as model_zoo

    unknown = [m for m in models if m not in model_zoo.MODELS]
    if unknown:
        raise TrainingError(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(model_zoo.MODELS)}")
    if not models:
        raise TrainingError("choose at least one model")
    if list(test.class_names) != list(train_all.class_names):
        raise DataError("the Test split's classes differ from the Train split's")


def _describe(data_name: str, chosen: CharacterData, splits: dict[str, CharacterData],
              settings: CompareSettings) -> str:
    train_part, val_part, test = splits["train"], splits["validation"], splits["test"]
    per_class = "all" if settings.images_per_class is None else f"at most {settings.images_per_class}"
    return (
        f"{data_name}: {len(chosen)} training images ({per_class} per class, seed {settings.seed}) split 80/20 "
        f"into {len(train_part)} train / {len(val_part)} validation; {len(test)} test images; "
        f"{len(chosen.class_names)} classes"
    )


def _compare_document(description: str, settings: CompareSettings) -> dict[str, Any]:
    """``compare.json`` before the first model: what is compared, on what, with which settings."""
    return {
        "schema": SCHEMA,
        "kind": "compare",
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "created_by": f"training {__version__}",
        "data": description,
        "settings": {"epochs": settings.epochs, "batch_size": settings.batch_size,
                     "images_per_class": settings.images_per_class, "seed": settings.seed,
                     "patience": settings.patience, "learning_rate": settings.learning_rate},
        "rows": [],
        "plot": PLOT_NAME,
    }


def _train_and_measure(name: str, counter: str, splits: dict[str, CharacterData], class_names: list[str],
                       folder: Path, description: str, settings: CompareSettings) -> dict[str, Any]:
    """Train one model into ``folder/run``, evaluate it, export ``folder/model.onnx``, time it: its table row."""
    from .classic_networks import FEATURE_LAYERS, TITLES
    from .evaluate import evaluate_splits
    from .export import export_onnx
    from .report import build_report, metrics_of
    from .runs import load_run
    from .train import TrainSettings, train

    title = TITLES.get(name, name)
    print(f"\n== {counter} {name}: {title} ==", flush=True)
    train_settings = TrainSettings(epochs=settings.epochs, batch_size=settings.batch_size,
                                   learning_rate=settings.learning_rate, patience=settings.patience,
                                   seed=settings.seed, verbose=settings.verbose)
    run_dir = train(name, splits["train"], folder / "run", train_settings, data_description=description,
                    validation=splits["validation"], title=title)
    run = load_run(run_dir)
    history = run.history or {}
    kind = run.output_kind
    evaluations = evaluate_splits(run.model, splits, class_names, kind)
    report = build_report(run.model, name=name, title=title, output_kind=kind, class_names=class_names,
                          trained_on=description, history_file=history, evaluations=evaluations)
    onnx_path = folder / "model.onnx"
    test_images = splits["test"].float_images()
    export_onnx(run.model, onnx_path, class_names=class_names, title=title, trained_on=description,
                metrics={s: metrics_of(e) for s, e in evaluations.items()}, output_kind=kind,
                feature_layers=FEATURE_LAYERS.get(name, ()),
                check_images=test_images[:: max(1, len(test_images) // 100)], report=report)
    row = {
        "model": name,
        "title": title,
        "params": int(run.model.count_params()),
        "epochs": int(history.get("stopped_epoch", 0)),
        "best_epoch": history.get("best_epoch"),
        "train_seconds": round(float(sum(history.get("epoch_seconds", []))), 1),
        "val_accuracy": evaluations["validation"]["accuracy"],
        "test_accuracy": evaluations["test"]["accuracy"],
        "test_top5": evaluations["test"]["top5"],
        "inference_ms": round(single_image_ms(onnx_path, test_images[0]), 3),
        "onnx": f"{name}/model.onnx",
    }
    print(f"{name}: {row['params']:,} params, {row['epochs']} epochs (best {row['best_epoch']}), "
          f"{row['train_seconds']:.0f} s, val {row['val_accuracy']:.2%}, test {row['test_accuracy']:.2%}, "
          f"top-5 {row['test_top5']:.2%}, {row['inference_ms']:.2f} ms/image", flush=True)
    return row


def markdown_table(result: dict[str, Any]) -> str:
    lines = [
        "| model | parameters | epochs (best) | train s | val acc | test acc | test top-5 | ms / image |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['title']} (`{r['model']}`) | {r['params']:,} | {r['epochs']} ({r['best_epoch']}) | "
            f"{r['train_seconds']:.0f} | {r['val_accuracy']:.2%} | {r['test_accuracy']:.2%} | "
            f"{r['test_top5']:.2%} | {r['inference_ms']:.2f} |"
        )
    return "\n".join(lines)


def write_markdown(result: dict[str, Any], path: str | Path) -> Path:
    s = result["settings"]
    text = (
        "# Model comparison\n\n"
        f"{result['data']}.\n\n"
        f"Settings: at most {s['epochs']} epochs, batch size {s['batch_size']}, early stopping on validation "
        f"accuracy (patience {s.get('patience', '?')}), seed {s['seed']}. Train seconds are the sum of the "
        "epochs; ms / image is the median onnxruntime time of one image on the CPU.\n\n"
        f"{markdown_table(result)}\n\n"
        f"Made by {result['created_by']} on {result['created']}.\n"
    )
    return atomic.write_text_atomic(path, text)


def plot_comparison(result: dict[str, Any], path: str | Path) -> Path:
    """Test accuracy against parameters (bubble area = training time), plus training and inference time bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = result["rows"]
    names = [r["model"] for r in rows]
    params = np.array([r["params"] for r in rows], float)
    acc = np.array([r["test_accuracy"] for r in rows], float) * 100
    secs = np.array([r["train_seconds"] for r in rows], float)
    ms = np.array([r["inference_ms"] for r in rows], float)
    colours = [f"C{i}" for i in range(len(rows))]

    fig = Figure(figsize=(13, 4.2), dpi=100, layout="constrained")
    ax1, ax2, ax3 = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.5, 1, 1]})
    area = 60 + 1400 * secs / max(secs.max(), 1e-9)
    ax1.scatter(params, acc, s=area, c=colours, alpha=0.6, edgecolors="black")
    for i, (x, y, n) in enumerate(zip(params, acc, names)):  # alternate above/below so neighbours stay legible
        ax1.annotate(n, (x, y), textcoords="offset points", xytext=(8, 8 if i % 2 == 0 else -14), fontsize=9)
    ax1.set_xscale("log")
    ax1.set_xlabel("parameters (log scale)")
    ax1.set_ylabel("test accuracy (%)")
    ax1.set_title("Accuracy vs size (bubble area = training time)")
    ax1.margins(x=0.25, y=0.15)
    ax1.grid(alpha=0.3)
    y = np.arange(len(rows))
    for ax, values, label, title in ((ax2, secs, "seconds", "Training time"),
                                     (ax3, ms, "milliseconds", "onnxruntime, one image (median)")):
        ax.barh(y, values, color=colours)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlabel(label)
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
        for yi, v in zip(y, values):
            ax.text(v, yi, f" {v:.3g}", va="center", fontsize=8)
        ax.margins(x=0.2)
    fig.suptitle(textwrap.fill(f"{len(rows)} models on the same images: {result['data']}", 170), fontsize=9)
    with atomic.atomic_path(path, temp_suffix=".png") as temp:  # savefig picks the format from the suffix
        fig.savefig(temp)
    return Path(path)
