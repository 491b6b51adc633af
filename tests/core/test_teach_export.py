"""The merged ONNX export: one graph, parity with extractor + numpy head, contract metadata."""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import desktop
from desktop.core.contract import assets_dir
from desktop.core.onnx_model import OnnxModel
from desktop.core.teach.export import TeachExportError, export_merged_onnx
from desktop.core.teach.head import predict_head, train_head
from desktop.core.teach.project import TrainSettings

EXTRACTOR = assets_dir() / "models" / "efficientnet-lite0-features.onnx"
CLASSES = ["rock", "paper", "scissors"]


@pytest.fixture(scope="module")
def head():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(0, 2, (8, 1280)) + i for i in range(3)]).astype(np.float32)
    return train_head(x, np.repeat(np.arange(3), 8), 3, TrainSettings(epochs=5))


def test_merged_model_matches_extractor_plus_head(head, tmp_path):
    path = export_merged_onnx(EXTRACTOR, head, CLASSES, tmp_path / "rps.onnx", "Rock paper scissors")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rps.onnx", "rps.report.json"]  # no temp file left
    graph = onnx.load(str(path)).graph
    assert [o.name for o in graph.output] == ["probabilities", "cam_features", "cam_weights"]
    assert len(graph.input) == 1

    images = np.random.default_rng(5).uniform(0, 255, (3, 224, 224, 3)).astype(np.float32)
    features = OnnxModel(EXTRACTOR).predict_features(images)
    (merged,) = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(["probabilities"],
                                                                                        {"image": images})
    np.testing.assert_allclose(merged, predict_head(head, features), atol=1e-5)

    model = OnnxModel(path)
    assert (model.task, model.output_kind, model.class_names) == ("custom", "probabilities", CLASSES)
    assert model.title == "Rock paper scissors"
    meta = model.metadata
    assert meta["created_by"] == f"cnn-classroom {desktop.__version__}"
    assert json.loads(meta["metrics"])["epochs"] == 5
    assert "24 samples" in meta["trained_on"]
    np.testing.assert_allclose(model.predict_proba(images), merged, atol=1e-6)


def test_merged_model_carries_cam_outputs_from_the_extractor_and_the_head(head, tmp_path):
    from desktop.core.explain import explain
    from desktop.core.photos import to_model_input
    from desktop.core.teach.project import read_rgb

    model = OnnxModel(export_merged_onnx(EXTRACTOR, head, CLASSES, tmp_path / "rps.onnx", "Rock paper scissors"))
    assert model.has_cam
    image = to_model_input(read_rgb(assets_dir() / "samples" / "coffee.jpg"))
    _, activations, weights = model.predict_with_cam(image[None])
    assert activations.shape == (1, 7, 7, 1280) and weights.shape == (1, 3, 1280)
    np.testing.assert_allclose(activations.mean(axis=(1, 2)), OnnxModel(EXTRACTOR).predict_features(image[None]),
                               atol=1e-5)
    np.testing.assert_allclose(weights[0], head.weights.T / 49, rtol=1e-6)
    result = explain(model, image, class_name="paper", method="cam")
    assert result.grid.shape == (7, 7) and result.heat.shape == (224, 224) and result.class_name == "paper"


def test_class_names_must_match_the_head(head, tmp_path):
    with pytest.raises(TeachExportError, match="3 outputs but 2 class names"):
        export_merged_onnx(EXTRACTOR, head, CLASSES[:2], tmp_path / "bad.onnx", "Bad")
    assert not list(tmp_path.iterdir())


def test_export_writes_a_report_the_results_panel_reads(head, tmp_path):
    from desktop.core.contract import report_path
    from desktop.core.report import load_report

    path = export_merged_onnx(EXTRACTOR, head, CLASSES, tmp_path / "taught.onnx", "Taught", trained_on="3 classes")
    report = load_report(report_path(path))
    assert report["class_names"] == list(CLASSES) and report["model"]["title"] == "Taught"
    assert report["metrics"]["validation"]["n"] == len(head.holdout)
    assert len(report["history"]["loss"]) == len(head.history)
    assert len(report["confusion_matrix"]) == len(CLASSES) and report["size_bytes"] == path.stat().st_size
