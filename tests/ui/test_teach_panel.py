"""The Teach panel with real widgets, the real ImageNet feature extractor and real files."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
)

from desktop.core.registry import shipped_models_dir
from desktop.ui.camera.panel import CameraPanel
from desktop.ui.sources import VideoFileSource
from desktop.ui.teach.jobs import AUGMENTED_COPIES
from desktop.ui.teach.panel import TeachPanel

EXTRACTOR = shipped_models_dir() / "efficientnet-lite0-features.onnx"
COLOURS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (30, 40, 220)}
PER_CLASS = 8

pytestmark = pytest.mark.skipif(not EXTRACTOR.is_file(), reason="needs the shipped feature extractor")


def noisy_colour(colour: tuple[int, int, int], seed: int, size: tuple[int, int] = (96, 128)) -> np.ndarray:
    """A solid-ish colour picture: the colour plus per-pixel noise and a random darker blob."""
    rng = np.random.default_rng(seed)
    rgb = np.clip(np.array(colour, np.float32) + rng.normal(0, 25, (*size, 3)), 0, 255)
    y, x = rng.integers(0, size[0] - 30), rng.integers(0, size[1] - 30)
    rgb[y:y + 30, x:x + 30] *= 0.7
    return rgb.astype(np.uint8)


def write_png(path: Path, rgb: np.ndarray) -> Path:
    ok, data = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.tobytes())
    return path


@pytest.fixture
def colour_files(tmp_path: Path) -> dict[str, list[Path]]:
    return {name: [write_png(tmp_path / "photos" / name / f"{i}.png", noisy_colour(rgb, seed=100 * k + i))
                   for i in range(PER_CLASS)]
            for k, (name, rgb) in enumerate(COLOURS.items())}


def make_panel(qtbot, tmp_path: Path, **kwargs) -> TeachPanel:
    kwargs.setdefault("project_folder", tmp_path / "project")
    kwargs.setdefault("user_models_dir", tmp_path / "my models")
    panel = TeachPanel(**kwargs)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    return panel


@pytest.fixture
def panel(qtbot, tmp_path: Path):
    panel = make_panel(qtbot, tmp_path)
    yield panel
    panel.shutdown()


def wait_idle(qtbot, panel: TeachPanel, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=timeout)


def fill(qtbot, panel: TeachPanel, files: dict[str, list[Path]]) -> None:
    for name, paths in files.items():
        assert panel.add_class(name)
        assert panel.add_files(paths)  # what the Images… dialog calls
        wait_idle(qtbot, panel)


def drop_on(widget, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    point = QPointF(20, 20)
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)


def test_teach_train_preview_save_reopen_export_and_use_in_the_camera_panel(
        qtbot, panel: TeachPanel, colour_files, tmp_path: Path) -> None:
    fill(qtbot, panel, colour_files)
    assert panel.project.class_names == list(COLOURS)
    assert [len(c.samples) for c in panel.project.classes] == [PER_CLASS] * 3
    assert panel.view.classes.list.item(0).text() == f"red ({PER_CLASS})"

    panel.view.epochs_spin.setValue(25)
    panel.view.batch_spin.setValue(8)
    with qtbot.waitSignal(panel.trained, timeout=60_000):
        assert panel.train()
    assert len(panel.view.under_the_hood.history["loss"]) == 25  # one point per epoch on the curves
    assert panel.model.head.confusion_matrix.shape == (3, 3)
    assert panel.view.under_the_hood.confusion.class_names == list(COLOURS)
    assert "held-out accuracy" in panel.status_text()

    # Preview: a new green picture dropped on the preview is called green.
    dropped = write_png(tmp_path / "new-green.png", noisy_colour(COLOURS["green"], seed=999))
    with qtbot.waitSignal(panel.preview_ready, timeout=20_000) as blocker:
        drop_on(panel.view.preview.picture, dropped)
    assert int(np.argmax(blocker.args[0])) == 1
    assert panel.preview_top() == "green"

    # Save as one archive, reopen it: same classes, samples and settings.
    archive = tmp_path / "colours.zip"
    assert panel.save_archive(archive) and archive.is_file()
    other = make_panel(qtbot, tmp_path, project_folder=tmp_path / "other")
    assert other.open_project(archive), other.status_text()
    assert other.project.class_names == list(COLOURS)
    assert [len(c.samples) for c in other.project.classes] == [PER_CLASS] * 3
    assert other.view.epochs_spin.value() == 25 and other.view.batch_spin.value() == 8
    assert other.project.folder != panel.project.folder
    other.shutdown()
    # The folder itself reopens too.
    assert panel.open_project(panel.project.folder / "project.json")
    assert panel.model.head is None and [len(c.samples) for c in panel.project.classes] == [PER_CLASS] * 3
    assert not panel.export_onnx()  # nothing trained in this session yet
    assert "Train" in panel.status_text()
    with qtbot.waitSignal(panel.trained, timeout=60_000):
        panel.train()

    # Export: into the user's models folder, where the Camera panel finds it.
    with qtbot.waitSignal(panel.model_exported, timeout=60_000) as exported:
        assert panel.export_onnx()
    path = exported.args[0]
    assert path.parent == tmp_path / "my models" and path.suffix == ".onnx"
    camera = CameraPanel(model_folders=[tmp_path / "my models"], probe_cameras=False)
    qtbot.addWidget(camera)
    camera.show()
    try:
        qtbot.waitUntil(camera.models_loaded, timeout=30_000)
        assert [m.path for m in camera.models()] == [path]
        assert camera.models()[0].class_names == list(COLOURS)
        camera.open_images([write_png(tmp_path / "new-blue.png", noisy_colour(COLOURS["blue"], seed=7))])
        qtbot.waitUntil(lambda: any(camera.prediction_lines().values()), timeout=30_000)
        top = next(iter(camera.prediction_lines().values()))[0]
        assert "blue" in top, top
    finally:
        camera.shutdown()


def test_a_class_with_one_sample_is_refused_with_a_clear_message(qtbot, panel: TeachPanel, colour_files) -> None:
    panel.add_class("red")
    panel.add_files(colour_files["red"][:3])
    wait_idle(qtbot, panel)
    panel.add_class("blue")
    panel.add_files(colour_files["blue"][:1])
    wait_idle(qtbot, panel)
    assert not panel.train()
    assert "'blue' needs at least 2 samples" in panel.status_text()
    assert not panel.is_busy() and panel.model.head is None
    assert [len(c.samples) for c in panel.project.classes] == [3, 1]  # nothing lost


def test_training_can_be_cancelled_and_the_project_is_locked_meanwhile(qtbot, panel: TeachPanel,
                                                                         colour_files) -> None:
    fill(qtbot, panel, {name: paths[:3] for name, paths in colour_files.items()})
    assert panel.train()
    assert panel.is_busy() and not panel.view.train_button.isEnabled() and panel.view.cancel_button.isEnabled()
    assert not panel.add_class("yellow") and not panel.view.classes.isEnabled()  # no edits while a job reads the files
    qtbot.mouseClick(panel.view.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel)
    assert panel.status_text() == "Cancelled." and panel.model.head is None
    assert panel.view.train_button.isEnabled() and panel.view.classes.isEnabled()
    assert panel.project.class_names == list(COLOURS)


def test_augmentation_adds_augmented_copies_and_is_saved_with_the_project(qtbot, panel: TeachPanel,
                                                                          colour_files, monkeypatch) -> None:
    from desktop.core.teach.embeddings import EmbeddingCache

    made = []
    original = EmbeddingCache.embed_augmented

    def counting(self, paths, copies, *args, **kwargs):
        out = original(self, paths, copies, *args, **kwargs)
        made.append(len(out))
        return out

    monkeypatch.setattr(EmbeddingCache, "embed_augmented", counting)
    fill(qtbot, panel, {name: paths[:3] for name, paths in list(colour_files.items())[:2]})
    panel.view.augment_box.setChecked(True)
    panel.view.epochs_spin.setValue(5)
    with qtbot.waitSignal(panel.trained, timeout=60_000):
        assert panel.train()
    assert made == [6 * AUGMENTED_COPIES]  # copies of every sample were embedded ...
    assert len(panel.model.head.train) + len(panel.model.head.holdout) == 6  # ... but the split is over the originals
    saved = json.loads((panel.project.folder / "project.json").read_text(encoding="utf-8"))
    assert saved["settings"]["augment"] is True and saved["settings"]["epochs"] == 5


def test_duplicate_class_names_are_refused(panel: TeachPanel) -> None:
    assert panel.add_class("cat")
    assert panel.add_class("dog")
    assert not panel.add_class("Cat ")
    assert "already a class named 'cat'" in panel.status_text()
    panel.select_class("dog")
    assert not panel.rename_class("CAT")
    assert panel.project.class_names == ["cat", "dog"]
    saved = json.loads((panel.project.folder / "project.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in saved["classes"]] == ["cat", "dog"]


def test_classes_are_renamed_reordered_and_deleted_and_saved_at_once(qtbot, panel: TeachPanel) -> None:
    for name in ("a", "b", "c"):
        panel.add_class(name)
    panel.select_class("c")
    qtbot.mouseClick(panel.view.classes.up_button, Qt.MouseButton.LeftButton)
    assert panel.project.class_names == ["a", "c", "b"]
    panel.view.classes.name_edit.setText("sea")
    qtbot.mouseClick(panel.view.classes.rename_button, Qt.MouseButton.LeftButton)
    assert panel.project.class_names == ["a", "sea", "b"]
    panel.select_class("a")
    qtbot.mouseClick(panel.view.classes.delete_button, Qt.MouseButton.LeftButton)
    saved = json.loads((panel.project.folder / "project.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in saved["classes"]] == ["sea", "b"]


def test_unreadable_files_are_reported_and_the_others_kept(qtbot, panel: TeachPanel, colour_files,
                                                           tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    panel.add_class("red")
    panel.add_files([broken, *colour_files["red"][:2]])
    wait_idle(qtbot, panel)
    assert len(panel.project.classes[0].samples) == 2
    assert "broken.png" in panel.status_text() and "Skipped 1" in panel.status_text()
    assert panel.view.grid.sample_model.rowCount() == 2


def test_a_folder_dropped_on_the_panel_adds_its_images(qtbot, panel: TeachPanel, colour_files) -> None:
    panel.add_class("green")
    drop_on(panel, colour_files["green"][0].parent)
    wait_idle(qtbot, panel)
    assert len(panel.project.classes[0].samples) == PER_CLASS


def test_hold_to_record_saves_frames_from_the_video(qtbot, tmp_path: Path) -> None:
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (160, 120))
    for i in range(30):
        writer.write(cv2.cvtColor(noisy_colour(COLOURS["red"], seed=i, size=(120, 160)), cv2.COLOR_RGB2BGR))
    writer.release()
    panel = make_panel(qtbot, tmp_path, source_factory=lambda: VideoFileSource(video, loop=True))
    try:
        panel.add_class("red")
        panel.view.rate_choice.setCurrentIndex(panel.view.rate_choice.findData(10))
        qtbot.mousePress(panel.view.record_button, Qt.MouseButton.LeftButton)
        assert panel.view.camera_button.isChecked()
        qtbot.waitUntil(lambda: len(panel.project.classes[0].samples) >= 4, timeout=10_000)
        qtbot.mouseRelease(panel.view.record_button, Qt.MouseButton.LeftButton)
        recorded = len(panel.project.classes[0].samples)
        qtbot.wait(400)
        assert len(panel.project.classes[0].samples) == recorded  # released: no more frames saved
        assert "Recorded" in panel.status_text()
        saved = json.loads((panel.project.folder / "project.json").read_text(encoding="utf-8"))
        assert len(saved["classes"][0]["samples"]) == recorded
        first = cv2.imread(str(panel.project.classes[0].samples[0]))
        assert first.shape == (120, 160, 3) and first[..., 2].mean() > 150  # red (BGR on disk)
        panel.set_camera_running(False)
        assert panel.view.camera_button.text() == "Start camera"
    finally:
        panel.shutdown()


def test_the_write_canvas_drawing_becomes_a_sample(qtbot, tmp_path: Path) -> None:
    drawing = np.full((80, 60, 1), 255, np.float32)
    drawing[20:60, 28:32] = 0
    current = {"value": None}
    panel = make_panel(qtbot, tmp_path, current_drawing=lambda: current["value"])
    panel.add_class("一")
    assert not panel.add_drawing()
    assert "Draw something" in panel.status_text()
    current["value"] = drawing
    assert panel.add_drawing()
    sample = cv2.imread(str(panel.project.classes[0].samples[0]), cv2.IMREAD_GRAYSCALE)
    assert sample.shape == (80, 60) and sample[40, 30] == 0 and sample[5, 5] == 255


def test_deleting_a_sample_updates_the_grid_and_the_project(qtbot, panel: TeachPanel, colour_files) -> None:
    panel.add_class("red")
    panel.add_files(colour_files["red"][:3])
    wait_idle(qtbot, panel)
    panel.view.grid.setCurrentIndex(panel.view.grid.sample_model.index(1))
    qtbot.keyClick(panel.view.grid, Qt.Key.Key_Delete)
    assert panel.view.grid.sample_model.rowCount() == 2
    saved = json.loads((panel.project.folder / "project.json").read_text(encoding="utf-8"))
    assert len(saved["classes"][0]["samples"]) == 2


def test_thumbnails_load_only_for_visible_samples(qtbot, panel: TeachPanel, tmp_path: Path) -> None:
    paths = [write_png(tmp_path / "many" / f"{i}.png", noisy_colour(COLOURS["red"], seed=i, size=(48, 64)))
             for i in range(600)]
    model = panel.view.grid.sample_model
    model.set_paths(paths)
    first = model.index(0)
    assert model.data(first, Qt.ItemDataRole.DecorationRole).size().width() == 72  # grey tile at first
    qtbot.waitUntil(lambda: model.thumbnails_loaded > 0 and model.waiting() == 0, timeout=10_000)
    assert model.thumbnails_loaded < 200  # only what the view painted, not all 600
    assert model.data(first, Qt.ItemDataRole.DecorationRole).size().toTuple() == (64, 48)


def test_a_damaged_project_says_what_is_wrong_and_is_left_alone(qtbot, panel: TeachPanel, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "project.json").write_text("{ not json", encoding="utf-8")
    before = panel.project.folder
    assert not panel.open_project(damaged)
    assert "damaged" in panel.status_text() and "project.json" in panel.status_text()
    assert panel.project.folder == before
    assert (damaged / "project.json").read_text(encoding="utf-8") == "{ not json"


def inside_owner(widget) -> bool:
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, (QAbstractSpinBox, QComboBox)):
            return True
        parent = parent.parent()
    return False


def test_every_control_is_named_for_tests_and_screen_readers(panel: TeachPanel) -> None:
    controls = [w for kind in (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QAbstractItemView)
                for w in panel.findChildren(kind)]
    assert len(controls) >= 25
    for widget in controls:
        if inside_owner(widget):
            continue  # a spin box's editor or a combo box's popup list is named through its owner
        assert widget.objectName(), f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()}"
        assert widget.accessibleName(), widget.objectName()
