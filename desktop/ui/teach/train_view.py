"""Training progress and the "Under the hood" numbers: curves, per-class accuracy, confusion matrix."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.ui.i18n import tr
from desktop.ui.results.bars import ClassBarChart
from desktop.ui.results.confusion import ConfusionMatrixView
from desktop.ui.results.curves import TrainingCurves

#: The Results panel's confusion matrix is sized for 55 classes; a Teach project has a handful.
CONFUSION_HEIGHT = 260


class UnderTheHood(QWidget):
    """Loss and accuracy per epoch (live while training), then per-class accuracy and confusion."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachUnderTheHood")
        self.setAccessibleName("Under the hood: how training went")
        self.curves = TrainingCurves()
        self.summary = QLabel(tr("Not trained yet."))
        self.summary.setObjectName("teachTrainingSummary")
        self.summary.setWordWrap(True)
        self.per_class = ClassBarChart("teachPerClassAccuracy", "Held-out accuracy per class")
        self.confusion = ConfusionMatrixView()
        self.confusion.plot.setMinimumHeight(CONFUSION_HEIGHT)
        self.history: dict[str, list[float]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.curves)
        layout.addWidget(self.summary)
        layout.addWidget(self.per_class)
        layout.addWidget(self.confusion)

    def start(self) -> None:
        self.history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        self.curves.set_history(self.history, None)

    def add_epoch(self, metrics: dict) -> None:
        """One more point on each curve (called live from the training job)."""
        for key, values in self.history.items():
            values.append(float(metrics.get(key, float("nan"))))
        self.curves.set_history(self.history, None)

    def set_result(self, result, class_names: Sequence[str]) -> None:
        self.history = result.curves()
        self.curves.set_history(self.history, None)
        names = list(class_names)
        self.per_class.set_values([(n, a) for n, a in zip(names, result.per_class_accuracy) if a is not None])
        self.confusion.set_matrix(result.confusion_matrix.tolist(), names)
        last = result.history[max(result.history)]
        held = len(result.holdout)
        self.summary.setText(
            tr("{epochs} epochs on {n} samples: training accuracy {accuracy:.0%}, loss {loss:.3f}; held-out "
               "({held} samples) accuracy ", epochs=len(result.history), n=len(result.train),
               accuracy=last["accuracy"], loss=last["loss"], held=held)
            + (tr("{accuracy:.0%}, loss {loss:.3f}.", accuracy=last["val_accuracy"], loss=last["val_loss"]) if held
               else tr("n/a.")))
