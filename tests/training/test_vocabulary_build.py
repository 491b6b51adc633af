"""The whole-vocabulary build on a tiny subset: real drawing, real Keras training, ONNX, the app's loader.

The shipped build (3,755 characters, hours) runs the same code; here the first two dozen
characters of GB2312 level 1, a few samples each, two epochs and the one-epoch polish. A build
stopped after any epoch (in the main phase or at the polish's start) and run again must end with
exactly the weights of an unbroken run.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from desktop.core.contract import report_path
from desktop.core.onnx_model import OnnxModel
from desktop.core.recognition import candidates
from desktop.core.registry import ModelRegistry
from desktop.core.vocabulary import gb2312_level1
from installer.bundle_spec import find_cjk_font
from training.errors import TrainingError
from training.resumable_fit import ResumableSettings
from training.vocabulary_build import POLISH, VocabularyModel, build_vocabulary_model

CLASSES = 24
#: The printed samples come from the CJK face the tests' machines have (fonts-noto-cjk's Simplified
#: Chinese face); the shipped build's faces are named by fontconfig instead (tests/training/test_print_samples.py).
PRINTED_IN = (f"{find_cjk_font()}:2",)
SPEC = VocabularyModel(name="hanzi-tiny", limit=CLASSES, train_per_char=6, validation_per_char=1, test_per_char=1,
                       calibration_per_char=1, fit=ResumableSettings(epochs=2, batch_size=32, verbose=0),
                       neat_per_char=2, polish_writers_per_char=3, print_faces=PRINTED_IN,
                       polish=replace(POLISH, batch_size=32, verbose=0))


@pytest.fixture(scope="module")
def unbroken(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("vocabulary")
    figures = build_vocabulary_model(SPEC, root / "runs", root / "models", workers=1)
    return root / "runs" / SPEC.name, root / "models", figures


def test_a_tiny_vocabulary_build_gives_a_model_the_app_runs(unbroken) -> None:
    run_dir, models, figures = unbroken
    onnx_path = models / "hanzi-tiny.onnx"
    assert Path(figures["onnx"]) == onnx_path
    model = OnnxModel(onnx_path)
    assert model.class_names == gb2312_level1()[:CLASSES]  # GB2312 order: 啊 阿 埃 ...
    assert figures["temperature"] is not None  # calibrated on other writers
    scan = ModelRegistry([models], trusted_folders=[models]).scan(warm_up=False)
    assert [m.path.name for m in scan.character_models()] == ["hanzi-tiny.onnx"]
    probs = model.predict_proba(np.full((1, 80, 60, 1), 255.0, np.float32))
    assert probs.shape == (1, CLASSES) and np.isclose(probs.sum(), 1.0, atol=1e-4)
    assert len(candidates(probs[0], model.class_names, 5)) == 5
    # The report the Results panel reads: history of both epochs and the polish, the three splits, the
    # held-out writers named.
    report = json.loads(report_path(onnx_path).read_text(encoding="utf-8"))
    assert len(report["history"]["accuracy"]) == 3
    assert set(report["metrics"]) == {"train", "validation", "test"}
    assert report["metrics"]["test"]["n"] == CLASSES * SPEC.test_per_char
    assert "held-out" in report["test_set"]
    assert (run_dir / "plots" / "learning_curves.png").is_file()
    assert sorted(p.name for p in (run_dir / "data").iterdir()) == ["neat", "test", "train", "validation"]
    assert json.loads((run_dir / "polish" / "checkpoint" / "state.json").read_text(encoding="utf-8"))["epochs_done"] == 1
    assert "careful writers" in report["trained_on"] and "printed" in report["trained_on"]
    # The polish trained the network with batch norm folded into the convolutions and frozen.
    history = json.loads((run_dir / "history.json").read_text(encoding="utf-8"))
    assert "batch norm folded" in history["schedule"]
    polish = json.loads((run_dir / "polish" / "checkpoint" / "state.json").read_text(encoding="utf-8"))
    # 3 training writers, 2 careful ones and 1 printed sample per character
    assert polish["key"]["train"] == CLASSES * (3 + 2 + 1)


def test_the_shipped_weights_blend_the_polish_with_the_main_phase(unbroken) -> None:
    import keras

    from training.models import fold_batch_norm

    run_dir, _, _ = unbroken
    main = fold_batch_norm(keras.models.load_model(run_dir / "checkpoint" / "epoch-2.keras", compile=False))
    polished = keras.models.load_model(run_dir / "polish" / "checkpoint" / "epoch-1.keras", compile=False)
    shipped = keras.models.load_model(run_dir / "model.keras", compile=False)
    pairs = list(zip(main.get_weights(), polished.get_weights(), shipped.get_weights()))
    assert any(not np.array_equal(m, p) for m, p, _ in pairs)  # the polish moved the weights
    for m, p, s in pairs:
        np.testing.assert_allclose(s, m + SPEC.polish_blend * (p - m), rtol=1e-6, atol=1e-6)


def test_a_build_stopped_after_an_epoch_continues_to_the_same_weights(unbroken, tmp_path: Path) -> None:
    import keras

    run_dir, _, _ = unbroken
    resumed = tmp_path / "runs" / SPEC.name
    shutil.copytree(run_dir / "data", resumed / "data")  # the drawing is resumable too (tested in test_writer_pool)
    stopped = build_vocabulary_model(SPEC, tmp_path / "runs", tmp_path / "models", workers=1, stop_after=1)
    assert stopped["stopped_after_epoch"] == 1
    assert not (tmp_path / "models").exists()
    state = json.loads((resumed / "checkpoint" / "state.json").read_text(encoding="utf-8"))
    assert state["epochs_done"] == 1
    # stopped again after the main epochs: the polish has not started
    stopped = build_vocabulary_model(SPEC, tmp_path / "runs", tmp_path / "models", workers=1, stop_after=2)
    assert stopped["stopped_after_epoch"] == 2
    assert not (resumed / "polish" / "checkpoint").exists()
    # train only (as an accelerator without TensorFlow would): every epoch, the polish too, nothing exported
    trained = build_vocabulary_model(SPEC, tmp_path / "runs", tmp_path / "models", workers=1, train_only=True)
    assert trained["stopped_after_epoch"] == 3 and set(trained["minutes"]) == {"draw", "train"}
    assert not (tmp_path / "models").exists() and not (resumed / "model.keras").exists()
    build_vocabulary_model(SPEC, tmp_path / "runs", tmp_path / "models", workers=1, calibrate=False)
    one_run = keras.models.load_model(run_dir / "model.keras").get_weights()
    three_runs = keras.models.load_model(resumed / "model.keras").get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(one_run, three_runs))
    history = json.loads((resumed / "history.json").read_text(encoding="utf-8"))
    assert len(history["history"]["accuracy"]) == 3 and len(history["epoch_seconds"]) == 3


def test_a_checkpoint_of_other_settings_is_refused(unbroken, tmp_path: Path) -> None:
    run_dir, _, _ = unbroken
    other = tmp_path / "runs" / SPEC.name
    shutil.copytree(run_dir, other)
    changed = replace(SPEC, fit=replace(SPEC.fit, learning_rate=0.01))
    with pytest.raises(TrainingError, match="another run"):
        build_vocabulary_model(changed, tmp_path / "runs", tmp_path / "models", workers=1)
    other_polish = replace(SPEC, polish=replace(SPEC.polish, ink_weight=0.2))
    with pytest.raises(TrainingError, match="another run"):
        build_vocabulary_model(other_polish, tmp_path / "runs", tmp_path / "models", workers=1)


def test_a_tiny_stroke_model_build_reads_the_pen_directions_in_the_app(tmp_path: Path) -> None:
    """The casia55-online path on six course characters: nine channels in, ``strokes`` ONNX out."""
    from desktop.core.contract import COURSE_CHARACTERS
    from desktop.core.model_input import frame_strokes
    from tests.ui.drawing import course_strokes

    spec = VocabularyModel(name="online-tiny", vocabulary="course", model="residual", limit=6, train_per_char=6,
                           validation_per_char=1, test_per_char=1, calibration_per_char=1, input_kind="strokes",
                           features=("stem_relu",), fit=ResumableSettings(epochs=1, batch_size=16, verbose=0),
                           batch_norm_batches=2, polish=None)
    figures = build_vocabulary_model(spec, tmp_path / "runs", tmp_path / "models", workers=1)
    history = json.loads((tmp_path / "runs" / "online-tiny" / "history.json").read_text(encoding="utf-8"))
    assert "re-estimated" in history["batch_norm"]
    model = OnnxModel(figures["onnx"])
    assert model.input_kind == "strokes" and model.input_shape == (80, 60, 9)
    assert model.class_names == list(COURSE_CHARACTERS[:6]) and model.has_embedding and model.has_cam
    kept = np.load(next((tmp_path / "runs" / "online-tiny" / "data" / "train").glob("block-*.npz")))
    assert kept["images"].shape[1:] == (80, 60, 9)
    scan = ModelRegistry([tmp_path / "models"], trusted_folders=[tmp_path / "models"]).scan()
    assert [(m.path.name, m.input_kind) for m in scan.character_models()] == [("online-tiny.onnx", "strokes")]
    drawing = frame_strokes(course_strokes(COURSE_CHARACTERS[0]), 12.0)
    probs, features = model.predict_with_features(drawing.strokes[None])
    assert probs.shape == (1, 6) and features["stem_relu"].shape[:3] == (1, 80, 60)
    report = json.loads(report_path(figures["onnx"]).read_text(encoding="utf-8"))
    assert report["metrics"]["test"]["n"] == 6 and report["failed_predictions"] is not None
