"""The Teach panel's dialogs: each asks for a name, a file or a folder, then calls one command of the
panel (so a test, a lesson or a menu can call the command without a dialog)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from desktop.ui.constants import IMAGE_PATTERNS
from desktop.ui.i18n import tr
from desktop.ui.teachable_import import DIALOG_FILTER


class TeachDialogs:
    """One method a dialog; nothing happens when the user cancels one. ``panel`` is the
    :class:`~desktop.ui.teach.panel.TeachPanel` (not imported here: it imports this module)."""

    def __init__(self, panel: QWidget, projects_folder: Path):
        self._panel = panel
        self._projects_folder = projects_folder

    def new_project(self) -> None:
        name, ok = QInputDialog.getText(self._panel, tr("New project"), tr("Project name:"))
        if ok and name.strip():
            self._panel.new_project(name=name.strip())

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._panel, tr("Open a Teach project"), str(self._projects_folder),
                                              tr("Teach projects (project.json *.zip)"))
        if path:
            self._panel.open_project(path)

    def save_as(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._panel, tr("Save the project in an empty folder"))
        if folder:
            self._panel.save_project_as(folder)

    def save_archive(self, suggested_name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self._panel, tr("Save the project archive"), suggested_name,
                                              tr("Project archive (*.zip)"))
        if path:
            self._panel.save_archive(path)

    def export_dataset(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._panel, tr("Export the samples into a folder"))
        if folder:
            self._panel.export_dataset(folder)

    def add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self._panel, tr("Add images"), "",
                                                tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if paths:
            self._panel.add_files(paths)

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._panel, tr("Add a folder of images"))
        if folder:
            self._panel.add_files([folder])

    def preview_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._panel, tr("Preview a photo"), "",
                                              tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if path:
            self._panel.preview_image(path)

    def import_teachable(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._panel, tr("Import a Teachable Machine model (its model.json "
                                                              "or .zip)"), "", tr(DIALOG_FILTER))
        if path:
            self._panel.import_teachable(path)

    def export_path(self, suggested_name: str) -> Path | None:
        """Where to write an ONNX export when there is no models folder (None: cancelled)."""
        path, _ = QFileDialog.getSaveFileName(self._panel, tr("Export ONNX"), suggested_name, tr("ONNX model (*.onnx)"))
        return Path(path) if path else None
