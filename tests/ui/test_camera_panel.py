"""The Camera panel driven through its real capture code by generated videos and image files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QListWidget

from desktop.core.registry import shipped_models_dir
from desktop.ui.camera.panel import CameraPanel
from desktop.ui import sources
from desktop.ui.sources import CameraSource
from tests.tiny_onnx import photo_model

COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255)}
FRAMES, WIDTH, HEIGHT = 30, 320, 240
REAL_MODEL = shipped_models_dir() / "imagenet-efficientnet-lite0.onnx"
SAMPLES = shipped_models_dir().parent / "samples"
DOMESTIC_CATS = {"n02123045", "n02123159", "n02123394", "n02123597", "n02124075"}


def write_colour_video(path: Path, colours: tuple[str, ...] = ("red", "blue")) -> Path:
    """30 frames of 320x240 MJPG: the first half one colour, the second half another."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for i in range(FRAMES):
        rgb = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
        rgb[:] = COLOURS[colours[i * len(colours) // FRAMES]]
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def write_image(path: Path, colour: str | tuple[int, int, int]) -> Path:
    rgb = np.zeros((60, 80, 3), np.uint8)
    rgb[:] = COLOURS[colour] if isinstance(colour, str) else colour
    ok, data = cv2.imencode(path.suffix, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    path.write_bytes(data.tobytes())
    return path


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    # "colours" names a picture by its mean colour; "opposite" answers the reverse order.
    photo_model(folder / "colours.onnx", list(COLOURS), weights=np.eye(3) * 0.05, title="Colours")
    photo_model(folder / "opposite.onnx", list(COLOURS), weights=np.eye(3)[::-1] * 0.05, title="Opposite",
                wnids=["n90000000", "n90000001", "n90000002"])
    return folder


def make_panel(qtbot, folders) -> CameraPanel:
    panel = CameraPanel(folders, probe_cameras=False)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitUntil(panel.models_loaded, timeout=20_000)
    return panel


@pytest.fixture
def panel(qtbot, models_dir: Path):
    panel = make_panel(qtbot, [models_dir])
    yield panel
    panel.shutdown()


def top1(panel: CameraPanel, model: str = "colours.onnx") -> str:
    for path, lines in panel.prediction_lines().items():
        if Path(path).name == model:
            return lines[0] if lines else ""
    return ""


def test_a_video_drives_live_predictions_that_follow_the_picture(qtbot, panel: CameraPanel, tmp_path: Path) -> None:
    assert [Path(p).name for p in panel.chosen_models()] == ["colours.onnx"]
    panel.start_video(write_colour_video(tmp_path / "clip.avi"), fps=30)
    qtbot.waitUntil(lambda: top1(panel).startswith("n00000000 - red "), timeout=10_000)
    qtbot.waitUntil(lambda: top1(panel).startswith("n00000002 - blue "), timeout=10_000)
    assert top1(panel).endswith("100%")
    assert len(panel.prediction_lines()[str(next(iter(panel.view.prediction_lists)))]) == 3
    assert panel.view.preview.frames_painted > 5 and panel.classify_rate.count >= 2
    assert panel.preview_rate.rate() > 5
    text = panel.rates_text()
    assert text.startswith("Preview ") and "classified" in text and "inference" in text
    assert panel.error_message() is None


def test_a_missing_camera_shows_a_message_and_retry_tries_again(qtbot, panel: CameraPanel) -> None:
    panel.start_camera(63)  # no machine this runs on has 64 cameras
    qtbot.waitUntil(lambda: panel.error_message() is not None, timeout=10_000)
    assert "No camera found at index 63" in panel.error_message()
    assert panel.view.retry_button.isVisible() and panel.view.retry_button.isEnabled()
    qtbot.mouseClick(panel.view.retry_button, Qt.MouseButton.LeftButton)
    assert panel.error_message() is None  # the retry is under way
    qtbot.waitUntil(lambda: panel.error_message() is not None, timeout=10_000)
    assert panel.source() is None


def test_no_camera_found_on_first_show_offers_a_retry_and_samples(qtbot, models_dir: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    probes: list[int] = []
    monkeypatch.setattr(sources, "list_cameras", lambda max_index=5: probes.append(max_index) or [])
    panel = CameraPanel([models_dir])
    qtbot.addWidget(panel)
    try:
        panel.show()
        qtbot.waitUntil(lambda: panel.error_message() is not None, timeout=10_000)
        assert panel.error_message().startswith("No camera found") and "sample photo" in panel.error_message()
        panel.retry()  # looks again, off the GUI thread
        qtbot.waitUntil(lambda: len(probes) == 2 and panel.error_message() is not None, timeout=10_000)
        qtbot.mouseClick(panel.view.sample_buttons[0], Qt.MouseButton.LeftButton)  # one click for a classroom
        qtbot.waitUntil(lambda: panel.current_frame() is not None, timeout=10_000)
        assert panel.error_message() is None
    finally:
        panel.shutdown()


def test_a_camera_unplugged_mid_stream_is_reported(qtbot, panel: CameraPanel, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    video = write_colour_video(tmp_path / "camera.avi")
    # A real VideoCapture whose reads fail after 30 frames, as when a USB camera is pulled out.
    monkeypatch.setattr(CameraSource, "_open", lambda self: cv2.VideoCapture(str(video)))
    panel.start_camera(0)
    qtbot.waitUntil(lambda: panel.error_message() is not None, timeout=10_000)
    assert "camera 0 stopped sending pictures" in panel.error_message()
    assert panel.current_frame() is not None  # the last picture stays on screen


def test_a_video_that_breaks_off_is_reported_and_the_panel_goes_on(qtbot, panel: CameraPanel,
                                                                   tmp_path: Path) -> None:
    data = write_colour_video(tmp_path / "clip.avi").read_bytes()
    broken = tmp_path / "broken.avi"
    broken.write_bytes(data[: len(data) // 2])
    panel.start_video(broken, loop=False, fps=120)
    qtbot.waitUntil(lambda: panel.error_message() is not None, timeout=10_000)
    assert "broken.avi" in panel.error_message()
    panel.open_images([write_image(tmp_path / "green.png", "green")])
    qtbot.waitUntil(lambda: top1(panel).startswith("n00000001 - green"), timeout=10_000)
    assert panel.error_message() is None


def test_pause_freezes_the_frame_until_resumed(qtbot, panel: CameraPanel, tmp_path: Path) -> None:
    panel.start_video(write_colour_video(tmp_path / "clip.avi"), fps=60)
    qtbot.waitUntil(lambda: panel.current_frame() is not None, timeout=10_000)
    qtbot.mouseClick(panel.view.pause_button, Qt.MouseButton.LeftButton)
    assert panel.is_paused() and panel.view.pause_button.text() == "Resume"
    frozen, painted = panel.current_frame(), panel.view.preview.frame()
    qtbot.wait(300)  # 18 frames at 60 fps
    assert panel.current_frame() is frozen and panel.view.preview.frame() is painted
    assert panel.source().frames_delivered > 0
    panel.set_paused(False)
    qtbot.waitUntil(lambda: panel.current_frame() is not frozen, timeout=5000)


def test_a_snapshot_writes_the_frame_as_png(qtbot, panel: CameraPanel, tmp_path: Path) -> None:
    panel.open_images([SAMPLES / "coffee.jpg"])
    qtbot.waitUntil(lambda: panel.current_frame() is not None, timeout=10_000)
    target = tmp_path / "snap shot"
    assert panel.save_snapshot(target)
    saved = cv2.imread(str(tmp_path / "snap shot.png"))
    assert saved is not None and saved.shape == panel.current_frame().shape
    assert saved.std() > 10  # a real photo, not a blank page
    np.testing.assert_array_equal(cv2.cvtColor(saved, cv2.COLOR_BGR2RGB), panel.current_frame())
    assert not panel.save_snapshot(tmp_path / "no such folder" / "x.png")
    assert "no such folder" in panel.view.status_label.text()


def test_a_folder_is_stepped_through_with_next_and_previous(qtbot, panel: CameraPanel, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name, colour in (("1.png", "red"), ("2.jpg", "green"), ("3.bmp", "blue")):
        write_image(folder / name, colour)
    (folder / "notes.txt").write_text("not a picture")
    assert panel.open_folder(folder)
    qtbot.waitUntil(lambda: "- red" in top1(panel), timeout=10_000)
    assert panel.view.position_label.text() == "1 / 3 · 1.png"
    qtbot.mouseClick(panel.view.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "- green" in top1(panel), timeout=10_000)
    panel.next_image()
    qtbot.waitUntil(lambda: "- blue" in top1(panel), timeout=10_000)
    panel.next_image()  # wraps round
    qtbot.waitUntil(lambda: "- red" in top1(panel), timeout=10_000)
    panel.previous_image()
    qtbot.waitUntil(lambda: "- blue" in top1(panel), timeout=10_000)
    assert panel.current_image_path() == folder / "3.bmp"
    assert not panel.open_folder(tmp_path / "models")
    assert "contains no image" in panel.error_message()


def test_an_image_dropped_on_the_panel_is_classified(qtbot, panel: CameraPanel, tmp_path: Path) -> None:
    image = write_image(tmp_path / "dropped.png", "blue")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image))])
    point = QPointF(50, 50)
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, drop)
    qtbot.waitUntil(lambda: "- blue" in top1(panel), timeout=10_000)
    assert panel.current_image_path() == image


def test_two_models_are_compared_on_the_same_frame(qtbot, panel: CameraPanel, tmp_path: Path,
                                                   models_dir: Path) -> None:
    panel.set_chosen_models([models_dir / "colours.onnx", models_dir / "opposite.onnx"])
    assert len(panel.view.prediction_lists) == 2
    panel.open_images([write_image(tmp_path / "red.png", "red")])
    qtbot.waitUntil(lambda: all(panel.prediction_lines().values()), timeout=10_000)
    assert top1(panel, "colours.onnx").startswith("n00000000 - red")
    assert top1(panel, "opposite.onnx").startswith("n90000002 - blue")
    views = panel.findChildren(type(next(iter(panel.view.prediction_lists.values()))))
    assert len([v for v in views if v.isVisible()]) == 2
    panel.set_chosen_models([models_dir / "opposite.onnx"])
    assert list(panel.prediction_lines()) == [str(models_dir / "opposite.onnx")]


def test_the_mirror_flips_the_picture(qtbot, panel: CameraPanel, tmp_path: Path) -> None:
    rgb = np.zeros((40, 40, 3), np.uint8)
    rgb[:, :20] = COLOURS["red"]
    path = tmp_path / "half.png"
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    panel.set_mirrored(True)
    panel.open_images([path])
    qtbot.waitUntil(lambda: panel.current_frame() is not None, timeout=10_000)
    assert panel.current_frame()[20, 35, 0] == 255 and panel.current_frame()[20, 5, 0] == 0
    panel.set_mirrored(False)  # a photo on screen flips back at once
    assert panel.current_frame()[20, 5, 0] == 255 and panel.current_frame()[20, 35, 0] == 0


def test_every_control_is_named_for_tests_and_screen_readers(panel: CameraPanel) -> None:
    controls = (panel.findChildren(QAbstractButton) + panel.findChildren(QComboBox)
                + panel.findChildren(QListWidget))
    assert len(controls) >= 15 and len(panel.view.sample_buttons) >= 5
    for widget in controls:
        assert widget.objectName(), f"{type(widget).__name__} {widget.text() if hasattr(widget, 'text') else ''}"
        assert widget.accessibleName(), widget.objectName()


@pytest.mark.skipif(not REAL_MODEL.is_file(), reason="the ImageNet model is built by python -m training imagenet")
def test_the_real_model_names_the_sample_photos(qtbot) -> None:
    panel = make_panel(qtbot, [shipped_models_dir()])
    try:
        assert [Path(p).name for p in panel.chosen_models()] == [REAL_MODEL.name]
        panel.open_images([SAMPLES / "coffee.jpg"])
        qtbot.waitUntil(lambda: "espresso" in top1(panel, REAL_MODEL.name), timeout=20_000)
        assert top1(panel, REAL_MODEL.name).startswith("n07920052 - espresso")
        qtbot.mouseClick(panel.findChild(QAbstractButton, "sample_chelsea"), Qt.MouseButton.LeftButton)
        lines = lambda: panel.prediction_lines()[str(REAL_MODEL)]  # noqa: E731
        qtbot.waitUntil(lambda: "espresso" not in lines()[0], timeout=20_000)
        assert any(line.split(" - ")[0] in DOMESTIC_CATS for line in lines()), lines()
    finally:
        panel.shutdown()


def test_the_lesson_commands_drive_the_panel_without_its_widgets(qtbot, panel: CameraPanel, models_dir: Path) -> None:
    from desktop.ui.panel_commands import CameraCommands
    from tests.ui.gui_thread import GuiThreadRelay

    assert isinstance(panel, CameraCommands)
    panel.set_why(True)
    assert panel.why.is_on() and panel.view.why_toggle.isChecked()
    panel.set_why(False)
    assert not panel.why.is_on()
    assert [m.path.name for m in panel.models()] == ["colours.onnx", "opposite.onnx"]
    with qtbot.waitSignal(GuiThreadRelay(panel.models_announced).fired, timeout=20_000):
        panel.classifier.rescan()
    panel.set_chosen_models([str(models_dir / "opposite.onnx")])
    assert panel.chosen_models() == [str(models_dir / "opposite.onnx")]
