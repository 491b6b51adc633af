"""The one widget factory: buttons and text labels made the same way in every panel (keyword-only,
so a call reads).

``text`` and ``tip`` are English sources marked with ``tr_noop`` by the caller; they are shown
through ``tr()`` and follow a change of language. ``accessible`` is the name a screen reader (and
a test) finds the button by; it defaults to ``text``.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QToolButton

from desktop.ui.i18n import translated


def _dress(button: QAbstractButton, text: str, name: str, accessible: str | None, tip: str,
           checkable: bool, on_click: Callable[[], object] | None,
           on_toggle: Callable[[bool], object] | None) -> None:
    if text:
        translated(button.setText, text, owner=button)
    button.setObjectName(name)
    button.setAccessibleName(accessible if accessible is not None else text)
    if tip:
        translated(button.setToolTip, tip, owner=button)
    button.setCheckable(checkable or on_toggle is not None)
    if on_click is not None:
        button.clicked.connect(lambda _checked=False: on_click())
    if on_toggle is not None:
        button.toggled.connect(on_toggle)


def push_button(text: str, *, name: str, accessible: str | None = None, tip: str = "",
                on_click: Callable[[], object] | None = None, on_toggle: Callable[[bool], object] | None = None,
                checkable: bool = False) -> QPushButton:
    """A QPushButton; ``on_toggle`` makes it checkable and receives its state."""
    button = QPushButton()
    _dress(button, text, name, accessible, tip, checkable, on_click, on_toggle)
    return button


def tool_button(text: str, *, name: str, accessible: str | None = None, tip: str = "",
                on_click: Callable[[], object] | None = None, on_toggle: Callable[[bool], object] | None = None,
                checkable: bool = False) -> QToolButton:
    """A text-only QToolButton (toolbars)."""
    button = QToolButton()
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    _dress(button, text, name, accessible, tip, checkable, on_click, on_toggle)
    return button


def wrapping_label(*, name: str, accessible: str, text: str = "", selectable: bool = False) -> QLabel:
    """A word-wrapping QLabel for a line of status or explanation (``text``: already translated)."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
