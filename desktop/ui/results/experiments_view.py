"""The "Experiments" tab: model comparisons (``compare.json``) and hyperparameter searches (``tuning.json``).

The shipped experiments under ``assets/experiments/*/`` are listed when the tab is first shown;
"Open…" adds a file of the user's own and "Reload" reads the shown one again (a search rewrites its
tuning.json after every trial). Files are read off the GUI thread; a bad file gives a message that
names it and the experiment shown before stays. The two kinds are shown by
:class:`~desktop.ui.results.compare_page.ComparePage` and
:class:`~desktop.ui.results.tuning_page.TuningPage`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.contract import assets_dir
from desktop.core.experiments import (
    COMPARE_NAME,
    TUNING_NAME,
    Experiment,
    ExperimentError,
    find_experiments,
    format_value,
    load_experiment,
)
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import notifier, tr, tr_noop, translated, translated_label
from desktop.ui.results import compare_page, tuning_page
from desktop.ui.results.compare_page import ComparePage
from desktop.ui.results.plot_card import PlotCard
from desktop.ui.results.tuning_page import TuningPage
from desktop.ui.widgets import push_button
from desktop.ui.workers import BackgroundLoader

STATUS_STYLE = "QLabel { color: #9c2a00; padding: 6px; }"
KIND_TITLES = {"compare": tr_noop("model comparison"), "tuning": tr_noop("hyperparameter search")}


def default_root() -> Path:
    return assets_dir() / "experiments"


def entry_label(path: Path) -> str:
    kind = "compare" if path.name == COMPARE_NAME else "tuning" if path.name == TUNING_NAME else None
    what = tr(KIND_TITLES[kind]) if kind else path.name
    return f"{path.parent.name} — {what}"


def info_text(data: dict[str, Any], first: str, path: Path) -> str:
    """What an experiment is, on what data, with which settings, written when and where (rich text)."""
    parts = [first]
    if data.get("data"):
        parts.append(tr("Data: {data}", data=str(data["data"])))
    settings = data.get("settings") or {}
    if settings:
        parts.append(tr("Settings: {settings}", settings=", ".join(
            f"{key.replace('_', ' ')} {format_value(value)}" for key, value in settings.items())))
    made = " · ".join(str(data[key]) for key in ("created", "created_by") if data.get(key))
    if made:
        parts.append(tr("Written: {made}", made=made))
    parts.append(str(path))
    return "<br>".join(html.escape(p) for p in parts if p)


class ExperimentsView(QWidget):
    """A chooser of experiments above the comparison or the search it shows."""

    listed = Signal(object)  # the shipped experiment files found
    experiment_shown = Signal(object)  # an Experiment
    experiment_failed = Signal(str)

    def __init__(self, root: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("experimentsTab")
        self.setAccessibleName("Experiments: model comparisons and hyperparameter searches")
        self.root = Path(root) if root is not None else default_root()
        self.experiment: Experiment | None = None
        self.loader = BackgroundLoader(self, ExperimentError)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self._request = 0
        self._list_request = 0
        self._list_on_show = True
        self._build_controls()
        self.compare_page = ComparePage()
        self.tuning_page = TuningPage()
        self.stack = QStackedWidget()
        self.stack.setObjectName("experimentPages")
        for page in (QWidget(), self.compare_page, self.tuning_page):  # empty until an experiment is shown
            self.stack.addWidget(page)
        self._lay_out()
        self._show_status(tr("Experiments are listed when this tab is first shown."))
        self._update_buttons()
        notifier().language_changed.connect(self._retranslate)

    def _build_controls(self) -> None:
        self.chooser = QComboBox()
        self.chooser.setObjectName("experimentChooser")
        self.chooser.setAccessibleName("Experiment shown")
        self.chooser.setMinimumContentsLength(30)
        translated(self.chooser.setToolTip, "Shipped experiments and the files you opened", owner=self.chooser)
        self.chooser.activated.connect(self._on_chosen)
        self.open_button = push_button(
            tr_noop("Open…"), name="openExperimentButton", accessible="Open a compare.json or tuning.json",
            tip=tr_noop("Open a compare.json or tuning.json written by python -m training"), on_click=self.open_dialog)
        self.reload_button = push_button(
            tr_noop("Reload"), name="reloadExperimentButton", accessible="Reload the shown experiment",
            tip=tr_noop("Read the file again (a running search rewrites it after every trial)"), on_click=self.reload)
        self.status_label = QLabel()
        self.status_label.setObjectName("experimentsStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setStyleSheet(STATUS_STYLE)
        self.info_label = QLabel()
        self.info_label.setObjectName("experimentInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label.setFont(cjk_font())

    def _lay_out(self) -> None:
        body = QWidget()
        body_column = QVBoxLayout(body)
        body_column.addWidget(self.info_label)
        body_column.addWidget(self.stack, stretch=1)
        scroll = QScrollArea()
        scroll.setObjectName("experimentsScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        top = QHBoxLayout()
        top.addWidget(translated_label("Experiment:"))
        top.addWidget(self.chooser, stretch=1)
        top.addWidget(self.open_button)
        top.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(scroll, stretch=1)

    def _retranslate(self, _language: str = "") -> None:
        """Texts made from the data (chooser entries, summaries, headers) follow a language switch too."""
        for i in range(self.chooser.count()):
            self.chooser.setItemText(i, entry_label(Path(self.chooser.itemData(i))))
        if self.experiment is not None:
            self.set_experiment(self.experiment)

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()

    # -- choosing and loading --------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self._list_on_show:
            self.refresh_list()

    def refresh_list(self) -> None:
        """Look for the shipped experiments (``root/*/compare.json|tuning.json``) on a worker thread."""
        self._list_on_show = False
        self._list_request = self.loader.load(find_experiments, self.root)

    def show_experiment(self, path: str | Path) -> None:
        """Read and show a compare.json or tuning.json (or a folder holding one); the result comes as a signal."""
        path = Path(path)
        self._show_status(tr("Reading {path}…", path=str(path)))
        self._request = self.loader.load(load_experiment, path)
        self._update_buttons()

    def reload(self) -> None:
        """Read the shown experiment again (a running search rewrites its tuning.json)."""
        if self.experiment is not None:
            self.show_experiment(self.experiment.path)
        elif self.chooser.currentData():
            self.show_experiment(self.chooser.currentData())

    def open_dialog(self) -> None:
        settings = QSettings()
        start = str(settings.value("results/experiments_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, tr("Open an experiment"), start,
                                              tr("Experiments (compare.json tuning.json *.json);;All files (*)"))
        if not path:
            return
        settings.setValue("results/experiments_folder", str(Path(path).parent))
        self.show_experiment(path)

    def is_loading(self) -> bool:
        return self._request != 0 or self._list_request != 0

    def entries(self) -> list[Path]:
        """The files the chooser offers, in its order."""
        return [Path(self.chooser.itemData(i)) for i in range(self.chooser.count())]

    def status_text(self) -> str:
        """The line shown above the experiment ("" when none is)."""
        return self.status_label.text() if not self.status_label.isHidden() else ""

    def _add_entry(self, path: Path) -> int:
        index = self.chooser.findData(str(path))
        if index < 0:
            self.chooser.addItem(entry_label(path), str(path))
            index = self.chooser.count() - 1
            self.chooser.setItemData(index, str(path), Qt.ItemDataRole.ToolTipRole)
        return index

    def _select_shown(self) -> None:
        if self.experiment is not None:
            self.chooser.setCurrentIndex(self.chooser.findData(str(self.experiment.path)))

    def _on_chosen(self, index: int) -> None:
        data = self.chooser.itemData(index)
        if data and (self.experiment is None or str(self.experiment.path) != data):
            self.show_experiment(data)

    def _on_loaded(self, request_id: int, result: Any) -> None:
        if request_id == self._list_request:
            self._list_request = 0
            self._on_listed(result)
        elif request_id == self._request:
            self._request = 0
            self.set_experiment(result)
            self.experiment_shown.emit(result)
        self._update_buttons()

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._list_request:
            self._list_request = 0
            self._show_status(tr("The shipped experiments cannot be listed: {message}", message=message))
        elif request_id == self._request:
            self._request = 0
            text = tr("Could not open the experiment: {message}", message=message)
            if self.experiment is not None:
                text += "\n" + tr("Still showing {path}.", path=str(self.experiment.path))
            self._show_status(text)
            self._select_shown()
            self.experiment_failed.emit(message)
        self._update_buttons()

    def _on_listed(self, paths: list[Path]) -> None:
        for path in paths:
            self._add_entry(Path(path))
        self._select_shown()
        self.listed.emit(list(paths))
        if self.experiment is None and self._request == 0:
            if paths:
                self.show_experiment(paths[0])
            else:
                self._show_status(tr(
                    "No shipped experiments in {root}. Open a compare.json or tuning.json of your own "
                    "(python -m training compare … or python -m training tune … write them).", root=str(self.root)))

    def _update_buttons(self) -> None:
        self.reload_button.setEnabled(self._request == 0 and (self.experiment is not None
                                                               or bool(self.chooser.currentData())))

    # -- showing ---------------------------------------------------------------------------------
    def set_experiment(self, experiment: Experiment) -> None:
        """Show an experiment already checked by :func:`desktop.core.experiments.load_experiment`."""
        self.experiment = experiment
        self.status_label.hide()
        self._add_entry(experiment.path)
        self._select_shown()
        if experiment.kind == "compare":
            self.compare_page.show_comparison(experiment.data)
            page, first = self.compare_page, compare_page.headline(experiment.data)
        else:
            self.tuning_page.show_search(experiment.data)
            page, first = self.tuning_page, tuning_page.headline(experiment.data)
        self.info_label.setText(info_text(experiment.data, first, experiment.path))
        # A stack is as tall as its tallest page; let the hidden ones count for nothing.
        for i in range(self.stack.count()):
            self.stack.widget(i).setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred
                                               if self.stack.widget(i) is page else QSizePolicy.Policy.Ignored)
        self.stack.setCurrentWidget(page)

    # -- export ----------------------------------------------------------------------------------
    def cards(self) -> list[PlotCard]:
        """The shown experiment's charts."""
        if self.experiment is None:
            return []
        return (self.compare_page if self.experiment.kind == "compare" else self.tuning_page).cards()

    def export_plots(self, folder: str | Path) -> list[Path]:
        """The shown experiment's charts as PNG in ``folder`` (nothing while none is shown)."""
        cards = self.cards()
        if not cards:
            return []
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return [card.export_png(folder / f"{card.name}.png") for card in cards]

    def shutdown(self) -> None:
        self.loader.wait()
