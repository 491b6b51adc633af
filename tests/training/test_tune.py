"""Hyperparameter search: real KerasTuner searches on a tiny CASIA-layout dataset, the best model
exported to ONNX and run in onnxruntime, and a search killed mid-trial that resumes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("keras_tuner")

from desktop.core.contract import report_path  # noqa: E402
from desktop.core.onnx_model import OnnxModel  # noqa: E402
from training.cli import main  # noqa: E402

from tests.shapes import draw_shape  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CLASSES = ["一", "丨", "口"]
TOP_KEYS = {"schema", "kind", "created", "created_by", "tuner", "objective", "direction", "max_trials", "data",
            "search_space", "trials", "best"}
TRIAL_KEYS = {"trial_id", "status", "hyperparameters", "score", "seconds", "epochs"}
BEST_KEYS = {"trial_id", "hyperparameters", "score", "test_accuracy", "test_top5", "onnx"}
SPACE = {"conv_blocks", "kernel_size", "filters_1", "filters_2", "filters_3", "dense_units", "dropout",
         "learning_rate"}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    """Train/<class>/<n>.png and Test/<class>/<n>.png: a bar, a stick and a box."""
    root = tmp_path_factory.mktemp("shapes")
    rng = np.random.default_rng(0)
    for split, count in (("Train", 12), ("Test", 4)):
        for label, name in enumerate(CLASSES):
            folder = root / split / name
            folder.mkdir(parents=True)
            for n in range(count):
                ok, data = cv2.imencode(".png", draw_shape(label, rng))
                assert ok
                (folder / f"{n}.png").write_bytes(data.tobytes())
    return root


def args(tuner: str, data: Path, out: Path, trials: int, *extra: str) -> list[str]:
    return ["tune", "--tuner", tuner, "--max-trials", str(trials), "--data", str(data), "--out", str(out),
            "--classes", "all", "--batch-size", "16", *extra]


def read(out: Path) -> dict:
    return json.loads((out / "tuning.json").read_text(encoding="utf-8"))


def check_active(trial: dict) -> None:
    """filters_i is tuned only for blocks that exist; the other hyperparameters always."""
    values = trial["hyperparameters"]
    blocks = values["conv_blocks"]
    assert 1 <= blocks <= 3
    assert set(values) == SPACE - {f"filters_{i}" for i in range(blocks + 1, 4)}
    assert 1e-4 <= values["learning_rate"] <= 1e-2


@pytest.mark.parametrize("tuner", ["random", "bayesian", "hyperband"])
def test_each_tuner_searches_and_exports_the_best(tuner, dataset, tmp_path, capsys):
    out = tmp_path / tuner
    extra = ["--tensorboard"] if tuner == "hyperband" else []
    assert main(args(tuner, dataset, out, 2, "--epochs", "2", "--seed", "5", *extra)) == 0
    printed = capsys.readouterr().out
    assert "trial 1/2" in printed and "trial 2/2" in printed and "Results summary" in printed

    doc = read(out)
    assert TOP_KEYS <= set(doc)
    assert (doc["schema"], doc["kind"], doc["tuner"], doc["objective"], doc["direction"], doc["max_trials"]) == (
        1, "tuning", tuner, "val_accuracy", "max", 2)
    space = {row["name"]: row for row in doc["search_space"]}
    assert set(space) == SPACE
    assert space["learning_rate"]["sampling"] == "log" and space["conv_blocks"]["type"] == "Int"
    assert space["filters_3"]["conditions"] == [{"name": "conv_blocks", "values": [3]}]
    assert len(doc["trials"]) == 2
    for trial in doc["trials"]:
        assert TRIAL_KEYS <= set(trial) and trial["status"] == "COMPLETED"
        assert 0.0 <= trial["score"] <= 1.0 and isinstance(trial["seconds"], float) and 1 <= trial["epochs"] <= 2
        check_active(trial)
    assert len({json.dumps(t["hyperparameters"], sort_keys=True) for t in doc["trials"]}) == 2

    best = doc["best"]
    assert BEST_KEYS <= set(best)
    assert best["score"] == max(t["score"] for t in doc["trials"])
    assert best["hyperparameters"] == next(t for t in doc["trials"] if t["trial_id"] == best["trial_id"])[
        "hyperparameters"]
    assert 0.0 <= best["test_accuracy"] <= best["test_top5"] == 1.0  # three classes: always in the top 5
    assert best["onnx"] == "best/model.onnx" and (out / "tuning.png").stat().st_size > 1000

    model = OnnxModel(out / best["onnx"])
    assert model.class_names == CLASSES
    report = json.loads(report_path(out / best["onnx"]).read_text(encoding="utf-8"))
    assert report["metrics"]["test"]["accuracy"] == pytest.approx(best["test_accuracy"])
    images = np.stack([draw_shape(i % 3, np.random.default_rng(i)) for i in range(6)])[..., None]
    probs = model.predict_proba(images.astype(np.float32))
    assert probs.shape == (6, 3) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    if tuner == "hyperband":
        assert all(t["hyperband"]["epochs"] == 2 for t in doc["trials"])
        assert any((out / "logs").rglob("events.out.tfevents.*"))
    if tuner == "random":  # the same command again: nothing left to search or retrain
        onnx_time = (out / best["onnx"]).stat().st_mtime_ns
        assert main(args(tuner, dataset, out, 2, "--epochs", "2", "--seed", "5")) == 0
        assert "already retrained" in capsys.readouterr().out
        assert read(out)["trials"] == doc["trials"] and (out / best["onnx"]).stat().st_mtime_ns == onnx_time


def test_a_search_killed_mid_trial_resumes_without_redoing_finished_trials(dataset, tmp_path, capsys):
    out = tmp_path / "resumed"
    argv = args("random", dataset, out, 3, "--epochs", "4", "--patience", "4", "--no-export")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with open(tmp_path / "log.txt", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "training", *argv], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            seen = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    statuses = [t["status"] for t in read(out)["trials"]]
                except (OSError, ValueError, KeyError):
                    statuses = []
                if statuses[:2] == ["COMPLETED", "RUNNING"]:
                    seen = statuses
                    time.sleep(0.1)  # into the second trial's training
                    break
                time.sleep(0.05)
            proc.kill()
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert seen is not None, (tmp_path / "log.txt").read_text(errors="replace")

    interrupted = read(out)
    assert interrupted["best"] is None and interrupted["trials"][0]["status"] == "COMPLETED"
    first = interrupted["trials"][0]
    first_progress = (out / "tuner" / f"trial_{first['trial_id']}" / "progress.json").read_text(encoding="utf-8")

    assert main(argv) == 0  # the same command continues
    printed = capsys.readouterr().out
    assert "1 of 3 trials finished" in printed
    doc = read(out)
    assert [t["status"] for t in doc["trials"]] == ["COMPLETED"] * 3
    assert len({t["trial_id"] for t in doc["trials"]}) == 3
    assert doc["trials"][0] == first  # kept, not run again
    assert (out / "tuner" / f"trial_{first['trial_id']}" / "progress.json").read_text(encoding="utf-8") == first_progress
    assert printed.count("done in") == 2  # the interrupted trial and the third one
    assert doc["trials"][1]["hyperparameters"] == interrupted["trials"][1]["hyperparameters"]
    assert doc["best"]["onnx"] is None and (out / "best" / "model.keras").is_file()

    # Other settings on the same folder are refused; --overwrite starts afresh.
    assert main(argv + ["--epochs", "3"]) == 2
    assert "other settings" in capsys.readouterr().err
    assert main(args("random", dataset, out, 1, "--epochs", "1", "--no-export", "--overwrite", "--quiet")) == 0
    assert len(read(out)["trials"]) == 1
