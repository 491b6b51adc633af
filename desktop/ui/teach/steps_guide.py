"""The Teach panel's three steps (add classes -> add samples -> train), the next one highlighted.

A teacher who opens the empty panel sees what to do first; the guide follows the project (classes,
samples, whether the model is trained on the classes there are now) and always says what comes next.
"""

from __future__ import annotations

import html
from typing import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop.core.teach.project import MIN_SAMPLES_PER_CLASS
from desktop.ui.i18n import notifier, tr, tr_noop

MIN_CLASSES = 2  # training compares classes: one alone cannot be trained
ADD_CLASSES, ADD_SAMPLES, TRAIN, DONE = range(4)
STEP_TITLES = (tr_noop("Add classes"), tr_noop("Add samples"), tr_noop("Train"))
CHIP_PADDING = (8, 3)  # px left/right and top/bottom inside a step


def next_step(class_samples: Sequence[int], trained: bool) -> int:
    """Which step comes next for classes holding these numbers of samples: :data:`ADD_CLASSES`,
    :data:`ADD_SAMPLES`, :data:`TRAIN`, or :data:`DONE` once a model is trained on exactly them."""
    if len(class_samples) < MIN_CLASSES:
        return ADD_CLASSES
    if any(n < MIN_SAMPLES_PER_CLASS for n in class_samples):
        return ADD_SAMPLES
    return DONE if trained else TRAIN


def step_hint(step: int, classes: Sequence[tuple[str, int]]) -> str:
    """What to do now, in one sentence."""
    if step == ADD_CLASSES:
        return tr("Type a class name under the list and press Add: at least {n} classes, such as "
                  "\"cup\" and \"pen\".", n=MIN_CLASSES)
    if step == ADD_SAMPLES:
        short = next(name for name, n in classes if n < MIN_SAMPLES_PER_CLASS)
        return tr("Select a class and add its pictures (Images…, Folder…, From Write or Hold to record): "
                  "{name!r} needs at least {n}; a few dozen work better.", name=short, n=MIN_SAMPLES_PER_CLASS)
    if step == TRAIN:
        return tr("Press Train: the model learns your classes in a few seconds.")
    return tr("Trained. Try it in the preview, or export it for the Camera panel.")


class StepsGuide(QWidget):
    """Three numbered steps with arrows between them and a line saying what to do next."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachSteps")
        self.setAccessibleName("Steps to teach a model")
        self.step_labels: list[QLabel] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for number in range(len(STEP_TITLES)):
            if number:
                arrow = QLabel("→")
                arrow.setAccessibleName("then")
                layout.addWidget(arrow)
            label = QLabel()
            label.setObjectName(f"teachStep{number + 1}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            label.setContentsMargins(CHIP_PADDING[0], CHIP_PADDING[1], CHIP_PADDING[0], CHIP_PADDING[1])
            layout.addWidget(label)
            self.step_labels.append(label)
        self.hint = QLabel()
        self.hint.setObjectName("teachStepHint")
        self.hint.setWordWrap(True)
        layout.addSpacing(8)
        layout.addWidget(self.hint, stretch=1)
        self._step = ADD_CLASSES
        self._classes: list[tuple[str, int]] = []
        self._show()
        notifier().language_changed.connect(self._on_language_changed)  # a bound method: gone with the widget

    def set_project(self, classes: Sequence[tuple[str, int]], trained: bool) -> None:
        """``classes``: (name, number of samples) per class; ``trained``: a model is trained on exactly
        these classes."""
        self._classes = list(classes)
        self._step = next_step([n for _, n in self._classes], trained)
        self._show()

    def _on_language_changed(self, _language: str) -> None:
        self._show()

    def step(self) -> int:
        return self._step

    def _show(self) -> None:
        for number, label in enumerate(self.step_labels):
            state = "done" if number < self._step else "next" if number == self._step else "later"
            mark = "✓" if state == "done" else str(number + 1)
            text = html.escape(f"{mark} {tr(STEP_TITLES[number])}")
            # Bold by markup, not by a font or a style sheet: either would stop following the zoom.
            label.setText(f"<b>{text}</b>" if state == "next" else text)
            label.setAccessibleName(f"Step {number + 1}: {STEP_TITLES[number]} ({state})")
            label.setProperty("stepState", state)
            self._colour(label, state)
        self.hint.setText(step_hint(self._step, self._classes))

    def _colour(self, label: QLabel, state: str) -> None:
        """The next step filled with the highlight colour, the done ones muted. Colours from the
        palette, not a style sheet: a style sheet would stop the text following the window's zoom."""
        palette = QPalette(self.palette())
        if state == "next":
            palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Highlight))
            palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.HighlightedText))
        elif state == "done":
            palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
        label.setAutoFillBackground(state == "next")
        label.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.PaletteChange:  # a theme chosen under View
            for label in self.step_labels:
                self._colour(label, str(label.property("stepState")))
        super().changeEvent(event)
