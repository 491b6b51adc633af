"""ModelHost: models load in its own thread, the newest request wins, bad models are only reported."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QThread

from desktop.core.onnx_model import OnnxModel
from desktop.ui.write.model_host import ModelHost
from tests.ui.gui_thread import GuiThreadRelay
from tests.tiny_onnx import linear_character_model

CLASSES = ["大", "天", "太"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    linear_character_model(tmp_path / "a.onnx", CLASSES, with_features=True)
    linear_character_model(tmp_path / "b.onnx", CLASSES, seed=1, output="logits")
    (tmp_path / "c-broken.onnx").write_bytes(b"\x08\x07 not onnx")
    return tmp_path


@pytest.fixture
def host(folder: Path):
    host = ModelHost([folder])
    yield host
    host.shutdown()
    assert not host.is_running()


def image(value: float) -> np.ndarray:
    return np.full((80, 60, 1), value, np.float32)


def test_models_load_off_the_gui_thread_and_problems_are_reported(qtbot, host: ModelHost, folder: Path) -> None:
    scan_threads = []
    original = host._registry.scan
    host._registry.scan = lambda **kw: (scan_threads.append(threading.get_ident()), original(**kw))[1]
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=20_000) as ready:
        host.start()
    models, problems = ready.args[0]
    assert [m.path.name for m in models] == ["a.onnx", "b.onnx"]
    assert [p.path.name for p in problems] == ["c-broken.onnx"]
    assert scan_threads and scan_threads[0] != threading.get_ident()
    assert host.thread() is not QThread.currentThread()
    # Sub-millisecond models: one onnxruntime thread, none spinning beside the GUI thread.
    assert [m.threads for m in host._models.values()] == [1, 1]


def test_results_carry_probabilities_and_features(qtbot, host: ModelHost, folder: Path) -> None:
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=20_000):
        host.start()
    a, b = str(folder / "a.onnx"), str(folder / "b.onnx")
    with qtbot.waitSignal(GuiThreadRelay(host.recognized).fired, timeout=10_000) as done:
        host.request(7, image(100.0), [a, b], with_features=True)
    request_id, results = done.args[0]
    assert request_id == 7 and set(results) == {a, b}
    probs, features = results[a].probs, results[a].features
    assert probs.shape == (1, 3) and abs(float(probs.sum()) - 1) < 1e-5
    assert features["conv1"].shape == (1, 80, 60, 2)
    np.testing.assert_allclose(features["conv1"], -100.0)  # the 1x1 conv of weight -1
    assert results[b].features is None  # no feature outputs in b
    # No personal samples: the model's own answer, unchanged.
    assert results[a].model_top == int(np.argmax(probs[0])) and not results[a].personal_changed


def test_only_the_newest_waiting_request_is_computed(qtbot, host: ModelHost, folder: Path) -> None:
    a = str(folder / "a.onnx")
    answered: list[int] = []
    host.recognized.connect(lambda request_id, _: answered.append(request_id))
    # Posted before the worker runs: all wait behind the model scan, and only the last survives.
    for request_id in range(1, 6):
        host.request(request_id, image(float(request_id)), [a], with_features=False)
    host.start()
    qtbot.waitUntil(lambda: answered == [5], timeout=20_000)
    host.request(6, image(6.0), [a], with_features=False)
    qtbot.waitUntil(lambda: answered == [5, 6], timeout=10_000)


def test_an_unknown_model_fails_that_request_only(qtbot, host: ModelHost, folder: Path) -> None:
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=20_000):
        host.start()
    with qtbot.waitSignal(GuiThreadRelay(host.failed).fired, timeout=10_000) as failed:
        host.request(1, image(0.0), [str(folder / "c-broken.onnx")], with_features=False)
    assert failed.args[0][0] == 1 and "c-broken.onnx" in failed.args[0][1]
    with qtbot.waitSignal(GuiThreadRelay(host.recognized).fired, timeout=10_000):
        host.request(2, image(0.0), [str(folder / "a.onnx")], with_features=False)


def test_personal_samples_are_never_dropped_by_newer_requests(qtbot, host: ModelHost, folder: Path) -> None:
    """The samples wait beside the requests: five requests posted after them (only the last of which
    is answered) all find the personal layer fitted, in the worker thread."""
    a = str(folder / "a.onnx")
    ready = GuiThreadRelay(host.personal_ready)
    answered: list = []
    GuiThreadRelay(host.recognized).fired.connect(answered.append)
    host.set_personal(np.stack([image(100.0)]), ["太"])
    for request_id in range(1, 6):
        host.request(request_id, image(100.0), [a], with_features=False)
    with qtbot.waitSignal(ready.fired, timeout=20_000, check_params_cb=lambda args: args == (1,)):
        host.start()
    qtbot.waitUntil(lambda: bool(answered), timeout=10_000)
    request_id, results = answered[-1]
    own = OnnxModel(folder / "a.onnx").predict_proba(image(100.0)[None])
    assert request_id == 5 and results[a].probs[0][CLASSES.index("太")] > own[0][CLASSES.index("太")]
    assert results[a].model_top == int(np.argmax(own[0]))
    assert results[a].personal_changed == (int(np.argmax(results[a].probs[0])) != results[a].model_top)
    # An empty set switches the layer off: the model's own answer again.
    with qtbot.waitSignal(ready.fired, timeout=10_000, check_params_cb=lambda args: args == (0,)):
        host.set_personal(np.zeros((0, 80, 60, 1), np.float32), [])
    with qtbot.waitSignal(GuiThreadRelay(host.recognized).fired, timeout=10_000) as done:
        host.request(6, image(100.0), [a], with_features=False)
    np.testing.assert_allclose(done.args[0][1][a].probs, own, rtol=1e-5)
    assert not done.args[0][1][a].personal_changed


def test_mismatched_personal_samples_are_refused_at_once(host: ModelHost) -> None:
    with pytest.raises(ValueError, match="2 personal samples but 1 labels"):
        host.set_personal(np.stack([image(1.0), image(2.0)]), ["大"])
