"""Where a widget is, for the tests that check panels fit a projector."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


def scale_text(widget: QWidget, factor: float) -> None:
    """Presentation zoom on one widget: its font (and so every child's) ``factor`` times larger."""
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    widget.setFont(font)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def assert_on_screen(widget: QWidget, panel: QWidget, what: str) -> None:
    """Visible, inside the panel, and not scrolled out of any scroll area it sits in."""
    assert widget.isVisible(), f"{what} is hidden"
    assert panel.rect().contains(rect_in(widget, panel)), f"{what} at {rect_in(widget, panel)} leaves the panel"
    parent = widget.parentWidget()
    while parent is not None and parent is not panel:
        if isinstance(parent, QAbstractScrollArea):
            viewport = parent.viewport()
            assert viewport.rect().contains(rect_in(widget, viewport)), \
                f"{what} at {rect_in(widget, viewport)} needs scrolling in {parent.objectName()!r}"
        parent = parent.parentWidget()
