"""The metrics table and the model summary (like Keras' ``model.summary()``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from desktop.ui.i18n import tr, tr_noop, translated_headers

SPLITS = (("train", tr_noop("Training")), ("validation", tr_noop("Validation")), ("test", tr_noop("Test")))


def human_size(n_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return ""


def shape_text(shape: Any) -> str:
    """``[None, 80, 60, 16]`` -> ``(None, 80, 60, 16)`` as Keras prints it."""
    if isinstance(shape, list):
        return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ")"
    return "" if shape is None else str(shape)


def _read_only(table: QTableWidget) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)


def _fit_height(table: QTableWidget) -> None:
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height + 2 * table.frameWidth() + 4)


class MetricsTable(QTableWidget):
    """Rows: the splits the report has; columns: images, loss, accuracy, top-5."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 5, parent)
        self.setObjectName("metricsTable")
        self.setAccessibleName("Loss, accuracy and top-5 per split")
        translated_headers(self, ["Split", "Images", "Loss", "Accuracy", "Top-5"])
        _read_only(self)

    def set_metrics(self, metrics: dict[str, dict[str, Any]]) -> None:
        rows = [(tr(label), metrics[key]) for key, label in SPLITS if isinstance(metrics.get(key), dict)]
        rows += [(key, value) for key, value in metrics.items()
                 if key not in dict(SPLITS) and isinstance(value, dict)]
        self.setRowCount(len(rows))
        for r, (label, numbers) in enumerate(rows):
            cells = [label, numbers.get("n"), numbers.get("loss"), numbers.get("accuracy"), numbers.get("top5")]
            for c, value in enumerate(cells):
                if value is None:
                    text = "–"
                elif c == 1:
                    text = f"{int(value):,}"
                elif c == 2:
                    text = f"{float(value):.4f}"
                elif c >= 3:
                    text = f"{float(value):.2%}"
                else:
                    text = str(value)
                self.setItem(r, c, QTableWidgetItem(text))
        _fit_height(self)


class LayerTable(QTableWidget):
    """One row per layer: name, type, output shape, parameters."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 4, parent)
        self.setObjectName("layerTable")
        self.setAccessibleName("Model summary: layers, output shapes and parameters")
        translated_headers(self, ["Layer", "Type", "Output shape", "Params"])
        _read_only(self)

    def set_layers(self, layers: list[dict[str, Any]]) -> None:
        self.setRowCount(len(layers))
        for r, layer in enumerate(layers):
            params = layer.get("params")
            for c, text in enumerate((str(layer.get("name", "")), str(layer.get("type", "")),
                                      shape_text(layer.get("output_shape")),
                                      "" if params is None else f"{int(params):,}")):
                self.setItem(r, c, QTableWidgetItem(text))
        _fit_height(self)


def summary_line(report: dict[str, Any]) -> str:
    """``Total params: 88,375 (345.21 KB)`` and the model file's size, as Keras writes the first."""
    total = report.get("total_params")
    if total is None:
        total = sum(int(layer.get("params") or 0) for layer in report.get("layers") or [])
    text = tr("Total params: {n:,} ({size} as float32)", n=int(total), size=human_size(int(total) * 4))
    size = report.get("size_bytes")
    if size:
        text += tr(" · model file: {size}", size=human_size(size))
    return text
