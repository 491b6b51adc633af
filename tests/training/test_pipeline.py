"""The whole path through the command line: synth -> train -> evaluate -> export -> onnxruntime."""

from __future__ import annotations

import json

import numpy as np
import pytest

from desktop.core.contract import COURSE_CHARACTERS, report_path
from desktop.core.onnx_model import OnnxModel
from installer.bundle_spec import find_cjk_font
from training import casia
from training.cli import main

CHARS = "口大天"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    assert main(["synth", "--out", str(root), "--chars", CHARS, "--train", "10", "--test", "4", "--seed", "3",
                 "--workers", "1"]) == 0
    return root


def test_synth_command_writes_casia_layout(dataset):
    assert sorted(p.name for p in (dataset / "Train").iterdir()) == sorted(CHARS)
    assert len(list((dataset / "Test" / "口").glob("*.png"))) == 4
    assert (dataset / "contact_sheet.png").is_file()


def test_train_evaluate_export_and_run_in_onnxruntime(dataset, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "--model", "cnn", "--data", str(dataset), "--classes", CHARS, "--epochs", "2",
                 "--out", str(run), "--augment"]) == 0
    assert main(["evaluate", "--run", str(run), "--data", str(dataset)]) == 0
    report = json.loads((run / "report.json").read_text(encoding="utf-8"))
    assert set(report["metrics"]) >= {"train", "validation", "test"}
    assert report["metrics"]["test"]["n"] == 12
    assert len(report["confusion_matrix"]) == 3
    assert any((run / "plots").glob("*.png"))

    onnx_file = tmp_path / "model.onnx"
    assert main(["export", "--run", str(run), "--out", str(onnx_file), "--features", "conv1", "--data", str(dataset)]) == 0
    assert report_path(onnx_file).is_file()

    import keras

    model = OnnxModel(onnx_file)
    assert model.class_names == sorted(CHARS) and model.output_kind == "logits" and model.feature_names == ["conv1"]
    test = casia.load_split(dataset, "Test", sorted(CHARS))
    probs, features = model.predict_with_features(test.float_images())
    logits = keras.models.load_model(run / "model.keras").predict(test.float_images(), verbose=0)
    expected = np.exp(logits - logits.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    assert np.abs(probs - expected).max() < 1e-4
    assert features["conv1"].shape == (12, 80, 60, 16)

    capsys.readouterr()
    assert main(["evaluate", "--onnx", str(onnx_file), "--folder", str(dataset / "Test")]) == 0
    assert "test" in capsys.readouterr().out.lower()


def test_build_assets_end_to_end_on_a_tiny_dataset(tmp_path):
    out = tmp_path / "models"
    assert main(["build-assets", "--data", str(tmp_path / "data"), "--runs", str(tmp_path / "runs"),
                 "--out", str(out), "--train", "5", "--test", "2", "--writers", "2", "--epochs", "1",
                 "--calibration-samples", "2", "--print-face", f"{find_cjk_font()}:2"]) == 0
    for name, output, train_n in (("casia55-logistic", "probabilities", 5), ("casia55-cnn", "logits", 7)):
        model = OnnxModel(out / f"{name}.onnx")
        assert model.class_names == list(COURSE_CHARACTERS) and model.output_kind == output
        report = json.loads(report_path(out / f"{name}.onnx").read_text(encoding="utf-8"))
        assert report["metrics"]["test"]["n"] == 110
        # the CNN also saw 2 writers' images per character (80/20 split of all of them)
        run = json.loads((tmp_path / "runs" / name / "run.json").read_text(encoding="utf-8"))
        assert run["samples"]["train"] + run["samples"]["validation"] == 55 * train_n
        assert report["calibration"]["temperature"] == model.temperature  # calibrated as it is built
        assert report["calibration"]["sets"]["held_out_writers"]["after"]["n"] == 110
    # The residual networks: built resumably from the writers alone, as many per character as --writers says;
    # casia55-best from the course CNN's writers (their blocks drawn once) and polished towards print.
    for name, kind in (("casia55-best", "image"), ("casia55-online", "strokes")):
        model = OnnxModel(out / f"{name}.onnx")
        assert model.input_kind == kind and model.class_names == list(COURSE_CHARACTERS)
        assert set(model.feature_names) == {"stem_relu", "stage1_out"} and model.has_cam and model.has_embedding
        report = json.loads(report_path(out / f"{name}.onnx").read_text(encoding="utf-8"))
        assert report["metrics"]["test"]["n"] == 110  # 2 held-out writers' samples per character
        assert report["calibration"]["temperature"] == model.temperature
        run = json.loads((tmp_path / "runs" / name / "run.json").read_text(encoding="utf-8"))
        assert run["samples"]["train"] == 110 and run["samples"]["validation"] == 55 and run["input_kind"] == kind
    best_run = tmp_path / "runs" / "casia55-best"
    assert "seed 100" in json.loads((best_run / "run.json").read_text(encoding="utf-8"))["trained_on"]
    assert "polished" in json.loads(report_path(out / "casia55-best.onnx").read_text(encoding="utf-8"))["trained_on"]
    assert (out / "casia55-best.features").is_dir()  # the Write panel's feature pictures
    history = json.loads((best_run / "history.json").read_text(encoding="utf-8"))
    assert "then folded into the weights" in history["batch_norm"]  # statistics refreshed before the polish


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--model", "cnn", "--data", "{tmp}/missing"], "does not exist"),
        (["train", "--model", "cnn", "--data", "{data}", "--epochs", "0"], "--epochs"),
        (["train", "--model", "cnn", "--data", "{data}", "--classes", "龘大"], "龘"),
        (["synth", "--out", "{tmp}/s", "--chars", "大龘"], "龘"),
        (["synth", "--out", "{tmp}/s", "--train", "-1"], "--train"),
        (["evaluate", "--run", "{tmp}", "--data", "{data}"], "no trained model"),
        (["export", "--run", "{tmp}", "--out", "{tmp}/x.onnx"], "no trained model"),
        (["build-assets", "--models", "casia55-huge"], "casia55-huge"),
        (["build-assets", "--strategy", "multiworker"], "one machine"),
        (["build-assets", "--train-only"], "in one go"),
        # a polish face that is not there stops the build before it writes or draws anything
        (["build-assets", "--data", "{tmp}/d", "--runs", "{tmp}/r", "--print-face", "{tmp}/missing.ttf"], "missing.ttf"),
    ],
)
def test_cli_errors_are_one_clear_line(argv, message, dataset, tmp_path, capsys):
    argv = [a.format(tmp=tmp_path, data=dataset) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "d").exists() and not (tmp_path / "r").exists()


def test_unknown_model_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--model", "vgg99", "--data", "x"])
    assert exit_info.value.code == 2
    assert "vgg99" in capsys.readouterr().err


def test_train_a_stroke_model_on_pot_pen_data_and_run_it_in_the_app(tmp_path, dataset, capsys):
    """OLHWDB-style pen data -> ``train --input strokes`` -> export -> the app's stroke path reads it."""
    from desktop.core.model_input import frame_strokes
    from training.pot import write_pot
    from training.strokedata import load_medians

    rng = np.random.default_rng(0)
    samples = []
    for char in "大天":
        for _ in range(12):  # the stroke-data centre-lines, jittered, in tablet units (y down)
            samples.append((char, [np.asarray(s, float) * [1, -1] + [0, 1000] + rng.normal(0, 8, (len(s), 2))
                                   for s in load_medians(char)]))
    pot = tmp_path / "w001.pot"
    write_pot(pot, samples)
    run = tmp_path / "run"
    assert main(["train", "--model", "residual", "--data", str(pot), "--classes", "大天", "--epochs", "1",
                 "--input", "strokes", "--out", str(run)]) == 0
    info = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert info["settings"]["input_kind"] == "strokes"
    onnx_file = tmp_path / "online.onnx"
    assert main(["export", "--run", str(run), "--out", str(onnx_file)]) == 0
    model = OnnxModel(onnx_file)
    assert model.input_kind == "strokes" and model.class_names == ["大", "天"]
    drawing = frame_strokes(samples[0][1], 12.0)
    assert model.predict_proba(drawing.strokes[None]).shape == (1, 2)
    # Pictures hold no pen strokes: stroke input is refused for them, and evaluate says why.
    assert main(["train", "--model", "residual", "--data", str(dataset), "--input", "strokes"]) == 2
    assert "no pen strokes" in capsys.readouterr().err
    assert main(["evaluate", "--run", str(run), "--data", str(dataset)]) == 2
    assert "stroke model" in capsys.readouterr().err
