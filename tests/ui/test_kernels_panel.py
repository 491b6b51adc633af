"""The Kernels panel with real widgets: inputs, presets, settings, the weighted sum, CNN filters, live video."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QScrollBar,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from desktop.core.convolution import COURSE_IMAGE, COURSE_KERNEL, conv2d
from desktop.core.kernels import PRESETS
from desktop.core.registry import shipped_models_dir
from desktop.core.strokes import render
from desktop.ui.kernels.panel import KernelsPanel
from desktop.ui.kernels.tensor_view import uint8_wrap_note
from desktop.ui.sources import read_image_rgb, sample_image_paths

WAIT_MS = 10_000
SMALL_PHOTO = (40, 56)  # rows, columns: keeps every convolution in the tests tiny


def wait_for_output(qtbot, panel: KernelsPanel) -> np.ndarray:
    qtbot.waitUntil(panel.is_up_to_date, timeout=WAIT_MS)
    return panel.output()


@pytest.fixture
def photo() -> np.ndarray:
    """A real sample photo, shrunk so the tests stay quick."""
    path = next(p for p in sample_image_paths() if p.suffix == ".jpg" and "camera" not in p.name)
    return cv2.resize(read_image_rgb(path), SMALL_PHOTO[::-1], interpolation=cv2.INTER_AREA)


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(**kwargs) -> KernelsPanel:
        panel = KernelsPanel(**kwargs)
        qtbot.addWidget(panel)
        panel.resize(1400, 800)
        panel.show()
        panels.append(panel)
        wait_for_output(qtbot, panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def test_a_sample_photo_is_a_tensor_with_channels_zoom_and_values(qtbot, make_panel) -> None:
    panel = make_panel()
    samples = [p for p in sample_image_paths() if p.suffix == ".jpg"]
    chosen = samples[-1]
    assert panel.choose_input(str(chosen))
    tensor = panel.input_tensor()
    expected = read_image_rgb(chosen)
    if np.array_equal(expected[:, :, 0], expected[:, :, 2]) and np.array_equal(expected[:, :, 0], expected[:, :, 1]):
        expected = expected[:, :, :1]
    np.testing.assert_array_equal(tensor, expected)
    h, w, c = tensor.shape
    assert f"{h} × {w} × {c}" in panel.view.tensor_view.shape_label.text()

    view = panel.view.tensor_view
    if c == 3:  # each channel on its own, and side by side
        view.set_shown_channels(1)
        assert view.pixels.view.image_size().width() == w
        view.set_shown_channels("side")
        assert view.pixels.view.image_size().width() > 3 * w
    view.set_shown_channels(0 if c == 1 else 1)
    view.pixels.set_zoom(40)  # far enough to write each value in its square
    pixels = view.pixels.view
    qtbot.mouseMove(pixels, pixels.centre_of(2, 3))
    qtbot.waitUntil(lambda: "row 2, column 3" in view.value_label.text(), timeout=WAIT_MS)
    value = int(tensor[2, 3, 0 if c == 1 else 1])
    assert f"= {value} = 0x{value:02X}" in view.value_label.text()
    assert f"{value} + 1 = {(value + 1) % 256}" in view.wrap_label.text()
    assert "255 + 1 = 0" in uint8_wrap_note(7)


def test_identity_copies_the_input_and_sobel_shrinks_it(qtbot, make_panel, photo) -> None:
    panel = make_panel()
    panel.set_input(photo, "a small photo")
    panel.apply_preset("identity", "per_channel")
    out = wait_for_output(qtbot, panel)
    np.testing.assert_array_equal(out, photo[1:-1, 1:-1].astype(np.float32))  # valid: the border is lost
    panel.view.controls.set_padding("zero")
    out = wait_for_output(qtbot, panel)
    np.testing.assert_array_equal(out, photo.astype(np.float32))

    panel.view.controls.set_padding("valid")
    panel.apply_preset("sobel_x", "all_channels")
    out = wait_for_output(qtbot, panel)
    assert out.shape == (SMALL_PHOTO[0] - 2, SMALL_PHOTO[1] - 2, 1)
    assert panel.view.output_view.channel_count() == 1
    grey_sobel = conv2d(photo.mean(axis=2, keepdims=True), PRESETS["sobel_x"].weights)
    np.testing.assert_allclose(out, grey_sobel, rtol=1e-4, atol=1e-2)


def test_settings_change_the_shape_and_formula_and_bad_ones_are_named(qtbot, make_panel, photo) -> None:
    panel = make_panel()
    panel.set_input(photo, "a small photo")
    panel.apply_preset("box_blur", "all_channels")
    h, w = SMALL_PHOTO
    panel.view.controls.set_padding("zero")
    panel.view.controls.set_stride(2, 3)
    out = wait_for_output(qtbot, panel)
    assert out.shape == (-(-h // 2), -(-w // 3), 1)
    text = panel.view.formula_label.text()
    assert f"→ {-(-h // 2)} × {-(-w // 3)} × 1" in text
    panel.view.controls.set_padding("valid")
    panel.view.controls.set_stride(1, 1)
    panel.view.controls.set_dilation(2, 1)
    out = wait_for_output(qtbot, panel)
    assert out.shape == (h - 4, w - 2, 1)
    assert f"⌊({h} + 0 − 2·(3 − 1) − 1) / 1⌋ + 1 = {h - 4}" in panel.view.formula_label.text()
    panel.view.controls.set_pooling("max", 2, 2)
    out = wait_for_output(qtbot, panel)
    assert out.shape == ((h - 4) // 2, (w - 2) // 2, 1)
    assert "pool →" in panel.view.formula_label.text()

    # Dilation 8 spreads a 7x7 kernel over 49 rows: more than the 40-row photo has.
    panel.view.controls.set_pooling("none")
    panel.set_kernel_size(7)
    panel.view.controls.set_dilation(8, 1)
    assert panel.settings_error() and "larger than the padded input" in panel.settings_error()
    assert panel.view.error_label.isVisibleTo(panel) and "rows" in panel.view.error_label.text()
    panel.view.controls.set_dilation(1, 1)  # and back: the message goes, the output comes
    out = wait_for_output(qtbot, panel)
    assert not panel.view.error_label.isVisibleTo(panel) and out.shape == (h - 6, w - 6, 1)


def test_hovering_an_output_pixel_shows_the_weighted_sum_that_made_it(qtbot, make_panel, photo) -> None:
    panel = make_panel()
    panel.set_input(photo, "a small photo")
    panel.apply_preset("sharpen", "per_channel")
    panel.view.kernel_editor.set_weight(0, 0, 0, 0.5, filter_index=1)  # a hand-edited weight counts too
    panel.view.controls.relu_box.setChecked(True)
    out = wait_for_output(qtbot, panel)
    assert out.shape[2] == 3
    thumb = panel.view.output_view.thumbnail(1)
    qtbot.waitUntil(thumb.isVisible, timeout=WAIT_MS)
    qtbot.wait(50)  # the thumbnails' layout settles
    qtbot.mouseMove(thumb, thumb.centre_of(5, 7))
    qtbot.waitUntil(lambda: getattr(panel.view.sum_view.last_sum, "filter_index", None) == 1, timeout=WAIT_MS)
    ws = panel.view.sum_view.last_sum
    assert (ws.out_row, ws.out_col) == (5, 7)
    assert ws.output == pytest.approx(float(out[5, 7, 1]), abs=1e-3)
    assert ws.weights[0, 0, 0] == 0.5 and ws.products.shape == (3, 3, 3)
    assert panel.view.sum_view.table.rowCount() == 27
    assert panel.view.sum_view.summary.text().startswith("Output (5, 7) of filter 2")


def test_the_course_example_gives_4_in_the_first_output_cell(qtbot, make_panel) -> None:
    panel = make_panel()
    assert panel.choose_input("course")
    out = wait_for_output(qtbot, panel)
    np.testing.assert_array_equal(panel.input_tensor()[:, :, 0], COURSE_IMAGE)
    assert out.shape == (3, 3, 1) and out[0, 0, 0] == 4
    ws = panel.show_weighted_sum(0, 0, 0)
    assert ws.total == 4 and panel.view.sum_view.summary.text().endswith("= 4")
    # The stepper shows the same problem.
    image, kernel, _ = panel.view.stepper.problem()
    np.testing.assert_array_equal(image, COURSE_IMAGE)
    np.testing.assert_array_equal(kernel, COURSE_KERNEL)
    # Average pooling of the 3x3 output with a 2x2 window: the mean of [[4, 3], [2, 4]].
    panel.view.controls.set_pooling("average", 2, 1)
    out = wait_for_output(qtbot, panel)
    assert out.shape == (2, 2, 1) and out[0, 0, 0] == pytest.approx(3.25)


def test_detect_yellow_turns_three_channels_into_one(qtbot, make_panel) -> None:
    yellow_square = np.zeros((12, 12, 3), np.uint8)
    yellow_square[3:9, 3:9] = (255, 255, 0)
    yellow_square[:2, :2] = (0, 0, 255)
    panel = make_panel()
    panel.set_input(yellow_square, "a yellow square")
    panel.apply_preset("detect_yellow")
    out = wait_for_output(qtbot, panel)
    assert panel.input_tensor().shape[2] == 3 and out.shape == (12, 12, 1)
    assert "12 × 12 × 3 → conv → 12 × 12 × 1" in panel.view.formula_label.text()
    assert out[5, 5, 0] == 510 and out[0, 0, 0] == -255 and out[10, 10, 0] == 0


@pytest.mark.skipif(not (shipped_models_dir() / "casia55-cnn.onnx").is_file(), reason="the shipped CNN is absent")
def test_the_cnns_first_layer_filters_make_16_grey_outputs(qtbot, make_panel, photo) -> None:
    panel = make_panel()
    panel.set_input(photo, "a small photo")
    assert panel.load_cnn_filters()
    out = wait_for_output(qtbot, panel)
    assert panel.input_tensor().shape == (*SMALL_PHOTO, 1) and panel.view.grey_box.isChecked()
    assert out.shape[2] == 16 and panel.view.output_view.channel_count() == 16
    assert panel.view.kernel_editor.filter_box.count() == 16
    panel.show_weighted_sum(15, 3, 4)
    assert panel.view.sum_view.last_sum.output == pytest.approx(float(out[3, 4, 15]), abs=1e-3)


def test_the_write_drawing_is_an_input(qtbot, make_panel) -> None:
    strokes = [[[10, 10], [50, 10]], [[30, 0], [30, 60]]]
    drawing = render(strokes, height=48, pen_width=4)
    missing = make_panel(current_drawing=lambda: None)
    assert not missing.choose_input("drawing") and "Write panel" in missing.status_text()

    panel = make_panel(current_drawing=lambda: drawing)
    assert panel.choose_input("drawing")
    out = wait_for_output(qtbot, panel)
    np.testing.assert_array_equal(panel.input_tensor()[:, :, 0], drawing)
    assert out.shape[:2] == (drawing.shape[0] - 2, drawing.shape[1] - 2)


def test_the_main_window_hands_its_drawing_to_the_kernels_panel(qtbot) -> None:
    from desktop.ui.main_window import PANELS, MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.write_panel.canvas.set_strokes([[[20, 20], [120, 20]], [[70, 0], [70, 150]]])
    window.write_panel.recognize_now()
    window.show_panel(PANELS.index("Kernels"))
    panel = window.kernels_panel
    assert window.stack.currentWidget().isAncestorOf(panel) and panel.isVisible()
    assert panel.choose_input("drawing")
    qtbot.waitUntil(panel.is_up_to_date, timeout=WAIT_MS)
    assert panel.input_tensor().shape == (80, 60, 1)  # what the character models see
    window.close()


def test_a_video_file_runs_through_the_live_path(qtbot, make_panel, tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (48, 32))
    for i in range(12):
        frame = np.full((32, 48, 3), 20 * i, np.uint8)
        cv2.rectangle(frame, (i * 3, 8), (i * 3 + 10, 20), (0, 255, 255), -1)
        writer.write(frame)
    writer.release()
    panel = make_panel()
    panel.apply_preset("outline", "all_channels")
    wait_for_output(qtbot, panel)
    shown = []
    panel.output_ready.connect(lambda request: shown.append(panel.output().copy()))
    assert panel.start_video(path)
    qtbot.waitUntil(lambda: len(shown) >= 4, timeout=WAIT_MS)
    assert panel.is_live() and panel.input_tensor().shape == (32, 48, 3)
    assert all(out.shape == (30, 46, 1) for out in shown)
    assert len({float(np.abs(out).sum()) for out in shown}) > 1  # the frames differ, so do the outputs
    panel.choose_input("course")
    assert not panel.is_live()


INTERACTIVE = (QAbstractButton, QAbstractSlider, QComboBox, QLineEdit, QAbstractSpinBox, QTableWidget, QTabWidget)


def test_every_interactive_widget_has_an_object_name_and_an_accessible_name(make_panel, photo) -> None:
    panel = make_panel()
    panel.set_input(photo, "a small photo")
    panel.apply_preset("sobel_y", "per_channel")
    missing, checked = [], 0
    for widget in panel.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar):
            continue
        if widget.objectName().startswith("qt_"):
            continue  # parts of Qt's composite widgets (a spin box's line edit, a table's corner)
        checked += 1
        if not widget.objectName() or not widget.accessibleName():
            missing.append(f"{widget.metaObject().className()} {widget.objectName()!r} {widget.accessibleName()!r}")
    assert checked >= 25
    assert missing == []


def test_files_open_by_drop_and_a_bad_one_is_named_without_a_crash(qtbot, make_panel, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    grey = np.tile(np.arange(0, 250, 10, dtype=np.uint8), (20, 1))
    cv2.imwrite(str(tmp_path / "ramp.png"), grey)
    (tmp_path / "broken.png").write_bytes(b"not a picture")
    panel = make_panel()

    def drop(path: Path) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        panel.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                   Qt.KeyboardModifier.NoModifier))

    drop(tmp_path / "ramp.png")
    np.testing.assert_array_equal(panel.input_tensor()[:, :, 0], grey)  # a grey file is H × W × 1
    assert "20 × 25 × 1" in panel.view.tensor_view.shape_label.text()
    drop(tmp_path / "broken.png")
    assert "broken.png" in panel.status_text()
    np.testing.assert_array_equal(panel.input_tensor()[:, :, 0], grey)  # the last good input stays


def test_a_missing_camera_is_reported_not_fatal(qtbot, make_panel) -> None:
    panel = make_panel()
    panel.start_camera(97)
    qtbot.waitUntil(lambda: not panel.is_live(), timeout=WAIT_MS)
    assert "97" in panel.status_text() and "b00020" in panel.view.status_label.styleSheet()  # shown as an error
    assert panel.output() is not None  # the previous output is still there


def test_the_command_api_sets_the_whole_layer_and_the_tab(qtbot, make_panel, photo) -> None:
    from desktop.ui.panel_commands import KernelsCommands

    panel = make_panel()
    assert isinstance(panel, KernelsCommands)
    panel.set_input(photo, "a small photo")
    panel.apply_preset("box_blur", "all_channels")
    panel.set_kernel_size(5)
    wait_for_output(qtbot, panel)
    requests = []
    panel.output_ready.connect(requests.append)
    panel.set_layer(padding="zero", stride=2, dilation=1, relu=True, pooling="max", pool_size=2, pool_stride=2)
    out = wait_for_output(qtbot, panel)
    assert len(requests) == 1  # seven settings, one convolution
    settings, pooling = panel.view.controls.settings(), panel.view.controls.pooling()
    assert (settings.padding, settings.stride, settings.dilation, settings.relu) == ("zero", (2, 2), (1, 1), True)
    assert (pooling.mode, pooling.size, pooling.stride) == ("max", (2, 2), (2, 2))
    assert panel.view.kernel_editor.kernel_size() == 5
    h, w = SMALL_PHOTO
    assert out.shape == (-(-h // 2) // 2, -(-w // 2) // 2, 1)

    panel.set_grey(True)
    wait_for_output(qtbot, panel)
    assert panel.input_tensor().shape == (*SMALL_PHOTO, 1)
    assert "a small photo" in panel.status_text()
    for tab in ("step", "density", "image"):
        panel.show_tab(tab)
        assert panel.view.tabs.currentWidget() is panel.view.page(tab)
    with pytest.raises(ValueError, match="image"):
        panel.show_tab("photos")


def test_the_newest_convolution_wins_and_late_answers_are_dropped(qtbot, make_panel, photo) -> None:
    panel = make_panel()
    panel.set_input(photo, "a small photo")
    for preset in ("sharpen", "box_blur", "outline", "identity"):  # faster than the worker answers
        panel.apply_preset(preset, "per_channel")
    shown = wait_for_output(qtbot, panel)
    np.testing.assert_array_equal(shown, photo[1:-1, 1:-1].astype(np.float32))  # the identity, the last asked
    newest = panel._shown_id
    panel._on_answered(newest - 1, None)  # an answer for an older request arriving late is not shown
    np.testing.assert_array_equal(panel.output(), shown)
    assert panel.is_up_to_date()
    qtbot.waitUntil(panel.worker.is_idle, timeout=WAIT_MS)


def test_shutdown_stops_the_worker_thread_and_a_deleted_panel_stops_it_too(qtbot) -> None:
    panel = KernelsPanel()
    qtbot.waitUntil(panel.is_up_to_date, timeout=WAIT_MS)
    assert panel.worker.is_running()
    panel.shutdown()
    assert not panel.worker.is_running()

    other = KernelsPanel()
    worker = other.worker
    assert worker.is_running()
    other.deleteLater()
    del other
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=WAIT_MS)
