"""The confusion matrix as a heat map: CJK labels on both axes, mouse zoom and pan, click a cell.

Rows are the true classes (top to bottom), columns the predicted ones. Colour follows
``log(1 + count)`` so the few mistakes stay visible next to a diagonal of hundreds. A click on a
cell emits :attr:`ConfusionMatrixView.cell_clicked` with ``(true_index, predicted_index)``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr_noop
from desktop.ui.results.plot_card import make_plot

COLOUR_MAP = pg.ColorMap([0.0, 0.5, 1.0], [(255, 255, 255), (107, 174, 214), (8, 48, 107)])


class ConfusionMatrixView(QWidget):
    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self.setAccessibleName("Confusion matrix: true class by row, predicted class by column")
        self.plot = make_plot("", tr_noop("predicted"), tr_noop("true"))
        self.plot.setObjectName("confusionPlot")
        self.plot.setAccessibleName("Confusion matrix heat map (scroll to zoom, drag to pan, click a cell)")
        self.plot.setMinimumHeight(640)  # 55 rows of readable labels
        item = self.plot.getPlotItem()
        item.showGrid(x=False, y=False)
        item.invertY(True)
        for side in ("left", "bottom", "top"):
            item.getAxis(side).setStyle(tickFont=cjk_font(pixel_size=10))
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(COLOUR_MAP.getLookupTable(nPts=256))
        item.addItem(self.image)
        self.selection = pg.QtWidgets.QGraphicsRectItem(0, 0, 1, 1)
        self.selection.setPen(pg.mkPen((220, 30, 30), width=2, cosmetic=True))
        self.selection.setVisible(False)
        item.addItem(self.selection)
        self.matrix = np.zeros((0, 0), int)
        self.class_names: list[str] = []
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_matrix(self, matrix: list[list[int]], class_names: list[str]) -> None:
        self.matrix = np.asarray(matrix, dtype=np.int64).reshape(len(class_names), len(class_names))
        self.class_names = list(class_names)
        n = len(class_names)
        levels = np.log1p(self.matrix.astype(np.float64))
        self.image.setImage(levels, levels=(0.0, max(1.0, float(levels.max()))))
        self.image.setRect(0, 0, n, n)
        ticks = [[(i + 0.5, name) for i, name in enumerate(class_names)]]
        item = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).setTicks(ticks)
        view = item.getViewBox()
        view.setLimits(xMin=-1, xMax=n + 1, yMin=-1, yMax=n + 1, minXRange=3, minYRange=3)
        view.setRange(xRange=(0, n), yRange=(0, n), padding=0.02)
        self.selection.setVisible(False)

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(true, predicted) under a scene position, None outside the matrix."""
        point = self.plot.getPlotItem().getViewBox().mapSceneToView(scene_pos)
        col, row = int(np.floor(point.x())), int(np.floor(point.y()))
        n = len(self.class_names)
        if 0 <= row < n and 0 <= col < n:
            return row, col
        return None

    def cell_centre_in_widget(self, true_index: int, predicted_index: int) -> QPoint:
        """Where the centre of cell (true, predicted) is in the plot widget's coordinates."""
        view = self.plot.getPlotItem().getViewBox()
        scene = view.mapViewToScene(QPointF(predicted_index + 0.5, true_index + 0.5))
        return self.plot.mapFromScene(scene)

    def select(self, true_index: int, predicted_index: int) -> None:
        self.selection.setRect(predicted_index, true_index, 1, 1)
        self.selection.setVisible(True)
        self.cell_clicked.emit(true_index, predicted_index)

    def _on_click(self, event) -> None:
        if event.button() != pg.QtCore.Qt.MouseButton.LeftButton or self.matrix.size == 0:
            return
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            self.select(*cell)
