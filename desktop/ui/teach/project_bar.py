"""The Teach panel's project line: the project's name and folder, a Project menu, Export ONNX.

The folder is shortened in the middle ("/home/…/teach/My project") when the line is narrow, and
the project commands share one menu, so the line never makes the window wider than the screen.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSizePolicy, QToolButton, QWidget

from desktop.ui.i18n import tr_noop, translated
from desktop.ui.widgets import push_button, tool_button

NAME_MIN_CHARS = 8  # the name and folder never get narrower than this many widths of "n"


class ProjectLabel(QLabel):
    """``name · folder`` with the folder elided in the middle to the width there is; the tooltip has
    the whole folder."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachProjectName")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._name = ""
        self._folder = ""

    def set_project(self, name: str, folder: str | Path) -> None:
        self._name, self._folder = name, str(folder)
        self.setToolTip(self._folder)
        self._fit()

    def minimumSizeHint(self):  # noqa: N802 (Qt naming)
        hint = super().minimumSizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance("n") * NAME_MIN_CHARS)
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        bold = self.font()
        bold.setBold(True)
        used = QFontMetrics(bold).horizontalAdvance(self._name) + self.fontMetrics().horizontalAdvance(" · ")
        room = self.contentsRect().width() - used
        folder = self.fontMetrics().elidedText(self._folder, Qt.TextElideMode.ElideMiddle, max(room, 0))
        self.setText(f"<b>{html.escape(self._name)}</b>" + (f" · {html.escape(folder)}" if folder else ""))


def _action(parent: QWidget, text: str, name: str, tip: str) -> QAction:
    """``text`` and ``tip``: English sources marked with tr_noop by the callers."""
    action = QAction(parent)
    translated(action.setText, text, owner=action)
    translated(action.setToolTip, tip, owner=action)
    action.setObjectName(name)
    return action


class ProjectBar(QWidget):
    """Name and folder, the Project menu (new, open, save as, archive, export dataset), Export ONNX.
    The panel connects the actions and the button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachProjectBar")
        self.label = ProjectLabel()
        self.new_action = _action(self, tr_noop("New…"), "teachNewProject", tr_noop("Start a new, empty project"))
        self.open_action = _action(self, tr_noop("Open…"), "teachOpenProject",
                                   tr_noop("Open a project folder (its project.json) or a project archive (.zip)"))
        self.save_as_action = _action(self, tr_noop("Save as…"), "teachSaveAs",
                                      tr_noop("Copy the project into another folder and keep working there"))
        self.archive_action = _action(self, tr_noop("Save archive…"), "teachSaveArchive",
                                      tr_noop("Images, labels and settings in one .zip file"))
        self.dataset_action = _action(self, tr_noop("Export dataset…"), "teachExportDataset",
                                      tr_noop("Copy the samples into one folder per class"))
        self.menu = QMenu(self)
        self.menu.setObjectName("teachProjectMenu")
        self.menu.setToolTipsVisible(True)
        for action in (self.new_action, self.open_action, self.save_as_action, self.archive_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.dataset_action)
        self.menu_button = tool_button(tr_noop("Project"), name="teachProjectButton",
                                       accessible="Project: new, open, save, archive, export the samples",
                                       tip=tr_noop("New, open, save or archive the project; export its samples"))
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setMenu(self.menu)
        self.export_button = push_button(
            tr_noop("Export ONNX"), name="teachExportOnnx", accessible="Export the model as ONNX",
            tip=tr_noop("One ONNX file (feature extractor + your classes) for the Camera panel"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, stretch=1)
        layout.addWidget(self.menu_button)
        layout.addWidget(self.export_button)

    def set_project(self, name: str, folder: str | Path) -> None:
        self.label.set_project(name, folder)

    def actions_to_lock(self) -> list[QAction]:
        """What a running job disables (they all read or write the project)."""
        return [self.new_action, self.open_action, self.save_as_action, self.archive_action, self.dataset_action]
