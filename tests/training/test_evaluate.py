"""Evaluation numbers, the sidecar report, the plots and the evaluate command, on real files."""

from __future__ import annotations

import argparse
import base64
import json
import math
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from training import evaluate as evaluate_command  # noqa: E402
from training import models, plots  # noqa: E402
from training.errors import DataError  # noqa: E402
from training import evaluate as evaluation  # noqa: E402
from training.evaluate import evaluate_onnx_on_folder, evaluate_predictions, evaluate_run, failure_label  # noqa: E402
from training.export import export_onnx  # noqa: E402
from tests.shapes import draw_shape  # noqa: E402

CLASSES = ["一", "丨", "口"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# -- evaluate_predictions ---------------------------------------------------------------------
def test_numbers_match_a_hand_computed_example():
    names = list("东人炎大天山")
    probs = np.array(
        [
            [0.72, 0.08, 0.05, 0.05, 0.05, 0.05],  # 东, right, 72 %
            [0.63, 0.07, 0.10, 0.10, 0.05, 0.05],  # 炎 taken for 东 (63 %), 炎 still in the top 5
            [0.40, 0.20, 0.15, 0.15, 0.07, 0.03],  # 山 taken for 东 (40 %), 山 last: not in the top 5
            [0.09, 0.55, 0.09, 0.09, 0.09, 0.09],  # 人, right, 55 %
        ]
    )
    labels = [0, 2, 5, 1]
    result = evaluate_predictions(probs, labels, names, sources=["a.png", "b.png", "c.png", "d.png"])

    assert result["n"] == 4
    assert result["loss"] == pytest.approx(-(math.log(0.72) + math.log(0.10) + math.log(0.03) + math.log(0.55)) / 4)
    assert result["accuracy"] == 0.5
    assert result["top5"] == 0.75
    expected_matrix = np.zeros((6, 6), int)
    expected_matrix[0, 0] = expected_matrix[1, 1] = expected_matrix[2, 0] = expected_matrix[5, 0] = 1
    assert result["confusion_matrix"] == expected_matrix.tolist()
    assert result["per_class_accuracy"] == {"东": 1.0, "人": 1.0, "炎": 0.0, "大": None, "天": None, "山": 0.0}

    first, second = result["failed_predictions"]  # most confident mistake first
    assert first == {
        "index": 1,
        "source": "b.png",
        "true": "炎",
        "predicted": "东",
        "confidence": pytest.approx(0.63),
        "top5": [
            ["东", pytest.approx(0.63)],
            ["炎", pytest.approx(0.10)],
            ["大", pytest.approx(0.10)],
            ["人", pytest.approx(0.07)],
            ["天", pytest.approx(0.05)],
        ],
        "label": "东 not 炎 (63%)",
    }
    assert (second["index"], second["true"], second["label"]) == (2, "山", "东 not 山 (40%)")

    assert result["confidence_correct"] == pytest.approx([0.72, 0.55])
    assert result["confidence_wrong"] == pytest.approx([0.63, 0.40])
    assert result["confidence"]["bins"] == pytest.approx([i / 10 for i in range(11)])
    assert result["confidence"]["correct"] == [0, 0, 0, 0, 0, 1, 0, 1, 0, 0]
    assert result["confidence"]["wrong"] == [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]


def test_numbers_agree_with_keras_metrics():
    rng = np.random.default_rng(4)
    probs = rng.dirichlet(np.full(8, 0.7), size=200).astype(np.float32)
    labels = rng.integers(0, 8, 200)
    result = evaluate_predictions(probs, labels, list("东主人从众出口吗"))
    keras_loss = float(np.mean(keras.losses.sparse_categorical_crossentropy(labels, probs)))
    top5 = keras.metrics.SparseTopKCategoricalAccuracy(k=5)
    top5.update_state(labels, probs)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    accuracy.update_state(labels, probs)
    assert result["loss"] == pytest.approx(keras_loss, rel=1e-5)
    assert result["top5"] == pytest.approx(float(top5.result()))
    assert result["accuracy"] == pytest.approx(float(accuracy.result()))
    assert sum(map(sum, result["confusion_matrix"])) == 200


def decode(b64: str) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(base64.b64decode(b64), np.uint8), cv2.IMREAD_UNCHANGED)


def test_confusion_examples_keep_the_most_confident_per_cell_with_exact_images():
    rng = np.random.default_rng(8)
    images = rng.integers(0, 256, (20, 80, 60, 1), dtype=np.uint8)
    # Class 0: 12 images, 4 right, 8 taken for class 1 (confidence rising with the index); class 1: 8 right.
    labels = np.array([0] * 12 + [1] * 8)
    confidences = np.linspace(0.5, 0.95, 20)
    predicted = np.array([0] * 4 + [1] * 8 + [1] * 8)
    probs = np.zeros((20, 2))
    probs[np.arange(20), predicted] = confidences
    probs[np.arange(20), 1 - predicted] = 1 - confidences
    sources = [f"{i}.png" for i in range(20)]
    result = evaluate_predictions(probs, labels, ["甲", "乙"], sources, images)

    examples = result["confusion_examples"]
    assert sorted(examples) == ["0,0", "0,1", "1,1"]  # every non-empty cell, no empty one
    assert [e["source"] for e in examples["0,1"]] == [f"{i}.png" for i in range(11, 5, -1)]  # 6, most confident first
    assert [e["source"] for e in examples["0,0"]] == ["3.png", "2.png", "1.png"]
    assert [e["source"] for e in examples["1,1"]] == ["19.png", "18.png", "17.png"]
    assert examples["0,1"][0]["confidence"] == pytest.approx(confidences[11])
    assert np.array_equal(decode(examples["1,1"][0]["image_png"]), images[19, :, :, 0])
    for failure in result["failed_predictions"]:
        assert np.array_equal(decode(failure["image_png"]), images[failure["index"], :, :, 0])


def test_many_confused_cells_share_a_budget_but_keep_one_example_each(monkeypatch):
    monkeypatch.setattr(evaluation, "MAX_MISTAKE_EXAMPLES", 10)
    names = [str(i) for i in range(6)]
    # Every true class is taken for every other class three times: 30 confused cells of 3 images.
    labels, predicted = zip(*[(t, p) for t in range(6) for p in range(6) if t != p for _ in range(3)])
    probs = np.full((len(labels), 6), 0.1)
    probs[np.arange(len(labels)), predicted] = 0.5
    images = np.zeros((len(labels), 80, 60, 1), np.uint8)
    examples = evaluate_predictions(probs, labels, names, None, images)["confusion_examples"]
    assert len(examples) == 30 and all(len(v) == 1 for v in examples.values())


def test_failure_label_format():
    assert failure_label(true="炎", predicted="东", confidence=0.634) == "东 not 炎 (63%)"
    assert failure_label(true="人", predicted="从", confidence=1.0) == "从 not 人 (100%)"


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError, match="do not match 3 classes"):
        evaluate_predictions(np.full((2, 4), 0.25), [0, 1], CLASSES)
    with pytest.raises(DataError, match="no images"):
        evaluate_predictions(np.zeros((0, 3)), [], CLASSES)


# -- a real run folder --------------------------------------------------------------------------
draw = draw_shape


def write_pngs(folder: Path, counts: dict[str, int], seed: int) -> None:
    """``folder/<name>/<n>.png``; names outside CLASSES get boxes."""
    rng = np.random.default_rng(seed)
    for name, count in counts.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        label = CLASSES.index(name) if name in CLASSES else 2
        for i in range(count):
            cv2.imencode(".png", draw(label, rng))[1].tofile(str(folder / name / f"{i}.png"))


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """data/Train|Test/<char>/*.png and a run folder with a CNN trained 2 epochs on Train."""
    from training import casia

    root = tmp_path_factory.mktemp("evaluate")
    data = root / "data"
    write_pngs(data / "Train", {c: 10 for c in CLASSES}, seed=1)
    write_pngs(data / "Test", {c: 4 for c in CLASSES}, seed=2)
    train = casia.load_split(data, "Train", CLASSES)

    keras.utils.set_random_seed(3)
    model = models.build("cnn", len(CLASSES))
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=3, name="top5")],
    )
    fit = model.fit(train.float_images(), train.labels, validation_split=0.2, epochs=2, batch_size=8, verbose=0)
    run = root / "run"
    run.mkdir()
    model.save(run / "model.keras")
    (run / "history.json").write_text(
        json.dumps(
            {
                "history": fit.history,
                "epoch_seconds": [0.5, 0.4],
                "best_epoch": 2,
                "stopped_epoch": 2,
                "monitor": "val_accuracy",
                "patience": 15,
            }
        ),
        encoding="utf-8",
    )
    (run / "run.json").write_text(
        json.dumps(
            {
                "model": "cnn",
                "data": str(data),
                "class_names": CLASSES,
                "output": "logits",
                "seed": 123,
                "trained_on": "drawn shapes",
                "created_by": "cnn-classroom 0.1.0",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return run, data, model


def assert_png(path: Path) -> None:
    assert path.is_file(), path
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 2000, path


def test_evaluate_run_writes_report_and_plots(run_folder):
    from training import casia

    run, data, model = run_folder
    report = evaluate_run(run, data)

    on_disk = json.loads((run / "report.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(report))
    for key in (
        "schema",
        "model",
        "class_names",
        "layers",
        "total_params",
        "size_bytes",
        "history",
        "best_epoch",
        "metrics",
        "confusion_matrix",
        "per_class_accuracy",
        "failed_predictions",
        "confidence",
        "trained_on",
        "created_by",
    ):
        assert key in on_disk, key
    assert on_disk["model"] == {"name": "cnn", "title": "cnn (3 characters)", "output": "logits"}
    assert on_disk["class_names"] == CLASSES
    assert on_disk["total_params"] == model.count_params() == sum(row["params"] for row in on_disk["layers"])
    conv1 = next(row for row in on_disk["layers"] if row["name"] == "conv1")
    assert conv1 == {"name": "conv1", "type": "Conv2D", "output_shape": [None, 80, 60, 16], "params": 3 * 3 * 16 + 16}
    assert on_disk["size_bytes"] == (run / "model.keras").stat().st_size
    assert on_disk["best_epoch"] == 2 and len(on_disk["history"]["val_accuracy"]) == 2
    assert on_disk["trained_on"] == "drawn shapes"
    assert set(on_disk["per_class_accuracy"]) == set(CLASSES)

    # 30 training images split 24/6 as in training, 12 test images.
    assert [on_disk["metrics"][s]["n"] for s in ("train", "validation", "test")] == [24, 6, 12]
    # The test numbers are the ones Keras itself reports for the same images.
    test = casia.load_split(data, "Test", CLASSES)
    keras_numbers = model.evaluate(test.float_images(), test.labels, verbose=0, return_dict=True)
    assert on_disk["metrics"]["test"]["accuracy"] == pytest.approx(keras_numbers["accuracy"], abs=1e-6)
    assert on_disk["metrics"]["test"]["top5"] == pytest.approx(keras_numbers["top5"], abs=1e-6)
    assert on_disk["metrics"]["test"]["loss"] == pytest.approx(keras_numbers["loss"], rel=1e-3)
    assert sum(map(sum, on_disk["confusion_matrix"])) == 12
    for failure in on_disk["failed_predictions"]:
        assert Path(failure["source"]).is_file()
        # The picture is the exact model input of that test image.
        assert np.array_equal(decode(failure["image_png"]), test.images[failure["index"], :, :, 0])
    matrix = np.array(on_disk["confusion_matrix"])
    nonempty = {f"{t},{p}" for t, p in zip(*np.nonzero(matrix))}
    assert set(on_disk["confusion_examples"]) == nonempty
    for cell, examples in on_disk["confusion_examples"].items():
        t, p = map(int, cell.split(","))
        assert len(examples) == min(matrix[t, p], 3 if t == p else 6)
        assert [e["confidence"] for e in examples] == sorted((e["confidence"] for e in examples), reverse=True)
        for example in examples:
            assert decode(example["image_png"]).shape == (80, 60)
            assert Path(example["source"]).parent.name == CLASSES[t]

    for name in ("learning_curves", "failed_predictions", "confidence", "least_legible"):
        assert_png(run / "plots" / f"{name}.png")


def test_chinese_titles_render_with_a_cjk_font(tmp_path):
    if plots.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")
    failures = [{"index": 0, "label": failure_label(true="炎", predicted="东", confidence=0.63)}]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plots.failed_predictions_grid(np.full((1, 80, 60, 1), 255, np.uint8), failures, tmp_path / "grid.png")
        plots.least_legible({"东": 0.2, "炎": 0.5, "人": None}, tmp_path / "least.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert_png(tmp_path / "grid.png")


def test_evaluate_command_prints_a_table(run_folder, capsys):
    run, data, _ = run_folder
    args = parse(["--run", str(run), "--data", str(data)])
    assert evaluate_command.run(args) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "validation" in out and "test" in out


def parse(argv):
    parser = argparse.ArgumentParser()
    evaluate_command.configure(parser)
    return parser.parse_args(argv)


# -- another test set with an exported model ---------------------------------------------------
@pytest.fixture(scope="module")
def onnx_file(run_folder, tmp_path_factory):
    _, _, model = run_folder
    path = tmp_path_factory.mktemp("onnx") / "shapes.onnx"
    return export_onnx(
        model, path, class_names=CLASSES, title="Shapes", trained_on="drawn shapes", metrics={}, output_kind="logits"
    )


def test_folder_without_known_classes_is_explained(onnx_file, tmp_path):
    write_pngs(tmp_path / "mandarin", {"甲": 2, "乙": 3}, seed=5)
    with pytest.raises(DataError) as info:
        evaluate_onnx_on_folder(onnx_file, tmp_path / "mandarin")
    message = str(info.value)
    assert "mandarin" in message and "none of its class folders is a class of shapes.onnx" in message
    assert "2 folders, 5 files" in message and "甲 (2 files)" in message and "乙 (3 files)" in message
    assert "一丨口" in message


def test_folder_evaluates_matching_classes_only(onnx_file, run_folder, tmp_path, capsys):
    _, _, model = run_folder
    folder = tmp_path / "mandarin"
    write_pngs(folder, {"一": 3, "口": 4, "甲": 2}, seed=6)
    out = tmp_path / "out"
    result = evaluate_onnx_on_folder(onnx_file, folder, out_dir=out)

    assert result["n"] == 7
    assert result["classes"] == ["一", "口"]
    assert result["ignored_classes"] == {"甲": 2}
    assert set(result["per_class_accuracy"]) == {"一", "口"}
    # Labels index the model's classes: compare with Keras on the same images.
    images = np.stack(
        [
            cv2.imdecode(np.fromfile(str(p), np.uint8), cv2.IMREAD_GRAYSCALE)
            for c in ("一", "口")
            for p in sorted((folder / c).glob("*.png"), key=lambda p: int(p.stem))
        ]
    )
    labels = np.array([0] * 3 + [2] * 4)
    predicted = model.predict(images[..., None].astype(np.float32), verbose=0).argmax(axis=1)
    assert result["metrics"]["accuracy"] == pytest.approx(float(np.mean(predicted == labels)))

    written = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert written["ignored_classes"] == {"甲": 2}
    assert written["class_names"] == CLASSES
    nonempty = {f"{t},{p}" for t, p in zip(*np.nonzero(np.array(written["confusion_matrix"])))}
    assert set(written["confusion_examples"]) == nonempty
    for failure in written["failed_predictions"]:
        assert np.array_equal(decode(failure["image_png"]), images[failure["index"]])
    for name in ("failed_predictions", "confidence", "least_legible"):
        assert_png(out / f"{name}.png")

    assert evaluate_command.run(parse(["--onnx", str(onnx_file), "--folder", str(folder)])) == 0
    printed = capsys.readouterr().out
    assert "mandarin" in printed and "甲 (2 files)" in printed


def test_unreadable_model_file_is_a_data_error(tmp_path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not an onnx model at all")
    write_pngs(tmp_path / "mandarin", {"一": 1}, seed=7)
    with pytest.raises(DataError, match="broken.onnx: not a readable ONNX model"):
        evaluate_onnx_on_folder(bad, tmp_path / "mandarin")
