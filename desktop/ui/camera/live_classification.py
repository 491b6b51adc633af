"""The newest frame to the photo classifier whenever it is free; its answers to the prediction lists.

A camera delivers faster than a big network answers on a laptop: at most one frame is with the
:class:`~desktop.ui.camera.classifier_worker.PhotoClassifier` at a time, and when it answers it
gets whatever frame is newest then (never a queue of old ones). Each request has an id, so an
answer for a choice of models that has changed since is dropped.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop.ui.camera.classifier_worker import PhotoClassifier, PhotoPrediction
from desktop.ui.camera.predictions_view import PredictionList
from desktop.ui.camera.rates import RateMeter
from desktop.ui.i18n import tr


class LiveClassification(QObject):
    """Classifies the offered frames with the models of ``lists`` (model path -> its prediction list,
    in the order they are shown; the caller keeps the dict up to date).

    ``failed(text)``: the classifier could not classify a frame (a status line). ``rate`` ticks on
    every answer.
    """

    failed = Signal(str)

    def __init__(self, classifier: PhotoClassifier, lists: dict[str, PredictionList], rate: RateMeter,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._classifier = classifier
        self._lists = lists
        self.rate = rate
        self._frame: np.ndarray | None = None
        self._frame_serial = 0
        self._classified_serial = -1
        self._request_id = 0
        self._in_flight: int | None = None
        self._inference_ms: dict[str, float] = {}
        classifier.classified.connect(self._on_classified)
        classifier.failed.connect(self._on_failed)

    def offer(self, frame: np.ndarray) -> None:
        """A new frame on screen: it is classified as soon as the classifier is free."""
        self._frame = frame
        self._frame_serial += 1
        self._classify_if_free()

    def models_changed(self) -> None:
        """Other models are ticked: an answer in flight is no longer wanted; classify the frame again."""
        self._in_flight = None
        self._classified_serial = -1
        self._classify_if_free()

    def is_busy(self) -> bool:
        """True while a frame is with the classifier."""
        return self._in_flight is not None

    def inference_ms(self) -> float:
        """The ticked models' latest inference times, summed."""
        return sum(self._inference_ms.get(p, 0.0) for p in self._lists)

    def _classify_if_free(self) -> None:
        models = list(self._lists)
        if self._frame is None or not models or self._in_flight is not None:
            return
        if self._classified_serial == self._frame_serial:
            return
        self._request_id += 1
        self._in_flight = self._request_id
        self._classified_serial = self._frame_serial
        self._classifier.request(self._request_id, self._frame, models)

    def _on_classified(self, request_id: int, results: dict[str, PhotoPrediction]) -> None:
        if request_id != self._in_flight:
            return
        self._in_flight = None
        for path, prediction in results.items():
            view = self._lists.get(path)
            if view is not None:
                view.set_top(prediction.top)
            self._inference_ms[path] = prediction.inference_ms
        self.rate.tick()
        self._classify_if_free()  # the newest frame, if one came while the worker was busy

    def _on_failed(self, request_id: int, text: str) -> None:
        if request_id != self._in_flight:
            return
        self._in_flight = None
        self.failed.emit(tr("The model could not classify this picture: {message}", message=text))
