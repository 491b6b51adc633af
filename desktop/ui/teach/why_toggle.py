"""The Teach preview's "Why?" toggle: where the taught model looks in the preview picture.

A freshly trained head has no file yet, so the "Why?" worker builds one the first time it is
asked: the extractor with the head appended (the very graph the ONNX export writes, CAM outputs
included), saved in a temporary folder. An imported Teachable Machine model is explained from
its own file. Clicking a class's bar explains that class; clicking it again goes back to the top.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRectF
from PySide6.QtWidgets import QCheckBox, QLabel, QProgressBar

from desktop.core.onnx_model import OnnxModel
from desktop.ui.explain_overlay import ColourScale, HeatOverlay, centred_square
from desktop.ui.explain_worker import ExplainAnswer, ExplainRequest
from desktop.ui.teach.preview import TeachPreview
from desktop.ui.why import WhyController

_builds = itertools.count(1)


def picture_rect(label: QLabel) -> QRectF:
    """Where a centred pixmap lies in its label."""
    pixmap = label.pixmap()
    if pixmap is None or pixmap.isNull():
        return QRectF()
    area = QRectF(label.contentsRect())
    w, h = pixmap.width() / pixmap.devicePixelRatio(), pixmap.height() / pixmap.devicePixelRatio()
    return QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)


class TeachWhy(QObject):
    """Drives the view's toggle, colour scale and overlay on the preview picture through the "Why?"
    controller (and its worker)."""

    def __init__(self, model: QObject, preview: TeachPreview, toggle: QCheckBox, scale: ColourScale,
                 overlay: HeatOverlay):
        """``model``: the Teach panel's :class:`~desktop.ui.teach.taught_model.TaughtModel` (its
        ``head``, ``trained_classes``, ``extractor_path`` and ``imported`` are explained); the widgets
        are the panel view's."""
        super().__init__(model)
        self._model = model
        self._preview = preview
        self.toggle = toggle
        self.scale = scale
        self.overlay = overlay
        self.controller = WhyController(self.toggle, self.scale, [self.overlay], live=True, parent=self)
        self._rgb: np.ndarray | None = None
        self._key: str | None = None
        self._keys: dict[int, str] = {}  # id of a trained head -> its model key
        self._temp: tempfile.TemporaryDirectory | None = None
        preview.bars.installEventFilter(self)  # clicks on the bars come up to it

    # -- commands ----------------------------------------------------------------------------------
    def set_on(self, on: bool) -> None:
        self.controller.set_on(on)

    def is_on(self) -> bool:
        return self.controller.is_on()

    def answer(self) -> ExplainAnswer | None:
        return self.controller.last_answer()

    def offer(self, rgb: np.ndarray) -> None:
        """The picture the preview classifies now (RGB uint8), with the current model."""
        request = self._request(rgb)
        if request is None:
            self._rgb = self._key = None
            self.controller.withdraw()
            return
        if rgb is self._rgb and request.model_key == self._key:
            return
        if request.model_key != self._key and self.controller.chosen_class() is not None:
            self.controller.choose_class(None)
        self._rgb, self._key = rgb, request.model_key
        picture = self._preview.picture
        self.controller.offer(request, {self.overlay: lambda: centred_square(picture_rect(picture))})

    def shutdown(self) -> None:
        self.controller.shutdown()
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None

    # -- models ------------------------------------------------------------------------------------
    def _request(self, rgb: np.ndarray) -> ExplainRequest | None:
        model = self._model
        if model.imported is not None:
            imported = model.imported
            return ExplainRequest(str(imported.path), rgb, frame=True, build=lambda: imported.model)
        head = model.head
        if head is None:
            return None
        key = self._keys.get(id(head))
        if key is None:  # a new training: a new model (ids of freed heads may come back, keys never do)
            self._keys = {id(head): f"teach-head-{next(_builds)}"}
            key = self._keys[id(head)]
        if self._temp is None:
            self._temp = tempfile.TemporaryDirectory(prefix="cnn-classroom-why-", ignore_cleanup_errors=True)
        folder, extractor, names = Path(self._temp.name), model.extractor_path, list(model.trained_classes)

        def build() -> OnnxModel:  # runs in the worker thread
            import onnx

            from desktop.core.teach.export import merged_model

            path = folder / f"{key}.onnx"
            onnx.save(merged_model(extractor, head, names, "Teach preview"), str(path))
            return OnnxModel(path)

        return ExplainRequest(key, rgb, frame=True, build=build)

    # -- clicks on the class bars ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        bars = self._preview.bars
        if event.type() == QEvent.Type.MouseButtonPress and watched is bars:
            child = watched.childAt(event.position().toPoint())
            row = None
            if isinstance(child, QProgressBar) and child in bars.bars:
                row = bars.bars.index(child)
            elif isinstance(child, QLabel) and child in bars.labels:
                row = bars.labels.index(child)
            if row is not None and self._key is not None:
                self.controller.choose_class(row)
                return True
        return False
