"""The Architectures tab on a small classics.json, a missing one and a broken one; show_tab in the panel."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from desktop.ui.i18n import notifier
from desktop.ui.results.architectures_view import ArchitecturesView, default_source
from desktop.ui.results.panel import ResultsPanel
from tests import experiment_examples as examples


def shown_view(qtbot, source) -> ArchitecturesView:
    view = ArchitecturesView(source=source)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show()
    return view


def test_the_gallery_shows_each_architecture(qtbot, tmp_path):
    view = shown_view(qtbot, examples.write(tmp_path / "classics.json", examples.classics()))
    assert view.status_text() == "" and view.splitter.isVisible()
    assert view.architecture_keys() == ["lenet5", "alexnet", "resnet50"]
    assert view.arch_list.item(0).text() == "LeNet-5 (1998)"
    # LeNet-5 first: its story, numbers, layer table and diagram.
    assert "LeNet-5" in view.title_label.text() and "LeCun" in view.title_label.text()
    assert "document recognition" in view.title_label.text()
    assert "61,706" in view.numbers_label.text() and "not an ILSVRC entry" in view.numbers_label.text()
    assert "--model lenet5" in view.numbers_label.text()
    assert "Read cheques" in view.facts_label.text()
    table = view.layer_table
    assert table.rowCount() == 9
    assert [table.item(1, c).text() for c in range(4)] == ["conv1", "Conv2D", "(None, 28, 28, 6)", "156"]
    assert table.item(6, 3).text() == "48,120"
    assert len(view.diagram.layers) == 9
    # Another one.
    assert view.choose("alexnet") and view.current_key() == "alexnet"
    assert table.rowCount() == 3 and table.item(2, 0).text() == "fc8"
    assert "AlexNet" in view.title_label.text() and "15.3 %" in view.numbers_label.text()
    assert "62,378,344" in view.numbers_label.text()
    assert not view.choose("vgg16")
    view.arch_list.setCurrentRow(2)
    assert view.current_key() == "resnet50" and table.item(1, 1).text() == "Add"
    assert view.facts_label.isHidden()  # no facts, no empty list
    notifier().language_changed.emit("en")  # texts made from the data are made again
    assert view.current_key() == "resnet50" and table.rowCount() == 3 and "ResNet-50" in view.title_label.text()


def test_datasets_table_and_ilsvrc_chart(qtbot, tmp_path):
    view = shown_view(qtbot, examples.write(tmp_path / "classics.json", examples.classics()))
    table = view.datasets_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Data set", "Year", "Images", "Train", "Validation", "Test", "Classes", "Image size"]
    assert table.rowCount() == 4
    assert [table.item(3, c).text() for c in range(table.columnCount())] == \
        ["ImageNet (ILSVRC-2012)", "2012", "1,431,167", "1,281,167", "50,000", "100,000", "1,000",
         "about 400×350 colour"]
    assert table.item(0, 4).text() == "–"  # MNIST has no validation split of its own
    bars = view.ilsvrc_bars
    assert bars is not None and bars in view.ilsvrc_plot.getPlotItem().items
    assert np.allclose(bars.opts["height"], [15.3, 3.57])
    labels = [i.textItem.toPlainText() for i in view.ilsvrc_plot.getPlotItem().items if isinstance(i, pg.TextItem)]
    assert labels == ["AlexNet\n15.3 %", "ResNet-50\n3.57 %"]
    ticks = view.ilsvrc_plot.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [t for _, t in ticks] == ["2012", "2015"]


def test_charts_export_as_png(qtbot, tmp_path):
    view = shown_view(qtbot, examples.write(tmp_path / "classics.json", examples.classics()))
    files = view.export_plots(tmp_path / "out")
    assert [f.name for f in files] == ["ilsvrc_top_5_error.png", "architecture_diagram_lenet5.png"]
    for file in files:
        image = QImage(str(file))
        assert image.width() > 50 and image.height() > 50
        assert len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 2


def test_a_missing_gallery_gives_a_message(qtbot, tmp_path):
    missing = tmp_path / "architectures" / "classics.json"
    view = ArchitecturesView(source=missing)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.load_failed, timeout=10_000):
        view.show()
    assert str(missing) in view.status_text() and "no such" in view.status_text()
    assert "python -m training classics" in view.status_text()
    assert not view.splitter.isVisible() and view.export_plots(tmp_path / "out") == []


def test_a_broken_gallery_gives_a_message_and_keeps_the_shown_one(qtbot, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": 1, "architectures": [', encoding="utf-8")
    view = ArchitecturesView(source=broken)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.load_failed, timeout=10_000):
        view.show()
    assert str(broken) in view.status_text() and "not valid JSON" in view.status_text()
    good = examples.write(tmp_path / "classics.json", examples.classics())
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.load(good)
    no_layers = examples.classics()
    del no_layers["architectures"][0]["layers"]
    with qtbot.waitSignal(view.load_failed, timeout=10_000):
        view.load(examples.write(tmp_path / "no_layers.json", no_layers))
    assert "no_layers.json: architecture 1 lacks layers" in view.status_text()
    assert view.architecture_keys() == ["lenet5", "alexnet", "resnet50"] and view.layer_table.rowCount() == 9


class FakeHost(QObject):
    models_ready = Signal(object, object)


def test_show_tab_selects_tabs_of_a_real_results_panel(qtbot):
    panel = ResultsPanel(FakeHost())
    qtbot.addWidget(panel)
    panel.show()
    tabs = panel.view.tabs
    names = [tabs.widget(i).objectName() for i in range(tabs.count())]
    assert "architecturesTab" in names and "experimentsTab" in names
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[-2:] == ["Architectures", "Experiments"]
    assert panel.show_tab("architectures")
    assert tabs.currentWidget() is panel.architectures_view
    assert panel.show_tab("experiments") and tabs.currentWidget() is panel.experiments_view
    assert panel.show_tab("models") and tabs.currentIndex() == 0
    assert panel.show_tab("dataset") and tabs.currentWidget() is panel.dataset_view
    assert panel.show_tab("evaluate") and tabs.currentWidget() is panel.evaluate_view
    assert panel.show_tab("architectures") and tabs.currentWidget() is panel.architectures_view
    assert not panel.show_tab("noSuchTab") and tabs.currentWidget() is panel.architectures_view
    # Shown for the first time: the gallery is read (the shipped file, or a message when it is absent).
    qtbot.waitUntil(lambda: not panel.architectures_view.is_loading(), timeout=10_000)
    view = panel.architectures_view
    if default_source().is_file():
        assert view.data is not None and "lenet5" in view.architecture_keys(), view.status_text()
    else:
        assert "classics.json" in view.status_text()
    panel.shutdown()


def with_chinese(document):
    """The example gallery with Chinese texts for LeNet-5 and MNIST (AlexNet and ResNet-50 have none)."""
    lenet = document["architectures"][0]
    lenet["summary_zh"] = "两级卷积与池化，然后是三个全连接层。"
    lenet["facts_zh"] = ["为银行读取支票。", "约 6 万个参数。"]
    document["datasets"][0].update(image_size_zh="28×28 灰度", description="handwritten digits",
                                   description_zh="手写数字")
    return document


def test_chinese_texts_follow_the_interface_language(qtbot, tmp_path):
    from desktop.ui import i18n

    view = shown_view(qtbot, examples.write(tmp_path / "classics.json", with_chinese(examples.classics())))
    assert "Two convolution" in view.summary_label.text() and "Read cheques" in view.facts_label.text()
    try:
        assert i18n.set_language("zh_CN") == "zh_CN"
        assert view.summary_label.text() == "两级卷积与池化，然后是三个全连接层。"
        assert "为银行读取支票。" in view.facts_label.text() and "约 6 万个参数。" in view.facts_label.text()
        assert "Read cheques" not in view.facts_label.text()
        # Names, authors and paper titles stay as published; the numbers line is the interface's own.
        assert "LeNet-5" in view.title_label.text() and "document recognition" in view.title_label.text()
        assert "61,706" in view.numbers_label.text() and "Parameters" not in view.numbers_label.text()
        mnist, cifar = view.datasets_table.item(0, 7), view.datasets_table.item(1, 7)
        assert (mnist.text(), mnist.toolTip()) == ("28×28 灰度", "手写数字")
        assert cifar.text() == "32×32 colour"  # no Chinese version: English
        assert view.choose("alexnet")  # an architecture without Chinese texts shows its English ones
        assert view.summary_label.text() == "ReLU, dropout and two GPUs." and "15.3 %" in view.facts_label.text()
        assert view.choose("lenet5") and "两级卷积" in view.summary_label.text()
    finally:
        i18n.set_language("en")
    assert view.current_key() == "lenet5"
    assert view.summary_label.text().startswith("Two convolution") and "Read cheques" in view.facts_label.text()
    assert view.datasets_table.item(0, 7).text() == "28×28 grey"
    assert view.datasets_table.item(0, 0).toolTip() == "handwritten digits"


def test_a_gallery_without_chinese_texts_stays_english_in_chinese(qtbot, tmp_path):
    from desktop.ui import i18n

    view = shown_view(qtbot, examples.write(tmp_path / "classics.json", examples.classics()))
    try:
        i18n.set_language("zh_CN")
        assert view.summary_label.text() == "Two convolution and pooling stages, then three dense layers."
        assert "Read cheques for banks." in view.facts_label.text()
        assert view.datasets_table.item(0, 7).text() == "28×28 grey"
    finally:
        i18n.set_language("en")
