"""The dataset explorer view: scan on a worker, charts per split, samples, corrupt files, cancel."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtGui import QImage

from desktop.core import dataset_scan
from desktop.ui.results import dataset_view
from desktop.ui.results.dataset_view import DatasetView
from tests.core.test_dataset_scan import character_image, make_casia_folder
from training.gnt import write_gnt


def is_blank(image: QImage) -> bool:
    array = np.frombuffer(image.convertToFormat(QImage.Format.Format_Grayscale8).constBits(), np.uint8)
    return int(array.max()) - int(array.min()) < 30


def make_view(qtbot) -> DatasetView:
    view = DatasetView()
    qtbot.addWidget(view)
    view.resize(1000, 900)
    return view


def test_casia_folder_shows_counts_samples_and_corrupt_files(qtbot, tmp_path):
    root = make_casia_folder(tmp_path / "casia", {"Train": {"山": 3, "木": 2}, "Test": {"山": 1, "木": 1}})
    (root / "Test" / "山" / "broken.png").write_bytes(b"not a png")
    view = make_view(qtbot)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.scan_finished, timeout=10_000):
        view.scan(root)

    assert view.progress_bar.value() == view.progress_bar.maximum() == 8
    assert "7 images of 2 characters (train 5, test 2)" in view.status_label.text()
    assert [card.title() for card in view.cards] == [
        "Images per class: Train", "Images per class: Test", "Image heights", "Image widths"]
    train_bars = view.findChild(type(view.cards[0].content), "datasetCounts_train")
    heights = [item.opts["height"] for item in train_bars.getPlotItem().items if hasattr(item, "opts")
               and "height" in item.opts]
    assert [list(h) for h in heights] == [[3, 2]]  # 山 then 木, code point order
    ticks = train_bars.getPlotItem().getAxis("bottom")._tickLevels
    assert [label for _, label in ticks[0]] == ["山", "木"]

    assert [view.class_combo.itemText(i) for i in range(view.class_combo.count())] == ["山", "木"]
    assert len(view.sample_labels()) == 3 + 1  # every 山 image of train and test
    view.class_combo.setCurrentText("木")
    assert len(view.sample_labels()) == 2 + 1
    assert all(not label.pixmap().isNull() for label in view.sample_labels())

    assert view.corrupt_list.count() == 1 and "broken.png" in view.corrupt_list.item(0).text()
    assert view.corrupt_label.text() == "Corrupt files (1)"
    for card in view.cards + [view.samples_card]:
        assert card.objectName() and card.accessibleName()
        path = card.export_png(tmp_path / f"{card.name}.png")
        assert not is_blank(QImage(str(path))), card.title()


def test_gnt_file_is_one_split(qtbot, tmp_path):
    write_gnt(tmp_path / "1001-c.gnt", [("大", character_image("大", 50)), ("人", character_image("人", 40))])
    view = make_view(qtbot)
    with qtbot.waitSignal(view.scan_finished, timeout=10_000) as finished:
        view.scan(tmp_path / "1001-c.gnt")
    summary = finished.args[0]
    assert summary.kind == "gnt" and summary.splits["all"].counts == {"人": 1, "大": 1}
    assert [card.title() for card in view.cards][0] == "Images per class: All images"
    assert view.corrupt_list.isHidden()

    # A second scan replaces the charts instead of adding to them.
    with qtbot.waitSignal(view.scan_finished, timeout=10_000):
        view.scan()
    assert len(view.cards) == 3 and len(view.charts.findChildren(type(view.cards[0]))) == 3


def test_cancel_and_errors(qtbot, tmp_path, monkeypatch):
    write_gnt(tmp_path / "x.gnt", [("山", character_image("山", 30))] * 300)

    def slow_scan(path, progress, cancelled):
        def slow_progress(done, total):
            progress(done, total)
            time.sleep(0.05)

        return dataset_scan.scan_dataset(path, slow_progress, cancelled)

    monkeypatch.setattr(dataset_view, "scan_dataset", slow_scan)
    view = make_view(qtbot)
    view.scan(tmp_path / "x.gnt")
    assert view.cancel_button.isEnabled() and not view.scan_button.isEnabled()
    qtbot.waitUntil(lambda: view.progress_bar.value() > 0, timeout=10_000)
    view.cancel_button.click()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    assert view.status_label.text() == "Scan cancelled." and view.summary is None

    with qtbot.waitSignal(view.scan_failed, timeout=10_000) as failed:
        view.scan(tmp_path / "missing")
    assert "missing does not exist" in failed.args[0] and "missing does not exist" in view.status_label.text()
