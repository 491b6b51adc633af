"""A checkable QListWidget of models, each item holding its model's path (Write and Camera panels)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

PATH_ROLE = Qt.ItemDataRole.UserRole


def add_model_item(list_widget: QListWidget, label: str, path: str | Path, checked: bool, tooltip: str = "") -> None:
    """Append a tickable item for the model at ``path``."""
    item = QListWidgetItem(label)
    item.setData(PATH_ROLE, str(path))
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    if tooltip:
        item.setToolTip(tooltip)
    list_widget.addItem(item)


def checked_paths(list_widget: QListWidget) -> list[str]:
    """Paths of the ticked models, in list order."""
    items = (list_widget.item(i) for i in range(list_widget.count()))
    return [item.data(PATH_ROLE) for item in items if item.checkState() == Qt.CheckState.Checked]


def check_paths(list_widget: QListWidget, paths: Iterable[str | Path]) -> None:
    """Tick exactly these models, moved to the top in the order given (so the columns shown follow
    it, as a lesson asks), without ``itemChanged`` for each (the caller updates once)."""
    order = {p: i for i, p in enumerate(dict.fromkeys(str(p) for p in paths))}
    was_blocked = list_widget.blockSignals(True)
    items = [list_widget.takeItem(0) for _ in range(list_widget.count())]
    items.sort(key=lambda item: order.get(item.data(PATH_ROLE), len(order)))  # stable: the rest keep their order
    for item in items:
        checked = item.data(PATH_ROLE) in order
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        list_widget.addItem(item)
    list_widget.blockSignals(was_blocked)
