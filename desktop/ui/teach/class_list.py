"""The project's classes with their sample counts, and the buttons that edit them."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget

from desktop.ui.i18n import tr_noop, translated


def _button(text: str, name: str, accessible: str, tip: str) -> QPushButton:
    button = QPushButton()
    translated(button.setText, text, owner=button)  # English sources marked by the callers
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    translated(button.setToolTip, tip, owner=button)
    return button


class ClassList(QWidget):
    """A list of "name (n samples)" rows, a name field and Add / Rename / Delete / Up / Down.

    The widget only shows and asks; the panel owns the project and does the editing.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachClassList")
        self.list = QListWidget()
        self.list.setObjectName("teachClasses")
        self.list.setAccessibleName("Classes")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("teachClassName")
        self.name_edit.setAccessibleName("Class name")
        translated(self.name_edit.setPlaceholderText, "Class name", owner=self.name_edit)
        self.add_button = _button(tr_noop("Add"), "teachAddClass", "Add a class",
                                  tr_noop("Add a class with the name typed above"))
        self.rename_button = _button(tr_noop("Rename"), "teachRenameClass", "Rename the selected class",
                                     tr_noop("Give the selected class the name typed above"))
        self.delete_button = _button(tr_noop("Delete"), "teachDeleteClass", "Delete the selected class",
                                     tr_noop("Delete the selected class and its samples"))
        self.up_button = _button("▲", "teachMoveClassUp", "Move the class up", tr_noop("Move the selected class up"))
        self.down_button = _button("▼", "teachMoveClassDown", "Move the class down",
                                   tr_noop("Move the selected class down"))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.delete_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, stretch=1)
        layout.addWidget(self.name_edit)
        layout.addLayout(buttons)

    def set_classes(self, rows: Sequence[tuple[str, int]], current: int) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for name, count in rows:
            self.list.addItem(f"{name} ({count})")
        self.list.blockSignals(False)
        if rows:
            self.list.setCurrentRow(max(0, min(current, len(rows) - 1)))

    def current(self) -> int:
        return self.list.currentRow()
