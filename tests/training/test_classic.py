"""Classic architectures: exact sizes, real training on tiny data, ONNX export with parity, classics.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from desktop.core.contract import report_path  # noqa: E402
from desktop.core.onnx_model import OnnxModel  # noqa: E402
from training import architecture_gallery, classic_networks, models  # noqa: E402
from training.cli import main  # noqa: E402
from training.data import CharacterData  # noqa: E402
from training.evaluate import predict_keras, predict_onnx  # noqa: E402
from training.export import export_run  # noqa: E402
from training.report import layer_table  # noqa: E402
from training.train import TrainSettings, train  # noqa: E402

from tests.shapes import shape_images  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CLASSIC = ("lenet5", "alexnet", "inception", "resnet")
#: Worked out by hand layer by layer (see the builders' docstrings) and equal to Keras' count.
PARAMS_55 = {"lenet5": 409_211, "alexnet": 786_983, "inception": 165_251, "resnet": 704_599}


def _weights(variables) -> int:
    return int(sum(np.prod(v.shape) for v in variables))


def tiny_shapes(per_class: int = 8, seed: int = 0) -> CharacterData:
    images, labels = shape_images(3, per_class, seed)
    return CharacterData(images.astype(np.uint8), labels, ["一", "丨", "口"])


def test_lenet5_for_characters_layer_by_layer():
    model = models.build("lenet5", 55)
    rows = {r["name"]: r for r in layer_table(model)}
    assert rows["c1"]["output_shape"] == [None, 76, 56, 6] and rows["c1"]["params"] == 6 * 25 + 6
    assert rows["s2"]["output_shape"] == [None, 38, 28, 6]
    assert rows["c3"]["output_shape"] == [None, 34, 24, 16] and rows["c3"]["params"] == 16 * (6 * 25) + 16
    assert rows["s4"]["output_shape"] == [None, 17, 12, 16]
    # C5's kernel covers all of S4, as 5x5 covers the paper's 5x5 S4 map.
    assert rows["c5"]["output_shape"] == [None, 1, 1, 120] and rows["c5"]["params"] == 17 * 12 * 16 * 120 + 120
    assert rows["f6"]["params"] == 120 * 84 + 84 and rows["logits"]["params"] == 84 * 55 + 55
    assert model.count_params() == PARAMS_55["lenet5"] == 156 + 2416 + 391_800 + 10_164 + 4675


@pytest.mark.parametrize("name", CLASSIC)
def test_character_versions_follow_the_contract(name):
    model = models.build(name, 55)
    assert model.name == name and models.output_kind(name) == "logits"
    assert model.inputs[0].name == "image" and tuple(model.inputs[0].shape) == (None, 80, 60, 1)
    assert tuple(model.outputs[0].shape) == (None, 55)
    assert model.count_params() == PARAMS_55[name]
    assert type(model.layers[1]).__name__ == "Rescaling"  # raw 0..255 in, scaling inside the model
    names = [layer.name for layer in model.layers]
    assert all(f in names for f in classic_networks.FEATURE_LAYERS[name])


def test_what_each_family_is_made_of():
    def types(name):
        return [type(layer).__name__ for layer in models.build(name, 55).layers]

    lenet = models.build("lenet5", 55)
    assert types("lenet5").count("AveragePooling2D") == 2 and "MaxPooling2D" not in types("lenet5")
    assert {lenet.get_layer(n).activation.__name__ for n in ("c1", "c3", "c5", "f6")} == {"tanh"}

    alex = models.build("alexnet", 55)
    assert types("alexnet").count("Conv2D") == 5 and types("alexnet").count("Dropout") == 2
    assert alex.get_layer("conv1").kernel_size == (7, 7) and alex.get_layer("conv1").strides == (2, 2)
    assert alex.get_layer("conv1").output.shape[1:3] == (40, 30)
    # Paper 0 / ink 1, like AlexNet's mean-image subtraction: without it this plain stack does not learn.
    assert (alex.get_layer("rescaling").scale, alex.get_layer("rescaling").offset) == (-1 / 255, 1.0)
    historical = [layer.name for layer in classic_networks.alexnet_network((227, 227, 3), 1000).layers]
    assert historical[1:4] == ["conv1", "lrn1", "pool1"] and "lrn2" in historical

    inc = models.build("inception", 55)
    modules = [layer for layer in inc.layers if type(layer).__name__ == "Concatenate"]
    assert len(modules) == 3
    assert inc.get_layer("inception_3a_output").output.shape[-1] == 32 + 32 + 16 + 16
    assert inc.get_layer("inception_3a_5x5_reduce").kernel_size == (1, 1)

    res = models.build("resnet", 55)
    adds = [layer for layer in res.layers if type(layer).__name__ == "Add"]
    projections = [layer for layer in res.layers if layer.name.endswith("projection_conv")]
    assert len(adds) == 6 and len(projections) == 2  # 4 identity shortcuts, 2 projections
    assert types("resnet").count("BatchNormalization") == 1 + 6 * 2 + 2
    assert _weights(res.non_trainable_weights) == 2 * (32 + 4 * 32 + 4 * 64 + 4 * 128 + 64 + 128)


@pytest.mark.parametrize("name", CLASSIC)
def test_trains_and_exports_with_parity(name, tmp_path):
    data = tiny_shapes()
    run_dir = train(name, data, tmp_path / "run", TrainSettings(epochs=1, batch_size=8, verbose=0),
                    data_description="three drawn shapes")
    history = json.loads((run_dir / "history.json").read_text(encoding="utf-8"))
    assert history["stopped_epoch"] == 1 and np.isfinite(history["history"]["loss"][0])

    check = shape_images(3, 6, seed=3)[0]
    out = export_run(run_dir, tmp_path / f"{name}.onnx", features=classic_networks.FEATURE_LAYERS[name], title=name)
    engine = OnnxModel(out)
    assert engine.output_kind == "logits" and engine.class_names == data.class_names
    assert sorted(engine.feature_names) == sorted(classic_networks.FEATURE_LAYERS[name])
    keras_model = keras.models.load_model(run_dir / "model.keras")
    np.testing.assert_allclose(predict_onnx(engine, check), predict_keras(keras_model, check, "logits"), atol=1e-4)
    report = json.loads(report_path(out).read_text(encoding="utf-8"))
    assert report["total_params"] == keras_model.count_params()
    assert report["layers"] == layer_table(keras_model) and report["model"]["name"] == name


def test_train_command_knows_the_classic_models(tmp_path):
    from training import synth

    synth.write_dataset(tmp_path / "data", "大天口", train_per_class=6, test_per_class=0, seed=2, workers=1)
    code = main(["train", "--model", "lenet5", "--data", str(tmp_path / "data"), "--classes", "大天口",
                 "--epochs", "1", "--batch-size", "8", "--out", str(tmp_path / "run")])
    assert code == 0
    assert json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))["model"] == "lenet5"
    with pytest.raises(SystemExit):
        main(["train", "--model", "lenet6", "--data", str(tmp_path / "data")])


# -- the historical networks --------------------------------------------------------------------
def test_historical_parameter_counts():
    assert classic_networks.lenet5_network((32, 32, 1), 10).count_params() == 61_706
    assert classic_networks.alexnet_network((227, 227, 3), 1000).count_params() == 62_378_344
    module = classic_networks.inception_3a()
    assert module.count_params() == 163_696 and tuple(module.outputs[0].shape) == (None, 28, 28, 256)
    resnet34 = classic_networks.resnet_network((224, 224, 3), 1000)
    assert _weights(resnet34.trainable_weights) == 21_797_672  # torchvision's resnet34 count
    assert resnet34.count_params() == 21_814_696
    assert sum(type(layer).__name__ == "Add" for layer in resnet34.layers) == 16


def test_local_response_normalisation_is_the_papers():
    import tensorflow as tf

    lrn = classic_networks._lrn_layer()()
    x = np.random.default_rng(0).normal(size=(2, 3, 3, 12)).astype(np.float32) * 40
    expected = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75)
    np.testing.assert_allclose(np.asarray(lrn(x)), expected.numpy(), rtol=1e-5)


def test_classics_json_on_a_subset(tmp_path):
    out = tmp_path / "classics.json"
    assert main(["classics", "--only", "lenet5,inception_module", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == 1 and data["created_by"].startswith("training ")
    lenet, module = data["architectures"]
    assert (lenet["key"], lenet["year"], lenet["total_params"], lenet["input_shape"]) == ("lenet5", 1998, 61_706,
                                                                                         [32, 32, 1])
    assert lenet["layers"] == layer_table(classic_networks.lenet5_network((32, 32, 1), 10))
    assert [r["params"] for r in lenet["layers"]] == [0, 156, 0, 2416, 0, 48_120, 0, 10_164, 850]
    assert lenet["trainable_model"] == "lenet5" and lenet["trainable_model"] in models.MODELS
    assert module["total_params"] == 163_696 and module["trainable_model"] == "inception"
    assert module["layers"][-1]["output_shape"] == [None, 28, 28, 256]
    assert main(["classics", "--only", "lenet7", "--out", str(out)]) == 2


def _figures(text: str) -> set[float]:
    """The numbers in a text, with "60 million" and "6000 万" (or "1.5 billion" and "15 亿") read alike."""
    scale = {"million": 1e6, "billion": 1e9, "万": 1e4, "亿": 1e8}
    found = re.findall(r"(\d+(?:[.,]\d+)*)\s*(million|billion|万|亿)?", text)
    return {round(float(number.replace(",", "")) * scale.get(unit, 1), 6) for number, unit in found}


def test_chinese_texts_match_the_english_ones():
    for key, (_, _, info) in architecture_gallery.ARCHITECTURES.items():
        assert info["summary_zh"] and len(info["facts_zh"]) == len(info["facts"]), key
        assert _figures(info["summary"]) == _figures(info["summary_zh"]), key
        for english, chinese in zip(info["facts"], info["facts_zh"]):
            if "分之一" not in chinese:  # "12 times fewer" reads as a fraction in Chinese
                assert _figures(english) == _figures(chinese), (key, english, chinese)
    for dataset in architecture_gallery.DATASETS:
        assert dataset["image_size_zh"] and dataset["description_zh"], dataset["name"]
    shipped = json.loads((ROOT / "assets" / "architectures" / "classics.json").read_text(encoding="utf-8"))
    for entry in shipped["architectures"]:  # the shipped file was written from these texts
        info = architecture_gallery.ARCHITECTURES[entry["key"]][2]
        assert (entry["summary_zh"], entry["facts_zh"]) == (info["summary_zh"], info["facts_zh"])
    assert shipped["datasets"] == architecture_gallery.DATASETS


def test_shipped_classics_json():
    data = json.loads((ROOT / "assets" / "architectures" / "classics.json").read_text(encoding="utf-8"))
    by_key = {a["key"]: a for a in data["architectures"]}
    assert set(by_key) >= {"lenet5", "alexnet", "inception_module", "resnet34", "resnet50"}
    expected = {"lenet5": (1998, 61_706, None), "alexnet": (2012, 62_378_344, 15.3),
                "inception_module": (2014, 163_696, 6.67), "resnet34": (2015, 21_814_696, 3.57),
                "resnet50": (2015, 25_636_712, 3.57)}
    keys = {"key", "name", "year", "authors", "paper", "input_shape", "summary", "facts", "ilsvrc_top5_error",
            "total_params", "layers", "trainable_model"}
    for key, (year, params, top5) in expected.items():
        entry = by_key[key]
        assert keys <= set(entry) and (entry["year"], entry["total_params"], entry["ilsvrc_top5_error"]) == (
            year, params, top5)
        assert sum(r["params"] for r in entry["layers"]) == params
        assert entry["trainable_model"] is None or entry["trainable_model"] in models.MODELS
        assert all(set(r) == {"name", "type", "output_shape", "params"} for r in entry["layers"])
    # The tables are the Keras definitions', not typed by hand.
    assert by_key["alexnet"]["layers"] == layer_table(classic_networks.alexnet_network((227, 227, 3), 1000))
    imagenet = next(d for d in data["datasets"] if d["name"].startswith("ImageNet"))
    assert (imagenet["train"], imagenet["validation"], imagenet["test"], imagenet["classes"]) == (
        1_281_167, 50_000, 100_000, 1000)
    mnist = next(d for d in data["datasets"] if d["name"] == "MNIST")
    assert (mnist["train"], mnist["test"], mnist["classes"], mnist["images"]) == (60_000, 10_000, 10, 70_000)
