"""Teachable Machine exports dropped on the Camera and Teach panels: real conversion, real onnxruntime, real widgets."""

from __future__ import annotations

import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.contract import report_path
from desktop.ui.camera.panel import CameraPanel
from desktop.ui.sources import VideoFileSource
from desktop.ui.teach.panel import TeachPanel
from desktop.ui.teachable_import import TeachableImport, ImportCancelled, export_stem, unused_model_path
from tests.ui.test_teach_panel import drop_on
from tests.teachable_fixtures import make_tfjs_export, zip_folder
from tests.tiny_onnx import photo_model

CLASSES = ["rock", "paper", "scissors"]
WAIT_MS = 60_000


def tm_export(folder: Path, seed: int = 0) -> Path:
    """A Teachable Machine TF.js export folder (model.json, weights.bin, metadata.json)."""
    written = Path(make_tfjs_export(folder, class_names=CLASSES, seed=seed))
    return written if written.is_dir() else written.parent


def photo(path: Path, seed: int = 0) -> Path:
    rgb = np.random.default_rng(seed).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(path.suffix, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    path.write_bytes(data.tobytes())
    return path


def onnx_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.onnx"))


def all_files(folder: Path) -> list[str]:
    """Everything in the folder, hidden files (an interrupted write's temporary) included."""
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "my models"
    folder.mkdir()
    photo_model(folder / "colours.onnx", ["red", "green", "blue"], weights=np.eye(3) * 0.05, title="Colours")
    return folder


@pytest.fixture
def camera(qtbot, models_dir: Path):
    panel = CameraPanel([models_dir], probe_cameras=False)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitUntil(panel.models_loaded, timeout=WAIT_MS)
    yield panel
    panel.shutdown()


@pytest.fixture
def teach(qtbot, tmp_path: Path, models_dir: Path):
    panel = TeachPanel(project_folder=tmp_path / "project", user_models_dir=models_dir)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    yield panel
    panel.shutdown()


def camera_top(panel: CameraPanel, path: Path) -> str:
    lines = panel.prediction_lines().get(str(path)) or [""]
    return lines[0]


def wait_for_import(qtbot, panel: CameraPanel) -> None:
    qtbot.waitUntil(lambda: not panel.is_importing(), timeout=WAIT_MS)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_an_export_dropped_on_the_camera_panel_is_listed_ticked_and_classifies(
        qtbot, camera: CameraPanel, models_dir: Path, tmp_path: Path, as_zip: bool) -> None:
    export = tm_export(tmp_path / "tm-export")
    dropped = zip_folder(export, tmp_path / "My Model.zip") if as_zip else export
    drop_on(camera, dropped)
    assert camera.is_importing()
    wait_for_import(qtbot, camera)
    new = models_dir / f"{export_stem(dropped)}.onnx"
    assert new.is_file(), camera.view.status_label.text()
    qtbot.waitUntil(lambda: camera.chosen_models() == [str(new)], timeout=WAIT_MS)
    info = next(m for m in camera.models() if m.path == new)
    assert info.class_names == CLASSES and info.task == "custom"
    assert camera.error_message() is None
    camera.open_images([photo(tmp_path / "photo.png")])
    qtbot.waitUntil(lambda: camera_top(camera, new) != "", timeout=WAIT_MS)
    assert camera_top(camera, new).rsplit(" ", 1)[0] in CLASSES


def test_a_second_import_of_the_same_name_gets_a_fresh_file(qtbot, camera: CameraPanel, models_dir: Path,
                                                             tmp_path: Path) -> None:
    export = tm_export(tmp_path / "tm-export")
    for _ in range(2):
        assert camera.import_teachable(export / "model.json")  # what the dialog gives: the export's model.json
        wait_for_import(qtbot, camera)
    stem = export_stem(export)
    assert onnx_files(models_dir) == sorted(["colours.onnx", f"{stem}.onnx", f"{stem}-2.onnx"])
    qtbot.waitUntil(lambda: camera.chosen_models() == [str(models_dir / f"{stem}-2.onnx")], timeout=WAIT_MS)


def test_a_damaged_export_says_what_is_wrong_and_writes_nothing(qtbot, camera: CameraPanel, models_dir: Path,
                                                               tmp_path: Path) -> None:
    export = tm_export(tmp_path / "tm-export")
    (export / "weights.bin").unlink()
    before, chosen = all_files(models_dir), camera.chosen_models()
    drop_on(camera, export)
    wait_for_import(qtbot, camera)
    assert camera.error_message() is not None and "weights.bin" in camera.error_message()
    assert all_files(models_dir) == before
    assert camera.chosen_models() == chosen


@pytest.mark.parametrize("name", ["keras_model.h5", "converted_keras.zip"])
def test_a_keras_export_is_explained_not_imported(qtbot, camera: CameraPanel, models_dir: Path, tmp_path: Path,
                                                  name: str) -> None:
    path = tmp_path / name
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("keras_model.h5", b"\x89HDF\r\n\x1a\n")
            archive.writestr("labels.txt", "0 rock\n1 paper\n")
    else:
        path.write_bytes(b"\x89HDF\r\n\x1a\n")
    drop_on(camera, path)
    message = camera.error_message()
    assert message is not None and "TensorFlow.js" in message and "python -m training import-teachable" in message
    assert not camera.is_importing() and onnx_files(models_dir) == ["colours.onnx"]


def test_a_folder_of_photos_dropped_on_the_camera_panel_still_steps(qtbot, camera: CameraPanel, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    for i in range(2):
        photo(folder / f"{i}.png", seed=i)
    drop_on(camera, folder)
    assert not camera.is_importing()
    assert camera.view.position_label.text() == "1 / 2 · 0.png"
    qtbot.waitUntil(lambda: camera.current_frame() is not None, timeout=WAIT_MS)


def test_a_cancelled_import_writes_nothing(qtbot, camera: CameraPanel, models_dir: Path, tmp_path: Path) -> None:
    export = tm_export(tmp_path / "tm-export")
    before = all_files(models_dir)
    assert camera.import_teachable(export)
    camera.cancel_import()
    wait_for_import(qtbot, camera)
    assert "cancelled" in camera.view.status_label.text().lower()
    assert all_files(models_dir) == before
    assert camera.view.import_button.isEnabled() and camera.view.import_progress.isHidden()


def test_a_cancel_that_comes_after_the_file_was_written_removes_it(tmp_path: Path) -> None:
    export = tm_export(tmp_path / "tm-export")
    models = tmp_path / "models"
    importer = TeachableImport(export, models)
    # Cancelled from the moment the converter's file exists: the job must take it away again.
    with pytest.raises(ImportCancelled):
        importer.job(lambda done, total: None, lambda: any(models.glob("*.onnx")))
    assert list(models.iterdir()) == []


def test_a_fresh_name_skips_models_and_reports(tmp_path: Path) -> None:
    (tmp_path / "teachable-x.onnx").write_bytes(b"")
    report_path(tmp_path / "teachable-x-2.onnx").write_text("{}")
    assert unused_model_path(tmp_path, "teachable-x") == tmp_path / "teachable-x-3.onnx"
    assert export_stem(tmp_path / "My Fruit!.zip") == "teachable-my-fruit"


def test_an_export_dropped_on_the_teach_panel_runs_in_its_preview(qtbot, teach: TeachPanel, models_dir: Path,
                                                                  tmp_path: Path) -> None:
    export = tm_export(tmp_path / "tm-export")
    samples_before = [len(c.samples) for c in teach.project.classes]
    with qtbot.waitSignal(teach.model_exported, timeout=WAIT_MS) as exported:
        drop_on(teach, export)
    new = exported.args[0]
    assert new.parent == models_dir and new.is_file()
    assert teach.imported is not None and teach.imported.class_names == CLASSES
    assert [len(c.samples) for c in teach.project.classes] == samples_before  # the project is left alone
    with qtbot.waitSignal(teach.preview_ready, timeout=WAIT_MS):
        assert teach.preview_image(photo(tmp_path / "photo.png"))
    assert teach.preview_top() in CLASSES
    assert teach.view.preview.caption.text().split(" (")[0] in CLASSES


def test_the_teach_preview_runs_the_imported_model_on_camera_frames(qtbot, tmp_path: Path, models_dir: Path) -> None:
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (160, 120))
    for i in range(30):
        writer.write(cv2.imread(str(photo(tmp_path / "frames" / f"{i}.png", seed=i))))
    writer.release()
    panel = TeachPanel(project_folder=tmp_path / "project", user_models_dir=models_dir,
                       source_factory=lambda: VideoFileSource(video, loop=True))
    qtbot.addWidget(panel)
    panel.show()
    try:
        with qtbot.waitSignal(panel.model_exported, timeout=WAIT_MS):
            assert panel.import_teachable(tm_export(tmp_path / "tm-export"))
        with qtbot.waitSignal(panel.preview_ready, timeout=WAIT_MS):
            panel.set_camera_running(True)
        assert panel.preview_top() in CLASSES
    finally:
        panel.shutdown()


def test_a_zip_dropped_on_the_teach_preview_picture_is_imported(qtbot, teach: TeachPanel, models_dir: Path,
                                                                 tmp_path: Path) -> None:
    archive = zip_folder(tm_export(tmp_path / "tm-export", seed=3), tmp_path / "tm.zip")
    with qtbot.waitSignal(teach.model_exported, timeout=WAIT_MS):
        drop_on(teach.view.preview.picture, archive)
    assert teach.imported is not None and list(teach.view.preview.bars.values()) == CLASSES
    teach.new_project(tmp_path / "another project")  # another project starts with nothing to preview
    assert teach.imported is None and teach.preview_top() is None


def test_the_teach_panel_explains_keras_and_damaged_exports(qtbot, teach: TeachPanel, models_dir: Path,
                                                            tmp_path: Path) -> None:
    before = all_files(models_dir)
    h5 = tmp_path / "keras_model.h5"
    h5.write_bytes(b"\x89HDF\r\n\x1a\n")
    drop_on(teach, h5)
    assert "python -m training import-teachable" in teach.status_text() and not teach.is_busy()
    export = tm_export(tmp_path / "tm-export")
    (export / "weights.bin").unlink()
    drop_on(teach, export)
    qtbot.waitUntil(lambda: not teach.is_busy(), timeout=WAIT_MS)
    assert "weights.bin" in teach.status_text()
    assert teach.imported is None and all_files(models_dir) == before


def test_a_cancelled_teach_import_writes_nothing(qtbot, teach: TeachPanel, models_dir: Path, tmp_path: Path) -> None:
    before = all_files(models_dir)
    assert teach.import_teachable(tm_export(tmp_path / "tm-export"))
    teach.cancel()
    qtbot.waitUntil(lambda: not teach.is_busy(), timeout=WAIT_MS)
    assert teach.status_text() == "Cancelled." and teach.imported is None
    assert all_files(models_dir) == before


def test_the_import_controls_fit_a_1280x720_window(qtbot, tmp_path: Path, models_dir: Path) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow(models_dir=models_dir, teach_project=tmp_path / "project")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    try:
        for index, button in ((1, lambda: window.camera_panel.view.import_button),
                              (2, lambda: window.teach_panel.view.import_button)):
            window.show_panel(index)
            widget = button()
            # A panel built on first show settles its layout over a few events.
            qtbot.waitUntil(lambda: widget.isVisible() and widget.width() >= widget.sizeHint().width(),
                            timeout=WAIT_MS)
            assert window.width() == 1280 and window.height() == 720, widget.objectName()
            assert widget.mapTo(window, widget.rect().bottomRight()).x() <= window.width(), widget.objectName()
    finally:
        window.close()
