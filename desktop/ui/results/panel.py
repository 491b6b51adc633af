"""The Results panel: a model's report (or two, compared), your own test set, the dataset explorer,
the classic architectures and the experiments.

Models come from the :class:`ModelHost`'s scan, so any model with a sidecar report shows up. This
module is the controller: the panel's state and its commands (:class:`ResultsCommands`, what
lessons, menus and tests call). The layout is :class:`desktop.ui.results.view.ResultsView`; each
report pane reads its report off the GUI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from desktop.core.registry import ModelInfo, ModelProblem, preferred_character_model
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.panel_commands import SignalLike
from desktop.ui.results.architectures_view import ArchitecturesView
from desktop.ui.results.experiments_view import ExperimentsView
from desktop.ui.results.report_pane import ModelReportPane
from desktop.ui.results.report_view import ReportView
from desktop.ui.results.section_pin import scroll_to_section
from desktop.ui.results.view import ResultsView, unavailable_note

log = logging.getLogger(__name__)

SIDES = ("left", "right")


def _optional_view(module: str, class_name: str, what: str) -> Callable[[], QWidget]:
    """A factory of a view of the panel, or of a note when this installation lacks it."""
    def build() -> QWidget:
        try:
            imported = __import__(module, fromlist=[class_name])
            return getattr(imported, class_name)()
        except ImportError as exc:
            log.warning("the %s view is not available: %s", what, exc)
            return unavailable_note(what, exc)
    return build


class ResultsPanel(QWidget):
    """Tabs: "Models" (one report, or two: side by side on a wide screen, stacked on a narrow one),
    "Evaluate a test set", "Dataset explorer", "Architectures" (the classic CNNs) and "Experiments"
    (model comparisons, hyperparameter searches).

    The tabs after "Models" are built the first time they are chosen (their charts cost a second or
    more); ``evaluate_view``, ``dataset_view``, ``architectures_view`` and ``experiments_view`` build
    theirs when asked for.
    """

    status_message = Signal(str)

    def __init__(self, model_source, parent: QWidget | None = None):
        """``model_source`` has a ``models_ready(models, problems)`` signal: the main window (which
        re-emits the host's list once it holds it) or, standing alone, a model host."""
        super().__init__(parent)
        self.setObjectName("resultsPanel")
        self.setAccessibleName("Results panel")
        self._models: list[ModelInfo] = []
        self._problems: list[ModelProblem] | None = None
        self.left = ModelReportPane("left")
        self.right = ModelReportPane("right")
        self.view = ResultsView(self, self.left, self.right, {
            "evaluate": _optional_view("desktop.ui.results.evaluate_view", "EvaluateView",
                                       tr_noop("test-set evaluation")),
            "dataset": _optional_view("desktop.ui.results.dataset_view", "DatasetView", tr_noop("dataset explorer")),
            "architectures": ArchitecturesView,
            "experiments": ExperimentsView,
        })
        self.view.page_built.connect(self._on_page_built)
        self.view.export_button.clicked.connect(self._export_dialog)
        model_source.models_ready.connect(self.set_models)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- models ----------------------------------------------------------------------------------
    @property
    def models(self) -> list[ModelInfo]:
        return self._models

    def set_models(self, models: list[ModelInfo], problems: list[ModelProblem] | None = None) -> None:
        """Offer every model; the CNN on the left, the logistic regression on the right (the course's pair)."""
        self._models = list(models)
        first = preferred_character_model(self._models) or (self._models[0] if self._models else None)
        logistic = next((m for m in self._models if "logistic" in (m.title + m.path.name).lower()), None)
        second = logistic if logistic is not None and logistic is not first else \
            next((m for m in self._models if m is not first), first)
        self.left.set_models(self._models, first)
        self.right.set_models(self._models, second)
        self._problems = problems
        self._offer_models(self.view.built_pages().get("evaluate"))

    def _offer_models(self, evaluate: QWidget | None) -> None:
        if hasattr(evaluate, "set_models"):  # not the note shown when this installation lacks the view
            evaluate.set_models(self._models, self._problems)

    def _on_page_built(self, key: str, view: QWidget) -> None:
        if key == "evaluate":
            self._offer_models(view)

    # -- commands (ResultsCommands) --------------------------------------------------------------
    def show_tab(self, tab: str) -> bool:
        """Make tab ``tab`` current: "models", "evaluate", "dataset", "architectures" or "experiments";
        False when this version has no such tab."""
        return self.view.show_tab(tab)

    def set_compare(self, on: bool) -> None:
        """Two reports (the right one shown too) or one."""
        self.view.compare_checkbox.setChecked(on)

    def shown_sides(self) -> list[str]:
        """"left" and, when comparing, "right"."""
        return [side for side in SIDES if not self._pane(side).isHidden()]

    def choose_model(self, side: str, path: str) -> None:
        """Show the report of the model at ``path`` on ``side``."""
        self._pane(side).choose(path)

    def sort_failures(self, side: str, most_confident_first: bool) -> None:
        self._pane(side).view.sort_failures(most_confident_first)

    def report_loading(self, side: str) -> bool:
        """The report of ``side`` is being read."""
        return self._pane(side).is_loading()

    def report_shown_signal(self, side: str) -> SignalLike:
        """Emitted when ``side`` has shown a report it read (or why it could not)."""
        return self._pane(side).report_shown

    def scroll_to_section(self, side: str, key: str) -> None:
        """Bring report section ``key`` to the top and hold it there until the user scrolls or
        another report is shown."""
        pane = self._pane(side)
        scroll_to_section(pane.view, key, released_by=pane.report_shown)

    def _pane(self, side: str) -> ModelReportPane:
        if side not in SIDES:
            raise ValueError(f"no report pane on the {side!r} side")
        return self.left if side == "left" else self.right

    def report_views(self) -> list[ReportView]:
        """The report views on screen in the Models tab (one, or two when comparing)."""
        return [self._pane(side).view for side in self.shown_sides()]

    # -- tabs built on first use -----------------------------------------------------------------
    @property
    def evaluate_view(self) -> QWidget:
        return self.view.page("evaluate")

    @property
    def dataset_view(self) -> QWidget:
        return self.view.page("dataset")

    @property
    def architectures_view(self) -> ArchitecturesView:
        return self.view.page("architectures")

    @property
    def experiments_view(self) -> ExperimentsView:
        return self.view.page("experiments")

    # -- export ----------------------------------------------------------------------------------
    def export_plots(self, folder: str | Path) -> list[Path]:
        """Every visible chart of the Models tab as PNG, one subfolder per shown model; then the charts
        of the Architectures and Experiments tabs once they show something."""
        written = []
        for side in self.shown_sides():
            pane = self._pane(side)
            if pane.chosen_path() is not None:
                written += pane.view.export_plots(Path(folder) / f"{side}_{pane.chosen_path().stem}")
        built = self.view.built_pages()  # a tab never chosen shows no charts yet
        for key in ("architectures", "experiments"):
            if key in built:
                written += built[key].export_plots(Path(folder) / key)
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
            self._show_status(str(exc))
            return
        self._show_status(tr("Saved {n} chart(s) in {folder}", n=len(files), folder=folder))

    def _show_status(self, text: str) -> None:
        self.status_message.emit(text)

    def shutdown(self) -> None:
        for pane in (self.left, self.right):
            pane.loader.wait()
        for view in self.view.built_pages().values():
            if hasattr(view, "shutdown"):  # not the note shown when this installation lacks the view
                view.shutdown()
