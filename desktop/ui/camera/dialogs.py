"""The Camera panel's file dialogs: each returns what the user chose, or nothing when they cancelled."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.ui.constants import IMAGE_PATTERNS, VIDEO_PATTERNS
from desktop.ui.i18n import tr
from desktop.ui.teachable_import import DIALOG_FILTER


def ask_images(parent: QWidget) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, tr("Open images"), "",
                                            tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
    return paths


def ask_folder(parent: QWidget) -> str:
    return QFileDialog.getExistingDirectory(parent, tr("Open a folder of images"))


def ask_video(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, tr("Open a video"), "",
                                          tr("Videos ({patterns})", patterns=VIDEO_PATTERNS))
    return path


def ask_snapshot_path(parent: QWidget) -> str:
    default = f"snapshot-{time.strftime('%Y%m%d-%H%M%S')}.png"
    path, _ = QFileDialog.getSaveFileName(parent, tr("Save a snapshot"), default, tr("PNG image (*.png)"))
    return path


def ask_teachable_export(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, tr("Import a Teachable Machine model (its model.json or .zip)"),
                                          "", tr(DIALOG_FILTER))
    return path
