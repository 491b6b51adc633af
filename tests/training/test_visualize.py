"""Feature visualisations by gradient ascent, their CLI command and their trip through export."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from desktop.core.contract import report_path  # noqa: E402
from training import models  # noqa: E402
from training.cli import main  # noqa: E402
from training.errors import DataError  # noqa: E402
from training.evaluate import evaluate_run  # noqa: E402
from training.export import export_run  # noqa: E402
from tests.shapes import draw_shape  # noqa: E402
from training.visualize import (  # noqa: E402
    class_pictures,
    filter_pictures,
    first_conv_layers,
    render_feature_visualisations,
    starting_images,
    visualise_run,
)

CLASSES = ["一", "丨", "口"]
STEPS = 12  # enough to climb; the shipped pictures use more


draw = draw_shape


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """A CNN trained one epoch on drawn strokes, saved as a run folder, with its data."""
    from training import casia

    root = tmp_path_factory.mktemp("visualize")
    data = root / "data"
    rng = np.random.default_rng(1)
    for split, count in (("Train", 8), ("Test", 3)):
        for label, name in enumerate(CLASSES):
            (data / split / name).mkdir(parents=True)
            for i in range(count):
                cv2.imencode(".png", draw(label, rng))[1].tofile(str(data / split / name / f"{i}.png"))
    train = casia.load_split(data, "Train", CLASSES)
    keras.utils.set_random_seed(2)
    model = models.build("cnn", len(CLASSES))
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    fit = model.fit(train.float_images(), train.labels, epochs=1, batch_size=8, verbose=0)
    run = root / "run"
    run.mkdir()
    model.save(run / "model.keras")
    (run / "history.json").write_text(json.dumps({"history": fit.history, "best_epoch": 1}), encoding="utf-8")
    (run / "run.json").write_text(json.dumps({"model": "cnn", "class_names": CLASSES, "output": "logits",
                                              "trained_on": "drawn strokes"}, ensure_ascii=False), encoding="utf-8")
    return run, data, model


def mean_activation(model, layer: str, images: np.ndarray) -> np.ndarray:
    """``[images, filters]`` mean activation of ``layer`` (after its ReLU), computed by Keras."""
    sub = keras.Model(model.inputs[0], model.get_layer(layer).output)
    return keras.ops.convert_to_numpy(sub(np.asarray(images, np.float32))).mean(axis=(1, 2))


def test_first_conv_layers_prefers_conv1_conv2_else_the_first_two_conv2d():
    assert first_conv_layers(models.build("cnn", 3)) == ["conv1", "conv2"]
    x = inputs = keras.Input((80, 60, 1))
    x = keras.layers.Conv2D(4, 3, name="a")(x)
    x = keras.layers.Conv2D(4, 3, name="b")(x)
    x = keras.layers.Conv2D(4, 3, name="c")(x)
    outputs = keras.layers.Dense(2)(keras.layers.Flatten()(x))
    assert first_conv_layers(keras.Model(inputs, outputs)) == ["a", "b"]
    assert first_conv_layers(models.build("logistic", 3)) == []


@pytest.mark.parametrize("layer", ["conv1", "conv2"])
def test_gradient_ascent_raises_each_filters_activation(run_folder, layer):
    _, _, model = run_folder
    result = filter_pictures(model, layer, steps=STEPS)
    filters = model.get_layer(layer).output.shape[-1]
    assert result.images.shape == (filters, 80, 60) and result.images.dtype == np.uint8
    assert np.all(result.final_scores > result.start_scores)  # the objective climbed for every filter
    # Checked independently with Keras: the filter's own ReLU activation, start vs final picture.
    diagonal = np.arange(filters)
    before = mean_activation(model, layer, starting_images(filters))[diagonal, diagonal]
    after = mean_activation(model, layer, result.images[..., None])[diagonal, diagonal]
    assert np.mean(after > before) >= 0.6 and after.mean() > 1.2 * before.mean()


def test_class_pictures_raise_the_pre_softmax_score_of_a_softmax_model():
    keras.utils.set_random_seed(5)
    model = models.build("logistic", 4)  # ends in Dense(softmax): its score is the pre-softmax value
    result = class_pictures(model, steps=STEPS)
    assert result.images.shape == (4, 80, 60)
    assert np.all(result.final_scores > result.start_scores)
    dense = model.get_layer("probabilities")
    flat = result.images.reshape(4, -1).astype(np.float32) / 255
    logits = flat @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(result.final_scores, logits[np.arange(4), np.arange(4)], rtol=1e-4, atol=1e-4)
    # Class i's score is highest on class i's own picture.
    assert list(logits.argmax(axis=0)) == [0, 1, 2, 3]


def test_render_writes_one_picture_per_filter_and_class(run_folder, tmp_path):
    _, _, model = run_folder
    section = render_feature_visualisations(model, tmp_path / "features", class_names=CLASSES, steps=STEPS)
    assert section["folder"] == "features"
    assert [len(section["layers"][name]) for name in ("conv1", "conv2")] == [16, 32]
    assert section["layers"]["conv1"][3] == "features/conv1_03.png"
    assert section["classes"] == {name: f"features/class_{i:02d}.png" for i, name in enumerate(CLASSES)}
    constant = 0
    for path in [*section["layers"]["conv1"], *section["layers"]["conv2"], *section["classes"].values()]:
        image = cv2.imread(str(tmp_path / path), cv2.IMREAD_GRAYSCALE)
        assert image is not None and image.shape == (80, 60), path
        constant += int(image.min() == image.max())
    assert constant <= 2  # a filter that only fires on solid ink may fill its picture; nearly all show patterns
    grid = cv2.imread(str(tmp_path / section["grids"]["conv2"]), cv2.IMREAD_GRAYSCALE)
    assert grid.shape == (4 * 82 - 2, 8 * 62 - 2) and grid.std() > 10


def test_visualize_command_adds_the_section_and_export_copies_the_pictures(run_folder, tmp_path):
    run, data, _ = run_folder
    with pytest.raises(DataError, match="no report yet"):
        visualise_run(run)
    evaluate_run(run, data)
    assert main(["visualize", "--run", str(run), "--steps", str(STEPS)]) == 0
    report = json.loads((run / "report.json").read_text(encoding="utf-8"))
    section = report["feature_visualisations"]
    assert section["folder"] == "features" and set(section["classes"]) == set(CLASSES)
    assert all((run / p).is_file() for p in section["layers"]["conv1"])

    # Re-evaluating keeps the pictures: they depend on the model, not on the test set.
    evaluate_run(run, data)
    assert json.loads((run / "report.json").read_text(encoding="utf-8"))["feature_visualisations"] == section

    onnx_file = export_run(run, tmp_path / "models" / "shapes.onnx", features=["conv1"])
    sidecar = json.loads(report_path(onnx_file).read_text(encoding="utf-8"))
    exported = sidecar["feature_visualisations"]
    assert exported["folder"] == "shapes.features"
    assert exported["layers"]["conv2"][0] == "shapes.features/conv2_00.png"
    paths = [*exported["layers"]["conv1"], *exported["layers"]["conv2"], *exported["classes"].values(),
             *exported["grids"].values()]
    base = report_path(onnx_file).parent
    for path in paths:  # relative to the sidecar's folder, and the same pictures as in the run
        assert (base / path).read_bytes() == (run / "features" / Path(path).name).read_bytes()
    assert sidecar["size_bytes"] == onnx_file.stat().st_size
