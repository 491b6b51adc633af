"""The strip above the panels that lists the model files that were not loaded, and why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop.core.registry import ModelProblem
from desktop.ui import style
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.widgets import tool_button


class SkippedModelsBanner(QFrame):
    """A dismissible strip: nobody is stopped from writing by a broken model file, but everyone sees it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("skippedModelsBanner")
        self.setAccessibleName("Skipped model files")
        self.set_theme(style.SYSTEM)
        self.label = QLabel()
        self.label.setObjectName("skippedModelsText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = tool_button("✕", name="dismissSkippedModels",
                                        accessible="Dismiss the skipped models message", tip=tr_noop("Dismiss"),
                                        on_click=self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, stretch=1)
        layout.addWidget(self.close_button, alignment=Qt.AlignmentFlag.AlignTop)
        self.hide()

    def set_theme(self, theme: str) -> None:
        self.setStyleSheet(style.notice_rules(theme))

    def show_problems(self, problems: list[ModelProblem]) -> None:
        if not problems:
            self.hide()
            return
        lines = "".join(f"<li><b>{p.path.name}</b> ({p.path.parent}): {p.reason}</li>" for p in problems)
        self.label.setText(tr("{n} model file(s) skipped; everything else works:", n=len(problems)) + f"<ul>{lines}</ul>")
        self.show()
