"""The Results panel: a model's report (or two, compared), your own test set, the dataset explorer.

Models come from the :class:`ModelHost`'s scan, so any model with a sidecar report shows up. The
reports are read by a :class:`ReportLoader` off the GUI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.registry import ModelInfo, ModelProblem, preferred_character_model
from desktop.ui.i18n import tr, tr_noop, translated, translated_label, translated_tab
from desktop.ui.results.architectures_view import ArchitecturesView
from desktop.ui.results.experiments_view import ExperimentsView
from desktop.ui.results.report_loader import LoadedReport, ReportLoader
from desktop.ui.results.report_view import ReportView

log = logging.getLogger(__name__)

LOADING_MODELS = tr_noop("Loading the models…")
NO_MODELS = tr_noop("No model found. Build the shipped ones with: python -m training build-assets")
#: How wide (in ems: multiples of the text size) a report must be for its charts and tables to stay readable.
REPORT_READABLE_EMS = 43


class ModelReportPane(QWidget):
    """A model chooser above the ReportView of the chosen model."""

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
        self.view.show_message(tr(LOADING_MODELS))
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
            self.view.show_message(tr(NO_MODELS))

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
        self.view.show_message(tr("Reading the report of {name}…", name=path.name))
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
        self.view.show_message(message)
        self.report_shown.emit()


def _optional_view(module: str, class_name: str, what: str) -> QWidget:
    """A view of the panel, or a note when this installation lacks it."""
    try:
        imported = __import__(module, fromlist=[class_name])
        return getattr(imported, class_name)()
    except ImportError as exc:
        log.warning("the %s view is not available: %s", what, exc)
        label = QLabel(tr("The {what} is not available in this installation ({reason}).", what=tr(what), reason=exc))
        label.setWordWrap(True)
        return label


class _TabPlaceholder(QWidget):
    """An empty page standing in for a tab's view (same object name) until the tab is first chosen."""

    def __init__(self, name: str, factory: Callable[[], QWidget]):
        super().__init__()
        self.setObjectName(name)
        self.factory = factory


class ResultsPanel(QWidget):
    """Tabs: "Models" (one report, or two: side by side on a wide screen, stacked on a narrow one),
    "Evaluate a test set", "Dataset explorer", "Architectures" (the classic CNNs) and "Experiments"
    (model comparisons, hyperparameter searches).

    The tabs after "Models" are built the first time they are chosen (their charts cost a second or
    more); ``evaluate_view``, ``dataset_view``, ``architectures_view`` and ``experiments_view`` build
    theirs when asked for.
    """

    message = Signal(str)

    def __init__(self, model_source, parent: QWidget | None = None):
        """``model_source`` has a ``models_ready(models, problems)`` signal: the main window (which
        re-emits the host's list once it holds it) or, standing alone, a model host."""
        super().__init__(parent)
        self.setObjectName("resultsPanel")
        self.setAccessibleName("Results panel")
        self.models: list[ModelInfo] = []
        self._problems: list[ModelProblem] | None = None

        self.compare_checkbox = QCheckBox()
        translated(self.compare_checkbox.setText, "Compare two models", owner=self.compare_checkbox)
        self.compare_checkbox.setObjectName("compareModelsCheckBox")
        self.compare_checkbox.setAccessibleName("Compare two models")
        translated(self.compare_checkbox.setToolTip,
                   "Side by side when the window is wide enough, one above the other when it is not",
                   owner=self.compare_checkbox)
        self.compare_checkbox.setChecked(True)
        self.export_button = QPushButton()
        translated(self.export_button.setText, "Export all charts…", owner=self.export_button)
        self.export_button.setObjectName("exportAllChartsButton")
        self.export_button.setAccessibleName("Export every chart as PNG")
        translated(self.export_button.setToolTip, "Save every chart shown as a PNG file into a folder")
        self.left = ModelReportPane("left")
        self.right = ModelReportPane("right")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("modelsSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.installEventFilter(self)  # side by side or stacked, by the room it gets
        models_tab = QWidget()
        models_tab.setObjectName("modelsTab")
        top = QHBoxLayout()
        top.addWidget(self.compare_checkbox)
        top.addStretch()
        top.addWidget(self.export_button)
        column = QVBoxLayout(models_tab)
        column.addLayout(top)
        column.addWidget(self.splitter, stretch=1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("resultsTabs")
        self.tabs.setAccessibleName("Results")
        self.tabs.addTab(models_tab, "Models")
        translated_tab(self.tabs, models_tab, "Models")
        self._lazy_tabs: dict[str, _TabPlaceholder] = {}  # view attribute -> its page until built
        self._built_views: dict[str, QWidget] = {}
        for attribute, name, title, factory in (
            ("evaluate_view", "evaluateView", tr_noop("Evaluate a test set"),
             lambda: _optional_view("desktop.ui.results.evaluate_view", "EvaluateView",
                                    tr_noop("test-set evaluation"))),
            ("dataset_view", "datasetView", tr_noop("Dataset explorer"),
             lambda: _optional_view("desktop.ui.results.dataset_view", "DatasetView", tr_noop("dataset explorer"))),
            ("architectures_view", "architecturesTab", tr_noop("Architectures"), ArchitecturesView),
            ("experiments_view", "experimentsTab", tr_noop("Experiments"), ExperimentsView),
        ):
            page = _TabPlaceholder(name, factory)
            self._lazy_tabs[attribute] = page
            index = self.tabs.addTab(page, title)
            # By index: the placeholder gives way to the view at the same place.
            translated(lambda text, i=index: self.tabs.setTabText(i, text), title, owner=self.tabs)
        self.tabs.currentChanged.connect(self._on_tab_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.compare_checkbox.toggled.connect(self.right.setVisible)
        self.export_button.clicked.connect(self._export_dialog)
        model_source.models_ready.connect(self.set_models)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- two reports: side by side or one above the other ---------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.splitter and event.type() == QEvent.Type.Resize:
            self._orient_reports()
        return super().eventFilter(watched, event)

    def side_by_side_width(self) -> int:
        """The narrowest Models tab that shows two reports side by side; narrower, they are stacked."""
        # In ems of the text size, not characters of a font: English and Chinese switch at the same width.
        return 2 * REPORT_READABLE_EMS * QFontInfo(self.font()).pixelSize()

    def _orient_reports(self) -> None:
        """Side by side, each report keeps readable charts only on a wide screen: on a projector
        (1024 wide, or 1280 with the lessons open) the two reports are stacked, each the full width,
        rather than squeezed or cut off. A lesson scrolls both to the same section, so the two
        charts it compares still sit one above the other."""
        wanted = Qt.Orientation.Horizontal if self.splitter.width() >= self.side_by_side_width() \
            else Qt.Orientation.Vertical
        if self.splitter.orientation() == wanted:
            return
        self.splitter.setOrientation(wanted)
        along = self.splitter.width() if wanted == Qt.Orientation.Horizontal else self.splitter.height()
        self.splitter.setSizes([along // 2, along - along // 2])

    def reports_side_by_side(self) -> bool:
        return self.splitter.orientation() == Qt.Orientation.Horizontal

    def set_models(self, models: list[ModelInfo], problems: list[ModelProblem] | None = None) -> None:
        """Offer every model; the CNN on the left, the logistic regression on the right (the course's pair)."""
        self.models = list(models)
        first = preferred_character_model(self.models) or (self.models[0] if self.models else None)
        logistic = next((m for m in self.models if "logistic" in (m.title + m.path.name).lower()), None)
        second = logistic if logistic is not None and logistic is not first else \
            next((m for m in self.models if m is not first), first)
        self.left.set_models(self.models, first)
        self.right.set_models(self.models, second)
        self._problems = problems
        evaluate = self._built_views.get("evaluate_view")
        if hasattr(evaluate, "set_models"):
            evaluate.set_models(models, problems)

    # -- tabs built on first use -----------------------------------------------------------------
    @property
    def evaluate_view(self) -> QWidget:
        return self._view("evaluate_view")

    @property
    def dataset_view(self) -> QWidget:
        return self._view("dataset_view")

    @property
    def architectures_view(self) -> ArchitecturesView:
        return self._view("architectures_view")

    @property
    def experiments_view(self) -> ExperimentsView:
        return self._view("experiments_view")

    def _on_tab_chosen(self, index: int) -> None:
        page = self.tabs.widget(index)
        for attribute, placeholder in list(self._lazy_tabs.items()):
            if placeholder is page:
                self._view(attribute)

    def _view(self, attribute: str) -> QWidget:
        """The tab's view, built now (in the placeholder's place) if it was not yet."""
        view = self._built_views.get(attribute)
        if view is not None:
            return view
        placeholder = self._lazy_tabs.pop(attribute)
        view = placeholder.factory()
        if not view.objectName():  # the note of a view this installation lacks
            view.setObjectName(placeholder.objectName())
        self._built_views[attribute] = view
        if attribute == "evaluate_view" and hasattr(view, "set_models"):
            view.set_models(self.models, self._problems)
        index = self.tabs.indexOf(placeholder)
        was_current = self.tabs.currentIndex() == index
        blocked = self.tabs.blockSignals(True)  # one tab, one page: no currentChanged for the swap
        try:
            self.tabs.insertTab(index, view, self.tabs.tabText(index))
            if was_current:
                self.tabs.setCurrentIndex(index)
            self.tabs.removeTab(index + 1)
        finally:
            self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        return view

    def show_tab(self, object_name: str) -> bool:
        """Select the tab whose page is named ``object_name`` (``"architecturesTab"``, ``"experimentsTab"``,
        ``"modelsTab"``, ``"evaluateView"``, ``"datasetView"``); a prefix such as ``"experiments"`` works too.

        False when no tab matches.
        """
        pages = [self.tabs.widget(i).objectName() for i in range(self.tabs.count())]
        wanted = object_name.lower()
        matches = [i for i, name in enumerate(pages) if name == object_name] or \
                  [i for i, name in enumerate(pages) if name and name.lower().startswith(wanted)]
        if not matches:
            return False
        self.tabs.setCurrentIndex(matches[0])
        return True

    def report_views(self) -> list[ReportView]:
        """The report views on screen in the Models tab (one, or two when comparing)."""
        return [pane.view for pane in (self.left, self.right) if not pane.isHidden()]

    def export_plots(self, folder: str | Path) -> list[Path]:
        """Every visible chart of the Models tab as PNG, one subfolder per shown model; then the charts
        of the Architectures and Experiments tabs once they show something."""
        written = []
        for pane in (self.left, self.right):
            if pane.isHidden() or pane.chosen_path() is None:
                continue
            side = pane.objectName().split("_")[-1]
            written += pane.view.export_plots(Path(folder) / f"{side}_{pane.chosen_path().stem}")
        # A tab never chosen shows no charts yet.
        for attribute, subfolder in (("architectures_view", "architectures"), ("experiments_view", "experiments")):
            view = self._built_views.get(attribute)
            if view is not None:
                written += view.export_plots(Path(folder) / subfolder)
        return written

    def _export_dialog(self) -> None:
        settings = QSettings()
        start = str(settings.value("results/export_folder", str(Path.home())))
        folder = QFileDialog.getExistingDirectory(self, tr("Export the charts into"), start)
        if not folder:
            return
        settings.setValue("results/export_folder", folder)
        try:
            files = self.export_plots(folder)
        except OSError as exc:
            self.message.emit(str(exc))
            return
        self.message.emit(tr("Saved {n} chart(s) in {folder}", n=len(files), folder=folder))

    def shutdown(self) -> None:
        for pane in (self.left, self.right):
            pane.loader.wait()
        for view in self._built_views.values():
            if hasattr(view, "shutdown"):
                view.shutdown()
