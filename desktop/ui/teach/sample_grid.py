"""The samples of one class as a grid of thumbnails that load only when they scroll into view.

The view asks its model for a picture (``DecorationRole``) only for the items it paints, so a class
with thousands of samples costs thousands of paths, not thousands of decoded images. A thumbnail
not decoded yet shows a grey tile while a small thread pool decodes it at thumbnail size
(``QImageReader.setScaledSize``); the result goes into Qt's ``QPixmapCache``, which forgets the
least recently used ones when it is full. Scrolling never waits for a file. The decoding runs on
the UI's :class:`desktop.ui.workers.BackgroundLoader`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QKeyEvent, QPixmap, QPixmapCache
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop.ui.i18n import tr
from desktop.ui.workers import BackgroundLoader

THUMBNAIL_SIZE = 72
#: Kilobytes of thumbnails Qt keeps decoded (about 1,000 thumbnails of 72x72).
PIXMAP_CACHE_KB = 24 * 1024


#: Threads that decode thumbnails (decoding is I/O and libpng; two keep a grid filling quickly).
DECODER_THREADS = 2


def _cache_key(path: Path, side: int) -> str:
    # The file's change time is part of the key: a sample number reused after a delete, or another
    # project opened in the same folder, must not show an old picture.
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        changed = 0
    return f"teach-thumb:{side}:{changed}:{path}"


def read_thumbnail(path: Path, side: int = THUMBNAIL_SIZE) -> QImage:
    """An image file decoded straight to at most ``side`` pixels (safe in any thread)."""
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > side:
        reader.setScaledSize(size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def _decode(path: Path, side: int) -> tuple[str, str, QImage]:
    """Path, cache key and thumbnail of one sample (runs on a loader thread)."""
    return str(path), _cache_key(path, side), read_thumbnail(path, side)


class SampleListModel(QAbstractListModel):
    """Sample paths of one class; their thumbnails are decoded on demand on loader threads."""

    def __init__(self, parent=None, side: int = THUMBNAIL_SIZE):
        super().__init__(parent)
        self._side = side
        self._paths: list[Path] = []
        self._rows: dict[str, list[int]] = {}
        self._waiting: set[str] = set()
        self._requests: dict[int, str] = {}  # load id -> path, until it answers
        self.thumbnails_loaded = 0  # decoded so far (tests check the laziness with it)
        self._loader = BackgroundLoader(self, threads=DECODER_THREADS)
        self._loader.loaded.connect(self._on_decoded)
        self._loader.failed.connect(self._on_failed)
        self._placeholder = QPixmap(side, side)
        self._placeholder.fill(QColor(225, 225, 225))
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)

    def set_paths(self, paths: Sequence[Path]) -> None:
        self.beginResetModel()
        self._loader.clear()  # thumbnails of the class shown before are no longer wanted
        self._waiting.clear()
        self._requests.clear()
        self._paths = [Path(p) for p in paths]
        self._rows = {}
        for row, path in enumerate(self._paths):
            self._rows.setdefault(str(path), []).append(row)
        self.endResetModel()

    def waiting(self) -> int:
        """Thumbnails asked for and not decoded yet."""
        return len(self._waiting)

    def thumbnail(self, path: Path) -> QPixmap:
        """The cached thumbnail, or the placeholder while a decoder thread makes it."""
        cached = QPixmap()
        if QPixmapCache.find(_cache_key(path, self._side), cached):
            return cached
        if str(path) not in self._waiting:
            self._waiting.add(str(path))
            self._requests[self._loader.load(_decode, path, self._side)] = str(path)
        return self._placeholder

    def _on_decoded(self, request_id: int, decoded: tuple[str, str, QImage]) -> None:
        path, key, image = decoded
        self._requests.pop(request_id, None)
        self._waiting.discard(path)
        self.thumbnails_loaded += 1
        if image.isNull():
            return  # an unreadable file keeps its grey tile (adding it reported the problem)
        QPixmapCache.insert(key, QPixmap.fromImage(image))
        for row in self._rows.get(path, ()):
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _on_failed(self, request_id: int, _message: str) -> None:
        # Like an unreadable file: the grey tile stays (the loader logged why).
        self._waiting.discard(self._requests.pop(request_id, ""))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._paths)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._paths):
            return None
        path = self._paths[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnail(path)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return tr("Sample {n}: {name}", n=index.row() + 1, name=path.name)
        if role == Qt.ItemDataRole.UserRole:
            return str(path)
        return None


class SampleGrid(QListView):
    """Icon grid of a class's samples; Delete removes the selected ones (``delete_requested``)."""

    delete_requested = Signal(list)  # row numbers

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachSampleGrid")
        self.setAccessibleName("Samples of the selected class")
        self.sample_model = SampleListModel(self)
        self.setModel(self.sample_model)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # no need to measure every item: layout stays cheap
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.setGridSize(QSize(THUMBNAIL_SIZE + 8, THUMBNAIL_SIZE + 8))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSpacing(2)

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.selectedIndexes()})

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt naming)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_rows():
            self.delete_requested.emit(self.selected_rows())
            return
        super().keyPressEvent(event)
