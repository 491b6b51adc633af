"""The Experiments tab on small compare.json / tuning.json files: tables, charts, bad files, reload."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from desktop.ui.i18n import notifier
from desktop.ui.results.experiments_view import ExperimentsView
from desktop.ui.results.panel import ResultsPanel
from desktop.ui.results.tuning_page import BEST_ROW_COLOUR
from tests import experiment_examples as examples


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "experiments"
    examples.write(folder / "compare-synth" / "compare.json", examples.compare())
    examples.write(folder / "tune-synth" / "tuning.json", examples.tuning())
    return folder


@pytest.fixture
def view(qtbot, root):
    """The view shown: it lists the shipped experiments and shows the first (the comparison)."""
    view = ExperimentsView(root=root)
    qtbot.addWidget(view)
    view.resize(1200, 900)
    with qtbot.waitSignal(view.experiment_shown, timeout=10_000):
        view.show()
    yield view
    view.shutdown()


def column_texts(table, column):
    return [table.item(r, column).text() for r in range(table.rowCount())]


def headers(table):
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def test_shipped_experiments_are_listed_and_the_first_shown(view, root):
    assert view.entries() == [root / "compare-synth" / "compare.json", root / "tune-synth" / "tuning.json"]
    assert view.chooser.itemText(0) == "compare-synth — model comparison"
    assert view.chooser.itemText(1) == "tune-synth — hyperparameter search"
    assert view.experiment.kind == "compare" and view.stack.currentWidget() is view.compare_page
    assert view.status_text() == ""
    assert "synth55 (test split)" in view.info_label.text() and "batch size 64" in view.info_label.text()


def test_the_comparison_table_sorts_by_number(view):
    table = view.compare_page.table
    assert table.rowCount() == 4
    assert headers(table) == ["Model", "Parameters", "Epochs (best)", "Train time (s)", "Val accuracy",
                              "Test accuracy", "Test top-5", "Inference (ms/image)"]
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert column_texts(table, 0) == ["CNN (course)", "Logistic regression", "LeNet-5", "ResNet (small)"]
    assert column_texts(table, 1) == ["88,375", "264,055", "1,234,567", "2,500,000"]
    table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert column_texts(table, 5) == ["96.50%", "94.00%", "88.50%", "39.00%"]
    row = column_texts(table, 0).index("CNN (course)")
    assert [table.item(row, c).text() for c in range(8)] == \
        ["CNN (course)", "88,375", "10 (9)", "61.2", "95.00%", "94.00%", "99.00%", "0.21"]
    table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    assert column_texts(table, 6)[-1] == "–"  # a missing top-5 sorts last


def test_the_comparison_charts_have_data(view):
    item = view.compare_page.accuracy_plot.getPlotItem()
    data = item.listDataItems()
    assert len(data) == 2  # validation and test points
    x, y = data[1].getOriginalDataset()
    assert list(x) == [264055, 88375, 1234567, 2500000] and np.allclose(y, [0.39, 0.94, 0.885, 0.965])
    assert item.ctrl.logXCheck.isChecked()  # parameters on a log axis
    labels = [i.textItem.toPlainText() for i in item.items if isinstance(i, pg.TextItem)]
    assert labels == ["Logistic regression", "CNN (course)", "LeNet-5", "ResNet (small)"]
    assert np.allclose(view.compare_page.time_bars["train_seconds"].opts["height"], [5.5, 61.2, 30.0, 310.4])
    assert np.allclose(view.compare_page.time_bars["inference_ms"].opts["height"], [0.02, 0.21, 0.11, 1.7])
    assert view.compare_page.time_bars["train_seconds"] in view.compare_page.train_time_plot.getPlotItem().items


def test_known_model_titles_follow_the_interface_language(view):
    from desktop.ui import i18n

    def titles():
        plot = view.compare_page.accuracy_plot.getPlotItem()
        labels = [i.textItem.toPlainText() for i in plot.items if isinstance(i, pg.TextItem)]
        ticks = [t for _, t in view.compare_page.train_time_plot.getPlotItem().getAxis("bottom")._tickLevels[0]]
        return column_texts(view.compare_page.table, 0), labels, ticks

    try:
        i18n.set_language("zh_CN")
        table, labels, ticks = titles()
        # "CNN (course)" is one of training's titles; "Logistic regression" is not (a title of one's own).
        assert sorted(table) == sorted(labels) == sorted(ticks)
        assert set(table) == {"Logistic regression", "CNN（课程）", "LeNet-5", "ResNet (small)"}
        assert labels == ["Logistic regression", "CNN（课程）", "LeNet-5", "ResNet (small)"]
    finally:
        i18n.set_language("en")
    assert titles()[1] == ["Logistic regression", "CNN (course)", "LeNet-5", "ResNet (small)"]


def test_every_title_of_training_is_marked_for_translation():
    from desktop.ui.results.compare_page import MODEL_TITLES

    # The same titles as training's classic_networks.TITLES (read as text: the app never imports training).
    source = (Path(__file__).resolve().parents[2] / "training" / "classic_networks.py").read_text(encoding="utf-8")
    block = source[source.index("TITLES = {"):]
    assert set(MODEL_TITLES) == set(re.findall(r'^    "[a-z0-9]+": "([^"]+)",$', block[:block.index("}")], re.M))


def test_a_search_shows_its_trials_and_best(qtbot, view, root):
    with qtbot.waitSignal(view.experiment_shown, timeout=10_000):
        view.show_experiment(root / "tune-synth")  # a folder works too
    assert view.stack.currentWidget() is view.tuning_page and view.chooser.currentIndex() == 1
    table = view.tuning_page.table
    assert headers(table) == ["Trial", "Status", "conv_blocks", "filters_1", "learning_rate", "val_accuracy",
                              "Seconds", "Epochs"]
    assert table.rowCount() == 5
    assert [table.item(0, c).text() for c in range(8)] == ["00", "COMPLETED", "1", "8", "0.001", "0.8100",
                                                           "12.3", "5"]
    assert table.item(2, 5).text() == "–"  # the failed trial has no score
    best = view.tuning_page.best_row()
    assert table.item(best, 0).text() == "03"
    assert table.item(best, 3).background().color() == BEST_ROW_COLOUR and table.item(best, 3).font().bold()
    assert table.item(0, 3).background().color() != BEST_ROW_COLOUR
    table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # by score: the best row follows its trial
    assert view.tuning_page.best_row() == 0 and table.item(0, 0).background().color() == BEST_ROW_COLOUR
    summary = view.tuning_page.best_label.text()
    assert "Best trial 03" in summary and "val_accuracy 0.9500" in summary
    assert "test accuracy 94.00%" in summary and "learning_rate = 0.002" in summary
    assert "filters_1 ∈ {8, 16, 32}" in view.tuning_page.space_label.text()
    assert "bayesian search, objective val_accuracy (max): 5 of 8 trials finished" in view.info_label.text()
    trials = view.tuning_page.score_items["trials"].getOriginalDataset()
    assert list(trials[0]) == [1, 2, 4, 5] and np.allclose(trials[1], [0.81, 0.93, 0.95, 0.90])
    step_x, step_y = view.tuning_page.score_items["best_so_far"].getOriginalDataset()
    assert np.allclose(step_y, [0.81, 0.81, 0.93, 0.93, 0.95, 0.95, 0.95, 0.95])
    assert list(step_x) == [1, 2, 2, 4, 4, 5, 5, 5.5]
    assert list(view.tuning_page.score_items["best"].getOriginalDataset()[0]) == [4]
    failed_lines = [i for i in view.tuning_page.score_plot.getPlotItem().items if isinstance(i, pg.InfiniteLine)]
    assert [line.value() for line in failed_lines] == [3]
    # A language switch redraws what was made from the data, and the best row stays marked.
    notifier().language_changed.emit("en")
    assert table.rowCount() == 5 and table.item(view.tuning_page.best_row(), 0).background().color() == BEST_ROW_COLOUR
    assert view.chooser.itemText(1) == "tune-synth — hyperparameter search"


@pytest.mark.parametrize("content, message", [
    ("not json at all", "not valid JSON"),
    ("", "is empty"),
    (json.dumps({"schema": 1, "kind": "tuning", "rows": []}), "lacks trials"),
    (json.dumps({"schema": 1, "kind": "model"}), "neither compare nor tuning"),
    (json.dumps({"schema": 1, "kind": "compare", "rows": [{"title": "x"}]}), "row 1 lacks model"),
])
def test_a_bad_file_is_named_and_the_shown_experiment_stays(qtbot, view, tmp_path, content, message):
    bad = tmp_path / "mine" / "compare.json"
    bad.parent.mkdir()
    bad.write_text(content, encoding="utf-8")
    shown = view.experiment
    with qtbot.waitSignal(view.experiment_failed, timeout=10_000):
        view.show_experiment(bad)
    assert str(bad) in view.status_text() and message in view.status_text()
    assert "Still showing" in view.status_text()
    assert view.experiment is shown and view.compare_page.table.rowCount() == 4
    assert bad not in view.entries() and view.chooser.currentData() == str(shown.path)


def test_reload_reads_a_search_that_is_still_running(qtbot, view, root):
    path = root / "tune-synth" / "tuning.json"
    examples.write(path, examples.tuning(finished=False))
    with qtbot.waitSignal(view.experiment_shown, timeout=10_000):
        view.show_experiment(path)
    assert view.tuning_page.table.rowCount() == 6
    assert "Best trial so far: 03" in view.tuning_page.best_label.text()
    document = examples.tuning(finished=False)
    document["trials"][5].update(status="COMPLETED", score=0.97, seconds=9.0, epochs=5)
    document["trials"].append({"trial_id": "06", "status": "RUNNING", "hyperparameters": {}, "score": None,
                               "seconds": None, "epochs": None})
    examples.write(path, document)
    with qtbot.waitSignal(view.experiment_shown, timeout=10_000):
        qtbot.mouseClick(view.reload_button, Qt.MouseButton.LeftButton)
    assert view.tuning_page.table.rowCount() == 7
    assert "Best trial so far: 05" in view.tuning_page.best_label.text()
    assert view.tuning_page.table.item(view.tuning_page.best_row(), 0).text() == "05"
    path.write_text('{"schema": 1, "kind": "tuning", "tri', encoding="utf-8")  # caught mid-write by hand
    with qtbot.waitSignal(view.experiment_failed, timeout=10_000):
        view.reload()
    assert "not valid JSON" in view.status_text() and view.tuning_page.table.rowCount() == 7


def test_open_button_adds_a_file_of_ones_own(qtbot, view, tmp_path, monkeypatch):
    mine = examples.write(tmp_path / "my run" / "tuning.json", examples.tuning())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(mine), ""))
    with qtbot.waitSignal(view.experiment_shown, timeout=10_000):
        qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert view.entries()[-1] == mine and view.chooser.currentIndex() == 2
    assert view.chooser.itemText(2) == "my run — hyperparameter search"
    # Choosing the comparison again in the chooser shows it.
    with qtbot.waitSignal(view.experiment_shown, timeout=10_000):
        view.chooser.activated.emit(0)
    assert view.experiment.kind == "compare"


def test_charts_export_as_png(qtbot, view, root, tmp_path):
    files = view.export_plots(tmp_path / "compare")
    assert [f.name for f in files] == ["accuracy_against_size.png", "training_and_inference_time.png"]
    with qtbot.waitSignal(view.experiment_shown, timeout=10_000):
        view.show_experiment(root / "tune-synth" / "tuning.json")
    files += view.export_plots(tmp_path / "tuning")
    assert files[-1].name == "score_per_trial.png"
    for file in files:
        image = QImage(str(file))
        assert image.width() > 50 and image.height() > 50
        assert len({image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}) > 2


def test_no_shipped_experiments_gives_a_hint(qtbot, tmp_path):
    view = ExperimentsView(root=tmp_path / "none")
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.listed, timeout=10_000):
        view.show()
    assert "No shipped experiments" in view.status_text() and view.entries() == []
    assert view.export_plots(tmp_path / "out") == [] and not view.reload_button.isEnabled()
    view.shutdown()


class FakeHost(QObject):
    models_ready = Signal(object, object)


def test_the_panel_shows_an_experiment_on_request_and_exports_its_charts(qtbot, tmp_path):
    panel = ResultsPanel(FakeHost())
    qtbot.addWidget(panel)
    panel.show()
    mine = examples.write(tmp_path / "run" / "compare.json", examples.compare())
    assert panel.show_tab("experiments")
    with qtbot.waitSignal(panel.experiments_view.experiment_shown, timeout=10_000):
        panel.experiments_view.show_experiment(mine)
    qtbot.waitUntil(lambda: not panel.experiments_view.is_loading(), timeout=10_000)
    assert panel.experiments_view.experiment.path == mine
    files = panel.export_plots(tmp_path / "charts")
    assert {f.relative_to(tmp_path / "charts").as_posix() for f in files} >= \
        {"experiments/accuracy_against_size.png", "experiments/training_and_inference_time.png"}
    panel.shutdown()
