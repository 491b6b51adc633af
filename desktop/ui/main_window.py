"""The main window: for now a start page listing the models the app found.

The teaching panels replace the start page in later versions.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QMainWindow, QVBoxLayout, QWidget

from desktop import __version__
from desktop.core.model_files import ModelFile, list_model_files, shipped_models_dir

WINDOW_TITLE = "CNN Classroom"
PANELS_NOTE = "The teaching panels are coming in the next versions. For now, this window lists the models it finds."


def empty_message(folder: Path) -> str:
    return f"No models found in {folder}. Build them with: python -m training build-assets"


class MainWindow(QMainWindow):
    """Title, a note about the panels, and one line per ONNX file in ``models_dir``."""

    def __init__(self, models_dir: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.models_dir = Path(models_dir) if models_dir is not None else shipped_models_dir()
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(640, 420)

        heading = QLabel(f"<h1>{WINDOW_TITLE}</h1><p>Version {__version__}</p>")
        note = QLabel(PANELS_NOTE)
        note.setWordWrap(True)
        self.model_list = QListWidget()
        self.model_list.setObjectName("modelList")
        self.empty_label = QLabel(empty_message(self.models_dir))
        self.empty_label.setObjectName("emptyMessage")
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout()
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addWidget(self.model_list, stretch=1)
        layout.addWidget(self.empty_label)
        layout.addStretch()  # keeps the text at the top while the list is hidden
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        # Metadata only, so this is quick enough for the GUI thread today. The full registry
        # (sessions, reports) must load in a worker thread so a big or slow file cannot freeze
        # the window.
        self.show_models(list_model_files(self.models_dir))

    def show_models(self, models: list[ModelFile]) -> None:
        self.model_list.clear()
        for model in models:
            item = QListWidgetItem(model.label)
            item.setData(Qt.ItemDataRole.UserRole, str(model.path))
            if not model.readable:
                item.setToolTip(model.error)
                item.setForeground(Qt.GlobalColor.darkRed)
            self.model_list.addItem(item)
        self.model_list.setVisible(bool(models))
        self.empty_label.setVisible(not models)
