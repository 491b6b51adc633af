"""Every section of one model's report (or of an evaluation), for the Results panel.

``set_report`` shows the sections the dict has and hides the rest, so the same view serves the
sidecar report of a trained model and the evaluation of a user's own test set.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.core.confusion import class_table_of
from desktop.core.report import confusion_examples, decode_png, feature_visualisation_images
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_label
from desktop.ui.results.bars import LEAST_LEGIBLE, ClassBarChart, ConfidenceHistograms, sorted_accuracy
from desktop.ui.results.confused_pairs import LargeConfusionView
from desktop.ui.results.confusion import ConfusionMatrixView
from desktop.ui.results.curves import TrainingCurves, has_curves
from desktop.ui.results.feature_vis import FeatureVisualisations
from desktop.ui.results.gallery import ImageGallery
from desktop.ui.results.layer_diagram import LayerDiagram
from desktop.ui.results.plot_card import PlotCard
from desktop.ui.results.reliability import SET_NAMES, ReliabilityDiagram, shown_set
from desktop.ui.results.tables import LayerTable, MetricsTable, summary_line

log = logging.getLogger(__name__)

MOST_CONFIDENT_FIRST = tr_noop("Most confident first")
LEAST_CONFIDENT_FIRST = tr_noop("Least confident first")
NO_REPORT_MESSAGE = tr_noop("No report to show.")
#: Made by ``ReportView._build_sections`` when first needed (a pyqtgraph plot costs tens of ms).
SECTION_ATTRIBUTES = frozenset({
    "curves", "curves_card", "metrics_table", "metrics_box", "layer_table", "summary_label", "summary_box",
    "diagram", "diagram_card", "confusion", "confusion_card", "cell_label", "cell_gallery", "failed_gallery",
    "confused", "confused_card", "pair_label", "pair_gallery",
    "failed_card", "sort_combo", "confidence", "confidence_card", "calibration", "calibration_card",
    "per_class", "per_class_card",
    "least_legible", "least_legible_card", "features", "features_card", "sections",
})


def _image(entry: dict[str, Any]) -> np.ndarray | None:
    """The entry's ``image_png`` decoded, None when absent or damaged (the caption still shows)."""
    data = entry.get("image_png")
    if not data:
        return None
    try:
        return decode_png(data)
    except ValueError:
        log.warning("an image in the report could not be decoded (%s)", entry.get("source"))
        return None


def _caption(failure: dict[str, Any]) -> str:
    if failure.get("label"):
        return str(failure["label"])
    return tr("{predicted} not {true} ({confidence:.0%})", predicted=failure.get("predicted", "?"),
              true=failure.get("true", "?"), confidence=float(failure.get("confidence", 0)))


class ReportView(QScrollArea):
    """A scrolling column of sections; build once, then ``set_report`` as often as needed.

    The sections (and their charts) are made when the first report is set, or when one of them is
    asked for: a view that only ever shows a message costs no charts.
    """

    def __init__(self, parent: QWidget | None = None, name: str = "reportView"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName("Model report")
        self.setWidgetResizable(True)
        self.report: dict[str, Any] | None = None
        self._failures: list[tuple[dict[str, Any], np.ndarray | None]] = []

        self.title_label = QLabel()
        self.title_label.setObjectName("reportTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setFont(cjk_font())
        self.status_label = QLabel(tr(NO_REPORT_MESSAGE))
        self.status_label.setObjectName("reportStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setStyleSheet("QLabel { color: #9c2a00; padding: 6px; }")

        self._built = False
        body = QWidget()
        body.setObjectName("reportBody")
        self._column = QVBoxLayout(body)
        self._column.addWidget(self.title_label)
        self._column.addWidget(self.status_label)
        self._column.addStretch()
        self.setWidget(body)
        self.set_report(None)

    def __getattr__(self, name: str):
        # Reached only for attributes not made yet: a section asked for before any report builds them all.
        if name in SECTION_ATTRIBUTES and not self.__dict__.get("_built", True):
            self._build_sections()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _build_sections(self) -> None:
        self._built = True
        self._build_training_sections()
        self._build_confusion_section()
        self._build_failures_section()
        self._build_class_sections()
        self._build_calibration_section()
        self.sections: dict[str, QWidget] = {
            "curves": self.curves_card,
            "metrics": self.metrics_box,
            "summary": self.summary_box,
            "diagram": self.diagram_card,
            "confusion": self.confusion_card,
            "confused": self.confused_card,
            "failed": self.failed_card,
            "confidence": self.confidence_card,
            "calibration": self.calibration_card,
            "per_class": self.per_class_card,
            "least_legible": self.least_legible_card,
            "features": self.features_card,
        }
        self._place_sections()

    def _build_training_sections(self) -> None:
        self.curves = TrainingCurves()
        self.curves_card = PlotCard("Training curves", self.curves,
                                    note=tr("Training (blue) and validation (orange); "
                                            "the dashed line is the epoch kept by early stopping."))
        self.metrics_table = MetricsTable()
        self.metrics_box = self._group(tr_noop("Metrics"), self.metrics_table)
        self.layer_table = LayerTable()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("modelSummaryTotals")
        self.summary_label.setWordWrap(True)  # a report half a projector wide shows it on two lines
        self.summary_box = self._group(tr_noop("Model summary"), self.layer_table, self.summary_label)
        self.diagram = LayerDiagram()
        self.diagram_card = PlotCard("Layer diagram", self.diagram)

    def _build_confusion_section(self) -> None:
        self.confusion = ConfusionMatrixView()
        self.confusion_card = PlotCard("Confusion matrix", self.confusion,
                                       note=tr("Scroll to zoom, drag to pan; click a cell to see its images."))
        self.cell_label = QLabel(tr("Click a cell to see its images."))
        self.cell_label.setObjectName("confusionCellLabel")
        self.cell_label.setFont(cjk_font(11))
        self.cell_gallery = ImageGallery("confusionExamples", "Images of the chosen confusion-matrix cell")
        self.confusion_card.layout().addWidget(self.cell_label)
        self.confusion_card.layout().addWidget(self.cell_gallery)
        self.confusion.cell_clicked.connect(self.show_cell)
        # A model with thousands of classes: its most confused pairs and a table, never the matrix.
        # Tables, not a chart: a group box like the metrics, with no "Save PNG…".
        self.confused = LargeConfusionView()
        note = QLabel(tr("Which characters this model reads as which, most often first; click a pair to see its "
                         "images."))
        note.setWordWrap(True)
        self.pair_label = QLabel(tr("Click a pair to see its images."))
        self.pair_label.setObjectName("confusedPairLabel")
        self.pair_label.setFont(cjk_font())
        self.pair_gallery = ImageGallery("confusedPairExamples", "Images of the chosen pair")
        self.confused_card = self._group(tr_noop("Most confused pairs"), note, self.confused, self.pair_label,
                                         self.pair_gallery)
        self.confused.pair_chosen.connect(self.show_pair)

    def _build_failures_section(self) -> None:
        self.failed_gallery = ImageGallery("failedGallery", "Failed predictions")
        self.failed_gallery.setMinimumHeight(300)
        self.failed_card = PlotCard("Failed predictions", self.failed_gallery)
        self.sort_combo = QComboBox()
        self.sort_combo.setObjectName("failedSortOrder")
        self.sort_combo.setAccessibleName("Sort failed predictions by confidence")
        for index, source in enumerate((MOST_CONFIDENT_FIRST, LEAST_CONFIDENT_FIRST)):
            self.sort_combo.addItem(source)
            translated_item(self.sort_combo, index, source)
        self.sort_combo.currentIndexChanged.connect(lambda _i: self._fill_failures())
        sort_row = QHBoxLayout()
        sort_row.addWidget(translated_label("Sort:"))
        sort_row.addWidget(self.sort_combo)
        sort_row.addStretch()
        self.failed_card.layout().insertLayout(1, sort_row)

    def _build_class_sections(self) -> None:
        self.confidence = ConfidenceHistograms()
        self.confidence_card = PlotCard("Confidence", self.confidence,
                                        note=tr("The top probability when the prediction was right, "
                                                "and when it was wrong."))
        self.per_class = ClassBarChart("perClassAccuracy", "Accuracy per class (sorted)")
        self.per_class_card = PlotCard("Per-class accuracy", self.per_class)
        self.least_legible = ClassBarChart("leastLegible", tr("The {n} least legible characters", n=LEAST_LEGIBLE))
        self.least_legible_card = PlotCard("Least legible characters", self.least_legible)
        self.features = FeatureVisualisations()
        self.features_card = PlotCard("What the layers learn", self.features)

    def _build_calibration_section(self) -> None:
        self.calibration = ReliabilityDiagram()
        self.calibration_card = PlotCard("Calibration", self.calibration)

    def _place_sections(self) -> None:
        """In report order above the stretch; the summary and the diagram share a row."""
        for widget in self.sections.values():
            widget.hide()  # set_report shows the sections its report has
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary_box, stretch=3)
        summary_row.addWidget(self.diagram_card, stretch=2)
        position = self._column.count() - 1  # above the stretch
        for key, widget in self.sections.items():
            if key == "summary":
                self._column.insertLayout(position, summary_row)
            elif key != "diagram":
                self._column.insertWidget(position, widget)
            else:
                continue
            position += 1

    @staticmethod
    def _group(title: str, *widgets: QWidget) -> QGroupBox:
        box = QGroupBox()
        translated(box.setTitle, title, owner=box)  # an English source
        box.setObjectName(f"group_{title.lower().replace(' ', '_')}")
        layout = QVBoxLayout(box)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    # -- public ----------------------------------------------------------------------------------
    def cards(self) -> list[PlotCard]:
        if not self._built:
            return []
        return [w for w in self.sections.values() if isinstance(w, PlotCard)]

    def visible_sections(self) -> list[str]:
        if not self._built:
            return []
        return [key for key, widget in self.sections.items() if not widget.isHidden()]

    def show_status(self, text: str) -> None:
        """Hide every section and show ``text`` (a missing or corrupt report, a report being read)."""
        self.report = None
        self.title_label.setText("")
        self.status_label.setText(text)
        self.status_label.show()
        for widget in self.sections.values() if self._built else ():
            widget.hide()

    def status_text(self) -> str:
        """The line shown instead of a report ("" while a report is shown)."""
        return self.status_label.text() if not self.status_label.isHidden() else ""

    def set_report(self, report: dict[str, Any] | None, base_dir: Path | None = None, *,
                   model_filters: Any | None = None, feature_images: dict | None = None) -> None:
        """Show ``report``; ``base_dir`` is its folder (for feature visualisation images).

        ``model_filters`` (a ``ModelFilters``) and ``feature_images`` may be prepared off the GUI
        thread by the caller; without ``feature_images`` they are read here from ``base_dir``.
        """
        if report is None:
            self.show_status(tr(NO_REPORT_MESSAGE))
            return
        if not self._built:
            self._build_sections()
        self.report = report
        self.status_label.hide()
        model = report.get("model") or {}
        title = model.get("title") or model.get("name") or tr("Report")
        trained_on = report.get("trained_on")
        self.title_label.setText(f"<h2>{title}</h2>" + (tr("<p>Trained on {data}</p>", data=trained_on) if trained_on else ""))
        self._show_training(report)
        self._show_predictions(report)
        self._show_calibration(report)
        if feature_images is None and report.get("feature_visualisations"):
            feature_images = feature_visualisation_images(report, base_dir)
        has_images = bool(feature_images and (feature_images.get("layers") or feature_images.get("classes")))
        self.features_card.setVisible(has_images)
        if has_images:
            self.features.set_content(feature_images, model_filters)

    def _show_training(self, report: dict[str, Any]) -> None:
        """The curves, the metrics and the model's layers."""
        self.curves_card.setVisible(has_curves(report))
        if has_curves(report):
            self.curves.set_history(report.get("history") or {}, report.get("best_epoch"))
        metrics = report.get("metrics") or {}
        self.metrics_box.setVisible(bool(metrics))
        if metrics:
            self.metrics_table.set_metrics(metrics)
        layers = report.get("layers") or []
        self.summary_box.setVisible(bool(layers))
        self.diagram_card.setVisible(bool(layers))
        if layers:
            self.layer_table.set_layers(layers)
            self.summary_label.setText(summary_line(report))
            self.diagram.set_layers(layers)

    def _show_predictions(self, report: dict[str, Any]) -> None:
        """The confusion matrix, the mistakes, the confidence and the per-class accuracy."""
        names = list(report.get("class_names") or [])
        matrix = report.get("confusion_matrix")
        self.confusion_card.setVisible(bool(matrix) and bool(names))
        if matrix and names:
            self.confusion.set_matrix(matrix, names)
            self.cell_label.setText(tr("Click a cell to see its images."))
            self.cell_gallery.clear()
        table = class_table_of(report)
        large = table is not None or report.get("confused_pairs") is not None
        self.confused_card.setVisible(large)
        if large:
            self.confused.set_confusion(report.get("confused_pairs") or [], table)
            self.pair_label.setText(tr("Click a pair to see its images."))
            self.pair_gallery.clear()
        failures = report.get("failed_predictions")
        self.failed_card.setVisible(failures is not None)
        self._failures = [(f, _image(f)) for f in failures or []]
        self._fill_failures()
        confidence = report.get("confidence")
        self.confidence_card.setVisible(bool(confidence))
        if confidence:
            self.confidence.set_confidence(confidence)
        ranked = sorted_accuracy(report.get("per_class_accuracy") or {})
        self.per_class_card.setVisible(bool(ranked) and not large)  # thousands of bars: the table instead
        self.least_legible_card.setVisible(bool(ranked))
        if ranked:
            if not large:
                self.per_class.set_values(ranked)
            self.least_legible.set_values(ranked[:LEAST_LEGIBLE])

    def _show_calibration(self, report: dict[str, Any]) -> None:
        """The reliability diagram and the figures before and after the temperature, when measured."""
        section = report.get("calibration")
        shown = isinstance(section, dict) and bool(section.get("sets"))
        self.calibration_card.setVisible(shown)
        if not shown:
            return
        self.calibration.set_calibration(section)
        key = shown_set(section)
        self.calibration_card.note.setText(tr(
            "Each bar: how often the answers given with that confidence were right, on {set}. On the dashed "
            "diagonal a percentage means what it says; below it the model was too sure.",
            set=tr(SET_NAMES.get(key, key))))

    def sort_failures(self, most_confident_first: bool) -> None:
        self.sort_combo.setCurrentIndex(0 if most_confident_first else 1)  # MOST_ / LEAST_CONFIDENT_FIRST

    def failure_captions(self) -> list[str]:
        return self.failed_gallery.captions()

    def show_cell(self, true_index: int, predicted_index: int) -> None:
        """Fill the gallery under the matrix with the report's images of one cell."""
        if self.report is None:
            return
        count = int(self.confusion.matrix[true_index, predicted_index])
        self._fill_cell(self.cell_label, self.cell_gallery, true_index, predicted_index, count)

    def show_pair(self, true_index: int, predicted_index: int, count: int) -> None:
        """Fill the gallery under a large model's pairs with the report's images of one pair."""
        if self.report is not None:
            self._fill_cell(self.pair_label, self.pair_gallery, true_index, predicted_index, count)

    def _fill_cell(self, label: QLabel, gallery: ImageGallery, true_index: int, predicted_index: int,
                   count: int) -> None:
        names = self.report.get("class_names") or []
        examples = confusion_examples(self.report, true_index, predicted_index)
        text = f"{names[true_index]} → {names[predicted_index]}, "
        text += (tr("{n:,} image") if count == 1 else tr("{n:,} images")).format(n=count)
        if count and not examples:
            text += tr(" (the report keeps no images of this cell)")
        elif len(examples) < count:
            text += tr(" (showing {n})", n=len(examples))
        label.setText(text)
        gallery.clear()
        for example in examples:
            confidence = float(example.get("confidence", 0.0))
            gallery.add_image(_image(example), f"{confidence:.0%}", confidence, tooltip=str(example.get("source", "")))

    def export_plots(self, folder: str | Path) -> list[Path]:
        """Write every visible chart as ``folder/<section>.png``; returns the files written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return [card.export_png(folder / f"{card.name}.png") for card in self.cards() if not card.isHidden()]

    # -- private ---------------------------------------------------------------------------------
    def _fill_failures(self) -> None:
        descending = self.sort_combo.currentIndex() == 0  # MOST_CONFIDENT_FIRST
        ordered = sorted(self._failures, key=lambda pair: float(pair[0].get("confidence", 0.0)), reverse=descending)
        self.failed_gallery.clear()
        for failure, image in ordered:
            self.failed_gallery.add_image(image, _caption(failure), float(failure.get("confidence", 0.0)),
                                          tooltip=f"{_caption(failure)}\n{failure.get('source', '')}")
        total = (self.report or {}).get("failed_total")
        shown = len(self._failures)
        if total is not None and total > shown:
            self.failed_card.note.setText(tr("The {shown} most confident of {total:,} mistakes.", shown=shown,
                                             total=total))
        else:
            self.failed_card.note.setText((tr("{n:,} mistake.") if shown == 1 else tr("{n:,} mistakes.")).format(n=shown))
