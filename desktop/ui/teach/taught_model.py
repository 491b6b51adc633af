"""The Teach panel's model: trained here, or imported from Teachable Machine; previewed and exported.

A head trained on the project's samples runs on the ImageNet feature extractor; an imported
Teachable Machine model runs on its own and is previewed until the next training replaces it. The
work runs as jobs of the panel (training, export, import) and on the preview's newest-picture-wins
worker; see :mod:`desktop.ui.teach.jobs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop.core.teach import project as teach
from desktop.core.teach.head import HeadResult
from desktop.core.teach.project import ProjectError, TeachProject
from desktop.ui.i18n import tr
from desktop.ui.sources import read_image_rgb
from desktop.ui.teach.jobs import (
    ImportedModel,
    PredictionWorker,
    Predictor,
    SharedEmbeddings,
    TrainingRelay,
    export_job,
    import_job,
    training_job,
)
from desktop.ui.teach.places import file_stem
from desktop.ui.teach.view import TeachView
from desktop.ui.teach.why_toggle import TeachWhy
from desktop.ui.teachable_import import (
    KERAS_EXPORT,
    TFJS_EXPORT,
    TeachableImport,
    dropped_model_kind,
    keras_export_message,
    no_folder_message,
)


#: ``start_job(job, busy_text, on_done, on_cancelled=None) -> started``: the panel's one job at a time.
StartJob = Callable[..., bool]


class TaughtModel(QObject):
    """The model's state (``head`` and ``trained_classes``, or ``imported``), its commands, and "Why?"
    (:attr:`why`) on the preview picture.

    ``changed()`` follows a training or an import; ``trained()`` a training; ``preview_ready``
    (probabilities, in class order) each preview; ``model_exported(path)`` an export or import.
    """

    changed = Signal()
    trained = Signal()
    preview_ready = Signal(object)
    model_exported = Signal(object)

    def __init__(self, view: TeachView, embeddings: SharedEmbeddings, user_models_dir: Path | None,
                 start_job: StartJob, show_status: Callable[[str], None], parent: QObject | None = None):
        super().__init__(parent)
        self._view = view
        self._embeddings = embeddings
        self.user_models_dir = user_models_dir
        self._start_job = start_job
        self._show_status = show_status
        self.head: HeadResult | None = None
        self.trained_classes: list[str] = []
        self.imported: ImportedModel | None = None
        self._relay = TrainingRelay(self)
        self._relay.phase.connect(self._show_status)
        self._relay.epoch.connect(self._on_epoch)
        self._predictions = PredictionWorker()
        self._predictions.answered.connect(self._on_prediction)
        self._predictions.failed.connect(self._on_prediction_failed)
        self._requests = 0
        self.why = TeachWhy(self, view.preview, view.why_toggle, view.why_scale, view.why_overlay)

    @property
    def extractor_path(self) -> Path:
        return self._embeddings.extractor_path

    def forget(self) -> None:
        """Another project: nothing trained or imported."""
        self.head, self.trained_classes, self.imported = None, [], None
        self._view.preview.show_classes([], tr("Train the model to see its predictions here."))
        self._view.result_view.clear()

    def has_model(self) -> bool:
        return self.head is not None or self.imported is not None

    def is_trained_on(self, class_names: Sequence[str]) -> bool:
        return self.head is not None and self.trained_classes == list(class_names)

    # -- training ------------------------------------------------------------------------------
    def train(self, project: TeachProject) -> bool:
        """Embed every sample (cached) and train the head, as a job; the curves follow each epoch."""
        try:
            paths, labels = teach.training_samples(project)
        except ProjectError as exc:
            self._show_status(tr("Cannot train yet: {reason}.", reason=exc))
            return False
        names = list(project.class_names)
        settings = teach.TrainSettings(**vars(project.settings))
        job = training_job(self._embeddings, paths, labels, names, settings, self._relay)
        self._view.under_the_hood.start()
        return self._start_job(job, tr("Preparing to train…"),
                               lambda result: self._trained(result, names, len(paths)))

    def _on_epoch(self, _epoch: int, metrics: dict) -> None:
        self._view.under_the_hood.add_epoch(metrics)

    def _trained(self, result: HeadResult, names: list[str], samples: int) -> None:
        self.head, self.trained_classes, self.imported = result, names, None  # your own model replaces an import
        self._view.under_the_hood.set_result(result, names)
        self._view.result_view.show_result(result, names)
        self._view.preview.show_classes(names, tr("Drop a photo on the picture or start the camera."))
        last = result.history[max(result.history)]
        held = tr(", held-out accuracy {value:.0%}", value=last["val_accuracy"]) if len(result.holdout) else ""
        self._show_status(tr("Trained on {n} samples: training accuracy {value:.0%}{held}.", n=samples,
                             value=last["accuracy"], held=held))
        self.changed.emit()
        self.trained.emit()

    # -- preview -------------------------------------------------------------------------------
    def preview_image(self, path: str | Path) -> bool:
        """Show a photo file and classify it."""
        try:
            rgb = read_image_rgb(path)
        except Exception as exc:  # noqa: BLE001 - FrameSourceError names the file
            self._show_status(str(exc))
            return False
        self._view.preview.picture.set_rgb(rgb)
        if not self.has_model():
            self._show_status(tr("Train the model first; then the preview shows what it thinks."))
            return False
        self.predict(rgb)
        return True

    def predict(self, rgb: np.ndarray) -> None:
        """Classify ``rgb`` and offer it to "Why?". Newest picture wins: while one preview runs, only the
        latest waiting picture is kept."""
        if not self.has_model():
            return
        self.why.offer(rgb)
        names = self.imported.class_names if self.imported is not None else list(self.trained_classes)
        self._requests += 1
        self._predictions.predict(self._requests, Predictor(names, self.head, self.imported, self._embeddings), rgb)

    def _on_prediction(self, _request_id: int, answer: tuple[Predictor, np.ndarray]) -> None:
        predictor, probabilities = answer
        if predictor.head is self.head and predictor.imported is self.imported:  # else the model changed since
            self._view.preview.show_prediction(predictor.names, probabilities)
            self.preview_ready.emit(probabilities)

    def _on_prediction_failed(self, _request_id: int, text: str) -> None:
        self._show_status(tr("The preview failed: {reason}", reason=text))

    # -- export and import ---------------------------------------------------------------------
    def export_onnx(self, project: TeachProject, path: str | Path | None,
                    ask_path: Callable[[str], Path | None]) -> bool:
        """One ONNX file (extractor + head): at ``path``, else in the user's models folder, else where
        ``ask_path(suggested file name)`` says."""
        if self.head is None:
            self._show_status(tr("Train the model before exporting it."))
            return False
        if not self.is_trained_on(project.class_names):
            self._show_status(tr("The classes changed since the last training: train again, then export."))
            return False
        stem, title = file_stem(project.name), project.name
        if path is None and self.user_models_dir is not None:
            path = self.user_models_dir / f"teach-{stem}.onnx"
        target = Path(path) if path is not None else ask_path(f"{stem}.onnx")
        if target is None:
            return False

        def done(written) -> None:
            self._show_status(tr("Exported {path}. The Camera panel lists it as {title!r}.", path=written, title=title))
            self.model_exported.emit(Path(written))

        job = export_job(self.extractor_path, self.head, list(self.trained_classes), target, title)
        return self._start_job(job, tr("Exporting {name}…", name=target.name), done)

    def import_teachable(self, path: Path) -> bool:
        """Convert a Teachable Machine export into the user's models folder (a job); the preview then
        runs it until the user trains their own, and the Camera panel lists it."""
        if dropped_model_kind(path) == KERAS_EXPORT:
            self._show_status(keras_export_message(path))
            return False
        if self.user_models_dir is None:
            self._show_status(no_folder_message(path))
            return False
        importer = TeachableImport(path, self.user_models_dir)
        busy_text = tr("Converting the Teachable Machine model {name}…", name=path.name)
        return self._start_job(import_job(importer), busy_text, self._imported, importer.discard)

    def open_dropped(self, paths: Sequence[Path]) -> bool:
        """A Teachable Machine export among dropped paths is imported (a Keras one explained); True when
        the drop was a model, so its paths are not samples."""
        for path in paths:
            kind = dropped_model_kind(path)
            if kind == TFJS_EXPORT:
                self.import_teachable(path)
                return True
            if kind == KERAS_EXPORT:
                self._show_status(keras_export_message(path))
                return True
        return False

    def drop_on_preview(self, path: str) -> None:
        """A model dropped on the preview picture is imported; a photo is classified."""
        if not self.open_dropped([Path(path)]):
            self.preview_image(path)

    def _imported(self, outcome) -> None:
        result, imported = outcome
        self.imported = imported
        self._view.preview.show_classes(imported.class_names, tr(
            "Previewing the imported model {title}. Drop a photo on the picture or start the camera; training your "
            "own classes replaces it.", title=imported.model.title))
        self._show_status(tr("Imported {path} ({n} classes); it agrees with the original within {difference:.1e}. "
                             "The preview runs it until you train your own; the Camera panel lists it.",
                             path=result.path, n=len(result.class_names), difference=result.max_difference))
        self.model_exported.emit(Path(result.path))
        self.changed.emit()

    def shutdown(self) -> None:
        """Stop the preview's and "Why?"'s worker threads."""
        self._predictions.shutdown()
        self.why.shutdown()
