"""Reading sidecar reports: clear errors naming the file, tolerance of absent sections, images."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.contract import COURSE_CHARACTERS, report_path
from desktop.core.report import (
    ReportError,
    confusion_examples,
    decode_png,
    feature_visualisation_images,
    load_report,
    report_for,
)

SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "models"


def write(path: Path, content) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def png_b64(image: np.ndarray) -> str:
    return base64.b64encode(cv2.imencode(".png", image)[1].tobytes()).decode("ascii")


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "not a JSON object"),
        ({"schema": 1}, "lacks class_names"),
        ({"class_names": "东主"}, "class_names is not a list"),
        ({"class_names": ["东", "主"], "confusion_matrix": [[1, 0]]}, "confusion_matrix is not 2×2"),
    ],
)
def test_a_broken_report_is_refused_with_the_file_name(tmp_path, content, message):
    path = write(tmp_path / "m.report.json", content)
    with pytest.raises(ReportError) as info:
        load_report(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_missing_and_undecodable_files(tmp_path):
    with pytest.raises(ReportError, match="no such report file"):
        load_report(tmp_path / "absent.report.json")
    (tmp_path / "latin1.report.json").write_bytes(b'{"class_names": ["\xe9"]}')
    with pytest.raises(ReportError, match="latin1.report.json: the report cannot be read"):
        load_report(tmp_path / "latin1.report.json")


def test_a_minimal_report_loads_and_optional_sections_may_be_absent(tmp_path):
    path = write(tmp_path / "m.report.json", {"class_names": ["东", "主"], "unknown_future_key": 3})
    report = load_report(path)
    assert report["class_names"] == ["东", "主"]
    assert confusion_examples(report, 0, 1) == []
    assert feature_visualisation_images(report, tmp_path) == {"layers": {}, "classes": {}}


def test_report_for_finds_the_sidecar_beside_the_model(tmp_path):
    model = tmp_path / "x.onnx"
    assert report_for(model) is None
    write(report_path(model), {"class_names": ["a"]})
    assert report_for(model) == {"class_names": ["a"]}


def test_decode_png_round_trips_an_exact_model_input():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (80, 60), dtype=np.uint8)
    decoded = decode_png(png_b64(image))
    assert decoded.dtype == np.uint8 and np.array_equal(decoded, image)
    with pytest.raises(ValueError, match="base64"):
        decode_png("not base64 !!")
    with pytest.raises(ValueError, match="not a PNG"):
        decode_png(base64.b64encode(b"hello world!").decode())


def test_confusion_examples_and_feature_images_by_relative_path(tmp_path):
    picture = np.full((80, 60), 200, np.uint8)
    (tmp_path / "m.features").mkdir()
    cv2.imencode(".png", picture)[1].tofile(str(tmp_path / "m.features" / "conv1_00.png"))
    report = {
        "class_names": ["东", "主"],
        "confusion_examples": {"0,1": [{"source": "a.png", "confidence": 0.9, "image_png": png_b64(picture)}]},
        "feature_visualisations": {"layers": {"conv1": ["m.features/conv1_00.png", "m.features/gone.png"]},
                                   "classes": {"东": "m.features/conv1_00.png"}, "folder": "m.features"},
    }
    assert confusion_examples(report, 0, 1)[0]["source"] == "a.png"
    assert confusion_examples(report, 1, 0) == []
    images = feature_visualisation_images(report, tmp_path)
    first, missing = images["layers"]["conv1"]
    assert np.array_equal(first, picture) and missing is None
    assert np.array_equal(images["classes"]["东"][0], picture)


@pytest.mark.parametrize("name", ["casia55-cnn", "casia55-logistic"])
def test_shipped_reports_load(name):
    report = report_for(SHIPPED / f"{name}.onnx")
    assert report is not None and report["class_names"] == list(COURSE_CHARACTERS)
    for failure in report["failed_predictions"][:5]:
        if "image_png" in failure:  # reports written since images were added carry the exact inputs
            assert decode_png(failure["image_png"]).shape == (80, 60)
