"""One panel's "Why?" toggle: heat maps of where the model looked, for the top class or a chosen one.

The panel offers its newest input (:meth:`WhyController.offer`) each time it has one; nothing
happens while the toggle is off. When it is on, at most one request is with the worker and only
the newest input waits behind it, so a live camera gets as many maps per second as the model
allows and the preview is never held up. Answers are laid on the panel's overlays with the
caption of the colour scale. Clicking a class (:meth:`choose_class`) explains that class until
it is clicked again or the model changes.
"""

from __future__ import annotations

import logging
from typing import Callable, Sequence

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox

from desktop.ui.explain_overlay import ColourScale, HeatOverlay, explanation_caption
from desktop.ui.explain_worker import ExplainAnswer, ExplainRequest, ExplainWorker
from desktop.ui.i18n import tr, translated

log = logging.getLogger(__name__)



def why_toggle(name: str, accessible: str, tip: str) -> QCheckBox:
    """The "Why?" check box of a panel; ``tip`` is an English source the caller marks with tr_noop."""
    toggle = QCheckBox()
    translated(toggle.setText, "Why?", owner=toggle)
    translated(toggle.setToolTip, tip, owner=toggle)
    toggle.setObjectName(name)
    toggle.setAccessibleName(accessible)
    return toggle


class WhyController(QObject):
    """Owns one :class:`ExplainWorker` thread, started the first time the toggle is switched on.

    ``shown(request_id)`` fires when a map is on screen; ``cleared()`` when the maps go away.
    ``live`` panels (the camera) show an answer even when a newer input is already waiting, so
    the map keeps up with the picture; the others show only the answer for the current input.
    """

    shown = Signal(int)
    cleared = Signal()

    def __init__(self, toggle: QAbstractButton, scale: ColourScale, overlays: Sequence[HeatOverlay],
                 *, live: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.toggle = toggle
        self.scale = scale
        self.overlays = list(overlays)
        self.live = live
        self.worker: ExplainWorker | None = None
        self._latest: tuple[ExplainRequest, dict[HeatOverlay, Callable[[], QRectF]]] | None = None
        self._input = 0  # serial of the newest input
        self._sent_input = 0  # the input last sent (0: send it again, e.g. for another class)
        self._requests = 0  # one id per request sent
        self._in_flight: tuple[int, int] | None = None  # (request id, input serial) with the worker
        self._shown_request = 0
        self._shown_input = 0
        self._class_index: int | None = None
        self._last_answer: ExplainAnswer | None = None
        self._closed = False  # shut down: a late input must not start the thread again
        self.scale.hide()
        toggle.setCheckable(True)
        toggle.toggled.connect(self._on_toggled)
        app = QApplication.instance()
        if app is not None:  # a panel never shut down (tests, a killed session) still stops the thread
            app.aboutToQuit.connect(self.shutdown)

    # -- commands --------------------------------------------------------------------------------
    def is_on(self) -> bool:
        return self.toggle.isChecked()

    def set_on(self, on: bool) -> None:
        self.toggle.setChecked(on)

    def offer(self, request: ExplainRequest, rects: dict[HeatOverlay, Callable[[], QRectF]] | None = None) -> None:
        """The panel's newest input; explained now if the toggle is on and the worker is free."""
        self._latest = (request, dict(rects or {}))
        self._input += 1
        if self.is_on():
            self._send_if_free()

    def withdraw(self) -> None:
        """There is no input any more (a cleared canvas, no model): the maps go."""
        self._latest = None
        self._input += 1
        self._clear_maps()

    def choose_class(self, index: int | None) -> None:
        """Explain class ``index`` from now on (the same index again, or None: back to the top class)."""
        self._class_index = None if index is None or index == self._class_index else int(index)
        self._sent_input = 0  # the same input, asked about another class
        if self.is_on():
            self._send_if_free()

    def chosen_class(self) -> int | None:
        return self._class_index

    def last_answer(self) -> ExplainAnswer | None:
        """The answer whose map is on screen (None when none is)."""
        return self._last_answer

    def shown_id(self) -> int:
        """Id of the request whose map is on screen (grows with every map shown)."""
        return self._shown_request

    def is_up_to_date(self) -> bool:
        """True when the map on screen is for the newest input and the class asked for."""
        return (self._latest is not None and self._in_flight is None and self._sent_input == self._input
                and self._shown_input == self._input)

    def shutdown(self) -> None:
        self._closed = True
        if self.worker is not None:
            self.worker.shutdown()

    # -- internals ----------------------------------------------------------------------------------
    def _on_toggled(self, on: bool) -> None:
        self.scale.setVisible(on)
        if on:
            self.scale.set_caption(tr("Looking for the evidence…"))
            self._sent_input = 0
            self._send_if_free()
        else:
            self._clear_maps()

    def _ensure_worker(self) -> ExplainWorker:
        if self.worker is None:
            self.worker = ExplainWorker()
            self.worker.explained.connect(self._on_explained)
            self.worker.failed.connect(self._on_failed)
        self.worker.start()
        return self.worker

    def _send_if_free(self) -> None:
        if self._closed or self._latest is None or self._in_flight is not None or self._sent_input == self._input:
            return
        request, _ = self._latest
        if self._class_index is not None:
            request = ExplainRequest(request.model_key, request.image, request.frame, self._class_index,
                                     request.method, request.build)
        self._requests += 1
        self._in_flight = (self._requests, self._input)
        self._sent_input = self._input
        self._ensure_worker().request(self._requests, request)

    def _clear_maps(self) -> None:
        for overlay in self.overlays:
            overlay.clear()
        self._last_answer = None
        self.cleared.emit()

    def _on_explained(self, request_id: int, answer: ExplainAnswer) -> None:
        if self._in_flight is None or request_id != self._in_flight[0]:
            return
        _, input_serial = self._in_flight
        self._in_flight = None
        current = input_serial == self._input and self._latest is not None
        if self.is_on() and (current or (self.live and self._latest is not None)):
            rects = self._latest[1] if current else {}
            for overlay in self.overlays:
                overlay.set_heat(answer.explanation.heat, rects.get(overlay))
            e = answer.explanation
            self.scale.set_caption(explanation_caption(e.class_name, e.probability, e.method))
            self._last_answer = answer
            self._shown_request, self._shown_input = request_id, input_serial
            self.shown.emit(request_id)
        self._send_if_free()

    def _on_failed(self, request_id: int, message: str) -> None:
        if self._in_flight is None or request_id != self._in_flight[0]:
            return
        self._in_flight = None
        log.info("no heat map: %s", message)
        if self.is_on():
            self.scale.set_caption(tr("No heat map: {message}", message=message))
        self._send_if_free()
