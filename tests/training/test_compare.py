"""``python -m training compare``: two models on the same tiny images, the three files in their format."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pytest

pytest.importorskip("keras")

from desktop.core.contract import report_path  # noqa: E402
from desktop.core.onnx_model import OnnxModel  # noqa: E402
from training import models, synth  # noqa: E402
from training.cli import main  # noqa: E402
from training.compare import pick_per_class  # noqa: E402
from training.data import CharacterData  # noqa: E402

CHARS = "大天口"
ROW_KEYS = {"model", "title", "params", "epochs", "best_epoch", "train_seconds", "val_accuracy", "test_accuracy",
            "test_top5", "inference_ms", "onnx"}


def test_pick_per_class_is_seeded_and_balanced():
    labels = np.repeat(np.arange(3), [10, 4, 7]).astype(np.int32)
    data = CharacterData(np.arange(21, dtype=np.uint8).reshape(21, 1, 1, 1), labels, list(CHARS),
                         [f"f{i}" for i in range(21)])
    picked = pick_per_class(data, 5, seed=1)
    assert np.bincount(picked.labels).tolist() == [5, 4, 5]
    assert picked.sources == pick_per_class(data, 5, seed=1).sources != pick_per_class(data, 5, seed=2).sources
    assert list(picked.images.ravel()) == sorted(picked.images.ravel())  # original order kept
    assert pick_per_class(data, None, seed=0) is data


def test_compare_two_models_writes_json_markdown_and_plot(tmp_path, capsys):
    import cv2

    synth.write_dataset(tmp_path / "data", CHARS, train_per_class=12, test_per_class=4, seed=3, workers=1)
    out = tmp_path / "cmp"
    code = main(["compare", "--data", str(tmp_path / "data"), "--classes", CHARS, "--models", "logistic,lenet5",
                 "--out", str(out), "--epochs", "2", "--batch-size", "8", "--images-per-class", "10",
                 "--seed", "4"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "[1/2] logistic" in printed and "[2/2] lenet5" in printed and "Epoch 2/2" in printed

    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert (result["schema"], result["kind"], result["plot"]) == (1, "compare", "compare.png")
    assert result["created_by"].startswith("training ") and datetime.fromisoformat(result["created"]).tzinfo
    assert {"epochs": 2, "batch_size": 8, "images_per_class": 10, "seed": 4}.items() <= result["settings"].items()
    assert "data" in result["data"] and "30 training images" in result["data"] and "12 test images" in result["data"]
    rows = result["rows"]
    assert [r["model"] for r in rows] == ["logistic", "lenet5"]
    for row in rows:
        assert set(row) == ROW_KEYS
        assert row["params"] == models.build(row["model"], 3).count_params()
        assert row["epochs"] == 2 and 1 <= row["best_epoch"] <= 2 and row["train_seconds"] > 0
        for key in ("val_accuracy", "test_accuracy", "test_top5"):
            assert 0.0 <= row[key] <= 1.0
        assert row["test_top5"] == 1.0  # three classes: always in the top 5
        assert row["inference_ms"] > 0
        onnx = out / row["onnx"]
        assert row["onnx"] == f"{row['model']}/model.onnx" and onnx.is_file()
        engine = OnnxModel(onnx)
        assert engine.class_names == sorted(CHARS) and engine.title == row["title"]
        sidecar = json.loads(report_path(onnx).read_text(encoding="utf-8"))
        assert sidecar["metrics"]["test"]["accuracy"] == row["test_accuracy"]
        assert sidecar["metrics"]["validation"]["accuracy"] == row["val_accuracy"]
    assert OnnxModel(out / "lenet5" / "model.onnx").feature_names == ["c1", "c3"]

    # Every model saw the same training and validation images.
    runs = [json.loads((out / m / "run" / "run.json").read_text(encoding="utf-8")) for m in ("logistic", "lenet5")]
    assert runs[0]["samples"] == runs[1]["samples"] == {"train": 24, "validation": 6}
    assert runs[0]["data"] == runs[1]["data"] == result["data"]

    table = (out / "compare.md").read_text(encoding="utf-8")
    assert "| model | parameters |" in table and "`logistic`" in table and "`lenet5`" in table
    assert f"{rows[1]['params']:,}" in table
    picture = cv2.imread(str(out / "compare.png"))
    assert picture is not None and picture.shape[1] > picture.shape[0] > 200


def test_compare_refuses_bad_requests(tmp_path, capsys):
    args = ["compare", "--data", str(tmp_path), "--out", str(tmp_path / "o")]
    assert main([*args, "--models", "cnn,vgg99"]) == 2
    assert "vgg99" in capsys.readouterr().err
    assert main([*args, "--models", "cnn,cnn"]) == 2
    assert main([*args, "--models", "cnn", "--epochs", "0"]) == 2
    assert main([*args, "--models", "cnn"]) == 2  # no Train folder there
    assert not (tmp_path / "o").exists()
