"""The Camera panel's "Why?" toggle: a live heat map of where the first ticked model looks.

Every new frame is offered; the "Why?" worker takes the newest one whenever it is free, so the
map follows the picture as fast as the model allows while the preview keeps its own rate (the
frame is framed and explained in the worker thread, never in the GUI thread). The map covers
the largest centred square of the frame, which is what a photo model sees. Clicking one of the
first model's prediction bars explains that class; clicking it again goes back to the top one.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QProgressBar

from desktop.ui.camera.classifier_worker import PhotoModelInfo
from desktop.ui.camera.view import CameraView
from desktop.ui.explain_overlay import centred_square
from desktop.ui.explain_worker import ExplainAnswer, ExplainRequest
from desktop.ui.why import WhyController


class CameraWhy(QObject):
    """The controller that feeds the view's "Why?" overlay on the preview; ``models()`` are the panel's."""

    def __init__(self, view: CameraView, models: Callable[[], Sequence[PhotoModelInfo]], parent: QObject):
        super().__init__(parent)
        self._view = view
        self._models = models
        self.toggle, self.scale, self.overlay = view.why_toggle, view.why_scale, view.why_overlay
        self.controller = WhyController(self.toggle, self.scale, [self.overlay], live=True, parent=self)
        self._frame: np.ndarray | None = None
        self._model_path: str | None = None
        view.predictions_box.installEventFilter(self)  # clicks on the bars come up to it

    # -- commands ----------------------------------------------------------------------------------
    def set_on(self, on: bool) -> None:
        self.controller.set_on(on)

    def is_on(self) -> bool:
        return self.controller.is_on()

    def answer(self) -> ExplainAnswer | None:
        return self.controller.last_answer()

    def offer_frame(self, frame: np.ndarray | None, model_path: str | None) -> None:
        """The panel's current frame and first ticked model (called often: repeats cost nothing)."""
        if frame is None or model_path is None:
            if self._frame is not None:
                self._frame = self._model_path = None
                self.controller.withdraw()
            return
        if frame is self._frame and model_path == self._model_path:
            return
        if model_path != self._model_path and self.controller.chosen_class() is not None:
            self.controller.choose_class(None)
        self._frame, self._model_path = frame, model_path
        preview = self._view.preview
        self.controller.offer(ExplainRequest(model_path, frame, frame=True),
                              {self.overlay: lambda: centred_square(preview.image_rect())})

    def choose_row(self, model_path: str, row: int) -> None:
        """Explain the class shown in bar ``row`` of ``model_path``'s predictions."""
        view = self._view.prediction_lists.get(model_path)
        info = next((m for m in self._models() if str(m.path) == model_path), None)
        if model_path != self._model_path or view is None or info is None or row >= len(view.top()):
            return
        wnid, name, _ = view.top()[row]
        index = info.wnids.index(wnid) if wnid and wnid in info.wnids else info.class_names.index(name)
        self.controller.choose_class(index)

    def shutdown(self) -> None:
        self.controller.shutdown()

    # -- clicks on the prediction bars ---------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.MouseButtonPress and watched is self._view.predictions_box:
            bar = watched.childAt(event.position().toPoint())
            while bar is not None and not isinstance(bar, QProgressBar):
                bar = bar.parentWidget()
            for path, view in self._view.prediction_lists.items():
                if bar in view.bars:
                    self.choose_row(path, view.bars.index(bar))
                    return True
        return False
