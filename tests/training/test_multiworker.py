"""Multi-worker training: two real worker processes on this machine, shards, and resuming after a crash."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from training import synth
from training.train import worker_shard

ROOT = Path(__file__).resolve().parents[2]
CHARS = "大天口"


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on: bound to port 0 together (so they differ), then released for the workers."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_worker(index: int, ports: list[int], args: list[str], command: tuple[str, ...] = ("-m", "training", "train")
                 ) -> subprocess.Popen:
    """Worker ``index`` of a cluster on ``ports`` of 127.0.0.1 running ``python <command> <args>``."""
    cluster = {"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]}, "task": {"type": "worker", "index": index}}
    env = {**os.environ, "TF_CONFIG": json.dumps(cluster), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.Popen([sys.executable, *command, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("stream", [False, True], ids=["in-memory", "streamed"])
def test_two_workers_train_one_epoch_to_the_same_weights(tmp_path, stream):
    synth.write_dataset(tmp_path / "data", CHARS, train_per_class=8, test_per_class=0, seed=1, workers=1)
    run = tmp_path / "run"
    args = ["--model", "logistic", "--data", str(tmp_path / "data"), "--classes", CHARS, "--epochs", "1",
            "--batch-size", "8", "--strategy", "multiworker", "--out", str(run), *(["--stream"] if stream else [])]
    ports = free_ports(2)
    workers = [start_worker(i, ports, args) for i in range(2)]
    try:
        outputs = [w.communicate(timeout=300)[0] for w in workers]
    finally:
        for w in workers:
            w.kill()
    for index, (worker, output) in enumerate(zip(workers, outputs)):
        assert worker.returncode == 0, f"worker {index}:\n{output[-3000:]}"
    fingerprints = [re.search(rf"worker {i} of 2: weights fingerprint (\w+)", out) for i, out in enumerate(outputs)]
    assert all(fingerprints), outputs
    assert fingerprints[0][1] == fingerprints[1][1]  # the gradients were averaged over both workers
    # Only the chief wrote the run; the other worker's copy and both backups are gone.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "run"]
    assert sorted(p.name for p in run.iterdir()) == ["history.json", "model.keras", "run.json"]
    history = json.loads((run / "history.json").read_text(encoding="utf-8"))
    assert history["stopped_epoch"] == 1

    import keras

    from training.train import weights_fingerprint

    assert weights_fingerprint(keras.models.load_model(run / "model.keras")) == fingerprints[0][1]


@pytest.mark.parametrize("files, workers", [(19, 2), (20, 2), (7, 3), (5, 1)])
def test_each_worker_reads_its_own_shard_of_the_files(files, workers):
    shards = [np.arange(files)[worker_shard(files, workers, i)] for i in range(workers)]
    assert sorted(np.concatenate(shards).tolist()) == list(range(files))  # every file once, by one worker
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


class Crash(Exception):
    pass


def test_a_rerun_resumes_after_the_last_finished_epoch(tmp_path):
    import keras

    from training.casia import load_split
    from training.data import train_validation_split
    from training.train import TrainSettings, character_dataset, fit

    class CrashAfterFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise Crash

    class Epochs(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.run: list[int] = []

        def on_epoch_begin(self, epoch, logs=None):
            self.run.append(epoch)

    synth.write_dataset(tmp_path / "data", CHARS, train_per_class=6, test_per_class=0, seed=1, workers=1)
    train_part, val_part = train_validation_split(load_split(tmp_path / "data", "Train", sorted(CHARS)))
    settings = TrainSettings(epochs=2, batch_size=8, strategy="multiworker", verbose=0)

    def fit_once(callback):
        return fit("logistic", train_part.class_names, character_dataset(train_part, 8, shuffle=True, seed=1,
                                                                         augment=False),
                   character_dataset(val_part, 8, shuffle=False, seed=1, augment=False), tmp_path / "run", settings,
                   samples={}, callbacks=[callback])

    with pytest.raises(Crash):
        fit_once(CrashAfterFirstEpoch())
    assert (tmp_path / "run" / "backup").is_dir() and not (tmp_path / "run" / "model.keras").exists()
    epochs = Epochs()
    history = fit_once(epochs).history
    assert epochs.run == [1]  # only the second epoch ran again
    assert len(history["history"]["loss"]) == len(history["epoch_seconds"]) == history["stopped_epoch"] == 2
    assert not (tmp_path / "run" / "backup").exists()  # a finished run leaves no backup to resume from


VOCABULARY_WORKER = """
import sys
from dataclasses import replace
from training.resumable_fit import ResumableSettings
from installer.bundle_spec import find_cjk_font
from training.vocabulary_build import POLISH, VocabularyModel, build_vocabulary_model

epochs, stop_after = int(sys.argv[3]), (int(sys.argv[4]) if len(sys.argv) > 4 else None)
spec = VocabularyModel(name="tiny", limit=6, train_per_char=8, validation_per_char=2, test_per_char=1,
                       calibration_per_char=1, fit=ResumableSettings(epochs=epochs, batch_size=16, verbose=0),
                       neat_per_char=2, polish_writers_per_char=4, print_faces=(f"{find_cjk_font()}:2",),
                       polish=replace(POLISH, batch_size=16, verbose=0, crisp=0.5, ink_weight=0.7))
print(build_vocabulary_model(spec, sys.argv[1], sys.argv[2], workers=1, strategy="multiworker",
                             stop_after=stop_after), flush=True)
"""


def run_vocabulary_workers(tmp_path: Path, *args: str) -> list[str]:
    """Both workers of a two-worker cluster on 127.0.0.1 run the tiny build; their outputs."""
    ports = free_ports(2)
    workers = [start_worker(i, ports, [str(tmp_path / "runs"), str(tmp_path / "models"), *args],
                            command=("-c", VOCABULARY_WORKER)) for i in range(2)]
    try:
        outputs = [w.communicate(timeout=600)[0] for w in workers]
    finally:
        for w in workers:
            w.kill()
    for index, (worker, output) in enumerate(zip(workers, outputs)):
        assert worker.returncode == 0, f"worker {index}:\n{output[-3000:]}"
    return outputs


@pytest.mark.slow
def test_two_workers_build_a_vocabulary_model_to_the_same_weights(tmp_path):
    """The resumable whole-vocabulary build on a cluster of two: each feeds half of every batch. Stopped
    after the first of two epochs, the same command on both workers continues from their checkpoints, and
    both polish the model (every image's ink varied as one process would)."""
    stopped = run_vocabulary_workers(tmp_path, "2", "1")
    assert all("'stopped_after_epoch': 1" in out for out in stopped), stopped
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["tiny", "tiny.worker-1"]  # each its own
    first = {}
    for folder in ("tiny", "tiny.worker-1"):
        first[folder] = json.loads((tmp_path / "runs" / folder / "checkpoint" / "state.json").read_text("utf-8"))
        assert first[folder]["epochs_done"] == 1
    outputs = run_vocabulary_workers(tmp_path, "2")
    fingerprints = [re.search(rf"worker {i} of 2: trainable weights fingerprint (\w+)", out)
                    for i, out in enumerate(outputs)]
    assert all(fingerprints), outputs
    assert fingerprints[0][1] == fingerprints[1][1]  # the gradients were averaged over both workers
    # Only the chief's run and model remain; the other worker's data and checkpoints are gone.
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["tiny"]
    state = json.loads((tmp_path / "runs" / "tiny" / "checkpoint" / "state.json").read_text(encoding="utf-8"))
    assert state["epochs_done"] == 2 and state["seconds"][0] == first["tiny"]["seconds"][0]  # epoch 2 only ran again
    polish = json.loads((tmp_path / "runs" / "tiny" / "polish" / "checkpoint" / "state.json").read_text("utf-8"))
    assert polish["epochs_done"] == 1
    assert (tmp_path / "models" / "tiny.onnx").is_file()
