"""Accept files or folders dropped from the file manager onto a panel or view."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtGui import QDragEnterEvent, QDropEvent


def dropped_path(event: QDragEnterEvent | QDropEvent, accepts: Callable[[Path], bool] = lambda p: True) -> Path | None:
    """The first local path of a drag that ``accepts`` takes, else None."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if accepts(path):
                return path
    return None


class FileDropMixin:
    """Drag-and-drop of one local file for a QWidget: put it first among the bases and implement
    ``open_dropped(path)``; call ``setAcceptDrops(True)`` in the widget."""

    def open_dropped(self, path: str) -> object:  # pragma: no cover - each widget implements it
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt naming)
        if dropped_path(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if dropped_path(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_dropped(str(path))
