"""The Teach panel: make your own photo classes, train a classifier on them here, export it.

The project lives in a folder (by default under the user's app data); every edit is saved at once
(atomic writes in :mod:`desktop.core.teach.project`), so there is no "unsaved changes" state.
Long work never runs in the GUI thread: adding files, embedding + training, previews, exports and
Teachable Machine imports are :class:`JobWorker` jobs (progress and cancel); the camera captures in
its own thread (:mod:`desktop.ui.sources`). Training embeds every sample with the ImageNet feature
extractor (cached per sample) and fits a softmax head in numpy; the export merges both into one ONNX
file that the Camera panel lists as a photo model.

A Teachable Machine export dropped on the panel (or chosen with "Preview a Teachable Machine
model…") is converted into the user's models folder, like an export, and the preview runs it until
the user trains their own classes or opens another project; the project itself is not changed.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.contract import assets_dir
from desktop.core.model_check import open_model_checked
from desktop.core.onnx_model import OnnxModel
from desktop.core.photos import to_model_input
from desktop.core.registry import open_checked
from desktop.core.teach import project as teach
from desktop.core.teach.embeddings import EmbeddingCache
from desktop.core.teach.export import export_merged_onnx
from desktop.core.teach.head import HeadResult, predict_head, train_head
from desktop.core.teach.project import ProjectError, TeachProject
from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_tab
from desktop.ui.workers import JobWorker
from desktop.ui.sources import CameraSource, FrameSource, read_image_rgb
from desktop.ui.teach.class_list import ClassList
from desktop.ui.teach.preview import PreviewView
from desktop.ui.teach.project_bar import ProjectBar
from desktop.ui.teach.result_view import TrainingResult
from desktop.ui.teach.sample_grid import SampleGrid
from desktop.ui.teach.steps_guide import StepsGuide
from desktop.ui.teach.train_view import UnderTheHood
from desktop.ui.teach.why_toggle import TeachWhy
from desktop.ui.teachable_import import (
    DIALOG_FILTER,
    KERAS_EXPORT,
    TFJS_EXPORT,
    TeachableImport,
    dropped_model_kind,
    keras_export_message,
    no_folder_message,
)

log = logging.getLogger(__name__)

EXTRACTOR_FILE = "efficientnet-lite0-features.onnx"
DEFAULT_PROJECT_NAME = tr_noop("My project")  # the default folder: English in every language
#: Augmented copies embedded per sample when augmentation is on.
AUGMENTED_COPIES = 2
RECORD_RATES = (1, 2, 5, 10, 15)  # frames per second saved while "hold to record" is held
DEFAULT_RECORD_RATE = 5
IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff"
SPLIT_SHARES = (26, 34, 40)
PROGRESS_MIN_WIDTH = 48  # px: a busy bar needs no room for text  # classes : samples : training and preview


def teach_root() -> Path:
    """Where projects live by default: ``<app data>/teach``."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".cnn-classroom") / "teach"


def embedding_cache_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base or Path.home() / ".cnn-classroom-cache") / "teach-embeddings"


def find_extractor(folders: Sequence[str | Path] | None) -> Path:
    """The ImageNet feature extractor: in the model folders first, else the shipped one."""
    for folder in folders or ():
        candidate = Path(folder) / EXTRACTOR_FILE
        if candidate.is_file():
            return candidate
    return assets_dir() / "models" / EXTRACTOR_FILE


def file_stem(name: str) -> str:
    """A project name as a file name: ``"My fruit!"`` -> ``"my-fruit"``."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", name).strip("-").lower() or "teach"


def unused_folder(parent: Path, name: str) -> Path:
    folder, n = parent / name, 2
    while folder.exists() and any(folder.iterdir()):
        folder, n = parent / f"{name} {n}", n + 1
    return folder


def drawing_to_rgb(drawing: np.ndarray) -> np.ndarray:
    """The Write canvas's model input (float32 grey [80, 60, 1], 0..255) as an RGB uint8 image."""
    grey = np.clip(np.asarray(drawing, dtype=np.float32)[..., 0], 0, 255).round().astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


@dataclass(frozen=True)
class ImportedModel:
    """A Teachable Machine model the preview runs until the user trains their own."""

    path: Path
    model: OnnxModel

    @property
    def class_names(self) -> list[str]:
        return self.model.class_names

    def predict(self, rgb: np.ndarray) -> np.ndarray:
        """Probabilities for one RGB picture (runs in a worker)."""
        x = to_model_input(rgb, self.model.input_shape[:2])
        return self.model.predict_proba(x[None])[0]


class _Relay(QObject):
    """Signals emitted from a job's thread; Qt queues them to the GUI thread."""

    phase = Signal(str)
    epoch = Signal(int, object)


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


def _button(text: str, name: str, accessible: str, tip: str, slot=None) -> QPushButton:
    """``text`` and ``tip`` are English sources marked with tr_noop by the callers."""
    button = QPushButton()
    translated(button.setText, text, owner=button)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    translated(button.setToolTip, tip, owner=button)
    if slot is not None:
        button.clicked.connect(lambda _=False: slot())
    return button


class TeachPanel(QWidget):
    """Teach your own classes. ``message(str)`` carries notes for the status bar;
    ``model_exported(path)`` follows an ONNX export (the window rescans the photo models)."""

    message = Signal(str)
    model_exported = Signal(object)
    trained = Signal()
    preview_ready = Signal(object)  # probabilities, in the trained class order

    def __init__(self, current_drawing: Callable[[], np.ndarray | None] | None = None,
                 model_folders: Sequence[str | Path] | None = None, user_models_dir: str | Path | None = None,
                 project_folder: str | Path | None = None,
                 source_factory: Callable[[], FrameSource] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachPanel")
        self.setAccessibleName("Teach panel")
        self.setAcceptDrops(True)
        self._current_drawing = current_drawing
        self.extractor_path = find_extractor(model_folders)
        self.user_models_dir = Path(user_models_dir) if user_models_dir is not None else None
        self._source_factory = source_factory
        self._extractor: OnnxModel | None = None
        self._extractor_lock = threading.Lock()
        self._cache: EmbeddingCache | None = None
        self._job: JobWorker | None = None
        self._preview_job: JobWorker | None = None
        self._pending_preview: np.ndarray | None = None
        self._source: FrameSource | None = None
        self._frame: np.ndarray | None = None
        self._frame_serial = 0
        self._recorded_serial = -1
        self.head: HeadResult | None = None
        self.trained_classes: list[str] = []
        self.imported: ImportedModel | None = None
        self.project: TeachProject = None  # type: ignore[assignment]  # set just below
        self._relay = _Relay(self)
        self._build()
        self._connect()
        self._open_start_project(project_folder)
        app = QCoreApplication.instance()
        if app is not None:  # never leave a capture or job thread running while Qt shuts down
            app.aboutToQuit.connect(self.shutdown)

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        # Top: the three steps (the next one highlighted), then the project line.
        self.steps = StepsGuide()
        self.project_bar = ProjectBar()
        self.project_label = self.project_bar.label
        self.export_button = self.project_bar.export_button
        self.project_bar.new_action.triggered.connect(self.new_project_dialog)
        self.project_bar.open_action.triggered.connect(self.open_project_dialog)
        self.project_bar.save_as_action.triggered.connect(self.save_as_dialog)
        self.project_bar.archive_action.triggered.connect(self.save_archive_dialog)
        self.project_bar.dataset_action.triggered.connect(self.export_dataset_dialog)
        self.export_button.clicked.connect(lambda _=False: self.export_onnx())

        # Left: classes.
        self.classes = ClassList()

        # Middle: samples of the selected class and the ways to add them.
        self.samples_title = QLabel()
        self.samples_title.setObjectName("teachSamplesTitle")
        self.grid = SampleGrid()
        self.add_files_button = _button(tr_noop("Images…"), "teachAddImages", "Add image files to the class",
                                        tr_noop("Add image files to the selected class"), self.add_files_dialog)
        self.add_folder_button = _button(tr_noop("Folder…"), "teachAddFolder", "Add a folder of images to the class",
                                         tr_noop("Add every image of a folder to the selected class"), self.add_folder_dialog)
        self.add_drawing_button = _button(tr_noop("From Write"), "teachAddDrawing", "Add the Write canvas drawing",
                                          tr_noop("Add the drawing on the Write panel's canvas as a sample"),
                                          self.add_drawing)
        self.delete_samples_button = _button(tr_noop("Delete sample"), "teachDeleteSamples", "Delete the selected samples",
                                             tr_noop("Delete the selected samples (or press Delete)"),
                                             lambda: self.delete_samples(self.grid.selected_rows()))
        self.camera_choice = QComboBox()
        self.camera_choice.setObjectName("teachCameraChoice")
        self.camera_choice.setAccessibleName("Camera")
        for index in range(4):
            self.camera_choice.addItem(tr("Camera {index}", index=index), index)
            translated_item(self.camera_choice, index, "Camera {index}", index=index)
        self.camera_button = _button(tr_noop("Start camera"), "teachCameraButton", "Start the camera",
                                     tr_noop("Show the camera (live preview once trained)"))
        self.camera_button.setCheckable(True)
        self.record_button = _button(tr_noop("Hold to record"), "teachRecordButton", "Hold to record camera samples",
                                     tr_noop("Keep the button pressed to save camera frames into the selected class"))
        self.rate_choice = QComboBox()
        self.rate_choice.setObjectName("teachRecordRate")
        self.rate_choice.setAccessibleName("Recording rate in frames per second")
        for rate in RECORD_RATES:
            self.rate_choice.addItem(tr("{rate} / s", rate=rate), rate)
            translated_item(self.rate_choice, self.rate_choice.count() - 1, "{rate} / s", rate=rate)
        self.rate_choice.setCurrentIndex(RECORD_RATES.index(DEFAULT_RECORD_RATE))
        self._record_timer = QTimer(self)
        # Two buttons a row: the samples column stays narrow enough for three columns on a
        # 1024-pixel screen at 150 % text.
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.samples_title)
        middle_layout.addWidget(self.grid, stretch=1)
        for pair in ((self.add_files_button, self.add_folder_button), (self.add_drawing_button, self.delete_samples_button),
                     (self.camera_choice, self.camera_button), (self.record_button, self.rate_choice)):
            row = QHBoxLayout()
            for widget in pair:
                row.addWidget(widget, stretch=1)
            middle_layout.addLayout(row)

        # Right: train, advanced settings, preview, under the hood.
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
        self.train_button = _button(tr_noop("Train"), "teachTrainButton", "Train the model",
                                    tr_noop("Embed every sample and train the classifier"), self.train)
        self.cancel_button = _button(tr_noop("Cancel"), "teachCancelButton", "Cancel the running job",
                                     tr_noop("Stop training, adding or exporting"), self.cancel)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("teachProgress")
        self.progress_bar.setAccessibleName("Progress of the running job")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.hide()  # shown only while a job runs
        self.progress_bar.setMinimumWidth(PROGRESS_MIN_WIDTH)  # its own wish (room for "100%") widens the column
        # Its room is kept while hidden: nothing jumps when a job starts or ends.
        policy = self.progress_bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress_bar.setSizePolicy(policy)
        self.result_view = TrainingResult()
        train_row = QHBoxLayout()
        train_row.addWidget(self.train_button)
        train_row.addWidget(self.cancel_button)
        train_row.addWidget(self.progress_bar, stretch=1)
        self.preview = PreviewView()
        self.why = TeachWhy(self)  # "Why?": a heat map over the preview picture
        self.preview_file_button = _button(tr_noop("Preview a photo…"), "teachPreviewFile", "Preview a photo file",
                                           tr_noop("Classify a photo file with the trained model"), self.preview_file_dialog)
        # Short: on the Preview tab "preview" goes without saying, and the column is narrow.
        self.import_button = _button(tr_noop("Teachable Machine model…"), "teachImportTeachable",
                                     "Preview a Teachable Machine model",
                                     tr_noop("Convert a Teachable Machine TensorFlow.js export (model.json or .zip) into "
                                             "your models folder and preview it here until you train your own; you "
                                             "can also drop the export on this panel"),
                                     self.import_teachable_dialog)
        self.under_the_hood = UnderTheHood()
        hood_scroll = QScrollArea()
        hood_scroll.setObjectName("teachUnderTheHoodScroll")
        hood_scroll.setAccessibleName("Under the hood")
        hood_scroll.setWidgetResizable(True)
        hood_scroll.setWidget(self.under_the_hood)
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        preview_layout.setContentsMargins(0, 0, 0, 0)  # the tab's frame is margin enough
        preview_layout.addWidget(self.preview, stretch=1)
        preview_layout.addWidget(self.why.toggle, alignment=Qt.AlignmentFlag.AlignLeft)
        preview_layout.addWidget(self.why.scale)
        preview_layout.addWidget(self.preview_file_button)
        preview_layout.addWidget(self.import_button)  # one per row: side by side they widen the window past 1280
        # The preview scrolls when the screen is short (150 % text on 720 pixels): the classes,
        # samples, Train and the result above it never do.
        preview_scroll = UpDownScroll(preview_page)
        preview_scroll.setObjectName("teachPreviewScroll")
        preview_scroll.setAccessibleName("Preview")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("teachTabs")
        self.tabs.setAccessibleName("Preview and under the hood")
        self.tabs.addTab(preview_scroll, "Preview")
        self.tabs.addTab(hood_scroll, "Under the hood")
        translated_tab(self.tabs, preview_scroll, "Preview")
        translated_tab(self.tabs, hood_scroll, "Under the hood")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(train_row)
        right_layout.addWidget(self.result_view)
        right_layout.addWidget(advanced)
        right_layout.addWidget(self.tabs, stretch=1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("teachSplitter")
        splitter.addWidget(self.classes)
        splitter.addWidget(middle)
        splitter.addWidget(right)
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

    def _connect(self) -> None:
        self.classes.add_button.clicked.connect(lambda: self.add_class(self.classes.name_edit.text()))
        self.classes.name_edit.returnPressed.connect(lambda: self.add_class(self.classes.name_edit.text()))
        self.classes.rename_button.clicked.connect(lambda: self.rename_class(self.classes.name_edit.text()))
        self.classes.delete_button.clicked.connect(lambda: self.delete_class())
        self.classes.up_button.clicked.connect(lambda: self.move_class(-1))
        self.classes.down_button.clicked.connect(lambda: self.move_class(+1))
        self.classes.list.currentRowChanged.connect(lambda _row: self._show_samples())
        self.grid.delete_requested.connect(self.delete_samples)
        self.camera_button.toggled.connect(self.set_camera_running)
        self.record_button.pressed.connect(self.start_recording)
        self.record_button.released.connect(self.stop_recording)
        self._record_timer.timeout.connect(self._record_frame)
        self.preview.picture.image_dropped.connect(self._dropped_on_preview)
        for spin in (self.epochs_spin, self.batch_spin, self.rate_spin):
            spin.editingFinished.connect(self._settings_changed)
        self.augment_box.toggled.connect(lambda _on: self._settings_changed())
        self._relay.phase.connect(self._say)
        self._relay.epoch.connect(lambda _epoch, metrics: self.under_the_hood.add_epoch(metrics))

    # -- messages ------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.message.emit(text)

    def status_text(self) -> str:
        return self.status_label.text()

    # -- project -------------------------------------------------------------------------------
    def _open_start_project(self, folder: str | Path | None) -> None:
        folder = Path(folder) if folder is not None else teach_root() / DEFAULT_PROJECT_NAME
        name = tr(DEFAULT_PROJECT_NAME) if folder.name == DEFAULT_PROJECT_NAME else folder.name
        try:
            if (folder / teach.PROJECT_FILE).is_file():
                self._set_project(teach.open_project(folder))
                return
            self._set_project(teach.new_project(folder, name))
        except ProjectError as exc:
            # A damaged project is left as it is; work goes on in a fresh folder beside it.
            fresh = unused_folder(folder.parent, folder.name)
            self._set_project(teach.new_project(fresh, name))
            self._say(tr("{reason}. Started a new project in {folder} instead; the damaged one was not changed.",
                         reason=exc, folder=fresh))

    def _set_project(self, project: TeachProject) -> None:
        self.project = project
        self.head, self.trained_classes, self.imported = None, [], None
        settings = project.settings
        for widget in (self.epochs_spin, self.batch_spin, self.rate_spin, self.augment_box):
            widget.blockSignals(True)
        self.epochs_spin.setValue(settings.epochs)
        self.batch_spin.setValue(settings.batch_size)
        self.rate_spin.setValue(settings.learning_rate)
        self.augment_box.setChecked(settings.augment)
        for widget in (self.epochs_spin, self.batch_spin, self.rate_spin, self.augment_box):
            widget.blockSignals(False)
        self.preview.bars.set_classes([])
        self.preview.caption.setText(tr("Train the model to see its predictions here."))
        self.result_view.clear()
        self._refresh(0)

    def _refresh(self, current: int | None = None) -> None:
        current = self.classes.current() if current is None else current
        self.project_bar.set_project(self.project.name, self.project.folder)
        counts = [(c.name, len(c.samples)) for c in self.project.classes]
        self.classes.set_classes(counts, current)
        self.steps.set_project(counts, self.is_trained())
        self._show_samples()
        self._update_buttons()

    def is_trained(self) -> bool:
        """A model trained here on exactly the classes there are now (an export would be up to date)."""
        return self.head is not None and self.trained_classes == self.project.class_names

    def _show_samples(self) -> None:
        teach_class = self.current_class()
        self.grid.sample_model.set_paths(teach_class.samples if teach_class else [])
        self.samples_title.setText(tr("<b>{name}</b>: {n} sample(s)", name=teach_class.name, n=len(teach_class.samples))
                                   if teach_class else tr("Add a class to start."))

    def current_class(self) -> teach.TeachClass | None:
        row = self.classes.current()
        return self.project.classes[row] if 0 <= row < len(self.project.classes) else None

    def select_class(self, name: str) -> None:
        self.classes.list.setCurrentRow(self.project.class_names.index(name))

    def _save(self) -> bool:
        try:
            teach.save_project(self.project)
        except (ProjectError, OSError) as exc:
            self._say(tr("Could not save the project: {reason}", reason=exc))
            return False
        return True

    def _edited(self, current: int | None = None) -> None:
        self._save()
        self._refresh(current)

    def new_project(self, folder: str | Path, name: str | None = None) -> bool:
        folder = Path(folder)
        try:
            self._set_project(teach.new_project(folder, name or folder.name))
        except (ProjectError, OSError) as exc:
            self._say(str(exc))
            return False
        self._say(tr("New project in {folder}.", folder=folder))
        return True

    def open_project(self, path: str | Path) -> bool:
        """Open a project folder, its ``project.json``, or a ``.zip`` archive (unpacked under app data)."""
        path = Path(path)
        try:
            if path.suffix.lower() == ".zip":
                project = teach.open_archive(path, unused_folder(teach_root(), path.stem))
            else:
                project = teach.open_project(path.parent if path.name == teach.PROJECT_FILE else path)
        except (ProjectError, OSError) as exc:
            self._say(tr("Could not open the project: {reason}", reason=exc))
            return False
        self._set_project(project)
        self._say(tr("Opened {name} ({folder}).", name=project.name, folder=project.folder))
        return True

    def save_project_as(self, folder: str | Path) -> bool:
        try:
            teach.save_project(self.project, folder)
        except (ProjectError, OSError) as exc:
            self._say(tr("Could not save the project: {reason}", reason=exc))
            return False
        self._refresh()
        self._say(tr("Saved the project in {folder}.", folder=folder))
        return True

    def save_archive(self, zip_path: str | Path) -> bool:
        zip_path = Path(zip_path)
        if zip_path.suffix.lower() != ".zip":
            zip_path = zip_path.with_name(zip_path.name + ".zip")
        try:
            teach.save_archive(self.project, zip_path)
        except (ProjectError, OSError) as exc:
            self._say(tr("Could not write the archive {path}: {reason}", path=zip_path, reason=exc))
            return False
        self._say(tr("Saved the project archive {path}.", path=zip_path))
        return True

    # -- classes -------------------------------------------------------------------------------
    def _refuse_while_busy(self) -> bool:
        if self._job is not None:
            self._say(tr("Wait for the running job to finish, or cancel it."))
            return True
        return False

    def add_class(self, name: str) -> bool:
        if self._refuse_while_busy():
            return False
        try:
            teach.add_class(self.project, name)
        except ProjectError as exc:
            self._say(str(exc)[0].upper() + str(exc)[1:] + ".")
            return False
        self.classes.name_edit.clear()
        self._edited(len(self.project.classes) - 1)
        self._say(tr("Added the class {name!r}.", name=name.strip()))
        return True

    def rename_class(self, new_name: str) -> bool:
        if self._refuse_while_busy():
            return False
        row = self.classes.current()
        try:
            teach.rename_class(self.project, row, new_name)
        except ProjectError as exc:
            self._say(str(exc)[0].upper() + str(exc)[1:] + ".")
            return False
        self.classes.name_edit.clear()
        self._edited(row)
        return True

    def delete_class(self) -> bool:
        if self._refuse_while_busy():
            return False
        row = self.classes.current()
        try:
            removed = teach.delete_class(self.project, row)
        except ProjectError as exc:
            self._say(str(exc))
            return False
        self._edited(row)
        self._say(tr("Deleted the class {name!r} and its {n} sample(s).", name=removed.name, n=len(removed.samples)))
        return True

    def move_class(self, step: int) -> bool:
        if self._refuse_while_busy():
            return False
        row = self.classes.current()
        try:
            teach.move_class(self.project, row, row + step)
        except ProjectError:
            return False  # already at the top or the bottom
        self._edited(row + step)
        return True

    # -- samples -------------------------------------------------------------------------------
    def _target_class(self) -> str | None:
        teach_class = self.current_class()
        if teach_class is None:
            self._say(tr("Add a class first, then its samples."))
            return None
        return teach_class.name

    def add_files(self, paths: Sequence[str | Path]) -> bool:
        """Copy image files (and the images of folders) into the selected class, in a worker."""
        name = self._target_class()
        if name is None or not paths:
            return False
        project = self.project

        def job(progress, cancelled):
            progress(0, 0)
            return teach.add_files(project, name, list(paths))

        def done(result) -> None:
            added, problems = result
            self._edited()
            text = tr("Added {n} sample(s) to {name!r}.", n=len(added), name=name)
            if problems:
                shown = "; ".join(f"{path.name}: {reason}" for path, reason in problems[:3])
                more = tr(" and {n} more", n=len(problems) - 3) if len(problems) > 3 else ""
                text += tr(" Skipped {n} file(s) that are not readable images ({shown}{more}).", n=len(problems),
                           shown=shown, more=more)
            self._say(text)

        return self._start_job(job, tr("Adding images to {name!r}…", name=name), done)

    def add_image(self, rgb: np.ndarray) -> Path | None:
        name = self._target_class()
        if name is None:
            return None
        try:
            path = teach.add_image(self.project, name, rgb)
        except (ProjectError, OSError) as exc:
            self._say(tr("Could not add the sample: {reason}", reason=exc))
            return None
        return path

    def add_drawing(self) -> bool:
        if self._refuse_while_busy():
            return False
        drawing = self._current_drawing() if self._current_drawing is not None else None
        if drawing is None:
            self._say(tr("Draw something on the Write panel's canvas first."))
            return False
        if self.add_image(drawing_to_rgb(drawing)) is None:
            return False
        self._edited()
        return True

    def delete_samples(self, rows: Sequence[int]) -> int:
        if self._refuse_while_busy():
            return 0
        teach_class = self.current_class()
        if teach_class is None or not rows:
            return 0
        for row in sorted(rows, reverse=True):
            teach.remove_sample(self.project, teach_class.name, row)
        self._edited()
        self._say(tr("Deleted {n} sample(s) from {name!r}.", n=len(rows), name=teach_class.name))
        return len(rows)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt naming)
        if event.mimeData() is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        if not self._open_model_drop(paths):
            self.add_files(paths)

    def _open_model_drop(self, paths: Sequence[Path]) -> bool:
        """A Teachable Machine export among the dropped paths is imported (a Keras one explained);
        True when the drop was a model, so its paths are not samples."""
        for path in paths:
            kind = dropped_model_kind(path)
            if kind == TFJS_EXPORT:
                self.import_teachable(path)
                return True
            if kind == KERAS_EXPORT:
                self._say(keras_export_message(path))
                return True
        return False

    def _dropped_on_preview(self, path: str) -> None:
        if not self._open_model_drop([Path(path)]):
            self.preview_image(path)

    # -- camera and hold to record ------------------------------------------------------------
    def _new_source(self) -> FrameSource:
        if self._source_factory is not None:
            return self._source_factory()
        return CameraSource(int(self.camera_choice.currentData()), parent=self)

    def set_camera_running(self, running: bool) -> None:
        if self.camera_button.isChecked() != running:
            self.camera_button.setChecked(running)  # toggled calls back here
            return
        self.camera_button.setText(tr("Stop camera") if running else tr("Start camera"))
        self.camera_button.setAccessibleName("Stop the camera" if running else "Start the camera")
        if not running:
            self.stop_recording()
            source, self._source = self._source, None
            if source is not None:
                source.stop()
                source.deleteLater()
            return
        if self._source is None:
            self._source = self._new_source()
            self._source.frame.connect(self._on_frame)
            self._source.error.connect(self._on_source_error)
            self._source.start()

    def _on_frame(self, frame: np.ndarray) -> None:
        if self.sender() is not self._source:
            return
        self._frame = frame
        self._frame_serial += 1
        self.preview.picture.set_rgb(frame)
        if self.head is not None or self.imported is not None:
            self._request_preview(frame)

    def _on_source_error(self, message: str) -> None:
        self.set_camera_running(False)
        self._say(message)

    def start_recording(self) -> None:
        """While the record button is held, save the newest frame ``rate`` times a second."""
        if self._refuse_while_busy() or self._target_class() is None:
            return
        self.set_camera_running(True)
        self._recorded_before = len(self.current_class().samples)
        self._record_timer.start(round(1000 / int(self.rate_choice.currentData())))
        self._say(tr("Recording into {name!r}…", name=self.current_class().name))

    def stop_recording(self) -> None:
        if not self._record_timer.isActive():
            return
        self._record_timer.stop()
        teach_class = self.current_class()
        self._edited()
        if teach_class is not None:
            self._say(tr("Recorded {n} sample(s) into {name!r}.", n=len(teach_class.samples) - self._recorded_before,
                         name=teach_class.name))

    def _record_frame(self) -> None:
        if self._frame is None or self._recorded_serial == self._frame_serial:
            return  # no new picture since the last one saved
        self._recorded_serial = self._frame_serial
        if self.add_image(self._frame) is not None:
            self._show_samples()

    # -- jobs ----------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._job is not None

    def _start_job(self, job, busy_text: str, on_done: Callable[[object], None],
                   on_cancelled: Callable[[], None] | None = None) -> bool:
        if self._job is not None:
            self._say(tr("Wait for the running job to finish, or cancel it."))
            return False
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()
        self._say(busy_text)
        log.info("teach panel: %s", busy_text)
        worker = JobWorker(job, self)
        self._job = worker

        def finish(success: bool) -> None:
            if self._job is worker:
                self._job = None
            worker.wait()
            worker.deleteLater()
            # The bar moves only while work runs: a finished job's 100 % would read as "trained".
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
            self.progress_bar.hide()
            self._update_buttons()

        def finished(result) -> None:
            finish(True)
            on_done(result)

        def failed(text: str) -> None:
            finish(False)
            self._refresh()
            self._say(text)

        def cancelled() -> None:
            finish(False)
            if on_cancelled is not None:
                on_cancelled()
            self._refresh()
            self._say(tr("Cancelled."))

        worker.progress.connect(self._on_progress)
        worker.finished.connect(finished)
        worker.failed.connect(failed)
        worker.cancelled.connect(cancelled)
        worker.start()
        self._update_buttons()
        return True

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 0))
        self.progress_bar.setValue(done)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._say(tr("Cancelling…"))

    def _update_buttons(self) -> None:
        # A job reads or writes the project's files: nothing else edits the project meanwhile (a save
        # would otherwise tidy away images a job has just written, or one a job is about to read).
        busy = self._job is not None
        if busy:
            self.stop_recording()
        for widget in (self.train_button, self.export_button, self.add_files_button, self.add_folder_button,
                       self.classes, self.add_drawing_button, self.delete_samples_button, self.record_button,
                       self.grid, self.augment_box, self.epochs_spin, self.batch_spin, self.rate_spin,
                       self.import_button, *self.project_bar.actions_to_lock()):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _embedding_cache(self) -> EmbeddingCache:
        """The extractor is loaded once, in whichever worker needs it first."""
        with self._extractor_lock:
            if self._cache is None:
                # A user's own extractor is opened in a child process first (it may crash onnxruntime).
                self._extractor = open_model_checked(self.extractor_path, warm_up=False)
                self._cache = EmbeddingCache(self._extractor, embedding_cache_dir())
            return self._cache

    # -- training ------------------------------------------------------------------------------
    def _settings_changed(self) -> None:
        settings = self.project.settings
        settings.epochs = self.epochs_spin.value()
        settings.batch_size = self.batch_spin.value()
        settings.learning_rate = float(self.rate_spin.value())
        settings.augment = self.augment_box.isChecked()
        self._save()

    def train(self) -> bool:
        """Embed every sample (cached) and train the head, in a worker; curves update per epoch."""
        self._settings_changed()
        try:
            paths, labels = teach.training_samples(self.project)
        except ProjectError as exc:
            self._say(tr("Cannot train yet: {reason}.", reason=exc))
            return False
        names = list(self.project.class_names)
        settings = teach.TrainSettings(**vars(self.project.settings))
        relay = self._relay

        def job(progress, cancelled):
            relay.phase.emit(tr("Embedding {n} samples…", n=len(paths)))
            cache = self._embedding_cache()
            x = cache.embed(paths, progress, cancelled)
            augmented = None
            if settings.augment:
                relay.phase.emit(tr("Embedding {n} augmented copies of each sample…", n=AUGMENTED_COPIES))
                extra = cache.embed_augmented(paths, AUGMENTED_COPIES, settings.seed, progress, cancelled)
                augmented = (extra, np.repeat(np.arange(len(paths)), AUGMENTED_COPIES))  # file-major order
            relay.phase.emit(tr("Training the classifier for {n} epochs…", n=settings.epochs))
            return train_head(x, labels, len(names), settings, progress, cancelled, class_names=names,
                              on_epoch=lambda epoch, metrics: relay.epoch.emit(epoch, metrics), augmented=augmented)

        def done(result: HeadResult) -> None:
            self.head, self.trained_classes, self.imported = result, names, None  # your own model replaces an imported one
            self.under_the_hood.set_result(result, names)
            self.result_view.show_result(result, names)
            self._refresh()  # the steps: all done
            self.preview.bars.set_classes(names)
            last = result.history[max(result.history)]
            held = tr(", held-out accuracy {value:.0%}", value=last["val_accuracy"]) if len(result.holdout) else ""
            self.preview.caption.setText(tr("Drop a photo on the picture or start the camera."))
            self._say(tr("Trained on {n} samples: training accuracy {value:.0%}{held}.", n=len(paths),
                         value=last["accuracy"], held=held))
            self.trained.emit()
            if self._frame is not None:
                self._request_preview(self._frame)

        self.under_the_hood.start()
        return self._start_job(job, tr("Preparing to train…"), done)

    # -- preview -------------------------------------------------------------------------------
    def preview_image(self, path: str | Path) -> bool:
        """Classify a photo file (dropped on the preview, or chosen) with the trained model."""
        try:
            rgb = read_image_rgb(path)
        except Exception as exc:  # FrameSourceError names the file
            self._say(str(exc))
            return False
        self.preview.picture.set_rgb(rgb)
        if self.head is None and self.imported is None:
            self._say(tr("Train the model first; then the preview shows what it thinks."))
            return False
        self._request_preview(rgb)
        return True

    def _request_preview(self, rgb: np.ndarray) -> None:
        """Newest picture wins: while one preview runs, only the latest waiting picture is kept."""
        self.why.offer(rgb)
        if self._preview_job is not None:
            self._pending_preview = rgb
            return
        head, imported = self.head, self.imported
        if imported is not None:  # imported after the last training (training clears it)
            names = imported.class_names

            def job(_progress, _cancelled):
                return imported.predict(rgb)
        elif head is not None:
            names = list(self.trained_classes)

            def job(_progress, _cancelled):
                return predict_head(head, self._embedding_cache().embed_rgb([rgb]))[0]
        else:
            return

        worker = JobWorker(job, self)
        self._preview_job = worker

        def finish() -> None:
            self._preview_job = None
            worker.wait()
            worker.deleteLater()
            pending, self._pending_preview = self._pending_preview, None
            if pending is not None:
                self._request_preview(pending)

        def finished(probabilities) -> None:
            if head is self.head and imported is self.imported:  # else the model changed meanwhile
                self.preview.bars.set_probabilities(probabilities)
                best = int(np.argmax(probabilities))
                self.preview.caption.setText(f"{names[best]} ({probabilities[best]:.0%})")
                self.preview_ready.emit(probabilities)
            finish()

        def failed(text: str) -> None:
            self._say(tr("The preview failed: {reason}", reason=text))
            finish()

        worker.finished.connect(finished)
        worker.failed.connect(failed)
        worker.cancelled.connect(finish)
        worker.start()

    def preview_top(self) -> str | None:
        """The class the preview shows as most likely (None before a prediction)."""
        values = self.preview.bars.values()
        return max(values, key=values.get) if values and any(values.values()) else None

    # -- export --------------------------------------------------------------------------------
    def default_export_path(self) -> Path | None:
        if self.user_models_dir is None:
            return None
        return self.user_models_dir / f"teach-{file_stem(self.project.name)}.onnx"

    def export_onnx(self, path: str | Path | None = None) -> bool:
        """One ONNX file (extractor + head); by default into the user's models folder."""
        if self.head is None:
            self._say(tr("Train the model before exporting it."))
            return False
        if self.trained_classes != self.project.class_names:
            self._say(tr("The classes changed since the last training: train again, then export."))
            return False
        if path is None:
            path = self.default_export_path()
            if path is None:
                path, _ = QFileDialog.getSaveFileName(self, tr("Export ONNX"), f"{file_stem(self.project.name)}.onnx",
                                                      tr("ONNX model (*.onnx)"))
                if not path:
                    return False
        target = Path(path)
        head, names, title = self.head, list(self.trained_classes), self.project.name

        def job(progress, _cancelled):
            progress(0, 0)
            return export_merged_onnx(self.extractor_path, head, names, target, title)

        def done(written) -> None:
            self._say(tr("Exported {path}. The Camera panel lists it as {title!r}.", path=written, title=title))
            self.model_exported.emit(Path(written))

        return self._start_job(job, tr("Exporting {name}…", name=target.name), done)

    # -- Teachable Machine import --------------------------------------------------------------
    def import_teachable(self, path: str | Path) -> bool:
        """Convert a Teachable Machine export into the user's models folder (a worker job); the
        preview then runs it until the user trains their own, and the Camera panel lists it."""
        path = Path(path)
        if dropped_model_kind(path) == KERAS_EXPORT:
            self._say(keras_export_message(path))
            return False
        if self.user_models_dir is None:
            self._say(no_folder_message(path))
            return False
        importer = TeachableImport(path, self.user_models_dir)

        def job(progress, cancelled):
            result = importer.job(progress, cancelled)
            try:
                model = open_checked(result.path)  # the session is made here, not in the GUI thread
            except Exception:
                importer.discard()
                raise
            return result, ImportedModel(Path(result.path), model)

        def done(outcome) -> None:
            result, imported = outcome
            self.imported = imported
            self.preview.bars.set_classes(imported.class_names)
            self.preview.caption.setText(tr("Previewing the imported model {title}. Drop a photo on the picture or "
                                            "start the camera; training your own classes replaces it.",
                                            title=imported.model.title))
            self._say(tr("Imported {path} ({n} classes); it agrees with the original within {difference:.1e}. The "
                         "preview runs it until you train your own; the Camera panel lists it.", path=result.path,
                         n=len(result.class_names), difference=result.max_difference))
            self.model_exported.emit(Path(result.path))
            if self._frame is not None:
                self._request_preview(self._frame)

        return self._start_job(job, tr("Converting the Teachable Machine model {name}…", name=path.name), done,
                               on_cancelled=importer.discard)

    def import_teachable_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Import a Teachable Machine model (its model.json or .zip)"),
                                              "", tr(DIALOG_FILTER))
        if path:
            self.import_teachable(path)

    def export_dataset(self, folder: str | Path) -> bool:
        project, folder = self.project, Path(folder)

        def job(progress, _cancelled):
            progress(0, 0)
            return teach.export_dataset(project, folder)

        return self._start_job(job, tr("Exporting the samples to {folder}…", folder=folder),
                               lambda written: self._say(tr("Exported the samples as class folders in {folder}.",
                                                            folder=written)))

    # -- dialogs -------------------------------------------------------------------------------
    def new_project_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, tr("New project"), tr("Project name:"))
        if ok and name.strip():
            self.new_project(unused_folder(teach_root(), name.strip()), name.strip())

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a Teach project"), str(teach_root()),
                                              tr("Teach projects (project.json *.zip)"))
        if path:
            self.open_project(path)

    def save_as_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Save the project in an empty folder"))
        if folder:
            self.save_project_as(folder)

    def save_archive_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the project archive"), f"{file_stem(self.project.name)}.zip",
                                              tr("Project archive (*.zip)"))
        if path:
            self.save_archive(path)

    def export_dataset_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Export the samples into a folder"))
        if folder:
            self.export_dataset(folder)

    def add_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Add images"), "", tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if paths:
            self.add_files(paths)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Add a folder of images"))
        if folder:
            self.add_files([folder])

    def preview_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Preview a photo"), "", tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if path:
            self.preview_image(path)

    # -- lifetime ------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the camera and any job (the window calls this on close)."""
        self._record_timer.stop()
        if self._source is not None:
            self._source.stop()
            self._source = None
        for worker in (self._job, self._preview_job):
            if worker is not None:
                worker.shutdown()
        self.why.shutdown()
