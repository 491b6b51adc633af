"""Temperature scaling on a tiny hand-built ONNX model whose confidence is known to be too high."""

from __future__ import annotations

import json
import math

import numpy as np
import onnx
import pytest

from desktop.core.contract import report_path
from desktop.core.onnx_model import ModelContractError, OnnxModel
from desktop.core.report import load_report
from tests.tiny_onnx import linear_character_model
from training.calibrate import (
    LabelledImages,
    calibrate_file,
    choose_temperature,
    expected_calibration_error,
    fit_temperature,
    mean_confidence_when_wrong,
    negative_log_likelihood,
    reliability_bins,
    softened_temperature,
    softmax_with_temperature,
)

CLASSES = ["大", "天", "太"]
SCALE = 8.0  # logits = SCALE x image: far surer than the noisy images allow


def over_confident_model(tmp_path, **meta):
    """A 1x3-pixel "character" model: logits = 8 * pixels, so a noisy one-hot image gets ~99 %."""
    path = linear_character_model(tmp_path / "tiny.onnx", CLASSES, height=1, width=3,
                                  weights=np.eye(3) * SCALE, **meta)
    report_path(path).write_text(json.dumps({"schema": 1, "class_names": CLASSES, "layers": [],
                                             "model": {"name": "tiny", "title": "Tiny"}}), encoding="utf-8")
    return path


def noisy_set(seed: int, n: int = 600) -> LabelledImages:
    """One-hot images plus Gaussian noise (sd 0.5): the model gets about four in five right."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    images = np.eye(3)[labels] + rng.normal(0, 0.5, (n, 3))
    return LabelledImages(images.reshape(n, 1, 3, 1).astype(np.float32), labels, {"source": "noisy one-hot",
                                                                                   "seed": seed, "n": n})


def test_ece_matches_a_hand_computed_example():
    # Confidences 0.9, 0.9, 0.6, 0.6 in 10 bins: bin (0.8, 0.9] holds one right and one wrong
    # (accuracy 0.5, confidence 0.9), bin (0.5, 0.6] two right (accuracy 1, confidence 0.6).
    probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6], [0.4, 0.6]])
    labels = np.array([0, 1, 1, 1])
    assert expected_calibration_error(probs, labels, bins=10) == pytest.approx(0.5 * 0.4 + 0.5 * 0.4)
    assert mean_confidence_when_wrong(probs, labels) == pytest.approx(0.9)
    rows = reliability_bins(probs, labels, bins=10)
    assert [r["count"] for r in rows] == [0, 0, 0, 0, 0, 2, 0, 0, 2, 0]
    assert rows[8]["accuracy"] == pytest.approx(0.5) and rows[8]["confidence"] == pytest.approx(0.9)
    assert rows[5]["lower"] == pytest.approx(0.5) and rows[5]["upper"] == pytest.approx(0.6)
    assert rows[0]["accuracy"] is None and rows[0]["confidence"] is None
    assert mean_confidence_when_wrong(probs[2:], labels[2:]) is None


def test_a_perfectly_calibrated_model_has_no_calibration_error():
    probs = np.array([[0.5, 0.5]] * 4)  # said 50 %, right half the time (argmax picks class 0)
    assert expected_calibration_error(probs, np.array([0, 1, 0, 1])) == pytest.approx(0.0)


def test_fitted_temperature_minimises_the_nll():
    data = noisy_set(1)
    scores = SCALE * data.images.reshape(len(data.labels), 3).astype(np.float64)
    t = fit_temperature(scores, data.labels)
    best = negative_log_likelihood(scores, data.labels, t)
    assert t > 1
    for other in (t * 0.97, t * 1.03, 1.0):
        assert negative_log_likelihood(scores, data.labels, other) > best
    assert np.allclose(softmax_with_temperature(scores, t).sum(axis=1), 1)


def wrong_confidence(scores, labels, t: float) -> float:
    return mean_confidence_when_wrong(softmax_with_temperature(scores, t), labels)


def test_softening_finds_the_smallest_temperature_that_shows_mistakes_at_the_limit():
    data = noisy_set(1)
    scores = SCALE * data.images.reshape(len(data.labels), 3).astype(np.float64)
    likely = fit_temperature(scores, data.labels)
    at_likelihood = wrong_confidence(scores, data.labels, likely)  # 67 %
    limit = at_likelihood - 0.05
    t = softened_temperature(scores, data.labels, limit, start=likely)
    assert t > likely
    assert wrong_confidence(scores, data.labels, t) <= limit < wrong_confidence(scores, data.labels, t * 0.999)
    assert softened_temperature(scores, data.labels, at_likelihood + 0.01, start=likely) == likely
    # The rule: soften while the calibration error allows it, else keep the likelihood's T.
    assert choose_temperature(scores, data.labels, wrong_limit=limit, ece_limit=1.0) == (t, "softened", likely)
    assert choose_temperature(scores, data.labels, wrong_limit=limit, ece_limit=0.0) == (likely, "likelihood", likely)
    assert choose_temperature(scores, data.labels, wrong_limit=1.0) == (likely, "likelihood", likely)


def test_a_softened_file_says_so_in_its_report(tmp_path):
    path = over_confident_model(tmp_path)
    section = calibrate_file(path, noisy_set(1), noisy_set(3), wrong_limit=0.64, progress=None)
    assert section["rule"] == "softened" and section["temperature"] > section["likelihood_temperature"]
    assert section["sets"]["calibration"]["after"]["mean_confidence_wrong"] <= 0.64
    assert section["sets"]["calibration"]["after"]["ece"] <= 0.05
    assert "raised" in section["method"]
    model = OnnxModel(path)
    assert model.temperature == pytest.approx(section["temperature"])
    assert model.likelihood_temperature == pytest.approx(section["likelihood_temperature"])
    assert load_report(report_path(path))["calibration"]["rule"] == "softened"
    # Calibrated again for likelihood alone: one temperature, and the second key goes.
    calibrate_file(path, noisy_set(1), wrong_limit=1.0, progress=None)
    keys = [p.key for p in onnx.load(str(path)).metadata_props]
    assert keys.count("temperature") == 1 and "likelihood_temperature" not in keys
    assert OnnxModel(path).likelihood_temperature == OnnxModel(path).temperature


def test_calibrating_a_file_softens_it_and_keeps_everything_else(tmp_path):
    path = over_confident_model(tmp_path)
    before_props = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    before_graph = onnx.load(str(path)).graph.SerializeToString()
    images = noisy_set(2).images
    probs_before = OnnxModel(path).predict_proba(images)

    section = calibrate_file(path, noisy_set(1), noisy_set(3), progress=None)

    t = section["temperature"]
    assert t > 1
    proto = onnx.load(str(path))
    props = {p.key: p.value for p in proto.metadata_props}
    assert float(props.pop("temperature")) == pytest.approx(t)
    assert props == before_props
    assert proto.graph.SerializeToString() == before_graph
    for name in ("calibration", "held_out_writers"):
        figures = section["sets"][name]
        assert figures["after"]["ece"] < figures["before"]["ece"]
        assert figures["after"]["mean_confidence_wrong"] < figures["before"]["mean_confidence_wrong"]
        assert figures["after"]["accuracy"] == figures["before"]["accuracy"]
        assert sum(row["count"] for row in figures["after"]["reliability"]) == figures["after"]["n"] == 600
    model = OnnxModel(path)
    assert model.temperature == pytest.approx(t)
    probs_after = model.predict_proba(images)
    assert np.array_equal(probs_after.argmax(axis=1), probs_before.argmax(axis=1))
    assert probs_after.max(axis=1).mean() < probs_before.max(axis=1).mean()
    logits = SCALE * images.reshape(len(images), 3)
    assert np.allclose(probs_after, softmax_with_temperature(logits, t), atol=1e-5)

    report = load_report(report_path(path))
    assert report["calibration"]["temperature"] == pytest.approx(t)
    assert report["calibration"]["sets"]["calibration"]["data"]["seed"] == 1
    assert report["layers"] == [] and report["size_bytes"] == path.stat().st_size


def test_calibrating_again_replaces_the_temperature(tmp_path):
    path = over_confident_model(tmp_path)
    first = calibrate_file(path, noisy_set(1), progress=None)["temperature"]
    second = calibrate_file(path, noisy_set(1), progress=None)["temperature"]
    assert second == pytest.approx(first)
    assert [p.key for p in onnx.load(str(path)).metadata_props].count("temperature") == 1


def probabilities_model(path, temperature: str):
    """The over-confident model with a Softmax on top, declared as a ``probabilities`` model."""
    linear_character_model(path, CLASSES, height=1, width=3, weights=np.eye(3) * SCALE)
    proto = onnx.load(str(path))
    proto.graph.output[0].name = "scores"
    proto.graph.node[-1].output[0] = "scores"
    proto.graph.node.append(onnx.helper.make_node("Softmax", ["scores"], ["probabilities"], axis=-1))
    proto.graph.output.append(onnx.helper.make_tensor_value_info("probabilities", onnx.TensorProto.FLOAT, ["N", 3]))
    del proto.graph.output[0]
    for prop in proto.metadata_props:
        if prop.key == "output":
            prop.value = "probabilities"
    proto.metadata_props.add(key="temperature", value=temperature)
    onnx.save(proto, str(path))
    return path


def test_a_probabilities_model_is_scaled_as_its_logits_would_be(tmp_path):
    # p^(1/T) renormalised equals softmax(logits / T): log p is the logits up to a constant per image.
    images = noisy_set(4, n=20).images
    expected = softmax_with_temperature(SCALE * images.reshape(20, 3).astype(np.float64), 2.5)
    for path in (linear_character_model(tmp_path / "l.onnx", CLASSES, height=1, width=3, weights=np.eye(3) * SCALE,
                                        temperature="2.5"),
                 probabilities_model(tmp_path / "p.onnx", "2.5")):
        model = OnnxModel(path)
        assert model.temperature == 2.5
        assert np.allclose(model.predict_proba(images), expected, atol=1e-5)
        assert np.allclose(np.exp(model.predict_log_proba(images)), expected, atol=1e-5)
    assert OnnxModel(tmp_path / "p.onnx").output_kind == "probabilities"


@pytest.mark.parametrize("value", ["warm", "0", "-1.5", "inf", "nan", ""])
def test_a_malformed_temperature_is_a_contract_error_naming_the_file(tmp_path, value):
    path = linear_character_model(tmp_path / "badly-calibrated.onnx", CLASSES, height=1, width=3, temperature=value)
    with pytest.raises(ModelContractError, match=r"badly-calibrated\.onnx.*temperature") as info:
        OnnxModel(path)
    assert info.value.path == path


def test_no_temperature_means_one(tmp_path):
    path = linear_character_model(tmp_path / "plain.onnx", CLASSES, height=1, width=3, weights=np.eye(3))
    model = OnnxModel(path)
    assert model.temperature == 1.0
    x = np.array([[[[0.2], [1.0], [0.1]]]], np.float32)
    assert np.allclose(model.predict_proba(x), softmax_with_temperature(x.reshape(1, 3), 1.0), atol=1e-7)
    assert math.isclose(float(model.predict_proba(x).sum()), 1.0, rel_tol=1e-6)


def test_the_calibrate_command_end_to_end(tmp_path, capsys):
    from training.cli import main

    # 80x60 random weights: logits of +-20 on real-looking samples, right one time in three.
    path = linear_character_model(tmp_path / "random.onnx", CLASSES, seed=5)
    assert main(["calibrate", str(path), "--samples", "4", "--eval-samples", "3", "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert "held out writers: T" in out and "temperature" in out
    model = OnnxModel(path)
    assert model.temperature > 1
    report = load_report(report_path(path))
    section = report["calibration"]
    assert section["temperature"] == pytest.approx(model.temperature)
    calibration, held_out = section["sets"]["calibration"]["data"], section["sets"]["held_out_writers"]["data"]
    assert (calibration["seed"], calibration["ranges"], calibration["n"]) == (11, "training", 12)
    assert (held_out["seed"], held_out["ranges"], held_out["n"]) == (8000, "held_out", 9)
    assert held_out["writer_ranges"]["slant"] == [0.3, 0.45]
    assert report["class_names"] == CLASSES


def test_the_calibrate_command_refuses_what_it_cannot_do(tmp_path, capsys):
    from training.cli import main

    path = linear_character_model(tmp_path / "random.onnx", CLASSES)
    assert main(["calibrate", str(path), "--chars", "山"]) == 2
    assert "no class for 山" in capsys.readouterr().err
    assert main(["calibrate", str(tmp_path / "missing.onnx")]) == 2
    assert "missing.onnx: file not found" in capsys.readouterr().err
    assert main(["calibrate", str(path), "--eval-seed", "7000"]) == 2
    assert "different seeds" in capsys.readouterr().err
    assert OnnxModel(path).temperature == 1.0


def test_a_temperature_on_a_features_model_is_refused(tmp_path):
    path = linear_character_model(tmp_path / "embedder.onnx", CLASSES, height=1, width=3, output="features",
                                  temperature="2")
    with pytest.raises(ModelContractError, match=r"embedder\.onnx.*features model"):
        OnnxModel(path)
