"""The Write panel: write (or open) a character and watch the models recognise it as you go.

The controller of :class:`~desktop.ui.write.view.WriteView`. The :class:`ModelHost` thread frames
the ink (the image, and a stroke model's pen directions: tens of ms) and runs every model; requests
go out throttled while writing and at once on pen-up, each with an id, and anything for an older id
than the newest sent is dropped.

It learns the user's handwriting: when the top answer is wrong, "Not right? Teach it…" opens a
:class:`CharacterPicker`; the drawing is kept as a sample of the character picked
(:class:`PersonalHandwriting`), the host fits its personal layer, and the panel recognises again.
An answer the samples changed is marked in the candidates, with the model's own answer beside it.

"Characters" chooses the vocabulary: the 55 course characters (the course models, and any other
model) or all 3,755 common characters (a model over GB2312 level 1, when one is installed); the
comparison list offers the models of the choice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.contract import STROKES_KIND
from desktop.core.framing import EmptyDrawing
from desktop.core.model_input import DrawingInput
from desktop.core.recognition import InputFileError, candidates, image_to_input, read_image_file, strokes_to_input
from desktop.core.registry import ModelInfo, ModelProblem
from desktop.core.stroke_samples import character_strokes
from desktop.ui.constants import IMAGE_PATTERNS
from desktop.ui.file_drop import FileDropMixin
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.model_checklist import check_paths, checked_paths
from desktop.ui.write.candidates_view import CandidatesView
from desktop.ui.write.character_picker import CharacterPicker
from desktop.ui.write.model_host import ModelAnswer, ModelHost
from desktop.ui.write.personal_controller import PersonalHandwriting
from desktop.ui.write.view import WriteView
from desktop.ui.write.vocabulary_choice import VocabularyChoice
from desktop.ui.write.why_toggle import WriteWhy

log = logging.getLogger(__name__)

#: While the pen moves, at most one request per this many milliseconds.
THROTTLE_MS = 30
TOP_K = 5
# English sources; shown through tr().
EMPTY_MESSAGE = tr_noop("Write a character on the canvas, or open an image of one.")
NO_MODEL_MESSAGE = tr_noop("No character model found. Build one with: python -m training build-assets")
NOTHING_TO_TEACH = tr_noop("Write a character first; then, if the answer is wrong, teach the models the right one.")
NEEDS_STROKES = tr_noop("This model reads how a character was written: write it on the canvas (a picture has no "
                        "pen strokes).")


class WritePanel(FileDropMixin, QWidget):
    """Canvas + toolbar, model comparison, model input and feature maps (the commands of
    :class:`desktop.ui.panel_commands.WriteCommands` and those of the main window's menus)."""

    #: A result for ``request_id`` is on screen (the views have been given their new content).
    predictions_shown = Signal(int)
    #: A status line for the main window (errors the user caused, files loaded).
    status_message = Signal(str)
    #: The 米字格 grid was shown or hidden.
    grid_visible_changed = Signal(bool)
    #: The model host uses this many samples of the user's handwriting from now on.
    personal_layer_ready = Signal(int)
    #: The vocabulary shown now (``course`` or ``gb2312-1``), chosen or fallen back to.
    vocabulary_changed = Signal(str)

    def __init__(self, host: ModelHost, parent: QWidget | None = None,
                 handwriting_folder: str | Path | None = None):
        """``handwriting_folder``: where the user's samples are kept (default: the app's data folder)."""
        super().__init__(parent)
        self.setObjectName("writePanel")
        self.setAccessibleName("Write panel")
        self.setAcceptDrops(True)
        self._host = host
        self._models: dict[str, ModelInfo] = {}  # the models of the vocabulary shown, by path
        self._columns: dict[str, CandidatesView] = {}
        self._latest_request = 0
        self._shown_request = 0
        self._current_input: np.ndarray | None = None  # the image input
        self._framed_request = 0  # the request whose drawing _current_input is
        self._current_drawing: DrawingInput | None = None  # every kind of input of the drawing on show
        self._image_path: Path | None = None
        self._models_loaded = False
        self._picker: CharacterPicker | None = None
        self.view = WriteView(self)
        self._vocabularies = VocabularyChoice(self.view)
        self.canvas = self.view.canvas
        # "Why?": heat maps over the model input and the canvas.
        self.why = WriteWhy(self.view.why_toggle, self.view.why_scale, self.view.input_view.image_widget,
                            self.canvas, parent=self)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(THROTTLE_MS)
        self._throttle.timeout.connect(self.recognize_now)
        self._connect_view()
        host.models_ready.connect(self.set_models)
        host.recognized.connect(self._on_recognized)
        host.framed.connect(self._on_framed)
        host.failed.connect(self._on_failed)
        host.personal_ready.connect(self._on_personal_ready)
        self.handwriting = PersonalHandwriting(host, handwriting_folder, parent=self)
        self.handwriting.count_changed.connect(self.view.set_handwriting_count)
        self.handwriting.message.connect(self._show_status)
        self.handwriting.load()
        self._update_buttons()

    def _connect_view(self) -> None:
        view = self.view
        self.canvas.strokes_changed.connect(self._on_strokes_changed)
        self.canvas.stroke_finished.connect(self._on_pen_up)
        view.undo_button.clicked.connect(self.undo)
        view.redo_button.clicked.connect(self.redo)
        view.clear_button.clicked.connect(self.clear)
        view.open_button.clicked.connect(self.open_image_dialog)
        view.pen_width_slider.valueChanged.connect(self._on_pen_width_chosen)
        view.grid_checkbox.toggled.connect(self.canvas.set_grid_visible)
        view.grid_checkbox.toggled.connect(self.grid_visible_changed)
        view.model_list.itemChanged.connect(self._on_model_choice_changed)
        view.vocabulary_combo.activated.connect(
            lambda index: self.set_vocabulary(view.vocabulary_combo.itemData(index)))
        view.teach_button.clicked.connect(self.open_character_picker)
        view.forget_action.triggered.connect(self.confirm_forget_handwriting)
        view.export_action.triggered.connect(self.export_handwriting_dialog)

    # -- commands (lessons, the toolbar and the main window's menus) ---------------------------
    def undo(self) -> None:
        self.canvas.undo()

    def redo(self) -> None:
        self.canvas.redo()

    def shutdown(self) -> None:
        """Stop the panel's own threads (the "Why?" worker, the handwriting files); the window stops the
        model host it shares."""
        self.why.shutdown()
        self.handwriting.wait()

    def clear(self) -> None:
        self.canvas.clear()
        if self._image_path is not None:  # clearing an opened image goes back to an empty canvas
            self._show_canvas()
            self._on_strokes_changed()

    def set_grid_visible(self, visible: bool) -> None:
        self.view.grid_checkbox.setChecked(visible)

    def grid_visible(self) -> bool:
        return self.canvas.grid_visible()

    def set_pen_width(self, width: int) -> None:
        """The pen's width in pixels, within the slider's range."""
        self.view.pen_width_slider.setValue(width)

    def set_why(self, on: bool) -> None:
        self.why.set_on(on)

    def draw_character(self, char: str) -> None:
        """Put ``char`` on the canvas from its stroke centre-lines ("" clears the canvas).

        Raises :class:`~desktop.core.stroke_samples.StrokeDataError` when there is no stroke data for it.
        """
        if not char:
            self.clear()
            return
        self.canvas.set_sample_strokes(character_strokes(char))

    def chosen_models(self) -> list[str]:
        """Paths of the ticked models, in list order."""
        return checked_paths(self.view.model_list)

    def set_chosen_models(self, paths: Sequence[str]) -> None:
        """Tick exactly these models (paths as listed), then recognize again."""
        check_paths(self.view.model_list, paths)
        self._on_model_choice_changed()

    def set_zoom(self, factor: float) -> None:
        self.view.set_zoom(factor)

    def open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open an image of a character"), "",
                                              tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if path:
            self.load_image(path)

    def open_dropped(self, path: str) -> None:
        """A file dropped on the panel (:class:`FileDropMixin`)."""
        self.load_image(path)

    # -- the user's handwriting (commands) ------------------------------------------------------
    def teach_character(self, char: str) -> bool:
        """Keep the drawing (or image) on show as a sample of the user's ``char``: the models learn it and
        recognise again. False, with a status line, when nothing is on show or no model knows ``char``."""
        strokes = self.canvas.strokes() if self._image_path is None else None
        return self._keep_sample(char, self._current_input, strokes)

    def current_drawing(self) -> DrawingInput | None:
        """Every kind of model input of the drawing on show (None when there is none)."""
        return self._current_drawing

    def forget_handwriting(self) -> None:
        """Delete every kept sample of the user's handwriting (no question asked)."""
        self.handwriting.forget()

    def export_handwriting(self, folder: str | Path) -> None:
        """Write the samples as ``<char>/<n>.png`` into ``folder`` if it is empty, else into a new folder
        inside it; the status line says how many and where."""
        self.handwriting.export(folder)

    def handwriting_sample_count(self) -> int:
        return self.handwriting.count()

    def known_characters(self) -> list[str]:
        """Every character the chosen models (else all of them) tell apart, the first model's first."""
        paths = self.chosen_models() or list(self._models)
        return list(dict.fromkeys(char for path in paths for char in self._models[path].class_names))

    # -- the user's handwriting (dialogs) ---------------------------------------------------------
    def open_character_picker(self) -> CharacterPicker | None:
        """"Not right? Teach it…": the picker over the panel (None, with a status line, when nothing is
        on show); the character picked is taught with the drawing of now."""
        x, strokes = self._current_input, (self.canvas.strokes() if self._image_path is None else None)
        if x is None or not self._models:
            self._show_status(tr(NOTHING_TO_TEACH))
            return None
        column = self.candidate_view()
        picker = CharacterPicker(self.known_characters(), column.shown_candidates() if column else [], parent=self)
        picker.accepted.connect(lambda: self._keep_sample(picker.chosen(), x, strokes))
        picker.finished.connect(self._on_picker_closed)
        self._picker = picker
        picker.open()
        return picker

    def character_picker(self) -> CharacterPicker | None:
        """The picker while it is open."""
        return self._picker

    def confirm_forget_handwriting(self) -> None:
        self.handwriting.confirm_forget(self)

    def export_handwriting_dialog(self) -> None:
        self.handwriting.export_dialog(self)

    def _on_picker_closed(self) -> None:
        if self._picker is not None:
            self._picker.deleteLater()
            self._picker = None

    def _keep_sample(self, char: str | None, x: np.ndarray | None, strokes: list[np.ndarray] | None) -> bool:
        if x is None or not char:
            self._show_status(tr(NOTHING_TO_TEACH))
            return False
        if char not in self.known_characters():
            self._show_status(tr("No model here knows {char}, so none can learn your handwriting of it", char=char))
            return False
        self.handwriting.add(char, x, strokes, self.canvas.pen_width() if strokes is not None else None)
        return True

    @Slot(int)
    def _on_personal_ready(self, count: int) -> None:
        """The host uses the new samples: show the drawing's answer with them."""
        self.personal_layer_ready.emit(count)
        if self._models_loaded and self._current_input is not None:
            self.recognize_now()

    # -- state ---------------------------------------------------------------------------------
    def candidate_view(self, path: str | None = None) -> CandidatesView | None:
        """The candidates column of a model (default: the first chosen one that can read what is shown:
        for an opened picture, the first image model)."""
        if path is None:
            chosen = self.chosen_models()
            readers = [p for p in chosen if self._image_path is None or not self._reads_strokes(p)]
            path = (readers or chosen or [None])[0]
        return self._columns.get(path) if path else None

    def current_input(self) -> np.ndarray | None:
        """The image input on show (a drawing the host has not framed yet is framed here, image only)."""
        if self._framed_request != self._latest_request and self._image_path is None and not self.canvas.is_empty():
            try:
                return strokes_to_input(self.canvas.strokes(), self.canvas.pen_width())
            except EmptyDrawing:
                return None
        return self._current_input

    def latest_request_id(self) -> int:
        """Id of the newest recognition sent (or skipped because there was nothing to recognize)."""
        return self._latest_request

    def is_up_to_date(self) -> bool:
        """True when the candidates on screen belong to the current drawing or image."""
        return self._shown_request == self._latest_request and not self._throttle.isActive()

    # -- models ------------------------------------------------------------------------------
    @Slot(object, object)
    def set_models(self, models: list[ModelInfo], problems: list[ModelProblem] | None = None) -> None:
        """Keep every character model; list those of the vocabulary chosen (the course's when no model
        covers it)."""
        self._vocabularies.set_character_models([m for m in models if m.task == "characters"])
        self._models_loaded = True
        self._show_vocabulary()

    def vocabulary(self) -> str:
        """The vocabulary whose models are listed now: ``course`` or ``gb2312-1``."""
        return self._vocabularies.shown

    def set_vocabulary(self, name: str) -> None:
        """List the models of vocabulary ``name`` (the course's while none is installed) and recognize again."""
        self._vocabularies.want(name)
        if self._models_loaded:
            self._show_vocabulary()

    def _show_vocabulary(self) -> None:
        self._models, changed = self._vocabularies.fill_model_list()
        self._rebuild_columns()
        if not self._models:
            self.view.status_label.setText(tr(NO_MODEL_MESSAGE))
        if changed:
            self.vocabulary_changed.emit(self._vocabularies.shown)
        self.recognize_now()

    def _on_model_choice_changed(self, _item: object = None) -> None:
        self._rebuild_columns()
        self.recognize_now()

    def _rebuild_columns(self) -> None:
        """One candidates column per chosen model, in list order."""
        chosen = self.chosen_models()
        for path in [p for p in self._columns if p not in chosen]:
            column = self._columns.pop(path)
            column.hide()  # out of sight at once: the deletion waits for the event loop
            column.deleteLater()
        for path in chosen:
            if path not in self._columns:
                self._columns[path] = self._new_column(path)
        self.view.candidate_columns.show_columns([self._columns[p] for p in chosen])
        if not self._features_model():
            self.view.feature_view.set_features(None)

    def _new_column(self, path: str) -> CandidatesView:
        column = self.view.new_candidates_column(f"candidates_{Path(path).stem}", self._models[path].title, TOP_K)
        column.candidate_copied.connect(lambda char, path=path: self._on_candidate_copied(path, char))
        column.candidate_taught.connect(self.teach_character)
        return column

    def _on_candidate_copied(self, path: str, char: str) -> None:
        self.status_message.emit(tr("Copied {char} to the clipboard", char=char))
        self.why.choose(path, char)

    def _features_model(self) -> str | None:
        return next((p for p in self.chosen_models() if self._models[p].feature_names), None)

    # -- input ---------------------------------------------------------------------------------
    def _on_pen_width_chosen(self, width: int) -> None:
        self.canvas.set_pen_width(float(width))

    def _on_strokes_changed(self) -> None:
        if self._image_path is not None and not self.canvas.is_empty():
            self._show_canvas()  # writing again replaces the opened image
        self._update_buttons()
        if not self._throttle.isActive():
            self._throttle.start()

    def _on_pen_up(self) -> None:
        self._throttle.stop()
        self.recognize_now()

    def _show_canvas(self) -> None:
        self._image_path = None
        self.view.show_canvas()
    def _update_buttons(self) -> None:
        self.view.update_edit_buttons(image_open=self._image_path is not None)

    def _reads_strokes(self, path: str | None) -> bool:
        return path is not None and path in self._models and self._models[path].input_kind == STROKES_KIND

    @Slot()
    def recognize_now(self) -> None:
        """Send the drawing (framed in the model host's thread) or the opened image to the models."""
        self._throttle.stop()
        self._latest_request += 1
        paths = self.chosen_models()
        with_features = self._features_model() is not None
        if self._image_path is not None:  # framed when it was opened
            self._show_framed(self._current_drawing, self._latest_request)
            self._host.request(self._latest_request, self._current_drawing, paths, with_features=with_features)
        elif self.canvas.is_empty():
            self._show_framed(None, self._latest_request)
            self._show_nothing_to_recognize()
            return
        else:  # the pen's directions are framed only when a model reads them
            self._host.request_strokes(self._latest_request, self.canvas.strokes(), self.canvas.pen_width(), paths,
                                       with_features=with_features,
                                       directions=any(self._reads_strokes(p) for p in paths))
        if not paths:
            self.why.withdraw()
            if self._models_loaded:
                text = tr(NO_MODEL_MESSAGE) if not self._models else tr("Tick a model to compare.")
                self.view.status_label.setText(text)

    @Slot(int, object)
    def _on_framed(self, request_id: int, drawing: DrawingInput | None) -> None:
        if request_id != self._latest_request:
            return  # the drawing has changed since
        self._show_framed(drawing, request_id)
        if drawing is None:
            self._show_nothing_to_recognize()

    def _show_framed(self, drawing: DrawingInput | None, request_id: int) -> None:
        """The drawing of request ``request_id`` becomes the current one: what the model sees, what is taught."""
        self._current_drawing, self._framed_request = drawing, request_id
        self._current_input = x = drawing.image if drawing is not None else None
        self.view.teach_button.setEnabled(x is not None)
        first = next(iter(self.chosen_models()), None)
        self.view.show_model_input(x, drawing.strokes if drawing is not None and self._reads_strokes(first) else None)

    def _show_nothing_to_recognize(self) -> None:
        self._shown_request = self._latest_request
        for column in self._columns.values():
            column.set_notice(tr(EMPTY_MESSAGE))
        self.view.feature_view.set_features(None)
        self.why.withdraw()
        if self._models_loaded and self._models:
            self.view.status_label.setText(tr(EMPTY_MESSAGE))

    def load_image(self, path: str | Path) -> bool:
        """Recognize an image file instead of the drawing; False (and a status line) when it cannot be used."""
        path = Path(path)
        try:
            grey = read_image_file(path)
            x = image_to_input(grey)
        except InputFileError as exc:
            self._show_status(str(exc))
            return False
        except EmptyDrawing:
            self._show_status(tr("{path}: the image holds no dark ink on light paper to recognise", path=path))
            return False
        self.view.show_image(grey, path)
        self._image_path = path
        self._current_input, self._current_drawing = x, DrawingInput(x)
        self._update_buttons()
        self.view.status_label.setText(tr("Recognising the image {name}", name=path.name))
        self.status_message.emit(tr("Opened {path}", path=path))
        self.recognize_now()
        return True

    # -- results -------------------------------------------------------------------------------
    @Slot(int, object)
    def _on_recognized(self, request_id: int, results: dict[str, ModelAnswer]) -> None:
        if request_id != self._latest_request:
            return  # the drawing has changed since: a newer answer is on its way
        if not self.chosen_models() or self._current_input is None:  # framed only, or nothing to recognise
            self._shown_request = request_id
            return
        features_path = self._features_model()
        for path, answer in results.items():
            column = self._columns.get(path)
            model = self._models.get(path)
            if column is None or model is None:
                continue
            choice = model.class_names[answer.model_top] if answer.personal_changed else None
            column.set_candidates(candidates(answer.probs[0], model.class_names, TOP_K), choice)
            if path == features_path:
                features = answer.features
                self.view.feature_view.set_features({k: v[0] for k, v in features.items()} if features else None)
        for path in self.chosen_models():
            if path not in results and self._reads_strokes(path) and path in self._columns:
                self._columns[path].set_notice(tr(NEEDS_STROKES))
        first = next((p for p in self.chosen_models() if p in results), None)
        answer = results.get(first) if first else None
        if answer is not None and answer.personal_changed:
            names = self._models[first].class_names
            self.view.show_personal_status(names[int(np.argmax(answer.probs[0]))], names[answer.model_top])
        elif self._image_path is None:
            self.view.status_label.setText(tr("Keep writing: the candidates follow your strokes."))
        if first is not None and self._current_drawing is not None:
            self.why.offer(first, self._current_drawing.for_kind(self._models[first].input_kind),
                           self._models[first].class_names,
                           self.canvas.strokes() if self._image_path is None else None, self.canvas.pen_width())
        self._shown_request = request_id
        self.predictions_shown.emit(request_id)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._latest_request:
            self._shown_request = request_id
            self._show_status(tr("Recognition failed: {message}", message=message))

    def _show_status(self, text: str) -> None:
        """In the panel's status line and the main window's status bar (and the log)."""
        log.info("%s", text)
        self.view.status_label.setText(text)
        self.status_message.emit(text)
