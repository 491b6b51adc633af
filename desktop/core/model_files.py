"""The ONNX model files in a folder, each with the title from its metadata.

A cheap listing for the start window: it opens each file with onnxruntime only to read its
metadata. A file onnxruntime cannot read is listed as unreadable instead of stopping the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.contract import META_TITLE, assets_dir


@dataclass(frozen=True)
class ModelFile:
    path: Path
    title: str | None = None  # from the metadata; None when the file has no title
    error: str | None = None  # why onnxruntime could not read the file; None when it could

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def label(self) -> str:
        """One line for a list: ``title (file name)``, or the file name marked unreadable."""
        if not self.readable:
            return f"{self.path.name} (unreadable)"
        return f"{self.title} ({self.path.name})" if self.title else self.path.name


def shipped_models_dir() -> Path:
    """``assets/models``: the models that come with the app."""
    return assets_dir() / "models"


def read_model_file(path: str | Path) -> ModelFile:
    """Open one ONNX file just far enough to read its ``title`` metadata."""
    import onnxruntime  # imported here so listing an empty folder stays instant

    path = Path(path)
    options = onnxruntime.SessionOptions()
    # Only the metadata is wanted: skip graph optimisation, keep onnxruntime quiet on stderr.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 4
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        title = session.get_modelmeta().custom_metadata_map.get(META_TITLE) or None
    except Exception as exc:  # onnxruntime raises several unrelated types for a bad file
        return ModelFile(path, error=f"{path.name}: {exc}")
    return ModelFile(path, title=title)


def list_model_files(folder: str | Path | None = None) -> list[ModelFile]:
    """Every ``*.onnx`` file in ``folder`` (default: the shipped models), sorted by name.

    A missing folder gives an empty list: having no models yet is not an error.
    """
    folder = Path(folder) if folder is not None else shipped_models_dir()
    if not folder.is_dir():
        return []
    return [read_model_file(p) for p in sorted(folder.glob("*.onnx")) if p.is_file()]
