"""One model's top candidates: the character large, a probability bar, pinyin and an English gloss.

Clicking a candidate copies the character to the clipboard, so a student can paste what they wrote.
"""

from __future__ import annotations

import html
import logging
from typing import Protocol, Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.core.characters import CharacterInfo, CharacterTableError, character_info
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr

log = logging.getLogger(__name__)

COPIED_FEEDBACK_MS = 1500
CHAR_SCALE = 3.2  # candidate character size relative to the widget's own font, so presentation zoom scales it
TOP_CHAR_SCALE = 4.0  # the first candidate a little larger still
BAR_STEPS = 1000


class CandidateLike(Protocol):
    char: str
    probability: float


def percent_text(probability: float) -> str:
    """0.974 -> "97%"; anything under half a percent reads "<1%" rather than a misleading "0%"."""
    percent = probability * 100.0
    return "<1%" if 0 < percent < 0.5 else f"{percent:.0f}%"


def spoken_percent(probability: float) -> str:
    return "less than 1 percent" if 0 < probability * 100 < 0.5 else f"{probability * 100:.0f} percent"


def lookup(char: str) -> CharacterInfo | None:
    """Pinyin and gloss, or None; a broken table costs the extra line, never the candidates."""
    try:
        return character_info(char)
    except CharacterTableError as exc:
        log.warning("%s", exc)
        return None


class CandidateButton(QPushButton):
    """A large button: the character on the left; bar, percent, pinyin and gloss on the right."""

    def __init__(self, rank: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.rank = rank
        self.char = ""
        self.setObjectName(f"candidate_{rank}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

        self.char_label = QLabel()
        self.char_label.setObjectName(f"candidate_{rank}_char")
        self.char_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setObjectName(f"candidate_{rank}_bar")
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        self.percent_label = QLabel()
        self.percent_label.setObjectName(f"candidate_{rank}_percent")
        self.percent_label.setMinimumWidth(self.percent_label.fontMetrics().horizontalAdvance("100%") + 4)
        self.percent_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reading_label = QLabel()
        self.reading_label.setObjectName(f"candidate_{rank}_reading")
        self.reading_label.setWordWrap(True)
        for label in (self.char_label, self.percent_label, self.reading_label, self.bar):
            # Clicks anywhere on the button reach the button.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        bar_row = QHBoxLayout()
        bar_row.addWidget(self.bar, stretch=1)
        bar_row.addWidget(self.percent_label)
        details = QVBoxLayout()
        details.addLayout(bar_row)
        details.addWidget(self.reading_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.char_label)
        layout.addLayout(details, stretch=1)
        self._apply_fonts()

    def show_candidate(self, char: str, probability: float) -> None:
        self.char = char
        info = lookup(char)
        self.char_label.setText(char)
        self.bar.setValue(round(min(max(probability, 0.0), 1.0) * BAR_STEPS))
        self.percent_label.setText(percent_text(probability))
        if info is not None:
            self.reading_label.setText(f"<b>{html.escape(info.pinyin)}</b> {html.escape(info.gloss)}")
            spoken = f"{char} {info.pinyin} {info.gloss}, {spoken_percent(probability)}"
        else:
            self.reading_label.setText("")
            spoken = f"{char}, {spoken_percent(probability)}"
        self.setAccessibleName(spoken)
        self.setAccessibleDescription("Click to copy the character to the clipboard")
        self.setToolTip(tr("Copy {char} to the clipboard", char=char))

    def _apply_fonts(self) -> None:
        base = self.font().pointSizeF()
        if base <= 0:  # a pixel-sized font
            base = self.font().pixelSize() * 0.75
        scale = TOP_CHAR_SCALE if self.rank == 1 else CHAR_SCALE
        self.char_label.setFont(cjk_font(point_size=base * scale))
        width = self.char_label.fontMetrics().horizontalAdvance("国") * 1.3
        self.char_label.setFixedWidth(round(width))
        self.setMinimumHeight(round(self.char_label.fontMetrics().height() + 8))
        reading_font = cjk_font(point_size=base * 1.1)
        self.reading_label.setFont(reading_font)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        super().changeEvent(event)


class CandidatesView(QWidget):
    """A model's title, then its candidates (or a message such as "Draw a character")."""

    #: A candidate's character was copied to the clipboard.
    candidate_copied = Signal(str)

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("candidatesView")
        self.setAccessibleName("Candidates")
        self._buttons: list[CandidateButton] = []

        self.title_label = QLabel()
        self.title_label.setObjectName("candidatesTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)  # bold via markup: the font stays free to zoom
        self.message_label = QLabel()
        self.message_label.setObjectName("candidatesMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.hide()
        self.copied_label = QLabel()
        self.copied_label.setObjectName("copiedFeedback")
        self.copied_label.setAccessibleName("Copy feedback")
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_FEEDBACK_MS)
        self._copied_timer.timeout.connect(self.copied_label.clear)

        self._list = QVBoxLayout()
        self._list.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label)
        layout.addLayout(self._list)
        layout.addWidget(self.copied_label)
        layout.addStretch(1)
        self.set_title(title)

    def set_title(self, title: str) -> None:
        self._title = title
        self.title_label.setText(f"<b>{html.escape(title)}</b>")
        self.title_label.setVisible(bool(title))
        self.setAccessibleName(f"Candidates of {title}" if title else "Candidates")

    def title(self) -> str:
        return self._title

    def set_candidates(self, candidates: Sequence[CandidateLike]) -> None:
        """Show these candidates, best first (the caller ranks them)."""
        if not candidates:
            self.set_message(tr("No candidates"))
            return
        self.message_label.hide()
        while len(self._buttons) < len(candidates):
            button = CandidateButton(len(self._buttons) + 1, self)
            button.clicked.connect(lambda _checked=False, b=button: self._copy(b.char))
            self._list.addWidget(button)
            self._buttons.append(button)
        for button, candidate in zip(self._buttons, candidates):
            button.show_candidate(candidate.char, float(candidate.probability))
            button.show()
        for button in self._buttons[len(candidates):]:
            button.hide()

    def shown_candidates(self) -> list[str]:
        """The characters now on show, best first."""
        return [b.char for b in self._buttons if not b.isHidden()]

    def clear(self) -> None:
        """No candidates and no message."""
        for button in self._buttons:
            button.hide()
        self.message_label.clear()
        self.message_label.hide()

    def set_message(self, text: str) -> None:
        """A message in place of the candidates, e.g. "Draw a character" or an error."""
        self.clear()
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def message(self) -> str:
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def _copy(self, char: str) -> None:
        if not char:
            return
        QGuiApplication.clipboard().setText(char)
        self.copied_label.setText(tr("Copied {char}", char=char))
        self._copied_timer.start()
        self.candidate_copied.emit(char)
