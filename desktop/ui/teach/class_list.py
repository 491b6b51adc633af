"""The project's classes with their sample counts, and the buttons that edit them."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.i18n import tr_noop, translated
from desktop.ui.widgets import push_button

ARROW_BUTTON_EMS = 3  # an up or down button's width, in widths of its arrow (a push button alone is 80 px)


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
        self.add_button = push_button(tr_noop("Add"), name="teachAddClass", accessible="Add a class",
                                      tip=tr_noop("Add a class with the name typed above"))
        self.rename_button = push_button(tr_noop("Rename"), name="teachRenameClass",
                                         accessible="Rename the selected class",
                                         tip=tr_noop("Give the selected class the name typed above"))
        self.delete_button = push_button(tr_noop("Delete"), name="teachDeleteClass",
                                         accessible="Delete the selected class",
                                         tip=tr_noop("Delete the selected class and its samples"))
        self.up_button = push_button("▲", name="teachMoveClassUp", accessible="Move the class up",
                                     tip=tr_noop("Move the selected class up"))
        self.down_button = push_button("▼", name="teachMoveClassDown", accessible="Move the class down",
                                       tip=tr_noop("Move the selected class down"))
        # Up and down beside the list, the name with Add, then Rename and Delete: a narrow column
        # (a 1024-pixel screen at 150 % text) instead of one long row of buttons.
        for button in (self.up_button, self.down_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance("▲") * ARROW_BUTTON_EMS)
        arrows = QVBoxLayout()
        arrows.addWidget(self.up_button)
        arrows.addWidget(self.down_button)
        arrows.addStretch(1)
        list_row = QHBoxLayout()
        list_row.addWidget(self.list, stretch=1)
        list_row.addLayout(arrows)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_edit, stretch=1)
        name_row.addWidget(self.add_button)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.rename_button)
        edit_row.addWidget(self.delete_button)
        edit_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(list_row, stretch=1)
        layout.addLayout(name_row)
        layout.addLayout(edit_row)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FontChange:
            for button in (self.up_button, self.down_button):
                button.setMaximumWidth(button.fontMetrics().horizontalAdvance("▲") * ARROW_BUTTON_EMS)
        super().changeEvent(event)

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
