"""Evaluating the shipped CNN on a generated ``<char>/<image>`` folder, checked against training's maths."""

from __future__ import annotations

import base64
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH
from desktop.core.evaluation import (
    EvaluationCancelled,
    EvaluationError,
    FolderMismatchError,
    evaluate_folder,
)
from desktop.core.onnx_model import OnnxModel
from desktop.core.recognition import image_to_input, read_image_file
from desktop.core.registry import shipped_models_dir
from desktop.core.strokes import render
from training.evaluate import evaluate_predictions
from training.strokedata import load_medians

CHARACTERS = "山木口"
PEN_WIDTHS = (14.0, 30.0, 50.0)


def write_png(path: Path, image: np.ndarray) -> None:
    ok, data = cv2.imencode(".png", image)
    assert ok
    path.write_bytes(data.tobytes())


def make_test_folder(root: Path) -> Path:
    """3 course characters x 3 pen widths, one 山 filed under 木 (a sure mistake), one class folder
    the model does not know (2 files) and one corrupt PNG."""
    folder = root / "我的测试集"  # a non-ASCII path, as students' folders often are
    for char in CHARACTERS:
        (folder / char).mkdir(parents=True)
        for i, pen in enumerate(PEN_WIDTHS):
            write_png(folder / char / f"{i}.png", render(load_medians(char), height=90, pen_width=pen))
    write_png(folder / "木" / "mislabelled.png", render(load_medians("山"), height=90, pen_width=20.0))
    (folder / "口" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not a picture")
    (folder / "xyz").mkdir()
    for i in range(2):
        write_png(folder / "xyz" / f"{i}.png", render(load_medians("大"), height=60, pen_width=10.0))
    return folder


@pytest.fixture(scope="module")
def cnn() -> OnnxModel:
    return OnnxModel(shipped_models_dir() / "casia55-cnn.onnx")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return make_test_folder(tmp_path_factory.mktemp("evaluation"))


def test_metrics_match_training_evaluation(cnn, folder):
    steps = []
    result = evaluate_folder(cnn, folder, progress=lambda done, total: steps.append((done, total)), batch_size=4)

    # The same inputs, scored by the training package's evaluation.
    names = cnn.class_names
    files = sorted((p for c in names if (folder / c).is_dir() for p in sorted((folder / c).iterdir())),
                   key=lambda p: (names.index(p.parent.name), p.name))
    files = [p for p in files if p.name != "broken.png"]
    inputs = np.stack([image_to_input(read_image_file(p)) for p in files])
    labels = [names.index(p.parent.name) for p in files]
    expected = evaluate_predictions(cnn.predict_proba(inputs), labels, names, [str(p) for p in files])

    metrics = result["metrics"]["test"]
    assert metrics["n"] == expected["n"] == len(CHARACTERS) * len(PEN_WIDTHS) + 1
    for key in ("loss", "accuracy", "top5"):
        assert metrics[key] == pytest.approx(expected[key], rel=1e-6, abs=1e-9)
    assert result["confusion_matrix"] == expected["confusion_matrix"]
    assert result["per_class_accuracy"] == pytest.approx(expected["per_class_accuracy"])
    assert result["per_class_accuracy"]["鸟"] is None  # no images of that class
    assert [f["label"] for f in result["failed_predictions"]] == [f["label"] for f in expected["failed_predictions"]]
    assert result["confidence"]["bins"] == pytest.approx(np.linspace(0, 1, 11).tolist())
    assert result["confidence"]["correct"] == expected["confidence"]["correct"]
    assert result["confidence"]["wrong"] == expected["confidence"]["wrong"]

    # Progress in batches of 4 over the 11 files of known classes (the corrupt one included).
    assert steps[0] == (0, 11) and steps[-1] == (11, 11)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_wrong_class_folder_and_corrupt_image_are_reported(cnn, folder):
    result = evaluate_folder(cnn, folder)
    assert result["ignored_classes"] == {"xyz": 2}
    assert len(result["unreadable"]) == 1
    path, reason = result["unreadable"][0]
    assert Path(path) == folder / "口" / "broken.png"
    assert "not a readable image" in reason
    assert result["evaluated_classes"] == sorted(CHARACTERS, key=cnn.class_names.index)


def test_failures_carry_the_model_input_and_course_label(cnn, folder):
    result = evaluate_folder(cnn, folder)
    failures = result["failed_predictions"]
    assert result["failed_total"] == len(failures) >= 1
    mislabelled = [f for f in failures if f["source"].endswith("mislabelled.png")]
    assert mislabelled and mislabelled[0]["true"] == "木"
    f = mislabelled[0]
    assert f["label"] == f"{f['predicted']} not 木 ({f['confidence']:.0%})"
    confidences = [f["confidence"] for f in failures]
    assert confidences == sorted(confidences, reverse=True)

    picture = cv2.imdecode(np.frombuffer(base64.b64decode(f["image_png"]), np.uint8), cv2.IMREAD_UNCHANGED)
    assert picture.shape == (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH) and picture.dtype == np.uint8
    expected = image_to_input(read_image_file(folder / "木" / "mislabelled.png"))[..., 0]
    assert np.abs(picture.astype(float) - expected).max() <= 0.5  # the exact input, rounded to 8 bits

    # Every non-empty cell of the confusion matrix has example images, best first and bounded.
    matrix = np.array(result["confusion_matrix"])
    cells = {tuple(map(int, key.split(","))): examples for key, examples in result["confusion_examples"].items()}
    assert set(cells) == {tuple(map(int, ij)) for ij in np.argwhere(matrix > 0)}
    for (t, p), examples in cells.items():
        assert len(examples) == min(matrix[t, p], 3 if t == p else 6)
        assert all(e["image_png"] and e["source"] for e in examples)
        assert [e["confidence"] for e in examples] == sorted((e["confidence"] for e in examples), reverse=True)


def test_cancel_stops_between_batches(cnn, folder):
    steps = []
    with pytest.raises(EvaluationCancelled):
        evaluate_folder(cnn, folder, progress=lambda d, t: steps.append(d), cancelled=lambda: len(steps) >= 2,
                        batch_size=4)
    assert steps == [0, 4]


def test_folder_of_unknown_classes_names_them(cnn, tmp_path):
    for name, count in (("apples", 3), ("pears", 1)):
        (tmp_path / name).mkdir()
        for i in range(count):
            (tmp_path / name / f"{i}.png").write_bytes(b"")
    with pytest.raises(FolderMismatchError, match=r"apples \(3 files\), pears \(1 files\)") as caught:
        evaluate_folder(cnn, tmp_path)
    assert str(tmp_path) in str(caught.value) and "casia55-cnn.onnx" in str(caught.value)
    assert caught.value.found == {"apples": 3, "pears": 1}


def test_only_unreadable_images_is_an_error(cnn, tmp_path):
    (tmp_path / "山").mkdir()
    (tmp_path / "山" / "blank.png").write_bytes(cv2.imencode(".png", np.full((20, 20), 255, np.uint8))[1].tobytes())
    with pytest.raises(EvaluationError, match="no readable image"):
        evaluate_folder(cnn, tmp_path)
    with pytest.raises(EvaluationError, match="folder not found"):
        evaluate_folder(cnn, tmp_path / "missing")


def test_a_stroke_model_is_not_evaluated_on_pictures(folder, tmp_path):
    from tests.tiny_onnx import stroke_character_model

    model = OnnxModel(stroke_character_model(tmp_path / "online.onnx", ["大", "天"], np.zeros((9, 2))))
    with pytest.raises(EvaluationError, match="reads pen strokes"):
        evaluate_folder(model, folder)
