"""The Teach panel: make your own photo classes, train a classifier on them here, export it.

The project lives in a folder (by default under the user's app data); every edit is saved at once
(atomic writes in :mod:`desktop.core.teach.project`), so there is no "unsaved changes" state.
Long work never runs in the GUI thread: adding files, training, exports and Teachable Machine
imports are jobs of one :class:`~desktop.ui.workers.JobRunner` (progress and cancel), and nothing
else edits the project while one runs. This controller holds the project and carries out the
commands; the widgets are in :mod:`desktop.ui.teach.view`, the dialogs in
:mod:`desktop.ui.teach.dialogs`, the camera in :mod:`desktop.ui.teach.camera_feed`, and the model
(training, preview, export, import) in :mod:`desktop.ui.teach.taught_model`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from desktop.core.teach import project as teach
from desktop.core.teach.project import ProjectError, TeachProject
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.sources import FrameSource
from desktop.ui.teach.camera_feed import CameraFeed
from desktop.ui.teach.dialogs import TeachDialogs
from desktop.ui.teach.jobs import ImportedModel, SharedEmbeddings, add_files_job, added_files_report, dataset_job
from desktop.ui.teach.places import embedding_cache_dir, file_stem, find_extractor, start_project, teach_root
from desktop.ui.teach.places import unused_folder
from desktop.ui.teach.taught_model import TaughtModel
from desktop.ui.teach.view import TeachView
from desktop.ui.workers import Job, JobRunner

log = logging.getLogger(__name__)

DEFAULT_PROJECT_NAME = tr_noop("My project")  # the default folder: English in every language


def drawing_to_rgb(drawing: np.ndarray) -> np.ndarray:
    """The Write canvas's model input (float32 grey [80, 60, 1], 0..255) as an RGB uint8 image."""
    grey = np.clip(np.asarray(drawing, dtype=np.float32)[..., 0], 0, 255).round().astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


class TeachPanel(QWidget):
    """Teach your own classes. ``status_message(str)`` carries notes for the status bar;
    ``model_exported(path)`` follows an ONNX export or import (the window rescans the photo models);
    ``trained()`` follows a training; ``preview_ready(probabilities)`` each preview, in class order."""

    status_message = Signal(str)
    model_exported = Signal(object)
    trained = Signal()
    preview_ready = Signal(object)

    def __init__(self, current_drawing: Callable[[], np.ndarray | None] | None = None,
                 model_folders: Sequence[str | Path] | None = None, user_models_dir: str | Path | None = None,
                 project_folder: str | Path | None = None,
                 source_factory: Callable[[], FrameSource] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachPanel")
        self.setAccessibleName("Teach panel")
        self.setAcceptDrops(True)
        self._current_drawing = current_drawing
        self._recorded_before = 0
        self.project: TeachProject = None  # type: ignore[assignment]  # set just below
        self.view = TeachView(self)
        self._dialogs = TeachDialogs(self, teach_root())
        self._runner = JobRunner(self, self.view.progress_bar)
        self._camera = CameraFeed(source_factory, self)
        embeddings = SharedEmbeddings(find_extractor(model_folders), embedding_cache_dir())
        self.model = TaughtModel(self.view, embeddings, Path(user_models_dir) if user_models_dir is not None else None,
                                 self._start_job, self._show_status, self)
        self.why = self.model.why
        self._connect_project()
        self._connect_samples()
        self._connect_training()
        self.view.show_busy(False)
        self._open_start_project(project_folder)
        app = QCoreApplication.instance()
        if app is not None:  # never leave a capture or job thread running while Qt shuts down
            app.aboutToQuit.connect(self.shutdown)

    # -- wiring --------------------------------------------------------------------------------
    def _connect_project(self) -> None:
        bar, classes, dialogs = self.view.project_bar, self.view.classes, self._dialogs
        bar.new_action.triggered.connect(dialogs.new_project)
        bar.open_action.triggered.connect(dialogs.open_project)
        bar.save_as_action.triggered.connect(dialogs.save_as)
        bar.archive_action.triggered.connect(lambda: dialogs.save_archive(f"{file_stem(self.project.name)}.zip"))
        bar.dataset_action.triggered.connect(dialogs.export_dataset)
        bar.export_button.clicked.connect(lambda: self.export_onnx())
        classes.add_button.clicked.connect(lambda: self.add_class(classes.name_edit.text()))
        classes.name_edit.returnPressed.connect(lambda: self.add_class(classes.name_edit.text()))
        classes.rename_button.clicked.connect(lambda: self.rename_class(classes.name_edit.text()))
        classes.delete_button.clicked.connect(lambda: self.delete_class())
        classes.up_button.clicked.connect(lambda: self.move_class(-1))
        classes.down_button.clicked.connect(lambda: self.move_class(+1))
        classes.list.currentRowChanged.connect(lambda _row: self._show_samples())

    def _connect_samples(self) -> None:
        view, dialogs = self.view, self._dialogs
        view.add_files_button.clicked.connect(dialogs.add_files)
        view.add_folder_button.clicked.connect(dialogs.add_folder)
        view.add_drawing_button.clicked.connect(lambda: self.add_drawing())
        view.delete_samples_button.clicked.connect(lambda: self.delete_samples(view.grid.selected_rows()))
        view.grid.delete_requested.connect(self.delete_samples)
        view.camera_button.toggled.connect(self.set_camera_running)
        view.record_button.pressed.connect(self.start_recording)
        view.record_button.released.connect(self.stop_recording)
        self._camera.frame.connect(self._on_frame)
        self._camera.failed.connect(self._on_camera_failed)

    def _connect_training(self) -> None:
        view, dialogs = self.view, self._dialogs
        view.train_button.clicked.connect(lambda: self.train())
        view.cancel_button.clicked.connect(self.cancel)
        for spin in (view.epochs_spin, view.batch_spin, view.rate_spin):
            spin.editingFinished.connect(self._settings_changed)
        view.augment_box.toggled.connect(lambda _on: self._settings_changed())
        view.preview.picture.image_dropped.connect(self.model.drop_on_preview)
        view.preview_file_button.clicked.connect(dialogs.preview_file)
        view.import_button.clicked.connect(dialogs.import_teachable)
        self._runner.status.connect(self._show_status)
        self._runner.busy_changed.connect(self._on_busy_changed)
        self.model.changed.connect(self._on_model_changed)
        self.model.trained.connect(self.trained)
        self.model.preview_ready.connect(self.preview_ready)
        self.model.model_exported.connect(self.model_exported)

    # -- status --------------------------------------------------------------------------------
    def _show_status(self, text: str) -> None:
        self.view.status_label.setText(text)
        self.status_message.emit(text)

    def status_text(self) -> str:
        return self.view.status_label.text()

    # -- project -------------------------------------------------------------------------------
    def _open_start_project(self, folder: str | Path | None) -> None:
        folder = Path(folder) if folder is not None else teach_root() / DEFAULT_PROJECT_NAME
        project, problem = start_project(folder, tr(DEFAULT_PROJECT_NAME) if folder.name == DEFAULT_PROJECT_NAME
                                         else folder.name)
        self._set_project(project)
        if problem is not None:
            self._show_status(tr("{reason}. Started a new project in {folder} instead; the damaged one was not "
                                 "changed.", reason=problem, folder=project.folder))

    def _set_project(self, project: TeachProject) -> None:
        self.project = project
        self.model.forget()
        self.view.show_settings(project.settings)
        self._refresh(0)

    def _refresh(self, current: int | None = None) -> None:
        current = self.view.classes.current() if current is None else current
        counts = [(c.name, len(c.samples)) for c in self.project.classes]
        self.view.show_project(self.project.name, self.project.folder, counts, current, self.is_trained())
        self._show_samples()

    def is_trained(self) -> bool:
        """A model trained here on exactly the classes there are now (an export would be up to date)."""
        return self.model.is_trained_on(self.project.class_names)

    def _show_samples(self) -> None:
        self.view.show_samples(self.current_class())

    def current_class(self) -> teach.TeachClass | None:
        row = self.view.classes.current()
        return self.project.classes[row] if 0 <= row < len(self.project.classes) else None

    def select_class(self, name: str) -> None:
        self.view.classes.list.setCurrentRow(self.project.class_names.index(name))

    def _save(self) -> bool:
        try:
            teach.save_project(self.project)
        except (ProjectError, OSError) as exc:
            self._show_status(tr("Could not save the project: {reason}", reason=exc))
            return False
        return True

    def _edited(self, current: int | None = None) -> None:
        self._save()
        self._refresh(current)

    def new_project(self, folder: str | Path | None = None, name: str | None = None) -> bool:
        """A new, empty project in ``folder`` (by default a new folder named ``name`` among the projects)."""
        if folder is None:
            folder = unused_folder(teach_root(), name or DEFAULT_PROJECT_NAME)
            name = name or tr(DEFAULT_PROJECT_NAME)
        folder = Path(folder)
        try:
            self._set_project(teach.new_project(folder, name or folder.name))
        except (ProjectError, OSError) as exc:
            self._show_status(tr("Could not create the project: {reason}", reason=exc))
            return False
        self._show_status(tr("New project in {folder}.", folder=folder))
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
            self._show_status(tr("Could not open the project: {reason}", reason=exc))
            return False
        self._set_project(project)
        self._show_status(tr("Opened {name} ({folder}).", name=project.name, folder=project.folder))
        return True

    def save_project_as(self, folder: str | Path) -> bool:
        try:
            teach.save_project(self.project, folder)
        except (ProjectError, OSError) as exc:
            self._show_status(tr("Could not save the project: {reason}", reason=exc))
            return False
        self._refresh()
        self._show_status(tr("Saved the project in {folder}.", folder=folder))
        return True

    def save_archive(self, zip_path: str | Path) -> bool:
        zip_path = Path(zip_path)
        if zip_path.suffix.lower() != ".zip":
            zip_path = zip_path.with_name(zip_path.name + ".zip")
        try:
            teach.save_archive(self.project, zip_path)
        except (ProjectError, OSError) as exc:
            self._show_status(tr("Could not write the archive {path}: {reason}", path=zip_path, reason=exc))
            return False
        self._show_status(tr("Saved the project archive {path}.", path=zip_path))
        return True

    def export_dataset(self, folder: str | Path) -> bool:
        """Copy the samples into one folder per class (a job)."""
        folder = Path(folder)
        return self._start_job(dataset_job(self.project, folder),
                               tr("Exporting the samples to {folder}…", folder=folder),
                               lambda written: self._show_status(
                                   tr("Exported the samples as class folders in {folder}.", folder=written)))

    # -- classes -------------------------------------------------------------------------------
    def _refuse_while_busy(self) -> bool:
        if self._runner.running:
            self._show_status(tr("Wait for the running job to finish, or cancel it."))
            return True
        return False

    def add_class(self, name: str) -> bool:
        if self._refuse_while_busy():
            return False
        try:
            teach.add_class(self.project, name)
        except ProjectError as exc:
            self._show_status(tr("Cannot add the class: {reason}.", reason=exc))
            return False
        self.view.classes.name_edit.clear()
        self._edited(len(self.project.classes) - 1)
        self._show_status(tr("Added the class {name!r}.", name=name.strip()))
        return True

    def rename_class(self, new_name: str) -> bool:
        if self._refuse_while_busy():
            return False
        row = self.view.classes.current()
        try:
            teach.rename_class(self.project, row, new_name)
        except ProjectError as exc:
            self._show_status(tr("Cannot rename the class: {reason}.", reason=exc))
            return False
        self.view.classes.name_edit.clear()
        self._edited(row)
        return True

    def delete_class(self) -> bool:
        if self._refuse_while_busy():
            return False
        row = self.view.classes.current()
        try:
            removed = teach.delete_class(self.project, row)
        except ProjectError as exc:
            self._show_status(tr("Cannot delete the class: {reason}.", reason=exc))
            return False
        self._edited(row)
        self._show_status(tr("Deleted the class {name!r} and its {n} sample(s).", name=removed.name,
                             n=len(removed.samples)))
        return True

    def move_class(self, step: int) -> bool:
        if self._refuse_while_busy():
            return False
        row = self.view.classes.current()
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
            self._show_status(tr("Add a class first, then its samples."))
            return None
        return teach_class.name

    def add_files(self, paths: Sequence[str | Path]) -> bool:
        """Copy image files (and the images of folders) into the selected class, in a worker."""
        name = self._target_class()
        if name is None or not paths:
            return False

        def done(result) -> None:
            self._edited()
            self._show_status(added_files_report(name, *result))

        return self._start_job(add_files_job(self.project, name, paths), tr("Adding images to {name!r}…", name=name),
                               done)

    def _add_image(self, rgb: np.ndarray) -> Path | None:
        name = self._target_class()
        if name is None:
            return None
        try:
            return teach.add_image(self.project, name, rgb)
        except (ProjectError, OSError) as exc:
            self._show_status(tr("Could not add the sample: {reason}", reason=exc))
            return None

    def add_drawing(self) -> bool:
        """The drawing on the Write panel's canvas becomes a sample of the selected class."""
        if self._refuse_while_busy():
            return False
        drawing = self._current_drawing() if self._current_drawing is not None else None
        if drawing is None:
            self._show_status(tr("Draw something on the Write panel's canvas first."))
            return False
        if self._add_image(drawing_to_rgb(drawing)) is None:
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
        self._show_status(tr("Deleted {n} sample(s) from {name!r}.", n=len(rows), name=teach_class.name))
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
        if not self.model.open_dropped(paths):
            self.add_files(paths)

    # -- camera and hold to record ------------------------------------------------------------
    def set_camera_running(self, running: bool) -> None:
        button = self.view.camera_button
        if button.isChecked() != running:
            button.setChecked(running)  # toggled calls back here
            return
        self.view.show_camera_running(running)
        if running:
            self._camera.start(self.view.camera_index())
        else:
            self.stop_recording()
            self._camera.stop()

    def _on_frame(self, frame: np.ndarray) -> None:
        self.view.preview.picture.set_rgb(frame)
        self.model.predict(frame)

    def _on_camera_failed(self, message: str) -> None:
        self.set_camera_running(False)
        self._show_status(message)

    def start_recording(self) -> None:
        """While the record button is held, save the newest frame ``rate`` times a second."""
        if self._refuse_while_busy() or self._target_class() is None:
            return
        self.set_camera_running(True)
        self._recorded_before = len(self.current_class().samples)
        self._camera.start_recording(self.view.record_rate(), self._record_frame)
        self._show_status(tr("Recording into {name!r}…", name=self.current_class().name))

    def stop_recording(self) -> None:
        if not self._camera.stop_recording():
            return
        teach_class = self.current_class()
        self._edited()
        if teach_class is not None:
            self._show_status(tr("Recorded {n} sample(s) into {name!r}.",
                                 n=len(teach_class.samples) - self._recorded_before, name=teach_class.name))

    def _record_frame(self, frame: np.ndarray) -> None:
        if self._add_image(frame) is not None:
            self._show_samples()

    # -- jobs ----------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._runner.running

    def _start_job(self, job: Job, busy_text: str, on_done: Callable[[object], None],
                   on_cancelled: Callable[[], None] | None = None) -> bool:
        if self._refuse_while_busy():
            return False
        log.info("teach panel: %s", busy_text)

        def cancelled() -> None:
            if on_cancelled is not None:
                on_cancelled()
            self._refresh()
            self._show_status(tr("Cancelled."))

        self._runner.start(job, busy_text, on_done, self._job_failed, cancelled)
        return True

    def _job_failed(self, text: str) -> None:
        self._refresh()
        self._show_status(text)

    def _on_busy_changed(self, busy: bool) -> None:
        # A job reads or writes the project's files: nothing else edits the project meanwhile (a save
        # would otherwise tidy away images a job has just written, or one a job is about to read).
        if busy:
            self.stop_recording()
        self.view.show_busy(busy)

    def cancel(self) -> None:
        """Ask the running job to stop (it stops between two steps)."""
        self._runner.cancel()

    # -- the model ---------------------------------------------------------------------------
    @property
    def imported(self) -> ImportedModel | None:
        """The Teachable Machine model the preview runs (None: none, or one trained since)."""
        return self.model.imported

    def _settings_changed(self) -> None:
        self.view.read_settings(self.project.settings)
        self._save()

    def train(self) -> bool:
        """Embed every sample (cached) and train the head, as a job; the curves follow each epoch."""
        self._settings_changed()
        return self.model.train(self.project)

    def _on_model_changed(self) -> None:
        self._refresh()  # the steps
        frame = self._camera.latest()
        if frame is not None:  # what the camera shows now, with the new model
            self.model.predict(frame)

    def preview_image(self, path: str | Path) -> bool:
        """Classify a photo file (dropped on the preview, or chosen) with the trained or imported model."""
        return self.model.preview_image(path)

    def preview_top(self) -> str | None:
        """The class the preview shows as most likely (None before a prediction)."""
        return self.view.preview.top_class()

    def export_onnx(self, path: str | Path | None = None) -> bool:
        """One ONNX file (extractor + head); by default into the user's models folder."""
        return self.model.export_onnx(self.project, path, self._dialogs.export_path)

    def import_teachable(self, path: str | Path) -> bool:
        """Convert a Teachable Machine export (a job) and preview it until the user trains their own."""
        return self.model.import_teachable(Path(path))

    # -- lifetime ------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the camera, any job and the preview's worker (the window calls this on close)."""
        self._camera.stop()
        self._runner.shutdown()
        self.model.shutdown()
