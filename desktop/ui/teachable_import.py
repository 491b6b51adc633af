"""Teachable Machine exports dropped on (or chosen in) the Camera and Teach panels.

The conversion is :mod:`desktop.core.teachable_machine`'s. This module decides what a dropped path
is (a TensorFlow.js export to import, a Keras export the app cannot read, or anything else, which
the panel handles as before), picks a file name in the user's models folder that clashes with
nothing, and wraps the import as a cancellable job (for a :class:`~desktop.ui.workers.JobRunner`)
that leaves no file behind when it is cancelled or fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from desktop.core.contract import report_path
from desktop.core.teachable_machine import (
    ImportResult,
    import_teachable,
    is_teachable_export,
    looks_like_keras_export,
)
from desktop.ui.i18n import tr, tr_noop

#: What :func:`dropped_model_kind` answers.
TFJS_EXPORT = "tfjs"
KERAS_EXPORT = "keras"
FILE_PREFIX = "teachable-"
#: The files an export can be dropped as (besides its folder): model.json, a zip, a Keras file.
MODEL_SUFFIXES = (".json", ".zip", ".h5", ".hdf5")
#: The file dialog's filter: the export's model.json (inside its folder), its .zip, or a Keras file.
DIALOG_FILTER = tr_noop("Teachable Machine export (model.json *.zip *.h5)")
KERAS_MESSAGE = tr_noop(
    "{name} is Teachable Machine's Keras export. The app has no TensorFlow, so it reads the TensorFlow.js "
    "export: in Teachable Machine choose Export Model, Tensorflow.js, Download my model, and drop that .zip "
    "or its folder here. The Keras file converts with: python -m training import-teachable {name} --out "
    "model.onnx (it needs the training extra, pip install cnn-classroom[train]).")
NO_FOLDER_MESSAGE = tr_noop("There is no models folder to import {name} into; start the app with --models-dir FOLDER.")


class ImportCancelled(Exception):
    """Raised inside the job when the user cancelled; the job's runner then reports it cancelled."""


def dropped_model_kind(path: str | Path) -> str | None:
    """``TFJS_EXPORT``, ``KERAS_EXPORT`` or None (an image, a folder of photos, a video, ...).

    Reads at most a zip's table of contents and a small JSON file, and nothing of a photo or a
    video (a drop of hundreds of photos stays instant), so a drop handler may call it.
    """
    path = Path(path)
    if not path.is_dir() and path.suffix.lower() not in MODEL_SUFFIXES:
        return None
    if is_teachable_export(path):
        return TFJS_EXPORT
    if looks_like_keras_export(path):
        return KERAS_EXPORT
    return None


def keras_export_message(path: str | Path) -> str:
    return tr(KERAS_MESSAGE, name=Path(path).name)


def no_folder_message(path: str | Path) -> str:
    return tr(NO_FOLDER_MESSAGE, name=Path(path).name)


def export_stem(source: str | Path) -> str:
    """A file-name stem from the export's name: ``"My model.zip"`` -> ``"teachable-my-model"``."""
    source = Path(source)
    if source.name.lower() == "model.json":
        name = source.parent.name
    else:
        name = source.stem if source.suffix.lower() == ".zip" or source.is_file() else source.name
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", name).strip("-").lower() or "model"
    return slug if slug.startswith(FILE_PREFIX) else FILE_PREFIX + slug


def unused_model_path(folder: str | Path, stem: str) -> Path:
    """``folder/stem.onnx``, or ``stem-2.onnx``, ``stem-3.onnx``, ... : a name no model (or report) has."""
    folder = Path(folder)
    candidate, n = folder / f"{stem}.onnx", 2
    while candidate.exists() or report_path(candidate).exists():
        candidate, n = folder / f"{stem}-{n}.onnx", n + 1
    return candidate


class TeachableImport:
    """One import of ``source`` into ``models_dir``; run :meth:`job` on a JobRunner.

    The target name is chosen when the job runs (in the worker thread, not the GUI thread). A job
    that is cancelled or fails removes what it wrote; the panel also calls :meth:`discard` on
    ``cancelled``, for a cancel that arrives after the job returned, so a cancel never leaves a new
    model behind.
    """

    def __init__(self, source: str | Path, models_dir: str | Path):
        self.source = Path(source)
        self.models_dir = Path(models_dir)
        self.written: Path | None = None

    def job(self, progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> ImportResult:
        def report(done: int, total: int) -> None:
            if cancelled():
                raise ImportCancelled()
            progress(done, total)

        report(0, 0)
        self.models_dir.mkdir(parents=True, exist_ok=True)
        target = unused_model_path(self.models_dir, export_stem(self.source))
        # The name was free: whatever is there after a cancel (the model is written before its
        # report, and the converter reports progress in between) is this import's to take away.
        self.written = target
        try:
            result = import_teachable(self.source, target, progress=report)
            if cancelled():
                raise ImportCancelled()
        except BaseException:
            self.discard()
            raise
        return result

    def discard(self) -> None:
        """Remove what the job wrote (after a cancel)."""
        written, self.written = self.written, None
        if written is not None:
            for path in (written, report_path(written)):
                path.unlink(missing_ok=True)
