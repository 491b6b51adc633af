"""The Camera panel: point a camera (or a photo, a folder, a video) at a photo model and watch it guess.

Three threads keep the window responsive: the picture source captures in its own thread and hands
over only its newest frame; the :class:`PhotoClassifier` thread crops, resizes and classifies; the
GUI thread only paints. Preview and classification run at their own rates: every frame is painted,
and whenever the classifier is free it gets the newest frame (never a queue of old ones).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.atomic import write_bytes_atomic
from desktop.core.registry import ModelProblem, default_model_folders, shipped_models_dir
from desktop.ui.camera.capture import RESOLUTIONS, SizedCameraSource
from desktop.ui.camera.classifier_worker import PhotoClassifier, PhotoModelInfo, PhotoPrediction
from desktop.ui.camera.predictions_view import PredictionList
from desktop.ui.camera.preview_view import PreviewView
from desktop.ui.camera.why_toggle import CameraWhy
from desktop.ui.camera.rates import RateMeter
from desktop.ui.file_drop import FileDropMixin
from desktop.ui.i18n import notifier, tr, tr_noop, translated
from desktop.ui.model_checklist import add_model_item, check_paths, checked_paths
from desktop.ui.workers import JobWorker
from desktop.ui.sources import CameraProbe, FrameSource, ImageFileSource, VideoFileSource, sample_image_paths
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

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_SUFFIXES = (".avi", ".mp4", ".mov", ".mkv", ".webm", ".m4v", ".wmv", ".mpg", ".mpeg")
IMAGE_PATTERNS = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
VIDEO_PATTERNS = " ".join(f"*{s}" for s in VIDEO_SUFFIXES)
#: The model ticked first when it is there: the shipped ImageNet classifier.
PREFERRED_PHOTO_MODEL = "imagenet-efficientnet-lite0.onnx"
STATUS_INTERVAL_MS = 500
SPLIT_SHARES = (62, 38)  # picture column : predictions column
ERROR_BACKGROUND, ERROR_TEXT = "#fde2e1", "#000000"  # the problem strip: dark text on pale red in every theme
ARROW_BUTTON_EMS = 3  # the previous and next buttons' width, in widths of their arrow
SAMPLE_ICON_LINES = 2.2  # a sample photo's side, in lines of text: it grows with the zoom
LOADING_MESSAGE = tr_noop("Loading the photo models…")
NO_MODEL_MESSAGE = tr_noop("No photo model found. Build the ImageNet model with "
                           "python -m training imagenet --base efficientnet-lite0, or put an exported photo model "
                           "in your models folder.")
NO_CAMERA_MESSAGE = tr_noop("No camera found. Plug one in and press Retry, or use a sample photo, an image, a folder "
                            "or a video instead.")


def user_folder(folders: Sequence[str | Path]) -> Path | None:
    """The user's own models folder among ``folders``: the last one that is not the shipped one."""
    own = [Path(f) for f in folders if Path(f).resolve() != shipped_models_dir().resolve()]
    return own[-1] if own else None


class CameraPanel(FileDropMixin, QWidget):
    """Live photo classification. ``message(str)`` carries short notes for the window's status bar;
    ``model_imported(path)`` follows a Teachable Machine import into the user's models folder."""

    message = Signal(str)
    model_imported = Signal(object)

    def __init__(self, model_folders: Sequence[str | Path] | None = None, parent: QWidget | None = None,
                 probe_cameras: bool = True, user_models_dir: str | Path | None = None):
        super().__init__(parent)
        self.setObjectName("cameraPanel")
        self.setAccessibleName("Camera panel")
        self.setAcceptDrops(True)
        folders = list(model_folders) if model_folders is not None else default_model_folders()
        # Imports go where the Teach panel exports: the user's models folder, which the classifier scans.
        self.user_models_dir = Path(user_models_dir) if user_models_dir is not None else user_folder(folders)
        self.classifier = PhotoClassifier(folders)
        self._import: TeachableImport | None = None
        self._import_worker: JobWorker | None = None
        self._select_after_scan: str | None = None
        self._probe_cameras = probe_cameras
        self._probe: CameraProbe | None = None
        self._source: FrameSource | None = None
        self._retry: Callable[[], object] | None = None
        self._models: list[PhotoModelInfo] = []
        self._problems: list[ModelProblem] = []
        self._models_loaded = False
        self._stills: list[Path] = []
        self._still_index = -1
        self._frame: np.ndarray | None = None
        self._frame_serial = 0
        self._classified_serial = -1
        self._request_id = 0
        self._in_flight: int | None = None
        self._inference_ms: dict[str, float] = {}
        self.preview_rate = RateMeter()
        self.classify_rate = RateMeter()
        self.prediction_lists: dict[str, PredictionList] = {}
        self._build()
        self._connect()
        app = QCoreApplication.instance()
        if app is not None:  # a panel never shut down (killed session, tests) still stops its threads
            app.aboutToQuit.connect(self.shutdown)

    # -- building ------------------------------------------------------------------------------
    def _button(self, text: str, name: str, accessible: str, tip: str, slot, checkable: bool = False) -> QPushButton:
        button = QPushButton()
        translated(button.setText, text, owner=button)  # sources marked with tr_noop by the callers
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        translated(button.setToolTip, tip, owner=button)
        button.setCheckable(checkable)
        (button.toggled if checkable else button.clicked).connect(slot)
        return button

    def _build(self) -> None:
        self.camera_choice = QComboBox()
        self.camera_choice.setObjectName("cameraChoice")
        self.camera_choice.setAccessibleName("Camera")
        translated(self.camera_choice.setToolTip, "The cameras that opened when the panel looked for them")
        self.camera_choice.addItem(tr("Camera {index}", index=0), 0)
        self.resolution_choice = QComboBox()
        self.resolution_choice.setObjectName("resolutionChoice")
        self.resolution_choice.setAccessibleName("Camera resolution")
        for width, height in RESOLUTIONS:
            self.resolution_choice.addItem(f"{width}×{height}", (width, height))
        self.camera_button = self._button(tr_noop("Start camera"), "startCameraButton", "Start the camera",
                                          tr_noop("Show the live picture of the chosen camera"),
                                          lambda: self.start_camera())
        self.mirror_box = QCheckBox()
        translated(self.mirror_box.setText, "Mirror", owner=self.mirror_box)
        self.mirror_box.setObjectName("mirrorCheckBox")
        self.mirror_box.setAccessibleName("Mirror the picture")
        translated(self.mirror_box.setToolTip, "Flip the picture left to right, like a mirror")
        self.pause_button = self._button(tr_noop("Pause"), "pauseButton", "Pause: freeze the frame",
                                         tr_noop("Freeze the current frame (the camera keeps running)"), self.set_paused,
                                         checkable=True)
        self.snapshot_button = self._button(tr_noop("Snapshot…"), "snapshotButton", "Save a snapshot",
                                            tr_noop("Save the current frame as a PNG file"), self.snapshot_dialog)
        self.open_images_button = self._button(tr_noop("Images…"), "openImagesButton", "Open image files",
                                               tr_noop("Classify photos from files"), self.open_images_dialog)
        self.open_folder_button = self._button(tr_noop("Folder…"), "openFolderButton", "Open a folder of images",
                                               tr_noop("Step through the photos of a folder"), self.open_folder_dialog)
        self.open_video_button = self._button(tr_noop("Video…"), "openVideoButton", "Open a video file",
                                              tr_noop("Play a video file instead of the camera"), self.open_video_dialog)
        self.previous_button = self._button("◀", "previousImageButton", "Previous image",
                                            tr_noop("The previous photo of the folder or selection"), self.previous_image)
        self.next_button = self._button("▶", "nextImageButton", "Next image",
                                        tr_noop("The next photo of the folder or selection"), self.next_image)
        self._size_arrow_buttons()
        self.position_label = QLabel("")
        self.position_label.setObjectName("imagePosition")
        # A long file name is cut rather than widening the window; the tooltip has all of it.
        self.position_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        # Short rows rather than long ones: the picture column shares a 1024-pixel screen (or the
        # Lessons sidebar) with the predictions, at 150 % text too.
        camera_row = QHBoxLayout()
        for widget in (self.camera_choice, self.resolution_choice, self.camera_button):
            camera_row.addWidget(widget)
        camera_row.addStretch()
        view_row = QHBoxLayout()
        for widget in (self.mirror_box, self.pause_button, self.snapshot_button):
            view_row.addWidget(widget)
        view_row.addStretch()
        files_row = QHBoxLayout()
        for widget in (self.open_images_button, self.open_folder_button, self.open_video_button,
                       self.previous_button, self.next_button):
            files_row.addWidget(widget)
        files_row.addWidget(self.position_label, stretch=1)
        samples_row = QHBoxLayout()
        samples_label = QLabel()
        translated(samples_label.setText, "Samples:", owner=samples_label)
        samples_row.addWidget(samples_label)
        self.sample_buttons: list[QToolButton] = []
        for path in sample_image_paths():
            button = QToolButton()
            button.setObjectName(f"sample_{path.stem}")
            button.setAccessibleName(f"Sample photo {path.stem}")
            translated(button.setToolTip, "Classify the sample photo {name}", owner=button, name=path.name)
            button.setText(path.stem)
            button.setIcon(QIcon(str(path)))
            # The photo says what it is: pictures only, one short row at any zoom.
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.clicked.connect(lambda _=False, p=path: self.open_images([p]))
            samples_row.addWidget(button)
            self.sample_buttons.append(button)
        samples_row.addStretch()
        self._size_sample_icons()

        self.preview = PreviewView()
        self.predictions_box = QWidget()
        self.why = CameraWhy(self)  # "Why?": a live heat map over the preview
        view_row.insertWidget(view_row.count() - 1, self.why.toggle)
        self.error_bar = QFrame()
        self.error_bar.setObjectName("cameraErrorBar")
        self.error_bar.setAccessibleName("Picture source problem")
        # Coloured through the palette, not a style sheet: a style sheet would stop its text
        # following the window's zoom.
        self.error_bar.setFrameShape(QFrame.Shape.Box)
        self.error_bar.setAutoFillBackground(True)
        error_palette = self.error_bar.palette()
        for role, colour in ((QPalette.ColorRole.Window, ERROR_BACKGROUND), (QPalette.ColorRole.WindowText, ERROR_TEXT)):
            error_palette.setColor(role, QColor(colour))
        self.error_bar.setPalette(error_palette)
        self.error_label = QLabel()
        self.error_label.setObjectName("cameraErrorText")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = self._button(tr_noop("Retry"), "retryButton", "Retry the picture source",
                                         tr_noop("Try the camera or file again"), self.retry)
        error_layout = QHBoxLayout(self.error_bar)
        error_layout.addWidget(self.error_label, stretch=1)
        error_layout.addWidget(self.retry_button)
        self.error_bar.hide()
        self.status_label = QLabel(tr(LOADING_MESSAGE))
        self.status_label.setObjectName("cameraStatus")
        self.status_label.setAccessibleName("Camera status")
        self.status_label.setWordWrap(True)
        self.rates_label = QLabel("")
        self.rates_label.setObjectName("cameraRates")
        self.rates_label.setAccessibleName("Preview and classification speed")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(camera_row)
        left_layout.addLayout(view_row)
        left_layout.addLayout(files_row)
        left_layout.addLayout(samples_row)
        left_layout.addWidget(self.preview, stretch=1)
        left_layout.addWidget(self.why.scale)
        left_layout.addWidget(self.error_bar)
        left_layout.addWidget(self.status_label)
        left_layout.addWidget(self.rates_label)

        self.model_list = QListWidget()
        self.model_list.setObjectName("cameraModelList")
        self.model_list.setAccessibleName("Photo models to compare")
        # A long model name ends in "…" (its tooltip has it all) rather than scrolling sideways.
        self.model_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        translated(self.model_list.setToolTip, "Tick two or more models to run them side by side on the same frame")
        self.model_list.setMaximumHeight(110)
        self.predictions_layout = QVBoxLayout(self.predictions_box)
        self.predictions_layout.setContentsMargins(0, 0, 0, 0)
        self.predictions_layout.addStretch()
        scroll = QScrollArea()
        scroll.setObjectName("predictionsScroll")
        scroll.setAccessibleName("Predictions")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.predictions_box)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        compare_label = QLabel()
        translated(compare_label.setText, "<b>Compare models</b>", owner=compare_label)
        right_layout.addWidget(compare_label)
        right_layout.addWidget(self.model_list)
        right_layout.addLayout(self._build_import_rows())
        right_layout.addWidget(scroll, stretch=1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("cameraSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # Shares, not pixels: the predictions get room to read "n02123045 - tabby 83%" whole, the
        # picture the rest (the preview's own wish of 640 pixels would otherwise leave them a sliver).
        splitter.setSizes(list(SPLIT_SHARES))
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_INTERVAL_MS)
        self._status_timer.timeout.connect(self._update_rates)
        self._update_navigation()
        notifier().language_changed.connect(self._on_language_changed)

    def _build_import_rows(self) -> QVBoxLayout:
        self.import_button = self._button(tr_noop("Import Teachable Machine model…"), "importTeachableButton",
                                          "Import a Teachable Machine model",
                                          tr_noop("Convert a Teachable Machine TensorFlow.js export (its folder, "
                                                  "model.json or .zip) into your models folder; you can also drop "
                                                  "it on this panel"),
                                          self.import_teachable_dialog)
        self.import_progress = QProgressBar()
        self.import_progress.setObjectName("importTeachableProgress")
        self.import_progress.setAccessibleName("Progress of the Teachable Machine import")
        self.import_progress.setRange(0, 1)
        self.import_progress.hide()
        self.import_cancel_button = self._button(tr_noop("Cancel"), "cancelImportButton", "Cancel the import",
                                                 tr_noop("Stop converting the Teachable Machine model"),
                                                 self.cancel_import)
        self.import_cancel_button.hide()
        # The progress row goes under the button: the model column is narrow at 1280 pixels.
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.import_progress, stretch=1)
        progress_row.addWidget(self.import_cancel_button)
        rows = QVBoxLayout()
        rows.addWidget(self.import_button)
        rows.addLayout(progress_row)
        return rows

    def _size_arrow_buttons(self) -> None:
        # As wide as their arrow needs, not a push button's 80 pixels: the files row stays short.
        for button in (self.previous_button, self.next_button):
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance(button.text()) * ARROW_BUTTON_EMS)

    def _size_sample_icons(self) -> None:
        side = round(self.fontMetrics().height() * SAMPLE_ICON_LINES)
        for button in self.sample_buttons:
            button.setIconSize(QSize(side, side))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FontChange:
            self._size_sample_icons()
            self._size_arrow_buttons()
        super().changeEvent(event)

    def _on_language_changed(self, _language: str) -> None:
        self.pause_button.setText(tr("Resume") if self.is_paused() else tr("Pause"))

    def _connect(self) -> None:
        self.classifier.models_ready.connect(self._on_models_ready)
        self.classifier.classified.connect(self._on_classified)
        self.classifier.failed.connect(self._on_classify_failed)
        self.model_list.itemChanged.connect(self._on_model_choice_changed)
        self.camera_choice.activated.connect(lambda _i: self._restart_camera())
        self.resolution_choice.activated.connect(lambda _i: self._restart_camera())
        self.mirror_box.toggled.connect(self._on_mirror_toggled)

    # -- lifetime ------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.start_models()
        self._status_timer.start()
        if self._probe_cameras and self._probe is None:
            self.find_cameras()

    def start_models(self) -> None:
        """Load the photo models in the worker (first show of the panel, or the first picture)."""
        self.classifier.start()

    def shutdown(self) -> None:
        """Stop the picture source and the classifier thread (the window calls this on close)."""
        self._status_timer.stop()
        self.stop_source()
        if self._import_worker is not None:
            self._import_worker.shutdown()
        self.classifier.shutdown()
        self.why.shutdown()
        if self._probe is not None:
            self._probe.wait()

    # -- cameras -------------------------------------------------------------------------------
    def find_cameras(self) -> None:
        """Look for cameras in a worker thread; the first one found starts if nothing else plays."""
        if self._probe is None:
            self._probe = CameraProbe(parent=self)
            self._probe.found.connect(self._on_cameras_found)
        self._set_status(tr("Looking for cameras…"))
        self._probe.start()

    def _on_cameras_found(self, cameras: list[int]) -> None:
        current = self.camera_choice.currentData()
        self.camera_choice.clear()
        for index in cameras or [0]:
            self.camera_choice.addItem(tr("Camera {index}", index=index), index)
        if current in cameras:
            self.camera_choice.setCurrentIndex(self.camera_choice.findData(current))
        if not cameras:
            if self._source is None and self._frame is None:
                self._show_error(tr(NO_CAMERA_MESSAGE), self.find_cameras)
            else:
                self._set_status(tr("No camera found."))
        elif self._source is None and self._frame is None:
            self.start_camera(cameras[0])
        else:
            self._set_status(tr("Found {n} camera(s).", n=len(cameras)))

    def resolution(self) -> tuple[int, int]:
        return tuple(self.resolution_choice.currentData())

    def set_resolution(self, width: int, height: int) -> None:
        index = self.resolution_choice.findData((width, height))
        if index < 0:
            raise ValueError(f"unsupported resolution {width}×{height}")
        self.resolution_choice.setCurrentIndex(index)
        self._restart_camera()

    def start_camera(self, index: int | None = None) -> None:
        """Live picture from camera ``index`` (default: the chosen one) at the chosen resolution."""
        if index is None:
            index = self.camera_choice.currentData() or 0
        elif self.camera_choice.findData(index) >= 0:
            self.camera_choice.setCurrentIndex(self.camera_choice.findData(index))
        source = SizedCameraSource(int(index), self.resolution(), parent=self)
        self._stills = []
        self._start_source(source, tr("Camera {index}", index=index), lambda: self.start_camera(index))

    def _restart_camera(self) -> None:
        if isinstance(self._source, SizedCameraSource):
            self.start_camera()

    # -- files ---------------------------------------------------------------------------------
    def start_video(self, path: str | Path, loop: bool = True, fps: float | None = None) -> None:
        """Play a video file through the same capture code as a camera."""
        path = Path(path)
        self._stills = []
        self._start_source(VideoFileSource(path, loop=loop, fps=fps, parent=self), tr("Video {name}", name=path.name),
                           lambda: self.start_video(path, loop, fps))

    def open_images(self, paths: Sequence[str | Path]) -> bool:
        """Classify these image files, the first now; Next/Previous step through them."""
        paths = [Path(p) for p in paths]
        if not paths:
            return False
        self._stills = paths
        self._show_still(0)
        return True

    def open_folder(self, folder: str | Path) -> bool:
        """Step through the images of ``folder`` (sorted by name)."""
        folder = Path(folder)
        images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) if folder.is_dir() else []
        if not images:
            self._show_error(tr("The folder {folder} contains no image this app can read ({suffixes}).",
                                folder=folder, suffixes=", ".join(IMAGE_SUFFIXES)), lambda: self.open_folder(folder))
            return False
        return self.open_images(images)

    def next_image(self) -> None:
        if self._stills:
            self._show_still((self._still_index + 1) % len(self._stills))

    def previous_image(self) -> None:
        if self._stills:
            self._show_still((self._still_index - 1) % len(self._stills))

    def current_image_path(self) -> Path | None:
        return self._stills[self._still_index] if self._stills else None

    def _show_still(self, index: int) -> None:
        self._still_index = index
        path = self._stills[index]
        # Decoding a big photo takes a moment: the image source does it in its own thread.
        self._start_source(ImageFileSource(path, parent=self), path.name, lambda: self._show_still(index))

    def open_dropped(self, path: str) -> object:
        """A file or folder dropped on the panel: a Teachable Machine export is imported, a folder
        steps, a video plays, an image shows."""
        dropped = Path(path)
        kind = dropped_model_kind(dropped)
        if kind == TFJS_EXPORT:
            return self.import_teachable(dropped)
        if kind == KERAS_EXPORT:
            self._show_error(keras_export_message(dropped), None)
            return False
        if dropped.is_dir():
            return self.open_folder(dropped)
        if dropped.suffix.lower() in VIDEO_SUFFIXES:
            return self.start_video(dropped)
        return self.open_images([dropped])

    def open_images_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Open images"), "",
                                                tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if paths:
            self.open_images(paths)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Open a folder of images"))
        if folder:
            self.open_folder(folder)

    def open_video_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a video"), "",
                                              tr("Videos ({patterns})", patterns=VIDEO_PATTERNS))
        if path:
            self.start_video(path)

    # -- Teachable Machine import ---------------------------------------------------------------
    def import_teachable(self, path: str | Path) -> bool:
        """Convert a Teachable Machine export into the user's models folder in a worker; once the
        classifier has rescanned, the new model is the one ticked."""
        path = Path(path)
        if self._import_worker is not None:
            self._set_status(tr("Wait for the running import to finish, or cancel it."))
            return False
        if dropped_model_kind(path) == KERAS_EXPORT:
            self._show_error(keras_export_message(path), None)
            return False
        if self.user_models_dir is None:
            self._show_error(no_folder_message(path), None)
            return False
        self.error_bar.hide()
        self._import = TeachableImport(path, self.user_models_dir)
        worker = JobWorker(self._import.job, self)
        self._import_worker = worker
        worker.progress.connect(self._on_import_progress)
        worker.finished.connect(self._on_imported)
        worker.failed.connect(self._on_import_failed)
        worker.cancelled.connect(self._on_import_cancelled)
        self.import_progress.setRange(0, 0)
        for widget in (self.import_progress, self.import_cancel_button):
            widget.show()
        self.import_button.setEnabled(False)
        self._set_status(tr("Converting the Teachable Machine model {name}…", name=path.name))
        worker.start()
        return True

    def is_importing(self) -> bool:
        return self._import_worker is not None

    def cancel_import(self) -> None:
        if self._import_worker is not None:
            self._import_worker.cancel()
            self._set_status(tr("Cancelling…"))

    def import_teachable_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Import a Teachable Machine model (its model.json or .zip)"),
                                              "", tr(DIALOG_FILTER))
        if path:
            self.import_teachable(path)

    def _on_import_progress(self, done: int, total: int) -> None:
        self.import_progress.setRange(0, max(total, 0))
        self.import_progress.setValue(done)

    def _end_import(self) -> TeachableImport | None:
        worker, self._import_worker = self._import_worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        for widget in (self.import_progress, self.import_cancel_button):
            widget.hide()
        self.import_button.setEnabled(True)
        done, self._import = self._import, None
        return done

    def _on_imported(self, result) -> None:
        self._end_import()
        self._select_after_scan = str(result.path)
        message = tr("Imported the Teachable Machine model as {path} ({n} classes); it agrees with the original "
                     "within {difference:.1e}.", path=result.path, n=len(result.class_names),
                     difference=result.max_difference)
        self._set_status(message)
        self.message.emit(message)
        self.model_imported.emit(Path(result.path))
        if self.classifier.is_running():
            self.classifier.rescan()
        else:
            self.start_models()

    def _on_import_failed(self, text: str) -> None:
        self._end_import()
        self._show_error(text, None)

    def _on_import_cancelled(self) -> None:
        job = self._end_import()
        if job is not None:
            job.discard()
        self._set_status(tr("Import cancelled; nothing was written."))

    # -- the running source --------------------------------------------------------------------
    def _start_source(self, source: FrameSource, name: str, retry: Callable[[], object]) -> None:
        self.stop_source()
        self.start_models()
        self.set_paused(False)  # a new picture is meant to be seen
        self.error_bar.hide()
        self._retry = retry
        self._source_name = name
        self._source = source
        self.preview_rate.reset()
        source.frame.connect(self._on_frame)
        source.error.connect(self._on_source_error)
        source.ended.connect(self._on_source_ended)
        source.start()
        log.info("camera panel: showing %s", source.description)
        self._set_status(tr("Showing: {name}", name=name))
        self._update_navigation()

    def stop_source(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            source.frame.disconnect(self._on_frame)
            source.error.disconnect(self._on_source_error)
            source.ended.disconnect(self._on_source_ended)
            source.stop()
            source.deleteLater()

    def source(self) -> FrameSource | None:
        return self._source

    def retry(self) -> None:
        """Do again what failed: reopen the camera or file, or look for cameras again."""
        self.error_bar.hide()
        if self._retry is not None:
            self._retry()

    def _on_frame(self, frame: np.ndarray) -> None:
        if self.sender() is not self._source or self.is_paused():
            return  # a frame from a source stopped in the meantime, or the picture is frozen
        if self.mirror_box.isChecked():
            frame = np.ascontiguousarray(frame[:, ::-1])
        self._frame = frame
        self._frame_serial += 1
        self.preview.set_frame(frame)
        self.preview_rate.tick()
        self._classify_if_free()

    def _on_source_error(self, message: str) -> None:
        if self.sender() is not self._source:
            return
        self.stop_source()
        self._show_error(message, self._retry)

    def _on_source_ended(self) -> None:
        source = self.sender()
        if source is not self._source:
            return
        if isinstance(source, ImageFileSource):
            return  # a photo: its one frame stays on screen
        self.stop_source()
        self._show_error(tr("The video {path} ended. Retry plays it again.", path=getattr(source, 'path', '')),
                         self._retry)

    def _show_error(self, message: str, retry: Callable[[], object] | None) -> None:
        self._retry = retry
        self.error_label.setText(message)
        self.retry_button.setEnabled(retry is not None)
        self.error_bar.show()
        self._set_status(message)
        self.message.emit(message)

    def error_message(self) -> str | None:
        """The problem shown above the status line, or None when there is none."""
        return self.error_label.text() if not self.error_bar.isHidden() else None

    # -- pause, mirror, snapshot ---------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        """Freeze the shown frame (and its predictions); the source keeps running underneath."""
        if self.pause_button.isChecked() != paused:
            self.pause_button.setChecked(paused)  # emits toggled, which calls back here
            return
        self.pause_button.setText(tr("Resume") if paused else tr("Pause"))
        self.pause_button.setAccessibleName("Resume the live picture" if paused else "Pause: freeze the frame")
        self._set_status(tr("Paused: the frame is frozen.") if paused
                         else tr("Showing: {name}", name=getattr(self, "_source_name", "")))

    def is_paused(self) -> bool:
        return self.pause_button.isChecked()

    def set_mirrored(self, mirrored: bool) -> None:
        self.mirror_box.setChecked(mirrored)

    def _on_mirror_toggled(self, _mirrored: bool) -> None:
        # A live source flips its next frame; a photo or a frozen frame is flipped here and now.
        live = self._source is not None and self._source.is_running()
        if self._frame is not None and (self.is_paused() or not live):
            self._frame = np.ascontiguousarray(self._frame[:, ::-1])
            self._frame_serial += 1
            self.preview.set_frame(self._frame)
            self._classify_if_free()

    def current_frame(self) -> np.ndarray | None:
        """The frame on screen (RGB uint8, mirrored if the mirror is on)."""
        return self._frame

    def save_snapshot(self, path: str | Path) -> bool:
        """Write the frame on screen to ``path`` as PNG; False (and a message) when that fails."""
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        frame = self._frame
        if frame is None:
            self._set_status(tr("There is no picture to save yet."))
            return False
        ok, data = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        try:
            if not ok:
                raise OSError(tr("the picture could not be encoded"))
            write_bytes_atomic(path, data.tobytes(), make_parents=False)
        except OSError as exc:
            message = tr("Cannot save the snapshot {path}: {reason}.", path=path,
                         reason=getattr(exc, "strerror", None) or exc)
            self._set_status(message)
            self.message.emit(message)
            return False
        self.message.emit(tr("Snapshot saved: {path}", path=path))
        self._set_status(tr("Snapshot saved: {path}", path=path))
        return True

    def snapshot_dialog(self) -> None:
        default = f"snapshot-{time.strftime('%Y%m%d-%H%M%S')}.png"
        path, _ = QFileDialog.getSaveFileName(self, tr("Save a snapshot"), default, tr("PNG image (*.png)"))
        if path:
            self.save_snapshot(path)

    # -- models and classification ------------------------------------------------------------
    def models(self) -> list[PhotoModelInfo]:
        return list(self._models)

    def models_loaded(self) -> bool:
        return self._models_loaded

    def _on_models_ready(self, models: list[PhotoModelInfo], problems: list[ModelProblem]) -> None:
        chosen = set(self.chosen_models())
        self._models, self._problems = list(models), list(problems)
        self._models_loaded = True
        log.info("camera panel: %d photo model(s) ready", len(models))
        imported = self._select_after_scan
        if imported is not None:
            problem = next((p for p in problems if str(p.path) == imported), None)
            if any(str(m.path) == imported for m in models):
                chosen = {imported}  # a model just imported is what the user wants to see working
                self._select_after_scan = None
            elif problem is not None:
                self._select_after_scan = None
                self._show_error(tr("The imported model {name} cannot run here: {reason}",
                                    name=Path(imported).name, reason=problem.reason), None)
            # else a scan begun before the file was written: the next one lists it
        if not chosen:
            preferred = [m for m in models if m.path.name == PREFERRED_PHOTO_MODEL]
            imagenet = [m for m in models if m.task == "imagenet"]
            first = (preferred or imagenet or models or [None])[0]
            chosen = {str(first.path)} if first is not None else set()
        self.model_list.blockSignals(True)
        self.model_list.clear()
        for info in models:
            add_model_item(self.model_list, info.label, info.path, str(info.path) in chosen,
                           tr("{task} model, {n} classes, input {h}×{w}", task=info.task, n=len(info.class_names),
                              h=info.input_shape[0], w=info.input_shape[1]))
        self.model_list.blockSignals(False)
        if not models:
            self._set_status(tr(NO_MODEL_MESSAGE))
        elif self.status_label.text() == tr(LOADING_MESSAGE):
            self._set_status(tr("{n} photo model(s) ready.", n=len(models)))
        self._on_model_choice_changed()

    def chosen_models(self) -> list[str]:
        """Paths of the ticked models, in list order."""
        return checked_paths(self.model_list)

    def set_chosen_models(self, paths: Sequence[str | Path]) -> None:
        check_paths(self.model_list, paths)
        self._on_model_choice_changed()

    def _on_model_choice_changed(self, *_args) -> None:
        chosen = self.chosen_models()
        for path in list(self.prediction_lists):
            if path not in chosen:
                view = self.prediction_lists.pop(path)
                self.predictions_layout.removeWidget(view)
                view.deleteLater()
        by_path = {str(m.path): m for m in self._models}
        for path in chosen:
            if path not in self.prediction_lists:
                info = by_path[path]
                view = PredictionList(info.label, Path(path).stem)
                self.predictions_layout.insertWidget(self.predictions_layout.count() - 1, view)
                self.prediction_lists[path] = view
        for order, path in enumerate(chosen):  # keep the views in list order
            self.predictions_layout.removeWidget(self.prediction_lists[path])
            self.predictions_layout.insertWidget(order, self.prediction_lists[path])
        self._in_flight = None  # an answer from the old choice is no longer wanted
        self._classified_serial = -1
        self._classify_if_free()

    def is_classifying(self) -> bool:
        """True while a frame is with the classifier."""
        return self._in_flight is not None

    def _classify_if_free(self) -> None:
        models = list(self.prediction_lists)
        self.why.offer_frame(self._frame, models[0] if models else None)
        if self._frame is None or not models or self._in_flight is not None:
            return
        if self._classified_serial == self._frame_serial:
            return
        self._request_id += 1
        self._in_flight = self._request_id
        self._classified_serial = self._frame_serial
        self.classifier.request(self._request_id, self._frame, models)

    def _on_classified(self, request_id: int, results: dict[str, PhotoPrediction]) -> None:
        if request_id != self._in_flight:
            return
        self._in_flight = None
        for path, prediction in results.items():
            view = self.prediction_lists.get(path)
            if view is not None:
                view.set_top(prediction.top)
            self._inference_ms[path] = prediction.inference_ms
        self.classify_rate.tick()
        self._classify_if_free()  # the newest frame, if one came while the worker was busy

    def _on_classify_failed(self, request_id: int, message: str) -> None:
        if request_id != self._in_flight:
            return
        self._in_flight = None
        self._set_status(tr("The model could not classify this picture: {message}", message=message))

    def prediction_lines(self) -> dict[str, list[str]]:
        """What each ticked model shows now: ``{model path: ["wnid - name NN%", ...]}``."""
        return {path: view.lines() for path, view in self.prediction_lists.items()}

    # -- status --------------------------------------------------------------------------------
    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def rates_text(self) -> str:
        """``Preview 29.8 fps · classified 12.0 /s · inference 23 ms`` (inference per model, summed)."""
        inference = sum(self._inference_ms.get(p, 0.0) for p in self.prediction_lists)
        return tr("Preview {preview:.1f} fps · classified {classified:.1f} /s · inference {inference:.0f} ms",
                  preview=self.preview_rate.rate(), classified=self.classify_rate.rate(), inference=inference)

    def _update_rates(self) -> None:
        self.rates_label.setText(self.rates_text())

    def _update_navigation(self) -> None:
        stepping = len(self._stills) > 1
        self.previous_button.setEnabled(stepping)
        self.next_button.setEnabled(stepping)
        if self._stills:
            path = self._stills[self._still_index]
            self.position_label.setText(f"{self._still_index + 1} / {len(self._stills)} · {path.name}")
            self.position_label.setToolTip(str(path))
        else:
            self.position_label.setText("")
            self.position_label.setToolTip("")
