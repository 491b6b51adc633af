"""Where the main window goes on its screen: the first size, a remembered one, and back onto the screen.

A window saved on a 1920x1080 monitor and opened on a 1280x720 projector would hang off the edges
with Qt's own restore (it keeps a size larger than the screen), so a saved place is used only where
it still fits a screen now. A wider panel or a larger zoom can push the window past its screen's
edge; :func:`fit_to_screen` brings it back as far as the window's minimum size allows.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

log = logging.getLogger(__name__)

#: The first window takes this share of the screen's free area, centred...
DEFAULT_SCREEN_SHARE = 0.9
#: ...or the whole of it (maximised) on a screen smaller than this: a projector, a small laptop.
SMALL_SCREEN = QSize(1400, 850)
LAYOUT_ROUNDS = 8  # nested layouts pass a change up one level per round of layout requests


def default_geometry(available: QRect) -> tuple[QRect, bool]:
    """The first window on a screen whose free area is ``available``: (normal geometry, maximised)."""
    size = QSize(round(available.width() * DEFAULT_SCREEN_SHARE), round(available.height() * DEFAULT_SCREEN_SHARE))
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(available.center())
    small = available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height()
    return rect, small


def start_geometry(saved: QRect | None, saved_maximised: bool, free_areas: list[QRect],
                   here: QRect) -> tuple[QRect, bool]:
    """Where the window opens: (normal geometry, maximised).

    The saved geometry when the free area of one screen (``free_areas``) holds all of it; otherwise
    (saved on a larger monitor, a monitor gone, nothing saved) the default for the free area ``here``.
    """
    if saved is not None and any(area.contains(saved) for area in free_areas):
        return saved, saved_maximised
    return default_geometry(here)


def parse_rect(value) -> QRect | None:
    """A saved "x,y,width,height" (or a list of four numbers) as a QRect; None for anything else."""
    parts = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    try:
        x, y, width, height = (int(str(part).strip()) for part in parts)
    except ValueError:
        return None
    return QRect(x, y, width, height) if width > 0 and height > 0 else None


def restore_geometry(window: QWidget, settings: QSettings) -> None:
    """The saved place and size when they fit a screen now; else the default for this screen."""
    saved = parse_rect(settings.value("window/normal_geometry"))
    maximised = str(settings.value("window/maximised", "false")).lower() == "true"
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free_areas = [s.availableGeometry() for s in QGuiApplication.screens()]
    rect, maximised = start_geometry(saved, maximised, free_areas, screen.availableGeometry())
    if saved is not None and rect != saved:
        log.info("the saved window geometry %s fits no screen now; using the default", saved.getRect())
    window.setGeometry(rect)
    if maximised:
        window.setWindowState(Qt.WindowState.WindowMaximized)


def save_geometry(settings: QSettings, geometry: QRect, state: Qt.WindowState) -> None:
    settings.setValue("window/normal_geometry", ",".join(str(v) for v in geometry.getRect()))
    settings.setValue("window/maximised", "true" if state & Qt.WindowState.WindowMaximized else "false")
    settings.remove("window/geometry")  # Qt's own format from earlier versions: it kept oversized windows


def normal_geometry(window: QWidget) -> QRect:
    """Where the window goes when not maximised (Qt knows none for a window maximised before it was
    first shown: then the default for its screen)."""
    geometry = QRect(window.normalGeometry())
    screen = window.screen() or QGuiApplication.primaryScreen()
    if (not geometry.isValid() or geometry.width() <= 0) and screen is not None:
        geometry = default_geometry(screen.availableGeometry())[0]
    return geometry


def settled_minimum(window: QWidget) -> QSize:
    """The window's minimum size once the layouts have taken in a change (a font, a panel).

    Layouts learn of a change through queued layout requests, one level per round; they are
    delivered here, a bounded number of rounds, so the answer is the new one.
    """
    hint = window.minimumSizeHint()
    for _ in range(LAYOUT_ROUNDS):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        again = window.minimumSizeHint()
        if again == hint:
            break
        hint = again
    return hint


def fit_to_screen(window: QMainWindow, presenting: bool) -> None:
    """Bring the window back inside its screen as far as its minimum size allows (full screen again
    while ``presenting``)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None or not window.isVisible():
        return
    settled_minimum(window)  # the minimum of the panel shown now, not of the one before
    if presenting:
        # A wider panel or zoom before may have pushed the window past the screen, or out of
        # full screen: the screen again, as far as the minimum allows.
        if window.geometry() != screen.geometry():
            window.setGeometry(screen.geometry())
        if not window.isFullScreen():
            window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)
        return
    area = screen.availableGeometry()
    if area.contains(window.frameGeometry()):
        return
    if window.isMaximized():  # maximised, but pushed wider by the panel before: maximised again
        window.showNormal()
        normal = normal_geometry(window)
        window.setGeometry(normal if area.contains(normal) else area)
        window.showMaximized()
        return
    _pull_inside(window, area)


def _pull_inside(window: QWidget, area: QRect) -> None:
    """Shrink (down to the minimum) and move a normal window into ``area``."""
    frame = window.frameGeometry()
    extra = frame.size() - window.geometry().size()  # the window manager's frame
    width = max(window.minimumWidth(), min(window.width(), area.width() - extra.width()))
    height = max(window.minimumHeight(), min(window.height(), area.height() - extra.height()))
    window.resize(width, height)
    frame = window.frameGeometry()
    x = max(area.left(), min(frame.left(), area.right() + 1 - frame.width()))
    y = max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height()))
    window.move(x, y)
