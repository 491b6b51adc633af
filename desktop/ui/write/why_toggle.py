"""The Write panel's "Why?" toggle: where the model looked, on the 80 x 60 input and on the canvas.

The map of the first model in the comparison (the CNN unless the class ticked another) is laid
over "what the model sees" pixel for pixel, and over the canvas on the rectangle the model input
was cut from: the drawing's ink box, half a pen width around the strokes, stretched to 80 x 60
exactly as :func:`desktop.core.recognition.strokes_to_input` stretches it. Clicking a candidate
explains that character instead of the top one; clicking it again goes back.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from PySide6.QtCore import QObject, QRectF
from PySide6.QtWidgets import QAbstractButton

from desktop.core import strokes as stroke_renderer
from desktop.ui.explain_overlay import ColourScale, HeatOverlay
from desktop.ui.explain_worker import ExplainAnswer, ExplainRequest
from desktop.ui.why import WhyController
from desktop.ui.write.canvas import DrawingCanvas
from desktop.ui.write.input_view import InputImage


class WriteWhy:
    """The view's toggle and colour scale, two overlays and the controller that feeds them."""

    def __init__(self, toggle: QAbstractButton, scale: ColourScale, input_image: InputImage,
                 canvas: DrawingCanvas, parent: QObject):
        self.toggle = toggle
        self.scale = scale
        self._input_image = input_image
        self.input_overlay = HeatOverlay(input_image, smooth=False, name="inputHeatOverlay")
        self.canvas_overlay = HeatOverlay(canvas, name="canvasHeatOverlay")
        self.controller = WhyController(toggle, scale, [self.input_overlay, self.canvas_overlay], parent=parent)
        self._model_path: str | None = None
        self._class_names: list[str] = []

    # -- commands ----------------------------------------------------------------------------------
    def set_on(self, on: bool) -> None:
        self.controller.set_on(on)

    def is_on(self) -> bool:
        return self.controller.is_on()

    def answer(self) -> ExplainAnswer | None:
        """The explanation whose map is on screen."""
        return self.controller.last_answer()

    def choose(self, model_path: str, char: str) -> None:
        """Explain ``char`` (a clicked candidate of ``model_path``); the same one again: the top candidate."""
        if model_path == self._model_path and char in self._class_names:
            self.controller.choose_class(self._class_names.index(char))

    def offer(self, model_path: str, x: np.ndarray, class_names: Sequence[str], strokes: Sequence[np.ndarray] | None,
              pen_width: float) -> None:
        """A new model input; ``strokes`` when it came from the canvas (None for an opened image)."""
        if model_path != self._model_path and self.controller.chosen_class() is not None:
            self.controller.choose_class(None)  # another model: its top class again
        self._model_path, self._class_names = model_path, list(class_names)
        rects = {self.input_overlay: lambda: QRectF(self._input_image.target_rect())}
        if strokes:
            box = ink_box(strokes, pen_width)
            rects[self.canvas_overlay] = lambda: box
        else:
            self.canvas_overlay.clear()
        self.controller.offer(ExplainRequest(model_path, np.array(x, dtype=np.float32, copy=True)), rects)

    def withdraw(self) -> None:
        self.controller.withdraw()

    def shutdown(self) -> None:
        self.controller.shutdown()


def ink_box(strokes: Sequence[np.ndarray], pen_width: float) -> QRectF:
    """The canvas rectangle the model input is cut from: the strokes' box and half a pen width around."""
    x0, y0, x1, y1 = stroke_renderer.bounds([np.asarray(s, dtype=np.float64) for s in strokes if len(s)])
    half = pen_width / 2
    return QRectF(x0 - half, y0 - half, x1 - x0 + pen_width, y1 - y0 + pen_width)
