"""Where the Teach panel's files go: projects (and the one it starts with), the embedding cache, the
feature extractor, exports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from desktop.core.contract import assets_dir
from desktop.core.teach import project as teach
from desktop.core.teach.project import ProjectError, TeachProject
from desktop.ui.app_data import app_cache_dir, app_data_dir

EXTRACTOR_FILE = "efficientnet-lite0-features.onnx"


def teach_root() -> Path:
    """Where projects live by default: ``<app data>/teach``."""
    return app_data_dir() / "teach"


def embedding_cache_dir() -> Path:
    """The samples' embeddings, kept between sessions (they can be computed again)."""
    return app_cache_dir() / "teach-embeddings"


def find_extractor(folders: Sequence[str | Path] | None) -> Path:
    """The ImageNet feature extractor: in the model folders first, else the shipped one."""
    for folder in folders or ():
        candidate = Path(folder) / EXTRACTOR_FILE
        if candidate.is_file():
            return candidate
    return assets_dir() / "models" / EXTRACTOR_FILE


def file_stem(name: str) -> str:
    """A project name as a file name: ``"My fruit!"`` -> ``"my-fruit"``."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", name).strip("-").lower() or "teach"


def unused_folder(parent: Path, name: str) -> Path:
    """``parent/name``, or ``parent/name 2``, ``name 3``… if that one already holds files."""
    folder, n = parent / name, 2
    while folder.exists() and any(folder.iterdir()):
        folder, n = parent / f"{name} {n}", n + 1
    return folder


def start_project(folder: Path, name: str) -> tuple[TeachProject, ProjectError | None]:
    """The project in ``folder``, or a new one named ``name`` there. A damaged project is left as it
    is: a new one starts in a fresh folder beside it, and the problem is returned too."""
    try:
        if (folder / teach.PROJECT_FILE).is_file():
            return teach.open_project(folder), None
        return teach.new_project(folder, name), None
    except ProjectError as exc:
        return teach.new_project(unused_folder(folder.parent, folder.name), name), exc
