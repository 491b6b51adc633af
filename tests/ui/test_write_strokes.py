"""A stroke model in the Write panel: it reads which way the pen moved, shows its nine channels,
learns the user's handwriting from their strokes, and says it cannot read an opened picture.

Real ONNX files (hand-built: a stroke model whose answer is the direction of the ink, and an image
model) through the real model host, written on the real canvas with mouse events.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.contract import STROKE_CHANNELS
from desktop.ui.i18n import tr
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.panel import NEEDS_STROKES, WritePanel
from tests.tiny_onnx import linear_character_model, stroke_character_model
from tests.ui.drawing import draw_strokes
from tests.ui.gui_thread import GuiThreadRelay

WAIT_MS = 20_000
RIGHTWARDS, LEFTWARDS = 1, 5  # the channels of ink going right and going left
CLASSES = ["右", "左"]


@pytest.fixture
def panel(qtbot, tmp_path: Path):
    folder = tmp_path / "models"
    folder.mkdir()
    weights = np.zeros((STROKE_CHANNELS, 2), np.float32)
    weights[RIGHTWARDS, 0] = weights[LEFTWARDS, 1] = 3.0  # sure of the direction, yet a personal layer can overrule
    stroke_character_model(folder / "online.onnx", CLASSES, weights, title="Tiny stroke model")
    linear_character_model(folder / "image.onnx", CLASSES, title="Tiny image model")
    host = ModelHost([folder])
    write = WritePanel(host, handwriting_folder=tmp_path / "handwriting")
    qtbot.addWidget(write)
    write.resize(1100, 720)
    write.show()
    qtbot.waitExposed(write)
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=WAIT_MS):
        host.start()
    qtbot.waitUntil(lambda: write.handwriting.is_known(), timeout=WAIT_MS)
    paths = {Path(p).stem: p for p in (str(folder / "online.onnx"), str(folder / "image.onnx"))}
    write.set_chosen_models([paths["online"], paths["image"]])
    yield write, paths
    host.shutdown()


def horizontal(write: WritePanel, leftwards: bool) -> None:
    """One horizontal stroke across the canvas, written left to right or right to left."""
    w, h = write.canvas.width(), write.canvas.height()
    line = np.linspace([0.25 * w, 0.5 * h], [0.75 * w, 0.52 * h], 30)
    write.clear()
    draw_strokes(write.canvas, [line[::-1] if leftwards else line])


def top(write: WritePanel, path: str) -> str:
    return write.candidate_view(path).shown_candidates()[0]


def test_the_stroke_model_reads_the_pen_direction_and_shows_its_nine_channels(qtbot, panel) -> None:
    write, paths = panel
    answers = {}
    for leftwards in (False, True):
        horizontal(write, leftwards)
        qtbot.waitUntil(write.is_up_to_date, timeout=WAIT_MS)
        answers[leftwards] = (top(write, paths["online"]), top(write, paths["image"]))
        channels = write.view.direction_view.channels()
        assert write.view.direction_view.isVisible() and channels.shape == (80, 60, STROKE_CHANNELS)
        assert write.view.input_view.isHidden(), "the compass shows the ink in the image's place"
        ink = (255.0 - channels).sum(axis=(0, 1))
        assert ink[LEFTWARDS if leftwards else RIGHTWARDS] > 0.9 * ink[0], "the ink is in its direction's channel"
        assert np.array_equal(channels[..., :1], write.current_input()), "channel 0 is the image input"
    assert answers[False][0] == "右" and answers[True][0] == "左"
    assert answers[False][1] == answers[True][1], "the same ink either way: the image model cannot tell"
    # An image model first: only the image is shown.
    write.set_chosen_models([paths["image"], paths["online"]])
    qtbot.waitUntil(write.is_up_to_date, timeout=WAIT_MS)
    assert write.view.direction_view.isHidden() and write.view.input_view.isVisible()


def test_an_opened_picture_goes_to_the_image_model_and_the_stroke_model_says_why_not(qtbot, panel,
                                                                                     tmp_path: Path) -> None:
    write, paths = panel
    picture = np.full((120, 90), 255, np.uint8)
    cv2.line(picture, (15, 60), (75, 62), 0, 6)
    cv2.imwrite(str(tmp_path / "line.png"), picture)
    assert write.load_image(tmp_path / "line.png")
    qtbot.waitUntil(write.is_up_to_date, timeout=WAIT_MS)
    assert write.candidate_view(paths["online"]).notice_text() == tr(NEEDS_STROKES)
    assert len(write.candidate_view(paths["image"]).shown_candidates()) == 2
    assert write.view.direction_view.isHidden() and write.view.input_view.isVisible()
    assert write.current_drawing().strokes is None


def test_the_stroke_model_learns_the_users_handwriting_from_their_strokes(qtbot, panel, tmp_path: Path) -> None:
    write, paths = panel
    horizontal(write, leftwards=False)
    qtbot.waitUntil(write.is_up_to_date, timeout=WAIT_MS)
    assert top(write, paths["online"]) == "右"
    # This writer's rightward stroke is their 左: teach it, and the next one is read so.
    with qtbot.waitSignal(write.personal_layer_ready, timeout=WAIT_MS, check_params_cb=lambda n: n == 1):
        assert write.teach_character("左")
    qtbot.waitUntil(write.is_up_to_date, timeout=WAIT_MS)
    horizontal(write, leftwards=False)
    qtbot.waitUntil(write.is_up_to_date, timeout=WAIT_MS)
    assert top(write, paths["online"]) == "左"
    assert write.candidate_view(paths["online"]).personal_mark() is not None
    kept = sorted(p.name for p in (tmp_path / "handwriting" / "左").iterdir())
    assert kept == ["1.json", "1.png"]
