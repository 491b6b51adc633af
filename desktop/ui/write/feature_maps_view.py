"""Feature maps: every channel of the CNN's first conv blocks for the current drawing, one grid per layer.

Each channel is min-max normalised on its own (so a weak but structured channel is still visible)
and enlarged with nearest neighbour. Grids are built with numpy and OpenCV in one go (under a
millisecond a layer: they are drawn in the GUI thread between pen-up and the candidates' paint).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.core.contract import FEATURE_PREFIX
from desktop.ui.i18n import tr, tr_noop, translated

GAP = 1  # px between tiles
GAP_COLOUR = (235, 120, 110)  # a warm line that cannot be mistaken for activation grey
MIN_TILE_HEIGHT = 60  # px: small late-layer maps are enlarged to at least this
EMPTY_TEXT = tr_noop("Feature maps appear here while you write (CNN models only).")


@dataclass(frozen=True)
class GridLayout:
    """How a layer's channels are tiled: ``rows`` x ``cols`` tiles of ``tile_h`` x ``tile_w`` px."""

    channels: int
    rows: int
    cols: int
    tile_h: int
    tile_w: int
    zoom: int


def grid_layout(height: int, width: int, channels: int) -> GridLayout:
    """A near-square grid (ceil(sqrt(c)) columns), tiles zoomed by a whole factor to >= MIN_TILE_HEIGHT px."""
    cols = max(math.ceil(math.sqrt(channels)), 1)
    rows = max(math.ceil(channels / cols), 1)
    zoom = max(math.ceil(MIN_TILE_HEIGHT / max(height, 1)), 1)
    return GridLayout(channels, rows, cols, height * zoom, width * zoom, zoom)


def normalise_channels(maps: np.ndarray) -> np.ndarray:
    """[h, w, c] float -> uint8 [h, w, c], each channel stretched to 0..255 (a flat channel is black)."""
    maps = np.asarray(maps, dtype=np.float32)
    lo = maps.min(axis=(0, 1), keepdims=True)
    span = maps.max(axis=(0, 1), keepdims=True) - lo
    scaled = np.divide(maps - lo, span, out=np.zeros_like(maps), where=span > 0)
    return np.rint(np.nan_to_num(scaled) * 255).astype(np.uint8)


def tile_channels(maps: np.ndarray) -> tuple[np.ndarray, GridLayout]:
    """[h, w, c] activations -> RGB uint8 grid image of all channels, row by row, and its layout."""
    if maps.ndim != 3:
        raise ValueError(f"a feature map must be [height, width, channels], got shape {maps.shape}")
    h, w, c = maps.shape
    layout = grid_layout(h, w, c)
    th, tw, zoom = layout.tile_h, layout.tile_w, layout.zoom
    # One grey cell per grid slot, tile plus its right and bottom gap (black there, for now).
    cells = np.zeros((layout.rows * layout.cols, th + GAP, tw + GAP), dtype=np.uint8)
    tiles = normalise_channels(maps).transpose(2, 0, 1)[:, :, None, :, None]
    cells[:c, :th, :tw] = np.broadcast_to(tiles, (c, h, zoom, w, zoom)).reshape(c, th, tw)  # nearest neighbour
    grid = cells.reshape(layout.rows, layout.cols, th + GAP, tw + GAP).transpose(0, 2, 1, 3)
    grid = grid.reshape(layout.rows * (th + GAP), layout.cols * (tw + GAP))[: _grid_h(layout), : _grid_w(layout)]
    # The gaps and empty slots are black in the grey grid and the only colour of the backdrop: adding is painting.
    return cv2.add(cv2.cvtColor(np.ascontiguousarray(grid), cv2.COLOR_GRAY2RGB), _gap_backdrop(layout)), layout


def _grid_h(layout: GridLayout) -> int:
    return layout.rows * (layout.tile_h + GAP) - GAP


def _grid_w(layout: GridLayout) -> int:
    return layout.cols * (layout.tile_w + GAP) - GAP


@functools.lru_cache(maxsize=16)
def _gap_backdrop(layout: GridLayout) -> np.ndarray:
    """RGB: the gap colour between tiles and over unused slots, black under every tile (read only)."""
    th, tw = layout.tile_h, layout.tile_w
    gaps = np.ones((layout.rows * layout.cols, th + GAP, tw + GAP), dtype=bool)
    gaps[: layout.channels, :th, :tw] = False
    gaps = gaps.reshape(layout.rows, layout.cols, th + GAP, tw + GAP).transpose(0, 2, 1, 3)
    gaps = gaps.reshape(layout.rows * (th + GAP), layout.cols * (tw + GAP))[: _grid_h(layout), : _grid_w(layout)]
    backdrop = np.zeros(gaps.shape + (3,), dtype=np.uint8)
    backdrop[gaps] = GAP_COLOUR
    backdrop.flags.writeable = False
    return backdrop


def rgb_qimage(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb)
    h, w, _ = rgb.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def display_name(layer: str) -> str:
    return layer[len(FEATURE_PREFIX):] if layer.startswith(FEATURE_PREFIX) else layer


class LayerSection(QWidget):
    """A layer's title and its channel grid."""

    def __init__(self, layer: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.layer = layer
        self.layout_info: GridLayout | None = None
        self.setObjectName(f"featureLayer_{display_name(layer)}")
        self.title = QLabel()
        self.title.setObjectName(f"featureLayerTitle_{display_name(layer)}")
        self.grid = QLabel()
        self.grid.setObjectName(f"featureGrid_{display_name(layer)}")
        self.grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.image: QImage | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 8)
        box.addWidget(self.title)
        box.addWidget(self.grid)

    def show_maps(self, maps: np.ndarray) -> None:
        rgb, self.layout_info = tile_channels(np.asarray(maps))
        h, w, c = maps.shape
        self.title.setText(tr("<b>{layer}</b>: {c} channels, {h} × {w} each", layer=display_name(self.layer), c=c, h=h, w=w))
        self.image = rgb_qimage(rgb)
        self.grid.setPixmap(QPixmap.fromImage(self.image))
        description = f"{display_name(self.layer)}: {c} feature maps of {h} by {w} pixels"
        self.grid.setAccessibleName(description)
        self.grid.setToolTip(tr("{layer}: one tile per channel, brightest = strongest response",
                                layer=display_name(self.layer)))


class FeatureMapsView(QWidget):
    """A scrollable column of layer sections; kept and refilled while the layer names stay the same."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("featureMapsView")
        self.setAccessibleName("Feature maps")
        self._sections: dict[str, LayerSection] = {}

        self.empty_label = QLabel()
        translated(self.empty_label.setText, EMPTY_TEXT, owner=self.empty_label)
        self.empty_label.setObjectName("featureMapsEmpty")
        self.empty_label.setWordWrap(True)
        self._content = QWidget()
        self._column = QVBoxLayout(self._content)
        self._column.addWidget(self.empty_label)
        self._column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("featureMapsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self._content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def set_features(self, features: dict[str, np.ndarray] | None) -> None:
        """Show ``{layer: [h, w, c]}`` activations (a leading batch axis of 1 is accepted); None clears."""
        features = features or {}
        if list(features) != list(self._sections):
            self._rebuild_sections(list(features))
        for layer, maps in features.items():
            maps = np.asarray(maps)
            if maps.ndim == 4 and maps.shape[0] == 1:
                maps = maps[0]
            self._sections[layer].show_maps(maps)
        self.empty_label.setVisible(not features)

    def sections(self) -> dict[str, LayerSection]:
        return dict(self._sections)

    def _rebuild_sections(self, layers: list[str]) -> None:
        for section in self._sections.values():
            self._column.removeWidget(section)
            section.deleteLater()
        self._sections = {}
        for i, layer in enumerate(layers):
            section = LayerSection(layer, self._content)
            self._column.insertWidget(1 + i, section)  # after the empty note, before the stretch
            self._sections[layer] = section
