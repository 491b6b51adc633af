"""The model registry: good files become models, bad ones become problems with a reason, never a crash."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop.core.registry import (
    ModelRegistry,
    default_model_folders,
    preferred_character_model,
    shipped_models_dir,
)
from tests.tiny_onnx import linear_character_model

CLASSES = ["大", "天", "太"]


def test_corrupt_wrong_shaped_and_unlabelled_files_are_problems_not_errors(tmp_path: Path) -> None:
    good = linear_character_model(tmp_path / "a-good.onnx", CLASSES, title="Good one", with_features=True)
    (tmp_path / "b-corrupt.onnx").write_bytes(b"this is not a protobuf \x00\xff\x13")
    linear_character_model(tmp_path / "c-mnist.onnx", CLASSES, height=28, width=28)
    linear_character_model(tmp_path / "d-no-metadata.onnx", CLASSES, class_names="not json")
    (tmp_path / "e-empty.onnx").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a model")

    scan = ModelRegistry([tmp_path]).scan()

    assert [m.path for m in scan.models] == [good]
    info = scan.models[0]
    assert (info.title, info.task, info.output_kind) == ("Good one", "characters", "logits")
    assert info.class_names == CLASSES and info.feature_names == ["conv1"]
    assert info.metrics == {"test": {"accuracy": 0.5}}
    assert info.label == "Good one (a-good.onnx)"
    reasons = {p.path.name: p.reason for p in scan.problems}
    assert set(reasons) == {"b-corrupt.onnx", "c-mnist.onnx", "d-no-metadata.onnx", "e-empty.onnx"}
    assert "not a readable ONNX model" in reasons["b-corrupt.onnx"]
    assert "80x60x1" in reasons["c-mnist.onnx"] and "28x28x1" in reasons["c-mnist.onnx"]
    assert "class_names" in reasons["d-no-metadata.onnx"]
    assert str(scan.problems[0]).startswith("b-corrupt.onnx: ")


def test_scan_hands_over_warm_models_that_run(tmp_path: Path) -> None:
    path = linear_character_model(tmp_path / "m.onnx", CLASSES)
    scan = ModelRegistry([tmp_path]).scan()
    probs = scan.loaded[path].predict_proba(np.full((1, 80, 60, 1), 255, np.float32))
    assert probs.shape == (1, 3) and abs(float(probs.sum()) - 1) < 1e-5


def test_missing_and_repeated_folders(tmp_path: Path) -> None:
    linear_character_model(tmp_path / "m.onnx", CLASSES)
    scan = ModelRegistry([tmp_path / "missing", tmp_path, tmp_path]).scan(warm_up=False)
    assert len(scan.models) == 1 and scan.problems == []


def test_default_folders_put_the_shipped_models_first(tmp_path: Path) -> None:
    assert default_model_folders() == [shipped_models_dir()]
    assert default_model_folders(tmp_path) == [shipped_models_dir(), tmp_path]
    assert shipped_models_dir().name == "models" and shipped_models_dir().parent.name == "assets"


def test_preferred_model_is_the_shipped_cnn_else_one_with_feature_maps(tmp_path: Path) -> None:
    linear_character_model(tmp_path / "a-plain.onnx", CLASSES)
    linear_character_model(tmp_path / "b-features.onnx", CLASSES, with_features=True)
    models = ModelRegistry([tmp_path]).scan(warm_up=False).models
    assert preferred_character_model(models).path.name == "b-features.onnx"
    linear_character_model(tmp_path / "casia55-cnn.onnx", CLASSES)
    models = ModelRegistry([tmp_path]).scan(warm_up=False).models
    assert preferred_character_model(models).path.name == "casia55-cnn.onnx"
    linear_character_model(tmp_path / "casia55-best.onnx", CLASSES)
    models = ModelRegistry([tmp_path]).scan(warm_up=False).models
    assert preferred_character_model(models).path.name == "casia55-best.onnx"
    assert preferred_character_model([]) is None


@pytest.mark.skipif(not any(shipped_models_dir().glob("*.onnx")), reason="no shipped models built yet")
def test_every_shipped_model_passes_the_registry() -> None:
    scan = ModelRegistry([shipped_models_dir()]).scan()
    assert scan.problems == []
    tasks = {m.path.name: m.task for m in scan.models}
    assert tasks["casia55-cnn.onnx"] == tasks["casia55-logistic.onnx"] == "characters"
    from desktop.core.vocabulary import gb2312_level1, vocabulary_of

    by_vocabulary = {vocabulary_of(m.class_names) for m in scan.character_models() if len(m.class_names) != 55}
    assert by_vocabulary <= {"gb2312-1"}  # the course's 55, or all 3,755 common characters
    if "hanzi3755-best.onnx" in tasks:
        assert scan.models[[m.path.name for m in scan.models].index("hanzi3755-best.onnx")].class_names == \
            gb2312_level1()
    assert all(len(m.class_names) == 1000 for m in scan.models if m.task == "imagenet")


def test_models_of_other_tasks_are_listed_without_loading(tmp_path) -> None:
    from tests.tiny_onnx import linear_character_model, photo_model

    chars = linear_character_model(tmp_path / "chars.onnx", ["大", "天"])
    photos = photo_model(tmp_path / "photos.onnx", ["red", "green", "blue"])
    scan = ModelRegistry([tmp_path]).scan(load_tasks={"characters"})
    assert set(scan.loaded) == {chars}
    listed = {m.path: m for m in scan.models}
    assert set(listed) == {chars, photos} and listed[photos].task != "characters"
    assert scan.problems == []
