"""The Write panel on the real canvas: mouse-drawn characters, undo/redo/clear, images, stale results."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop.core.recognition import strokes_to_input
from desktop.core.registry import ModelRegistry, preferred_character_model, preferred_stroke_model, shipped_models_dir
from desktop.core.stroke_samples import StrokeDataError
from desktop.core.strokes import render
from desktop.ui.panel_commands import WriteCommands
from desktop.ui.write.model_host import ModelAnswer, ModelHost
from desktop.ui.write.panel import EMPTY_MESSAGE, WritePanel
from tests.ui.gui_thread import GuiThreadRelay
from tests.ui.drawing import course_strokes, draw_character

SHIPPED = ModelRegistry([shipped_models_dir()]).scan(warm_up=False).models
pytestmark = pytest.mark.skipif(not SHIPPED, reason="no shipped models: python -m training build-assets")
#: Distinct shapes from across the course set; each drawn with its own wobble.
CHARACTERS = "大人口日山水女门"


@pytest.fixture
def panel(qtbot):
    host = ModelHost([shipped_models_dir()])
    panel = WritePanel(host)
    qtbot.addWidget(panel)
    panel.resize(1100, 720)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=30_000):
        host.start()
    yield panel
    host.shutdown()


def wait_for_candidates(qtbot, panel: WritePanel) -> list[str]:
    qtbot.waitUntil(panel.is_up_to_date, timeout=10_000)
    return panel.candidate_view().shown_candidates()


def test_the_stroke_model_and_the_shipped_cnn_are_compared(panel: WritePanel) -> None:
    """The pen model first (it reads the pen's directions), the image CNN beside it (it also reads
    pictures); without a stroke model, that CNN beside the logistic regression."""
    chosen = [Path(p).name for p in panel.chosen_models()]
    stroke = preferred_stroke_model(SHIPPED)
    expected = [stroke.path.name, preferred_character_model(SHIPPED).path.name] if stroke else \
        [preferred_character_model(SHIPPED).path.name, "casia55-logistic.onnx"]
    assert chosen == expected
    assert len(panel._columns) == len(chosen)
    assert "casia55-logistic.onnx" in [Path(p).name for p in panel._models]  # listed, one tick away


@pytest.mark.parametrize("seed", [0, 1])
def test_characters_drawn_with_the_mouse_are_recognised(qtbot, panel: WritePanel, seed: int) -> None:
    right = 0
    for char in CHARACTERS:
        panel.clear()
        draw_character(panel.canvas, char, seed=seed)
        top = wait_for_candidates(qtbot, panel)
        assert len(top) == 5
        right += top[0] == char
    # Wobbly mouse writing: nearly all, not necessarily every one.
    assert right >= len(CHARACTERS) - 1, f"{right} of {len(CHARACTERS)} recognised"


def test_the_model_input_is_the_canvas_ink_and_features_follow_it(qtbot, panel: WritePanel) -> None:
    draw_character(panel.canvas, "木", seed=3)
    wait_for_candidates(qtbot, panel)
    expected = strokes_to_input(panel.canvas.strokes(), panel.canvas.pen_width())
    np.testing.assert_array_equal(panel.current_input(), expected)
    np.testing.assert_array_equal(np.reshape(panel.view.input_view.input(), (80, 60, 1)), expected)
    cnn = preferred_character_model(SHIPPED)
    if cnn.feature_names:
        assert set(panel.view.feature_view.sections()) == set(cnn.feature_names)


def test_undo_redo_and_clear(qtbot, panel: WritePanel) -> None:
    strokes = draw_character(panel.canvas, "大", seed=5)
    wait_for_candidates(qtbot, panel)
    assert len(panel.canvas.strokes()) == len(strokes) == 3
    panel.undo()
    assert len(panel.canvas.strokes()) == 2
    wait_for_candidates(qtbot, panel)
    assert panel.view.redo_button.isEnabled()
    panel.redo()
    assert len(panel.canvas.strokes()) == 3
    assert wait_for_candidates(qtbot, panel)[0] == "大"
    requests_before = panel.latest_request_id()
    panel.clear()
    assert panel.canvas.is_empty()
    qtbot.waitUntil(panel.is_up_to_date)
    assert panel.candidate_view().shown_candidates() == []
    assert panel.candidate_view().notice_text() == EMPTY_MESSAGE
    assert panel.current_input() is None and panel.latest_request_id() > requests_before
    panel.undo()  # clearing is undoable too
    assert wait_for_candidates(qtbot, panel)[0] == "大"


def test_a_stale_result_is_dropped(qtbot, panel: WritePanel) -> None:
    draw_character(panel.canvas, "口", seed=2)
    shown = wait_for_candidates(qtbot, panel)
    fake = {p: ModelAnswer.of_model(np.eye(len(m.class_names), dtype=np.float32)[[0]]) for p, m in panel._models.items()}
    panel._on_recognized(panel.latest_request_id() - 1, fake)  # an answer for an older drawing
    assert panel.candidate_view().shown_candidates() == shown


def write_png(path: Path, char: str) -> Path:
    grey = render(course_strokes(char), height=300, pen_width=14)
    ok, data = cv2.imencode(".png", np.pad(grey, 30, constant_values=255))
    assert ok
    path.write_bytes(data.tobytes())
    return path


def drop(panel: WritePanel, path: Path) -> None:
    """A file dragged over the panel and dropped: enter (which the panel must accept), then drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, event)
    assert event.isAccepted()


def test_a_dropped_image_is_recognised_instead_of_the_drawing(qtbot, panel: WritePanel, tmp_path: Path) -> None:
    draw_character(panel.canvas, "人", seed=1)
    wait_for_candidates(qtbot, panel)
    drop(panel, write_png(tmp_path / "shui.png", "水"))
    assert panel.view.drawing_area.currentWidget() is panel.view.image_view
    assert wait_for_candidates(qtbot, panel)[0] == "水"
    assert panel.current_input().shape == (80, 60, 1)
    # Writing again goes back to the canvas.
    panel.canvas.clear()
    draw_character(panel.canvas, "口", seed=4)
    assert panel.view.drawing_area.currentWidget() is panel.canvas
    assert wait_for_candidates(qtbot, panel)[0] == "口"


def test_a_bad_dropped_file_leaves_a_message_and_the_panel_working(qtbot, panel: WritePanel, tmp_path: Path) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not really a png")
    with qtbot.waitSignal(panel.status_message) as message:
        drop(panel, bad)
    assert "broken.png" in message.args[0] and "broken.png" in panel.view.status_label.text()
    assert panel.view.drawing_area.currentWidget() is panel.canvas
    draw_character(panel.canvas, "日", seed=0)
    assert wait_for_candidates(qtbot, panel)[0] == "日"


def test_the_command_api_drives_the_panel(qtbot, panel: WritePanel) -> None:
    """What lessons and the main window call: each command shows on the widgets it stands for."""
    assert isinstance(panel, WriteCommands)
    with qtbot.waitSignal(panel.grid_visible_changed) as changed:
        panel.set_grid_visible(False)
    assert changed.args == [False] and not panel.grid_visible() and not panel.canvas.grid_visible()
    assert not panel.view.grid_checkbox.isChecked()
    panel.set_grid_visible(True)
    assert panel.grid_visible() and panel.view.grid_checkbox.isChecked()
    panel.set_pen_width(12)
    assert panel.canvas.pen_width() == 12.0 and panel.view.pen_width_slider.value() == 12
    panel.set_why(True)
    assert panel.why.is_on() and panel.view.why_toggle.isChecked()
    panel.set_why(False)
    assert not panel.why.is_on()

    logistic = [p for p in panel._models if "logistic" in Path(p).name]
    panel.set_chosen_models(logistic)
    assert panel.chosen_models() == logistic and list(panel._columns) == logistic

    panel.draw_character("大")
    assert len(panel.canvas.strokes()) == 3
    square = panel.canvas.grid_square()
    ink = np.concatenate([s[:, :2] for s in panel.canvas.strokes()])
    assert square.contains(QPointF(*ink.min(axis=0))) and square.contains(QPointF(*ink.max(axis=0)))
    assert wait_for_candidates(qtbot, panel)[0] == "大"
    with pytest.raises(StrokeDataError):
        panel.draw_character("龍")  # no stroke data shipped for it: the canvas keeps its drawing
    assert len(panel.canvas.strokes()) == 3
    panel.draw_character("")
    assert panel.canvas.is_empty()
    panel.draw_character("口")
    panel.clear()
    assert panel.canvas.is_empty()
