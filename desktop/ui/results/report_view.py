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

from desktop.core.report import confusion_examples, decode_png, feature_visualisation_images
from desktop.ui.fonts import cjk_font
from desktop.ui.results.bars import LEAST_LEGIBLE, ClassBarChart, ConfidenceHistograms, sorted_accuracy
from desktop.ui.results.confusion import ConfusionMatrixView
from desktop.ui.results.curves import TrainingCurves, has_curves
from desktop.ui.results.feature_vis import FeatureVisualisations
from desktop.ui.results.gallery import ImageGallery
from desktop.ui.results.layer_diagram import LayerDiagram
from desktop.ui.results.plot_card import PlotCard
from desktop.ui.results.tables import LayerTable, MetricsTable, summary_line

log = logging.getLogger(__name__)

MOST_CONFIDENT_FIRST = "Most confident first"
LEAST_CONFIDENT_FIRST = "Least confident first"
NO_REPORT_MESSAGE = "No report to show."


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
    return f"{failure.get('predicted', '?')} not {failure.get('true', '?')} ({float(failure.get('confidence', 0)):.0%})"


class ReportView(QScrollArea):
    """A scrolling column of sections; build once, then ``set_report`` as often as needed."""

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
        self.message_label = QLabel(NO_REPORT_MESSAGE)
        self.message_label.setObjectName("reportMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setStyleSheet("QLabel { color: #9c2a00; padding: 6px; }")

        self.curves = TrainingCurves()
        self.curves_card = PlotCard("Training curves", self.curves,
                                    note="Training (blue) and validation (orange); "
                                         "the dashed line is the epoch kept by early stopping.")

        self.metrics_table = MetricsTable()
        self.metrics_box = self._group("Metrics", self.metrics_table)

        self.layer_table = LayerTable()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("modelSummaryTotals")
        self.summary_box = self._group("Model summary", self.layer_table, self.summary_label)
        self.diagram = LayerDiagram()
        self.diagram_card = PlotCard("Layer diagram", self.diagram)

        self.confusion = ConfusionMatrixView()
        self.confusion_card = PlotCard("Confusion matrix", self.confusion,
                                       note="Scroll to zoom, drag to pan; click a cell to see its images.")
        self.cell_label = QLabel("Click a cell to see its images.")
        self.cell_label.setObjectName("confusionCellLabel")
        self.cell_label.setFont(cjk_font(11))
        self.cell_gallery = ImageGallery("confusionExamples", "Images of the chosen confusion-matrix cell")
        self.confusion_card.layout().addWidget(self.cell_label)
        self.confusion_card.layout().addWidget(self.cell_gallery)
        self.confusion.cell_clicked.connect(self.show_cell)

        self.failed_gallery = ImageGallery("failedGallery", "Failed predictions")
        self.failed_gallery.setMinimumHeight(300)
        self.failed_card = PlotCard("Failed predictions", self.failed_gallery)
        self.sort_combo = QComboBox()
        self.sort_combo.setObjectName("failedSortOrder")
        self.sort_combo.setAccessibleName("Sort failed predictions by confidence")
        self.sort_combo.addItems([MOST_CONFIDENT_FIRST, LEAST_CONFIDENT_FIRST])
        self.sort_combo.currentIndexChanged.connect(lambda _i: self._fill_failures())
        sort_row = QHBoxLayout()
        sort_row.addWidget(QLabel("Sort:"))
        sort_row.addWidget(self.sort_combo)
        sort_row.addStretch()
        self.failed_card.layout().insertLayout(1, sort_row)

        self.confidence = ConfidenceHistograms()
        self.confidence_card = PlotCard("Confidence", self.confidence,
                                        note="The top probability when the prediction was right, "
                                             "and when it was wrong.")
        self.per_class = ClassBarChart("perClassAccuracy", "Accuracy per class (sorted)")
        self.per_class_card = PlotCard("Per-class accuracy", self.per_class)
        self.least_legible = ClassBarChart("leastLegible", f"The {LEAST_LEGIBLE} least legible characters")
        self.least_legible_card = PlotCard("Least legible characters", self.least_legible)
        self.features = FeatureVisualisations()
        self.features_card = PlotCard("What the layers learn", self.features)

        self.sections: dict[str, QWidget] = {
            "curves": self.curves_card,
            "metrics": self.metrics_box,
            "summary": self.summary_box,
            "diagram": self.diagram_card,
            "confusion": self.confusion_card,
            "failed": self.failed_card,
            "confidence": self.confidence_card,
            "per_class": self.per_class_card,
            "least_legible": self.least_legible_card,
            "features": self.features_card,
        }
        body = QWidget()
        body.setObjectName("reportBody")
        column = QVBoxLayout(body)
        column.addWidget(self.title_label)
        column.addWidget(self.message_label)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary_box, stretch=3)
        summary_row.addWidget(self.diagram_card, stretch=2)
        for key, widget in self.sections.items():
            if key == "summary":
                column.addLayout(summary_row)
            elif key != "diagram":
                column.addWidget(widget)
        column.addStretch()
        self.setWidget(body)
        self.set_report(None)

    @staticmethod
    def _group(title: str, *widgets: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        box.setObjectName(f"group_{title.lower().replace(' ', '_')}")
        layout = QVBoxLayout(box)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    # -- public ----------------------------------------------------------------------------------
    def cards(self) -> list[PlotCard]:
        return [w for w in self.sections.values() if isinstance(w, PlotCard)]

    def visible_sections(self) -> list[str]:
        return [key for key, widget in self.sections.items() if not widget.isHidden()]

    def show_message(self, text: str) -> None:
        """Hide every section and show ``text`` (a missing or corrupt report)."""
        self.report = None
        self.title_label.setText("")
        self.message_label.setText(text)
        self.message_label.show()
        for widget in self.sections.values():
            widget.hide()

    def message(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def set_report(self, report: dict[str, Any] | None, base_dir: Path | None = None, *,
                   model_filters: Any | None = None, feature_images: dict | None = None) -> None:
        """Show ``report``; ``base_dir`` is its folder (for feature visualisation images).

        ``model_filters`` (a ``ModelFilters``) and ``feature_images`` may be prepared off the GUI
        thread by the caller; without ``feature_images`` they are read here from ``base_dir``.
        """
        if report is None:
            self.show_message(NO_REPORT_MESSAGE)
            return
        self.report = report
        self.message_label.hide()
        names = list(report.get("class_names") or [])
        model = report.get("model") or {}
        title = model.get("title") or model.get("name") or "Report"
        trained_on = report.get("trained_on")
        self.title_label.setText(f"<h2>{title}</h2>" + (f"<p>Trained on {trained_on}</p>" if trained_on else ""))

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

        matrix = report.get("confusion_matrix")
        self.confusion_card.setVisible(bool(matrix) and bool(names))
        if matrix and names:
            self.confusion.set_matrix(matrix, names)
            self.cell_label.setText("Click a cell to see its images.")
            self.cell_gallery.clear()

        failures = report.get("failed_predictions")
        self.failed_card.setVisible(failures is not None)
        self._failures = [(f, _image(f)) for f in failures or []]
        self._fill_failures()

        confidence = report.get("confidence")
        self.confidence_card.setVisible(bool(confidence))
        if confidence:
            self.confidence.set_confidence(confidence)

        ranked = sorted_accuracy(report.get("per_class_accuracy") or {})
        self.per_class_card.setVisible(bool(ranked))
        self.least_legible_card.setVisible(bool(ranked))
        if ranked:
            self.per_class.set_values(ranked)
            self.least_legible.set_values(ranked[:LEAST_LEGIBLE])

        if feature_images is None and report.get("feature_visualisations"):
            feature_images = feature_visualisation_images(report, base_dir)
        has_images = bool(feature_images and (feature_images.get("layers") or feature_images.get("classes")))
        self.features_card.setVisible(has_images)
        if has_images:
            self.features.set_content(feature_images, model_filters)

    def sort_failures(self, most_confident_first: bool) -> None:
        self.sort_combo.setCurrentText(MOST_CONFIDENT_FIRST if most_confident_first else LEAST_CONFIDENT_FIRST)

    def failure_captions(self) -> list[str]:
        return self.failed_gallery.captions()

    def show_cell(self, true_index: int, predicted_index: int) -> None:
        """Fill the gallery under the matrix with the report's images of one cell."""
        if self.report is None:
            return
        names = self.report.get("class_names") or []
        count = int(self.confusion.matrix[true_index, predicted_index])
        examples = confusion_examples(self.report, true_index, predicted_index)
        text = f"{names[true_index]} → {names[predicted_index]}, {count:,} image{'s' if count != 1 else ''}"
        if count and not examples:
            text += " (the report keeps no images of this cell)"
        elif len(examples) < count:
            text += f" (showing {len(examples)})"
        self.cell_label.setText(text)
        self.cell_gallery.clear()
        for example in examples:
            confidence = float(example.get("confidence", 0.0))
            self.cell_gallery.add_image(_image(example), f"{confidence:.0%}", confidence,
                                        tooltip=str(example.get("source", "")))

    def export_plots(self, folder: str | Path) -> list[Path]:
        """Write every visible chart as ``folder/<section>.png``; returns the files written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return [card.export_png(folder / f"{card.name}.png") for card in self.cards() if not card.isHidden()]

    # -- private ---------------------------------------------------------------------------------
    def _fill_failures(self) -> None:
        descending = self.sort_combo.currentText() == MOST_CONFIDENT_FIRST
        ordered = sorted(self._failures, key=lambda pair: float(pair[0].get("confidence", 0.0)), reverse=descending)
        self.failed_gallery.clear()
        for failure, image in ordered:
            self.failed_gallery.add_image(image, _caption(failure), float(failure.get("confidence", 0.0)),
                                          tooltip=f"{_caption(failure)}\n{failure.get('source', '')}")
        total = (self.report or {}).get("failed_total")
        shown = len(self._failures)
        if total is not None and total > shown:
            self.failed_card.note.setText(f"The {shown} most confident of {total:,} mistakes.")
        else:
            self.failed_card.note.setText(f"{shown:,} mistake{'s' if shown != 1 else ''}.")
