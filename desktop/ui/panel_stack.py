"""The main window's stack of panels: pages built on first show, sized by the panel shown."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget


class LazyPanel(QWidget):
    """A page of the panel stack that builds its panel the first time it is shown."""

    def __init__(self, factory: Callable[[], QWidget], name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"page{name}")
        self.setAccessibleName(f"{name} panel")
        self._factory = factory
        self.panel: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.panel is None:
            self.panel = self._factory()
            self._layout.addWidget(self.panel)
            self.panel.show()  # a child added to a page already on screen is not shown by itself
        return self.panel

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.ensure()
        super().showEvent(event)


class CurrentPageStack(QStackedWidget):
    """A panel stack whose size hints are the current panel's alone.

    A plain QStackedWidget asks for the largest hint of all its pages, so a window that once showed
    a wide panel could never be narrowed again, even on a small one.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        page = self.currentWidget()
        if page is None:
            return super().minimumSizeHint()
        hint = page.minimumSizeHint().expandedTo(page.minimumSize())
        return hint.boundedTo(page.maximumSize())
