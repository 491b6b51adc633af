"""What the layers learn: gradient-ascent images per filter and per class, beside the filters themselves.

The images are rendered by the training package into a folder beside the report; the filters are
read from the ONNX file (``first_layer_filters``). Each 3×3 filter is drawn enlarged in a diverging
colour scale: red weights add where the pixel is bright, blue ones where it is dark.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr
from desktop.ui.results.gallery import ImageGallery

FILTER_PIXELS = 14  # each filter weight becomes a square this many pixels wide


def filter_image(kernel: np.ndarray, scale: float | None = None) -> np.ndarray:
    """A kernel [kh, kw, C] as an RGB uint8 image: white for 0, red positive, blue negative."""
    weights = kernel.mean(axis=-1) if kernel.ndim == 3 else kernel
    scale = scale or float(np.abs(weights).max()) or 1.0
    t = np.clip(weights / scale, -1.0, 1.0)
    rgb = np.empty(t.shape + (3,), np.float32)
    positive, negative = np.clip(t, 0, 1), np.clip(-t, 0, 1)
    rgb[..., 0] = 255 * (1 - negative * 0.85)
    rgb[..., 1] = 255 * (1 - (positive + negative) * 0.85)
    rgb[..., 2] = 255 * (1 - positive * 0.85)
    big = np.repeat(np.repeat(rgb.astype(np.uint8), FILTER_PIXELS, axis=0), FILTER_PIXELS, axis=1)
    return np.ascontiguousarray(big)


class FeatureVisualisations(QWidget):
    """Rows: each visualised layer (filters beside it for the first conv layer), then the classes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("featureVisualisations")
        self.setAccessibleName("What the layers learn")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.galleries: dict[str, ImageGallery] = {}

    def clear(self) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.galleries = {}

    def _label(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setFont(cjk_font())
        return label

    def _gallery(self, key: str, title: str, icon: QSize) -> ImageGallery:
        gallery = ImageGallery(f"gallery_{key}", title, icon_size=icon)
        self.galleries[key] = gallery
        return gallery

    def set_content(self, images: dict[str, dict[str, list]], filters: Any | None) -> None:
        """``images`` as from ``feature_visualisation_images``; ``filters`` a ``ModelFilters`` or None."""
        self.clear()
        row = 0
        layers = images.get("layers") or {}
        filter_layer = getattr(filters, "layer", None)
        for layer, pictures in layers.items():
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self._label(tr("<b>{layer}</b>: the input that most excites each filter", layer=layer)))
            gallery = self._gallery(f"vis_{layer}", f"Feature visualisations of {layer}", QSize(60, 80))
            for i, picture in enumerate(pictures):
                gallery.add_image(picture, f"{i + 1}", tooltip=tr("{layer} filter {n}", layer=layer, n=i + 1))
            column.addWidget(gallery)
            self.grid.addWidget(box, row, 0)
            if filters is not None and (layer == filter_layer or (row == 0 and filter_layer not in layers)):
                self.grid.addWidget(self._filters_box(filters), row, 1)
                filters = None
            row += 1
        if filters is not None:  # a model with filters but no rendered images: still show its filters
            self.grid.addWidget(self._filters_box(filters), row, 0)
            row += 1
        classes = images.get("classes") or {}
        if classes:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self._label(tr("<b>Classes</b>: the input that the model finds most like each character")))
            gallery = self._gallery("vis_classes", "Feature visualisations of the classes", QSize(60, 80))
            for name, pictures in classes.items():
                gallery.add_image(pictures[0] if pictures else None, name, tooltip=name)
            column.addWidget(gallery)
            self.grid.addWidget(box, row, 0, 1, 2)

    def _filters_box(self, filters: Any) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        kh, kw = filters.weights.shape[1:3]
        column.addWidget(self._label(tr("<b>{layer}</b> filters ({h}×{w}; red positive, blue negative)",
                                        layer=filters.layer, h=kh, w=kw)))
        gallery = self._gallery("filters", f"First-layer filters of {filters.layer}",
                                QSize(kw * FILTER_PIXELS, kh * FILTER_PIXELS))
        scale = float(np.abs(filters.weights).max()) or 1.0  # one scale, so filters compare
        for i, kernel in enumerate(filters.weights):
            gallery.add_image(filter_image(kernel, scale), f"{i + 1}",
                              tooltip=tr("filter {n}, bias {bias:+.3f}", n=i + 1, bias=filters.bias[i]))
        column.addWidget(gallery)
        return box
