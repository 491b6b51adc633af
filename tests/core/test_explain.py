"""Heat maps of the evidence for a class: occlusion and CAM on tiny models whose evidence is known."""

from __future__ import annotations

import math

import numpy as np
import onnx
import pytest

from desktop.core.cam_graph import CAM, GRAD_CAM, add_cam_outputs
from desktop.core.explain import (
    ExplainError,
    MAX_BATCH,
    default_patch,
    explain,
)
from desktop.core.framing import EmptyDrawing
from desktop.core.onnx_model import ModelContractError, OnnxModel
from tests.explain_models import (
    drawing_on_paper,
    ink_character_model,
    left_half_photo_model,
    photo_with_blob,
)
from tests.tiny_onnx import linear_character_model

BOTH = ("occlusion", "cam")


def share(heat: np.ndarray, region: np.ndarray) -> float:
    """Fraction of all the heat that lies in ``region`` (a boolean mask)."""
    total = float(heat.sum())
    assert total > 0, "the map is empty: the test model gave no evidence at all"
    return float(heat[region].sum()) / total


def peak_cell(heat: np.ndarray, cells: int = 4) -> tuple[int, int]:
    """The hottest of ``cells x cells`` equal blocks of the map."""
    h, w = heat.shape
    sums = np.add.reduceat(np.add.reduceat(heat, np.linspace(0, h, cells + 1)[:-1].astype(int), axis=0),
                           np.linspace(0, w, cells + 1)[:-1].astype(int), axis=1)
    return tuple(int(i) for i in np.unravel_index(np.argmax(sums), sums.shape))


@pytest.fixture
def photo_model(tmp_path) -> OnnxModel:
    return OnnxModel(left_half_photo_model(tmp_path / "left.onnx", cam=True))


@pytest.fixture(params=["gap", "flatten"])
def ink_model(request, tmp_path) -> OnnxModel:
    return OnnxModel(ink_character_model(tmp_path / f"ink-{request.param}.onnx", head=request.param, cam=True))


@pytest.mark.parametrize("method", BOTH)
@pytest.mark.parametrize("patch", [None, 8, 4])
def test_a_model_looking_only_at_the_left_half_gets_its_heat_there(photo_model, method, patch):
    x = np.random.default_rng(1).uniform(0, 255, (32, 32, 3)).astype(np.float32)
    result = explain(photo_model, x, class_name="red", method=method, patch=patch)
    left = np.zeros((32, 32), bool)
    left[:, :16] = True
    assert result.heat.shape == (32, 32) and result.method == method
    assert share(result.heat, left) >= 0.90


@pytest.mark.parametrize("method", BOTH)
def test_a_character_model_puts_no_heat_on_the_blank_paper_around_a_drawing(ink_model, method):
    x = drawing_on_paper()
    result = explain(ink_model, x, class_name="ink", method=method)
    paper = x[..., 0] == 255.0
    assert paper.mean() > 0.5  # mostly blank paper: the test means something
    assert share(result.heat, paper) <= 0.05


def test_cam_and_occlusion_agree_on_the_peak_cell(photo_model, ink_model):
    for model, x, name in ((photo_model, photo_with_blob(), "red"), (ink_model, drawing_on_paper(), "ink")):
        cam = explain(model, x, class_name=name, method="cam")
        occlusion = explain(model, x, class_name=name, method="occlusion", patch=6)
        assert peak_cell(cam.heat) == peak_cell(occlusion.heat), model.path.name


def test_the_exporters_graph_change_adds_cam_or_grad_cam_and_leaves_the_scores_alone(tmp_path):
    for head, kind in (("gap", CAM), ("flatten", GRAD_CAM)):
        plain = ink_character_model(tmp_path / f"plain-{head}.onnx", head=head)
        proto = onnx.load(str(plain))
        assert add_cam_outputs(proto) == kind
        assert add_cam_outputs(proto) is None  # already there: nothing added twice
        onnx.save(proto, str(tmp_path / f"cam-{head}.onnx"))
        before, after = OnnxModel(plain), OnnxModel(tmp_path / f"cam-{head}.onnx")
        assert not before.has_cam and after.has_cam
        x = np.stack([drawing_on_paper(), drawing_on_paper()[::-1, ::-1]])
        np.testing.assert_array_equal(before.predict_proba(x), after.predict_proba(x))
        _, features, weights = after.predict_with_cam(x)
        assert features.shape == (2, 80, 60, 2) and weights.shape == (2, 2, 2)


def test_grad_cam_weights_are_the_averaged_gradient_of_the_class_score(tmp_path):
    # The flatten head's score for "ink" is W2 . ReLU(W1 . maxpool(A)), with every pooled position
    # weighing the same; where the hidden units are all on, d score / d A is W1 W2 at each pixel
    # that is the maximum of its window: summed over the windows and divided by h*w.
    model = OnnxModel(ink_character_model(tmp_path / "ink.onnx", head="flatten", cam=True))
    proto = onnx.load(str(model.path))
    init = {i.name: onnx.numpy_helper.to_array(i) for i in proto.graph.initializer}
    x = drawing_on_paper()
    _, _, weights = model.predict_with_cam(x[None])
    windows = 20 * 15
    per_window = init["W1"].reshape(windows, 2, -1)[0] @ init["W2"]  # [channels, classes], the same in every window
    expected = windows * per_window / (80 * 60)
    np.testing.assert_allclose(weights[0].T, expected, rtol=1e-5)


def test_maps_are_deterministic_and_normalised(photo_model):
    x = photo_with_blob()
    for method in BOTH:
        first, second = (explain(photo_model, x, method=method) for _ in range(2))
        np.testing.assert_array_equal(first.heat, second.heat)
        np.testing.assert_array_equal(first.grid, second.grid)
        assert first.heat.max() == pytest.approx(1.0) and first.heat.min() >= 0.0
        assert first.class_name == "red" and first.top[0][0] == "red"


def test_occlusion_batches_every_copy_into_a_few_runs(tmp_path):
    model = OnnxModel(ink_character_model(tmp_path / "ink.onnx"))
    runs = []
    session = model._session

    class Counting:
        def __getattr__(self, name):
            return getattr(session, name)

        def run(self, names, feed):
            runs.append(len(next(iter(feed.values()))))
            return session.run(names, feed)

    model._session = Counting()
    result = explain(model, drawing_on_paper(), method="occlusion", patch=4)
    copies = result.grid.size + 1  # and the untouched input
    assert sum(runs) == copies and len(runs) == math.ceil(copies / MAX_BATCH)
    assert result.grid.shape == (20, 15) and result.patch == result.stride == 4


def test_patch_and_stride_shape_the_occlusion_grid(photo_model):
    x = photo_with_blob()
    assert default_patch((80, 60, 1)) == 14 and default_patch((224, 224, 3)) == 56
    assert explain(photo_model, x, method="occlusion", patch=8).grid.shape == (4, 4)
    assert explain(photo_model, x, method="occlusion", patch=8, stride=4).grid.shape == (7, 7)
    assert explain(photo_model, x, method="occlusion", patch=10).grid.shape == (3, 3)  # tiles of 10 or 11 pixels
    assert explain(photo_model, x, method="occlusion", patch=12, stride=8).grid.shape == (4, 4)  # the last ends at the border
    assert explain(photo_model, x, method="occlusion", patch=64).grid.shape == (1, 1)
    assert explain(photo_model, x, method="cam").grid.shape == (32, 32)


def test_clear_errors(tmp_path, photo_model):
    chars = OnnxModel(ink_character_model(tmp_path / "plain.onnx", head="flatten"))
    with pytest.raises(EmptyDrawing, match="nothing drawn"):
        explain(chars, np.full((80, 60, 1), 255.0, np.float32))
    with pytest.raises(ExplainError, match=r"unknown class 'dog'.*3 classes \(red, green, blue\)"):
        explain(photo_model, photo_with_blob(), class_name="dog")
    with pytest.raises(ExplainError, match=r"plain.onnx has no CAM outputs.*occlusion"):
        explain(chars, drawing_on_paper(), method="cam")
    with pytest.raises(ExplainError, match="unknown method 'gradients'"):
        explain(chars, drawing_on_paper(), method="gradients")
    with pytest.raises(ExplainError, match="takes 80 × 60 × 1 inputs, got 32 × 32 × 3"):
        explain(chars, photo_with_blob())
    with pytest.raises(ExplainError, match="at least 1 pixel"):
        explain(chars, drawing_on_paper(), method="occlusion", patch=0)
    with pytest.raises(ExplainError, match="class index 7"):
        explain(photo_model, photo_with_blob(), class_index=7)


def test_classes_by_name_wordnet_id_or_index(photo_model):
    x = photo_with_blob()
    assert explain(photo_model, x, class_name="blue").class_index == 2
    assert explain(photo_model, x, class_name="n00000001").class_name == "green"  # tiny models' wnids
    assert explain(photo_model, x, class_name="BLUE").class_name == "blue"
    assert explain(photo_model, x, class_index=1).class_name == "green"


def test_models_without_a_known_head_get_no_cam_outputs(tmp_path):
    proto = onnx.load(str(linear_character_model(tmp_path / "linear.onnx", ["a", "b"])))
    assert add_cam_outputs(proto) is None
    model = OnnxModel(tmp_path / "linear.onnx")
    assert not model.has_cam
    assert explain(model, drawing_on_paper(), method="auto").method == "occlusion"


def test_the_contract_wants_the_cam_outputs_as_a_pair(tmp_path):
    path = ink_character_model(tmp_path / "ink.onnx", head="gap", cam=True)
    proto = onnx.load(str(path))
    kept = [o for o in proto.graph.output if o.name != "cam_weights"]
    del proto.graph.output[:]
    proto.graph.output.extend(kept)
    onnx.save(proto, str(tmp_path / "half.onnx"))
    with pytest.raises(ModelContractError, match="needs its partner 'cam_weights'"):
        OnnxModel(tmp_path / "half.onnx")


def test_the_json_form_holds_the_grid_and_its_shape(photo_model):
    data = explain(photo_model, photo_with_blob(), method="occlusion", patch=8).to_json()
    assert data["method"] == "occlusion" and data["class"] == "red" and data["grid_shape"] == [4, 4]
    assert np.asarray(data["grid"]).shape == (4, 4) and data["input_shape"] == [32, 32]
    assert [name for name, _ in data["top"]] == ["red", "green", "blue"] or len(data["top"]) == 3


def test_the_shipped_cnn_grad_cam_weights_are_the_averaged_gradient_of_its_logits():
    # conv3 [20, 15, 64] -> 4x4 max pool -> flatten (NHWC) -> dense 64 ReLU -> 55 logits. Where the
    # pooled maximum is unique, d logit / d conv3 is the dense layers' product routed to it.
    from desktop.core.contract import assets_dir
    from desktop.core.recognition import image_to_input

    path = assets_dir() / "models" / "casia55-cnn.onnx"
    model = OnnxModel(path)
    assert model.has_cam
    init = {i.name: onnx.numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}

    def weight(layer: str, kind: str) -> np.ndarray:
        (name,) = [n for n in init if f"/{layer}_1/" in n and kind in n and not n.startswith("cam_head_")]
        return init[name]

    w1, b1, w2 = weight("dense", "Cast"), weight("dense", "BiasAdd"), weight("logits", "Cast")
    x = image_to_input(drawing_on_paper()[..., 0].astype(np.uint8))
    _, features, weights = model.predict_with_cam(x[None])
    pooled = features[0, :20, :12].reshape(5, 4, 3, 4, 64).max(axis=(1, 3)).reshape(-1)
    on = (pooled @ w1 + b1 > 0).astype(np.float64)
    flat_gradient = (w2.T * on) @ w1.T  # [55, 960]: d logit / d pooled value
    expected = flat_gradient.reshape(55, 15, 64).sum(axis=1) / (20 * 15)
    np.testing.assert_allclose(weights[0], expected, atol=1e-6)
    result = explain(model, x, method="cam")
    assert result.grid.shape == (20, 15) and result.heat.shape == (80, 60)
