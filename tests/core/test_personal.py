"""It learns your handwriting: the corrected-sample store on real files and the personal layer on the shipped CNN."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import numpy as np
import pytest

from desktop.core.contract import shipped_models_dir
from desktop.core.onnx_model import OnnxModel, softmax
from desktop.core.personal import (
    MAX_BOOST,
    PersonalLayer,
    PersonalSamples,
    blank_page,
    check_class_name,
    fit_personal_layer,
)

CNN = shipped_models_dir() / "casia55-cnn.onnx"


def drawing(value: int, seed: int = 0) -> np.ndarray:
    """An 80x60 model input: paper with one dark block whose place depends on ``seed``."""
    image = np.full((80, 60, 1), 255.0, np.float32)
    top = 10 + 7 * (seed % 5)
    image[top:top + 20, 15:45] = value
    return image


@pytest.fixture
def cnn():
    return OnnxModel(CNN)


# -- the store -----------------------------------------------------------------------------------
def test_samples_are_added_loaded_and_counted_in_a_stable_order(tmp_path):
    store = PersonalSamples(tmp_path / "personal")
    assert len(store) == 0 and store.counts() == {} and store.load()[0].shape == (0, 80, 60, 1)
    first = store.add("口", drawing(10))
    store.add("口", drawing(20)[..., 0])  # [80, 60] works too
    strokes = [np.array([[0.0, 0.0], [10.0, 5.0]]), np.array([[1.0, 2.0, 0.5], [3.0, 4.0, 0.7]])]
    second = store.add("人", drawing(30), strokes)

    assert first == tmp_path / "personal" / "口" / "1.png"
    assert second == tmp_path / "personal" / "人" / "1.png"
    assert json.loads((second.parent / "1.json").read_text(encoding="utf-8"))["strokes"][1] == [[1, 2, 0.5], [3, 4, 0.7]]
    assert not (first.parent / "1.json").exists()  # no strokes given, none written
    assert store.counts() == {"口": 2, "人": 1} and len(store) == 3
    images, labels = store.load()
    assert labels == ["人", "口", "口"]  # code-point order, then by number
    assert images.dtype == np.float32 and images.shape == (3, 80, 60, 1)
    np.testing.assert_array_equal(images[1], drawing(10))
    np.testing.assert_array_equal(images[2], drawing(20))
    assert not [p for p in (tmp_path / "personal").rglob("*") if p.name.startswith(".")]  # no temporaries left


def test_numbers_continue_after_the_highest_and_bad_inputs_are_refused(tmp_path):
    store = PersonalSamples(tmp_path)
    store.add("木", drawing(0))
    (tmp_path / "木" / "7.png").write_bytes((tmp_path / "木" / "1.png").read_bytes())
    assert store.add("木", drawing(5)).name == "8.png"
    with pytest.raises(ValueError, match="80x60 model input"):
        store.add("木", np.zeros((40, 30)))
    with pytest.raises(ValueError, match="finite"):
        store.add("木", np.full((80, 60), np.nan))
    with pytest.raises(ValueError, match="cannot be a folder name"):
        store.add("../木", drawing(0))
    assert store.counts() == {"木": 3}


@pytest.mark.parametrize("name", ["", ".", "..", ".hidden", "a/b", "a\\b", "a:b", "ends.", "ends ", "CON", "lpt1.txt",
                                  "tab\there", "x" * 65, 'quote"'])
def test_names_unsafe_as_folder_names_are_refused(name):
    with pytest.raises(ValueError):
        check_class_name(name)


@pytest.mark.parametrize("name", ["口", "森", "cat", "a b", "Teach class 1", "CONSOLE"])
def test_ordinary_names_are_kept(name):
    assert check_class_name(name) == name


def test_a_corrupt_png_is_skipped_with_a_log_line(tmp_path, caplog):
    store = PersonalSamples(tmp_path)
    store.add("日", drawing(0))
    store.add("日", drawing(40))
    (tmp_path / "日" / "1.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with caplog.at_level(logging.WARNING, logger="desktop.core.personal"):
        images, labels = store.load()
    assert labels == ["日"]
    np.testing.assert_array_equal(images[0], drawing(40))
    assert any("1.png" in r.getMessage() and "skipped" in r.getMessage() for r in caplog.records)


def test_forget_deletes_only_the_files_it_made(tmp_path):
    store = PersonalSamples(tmp_path)
    store.add("火", drawing(0), [np.array([[0.0, 0.0], [1.0, 1.0]])])
    store.add("火", drawing(9))
    store.add("水", drawing(3))
    (tmp_path / "水" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "readme.txt").write_text("mine too", encoding="utf-8")
    assert store.forget() == 3
    assert len(store) == 0 and store.counts() == {}
    assert not (tmp_path / "火").exists()
    assert sorted(p.name for p in (tmp_path / "水").iterdir()) == ["notes.txt"]
    assert (tmp_path / "readme.txt").is_file()
    assert store.forget() == 0


def test_export_is_a_class_folder_layout_training_reads(tmp_path, cnn):
    from training.casia import load_folder
    from training.evaluate import evaluate_onnx_on_folder

    store = PersonalSamples(tmp_path / "personal")
    for i, char in enumerate("口口人"):
        store.add(char, drawing(20 * i, seed=i))
    (tmp_path / "personal" / "人" / "2.png").write_bytes(b"broken")
    target = tmp_path / "export"
    assert store.export(target) == 3
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.png")) == ["人/1.png", "口/1.png", "口/2.png"]

    data = load_folder(target)
    assert data.class_names == ["人", "口"] and len(data) == 3
    np.testing.assert_array_equal(data.float_images()[1], store.load()[0][1])
    result = evaluate_onnx_on_folder(CNN, target)
    assert result["classes"] == ["人", "口"] and result["n"] == 3


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    store = PersonalSamples(tmp_path / "personal")
    store.add("口", drawing(0))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        store.export(tmp_path / "full")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="is a file"):
        store.export(tmp_path / "a-file")
    assert store.export(tmp_path / "new") == 1


# -- the layer -----------------------------------------------------------------------------------
def probabilities(rows: int, classes: int, seed: int = 0) -> np.ndarray:
    p = np.random.default_rng(seed).random((rows, classes)).astype(np.float32)
    return p / p.sum(axis=1, keepdims=True)


def test_an_empty_layer_returns_the_probabilities_unchanged():
    layer = PersonalLayer.fit(np.zeros((0, 8)), [], list("abc"))
    assert len(layer) == 0
    p = probabilities(4, 3)
    np.testing.assert_array_equal(layer.adjust(p, np.ones((4, 8))), p)
    np.testing.assert_array_equal(layer.adjust(p[0], np.ones(8)), p[0])


def test_labels_outside_the_classes_are_ignored_and_shapes_are_kept():
    rng = np.random.default_rng(1)
    samples = rng.random((5, 8))
    layer = PersonalLayer.fit(samples, ["a", "b", "zz", "a", "zz"], list("abc"))
    assert len(layer) == 3 and layer.corrected == ["a", "b"]
    p = probabilities(2, 3)
    out = layer.adjust(p, samples[:2])
    assert out.shape == (2, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)
    single = layer.adjust(p[0].astype(np.float64), samples[0])
    assert single.shape == (3,) and single.dtype == np.float64
    with pytest.raises(ValueError, match="fitted on 8 features"):
        layer.adjust(p, np.ones((2, 5)))


def test_a_corrected_class_wins_only_for_drawings_like_its_samples():
    rng = np.random.default_rng(2)
    origin = np.zeros(16)
    own = rng.normal(0, 1, 16)
    layer = PersonalLayer.fit(own + rng.normal(0, 0.05, (3, 16)), ["c"] * 3, list("abc"), origin=origin)
    model_says = np.array([0.6, 0.3, 0.1])
    alike = layer.adjust(model_says, own + rng.normal(0, 0.05, 16))
    assert alike.argmax() == 2 and alike[2] > 0.8
    # A drawing unlike the samples keeps the model's answer exactly; so do the uncorrected classes' odds.
    unlike = layer.adjust(model_says, -own)
    np.testing.assert_allclose(unlike, model_says)
    np.testing.assert_allclose(alike[0] / alike[1], model_says[0] / model_says[1])
    assert np.log(alike[2] / alike[0]) - np.log(model_says[2] / model_says[0]) <= MAX_BOOST + 1e-9


def test_a_resemblance_moves_an_answer_as_far_whatever_temperature_shows_it():
    """The boost is in log-probabilities at the likelihood's T (here 1): showing the percentages at
    another T changes them, never which answer the layer puts first."""
    rng = np.random.default_rng(3)
    own = rng.normal(0, 1, 16)
    layer = PersonalLayer.fit(own + rng.normal(0, 0.05, (3, 16)), ["c"] * 3, list("abc"), origin=np.zeros(16))
    logits, drawing = np.array([2.0, 0.5, 0.2]), own + rng.normal(0, 0.05, 16)
    as_trained = layer.adjust(softmax(logits, dtype=np.float64), drawing)
    for t in (0.7, 1.6):
        model = SimpleNamespace(temperature=t, likelihood_temperature=1.0)
        shown = layer.adjust_for(model, softmax(logits / t, dtype=np.float64), drawing)
        np.testing.assert_allclose(shown, softmax(np.log(as_trained) / t, dtype=np.float64), rtol=1e-9)
        # Without a likelihood T of its own, the shown T is the likelihood's: the boost as it was.
        unscaled = layer.adjust(softmax(logits / t, dtype=np.float64), drawing)
        plain = SimpleNamespace(temperature=t, likelihood_temperature=t)
        np.testing.assert_allclose(layer.adjust_for(plain, softmax(logits / t, dtype=np.float64), drawing), unscaled)


def test_corrected_characters_compete_only_for_drawings_that_resemble_one_of_them():
    rng = np.random.default_rng(4)
    b_like, c_like = rng.normal(0, 1, 16), rng.normal(0, 1, 16)
    samples = np.stack([b_like, b_like + 0.05, c_like, c_like + 0.05])
    layer = PersonalLayer.fit(samples, ["b", "b", "c", "c"], list("abc"))
    model_says = np.array([0.2, 0.5, 0.3])
    out = layer.adjust(model_says, c_like + rng.normal(0, 0.05, 16))
    assert out.argmax() == 2
    assert out[1] / out[0] < model_says[1] / model_says[0]  # b, the rival, lost ground to the uncorrected a
    # A drawing like neither sets no contest: every score stays the model's.
    np.testing.assert_allclose(layer.adjust(model_says, -(b_like + c_like)), model_says)


def test_the_origin_is_where_similarity_is_measured_from():
    # Features that all share a large offset (like pixels on white paper) only resemble each
    # other once the offset, the blank page's embedding, is taken away.
    rng = np.random.default_rng(3)
    paper = np.full(32, 10.0)
    sample, other = paper + rng.normal(0, 1, 32), paper + rng.normal(0, 1, 32)
    model_says = np.array([0.7, 0.3])
    naive = PersonalLayer.fit(sample[None], ["b"], ["a", "b"])
    measured = PersonalLayer.fit(sample[None], ["b"], ["a", "b"], origin=paper)
    assert naive.adjust(model_says, other).argmax() == 1  # everything looks alike from zero
    assert measured.adjust(model_says, other).argmax() == 0


def test_fitting_on_the_shipped_cnn_uses_its_embedding_and_the_blank_page(tmp_path, cnn):
    store = PersonalSamples(tmp_path)
    store.add("口", drawing(0))
    layer = fit_personal_layer(cnn, store)
    assert cnn.has_embedding and len(layer) == 1 and layer.corrected == ["口"]
    assert layer.similarity(cnn.predict_embedding(blank_page())).item() == 0.0


def test_corrections_make_a_held_out_writer_read_right_without_hurting_other_characters(tmp_path, cnn):
    """A writer unlike any the CNN was trained on; 3 corrected samples of each character it misread."""
    from training.synth_stream import frame_for_training
    from training.writers import WriterRanges, draw_character, sample_writer

    # A writer the shipped CNN misreads on 4 of these characters (found among the first 60 seeds).
    writer = sample_writer(np.random.default_rng(18), WriterRanges.held_out())
    rng = np.random.default_rng(118)

    def draw(chars: str) -> np.ndarray:
        return np.stack([frame_for_training(draw_character(c, writer, rng)) for c in chars])

    candidates = "大太犬天夫木本马鸟主王玉女火"
    first_try = cnn.predict_proba(draw(candidates)).argmax(axis=1)
    misread = [c for c, k in zip(candidates, first_try) if cnn.class_names[k] != c]
    others = [c for c in candidates if c not in misread][:6]
    assert misread and len(others) == 6
    store = PersonalSamples(tmp_path)
    for char in misread:
        for image in draw(char * 3):
            store.add(char, image)
    layer = fit_personal_layer(cnn, store)

    tests = "".join(c * 3 for c in misread) + "".join(c * 2 for c in others)
    probs, embedding = cnn.predict_proba_and_embedding(draw(tests))
    truth = np.array([cnn.class_names.index(c) for c in tests])
    taught = np.isin(list(tests), misread)
    before, after = probs.argmax(axis=1) == truth, layer.adjust_for(cnn, probs, embedding).argmax(axis=1) == truth
    assert after[taught].sum() >= before[taught].sum() + 2, (before[taught], after[taught])
    assert after[~taught].sum() >= before[~taught].sum(), (before[~taught], after[~taught])


def test_strokes_kept_with_a_sample_give_the_stroke_models_input_framed_once(tmp_path, monkeypatch):
    from desktop.core import direction_map
    from desktop.core.model_input import frame_strokes

    store = PersonalSamples(tmp_path)
    line = [np.linspace([0.0, 0.0], [200.0, 10.0], 20)]
    image = frame_strokes(line, 8.0, directions=False).image
    store.add("大", image, line, pen_width=8.0)
    store.add("天", image)  # an opened picture: no strokes, so nothing for a stroke model
    calls = []
    original = direction_map.strokes_to_channels
    monkeypatch.setattr(direction_map, "strokes_to_channels", lambda *a, **k: calls.append(1) or original(*a, **k))
    inputs, labels = store.load_strokes()
    assert labels == ["大"] and inputs.shape == (1, 80, 60, 9)
    np.testing.assert_array_equal(inputs[0], frame_strokes(line, 8.0).strokes)  # with the pen it was drawn with
    store.load_strokes()
    assert len(calls) == 1, "an unchanged stroke file is framed once"
    store.forget()
    assert store.load_strokes()[1] == []
