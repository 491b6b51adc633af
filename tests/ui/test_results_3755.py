"""The Results panel and the dataset explorer at 3,755 classes (GB2312 level 1).

The work is bounded, not timed (timings are in ``benchmarks/bench_results_3755.py``): the report
of a 3,755-class model is shown as its most confused pairs and a per-class table (views over
models: only the rows on screen are drawn), never as a 3,755-wide matrix or 3,755 bars.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QTableView, QTableWidget

from desktop.core.onnx_model import OnnxModel
from desktop.core.registry import ModelInfo
from desktop.core.report import ReportError, load_report
from desktop.ui.results import dataset_view
from desktop.ui.results.confused_pairs import SHOWN_PAIRS
from desktop.ui.results.dataset_view import DatasetView
from desktop.ui.results.panel import ResultsPanel
from desktop.ui.results.report_view import ReportView
from tests.large_report import PLANTED_AS, PLANTED_TRUE, write_large_report
from tests.tiny_onnx import linear_character_model


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return write_large_report(tmp_path_factory.mktemp("large_report"))


@pytest.fixture
def view(qtbot, large) -> ReportView:
    report_view = ReportView()
    qtbot.addWidget(report_view)
    report_view.resize(1280, 900)
    report_view.show()
    qtbot.waitExposed(report_view)
    report_view.set_report(load_report(large.path), large.path.parent)
    return report_view


def test_the_confusion_is_pairs_and_a_table_never_a_matrix(view, large):
    sections = view.visible_sections()
    assert "confused" in sections and "least_legible" in sections
    assert "confusion" not in sections and "per_class" not in sections  # no 3,755² heat map, no 3,755 bars
    assert view.confusion.matrix.size == 0 and view.confusion.image.image is None
    assert view.per_class.classes == [] and len(view.least_legible.classes) == 10
    confused = view.confused
    assert confused.shown_pairs()[0] == (PLANTED_TRUE, PLANTED_AS)
    assert confused.pairs_model.rowCount() == SHOWN_PAIRS
    assert confused.classes_model.rowCount() == 3755
    # Views over models: the one long table is a view of the report's arrays, and no widget per class.
    long_tables = [t for t in view.findChildren(QTableView) if t.model().rowCount() > 100]
    assert long_tables == [confused.classes_view] and not isinstance(long_tables[0], QTableWidget)
    assert len(view.findChildren(QLabel)) < 100


def test_the_class_table_finds_a_character_and_sorts_by_accuracy(view):
    confused = view.confused
    accuracies = [confused.classes_model.index(r, 2).data(Qt.ItemDataRole.UserRole) for r in range(confused.classes_model.rowCount())]
    assert accuracies == sorted(accuracies)  # least accurate first
    confused.filter_edit.setText(PLANTED_TRUE)
    assert confused.shown_classes() == [PLANTED_TRUE]
    row = [confused.classes_model.index(0, c).data() for c in range(5)]
    assert row == [PLANTED_TRUE, "12", "25%", PLANTED_AS, "9"]
    confused.filter_edit.clear()
    assert confused.classes_model.rowCount() == 3755
    confused.classes_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert confused.classes_model.index(0, 2).data() == "100%"


def test_clicking_the_top_pair_shows_its_images(qtbot, view, large):
    confused = view.confused
    view.ensureWidgetVisible(confused.pairs_view)
    rect = confused.pairs_view.visualRect(confused.pairs_model.index(0, 0))
    with qtbot.waitSignal(confused.pair_chosen) as chosen:
        qtbot.mouseClick(confused.pairs_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == [*large.planted, 9]
    assert view.pair_label.text().startswith(f"{PLANTED_TRUE} → {PLANTED_AS}, 9 images")
    assert view.pair_gallery.count() == 6 and not view.pair_gallery.item(0).icon().isNull()
    # A class row shows its most common mistake.
    confused.filter_edit.setText(PLANTED_TRUE)
    with qtbot.waitSignal(confused.pair_chosen) as chosen:
        rect = confused.classes_view.visualRect(confused.classes_model.index(0, 0))
        qtbot.mouseClick(confused.classes_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == [*large.planted, 9]


def test_a_small_report_after_a_large_one_shows_the_matrix_again(view):
    names = ["一", "丨", "口"]
    view.set_report({"class_names": names, "confusion_matrix": [[2, 1, 0], [0, 3, 0], [0, 0, 3]],
                     "per_class_accuracy": {"一": 2 / 3, "丨": 1.0, "口": 1.0}})
    assert "confusion" in view.visible_sections() and "confused" not in view.visible_sections()
    assert view.confusion.matrix.shape == (3, 3) and "per_class" in view.visible_sections()


def test_the_reader_refuses_a_broken_class_table(tmp_path, large):
    report = json.loads(large.path.read_text(encoding="utf-8"))
    report["class_table"]["n"] = report["class_table"]["n"][:10]
    broken = tmp_path / "broken.report.json"
    broken.write_text(json.dumps(report), encoding="utf-8")
    with pytest.raises(ReportError, match="class_table"):
        load_report(broken)
    report = json.loads(large.path.read_text(encoding="utf-8"))
    report["confused_pairs"][0]["predicted_index"] = 3755
    broken.write_text(json.dumps(report), encoding="utf-8")
    with pytest.raises(ReportError, match="confused_pairs"):
        load_report(broken)


class FakeHost(QObject):
    models_ready = Signal(object, object)


def test_the_panel_reads_a_3755_class_report_off_the_gui_thread(qtbot, tmp_path, large):
    model = linear_character_model(tmp_path / "gb2312-cnn.onnx", large.class_names, height=8, width=6,
                                   title="CNN (3,755 GB2312 characters)")
    (tmp_path / "gb2312-cnn.report.json").write_bytes(large.path.read_bytes())
    host = FakeHost()
    panel = ResultsPanel(host)
    qtbot.addWidget(panel)
    panel.resize(1280, 720)
    panel.show()
    with qtbot.waitSignal(panel.left.report_shown, timeout=30_000):
        host.models_ready.emit([ModelInfo.of(OnnxModel(model))], [])
    shown = panel.left.view
    assert shown.status_text() == "" and "confused" in shown.visible_sections()
    assert shown.confused.shown_pairs()[0] == (PLANTED_TRUE, PLANTED_AS)
    assert shown.confusion.matrix.size == 0
    panel.shutdown()


def test_the_dataset_explorer_lists_3755_classes_without_a_widget_each(qtbot, tmp_path, large):
    root = tmp_path / "gb2312"
    dot = cv2.imencode(".png", np.full((8, 6), 255, np.uint8))[1].tobytes()
    for name in large.class_names:
        (root / name).mkdir(parents=True)
        (root / name / "0.png").write_bytes(dot)
    explorer = DatasetView()
    qtbot.addWidget(explorer)
    explorer.resize(1280, 720)
    explorer.show()
    with qtbot.waitSignal(explorer.scan_finished, timeout=60_000):
        explorer.scan(root)
    assert explorer.class_combo.count() == 3755
    assert len(explorer.sample_labels()) == 1  # samples of the chosen character only
    counts = explorer.findChild(pg.PlotWidget, "datasetCounts_all")
    bars = [item for item in counts.getPlotItem().items if isinstance(item, pg.BarGraphItem)]
    assert len(bars) == 1  # one item draws every bar
    ticks = counts.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert len(ticks) <= dataset_view.MAX_TICK_LABELS
    assert len(explorer.findChildren(QLabel)) < 100
