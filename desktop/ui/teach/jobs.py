"""The Teach panel's background work: the jobs its :class:`~desktop.ui.workers.JobRunner` runs (add
files, train, export, convert a Teachable Machine model, export the samples) and the preview's
newest-picture-wins worker.

Each ``*_job`` function returns a plain ``job(progress, cancelled)`` for a worker thread; it
reads only what it was given, never the panel. Training and the preview both embed pictures with
the ImageNet feature extractor, opened once by :class:`SharedEmbeddings` in whichever worker
thread needs it first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop.core.model_check import open_model_checked
from desktop.core.onnx_model import OnnxModel
from desktop.core.photos import to_model_input
from desktop.core.registry import open_checked
from desktop.core.teach import project as teach
from desktop.core.teach.embeddings import EmbeddingCache
from desktop.core.teach.export import export_merged_onnx
from desktop.core.teach.head import HeadResult, predict_head, train_head
from desktop.ui.i18n import tr
from desktop.ui.teachable_import import TeachableImport
from desktop.ui.workers import Job, LatestRequestWorker

#: Augmented copies embedded per sample when augmentation is on.
AUGMENTED_COPIES = 2


class SharedEmbeddings:
    """The feature extractor and its embedding cache, opened on first use.

    Training and the preview ask from their own worker threads, perhaps at the same moment: the
    lock makes the second wait for the extractor the first is opening rather than open another.
    """

    def __init__(self, extractor_path: Path, cache_dir: Path):
        self.extractor_path = extractor_path
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._cache: EmbeddingCache | None = None

    def cache(self) -> EmbeddingCache:
        """The cache (runs in a worker thread: opening the extractor takes a while)."""
        with self._lock:
            if self._cache is None:
                # A user's own extractor is opened in a child process first (it may crash onnxruntime).
                self._cache = EmbeddingCache(open_model_checked(self.extractor_path, warm_up=False), self._cache_dir)
            return self._cache


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


# -- the preview ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Predictor:
    """The model the preview runs: an imported one, else the trained head on the shared extractor."""

    names: list[str]
    head: HeadResult | None
    imported: ImportedModel | None
    embeddings: SharedEmbeddings

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """Probabilities in the order of :attr:`names` (runs in the preview worker)."""
        if self.imported is not None:
            return self.imported.predict(rgb)
        return predict_head(self.head, self.embeddings.cache().embed_rgb([rgb]))[0]


class PredictionWorker(LatestRequestWorker):
    """Runs the preview's model on the newest picture; a picture still waiting when a newer one comes
    is dropped. ``answered(request_id, (predictor, probabilities))``."""

    def __init__(self) -> None:
        super().__init__("TeachPreview")

    def predict(self, request_id: int, predictor: Predictor, rgb: np.ndarray) -> None:
        self.start()
        self._post(request_id, predictor, rgb)

    def _answer(self, predictor: Predictor, rgb: np.ndarray) -> tuple[Predictor, np.ndarray]:
        return predictor, predictor(rgb)


# -- jobs ----------------------------------------------------------------------------------------
class TrainingRelay(QObject):
    """Lives in the GUI thread; the training job emits from its own thread and Qt queues the calls.
    ``phase(text)`` names what the job does now; ``epoch(number, metrics)`` follows each epoch."""

    phase = Signal(str)
    epoch = Signal(int, object)


def training_job(embeddings: SharedEmbeddings, paths: Sequence[Path], labels: np.ndarray, names: list[str],
                 settings: teach.TrainSettings, relay: TrainingRelay) -> Job:
    """Embed every sample (cached; augmented copies too if asked) and train the head on them."""

    def job(progress, cancelled) -> HeadResult:
        relay.phase.emit(tr("Embedding {n} samples…", n=len(paths)))
        cache = embeddings.cache()
        x = cache.embed(paths, progress, cancelled)
        augmented = None
        if settings.augment:
            relay.phase.emit(tr("Embedding {n} augmented copies of each sample…", n=AUGMENTED_COPIES))
            extra = cache.embed_augmented(paths, AUGMENTED_COPIES, settings.seed, progress, cancelled)
            augmented = (extra, np.repeat(np.arange(len(paths)), AUGMENTED_COPIES))  # file-major order
        relay.phase.emit(tr("Training the classifier for {n} epochs…", n=settings.epochs))
        return train_head(x, labels, len(names), settings, progress, cancelled, class_names=names,
                          on_epoch=relay.epoch.emit, augmented=augmented)

    return job


def add_files_job(project: teach.TeachProject, class_name: str, paths: Sequence[str | Path]) -> Job:
    """Copy image files (and the images of folders) into a class: ``(added, problems)``."""

    def job(progress, _cancelled):
        progress(0, 0)
        return teach.add_files(project, class_name, list(paths))

    return job


def added_files_report(class_name: str, added: Sequence[Path], problems: Sequence[tuple[Path, str]]) -> str:
    """What :func:`add_files_job` did, in a sentence or two (the first few problems named)."""
    text = tr("Added {n} sample(s) to {name!r}.", n=len(added), name=class_name)
    if problems:
        shown = "; ".join(f"{path.name}: {reason}" for path, reason in problems[:3])
        more = tr(" and {n} more", n=len(problems) - 3) if len(problems) > 3 else ""
        text += tr(" Skipped {n} file(s) that are not readable images ({shown}{more}).", n=len(problems),
                   shown=shown, more=more)
    return text


def export_job(extractor_path: Path, head: HeadResult, names: list[str], target: Path, title: str) -> Job:
    """One ONNX file, extractor and head merged; the job's result is the path written."""

    def job(progress, _cancelled):
        progress(0, 0)
        return export_merged_onnx(extractor_path, head, names, target, title)

    return job


def dataset_job(project: teach.TeachProject, folder: Path) -> Job:
    """The samples copied into one folder per class; the job's result is the folder."""

    def job(progress, _cancelled):
        progress(0, 0)
        return teach.export_dataset(project, folder)

    return job


def import_job(importer: TeachableImport) -> Job:
    """Convert a Teachable Machine export and open the result: ``(import result, ImportedModel)``."""

    def job(progress, cancelled):
        result = importer.job(progress, cancelled)
        try:
            model = open_checked(result.path)  # the session is made here, not in the GUI thread
        except Exception:
            importer.discard()
            raise
        return result, ImportedModel(Path(result.path), model)

    return job
