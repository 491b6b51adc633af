""""Why?" on the Write, Camera and Teach panels: real widgets, real models, real worker threads."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QPushButton

from desktop.core.registry import PREFERRED_CHARACTER_MODELS, shipped_models_dir
from desktop.ui.camera.panel import CameraPanel
from desktop.ui.explain_overlay import centred_square
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.panel import WritePanel
from desktop.ui.write.why_toggle import ink_box
from tests.explain_models import left_half_photo_model, photo_with_blob
from tests.ui.drawing import draw_character

# The CNN the panel shows first (the first of the preferred shipped models that is there).
SHIPPED_CNN = next((shipped_models_dir() / name for name in PREFERRED_CHARACTER_MODELS
                    if (shipped_models_dir() / name).is_file()), shipped_models_dir() / "casia55-cnn.onnx")
EXTRACTOR = shipped_models_dir() / "efficientnet-lite0-features.onnx"


def close(a: QRectF, b: QRectF, tolerance: float = 1.0) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRect(), b.getRect()))


# -- Write ---------------------------------------------------------------------------------------------
@pytest.fixture
def write_panel(qtbot):
    host = ModelHost([shipped_models_dir()])
    panel = WritePanel(host)
    qtbot.addWidget(panel)
    panel.resize(1100, 720)
    panel.show()
    qtbot.waitExposed(panel)
    host.start()
    # Polled, not waitSignal: the host announces its models from its own thread.
    qtbot.waitUntil(lambda: bool(panel.chosen_models()), timeout=30_000)
    if SHIPPED_CNN.is_file():  # the image CNN first: its map lies over the 80x60 image
        panel.set_chosen_models([str(SHIPPED_CNN)])
    yield panel
    panel.why.shutdown()
    host.shutdown()


def wait_for_map(qtbot, controller, after: int = 0) -> None:
    qtbot.waitUntil(lambda: controller.shown_id() > after and controller.is_up_to_date(), timeout=20_000)


@pytest.mark.skipif(not SHIPPED_CNN.is_file(), reason="needs the shipped CNN")
def test_write_panel_shows_where_the_cnn_looked_on_the_input_and_on_the_canvas(qtbot, write_panel) -> None:
    panel = write_panel
    why = panel.why
    assert not why.is_on() and why.controller.worker is None  # nothing runs until it is asked for
    draw_character(panel.canvas, "木", seed=3)
    qtbot.waitUntil(panel.is_up_to_date, timeout=10_000)
    assert not why.input_overlay.isVisible()

    qtbot.mouseClick(why.toggle, Qt.MouseButton.LeftButton)
    wait_for_map(qtbot, why.controller)
    answer = why.answer()
    top = panel.candidate_view().shown_candidates()[0]
    assert answer.explanation.class_name == top and answer.explanation.method == "cam"
    assert answer.request.model_key == str(SHIPPED_CNN)
    np.testing.assert_array_equal(answer.model_input, panel.current_input())
    assert why.scale.isVisible() and top in why.scale.caption.text()
    # On the 80x60 view, pixel for pixel; on the canvas, over the ink box the input was cut from.
    assert why.input_overlay.isVisible() and why.input_overlay.heat().shape == (80, 60)
    assert close(why.input_overlay.target_rect(), QRectF(panel.view.input_view.image_widget.target_rect()))
    assert why.canvas_overlay.isVisible()
    box = ink_box(panel.canvas.strokes(), panel.canvas.pen_width())
    assert close(why.canvas_overlay.target_rect(), box) and QRectF(panel.canvas.rect()).contains(box)
    heat = answer.explanation.heat
    ink = panel.current_input()[..., 0] < 230
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    # The CNN's evidence is the strokes: more of the heat lies near the ink than the ink's share of the area.
    assert heat[near_ink].sum() / heat.sum() > near_ink.mean()

    # A clicked candidate is explained instead; clicking it again goes back to the top one.
    second = panel.candidate_view().shown_candidates()[1]
    button = panel.candidate_view().findChild(QPushButton, "candidate_2")
    assert button.char == second
    shown = why.controller.shown_id()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_for_map(qtbot, why.controller, shown)
    assert why.answer().explanation.class_name == second
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_for_map(qtbot, why.controller, why.controller.shown_id())
    assert why.answer().explanation.class_name == top

    # Off: the maps go; clearing the canvas takes them away too.
    qtbot.mouseClick(why.toggle, Qt.MouseButton.LeftButton)
    assert not why.input_overlay.isVisible() and not why.canvas_overlay.isVisible() and not why.scale.isVisible()
    why.set_on(True)
    wait_for_map(qtbot, why.controller, why.controller.shown_id())
    panel.clear()
    qtbot.waitUntil(lambda: not why.input_overlay.isVisible() and not why.canvas_overlay.isVisible(), timeout=5_000)


@pytest.mark.skipif(not SHIPPED_CNN.is_file(), reason="needs the shipped CNN")
def test_an_opened_image_gets_its_map_on_the_input_view_only(qtbot, write_panel, tmp_path: Path) -> None:
    image = np.full((120, 90), 255, np.uint8)
    cv2.line(image, (45, 10), (45, 110), 0, 8)
    cv2.line(image, (10, 40), (80, 40), 0, 8)
    path = tmp_path / "ten.png"
    cv2.imwrite(str(path), image)
    write_panel.why.set_on(True)
    assert write_panel.load_image(path)
    wait_for_map(qtbot, write_panel.why.controller)
    assert write_panel.why.input_overlay.isVisible() and not write_panel.why.canvas_overlay.isVisible()


# -- Camera --------------------------------------------------------------------------------------------
@pytest.fixture
def camera_panel(qtbot, tmp_path: Path):
    folder = tmp_path / "models"
    folder.mkdir()
    left_half_photo_model(folder / "left.onnx", size=32, cam=True)
    panel = CameraPanel([folder], probe_cameras=False)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitUntil(panel.models_loaded, timeout=20_000)
    yield panel
    panel.shutdown()


def write_photo(path: Path, rgb: np.ndarray) -> Path:
    ok, data = cv2.imencode(path.suffix, cv2.cvtColor(rgb.astype(np.uint8), cv2.COLOR_RGB2BGR))
    assert ok
    path.write_bytes(data.tobytes())
    return path


def test_camera_panel_maps_follow_the_picture_and_a_clicked_prediction(qtbot, camera_panel, tmp_path: Path) -> None:
    panel = camera_panel
    # A wide photo: the model sees its centred square, and so does the map.
    wide = np.zeros((64, 96, 3), np.float32)
    wide[:, 16:80] = cv2.resize(photo_with_blob(32), (64, 64), interpolation=cv2.INTER_NEAREST)
    panel.open_images([write_photo(tmp_path / "blob.png", wide)])
    qtbot.waitUntil(lambda: any(panel.prediction_lines().values()), timeout=10_000)
    why = panel.why
    why.set_on(True)
    wait_for_map(qtbot, why.controller)
    answer = why.answer()
    assert (answer.explanation.class_name, answer.explanation.method) == ("red", "cam")
    assert answer.model_input.shape == (32, 32, 3) and answer.request.frame
    assert why.overlay.isVisible() and why.scale.isVisible()
    assert close(why.overlay.target_rect(), centred_square(panel.view.preview.image_rect()))
    assert answer.explanation.heat[:, 16:].max() == 0.0  # the model never looks at the right half

    # Clicking the second prediction bar explains that class.
    view = next(iter(panel.view.prediction_lists.values()))
    second = view.top()[1][1]
    qtbot.mouseClick(view.bars[1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: why.answer().explanation.class_name == second, timeout=10_000)


def test_camera_panel_keeps_painting_frames_while_maps_are_made(qtbot, camera_panel, tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (96, 64))
    assert writer.isOpened()
    for i in range(30):
        frame = np.full((64, 96, 3), 60, np.uint8)
        frame[10:30, 20 + i % 20:40 + i % 20] = (0, 0, 255)  # a red square moving right (BGR)
        writer.write(frame)
    writer.release()
    panel = camera_panel
    panel.set_why(True)
    panel.start_video(path, fps=30)
    qtbot.waitUntil(lambda: panel.why.controller.shown_id() > 0, timeout=10_000)
    painted, shown = panel.view.preview.frames_painted, panel.why.controller.shown_id()
    # The maps keep coming (each for the newest frame) and so do the painted frames.
    qtbot.waitUntil(lambda: panel.why.controller.shown_id() >= shown + 5 and panel.view.preview.frames_painted >= painted + 10,
                    timeout=20_000)
    assert panel.why.overlay.isVisible()


# -- Teach ---------------------------------------------------------------------------------------------
@pytest.mark.skipif(not EXTRACTOR.is_file(), reason="needs the shipped feature extractor")
def test_teach_preview_explains_the_taught_model_by_cam(qtbot, tmp_path: Path) -> None:
    from desktop.ui.teach.panel import TeachPanel
    from tests.ui.test_teach_panel import COLOURS, noisy_colour, write_png

    panel = TeachPanel(project_folder=tmp_path / "project", user_models_dir=tmp_path / "models")
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    try:
        for k, (name, rgb) in enumerate(COLOURS.items()):
            assert panel.add_class(name)
            assert panel.add_files([write_png(tmp_path / name / f"{i}.png", noisy_colour(rgb, 10 * k + i))
                                    for i in range(4)])
            qtbot.waitUntil(lambda: not panel.is_busy(), timeout=30_000)
        panel.view.epochs_spin.setValue(10)
        with qtbot.waitSignal(panel.trained, timeout=60_000):
            assert panel.train()
        panel.why.set_on(True)
        green = write_png(tmp_path / "green.png", noisy_colour(COLOURS["green"], 999))
        with qtbot.waitSignal(panel.preview_ready, timeout=20_000):
            assert panel.preview_image(green)
        wait_for_map(qtbot, panel.why.controller)
        answer = panel.why.answer()
        assert answer.explanation.method == "cam" and answer.explanation.class_name == panel.preview_top() == "green"
        assert answer.explanation.grid.shape == (7, 7) and panel.why.overlay.isVisible()
        qtbot.mouseClick(panel.view.preview.bars.bars[0], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.why.answer().explanation.class_name == "red", timeout=20_000)
    finally:
        panel.shutdown()
