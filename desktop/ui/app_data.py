"""Where the app keeps a user's files: one answer for every panel.

Qt's ``AppDataLocation`` (it needs the application name set first, as ``create_application``
does); a home-folder fallback where Qt has none to give. Tests and benchmarks point Qt's
locations at a temporary folder before anything here is called, so they never touch a real
user's files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

FALLBACK_DATA = ".cnn-classroom"
FALLBACK_CACHE = ".cnn-classroom-cache"


def app_data_dir() -> Path:
    """The per-user writable folder for the app's data (projects, models, the user's samples)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) if base else Path.home() / FALLBACK_DATA


def app_cache_dir() -> Path:
    """The per-user folder for things the app can compute again (embedding caches)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base) if base else Path.home() / FALLBACK_CACHE


def user_models_dir() -> Path:
    """Where a user drops their own ONNX models."""
    return app_data_dir() / "models"


def handwriting_dir() -> Path:
    """Where the Write panel keeps the user's own handwriting samples (never sent anywhere)."""
    return app_data_dir() / "handwriting"
