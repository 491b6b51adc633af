"""The Camera panel's Teachable Machine import: one conversion at a time, with a progress bar and Cancel.

The conversion runs as a :class:`~desktop.ui.teachable_import.TeachableImport` job on a
:class:`~desktop.ui.workers.JobRunner`; a cancel, even one that comes after the file was written,
leaves nothing behind.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar

from desktop.ui.i18n import tr
from desktop.ui.teachable_import import (
    KERAS_EXPORT,
    TeachableImport,
    dropped_model_kind,
    keras_export_message,
    no_folder_message,
)
from desktop.ui.workers import JobRunner


class TeachableImportFlow(QObject):
    """Imports exports into ``models_dir`` (None: there is none to import into).

    Signals: ``status(text)`` for the status line; ``problem(text)`` why an export was not (or
    could not be) imported; ``imported(result)`` the job's
    :class:`~desktop.core.teachable_machine.ImportResult` once the model is written;
    ``busy_changed(running)`` when a conversion starts or ends.
    """

    status = Signal(str)
    problem = Signal(str)
    imported = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject, progress_bar: QProgressBar, models_dir: Path | None):
        super().__init__(parent)
        self.models_dir = models_dir
        self._runner = JobRunner(self, progress_bar)
        self._runner.status.connect(self.status)
        self._runner.busy_changed.connect(self.busy_changed)

    def start(self, path: str | Path) -> bool:
        """Start converting ``path``; False (and ``status`` or ``problem`` says why) when it cannot."""
        path = Path(path)
        if self._runner.running:
            self.status.emit(tr("Wait for the running import to finish, or cancel it."))
            return False
        if dropped_model_kind(path) == KERAS_EXPORT:
            self.problem.emit(keras_export_message(path))
            return False
        if self.models_dir is None:
            self.problem.emit(no_folder_message(path))
            return False
        teachable = TeachableImport(path, self.models_dir)
        self._runner.start(teachable.job, tr("Converting the Teachable Machine model {name}…", name=path.name),
                           self.imported.emit, self.problem.emit, partial(self._on_cancelled, teachable))
        return True

    def is_running(self) -> bool:
        return self._runner.running

    def cancel(self) -> None:
        """Stop the running conversion; nothing it wrote stays."""
        self._runner.cancel()

    def shutdown(self) -> None:
        self._runner.shutdown()

    def _on_cancelled(self, teachable: TeachableImport) -> None:
        teachable.discard()  # a cancel that came after the job had written its file
        self.status.emit(tr("Import cancelled; nothing was written."))

