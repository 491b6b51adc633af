"""The nine channels a stroke model reads, laid out as a compass: the ink in the middle, and around
it the same ink split by the way the pen moved (:mod:`desktop.core.direction_map`), each direction
where it points (strokes going up are above the ink, strokes going right to its right). Shown in
place of the single image when the first model compared is a stroke model; the tiles are small
(three quarters of the input's size) so the compass fits where the image was at 1280 x 720.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QVBoxLayout, QWidget

from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, STROKE_CHANNELS
from desktop.core.direction_map import DIRECTIONS
from desktop.ui.i18n import tr_noop, translated, translated_label
from desktop.ui.write.input_view import as_grey_image, grey_qimage

BORDER = QColor(150, 150, 150)
ARROW_COLOUR = QColor(21, 101, 192)
#: Grid cell (row, column) of each direction bin: bin b points 45*b degrees counter-clockwise from right.
COMPASS_CELLS = {0: (1, 2), 1: (0, 2), 2: (0, 1), 3: (0, 0), 4: (1, 0), 5: (2, 0), 6: (2, 1), 7: (2, 2)}
ARROWS = "→↗↑↖←↙↓↘"
#: What each direction channel holds, in English (through tr()).
DIRECTION_NAMES = (tr_noop("Strokes going right"), tr_noop("Strokes going up and right"), tr_noop("Strokes going up"),
                   tr_noop("Strokes going up and left"), tr_noop("Strokes going left"),
                   tr_noop("Strokes going down and left"), tr_noop("Strokes going down"),
                   tr_noop("Strokes going down and right"))
INK_NAME = tr_noop("All the ink (channel 0, the image models' input)")


class ChannelTile(QWidget):
    """One 80x60 channel, square pixels, nearest neighbour, scaled to the tile."""

    def __init__(self, name: str, mark: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.mark = mark  # the direction's arrow, painted in the tile's corner
        self.image = None

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(CHAR_INPUT_WIDTH * 3 // 4, CHAR_INPUT_HEIGHT * 3 // 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(CHAR_INPUT_WIDTH // 2, CHAR_INPUT_HEIGHT // 2)

    def target_rect(self) -> QRect:
        scale = min(self.width() / CHAR_INPUT_WIDTH, self.height() / CHAR_INPUT_HEIGHT)
        w, h = max(round(CHAR_INPUT_WIDTH * scale), 1), max(round(CHAR_INPUT_HEIGHT * scale), 1)
        return QRect((self.width() - w) // 2, (self.height() - h) // 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.target_rect()
        if self.image is not None:
            painter.drawImage(rect, self.image)
        painter.setPen(QPen(BORDER, 1))
        painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        painter.setPen(ARROW_COLOUR)
        painter.drawText(rect.adjusted(2, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.mark)
        painter.end()


class DirectionChannelsView(QWidget):
    """Caption and the 3x3 compass of channels (:meth:`set_channels`; None clears them)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("directionChannelsView")
        self.setAccessibleName("The nine channels of a stroke model")
        self.caption = translated_label("<b>What the model sees</b>: the ink (middle) and its 8 pen directions")
        self.caption.setObjectName("directionChannelsCaption")
        self.caption.setWordWrap(True)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.tiles: list[ChannelTile] = []
        for channel in range(STROKE_CHANNELS):
            tile = ChannelTile(f"directionChannel{channel}", "" if channel == 0 else ARROWS[channel - 1])
            name = INK_NAME if channel == 0 else DIRECTION_NAMES[channel - 1]
            translated(tile.setToolTip, name, owner=tile)
            translated(tile.setAccessibleName, name, owner=tile)
            row, column = (1, 1) if channel == 0 else COMPASS_CELLS[channel - 1]
            grid.addWidget(tile, row, column)
            self.tiles.append(tile)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.caption)
        layout.addLayout(grid, stretch=1)
        self._channels: np.ndarray | None = None

    def set_channels(self, channels: np.ndarray | None) -> None:
        """Show a stroke input ``[80, 60, 9]`` (grey 0..255), or clear the tiles for None."""
        if channels is not None:
            channels = np.asarray(channels, dtype=np.float32)
            if channels.shape != (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1 + DIRECTIONS):
                raise ValueError(f"a stroke input is [{CHAR_INPUT_HEIGHT}, {CHAR_INPUT_WIDTH}, {1 + DIRECTIONS}], "
                                 f"got shape {list(channels.shape)}")
        self._channels = None if channels is None else channels.copy()
        for c, tile in enumerate(self.tiles):
            tile.image = None if channels is None else grey_qimage(as_grey_image(channels[..., c]))
            tile.update()

    def channels(self) -> np.ndarray | None:
        return self._channels
