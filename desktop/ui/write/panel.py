"""The Write panel: write (or open) a character and watch the models recognise it as you go.

Layout: the canvas with its toolbar on the left; on the right the models to compare (one column
of candidates each), "what the model sees" and the CNN's feature maps. The canvas and the
candidates are what a class watches: they always get their room (the candidate columns scroll
sideways only when many models are ticked); the model input and the feature maps below take what
is left and scroll when that is too little (a 1024 x 768 projector, 150 % text, the Lessons sidebar). The panel turns the ink
into the model input itself (cheap) and leaves every model run to the :class:`ModelHost` thread:
requests go out throttled while writing and at once on pen-up; each carries an id, and an answer
for an older id than the newest sent is dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.framing import EmptyDrawing
from desktop.core.recognition import (
    IMAGE_SUFFIXES,
    InputFileError,
    candidates,
    image_to_input,
    read_image_file,
    strokes_to_input,
)
from desktop.core.registry import ModelInfo, ModelProblem, preferred_character_model
from desktop.ui.file_drop import FileDropMixin
from desktop.ui.i18n import tr, tr_noop, translated
from desktop.ui.model_checklist import add_model_item, check_paths, checked_paths
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.candidates_view import CandidatesView
from desktop.ui.write.canvas import DrawingCanvas
from desktop.ui.write.feature_maps_view import FeatureMapsView
from desktop.ui.write.input_view import ModelInputView
from desktop.ui.write.why_toggle import WriteWhy

log = logging.getLogger(__name__)

#: While the pen moves, at most one request per this many milliseconds.
THROTTLE_MS = 30
TOP_K = 5
PEN_WIDTH_RANGE = (2, 40)
PEN_SLIDER_WIDTH = (80, 160)  # px at 100 % zoom: never a stub, never the whole toolbar
SIDE_BY_SIDE = 2  # candidate columns always shown whole; more models scroll sideways
MODEL_LIST_ROWS = 2.5  # the comparison list shows this many models before it scrolls
# English sources; shown through tr().
EMPTY_MESSAGE = tr_noop("Write a character on the canvas, or open an image of one.")
LOADING_MESSAGE = tr_noop("Loading the models…")
NO_MODEL_MESSAGE = tr_noop("No character model found. Build one with: python -m training build-assets")
IMAGE_PATTERNS = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)


class CandidateColumns(QScrollArea):
    """The candidate columns side by side, always as tall as their cards; when more models are ticked
    than fit, they scroll sideways instead of widening the window."""

    def __init__(self, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("candidateColumns")
        self.setAccessibleName("Candidates of the compared models")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setWidget(content)
        content.installEventFilter(self)

    def eventFilter(self, watched, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        # A scroll area does not pass its content's new size on: cards shown or hidden, a font
        # changed; this one must, since its own size follows the content's.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def _columns(self) -> list[QWidget]:
        layout = self.widget().layout()
        items = (layout.itemAt(i).widget() for i in range(layout.count()))
        return [w for w in items if w is not None and not w.isHidden()]

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        content = self.widget().minimumSizeHint()
        # Two columns side by side at least (the usual comparison); more scroll, and only then is
        # room kept for the scroll bar.
        columns = self._columns()
        shown = [w.minimumSizeHint().width() for w in columns[:SIDE_BY_SIDE]]
        spacing = self.widget().layout().spacing()
        margins = self.widget().layout().contentsMargins()
        width = sum(shown) + spacing * max(len(shown) - 1, 0) + margins.left() + margins.right()
        bar = self.horizontalScrollBar().sizeHint().height() if len(columns) > SIDE_BY_SIDE else 0
        return QSize(min(content.width(), max(width, 1)), self._content_height() + bar)

    def _content_height(self) -> int:
        """The columns' height at the width they have now: a long model title wraps onto a second line."""
        content = self.widget()
        height = content.minimumSizeHint().height()
        layout = content.layout()
        if layout.hasHeightForWidth():
            width = max(self.viewport().width(), content.minimumSizeHint().width())
            height = max(height, layout.totalHeightForWidth(width))
        return height

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the titles wrap differently: another height

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(self.widget().sizeHint().width(), self.minimumSizeHint().height())


def _tool_button(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    translated(button.setText, text, owner=button)
    button.setObjectName(name)
    button.setAccessibleName(text)
    translated(button.setToolTip, tip, owner=button)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class WritePanel(FileDropMixin, QWidget):
    """Canvas + toolbar, model comparison, model input and feature maps."""

    #: A result for ``request_id`` is on screen (the views have been given their new content).
    predictions_shown = Signal(int)
    #: A status line for the main window (errors the user caused, files loaded).
    message = Signal(str)

    def __init__(self, host: ModelHost, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("writePanel")
        self.setAccessibleName("Write panel")
        self.setAcceptDrops(True)
        self._host = host
        self._models: dict[str, ModelInfo] = {}
        self._views: dict[str, CandidatesView] = {}
        self._latest_request = 0
        self._shown_request = 0
        self._current_input: np.ndarray | None = None
        self._image_path: Path | None = None
        self._models_loaded = False

        self.canvas = DrawingCanvas()
        self.image_view = QLabel()
        self.image_view.setObjectName("openedImage")
        self.image_view.setAccessibleName("Opened image")
        self.image_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_view.setStyleSheet("background: white;")
        self.image_view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.drawing_area = QStackedWidget()
        self.drawing_area.setObjectName("drawingArea")
        self.drawing_area.addWidget(self.canvas)
        self.drawing_area.addWidget(self.image_view)

        self.undo_button = _tool_button(tr_noop("Undo"), "undoButton", tr_noop("Take back the last stroke (Ctrl+Z)"))
        self.redo_button = _tool_button(tr_noop("Redo"), "redoButton", tr_noop("Put the stroke back (Ctrl+Shift+Z)"))
        self.clear_button = _tool_button(tr_noop("Clear"), "clearButton", tr_noop("Start again with an empty canvas (Esc)"))
        self.open_button = _tool_button(tr_noop("Open image…"), "openImageButton",
                                        tr_noop("Recognise a picture of a character (Ctrl+O)"))
        self.pen_width_slider = QSlider(Qt.Orientation.Horizontal)
        self.pen_width_slider.setObjectName("penWidthSlider")
        self.pen_width_slider.setAccessibleName("Pen width")
        self.pen_width_slider.setRange(*PEN_WIDTH_RANGE)
        self.pen_width_slider.setValue(round(self.canvas.pen_width()))
        translated(self.pen_width_slider.setToolTip, "Pen width in pixels: the model sees the same line")
        self.pen_width_slider.setMinimumWidth(PEN_SLIDER_WIDTH[0])
        self.pen_width_slider.setMaximumWidth(PEN_SLIDER_WIDTH[1])
        pen_label = QLabel()
        translated(pen_label.setText, "Pen", owner=pen_label)
        pen_label.setBuddy(self.pen_width_slider)
        self.grid_checkbox = QCheckBox()
        translated(self.grid_checkbox.setText, "米字格 grid", owner=self.grid_checkbox)
        self.grid_checkbox.setObjectName("gridCheckBox")
        self.grid_checkbox.setAccessibleName("Show the 米字格 guide grid")
        self.grid_checkbox.setChecked(self.canvas.grid_visible())

        # Two short rows rather than one long one: the canvas column stays narrow enough to share
        # a 1024-pixel screen (or the Lessons sidebar) with the candidates.
        edit_row = QHBoxLayout()
        for w in (self.undo_button, self.redo_button, self.clear_button, self.open_button):
            edit_row.addWidget(w)
        edit_row.addStretch()
        pen_row = QHBoxLayout()
        for w in (pen_label, self.pen_width_slider, self.grid_checkbox):
            pen_row.addWidget(w)
        pen_row.addStretch()
        self.input_view = ModelInputView()
        self.why = WriteWhy(self)  # "Why?": heat maps over the input view and the canvas
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(edit_row)
        left_layout.addLayout(pen_row)
        left_layout.addWidget(self.drawing_area, stretch=1)
        self.status_label = QLabel(tr(LOADING_MESSAGE))
        self.status_label.setObjectName("writeStatus")
        self.status_label.setWordWrap(True)
        left_layout.addWidget(self.status_label)

        self.model_list = QListWidget()
        self.model_list.setObjectName("compareModelList")
        self.model_list.setAccessibleName("Models to compare")
        # A long model name ends in "…" (its tooltip has it all) rather than scrolling sideways.
        self.model_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        translated(self.model_list.setToolTip, "Tick the models to run side by side on the same drawing")
        self.views_row = QHBoxLayout()
        self.views_row.setContentsMargins(0, 0, 0, 0)
        views_box = QWidget()
        views_box.setLayout(self.views_row)
        self.candidate_columns = CandidateColumns(views_box)
        self.feature_view = FeatureMapsView()
        features_label = QLabel()
        features_label.setWordWrap(True)
        translated(features_label.setText, "<b>Feature maps</b> of the CNN", owner=features_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        compare_label = QLabel()
        compare_label.setWordWrap(True)
        translated(compare_label.setText, "<b>Compare models</b>", owner=compare_label)
        compare_row = QHBoxLayout()  # the heading beside the list: one row less to pay for
        compare_row.addWidget(compare_label, alignment=Qt.AlignmentFlag.AlignTop)
        compare_row.addWidget(self.model_list, stretch=1)
        right_layout.addLayout(compare_row)
        right_layout.addWidget(self.candidate_columns)
        details = QWidget()
        details.setObjectName("writeDetails")
        lower = QHBoxLayout(details)
        lower.setContentsMargins(0, 0, 0, 0)
        see_box = QVBoxLayout()
        see_box.addWidget(self.input_view, stretch=1)
        see_box.addWidget(self.why.toggle, alignment=Qt.AlignmentFlag.AlignLeft)
        see_box.addWidget(self.why.scale)
        feat_box = QVBoxLayout()
        feat_box.addWidget(features_label)
        feat_box.addWidget(self.feature_view, stretch=1)
        lower.addLayout(see_box, 1)
        lower.addLayout(feat_box, 3)
        self.details_scroll = QScrollArea()
        self.details_scroll.setObjectName("writeDetailsScroll")
        self.details_scroll.setAccessibleName("What the model sees and its feature maps")
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setWidget(details)
        right_layout.addWidget(self.details_scroll, stretch=1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("writeSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(THROTTLE_MS)
        self._throttle.timeout.connect(self.recognise_now)

        self.canvas.strokes_changed.connect(self._on_strokes_changed)
        self.canvas.stroke_finished.connect(self._on_pen_up)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.clear_button.clicked.connect(self.clear)
        self.open_button.clicked.connect(self.open_image_dialog)
        self.pen_width_slider.valueChanged.connect(lambda v: self.canvas.set_pen_width(float(v)))
        self.grid_checkbox.toggled.connect(self.canvas.set_grid_visible)
        self.model_list.itemChanged.connect(self._on_model_choice_changed)
        self._fit_model_list()
        host.models_ready.connect(self.set_models)
        host.recognized.connect(self._on_recognized)
        host.failed.connect(self._on_failed)
        self._update_buttons()

    # -- commands (toolbar and the main window's Edit menu) ------------------------------------
    def undo(self) -> None:
        self.canvas.undo()

    def redo(self) -> None:
        self.canvas.redo()

    def clear(self) -> None:
        self.canvas.clear()
        if self._image_path is not None:  # clearing an opened image goes back to an empty canvas
            self._show_canvas()
            self._on_strokes_changed()

    def set_grid_visible(self, visible: bool) -> None:
        self.grid_checkbox.setChecked(visible)

    def chosen_models(self) -> list[str]:
        """Paths of the ticked models, in list order."""
        return checked_paths(self.model_list)

    def set_chosen_models(self, paths: list[str]) -> None:
        """Tick exactly these models (paths as listed), then recognise again."""
        check_paths(self.model_list, paths)
        self._on_model_choice_changed(None)

    def candidate_view(self, path: str | None = None) -> CandidatesView | None:
        """The candidates column of a model (default: the first chosen one)."""
        if path is None:
            chosen = self.chosen_models()
            path = chosen[0] if chosen else None
        return self._views.get(path) if path else None

    def current_input(self) -> np.ndarray | None:
        return self._current_input

    def latest_request_id(self) -> int:
        """Id of the newest recognition sent (or skipped because there was nothing to recognise)."""
        return self._latest_request

    def shown_request_id(self) -> int:
        """Id of the result now on screen (0: none yet)."""
        return self._shown_request

    def is_up_to_date(self) -> bool:
        """True when the candidates on screen belong to the current drawing or image."""
        return self._shown_request == self._latest_request and not self._throttle.isActive()

    # -- models ------------------------------------------------------------------------------
    @Slot(object, object)
    def set_models(self, models: list[ModelInfo], problems: list[ModelProblem] | None = None) -> None:
        """Fill the comparison list: the preferred CNN and the logistic regression ticked."""
        chars = [m for m in models if m.task == "characters"]
        self._models = {str(m.path): m for m in chars}
        first = preferred_character_model(chars)
        logistic = next((m for m in chars if "logistic" in (m.title + m.path.name).lower()), None)
        ticked = {str(m.path) for m in (first, logistic) if m is not None}
        self.model_list.blockSignals(True)
        self.model_list.clear()
        ordered = sorted(chars, key=lambda m: (m is not first, m is not logistic, m.path.name))
        for m in ordered:
            add_model_item(self.model_list, m.label, m.path, str(m.path) in ticked, f"{m.title}\n{m.path}")
        self.model_list.blockSignals(False)
        self._models_loaded = True
        self._rebuild_views()
        if not chars:
            self.status_label.setText(tr(NO_MODEL_MESSAGE))
        self.recognise_now()

    def _on_model_choice_changed(self, _item: QListWidgetItem) -> None:
        self._rebuild_views()
        self.recognise_now()

    def _rebuild_views(self) -> None:
        chosen = self.chosen_models()
        for path in list(self._views):
            if path not in chosen:
                view = self._views.pop(path)
                self.views_row.removeWidget(view)
                view.deleteLater()
        for index, path in enumerate(chosen):
            view = self._views.get(path)
            if view is None:
                view = CandidatesView(slots=TOP_K)
                view.setObjectName(f"candidates_{Path(path).stem}")
                view.setAccessibleName(f"Candidates of {self._models[path].title}")
                view.set_title(self._models[path].title)
                view.candidate_copied.connect(lambda char: self.message.emit(tr("Copied {char} to the clipboard", char=char)))
                view.candidate_copied.connect(lambda char, path=path: self.why.choose(path, char))
                self._views[path] = view
            self.views_row.insertWidget(index, view)
        self.candidate_columns.updateGeometry()
        if not self._features_model():
            self.feature_view.set_features(None)

    def _features_model(self) -> str | None:
        return next((p for p in self.chosen_models() if self._models[p].feature_names), None)

    # -- input ---------------------------------------------------------------------------------
    def _on_strokes_changed(self) -> None:
        if self._image_path is not None and not self.canvas.is_empty():
            self._show_canvas()  # writing again replaces the opened image
        self._update_buttons()
        if not self._throttle.isActive():
            self._throttle.start()

    def _on_pen_up(self) -> None:
        self._throttle.stop()
        self.recognise_now()

    def _show_canvas(self) -> None:
        self._image_path = None
        self.drawing_area.setCurrentWidget(self.canvas)

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.canvas.can_undo())
        self.redo_button.setEnabled(self.canvas.can_redo())
        self.clear_button.setEnabled(not self.canvas.is_empty() or self._image_path is not None)

    def _input_now(self) -> np.ndarray | None:
        if self._image_path is not None:
            return self._current_input
        try:
            return strokes_to_input(self.canvas.strokes(), self.canvas.pen_width())
        except EmptyDrawing:
            return None

    @Slot()
    def recognise_now(self) -> None:
        """Frame the current drawing or image and send it to the models (no request when empty)."""
        self._throttle.stop()
        x = self._input_now()
        self._current_input = x
        self.input_view.set_input(x)
        self._latest_request += 1
        if x is None:
            self._shown_request = self._latest_request
            for view in self._views.values():
                view.clear()
                view.set_message(tr(EMPTY_MESSAGE))
            self.feature_view.set_features(None)
            self.why.withdraw()
            if self._models_loaded and self._models:
                self.status_label.setText(tr(EMPTY_MESSAGE))
            return
        paths = self.chosen_models()
        if not paths:
            self.why.withdraw()
            self._shown_request = self._latest_request  # nothing to wait for
            if self._models_loaded:
                self.status_label.setText(tr(NO_MODEL_MESSAGE) if not self._models else tr("Tick a model to compare."))
            return
        self._host.request(self._latest_request, x, paths, with_features=self._features_model() is not None)

    def load_image(self, path: str | Path) -> bool:
        """Recognise an image file instead of the drawing; False (and a message) when it cannot be used."""
        path = Path(path)
        try:
            grey = read_image_file(path)
            x = image_to_input(grey)
        except InputFileError as exc:
            self._report(str(exc))
            return False
        except EmptyDrawing:
            self._report(tr("{path}: the image holds no dark ink on light paper to recognise", path=path))
            return False
        height, width = grey.shape
        qimage = QImage(np.ascontiguousarray(grey).data, width, height, width, QImage.Format.Format_Grayscale8).copy()
        self.image_view.setPixmap(QPixmap.fromImage(qimage).scaled(
            self.drawing_area.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self.image_view.setToolTip(str(path))
        self.drawing_area.setCurrentWidget(self.image_view)
        self._image_path = path
        self._current_input = x
        self._update_buttons()
        self.status_label.setText(tr("Recognising the image {name}", name=path.name))
        self.message.emit(tr("Opened {path}", path=path))
        self.recognise_now()
        return True

    def open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open an image of a character"), "",
                                              tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if path:
            self.load_image(path)

    def _report(self, text: str) -> None:
        log.info("%s", text)
        self.status_label.setText(text)
        self.message.emit(text)

    # -- drag and drop (FileDropMixin) -------------------------------------------------------
    def open_dropped(self, path: str) -> None:
        self.load_image(path)

    # -- results -------------------------------------------------------------------------------
    @Slot(int, object)
    def _on_recognized(self, request_id: int, results: dict) -> None:
        if request_id != self._latest_request:
            return  # the drawing has changed since: a newer answer is on its way
        features_path = self._features_model()
        for path, (probs, features) in results.items():
            view = self._views.get(path)
            model = self._models.get(path)
            if view is None or model is None:
                continue
            view.set_candidates(candidates(probs[0], model.class_names, TOP_K))
            if path == features_path:
                self.feature_view.set_features({k: v[0] for k, v in features.items()} if features else None)
        if self._image_path is None:
            self.status_label.setText(tr("Keep writing: the candidates follow your strokes."))
        first = next((p for p in self.chosen_models() if p in results), None)
        if first is not None and self._current_input is not None:
            self.why.offer(first, self._current_input, self._models[first].class_names,
                           self.canvas.strokes() if self._image_path is None else None, self.canvas.pen_width())
        self._shown_request = request_id
        self.predictions_shown.emit(request_id)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._latest_request:
            self._shown_request = request_id
            self._report(tr("Recognition failed: {message}", message=message))

    def set_zoom(self, factor: float) -> None:
        """Presentation zoom: widgets with fixed pixel sizes grow with the font."""
        self.pen_width_slider.setMinimumWidth(round(PEN_SLIDER_WIDTH[0] * factor))
        self.pen_width_slider.setMaximumWidth(round(PEN_SLIDER_WIDTH[1] * factor))
        self._fit_model_list()

    def _fit_model_list(self) -> None:
        """The comparison list a few rows tall in the current font: enough to see what is ticked,
        little enough to leave the candidates their room."""
        rows = self.model_list.fontMetrics().lineSpacing() + 2 * self.model_list.spacing() + 2
        frame = 2 * self.model_list.frameWidth()
        self.model_list.setFixedHeight(round(rows * MODEL_LIST_ROWS) + frame)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FontChange:
            self._fit_model_list()
        super().changeEvent(event)
