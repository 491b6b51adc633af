"""Read a model's report off the GUI thread (a report with images is 1–2 MB of JSON).

The worker also reads what the view needs from disk: the first-layer filters of the ONNX file and
the feature visualisation images beside the report. Each request carries an id so a panel whose
model choice changed meanwhile can drop a late answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.core.contract import report_path
from desktop.core.model_filters import ModelFilters, ModelFiltersError, first_layer_filters
from desktop.core.report import ReportError, feature_visualisation_images, load_report
from desktop.ui.i18n import tr
from desktop.ui.workers import BackgroundLoader


@dataclass
class LoadedReport:
    report: dict[str, Any]
    base_dir: Path
    model_filters: ModelFilters | None
    feature_images: dict[str, dict[str, list]]


def missing_report_message(onnx_path: Path) -> str:
    return tr("{name} has no report: {path} does not exist. The training package writes it beside the model on "
              "export (python -m training export).", name=onnx_path.name, path=report_path(onnx_path))


def read_everything(onnx_path: str | Path) -> LoadedReport:
    """The report beside ``onnx_path`` and the files it refers to; ReportError when it cannot be shown."""
    onnx_path = Path(onnx_path)
    path = report_path(onnx_path)
    if not path.is_file():
        raise ReportError(missing_report_message(onnx_path))
    report = load_report(path)
    try:
        filters = first_layer_filters(onnx_path)
    except ModelFiltersError:  # a model without convolutions (logistic regression) has none to show
        filters = None
    return LoadedReport(report, path.parent, filters, feature_visualisation_images(report, path.parent))


def _cannot_be_shown(args: tuple, exc: Exception) -> str:
    return tr("{path}: cannot be shown ({reason})", path=report_path(args[0]), reason=exc)


class ReportLoader(QObject):
    """``load(onnx_path)`` returns a request id; ``loaded(id, LoadedReport)`` or ``failed(id, message)`` follows."""

    loaded = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._loader = BackgroundLoader(self, ReportError, _cannot_be_shown)
        self._loader.loaded.connect(self.loaded)
        self._loader.failed.connect(self.failed)

    def load(self, onnx_path: str | Path) -> int:
        return self._loader.load(read_everything, Path(onnx_path))

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the jobs in flight (on exit)."""
        return self._loader.wait(timeout_ms)
