"""Presentation mode of the main window: its screen filled at the largest zoom that still fits.

Entering remembers the window's normal geometry, state and zoom; leaving puts all three back. While
presenting, each panel shown gets the largest zoom step up to the presentation zoom at which the
window (and that panel) fits the screen, never smaller than the zoom from before.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from desktop.ui.constants import ZOOM_STEPS
from desktop.ui.window_geometry import fit_to_screen, normal_geometry, settled_minimum


class Presentation:
    """Presentation mode for ``window``, whose zoom step is read and set through the two callables."""

    def __init__(self, window: QMainWindow, zoom_index: Callable[[], int], set_zoom_index: Callable[[int], None]):
        self._window = window
        self._zoom_index = zoom_index
        self._set_zoom_index = set_zoom_index
        # (normal geometry, window state, zoom index) from before presentation mode; None outside it
        self._before: tuple[QRect, Qt.WindowState, int] | None = None
        self._zoom = 1.0

    def is_on(self) -> bool:
        return self._before is not None

    def window_before(self) -> tuple[QRect, Qt.WindowState, int] | None:
        """(normal geometry, state, zoom index) of the window before presenting; None when not presenting."""
        return self._before

    def enter(self, zoom: float) -> None:
        """Fill the screen the window is on, with the largest zoom up to ``zoom`` at which the window
        (and the panel shown) still fits; never smaller than the zoom before."""
        window = self._window
        if self._before is None:
            self._before = (normal_geometry(window), window.windowState(), self._zoom_index())
        self._zoom = zoom
        screen = window.screen() or QGuiApplication.primaryScreen()
        # Set the size as well: without a window manager, full screen is a request nobody grants.
        window.setGeometry(screen.geometry())
        window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)
        self.fit_zoom()

    def leave(self) -> None:
        """Back to the window's geometry, state and zoom from before presentation mode."""
        if self._before is None:
            return
        geometry, state, zoom_index = self._before
        self._before = None
        window = self._window
        self._set_zoom_index(zoom_index)
        settled_minimum(window)  # the smaller minimum of the old zoom, so the old size is allowed again
        # Normal first, with the old size; then maximised again if it was (its normal size stays right).
        window.setWindowState(Qt.WindowState.WindowNoState)
        window.setGeometry(geometry)
        if state & Qt.WindowState.WindowMaximized:
            window.setWindowState(Qt.WindowState.WindowMaximized)

    def fit_zoom(self) -> None:
        """The largest zoom step up to the presentation zoom at which the window fits its screen."""
        if self._before is None:
            return
        window = self._window
        lowest = self._before[2]
        target = max(self._zoom, ZOOM_STEPS[lowest])
        room = (window.screen() or QGuiApplication.primaryScreen()).geometry().size()
        candidates = [i for i in range(len(ZOOM_STEPS)) if lowest <= i and ZOOM_STEPS[i] <= target + 1e-9]
        for index in reversed(candidates):  # the largest first
            self._set_zoom_index(index)
            hint = settled_minimum(window)
            if hint.width() <= room.width() and hint.height() <= room.height():
                break
        else:
            self._set_zoom_index(lowest)
        fit_to_screen(window, presenting=True)  # full screen again if a zoom tried on the way pushed the window past it
