"""The Results panel on a report made by the real training code on tiny data, and on the shipped ones."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QComboBox,
    QLineEdit,
    QListWidget,
    QScrollBar,
    QWidget,
)

from desktop.core.contract import report_path
from desktop.core.onnx_model import OnnxModel
from desktop.core.registry import ModelInfo
from desktop.ui.panel_commands import ResultsCommands
from desktop.ui.results.panel import ResultsPanel
from desktop.ui.results.report_loader import read_everything
from desktop.ui.results.report_view import ReportView
from desktop.ui.results.section_pin import SECTION_PIN
from tests.shapes import draw_shape

CLASSES = ["一", "丨", "口"]
SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "models"
ALL_SECTIONS = ["curves", "metrics", "summary", "diagram", "confusion", "failed", "confidence", "calibration",
                "per_class", "least_legible", "features"]


def draw(label: int, rng: np.random.Generator) -> np.ndarray:
    return draw_shape(label, rng, jitter=(8, 22, 12, 32, 2, 8))


def write_split(folder: Path, count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for label, name in enumerate(CLASSES):
        (folder / name).mkdir(parents=True)
        for i in range(count):
            cv2.imencode(".png", draw(label, rng))[1].tofile(str(folder / name / f"{i}.png"))


def png_b64(image: np.ndarray) -> str:
    return base64.b64encode(cv2.imencode(".png", image)[1].tobytes()).decode("ascii")


def add_images_if_missing(report: dict, run: Path, test) -> dict:
    """Older training code wrote no images: add them from the real model inputs, as newer code does."""
    for failure in report["failed_predictions"]:
        failure.setdefault("image_png", png_b64(test.images[failure["index"]][..., 0]))
    if "confusion_examples" not in report:
        cells: dict[str, list] = {}
        by_source = {s: i for i, s in enumerate(test.sources)}
        for failure in report["failed_predictions"]:
            key = f"{CLASSES.index(failure['true'])},{CLASSES.index(failure['predicted'])}"
            cells.setdefault(key, []).append({"source": failure["source"], "confidence": failure["confidence"],
                                              "image_png": png_b64(test.images[by_source[failure["source"]]][..., 0])})
        report["confusion_examples"] = cells
    if "feature_visualisations" not in report:
        folder = run / "features"
        folder.mkdir(exist_ok=True)
        paths = []
        for i in range(4):
            cv2.imencode(".png", test.images[i][..., 0])[1].tofile(str(folder / f"conv1_{i:02d}.png"))
            paths.append(f"features/conv1_{i:02d}.png")
        report["feature_visualisations"] = {"layers": {"conv1": paths}, "classes": {CLASSES[0]: paths[0]},
                                            "folder": "features"}
    return report


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A CNN trained 2 epochs on drawn shapes, evaluated, exported and calibrated by the training package.

    Returns the ONNX file; its report (and feature pictures) lie beside it as after ``export``.
    """
    keras = pytest.importorskip("keras")
    from training import casia, models
    from training.calibrate import LabelledImages, calibrate_file
    from training.evaluate import evaluate_run
    from training.export import export_onnx

    root = tmp_path_factory.mktemp("results")
    data = root / "data"
    write_split(data / "Train", 10, seed=1)
    write_split(data / "Test", 5, seed=2)
    train = casia.load_split(data, "Train", CLASSES)
    keras.utils.set_random_seed(3)
    model = models.build("cnn", len(CLASSES))
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=3, name="top5")])
    fit = model.fit(train.float_images(), train.labels, validation_split=0.2, epochs=2, batch_size=8, verbose=0)
    run = root / "run"
    run.mkdir()
    model.save(run / "model.keras")
    (run / "history.json").write_text(json.dumps({"history": fit.history, "best_epoch": 2, "stopped_epoch": 2,
                                                  "monitor": "val_accuracy", "patience": 15}), encoding="utf-8")
    (run / "run.json").write_text(json.dumps({"model": "cnn", "data": str(data), "class_names": CLASSES,
                                              "output": "logits", "trained_on": "drawn shapes",
                                              "created_by": "cnn-classroom test"}, ensure_ascii=False),
                                  encoding="utf-8")
    report = evaluate_run(run, data)
    try:
        from training.visualize import visualise_run

        visualise_run(run, steps=2)
        report = json.loads((run / "report.json").read_text(encoding="utf-8"))
    except ImportError:
        pass
    report = add_images_if_missing(report, run, casia.load_split(data, "Test", CLASSES))

    onnx_file = export_onnx(model, root / "shapes.onnx", class_names=CLASSES, title="Shapes CNN",
                            trained_on="drawn shapes", metrics={}, output_kind="logits")
    folder = report["feature_visualisations"]["folder"]
    shutil.copytree(run / folder, root / folder)
    report_path(onnx_file).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    # Calibrated as the shipped models are (on its own shapes here: the strokes have no 一丨口 writers).
    test = casia.load_split(data, "Test", CLASSES)
    calibrate_file(onnx_file, LabelledImages(train.float_images(), train.labels),
                   LabelledImages(test.float_images(), test.labels), progress=None)
    return onnx_file


@pytest.fixture
def tiny_view(qtbot, tiny_model) -> ReportView:
    loaded = read_everything(tiny_model)
    view = ReportView()
    qtbot.addWidget(view)
    view.resize(1100, 900)
    view.show()
    qtbot.waitExposed(view)
    view.set_report(loaded.report, loaded.base_dir, model_filters=loaded.model_filters,
                    feature_images=loaded.feature_images)
    return view


class FakeHost(QObject):
    """What the panel needs of a ModelHost: the scan result."""

    models_ready = Signal(object, object)


def info(path: Path) -> ModelInfo:
    return ModelInfo.of(OnnxModel(path))


def test_every_section_of_a_trained_report_shows(tiny_view, tiny_model):
    view, report = tiny_view, tiny_view.report
    assert view.visible_sections() == ALL_SECTIONS
    assert view.metrics_table.rowCount() == 3
    assert view.layer_table.rowCount() == len(report["layers"])
    assert f"{report['total_params']:,}" in view.summary_label.text()
    assert len(view.curves.best_lines) == 3 and view.curves.best_lines[0].value() == 2
    assert view.per_class.classes and len(view.least_legible.classes) == min(10, len(view.per_class.classes))
    # Failed predictions carry the course's caption and the exact model input.
    assert view.failed_gallery.count() == len(report["failed_predictions"]) > 0
    assert view.failure_captions()[0] == report["failed_predictions"][0]["label"]
    assert " not " in view.failure_captions()[0] and "%" in view.failure_captions()[0]
    assert not view.failed_gallery.item(0).icon().isNull()
    # Feature pictures beside the first-layer filters read from the ONNX file.
    assert set(view.features.galleries) >= {"vis_conv1", "filters", "vis_classes"}
    assert view.features.galleries["filters"].count() == 16


def test_clicking_a_confusion_cell_shows_its_examples(qtbot, tiny_view):
    view = tiny_view
    cells = view.report["confusion_examples"]
    key = next((k for k in cells if k.split(",")[0] != k.split(",")[1]), next(iter(cells)))
    true_index, predicted_index = map(int, key.split(","))
    view.ensureWidgetVisible(view.confusion.plot)
    qtbot.wait(50)
    position = view.confusion.cell_centre_in_widget(true_index, predicted_index)
    with qtbot.waitSignal(view.confusion.cell_clicked) as clicked:
        qtbot.mouseClick(view.confusion.plot.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert clicked.args == [true_index, predicted_index]
    count = view.confusion.matrix[true_index, predicted_index]
    assert view.cell_label.text().startswith(f"{CLASSES[true_index]} → {CLASSES[predicted_index]}, {count}")
    assert view.cell_gallery.count() == len(cells[key]) > 0
    assert not view.cell_gallery.item(0).icon().isNull()


def test_failed_gallery_sorts_by_confidence(tiny_view):
    view = tiny_view
    gallery = view.failed_gallery

    def confidences() -> list[float]:
        return [gallery.item(i).data(gallery.SORT_ROLE) for i in range(gallery.count())]

    view.sort_failures(most_confident_first=False)
    ascending = confidences()
    assert ascending == sorted(ascending)
    view.sort_failures(most_confident_first=True)
    assert confidences() == sorted(ascending, reverse=True)


def test_exported_pngs_are_not_blank(tiny_view, tmp_path):
    files = tiny_view.export_plots(tmp_path / "charts")
    assert {f.stem for f in files} == {card.name for card in tiny_view.cards()}
    for file in files:
        assert file.stat().st_size > 0
        image = cv2.imdecode(np.fromfile(str(file), np.uint8), cv2.IMREAD_GRAYSCALE)
        assert image is not None and image.shape[0] > 50 and image.shape[1] > 50, file
        assert float(image.var()) > 0, f"{file.name} is blank"


@pytest.mark.parametrize("name", ["casia55-cnn", "casia55-logistic"])
def test_shipped_reports_show_their_sections(qtbot, name, tmp_path):
    loaded = read_everything(SHIPPED / f"{name}.onnx")
    view = ReportView()
    qtbot.addWidget(view)
    view.set_report(loaded.report, loaded.base_dir, model_filters=loaded.model_filters,
                    feature_images=loaded.feature_images)
    expected = [s for s in ALL_SECTIONS if s != "features" or loaded.report.get("feature_visualisations")]
    assert view.visible_sections() == expected  # calibration included: the shipped models are calibrated
    assert view.confusion.matrix.shape == (55, 55)
    calibration = loaded.report["calibration"]
    before, after = (calibration["sets"]["held_out_writers"][when] for when in ("before", "after"))
    if calibration.get("rule") == "softened":  # traded a little calibration error for humbler mistakes
        assert after["mean_confidence_wrong"] < before["mean_confidence_wrong"] and after["ece"] <= 0.05
    else:
        assert after["ece"] < before["ece"]
    assert "→" in view.calibration.summary_label.text()
    ticks = view.confusion.plot.getPlotItem().getAxis("left")._tickLevels[0]
    assert [label for _, label in ticks] == loaded.report["class_names"]
    assert (loaded.model_filters is not None) == (name == "casia55-cnn")
    files = view.export_plots(tmp_path)
    assert files and all(QImage(str(f)).width() > 50 for f in files)


def test_two_models_side_by_side(qtbot):
    host = FakeHost()
    panel = ResultsPanel(host)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    cnn, logistic = info(SHIPPED / "casia55-cnn.onnx"), info(SHIPPED / "casia55-logistic.onnx")
    with qtbot.waitSignals([panel.left.report_shown, panel.right.report_shown], timeout=20_000):
        host.models_ready.emit([logistic, cnn], [])
    assert panel.left.chosen_path() == cnn.path and panel.right.chosen_path() == logistic.path
    left, right = panel.report_views()
    assert left.report["model"]["name"] != right.report["model"]["name"]
    assert "confusion" in left.visible_sections() and "confusion" in right.visible_sections()
    # Choosing another model on one side reloads that side only.
    with qtbot.waitSignal(panel.report_shown_signal("right"), timeout=20_000):
        panel.choose_model("right", str(cnn.path))
        assert panel.report_loading("right") and not panel.report_loading("left")
    assert right.report["model"] == left.report["model"]
    assert panel.shown_sides() == ["left", "right"]
    panel.set_compare(False)
    assert len(panel.report_views()) == 1 and panel.shown_sides() == ["left"]
    panel.shutdown()


def test_commands_sort_failures_and_hold_a_section_at_the_top(qtbot):
    host = FakeHost()
    panel = ResultsPanel(host)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    assert isinstance(panel, ResultsCommands)
    cnn, logistic = info(SHIPPED / "casia55-cnn.onnx"), info(SHIPPED / "casia55-logistic.onnx")
    with qtbot.waitSignals([panel.left.report_shown, panel.right.report_shown], timeout=20_000):
        host.models_ready.emit([cnn, logistic], [])
    assert panel.models == [cnn, logistic]
    view = panel.left.view
    panel.sort_failures("left", most_confident_first=False)
    assert view.sort_combo.currentIndex() == 1 and panel.right.view.sort_combo.currentIndex() == 0
    panel.scroll_to_section("left", "confusion")
    section_top = lambda: view.sections["confusion"].mapTo(view.widget(), QPoint(0, 0)).y()  # noqa: E731
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() == section_top() > 0, timeout=5_000)
    assert len(view.findChildren(QObject, SECTION_PIN)) == 1
    panel.scroll_to_section("left", "failed")  # a second pin replaces the first
    qtbot.waitUntil(lambda: len(view.findChildren(QObject, SECTION_PIN)) == 1, timeout=5_000)
    with qtbot.waitSignal(panel.report_shown_signal("left"), timeout=20_000):
        panel.choose_model("left", str(logistic.path))  # a new report releases the pin
    qtbot.waitUntil(lambda: view.findChildren(QObject, SECTION_PIN) == [], timeout=5_000)
    with pytest.raises(ValueError):
        panel.report_loading("middle")
    panel.shutdown()


def test_a_corrupt_or_missing_report_shows_a_message(qtbot, tiny_model, tmp_path):
    broken = tmp_path / "broken.onnx"
    shutil.copy(tiny_model, broken)
    report_path(broken).write_text('{"class_names": ["一", ', encoding="utf-8")
    bare = tmp_path / "bare.onnx"
    shutil.copy(tiny_model, bare)
    host = FakeHost()
    panel = ResultsPanel(host)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignals([panel.left.report_shown, panel.right.report_shown], timeout=20_000):
        host.models_ready.emit([info(broken), info(bare)], [])
    by_side = {pane.chosen_path().name: pane.view for pane in (panel.left, panel.right)}
    assert "broken.report.json" in by_side["broken.onnx"].status_text()
    assert "not valid JSON" in by_side["broken.onnx"].status_text()
    assert "bare.onnx has no report" in by_side["bare.onnx"].status_text()
    assert by_side["broken.onnx"].visible_sections() == []
    panel.shutdown()


INTERACTIVE = (QAbstractButton, QAbstractSlider, QComboBox, QLineEdit, QListWidget)


def test_every_interactive_widget_of_the_results_panel_is_named(qtbot, tiny_model):
    host = FakeHost()
    panel = ResultsPanel(host)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignals([panel.left.report_shown, panel.right.report_shown], timeout=20_000):
        host.models_ready.emit([info(SHIPPED / "casia55-cnn.onnx"), info(tiny_model)], [])
    missing, checked = [], 0
    for widget in panel.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar):
            continue
        if widget.objectName().startswith("qt_"):  # parts of Qt's own composite widgets
            continue
        checked += 1
        if not widget.objectName() or not widget.accessibleName():
            missing.append(f"{widget.metaObject().className()} {widget.objectName()!r} {widget.accessibleName()!r}")
    assert checked >= 20
    assert missing == []
    panel.shutdown()


def test_reports_are_read_only_when_the_panel_is_shown(qtbot, tiny_model):
    host = FakeHost()
    panel = ResultsPanel(host)
    qtbot.addWidget(panel)
    host.models_ready.emit([info(tiny_model)], [])
    assert not panel.left.is_loading() and panel.left.view.visible_sections() == []
    with qtbot.waitSignal(panel.left.report_shown, timeout=20_000):
        panel.show()
    assert "curves" in panel.left.view.visible_sections()
    panel.shutdown()


def test_tabs_and_charts_are_built_when_first_needed(qtbot, tmp_path):
    import pyqtgraph as pg

    from desktop.ui import i18n

    host = FakeHost()
    panel = ResultsPanel(host)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    # Nothing costly on the first show: no chart before a report or a tab needs one.
    assert panel.findChildren(pg.PlotWidget) == []
    tabs = panel.view.tabs
    assert [tabs.widget(i).objectName() for i in range(tabs.count())] == \
        ["modelsTab", "evaluateView", "datasetView", "architecturesTab", "experimentsTab"]
    cnn, logistic = info(SHIPPED / "casia55-cnn.onnx"), info(SHIPPED / "casia55-logistic.onnx")
    with qtbot.waitSignals([panel.left.report_shown, panel.right.report_shown], timeout=20_000):
        host.models_ready.emit([cnn, logistic], [])
    assert panel.findChildren(pg.PlotWidget)  # the reports brought their charts

    evaluate = panel.evaluate_view  # asked for: built in its tab's place, with the models it missed
    assert tabs.widget(1) is evaluate and tabs.tabText(1) == "Evaluate a test set"
    assert evaluate.model_combo.count() == 2 and tabs.currentIndex() == 0
    changes: list[int] = []
    tabs.currentChanged.connect(changes.append)
    tabs.setCurrentIndex(2)  # chosen: built and shown at once, one change signalled
    assert tabs.currentWidget() is panel.dataset_view and panel.dataset_view.isVisible()
    assert changes == [2] and tabs.count() == 5

    # Charts of the views that exist; a tab never opened has none to export.
    files = panel.export_plots(tmp_path / "charts")
    assert files and {f.relative_to(tmp_path / "charts").parts[0] for f in files} == \
        {"left_casia55-cnn", "right_casia55-logistic"}
    try:
        i18n.set_language("zh_CN")  # tab titles follow the language, before and after their view is built
        assert tabs.tabText(2) == i18n.tr("Dataset explorer") != "Dataset explorer"
        assert panel.show_tab("architectures")
        assert tabs.tabText(3) == i18n.tr("Architectures") != "Architectures"
        assert panel.architectures_view.datasets_box.title() == i18n.tr("Data sets") != "Data sets"
    finally:
        i18n.set_language("en")
    assert tabs.tabText(3) == "Architectures"
    panel.shutdown()
