"""Interface language: translated strings that follow a language switch at run time.

Two calls cover the whole interface:

- ``tr("Clear")`` returns the text in the current language (Qt's translator, one context);
  ``tr("{n} samples", n=3)`` translates first and formats after, so the translation keeps the
  placeholder.
- ``translated(button.setText, "Clear", owner=button)`` sets the text now and sets it again after
  every language switch for as long as ``owner`` lives. Static texts (labels, buttons, tool tips,
  tab titles, menu items) use this; texts made on the fly (status messages) use ``tr`` when shown.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal

CONTEXT = "CNNClassroom"


def tr(source: str, **fmt) -> str:
    text = QCoreApplication.translate(CONTEXT, source)
    return text.format(**fmt) if fmt else text


class _Notifier(QObject):
    language_changed = Signal(str)


_notifier: _Notifier | None = None
_bindings: list[tuple[object, Callable[[str], None], str, dict]] = []


def notifier() -> _Notifier:
    """The object whose ``language_changed(code)`` signal fires after a switch."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def translated(setter: Callable[[str], None], source: str, owner: QObject | None = None, **fmt) -> None:
    """Call ``setter(tr(source))`` now and after every language switch while ``owner`` lives."""
    setter(tr(source, **fmt))
    if owner is None:
        owner = getattr(setter, "__self__", None)
    _bindings.append((owner, setter, source, fmt))


def retranslate_all() -> None:
    """Re-apply every bound text (called after the translator changed); forgets dead owners."""
    from shiboken6 import isValid

    alive = []
    for owner, setter, source, fmt in _bindings:
        if owner is not None and isinstance(owner, QObject) and not isValid(owner):
            continue
        try:
            setter(tr(source, **fmt))
        except RuntimeError:  # the C++ object went away between the check and the call
            continue
        alive.append((owner, setter, source, fmt))
    _bindings[:] = alive
