"""Hold a report section at the top of its view while the report lays itself out.

A lesson step names a section of the model report ("confusion", "failed"…); the charts of a
report keep growing for a moment after it is shown, and each growth would push the section down
out of place. The pin follows the layout until the user scrolls or a new report arrives.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QTimer

SECTION_PIN = "lessonSectionPin"  # the objectName of what holds a report section in place


def scroll_to_section(view, key: str, released_by=None) -> None:
    """Scroll a report view so that its section ``key`` starts at the top, and keep it there while the
    report lays itself out; the user's own scrolling, or ``released_by`` (a signal: a new report), ends it."""
    for pin in view.findChildren(QObject, SECTION_PIN):
        pin.release()
    _SectionPin(view, key, released_by)


class _SectionPin(QObject):
    """Holds a report section at the top of its view: the report's charts keep growing for a moment
    after it is shown, and each growth would push the section down out of place."""

    def __init__(self, view, key: str, released_by=None):
        super().__init__(view)
        self.setObjectName(SECTION_PIN)
        self._view, self._key, self._released_by = view, key, released_by
        bar = view.verticalScrollBar()
        bar.rangeChanged.connect(self._follow)  # the layout changed: the range follows it
        bar.actionTriggered.connect(self.release)  # the user scrolls (wheel, keys, arrows)
        bar.sliderPressed.connect(self.release)
        if released_by is not None:
            released_by.connect(self.release)
        self._scroll()
        QTimer.singleShot(0, self, self._scroll)  # again once the scroll range has caught up with the layout

    def _follow(self, *_args) -> None:
        self._scroll()
        QTimer.singleShot(0, self, self._scroll)

    def _scroll(self) -> None:
        if self._view is None:
            return
        body = self._view.widget()
        section = self._view.sections.get(self._key)
        if body is None or section is None or section.isHidden():
            return
        body.layout().activate()
        self._view.verticalScrollBar().setValue(section.mapTo(body, QPoint(0, 0)).y())

    def release(self, *_args) -> None:
        if self._view is None:
            return
        bar = self._view.verticalScrollBar()
        for signal, slot in ((bar.rangeChanged, self._follow), (bar.actionTriggered, self.release),
                             (bar.sliderPressed, self.release), (self._released_by, self.release)):
            if signal is None:
                continue
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # its sender is gone
                pass
        self._view = None
        self.deleteLater()
