"""The outcome of a training, large and beside the Train button: "Done: held-out accuracy 92%" and
the accuracy of each class on its held-out samples, so a class sees at once how well it went."""

from __future__ import annotations

import html
from typing import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from desktop.core.teach.head import HeadResult
from desktop.ui.i18n import notifier, tr

HEADLINE_SCALE = 1.3  # the headline's size relative to the panel's text


def headline(result: HeadResult) -> str:
    """``Done: held-out accuracy 92%`` (the training accuracy when no sample was held out)."""
    last = result.history[max(result.history)]
    if len(result.holdout):
        return tr("Done: held-out accuracy {value:.0%}", value=last["val_accuracy"])
    return tr("Done: training accuracy {value:.0%} (no samples held out to check it)", value=last["accuracy"])


def per_class_text(result: HeadResult, class_names: Sequence[str]) -> str:
    """``red 100% · green 75% · blue n/a`` on the held-out samples of each class."""
    parts = []
    for name, accuracy in zip(class_names, result.per_class_accuracy):
        value = tr("n/a") if accuracy is None else f"{accuracy:.0%}"
        parts.append(f"{name} {value}")
    return " · ".join(parts)


class TrainingResult(QFrame):
    """Hidden until a model is trained; then the headline and the per-class line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachResult")
        self.setAccessibleName("Result of the training")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.headline = QLabel()
        self.headline.setObjectName("teachResultHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)  # bold by markup: the font stays free to zoom
        self.per_class = QLabel()
        self.per_class.setObjectName("teachResultPerClass")
        self.per_class.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.per_class)
        self._headline_text = ""
        self._shown: tuple[HeadResult, list[str]] | None = None
        self._apply_font()
        self.hide()
        notifier().language_changed.connect(self._on_language_changed)  # a bound method: gone with the widget

    def show_result(self, result: HeadResult, class_names: Sequence[str]) -> None:
        self._shown = (result, list(class_names))
        self._headline_text = headline(result)
        self.headline.setText(f"<b>{html.escape(self._headline_text)}</b>")
        self.per_class.setText(tr("Per class (held-out): {values}", values=per_class_text(result, class_names)))
        self.show()

    def _on_language_changed(self, _language: str) -> None:
        if self._shown is not None:
            self.show_result(*self._shown)

    def clear(self) -> None:
        self._shown = None
        self._headline_text = ""
        self.headline.clear()
        self.per_class.clear()
        self.hide()

    def headline_text(self) -> str:
        return self._headline_text

    def _apply_font(self) -> None:
        font = self.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * HEADLINE_SCALE)
        else:
            font.setPixelSize(round(font.pixelSize() * HEADLINE_SCALE))
        self.headline.setFont(font)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FontChange:
            self._apply_font()
        super().changeEvent(event)
