"""One side of the Models tab: a model chooser above the report of the chosen model.

The report is read by a :class:`ReportLoader` off the GUI thread, and only once the pane is on
screen (reports are megabytes); a late answer for a model no longer chosen is dropped.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from desktop.core.registry import ModelInfo
from desktop.ui.i18n import tr, tr_noop, translated, translated_label
from desktop.ui.results.report_loader import LoadedReport, ReportLoader
from desktop.ui.results.report_view import ReportView

LOADING_MODELS = tr_noop("Loading the models…")
NO_MODELS = tr_noop("No model found. Build the shipped ones with: python -m training build-assets")


class ModelReportPane(QWidget):
    """A model chooser above the ReportView of the chosen model; ``report_shown`` follows each reading."""

    report_shown = Signal()

    def __init__(self, side: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"reportPane_{side}")
        self.setAccessibleName(f"{side.capitalize()} model report")
        self.combo = QComboBox()
        self.combo.setObjectName(f"modelChooser_{side}")
        self.combo.setAccessibleName(f"Model shown on the {side}")
        translated(self.combo.setToolTip, "Which model's report to show")
        self.view = ReportView(name=f"reportView_{side}")
        self.loader = ReportLoader(self)
        self._request = 0
        self._waiting_to_load = False
        row = QHBoxLayout()
        row.addWidget(translated_label("Model:"))
        row.addWidget(self.combo, stretch=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.view, stretch=1)
        self.view.show_status(tr(LOADING_MODELS))
        self.combo.currentIndexChanged.connect(self._on_choice)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)

    def set_models(self, models: list[ModelInfo], chosen: ModelInfo | None) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        for model in models:
            self.combo.addItem(model.label, str(model.path))
        if chosen is not None:
            self.combo.setCurrentIndex(self.combo.findData(str(chosen.path)))
        self.combo.blockSignals(False)
        if models:
            self._on_choice()
        else:
            self.view.show_status(tr(NO_MODELS))

    def chosen_path(self) -> Path | None:
        data = self.combo.currentData()
        return Path(data) if data else None

    def choose(self, path: str | Path) -> None:
        self.combo.setCurrentIndex(self.combo.findData(str(path)))

    def is_loading(self) -> bool:
        return self._request != 0

    def _on_choice(self) -> None:
        path = self.chosen_path()
        if path is None:
            return
        if not self.isVisible():  # reports are megabytes: read one when someone looks at it
            self._waiting_to_load = True
            return
        self._waiting_to_load = False
        self.view.show_status(tr("Reading the report of {name}…", name=path.name))
        self._request = self.loader.load(path)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self._waiting_to_load:
            self._on_choice()

    def _on_loaded(self, request_id: int, loaded: LoadedReport) -> None:
        if request_id != self._request:
            return  # the user chose another model meanwhile
        self._request = 0
        self.view.set_report(loaded.report, loaded.base_dir, model_filters=loaded.model_filters,
                             feature_images=loaded.feature_images)
        self.report_shown.emit()

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._request:
            return
        self._request = 0
        self.view.show_status(message)
        self.report_shown.emit()
