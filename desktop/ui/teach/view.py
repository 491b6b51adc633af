"""The Teach panel's widgets and their layout; :class:`desktop.ui.teach.panel.TeachPanel` wires them.

Top: the three steps and the project line. Below, three columns: the classes, the samples of the
selected class with the ways to add them, and training (settings, Train, the result, the preview
and "Under the hood"). The view shows what the panel tells it; it holds no project and starts no
work.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.teach.project import TeachClass, TrainSettings
from desktop.ui.explain_overlay import ColourScale, HeatOverlay
from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_tab
from desktop.ui.teach.class_list import ClassList
from desktop.ui.teach.preview import TeachPreview
from desktop.ui.teach.project_bar import ProjectBar
from desktop.ui.teach.result_view import TrainingResult
from desktop.ui.teach.sample_grid import SampleGrid
from desktop.ui.teach.steps_guide import StepsGuide
from desktop.ui.teach.train_view import UnderTheHood
from desktop.ui.why import why_toggle
from desktop.ui.widgets import push_button

CAMERA_CHOICES = 4  # camera indexes offered
RECORD_RATES = (1, 2, 5, 10, 15)  # frames per second saved while "hold to record" is held
DEFAULT_RECORD_RATE = 5
SPLIT_SHARES = (26, 34, 40)  # classes : samples : training and preview
PROGRESS_MIN_WIDTH = 48  # px: a busy bar needs no room for text


class UpDownScroll(QScrollArea):
    """Scrolls up and down only, and is always as wide as its content needs (nothing cut at the side)."""

    def __init__(self, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        hint = super().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        hint.setWidth(self.widget().minimumSizeHint().width() + bar + 2 * self.frameWidth())
        return hint


def _combo(name: str, accessible: str, source: str, values: Sequence[int], key: str) -> QComboBox:
    """A choice of numbers shown as ``source`` (an English template with ``{key}``), translated."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    for index, value in enumerate(values):
        combo.addItem(tr(source, **{key: value}), value)
        translated_item(combo, index, source, **{key: value})
    return combo


def _rows(*pairs: tuple[QWidget, QWidget]) -> list[QHBoxLayout]:
    rows = []
    for pair in pairs:
        row = QHBoxLayout()
        for widget in pair:
            row.addWidget(widget, stretch=1)
        rows.append(row)
    return rows


class TeachView(QWidget):
    """Every widget of the Teach panel, laid out; it fills the panel it is made for."""

    def __init__(self, panel: QWidget):
        super().__init__(panel)
        self.setObjectName("teachView")
        self.steps = StepsGuide()
        self.project_bar = ProjectBar()
        self.classes = ClassList()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("teachSplitter")
        splitter.addWidget(self.classes)
        splitter.addWidget(self._samples_column())
        splitter.addWidget(self._training_column())
        # The same shares for the first layout and for every resize after it: the class list needs
        # little room, the samples and the training more.
        for index, share in enumerate(SPLIT_SHARES):
            splitter.setStretchFactor(index, share)
        splitter.setSizes(list(SPLIT_SHARES))
        self.status_label = QLabel("")
        self.status_label.setObjectName("teachStatus")
        self.status_label.setAccessibleName("Teach status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps)
        layout.addWidget(self.project_bar)
        layout.addWidget(splitter, stretch=1)
        layout.addWidget(self.status_label)
        outer = QVBoxLayout(panel)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self)

    # -- building ------------------------------------------------------------------------------
    def _samples_column(self) -> QWidget:
        """The samples of the selected class and the ways to add them."""
        self.samples_title = QLabel()
        self.samples_title.setObjectName("teachSamplesTitle")
        self.grid = SampleGrid()
        self.add_files_button = push_button(tr_noop("Images…"), name="teachAddImages",
                                            accessible="Add image files to the class",
                                            tip=tr_noop("Add image files to the selected class"))
        self.add_folder_button = push_button(tr_noop("Folder…"), name="teachAddFolder",
                                             accessible="Add a folder of images to the class",
                                             tip=tr_noop("Add every image of a folder to the selected class"))
        self.add_drawing_button = push_button(tr_noop("From Write"), name="teachAddDrawing",
                                              accessible="Add the Write canvas drawing",
                                              tip=tr_noop("Add the drawing on the Write panel's canvas as a sample"))
        self.delete_samples_button = push_button(tr_noop("Delete sample"), name="teachDeleteSamples",
                                                 accessible="Delete the selected samples",
                                                 tip=tr_noop("Delete the selected samples (or press Delete)"))
        self.camera_choice = _combo("teachCameraChoice", "Camera", tr_noop("Camera {index}"), range(CAMERA_CHOICES),
                                    "index")
        self.camera_button = push_button(tr_noop("Start camera"), name="teachCameraButton",
                                         accessible="Start the camera",
                                         tip=tr_noop("Show the camera (live preview once trained)"), checkable=True)
        self.record_button = push_button(tr_noop("Hold to record"), name="teachRecordButton",
                                         accessible="Hold to record camera samples",
                                         tip=tr_noop("Keep the button pressed to save camera frames into the "
                                                     "selected class"))
        self.rate_choice = _combo("teachRecordRate", "Recording rate in frames per second", tr_noop("{rate} / s"),
                                  RECORD_RATES, "rate")
        self.rate_choice.setCurrentIndex(RECORD_RATES.index(DEFAULT_RECORD_RATE))
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.samples_title)
        layout.addWidget(self.grid, stretch=1)
        # Two buttons a row: the samples column stays narrow enough for three columns on a
        # 1024-pixel screen at 150 % text.
        for row in _rows((self.add_files_button, self.add_folder_button),
                         (self.add_drawing_button, self.delete_samples_button),
                         (self.camera_choice, self.camera_button), (self.record_button, self.rate_choice)):
            layout.addLayout(row)
        return column

    def _training_column(self) -> QWidget:
        """Train, the result, the advanced settings, then the preview and "Under the hood" tabs."""
        self.train_button = push_button(tr_noop("Train"), name="teachTrainButton", accessible="Train the model",
                                        tip=tr_noop("Embed every sample and train the classifier"))
        self.cancel_button = push_button(tr_noop("Cancel"), name="teachCancelButton",
                                         accessible="Cancel the running job",
                                         tip=tr_noop("Stop training, adding or exporting"))
        self.progress_bar = self._progress_bar()
        self.result_view = TrainingResult()
        train_row = QHBoxLayout()
        train_row.addWidget(self.train_button)
        train_row.addWidget(self.cancel_button)
        train_row.addWidget(self.progress_bar, stretch=1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("teachTabs")
        self.tabs.setAccessibleName("Preview and under the hood")
        for page, title in ((self._preview_page(), tr_noop("Preview")), (self._hood_page(), tr_noop("Under the hood"))):
            self.tabs.addTab(page, tr(title))
            translated_tab(self.tabs, page, title)
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(train_row)
        layout.addWidget(self.result_view)
        layout.addWidget(self._advanced_box())
        layout.addWidget(self.tabs, stretch=1)
        return column

    def _progress_bar(self) -> QProgressBar:
        bar = QProgressBar()
        bar.setObjectName("teachProgress")
        bar.setAccessibleName("Progress of the running job")
        bar.setRange(0, 1)
        bar.setValue(0)
        bar.hide()  # shown only while a job runs
        bar.setMinimumWidth(PROGRESS_MIN_WIDTH)  # its own wish (room for "100%") widens the column
        # Its room is kept while hidden: nothing jumps when a job starts or ends.
        policy = bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        bar.setSizePolicy(policy)
        return bar

    def _advanced_box(self) -> QGroupBox:
        self.augment_box = QCheckBox()
        translated(self.augment_box.setText, "Augment", owner=self.augment_box)
        translated(self.augment_box.setToolTip, "Augment (flip, crop, rotate, brightness)", owner=self.augment_box)
        self.augment_box.setObjectName("teachAugment")
        self.augment_box.setAccessibleName("Augment the samples while training")
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 1024)
        self.rate_spin = QDoubleSpinBox()
        self.rate_spin.setDecimals(5)
        self.rate_spin.setRange(0.00001, 1.0)
        self.rate_spin.setSingleStep(0.001)
        advanced = QGroupBox()
        translated(advanced.setTitle, "Advanced", owner=advanced)
        advanced.setObjectName("teachAdvanced")
        # Labels over their boxes, side by side: three short rows instead of a tall form.
        form = QGridLayout(advanced)
        form.addWidget(self.augment_box, 0, 0, 1, 3)
        for column, (label, spin, name) in enumerate(((tr_noop("Epochs"), self.epochs_spin, "teachEpochs"),
                                                      (tr_noop("Batch size"), self.batch_spin, "teachBatchSize"),
                                                      (tr_noop("Learning rate"), self.rate_spin, "teachLearningRate"))):
            spin.setObjectName(name)
            spin.setAccessibleName(label)
            row_label = QLabel()
            row_label.setWordWrap(True)
            translated(row_label.setText, label, owner=row_label)
            row_label.setBuddy(spin)
            form.addWidget(row_label, 1, column, Qt.AlignmentFlag.AlignBottom)
            form.addWidget(spin, 2, column)
        return advanced

    def _preview_page(self) -> QWidget:
        self.preview = TeachPreview()
        # "Why?": a heat map over the preview picture (the panel's TeachWhy drives it).
        self.why_toggle = why_toggle("teachWhyCheckBox", "Why? Show where the taught model looks",
                                     tr_noop("Show where the taught model looks in the preview picture (click a "
                                             "class's bar to see the evidence for it)"))
        self.why_scale = ColourScale(name="teachWhyScale")
        self.why_overlay = HeatOverlay(self.preview.picture, name="teachHeatOverlay")
        self.preview_file_button = push_button(tr_noop("Preview a photo…"), name="teachPreviewFile",
                                               accessible="Preview a photo file",
                                               tip=tr_noop("Classify a photo file with the trained model"))
        # Short: on the Preview tab "preview" goes without saying, and the column is narrow.
        self.import_button = push_button(
            tr_noop("Teachable Machine model…"), name="teachImportTeachable",
            accessible="Preview a Teachable Machine model",
            tip=tr_noop("Convert a Teachable Machine TensorFlow.js export (model.json or .zip) into your models folder "
                        "and preview it here until you train your own; you can also drop the export on this panel"))
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)  # the tab's frame is margin enough
        layout.addWidget(self.preview, stretch=1)
        layout.addWidget(self.why_toggle, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.why_scale)
        layout.addWidget(self.preview_file_button)
        layout.addWidget(self.import_button)  # one per row: side by side they widen the window past 1280
        # The preview scrolls when the screen is short (150 % text on 720 pixels): the classes,
        # samples, Train and the result above it never do.
        scroll = UpDownScroll(page)
        scroll.setObjectName("teachPreviewScroll")
        scroll.setAccessibleName("Preview")
        return scroll

    def _hood_page(self) -> QWidget:
        self.under_the_hood = UnderTheHood()
        scroll = QScrollArea()
        scroll.setObjectName("teachUnderTheHoodScroll")
        scroll.setAccessibleName("Under the hood")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.under_the_hood)
        return scroll

    # -- showing the panel's state ---------------------------------------------------------------
    def show_project(self, name: str, folder, classes: Sequence[tuple[str, int]], current: int,
                     trained: bool) -> None:
        """The project line, the class list (``classes``: name and number of samples) and the steps."""
        self.project_bar.set_project(name, folder)
        self.classes.set_classes(classes, current)
        self.steps.set_project(classes, trained)

    def show_samples(self, teach_class: TeachClass | None) -> None:
        self.grid.sample_model.set_paths(teach_class.samples if teach_class else [])
        self.samples_title.setText(tr("<b>{name}</b>: {n} sample(s)", name=teach_class.name, n=len(teach_class.samples))
                                   if teach_class else tr("Add a class to start."))

    def show_settings(self, settings: TrainSettings) -> None:
        """The project's training settings, without the boxes announcing an edit."""
        boxes = (self.epochs_spin, self.batch_spin, self.rate_spin, self.augment_box)
        for box in boxes:
            box.blockSignals(True)
        self.epochs_spin.setValue(settings.epochs)
        self.batch_spin.setValue(settings.batch_size)
        self.rate_spin.setValue(settings.learning_rate)
        self.augment_box.setChecked(settings.augment)
        for box in boxes:
            box.blockSignals(False)

    def read_settings(self, settings: TrainSettings) -> None:
        """Copy the boxes' values into ``settings``."""
        settings.epochs = self.epochs_spin.value()
        settings.batch_size = self.batch_spin.value()
        settings.learning_rate = float(self.rate_spin.value())
        settings.augment = self.augment_box.isChecked()

    def show_busy(self, busy: bool) -> None:
        """While a job runs: its progress bar, Cancel, and nothing else that edits the project."""
        for widget in (self.train_button, self.project_bar.export_button, self.add_files_button,
                       self.add_folder_button, self.classes, self.add_drawing_button, self.delete_samples_button,
                       self.record_button, self.grid, self.augment_box, self.epochs_spin, self.batch_spin,
                       self.rate_spin, self.import_button, *self.project_bar.actions_to_lock()):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress_bar.setVisible(busy)
        if not busy:  # the bar moves only while work runs: a finished job's 100 % would read as "trained"
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)

    def show_camera_running(self, running: bool) -> None:
        self.camera_button.setText(tr("Stop camera") if running else tr("Start camera"))
        self.camera_button.setAccessibleName("Stop the camera" if running else "Start the camera")

    def camera_index(self) -> int:
        return int(self.camera_choice.currentData())

    def record_rate(self) -> int:
        """Frames per second to save while recording."""
        return int(self.rate_choice.currentData())
