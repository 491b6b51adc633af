"""The Write panel's widgets and their layout (the panel's controller drives them).

The canvas with its toolbar on the left; on the right the models to compare (one column of
candidates each), "what the model sees" and the CNN's feature maps. The canvas and the candidates
are what a class watches: they always get their room (the candidate columns scroll sideways only
when many models are ticked); the model input and the feature maps below take what is left and
scroll when that is too little (a 1024 x 768 projector, 150 % text, the Lessons sidebar).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.explain_overlay import ColourScale
from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_label
from desktop.ui.why import why_toggle
from desktop.ui.widgets import push_button, tool_button, wrapping_label
from desktop.ui.write.candidate_columns import CandidateColumns
from desktop.ui.write.candidates_view import CandidatesView
from desktop.ui.write.canvas import DrawingCanvas
from desktop.ui.write.feature_maps_view import FeatureMapsView
from desktop.ui.write.direction_channels_view import DirectionChannelsView
from desktop.ui.write.input_view import ModelInputView

PEN_WIDTH_RANGE = (2, 40)
PEN_SLIDER_WIDTH = (80, 160)  # px at 100 % zoom: never a stub, never the whole toolbar
MODEL_LIST_ROWS = 2.5  # the comparison list shows this many models before it scrolls
LOADING_MESSAGE = tr_noop("Loading the models…")
SAMPLE_COUNT = tr_noop("{n} samples")
SAMPLE_COUNT_TIP = tr_noop("{n} samples of your handwriting, kept only on this computer")
#: The "Characters" choice: (vocabulary name of desktop.core.vocabulary, its label).
VOCABULARY_CHOICES = (("course", tr_noop("55 course characters")), ("gb2312-1", tr_noop("All 3,755 characters")))
VOCABULARY_TIP = tr_noop("Which characters the models tell apart: the 55 of the course, or all 3,755 "
                         "common characters (GB2312 level 1)")
NO_VOCABULARY_MODEL_TIP = tr_noop("No model for all 3,755 characters is installed. Build one with: "
                                  "python -m training build-assets --vocabulary gb2312-1")


class WriteView(QSplitter):
    """Every widget of the Write panel, laid out: the canvas column and the models column side by
    side in a splitter that fills ``panel``."""

    def __init__(self, panel: QWidget):
        super().__init__(Qt.Orientation.Horizontal, panel)
        self.setObjectName("writeSplitter")
        self.canvas = DrawingCanvas()
        self._build_drawing_area()
        self._build_toolbar()
        self._build_handwriting_row()
        self.status_label = QLabel(tr(LOADING_MESSAGE))
        self.status_label.setObjectName("writeStatus")
        self.status_label.setWordWrap(True)
        self._build_comparison()
        self._build_details()
        self.addWidget(self._canvas_column())
        self.addWidget(self._models_column())
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        outer = QVBoxLayout(panel)
        # Qt's default 11 px margins cost the models column its last 14 px at 150 % Chinese text
        # on a 1280 x 720 projector; the splitter's own handles already separate the columns.
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self)
        self._fit_model_list()

    # -- building ------------------------------------------------------------------------------
    def _build_drawing_area(self) -> None:
        """The canvas, or in its place an opened image."""
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

    def _build_toolbar(self) -> None:
        self.undo_button = tool_button(tr_noop("Undo"), name="undoButton",
                                       tip=tr_noop("Take back the last stroke (Ctrl+Z)"))
        self.redo_button = tool_button(tr_noop("Redo"), name="redoButton",
                                       tip=tr_noop("Put the stroke back (Ctrl+Shift+Z)"))
        self.clear_button = tool_button(tr_noop("Clear"), name="clearButton",
                                        tip=tr_noop("Start again with an empty canvas (Esc)"))
        self.open_button = tool_button(tr_noop("Open image…"), name="openImageButton",
                                       tip=tr_noop("Recognise a picture of a character (Ctrl+O)"))
        self.pen_width_slider = QSlider(Qt.Orientation.Horizontal)
        self.pen_width_slider.setObjectName("penWidthSlider")
        self.pen_width_slider.setAccessibleName("Pen width")
        self.pen_width_slider.setRange(*PEN_WIDTH_RANGE)
        self.pen_width_slider.setValue(round(self.canvas.pen_width()))
        translated(self.pen_width_slider.setToolTip, "Pen width in pixels: the model sees the same line")
        self.pen_width_slider.setMinimumWidth(PEN_SLIDER_WIDTH[0])
        self.pen_width_slider.setMaximumWidth(PEN_SLIDER_WIDTH[1])
        self.grid_checkbox = QCheckBox()
        translated(self.grid_checkbox.setText, "米字格 grid", owner=self.grid_checkbox)
        self.grid_checkbox.setObjectName("gridCheckBox")
        self.grid_checkbox.setAccessibleName("Show the 米字格 guide grid")
        self.grid_checkbox.setChecked(self.canvas.grid_visible())

    def _build_handwriting_row(self) -> None:
        """Under the canvas: "Not right? Teach it…", the handwriting menu and how many samples are kept."""
        self.teach_button = push_button(
            tr_noop("Not right? Teach it…"), name="teachHandwritingButton",
            accessible="Not right? Pick the character you wrote",
            tip=tr_noop("Pick the character you wrote: the drawing is kept on this computer as a sample of "
                        "your handwriting, and the models learn it at once"))
        self.forget_action = QAction()
        translated(self.forget_action.setText, "Forget my handwriting…", owner=self.forget_action)
        self.forget_action.setObjectName("forgetHandwritingAction")
        self.export_action = QAction()
        translated(self.export_action.setText, "Export my handwriting…", owner=self.export_action)
        self.export_action.setObjectName("exportHandwritingAction")
        self.handwriting_menu = QMenu()
        self.handwriting_menu.addAction(self.export_action)
        self.handwriting_menu.addAction(self.forget_action)
        self.handwriting_button = tool_button(
            tr_noop("My handwriting"), name="handwritingMenuButton", accessible="My handwriting",
            tip=tr_noop("Your handwriting samples: export them for training, or forget them"))
        self.handwriting_button.setMenu(self.handwriting_menu)
        self.handwriting_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.handwriting_label = wrapping_label(name="handwritingCount", accessible="Samples of your handwriting")
        self._handwriting_count = 0
        label = self.handwriting_label
        # Placeholders read when the text is made: a language switch shows the count of then.
        translated(lambda text: label.setText(text if self._handwriting_count else ""), SAMPLE_COUNT, owner=label,
                   n=lambda: self._handwriting_count)
        translated(label.setToolTip, SAMPLE_COUNT_TIP, owner=label, n=lambda: self._handwriting_count)
        self.set_handwriting_count(0)

    def set_handwriting_count(self, count: int) -> None:
        """How many samples of the user's handwriting are kept (the menu's commands need some)."""
        self._handwriting_count = count
        self.handwriting_label.setText(tr(SAMPLE_COUNT, n=count) if count else "")
        self.handwriting_label.setToolTip(tr(SAMPLE_COUNT_TIP, n=count))
        self.forget_action.setEnabled(count > 0)
        self.export_action.setEnabled(count > 0)

    def _canvas_column(self) -> QWidget:
        # Two short toolbar rows rather than one long one: the canvas column stays narrow enough to
        # share a 1024-pixel screen (or the Lessons sidebar) with the candidates.
        pen_label = translated_label("Pen")
        pen_label.setBuddy(self.pen_width_slider)
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(_row(self.undo_button, self.redo_button, self.clear_button, self.open_button))
        layout.addLayout(_row(pen_label, self.pen_width_slider, self.grid_checkbox))
        layout.addWidget(self.drawing_area, stretch=1)
        layout.addLayout(_row(self.teach_button, self.handwriting_button, self.handwriting_label, stretch=False))
        layout.addWidget(self.status_label)
        return column

    def _build_comparison(self) -> None:
        self.model_list = QListWidget()
        self.model_list.setObjectName("compareModelList")
        self.model_list.setAccessibleName("Models to compare")
        # A long model name ends in "…" (its tooltip has it all) rather than scrolling sideways.
        self.model_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        translated(self.model_list.setToolTip, "Tick the models to run side by side on the same drawing")
        self.vocabulary_combo = QComboBox()
        self.vocabulary_combo.setObjectName("writeVocabularyCombo")
        self.vocabulary_combo.setAccessibleName("Characters")
        for index, (name, label) in enumerate(VOCABULARY_CHOICES):
            self.vocabulary_combo.addItem(tr(label), name)
            translated_item(self.vocabulary_combo, index, label)
        self.candidate_columns = CandidateColumns()

    def _build_details(self) -> None:
        """What the model sees, its "Why?" toggle and scale, and the feature maps, in a scroll area."""
        self.input_view = ModelInputView()
        self.direction_view = DirectionChannelsView()
        self.direction_view.hide()  # shown instead of the image while the first model compared reads strokes
        self.feature_view = FeatureMapsView()
        self.why_toggle = why_toggle("writeWhyCheckBox", "Why? Show where the model looked",
                                     tr_noop("Show where the model looked: a heat map of the evidence for its top "
                                             "candidate (click a candidate to see the evidence for it)"))
        self.why_scale = ColourScale(name="writeWhyScale")
        self.why_scale.hide()  # until a map is shown; hidden before it is laid out, so it takes no room
        features_label = translated_label("<b>Feature maps</b> of the CNN")
        features_label.setWordWrap(True)
        details = QWidget()
        details.setObjectName("writeDetails")
        lower = QHBoxLayout(details)
        lower.setContentsMargins(0, 0, 0, 0)
        see_box = QVBoxLayout()
        see_box.addWidget(self.input_view, stretch=1)
        see_box.addWidget(self.direction_view, stretch=1)
        see_box.addWidget(self.why_toggle, alignment=Qt.AlignmentFlag.AlignLeft)
        see_box.addWidget(self.why_scale)
        feature_box = QVBoxLayout()
        feature_box.addWidget(features_label)
        feature_box.addWidget(self.feature_view, stretch=1)
        lower.addLayout(see_box, 1)
        lower.addLayout(feature_box, 3)
        self.details_scroll = QScrollArea()
        self.details_scroll.setObjectName("writeDetailsScroll")
        self.details_scroll.setAccessibleName("What the model sees and its feature maps")
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setWidget(details)

    def show_personal_status(self, char: str, model_char: str) -> None:
        """The status line when the user's handwriting changed the first model's answer."""
        self.status_label.setText(tr("\u270e {char} comes from your handwriting: the model alone said {model}",
                                     char=char, model=model_char))

    def show_model_input(self, image: np.ndarray | None, directions: np.ndarray | None = None) -> None:
        """What the model sees: the image input, or a stroke model's nine channels when given."""
        self.input_view.set_input(image)
        self.direction_view.set_channels(directions)
        self.input_view.setVisible(directions is None)
        self.direction_view.setVisible(directions is not None)

    def _models_column(self) -> QWidget:
        compare_label = translated_label("<b>Compare models</b>")
        compare_label.setWordWrap(True)
        heading = QVBoxLayout()  # the heading and the choice beside the list: rows less to pay for
        heading.addWidget(compare_label)
        heading.addWidget(self.vocabulary_combo)
        heading.addStretch(1)
        compare_row = QHBoxLayout()
        compare_row.addLayout(heading)
        compare_row.addWidget(self.model_list, stretch=1)
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(compare_row)
        layout.addWidget(self.candidate_columns)
        layout.addWidget(self.details_scroll, stretch=1)
        return column

    # -- what the controller changes -----------------------------------------------------------
    def show_vocabularies(self, available: set[str], current: str) -> None:
        """Offer the vocabularies some model covers (the others greyed out, their tooltip says how to build
        one) and show ``current`` as chosen, without signalling a choice."""
        combo = self.vocabulary_combo
        combo.blockSignals(True)
        for index in range(combo.count()):
            name = combo.itemData(index)
            item = combo.model().item(index)
            item.setEnabled(name in available or name == "course")
            item.setToolTip("" if item.isEnabled() else tr(NO_VOCABULARY_MODEL_TIP))
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)
        combo.setToolTip(tr(VOCABULARY_TIP) if len(available | {"course"}) > 1 else tr(NO_VOCABULARY_MODEL_TIP))

    def update_edit_buttons(self, image_open: bool) -> None:
        """Undo and redo as the canvas allows; clear while something is drawn or an image is open."""
        self.undo_button.setEnabled(self.canvas.can_undo())
        self.redo_button.setEnabled(self.canvas.can_redo())
        self.clear_button.setEnabled(not self.canvas.is_empty() or image_open)

    def show_canvas(self) -> None:
        self.drawing_area.setCurrentWidget(self.canvas)

    def show_image(self, grey: np.ndarray, path: Path) -> None:
        """An opened image (uint8 grey) in place of the canvas, scaled to the drawing area."""
        height, width = grey.shape
        image = QImage(np.ascontiguousarray(grey).data, width, height, width, QImage.Format.Format_Grayscale8).copy()
        self.image_view.setPixmap(QPixmap.fromImage(image).scaled(
            self.drawing_area.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self.image_view.setToolTip(str(path))
        self.drawing_area.setCurrentWidget(self.image_view)

    def new_candidates_column(self, object_name: str, title: str, slots: int) -> CandidatesView:
        """A column for one model's candidates; :meth:`CandidateColumns.show_columns` places it."""
        column = CandidatesView(slots=slots)
        column.setObjectName(object_name)
        column.set_title(title)
        return column

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


def _row(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    """Widgets side by side from the left (``stretch=False``: the last one takes what is left)."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch()
    else:
        row.setStretch(len(widgets) - 1, 1)
    return row
