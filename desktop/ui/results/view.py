"""The layout of the Results panel: the Models tab (two report panes) and the tabs built on first use.

The controller (:class:`desktop.ui.results.panel.ResultsPanel`) hands in the two report panes and
a factory per later tab; this module places them. Two reports stand side by side when the tab is
wide enough for both to stay readable, one above the other when it is not.
"""

from __future__ import annotations

from typing import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from desktop.ui.i18n import tr, tr_noop, translated, translated_tab
from desktop.ui.widgets import push_button

#: How wide (in ems: multiples of the text size) a report must be for its charts and tables to stay readable.
REPORT_READABLE_EMS = 43
#: The tabs after "Models", by the key the panel's commands use: (objectName of the page, title).
LAZY_TABS = {
    "evaluate": ("evaluateView", tr_noop("Evaluate a test set")),
    "dataset": ("datasetView", tr_noop("Dataset explorer")),
    "architectures": ("architecturesTab", tr_noop("Architectures")),
    "experiments": ("experimentsTab", tr_noop("Experiments")),
}
MODELS_TAB = "models"


def unavailable_note(what: str, reason: Exception) -> QLabel:
    """What a tab shows when this installation lacks its view (``what`` is an English source)."""
    label = QLabel(tr("The {what} is not available in this installation ({reason}).", what=tr(what), reason=reason))
    label.setWordWrap(True)
    return label


class _TabPlaceholder(QWidget):
    """An empty page standing in for a tab's view (same object name) until the tab is first chosen."""

    def __init__(self, name: str, factory: Callable[[], QWidget]):
        super().__init__()
        self.setObjectName(name)
        self.factory = factory


def _fill(outer: QWidget, inner: QWidget) -> None:
    """``inner`` takes the whole of ``outer``."""
    layout = QVBoxLayout(outer)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(inner)


def _compare_checkbox() -> QCheckBox:
    box = QCheckBox()
    translated(box.setText, "Compare two models", owner=box)
    box.setObjectName("compareModelsCheckBox")
    box.setAccessibleName("Compare two models")
    translated(box.setToolTip, "Side by side when the window is wide enough, one above the other when it is not",
               owner=box)
    box.setChecked(True)
    return box


class ResultsView(QWidget):
    """Fills ``panel``: the tabs, the Models tab's controls and its two report panes.

    ``factories`` builds each later tab's view (keys of :data:`LAZY_TABS`); ``page_built(key, view)``
    follows the first build of one.
    """

    page_built = Signal(str, QWidget)

    def __init__(self, panel: QWidget, left: QWidget, right: QWidget,
                 factories: Mapping[str, Callable[[], QWidget]]):
        super().__init__(panel)
        self.compare_checkbox = _compare_checkbox()
        self.export_button = push_button(tr_noop("Export all charts…"), name="exportAllChartsButton",
                                         accessible="Export every chart as PNG",
                                         tip=tr_noop("Save every chart shown as a PNG file into a folder"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("modelsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.installEventFilter(self)  # side by side or stacked, by the room it gets
        self.compare_checkbox.toggled.connect(right.setVisible)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("resultsTabs")
        self.tabs.setAccessibleName("Results")
        self._add_models_tab()
        self._placeholders: dict[str, _TabPlaceholder] = {}
        self._built: dict[str, QWidget] = {}
        for key, (name, title) in LAZY_TABS.items():
            self._add_lazy_tab(key, _TabPlaceholder(name, factories[key]), title)
        self.tabs.currentChanged.connect(self._on_tab_chosen)
        self.setObjectName("resultsView")
        _fill(panel, self)
        _fill(self, self.tabs)

    def _add_models_tab(self) -> None:
        self.models_tab = QWidget()
        self.models_tab.setObjectName("modelsTab")
        top = QHBoxLayout()
        top.addWidget(self.compare_checkbox)
        top.addStretch()
        top.addWidget(self.export_button)
        column = QVBoxLayout(self.models_tab)
        column.addLayout(top)
        column.addWidget(self.splitter, stretch=1)
        self.tabs.addTab(self.models_tab, "Models")
        translated_tab(self.tabs, self.models_tab, "Models")

    def _add_lazy_tab(self, key: str, placeholder: _TabPlaceholder, title: str) -> None:
        self._placeholders[key] = placeholder
        index = self.tabs.addTab(placeholder, title)
        # By index: the placeholder gives way to the view at the same place.
        translated(lambda text, i=index: self.tabs.setTabText(i, text), title, owner=self.tabs)

    # -- two reports: side by side or one above the other ---------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.splitter and event.type() == QEvent.Type.Resize:
            self._orient_reports()
        return super().eventFilter(watched, event)

    def _side_by_side_width(self) -> int:
        """The narrowest Models tab that shows two reports side by side; narrower, they are stacked."""
        # In ems of the text size, not characters of a font: English and Chinese switch at the same width.
        return 2 * REPORT_READABLE_EMS * QFontInfo(self.font()).pixelSize()

    def _orient_reports(self) -> None:
        """Side by side, each report keeps readable charts only on a wide screen: on a projector
        (1024 wide, or 1280 with the lessons open) the two reports are stacked, each the full width,
        rather than squeezed or cut off. A lesson scrolls both to the same section, so the two
        charts it compares still sit one above the other."""
        wanted = Qt.Orientation.Horizontal if self.splitter.width() >= self._side_by_side_width() \
            else Qt.Orientation.Vertical
        if self.splitter.orientation() == wanted:
            return
        self.splitter.setOrientation(wanted)
        along = self.splitter.width() if wanted == Qt.Orientation.Horizontal else self.splitter.height()
        self.splitter.setSizes([along // 2, along - along // 2])

    def reports_side_by_side(self) -> bool:
        return self.splitter.orientation() == Qt.Orientation.Horizontal

    # -- tabs built on first use -----------------------------------------------------------------
    def built_pages(self) -> dict[str, QWidget]:
        """The later tabs' views built so far, by key."""
        return dict(self._built)

    def page(self, key: str) -> QWidget:
        """The view of tab ``key`` (of :data:`LAZY_TABS`), built now in its placeholder's place if it was not yet."""
        view = self._built.get(key)
        if view is not None:
            return view
        placeholder = self._placeholders.pop(key)
        view = placeholder.factory()
        if not view.objectName():  # the note of a view this installation lacks
            view.setObjectName(placeholder.objectName())
        self._built[key] = view
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
        self.page_built.emit(key, view)
        return view

    def show_tab(self, key: str) -> bool:
        """Make tab ``key`` current ("models" or a key of :data:`LAZY_TABS`); False if there is no such tab."""
        if key == MODELS_TAB:
            page = self.models_tab
        elif key in self._built or key in self._placeholders:
            page = self.page(key)
        else:
            return False
        self.tabs.setCurrentWidget(page)
        return True

    def _on_tab_chosen(self, index: int) -> None:
        page = self.tabs.widget(index)
        for key, placeholder in list(self._placeholders.items()):
            if placeholder is page:
                self.page(key)
