"""The Camera panel: point a camera (or a photo, a folder, a video) at a photo model and watch it guess.

Three threads keep the window responsive: the picture source captures in its own thread and hands
over only its newest frame; the :class:`PhotoClassifier` thread crops, resizes and classifies; the
GUI thread only paints. Preview and classification run at their own rates: every frame is painted,
and whenever the classifier is free it gets the newest frame (never a queue of old ones).

:class:`CameraPanel` is the controller (state, commands, wiring); its widgets and their layout are
:class:`~desktop.ui.camera.view.CameraView`'s.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from desktop.core.atomic import write_bytes_atomic
from desktop.core.registry import ModelProblem, default_model_folders, shipped_models_dir
from desktop.ui.camera import dialogs
from desktop.ui.camera.capture import SizedCameraSource
from desktop.ui.camera.classifier_worker import PhotoClassifier, PhotoModelInfo
from desktop.ui.camera.import_flow import TeachableImportFlow
from desktop.ui.camera.live_classification import LiveClassification
from desktop.ui.camera.picture_feed import PictureFeed
from desktop.ui.camera.rates import RateMeter
from desktop.ui.camera.view import CameraView
from desktop.ui.camera.why_toggle import CameraWhy
from desktop.ui.constants import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from desktop.ui.file_drop import FileDropMixin
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.panel_commands import SignalLike
from desktop.ui.sources import CameraProbe, FrameSource, ImageFileSource, VideoFileSource
from desktop.ui.teachable_import import KERAS_EXPORT, TFJS_EXPORT, dropped_model_kind, keras_export_message

log = logging.getLogger(__name__)

#: The model ticked first when it is there: the shipped ImageNet classifier.
PREFERRED_PHOTO_MODEL = "imagenet-efficientnet-lite0.onnx"
STATUS_INTERVAL_MS = 500
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


def first_choice(models: Sequence[PhotoModelInfo]) -> set[str]:
    """What to tick when nothing is: the shipped ImageNet model, else any ImageNet model, else the first."""
    preferred = [m for m in models if m.path.name == PREFERRED_PHOTO_MODEL]
    imagenet = [m for m in models if m.task == "imagenet"]
    first = (preferred or imagenet or list(models) or [None])[0]
    return {str(first.path)} if first is not None else set()


def write_png(frame: np.ndarray, path: Path) -> None:
    """Write an RGB frame as a PNG file (atomically); OSError says why it could not."""
    ok, data = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    if not ok:
        raise OSError(tr("the picture could not be encoded"))
    write_bytes_atomic(path, data.tobytes(), make_parents=False)


class CameraPanel(FileDropMixin, QWidget):
    """Live photo classification. ``status_message(str)`` carries short notes for the window's status bar."""

    status_message = Signal(str)

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
        self._select_after_scan: str | None = None
        self._probe_cameras = probe_cameras
        self._probe: CameraProbe | None = None
        self._feed = PictureFeed(self)
        self._retry: Callable[[], object] | None = None
        self._models: list[PhotoModelInfo] = []
        self._models_loaded = False
        self._stills: list[Path] = []
        self._still_index = -1
        self._frame: np.ndarray | None = None
        self.preview_rate = RateMeter()
        self.classify_rate = RateMeter()
        self.view = CameraView(self)
        self._classification = LiveClassification(self.classifier, self.view.prediction_lists, self.classify_rate,
                                                  self)
        self.why = CameraWhy(self.view, self.models, self)  # "Why?": a live heat map over the preview
        self._importer = TeachableImportFlow(self, self.view.import_progress, self.user_models_dir)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_INTERVAL_MS)
        self._connect()
        self._show_status(tr(LOADING_MESSAGE))
        self._update_navigation()
        app = QCoreApplication.instance()
        if app is not None:  # a panel never shut down (killed session, tests) still stops its threads
            app.aboutToQuit.connect(self.shutdown)

    def _connect(self) -> None:
        view = self.view
        self.classifier.models_ready.connect(self._on_models_ready)
        self._feed.frame.connect(self._on_frame)
        self._feed.failed.connect(self._on_source_failed)
        self._classification.failed.connect(self._show_status)
        self._importer.status.connect(self._show_status)
        self._importer.problem.connect(lambda text: self._show_error(text, None))
        self._importer.imported.connect(self._on_imported)
        self._importer.busy_changed.connect(view.show_importing)
        self._status_timer.timeout.connect(self._update_rates)
        view.model_list.itemChanged.connect(self._on_model_choice_changed)
        view.camera_choice.activated.connect(self._restart_camera)
        view.resolution_choice.activated.connect(self._restart_camera)
        view.camera_button.clicked.connect(lambda: self.start_camera())
        view.mirror_box.toggled.connect(self._on_mirror_toggled)
        view.pause_button.toggled.connect(self.set_paused)
        view.snapshot_button.clicked.connect(lambda: self._ask(dialogs.ask_snapshot_path, self.save_snapshot))
        view.open_images_button.clicked.connect(lambda: self._ask(dialogs.ask_images, self.open_images))
        view.open_folder_button.clicked.connect(lambda: self._ask(dialogs.ask_folder, self.open_folder))
        view.open_video_button.clicked.connect(lambda: self._ask(dialogs.ask_video, self.start_video))
        view.previous_button.clicked.connect(self.previous_image)
        view.next_button.clicked.connect(self.next_image)
        view.sample_chosen.connect(lambda path: self.open_images([path]))
        view.retry_button.clicked.connect(self.retry)
        view.import_button.clicked.connect(lambda: self._ask(dialogs.ask_teachable_export, self.import_teachable))
        view.import_cancel_button.clicked.connect(self.cancel_import)

    def _ask(self, dialog: Callable[[QWidget], object], command: Callable[[object], object]) -> None:
        """Ask with a file dialog, then run ``command`` on the answer unless the user cancelled."""
        chosen = dialog(self)
        if chosen:
            command(chosen)

    # -- lifetime ------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.start_models()
        self._status_timer.start()
        if self._probe_cameras and self._probe is None:
            self._find_cameras()

    def start_models(self) -> None:
        """Load the photo models in the worker (first show of the panel, or the first picture)."""
        self.classifier.start()

    def rescan_models(self) -> None:
        """Look at the model folders again (the Teach panel exported a model into one)."""
        self.classifier.rescan()

    def shutdown(self) -> None:
        """Stop the picture source and the classifier thread (the window calls this on close)."""
        self._status_timer.stop()
        self._feed.stop()
        self._importer.shutdown()
        self.classifier.shutdown()
        self.why.shutdown()
        if self._probe is not None:
            self._probe.wait()

    # -- commands (see desktop.ui.panel_commands.CameraCommands) --------------------------------
    def set_mirrored(self, mirrored: bool) -> None:
        self.view.mirror_box.setChecked(mirrored)

    def set_why(self, on: bool) -> None:
        self.why.set_on(on)

    def models(self) -> list[PhotoModelInfo]:
        return list(self._models)

    def models_loaded(self) -> bool:
        return self._models_loaded

    @property
    def models_announced(self) -> SignalLike:
        """The classifier worker's ``models_ready(models, problems)``, emitted in its thread after each scan."""
        return self.classifier.models_ready

    def chosen_models(self) -> list[str]:
        """Paths of the ticked models, in list order."""
        return self.view.ticked_models()

    def set_chosen_models(self, paths: Sequence[str | Path]) -> None:
        self.view.tick_models(paths)
        self._on_model_choice_changed()

    # -- cameras -------------------------------------------------------------------------------
    def _find_cameras(self) -> None:
        """Look for cameras in a worker thread; the first one found starts if nothing else plays."""
        if self._probe is None:
            self._probe = CameraProbe(parent=self)
            self._probe.found.connect(self._on_cameras_found)
        self._show_status(tr("Looking for cameras…"))
        self._probe.start()

    def _on_cameras_found(self, cameras: list[int]) -> None:
        self.view.list_cameras(cameras)
        nothing_shown = self._feed.source() is None and self._frame is None
        if not cameras:
            if nothing_shown:
                self._show_error(tr(NO_CAMERA_MESSAGE), self._find_cameras)
            else:
                self._show_status(tr("No camera found."))
        elif nothing_shown:
            self.start_camera(cameras[0])
        else:
            self._show_status(tr("Found {n} camera(s).", n=len(cameras)))

    def start_camera(self, index: int | None = None) -> None:
        """Live picture from camera ``index`` (default: the chosen one) at the chosen resolution."""
        if index is None:
            index = self.view.chosen_camera()
        else:
            self.view.choose_camera(index)
        source = SizedCameraSource(int(index), self.view.resolution(), parent=self)
        self._stills = []
        self._start_source(source, tr("Camera {index}", index=index), lambda: self.start_camera(index))

    def _restart_camera(self, _choice: int = 0) -> None:
        if isinstance(self._feed.source(), SizedCameraSource):
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

    # -- Teachable Machine import ---------------------------------------------------------------
    def import_teachable(self, path: str | Path) -> bool:
        """Convert a Teachable Machine export into the user's models folder in a worker; once the
        classifier has rescanned, the new model is the one ticked."""
        started = self._importer.start(path)
        if started:
            self.view.hide_problem()
        return started

    def is_importing(self) -> bool:
        return self._importer.is_running()

    def cancel_import(self) -> None:
        self._importer.cancel()

    def _on_imported(self, result) -> None:
        self._select_after_scan = str(result.path)
        text = tr("Imported the Teachable Machine model as {path} ({n} classes); it agrees with the original "
                  "within {difference:.1e}.", path=result.path, n=len(result.class_names),
                  difference=result.max_difference)
        self._show_status(text)
        self.status_message.emit(text)
        if self.classifier.is_running():
            self.classifier.rescan()
        else:
            self.start_models()


    # -- the running source --------------------------------------------------------------------
    def _start_source(self, source: FrameSource, name: str, retry: Callable[[], object]) -> None:
        self._feed.stop()
        self.start_models()
        self.set_paused(False)  # a new picture is meant to be seen
        self.view.hide_problem()
        self._retry = retry
        self.preview_rate.reset()
        self._feed.start(source, name)
        self._show_status(tr("Showing: {name}", name=name))
        self._update_navigation()

    def source(self) -> FrameSource | None:
        return self._feed.source()

    def retry(self) -> None:
        """Do again what failed: reopen the camera or file, or look for cameras again."""
        self.view.hide_problem()
        if self._retry is not None:
            self._retry()

    def _on_frame(self, frame: np.ndarray) -> None:
        if self.is_paused():
            return  # the picture is frozen
        if self.view.mirror_box.isChecked():
            frame = np.ascontiguousarray(frame[:, ::-1])
        self._show_frame(frame)
        self.preview_rate.tick()

    def _show_frame(self, frame: np.ndarray) -> None:
        self._frame = frame
        self.view.preview.set_frame(frame)
        self._offer_to_why()
        self._classification.offer(frame)

    def _offer_to_why(self) -> None:
        models = self.chosen_models()
        self.why.offer_frame(self._frame, models[0] if models else None)

    def _on_source_failed(self, text: str) -> None:
        self._show_error(text, self._retry)

    def _show_error(self, text: str, retry: Callable[[], object] | None) -> None:
        self._retry = retry
        self.view.show_problem(text, retry is not None)
        self._show_status(text)
        self.status_message.emit(text)

    def error_message(self) -> str | None:
        """The problem shown above the status line, or None when there is none."""
        return self.view.problem()

    # -- pause, mirror, snapshot ---------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        """Freeze the shown frame (and its predictions); the source keeps running underneath."""
        if self.view.pause_button.isChecked() != paused:
            self.view.pause_button.setChecked(paused)  # emits toggled, which calls back here
            return
        self.view.show_paused(paused)
        self._show_status(tr("Paused: the frame is frozen.") if paused
                          else tr("Showing: {name}", name=self._feed.name))

    def is_paused(self) -> bool:
        return self.view.pause_button.isChecked()

    def _on_mirror_toggled(self, _mirrored: bool) -> None:
        # A live source flips its next frame; a photo or a frozen frame is flipped here and now.
        if self._frame is not None and (self.is_paused() or not self._feed.is_live()):
            self._show_frame(np.ascontiguousarray(self._frame[:, ::-1]))

    def current_frame(self) -> np.ndarray | None:
        """The frame on screen (RGB uint8, mirrored if the mirror is on)."""
        return self._frame

    def save_snapshot(self, path: str | Path) -> bool:
        """Write the frame on screen to ``path`` as PNG; False (and a message) when that fails."""
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        if self._frame is None:
            self._show_status(tr("There is no picture to save yet."))
            return False
        try:
            write_png(self._frame, path)
        except OSError as exc:
            text = tr("Cannot save the snapshot {path}: {reason}.", path=path,
                      reason=getattr(exc, "strerror", None) or exc)
            self._show_status(text)
            self.status_message.emit(text)
            return False
        self.status_message.emit(tr("Snapshot saved: {path}", path=path))
        self._show_status(tr("Snapshot saved: {path}", path=path))
        return True

    # -- models and classification ------------------------------------------------------------
    def _on_models_ready(self, models: list[PhotoModelInfo], problems: list[ModelProblem]) -> None:
        chosen = self._choice_after_scan(models, problems) or first_choice(models)
        self._models = list(models)
        self._models_loaded = True
        log.info("camera panel: %d photo model(s) ready", len(models))
        self.view.list_models([(info.label, str(info.path), tr(
            "{task} model, {n} classes, input {h}×{w}", task=info.task, n=len(info.class_names),
            h=info.input_shape[0], w=info.input_shape[1])) for info in models], chosen)
        if not models:
            self._show_status(tr(NO_MODEL_MESSAGE))
        elif self.view.status_label.text() == tr(LOADING_MESSAGE):
            self._show_status(tr("{n} photo model(s) ready.", n=len(models)))
        self._on_model_choice_changed()

    def _choice_after_scan(self, models: list[PhotoModelInfo], problems: list[ModelProblem]) -> set[str]:
        """The models ticked before the scan, or the one just imported once the scan lists it."""
        chosen = set(self.chosen_models())
        imported = self._select_after_scan
        if imported is None:
            return chosen
        problem = next((p for p in problems if str(p.path) == imported), None)
        if any(str(m.path) == imported for m in models):
            self._select_after_scan = None
            return {imported}  # a model just imported is what the user wants to see working
        if problem is not None:
            self._select_after_scan = None
            self._show_error(tr("The imported model {name} cannot run here: {reason}",
                                name=Path(imported).name, reason=problem.reason), None)
        # else a scan begun before the file was written: the next one lists it
        return chosen

    def _on_model_choice_changed(self, *_args) -> None:
        labels = {str(m.path): m.label for m in self._models}
        self.view.show_prediction_lists([(path, labels[path]) for path in self.chosen_models()])
        self._offer_to_why()
        self._classification.models_changed()

    def is_classifying(self) -> bool:
        """True while a frame is with the classifier."""
        return self._classification.is_busy()

    def prediction_lines(self) -> dict[str, list[str]]:
        """What each ticked model shows now: ``{model path: ["wnid - name NN%", ...]}``."""
        return {path: view.lines() for path, view in self.view.prediction_lists.items()}

    # -- status --------------------------------------------------------------------------------
    def _show_status(self, text: str) -> None:
        self.view.status_label.setText(text)

    def rates_text(self) -> str:
        """``Preview 29.8 fps · classified 12.0 /s · inference 23 ms`` (inference per model, summed)."""
        inference = self._classification.inference_ms()
        return tr("Preview {preview:.1f} fps · classified {classified:.1f} /s · inference {inference:.0f} ms",
                  preview=self.preview_rate.rate(), classified=self.classify_rate.rate(), inference=inference)

    def _update_rates(self) -> None:
        self.view.rates_label.setText(self.rates_text())

    def _update_navigation(self) -> None:
        self.view.show_position(self._stills, self._still_index)
