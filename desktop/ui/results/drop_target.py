"""Accept files or folders dropped from the file manager onto a view."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtGui import QDragEnterEvent, QDropEvent


def dropped_path(event: QDragEnterEvent | QDropEvent, accepts: Callable[[Path], bool]) -> Path | None:
    """The first local path of a drag that ``accepts`` takes, else None."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if accepts(path):
                return path
    return None
