"""Evaluate your own test set, through the view: worker thread, progress, cancel, report."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage

from desktop.core import evaluation
from desktop.core.onnx_model import OnnxModel
from desktop.core.registry import ModelInfo, shipped_models_dir
from desktop.ui.results import evaluate_view
from desktop.ui.results.evaluate_view import EvaluateView
from tests.core.test_evaluation import make_test_folder

MODELS = ("casia55-cnn.onnx", "casia55-logistic.onnx")


@pytest.fixture(scope="module")
def model_infos() -> list[ModelInfo]:
    return [ModelInfo.of(OnnxModel(shipped_models_dir() / name)) for name in MODELS]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return make_test_folder(tmp_path_factory.mktemp("evaluate-view"))


@pytest.fixture
def view(qtbot, model_infos) -> EvaluateView:
    view = EvaluateView()
    qtbot.addWidget(view)
    view.resize(1100, 900)
    view.set_models(model_infos)
    yield view
    view.shutdown()


def is_blank(image: QImage) -> bool:
    array = np.frombuffer(image.convertToFormat(QImage.Format.Format_Grayscale8).constBits(), np.uint8)
    return int(array.max()) - int(array.min()) < 30


def test_every_control_is_named(view):
    for widget in (view.model_combo, view.folder_edit, view.choose_button, view.run_button, view.cancel_button,
                   view.progress_bar, view.report_view):
        assert widget.objectName() and widget.accessibleName()
    assert view.model_combo.count() == 2
    assert not view.run_button.isEnabled()  # no folder chosen yet


def test_run_shows_the_result_with_ignored_folders_and_unreadable_files(qtbot, view, folder, tmp_path):
    view.show()
    qtbot.waitExposed(view)
    view.set_folder(folder)
    assert view.run_button.isEnabled()
    progress = []
    bar = view.progress_bar
    bar.valueChanged.connect(lambda done: progress.append((done, bar.maximum())))
    with qtbot.waitSignal(view.evaluation_finished, timeout=30_000) as finished:
        view.run()
        assert view.is_running() and view.cancel_button.isEnabled() and not view.run_button.isEnabled()
    result = finished.args[0]

    assert progress and progress[-1] == (11, 11)
    assert view.progress_bar.value() == view.progress_bar.maximum() == 11
    assert result["model"]["name"] == "casia55-cnn"
    text = view.status_label.text()
    assert "xyz (2 files)" in text and "Could not read 1 files" in text
    assert f"accuracy {result['metrics']['test']['accuracy']:.1%}" in text
    assert view.problems.isVisible() and view.problems.count() == 1
    assert "broken.png" in view.problems.item(0).text()

    report = view.report_view
    assert report.report is result
    sections = set(report.visible_sections())
    assert {"metrics", "confusion", "failed", "confidence", "per_class"} <= sections
    assert not {"curves", "features"} & sections  # an evaluation has no training history
    assert len(report.failure_captions()) == result["failed_total"] >= 1
    assert not view.is_running() and view.run_button.isEnabled() and not view.cancel_button.isEnabled()
    assert not is_blank(view.grab().toImage())
    exported = report.export_plots(tmp_path)
    assert exported and not any(is_blank(QImage(str(p))) for p in exported)


def test_cancel_stops_the_worker(qtbot, view, folder, monkeypatch):
    def slow_evaluation(model, folder, progress, cancelled):
        def slow_progress(done, total):
            progress(done, total)
            time.sleep(0.05)

        return evaluation.evaluate_folder(model, folder, slow_progress, cancelled, batch_size=1)

    monkeypatch.setattr(evaluate_view, "evaluate_folder", slow_evaluation)
    view.set_folder(folder)
    finished = []
    view.evaluation_finished.connect(finished.append)
    view.run()
    qtbot.waitUntil(lambda: view.progress_bar.value() >= 1, timeout=10_000)
    view.cancel_button.click()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    assert view.status_label.text() == "Evaluation cancelled."
    assert finished == [] and view.progress_bar.value() == 0
    assert view.run_button.isEnabled()


def test_a_folder_of_foreign_classes_is_explained(qtbot, view, tmp_path):
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "a.png").write_bytes(b"x")
    view.set_folder(tmp_path)
    with qtbot.waitSignal(view.evaluation_failed, timeout=10_000) as failed:
        view.run()
    assert "cats (1 files)" in failed.args[0]
    assert "cats (1 files)" in view.status_label.text()


def test_a_folder_dropped_on_the_view_is_chosen(view, folder):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder / "山" / "0.png")), QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)
    assert view.folder_edit.text() == str(folder)  # the image file is skipped: a folder is wanted
