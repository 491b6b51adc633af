"""Dataset explorer: what is in a CASIA-style folder or a ``.gnt`` file before training on it.

Images per class for train and test (the course's histogram), histograms of image heights and
widths, a grid of sample images for a chosen class, and the corrupt files. The scan runs on a
worker thread with progress and Cancel; every chart has its own "Save PNG…".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.core.dataset_scan import DatasetSummary, scan_dataset
from desktop.ui.fonts import cjk_font
from desktop.ui.file_drop import dropped_path
from desktop.ui.results.gallery import grey_pixmap
from desktop.ui.i18n import tr, tr_noop, translated, translated_label
from desktop.ui.results.plot_card import PlotCard, make_plot
from desktop.ui.widgets import push_button, wrapping_label
from desktop.ui.workers import JobRunner

COUNT_BRUSH = {"train": pg.mkBrush(31, 119, 180, 210), "test": pg.mkBrush(255, 127, 14, 210)}
DEFAULT_BRUSH = pg.mkBrush(44, 160, 44, 210)
SIZE_BRUSH = pg.mkBrush(148, 103, 189, 170)
#: Beyond this many classes only every n-th character is written under the bars (they would overlap).
MAX_TICK_LABELS = 80
SIZE_BINS = 40
SAMPLE_SCALE = 1.5
MAX_LISTED_CORRUPT = 1000
SPLIT_TITLES = {"train": tr_noop("Train"), "test": tr_noop("Test"), "all": tr_noop("All images")}


def accepts_dataset(path: Path) -> bool:
    return path.is_dir() or (path.is_file() and path.suffix.lower() == ".gnt")


def class_ticks(names: list[str]) -> list[tuple[int, str]]:
    step = max(1, int(np.ceil(len(names) / MAX_TICK_LABELS)))
    return [(i, name) for i, name in enumerate(names) if i % step == 0]


def summary_text(summary: DatasetSummary) -> str:
    per_split = ", ".join(f"{tr(SPLIT_TITLES.get(name, name)).lower()} {split.total:,}"
                          for name, split in summary.splits.items())
    text = tr("{n:,} images of {classes} characters ({splits}) in {path}.", n=summary.total,
              classes=len(summary.class_names), splits=per_split, path=summary.path)
    if summary.heights:
        heights, widths = np.asarray(summary.heights), np.asarray(summary.widths)
        text += "\n" + tr("Heights {h_min}–{h_max} px (median {h_median:g}), widths {w_min}–{w_max} px (median "
                          "{w_median:g}).", h_min=heights.min(), h_max=heights.max(), h_median=np.median(heights),
                          w_min=widths.min(), w_max=widths.max(), w_median=np.median(widths))
    if summary.corrupt:
        text += "\n" + tr("{n:,} corrupt files or records were skipped (listed below).", n=len(summary.corrupt))
    return text


class DatasetView(QWidget):
    """Choose a folder or ``.gnt`` file, scan it on a worker thread, explore the result."""

    scan_finished = Signal(object)
    scan_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("datasetView")
        self.setAccessibleName("Dataset explorer")
        self.setAcceptDrops(True)
        self.summary: DatasetSummary | None = None
        self.cards: list[PlotCard] = []
        self._build_inputs()
        self.status_label = wrapping_label(name="datasetStatus", accessible="Data set summary", selectable=True,
                                           text=tr("Choose a CASIA-style folder or a .gnt file, or drop one here."))
        self.status_label.setFont(cjk_font())
        # Charts are rebuilt for each scan: the splits (train/test or one) depend on the data.
        self.charts = QWidget()
        self.charts.setObjectName("datasetCharts")
        self.charts_layout = QVBoxLayout(self.charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        self._build_samples()
        self.corrupt_list = QListWidget()
        self.corrupt_list.setObjectName("datasetCorruptList")
        self.corrupt_list.setAccessibleName("Corrupt files")
        self.corrupt_list.setMaximumHeight(140)
        self.corrupt_label = QLabel(tr("Corrupt files"))
        self.corrupt_label.setObjectName("datasetCorruptLabel")
        self._lay_out()
        self.runner = JobRunner(self, self.progress_bar)
        self.runner.status.connect(self.status_label.setText)
        self.runner.busy_changed.connect(self._update_buttons)
        self._show_result_widgets(False)
        self._update_buttons()

    def _build_inputs(self) -> None:
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("datasetPathEdit")
        self.path_edit.setAccessibleName("Data set folder or .gnt file")
        translated(self.path_edit.setPlaceholderText,
                   "A Train/Test/<character>/ folder, a <character>/ folder, or .gnt files")
        self.path_edit.returnPressed.connect(self.scan)
        self.folder_button = push_button(tr_noop("Choose folder…"), name="datasetChooseFolder",
                                         accessible="Choose a data set folder", on_click=self.choose_folder)
        self.gnt_button = push_button(tr_noop("Choose .gnt file…"), name="datasetChooseGnt",
                                      accessible="Choose a .gnt file", on_click=self.choose_gnt)
        self.scan_button = push_button(tr_noop("Scan"), name="datasetScanButton", accessible="Scan the data set",
                                       on_click=self.scan)
        self.cancel_button = push_button(tr_noop("Cancel"), name="datasetCancelButton", accessible="Cancel the scan",
                                         on_click=self.cancel)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("datasetProgress")
        self.progress_bar.setAccessibleName("Scan progress")

    def _build_samples(self) -> None:
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("datasetClassCombo")
        self.class_combo.setAccessibleName("Character whose samples are shown")
        self.class_combo.setFont(cjk_font(12))
        self.class_combo.currentIndexChanged.connect(self._show_samples)
        self.samples = QWidget()
        self.samples.setObjectName("datasetSamples")
        self.samples.setAccessibleName("Sample images of the chosen character")
        self.samples_layout = QGridLayout(self.samples)
        self.samples_layout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        samples_box = QWidget()
        samples_column = QVBoxLayout(samples_box)
        samples_row = QHBoxLayout()
        samples_row.addWidget(translated_label("Samples of"))
        samples_row.addWidget(self.class_combo)
        samples_row.addStretch(1)
        samples_column.addLayout(samples_row)
        samples_column.addWidget(self.samples)
        self.samples_card = PlotCard("Samples per class", samples_box)

    def _lay_out(self) -> None:
        content = QWidget()
        content_layout = QVBoxLayout(content)
        for widget in (self.charts, self.samples_card, self.corrupt_label, self.corrupt_list):
            content_layout.addWidget(widget)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("datasetScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        choose_row = QHBoxLayout()
        choose_row.addWidget(self.path_edit, stretch=1)
        for button in (self.folder_button, self.gnt_button, self.scan_button, self.cancel_button):
            choose_row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(choose_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(scroll, stretch=1)

    # -- inputs ------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Choose a data set folder"), self.path_edit.text())
        if folder:
            self.scan(folder)

    def choose_gnt(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a CASIA .gnt file"), self.path_edit.text(),
                                              tr("CASIA offline files (*.gnt);;All files (*)"))
        if path:
            self.scan(path)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if dropped_path(event, accepts_dataset) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        path = dropped_path(event, accepts_dataset)
        if path is not None:
            event.acceptProposedAction()
            self.scan(path)

    # -- running -----------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.runner.running

    def scan(self, path: str | Path | None = None) -> None:
        """Scan ``path`` (default: the path in the box) on a worker thread."""
        if self.runner.running:
            return
        if path:
            self.path_edit.setText(str(path))
        target = self.path_edit.text().strip()
        if not target:
            return
        self.runner.start(lambda progress, cancelled: scan_dataset(target, progress, cancelled),
                          tr("Scanning {path}…", path=target), self._on_finished, self._on_failed,
                          self._on_cancelled)

    def cancel(self) -> None:
        self.runner.cancel()

    def shutdown(self) -> None:
        """Stop a running scan and wait for its thread (the app is closing)."""
        self.runner.shutdown()

    def _on_finished(self, summary: DatasetSummary) -> None:
        self.set_summary(summary)
        self.scan_finished.emit(summary)

    def _on_failed(self, message: str) -> None:
        self._show_status(tr("Could not scan: {reason}", reason=message))
        self.scan_failed.emit(message)

    def _on_cancelled(self) -> None:
        self._show_status(tr("Scan cancelled."))

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _update_buttons(self, *_args) -> None:
        running = self.runner.running
        for widget in (self.path_edit, self.folder_button, self.gnt_button, self.scan_button):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    # -- showing a summary -------------------------------------------------------------------
    def set_summary(self, summary: DatasetSummary) -> None:
        """Draw the charts, the samples and the corrupt list of a finished scan."""
        self.summary = summary
        self._show_status(summary_text(summary))
        self._rebuild_charts(summary)
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItems(summary.class_names)
        self.class_combo.blockSignals(False)
        self._show_samples()
        self.corrupt_list.clear()
        for source, reason in summary.corrupt[:MAX_LISTED_CORRUPT]:
            self.corrupt_list.addItem(f"{source}: {reason}")
        if len(summary.corrupt) > MAX_LISTED_CORRUPT:
            self.corrupt_list.addItem(tr("… and {n:,} more", n=len(summary.corrupt) - MAX_LISTED_CORRUPT))
        self.corrupt_label.setText(tr("Corrupt files ({n:,})", n=len(summary.corrupt)))
        self._show_result_widgets(True)

    def _show_result_widgets(self, visible: bool) -> None:
        for widget in (self.charts, self.samples_card, self.corrupt_label, self.corrupt_list):
            widget.setVisible(visible)
        if visible and self.summary is not None and not self.summary.corrupt:
            self.corrupt_list.hide()

    def _rebuild_charts(self, summary: DatasetSummary) -> None:
        for card in self.cards:
            self.charts_layout.removeWidget(card)
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        names = summary.class_names
        for split_name, split in summary.splits.items():
            title = f"Images per class: {SPLIT_TITLES.get(split_name, split_name)}"
            split_title = SPLIT_TITLES.get(split_name, split_name)
            plot = make_plot(tr("Images per class: {split}", split=tr(split_title)), tr_noop("character"),
                             tr_noop("images"))
            plot.setObjectName(f"datasetCounts_{split_name}")
            plot.setAccessibleName(title)
            counts = [split.counts.get(name, 0) for name in names]
            item = plot.getPlotItem()
            item.addItem(pg.BarGraphItem(x=np.arange(len(names)), height=counts, width=0.8,
                                         brush=COUNT_BRUSH.get(split_name, DEFAULT_BRUSH), pen=pg.mkPen("k")))
            item.getAxis("bottom").setTicks([class_ticks(names)])
            item.setXRange(-0.6, max(0.6, len(names) - 0.4), padding=0)
            self._add_card(PlotCard(title, plot, note=tr("{n:,} images", n=split.total),
                                    source="Images per class: {split}", split=lambda t=split_title: tr(t)))
        for title, values in ((tr_noop("Image heights"), summary.heights), (tr_noop("Image widths"), summary.widths)):
            plot = make_plot(title, tr_noop("pixels"), tr_noop("images"))
            plot.setObjectName(f"dataset_{title.split()[1]}")
            plot.setAccessibleName(f"Histogram of {title.lower()}")
            if values:
                counts, edges = np.histogram(values, bins=min(SIZE_BINS, max(1, len(set(values)))))
                plot.getPlotItem().addItem(pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=counts,
                                                           brush=SIZE_BRUSH, pen=pg.mkPen("k")))
            self._add_card(PlotCard(title, plot))

    def _add_card(self, card: PlotCard) -> None:
        self.cards.append(card)
        self.charts_layout.addWidget(card)

    def _show_samples(self) -> None:
        while self.samples_layout.count():
            widget = self.samples_layout.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)  # gone at once, not at the next event loop turn
                widget.deleteLater()
        if self.summary is None or self.class_combo.currentIndex() < 0:
            return
        char = self.class_combo.currentText()
        for row, (split_name, split) in enumerate(self.summary.splits.items()):
            images = split.samples.get(char, [])
            title = QLabel(f"{tr(SPLIT_TITLES.get(split_name, split_name))} ({split.counts.get(char, 0):,})")
            self.samples_layout.addWidget(title, row, 0)
            for column, image in enumerate(images, start=1):
                picture = QLabel()
                picture.setObjectName(f"datasetSample_{split_name}_{column - 1}")
                picture.setAccessibleName(f"Sample {column} of {char} ({split_name})")
                picture.setPixmap(grey_pixmap(image, SAMPLE_SCALE))
                picture.setToolTip(tr("{w}×{h} px (thumbnail)", w=image.shape[1], h=image.shape[0]))
                self.samples_layout.addWidget(picture, row, column)

    def sample_labels(self) -> list[QLabel]:
        """The picture labels now in the samples grid (for tests and accessibility tools)."""
        return [w for w in self.samples.findChildren(QLabel) if w.objectName().startswith("datasetSample_")]
