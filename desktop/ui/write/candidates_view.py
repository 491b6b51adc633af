"""One model's top candidates: the character large, a probability bar, pinyin and an English gloss.

Clicking a candidate copies the character to the clipboard, so a student can paste what they wrote.
A card keeps the same height whatever the gloss: the reading takes at most two lines and ends in
"…" when it is longer (the card's tooltip has all of it), so a narrow column never cuts a card.
"""

from __future__ import annotations

import html
import logging
from typing import Protocol, Sequence

from PySide6.QtCore import QEvent, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontInfo, QGuiApplication, QPainter, QPaintEvent, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.core.characters import CharacterInfo, CharacterTableError, character_info
from desktop.ui import style
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr, tr_noop

log = logging.getLogger(__name__)

COPIED_FEEDBACK_MS = 1500
# Sizes relative to the widget's own font (so presentation zoom scales them), from the style module.
CHAR_SCALE = style.CANDIDATE_CHARACTER_SCALE
TOP_CHAR_SCALE = style.CANDIDATE_TOP_CHARACTER_SCALE
READING_SCALE = style.CANDIDATE_READING_SCALE  # pinyin and gloss
READING_LINES = 2  # a longer reading ends in "…"
READING_MIN_CHARS = 6  # the narrowest reading column, in widths of "n"
BAR_STEPS = 1000
BAR_HEIGHT = 8  # px: a strip under the reading
CHAR_BOX_EMS = 1.2  # a candidate's character box, in ems: a CJK font's line height (about 1.45 em) is mostly air
CHAR_BOX_WIDTH_EMS = 1.2  # its width, in widths of a character
#: Marks an answer the user's own handwriting samples changed.
PERSONAL_MARK = "\u270e"
PERSONAL_NOTE = tr_noop("\u270e model: {char}")
PERSONAL_TIP = tr_noop("Your own handwriting samples put this first; the model alone said {char}")


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


class ReadingLabel(QLabel):
    """Pinyin (bold) and gloss in at most :data:`READING_LINES` lines, the last one elided.

    ``text()`` stays the whole reading (rich text); only the painting is cut to the room there is,
    and the label is always exactly that many lines tall, so cards line up whatever the gloss.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._pinyin = ""
        self._gloss = ""

    def set_reading(self, pinyin: str, gloss: str) -> None:
        self._pinyin, self._gloss = pinyin, gloss
        self.setText(f"<b>{html.escape(pinyin)}</b> {html.escape(gloss)}" if pinyin or gloss else "")
        self.update()

    def plain_text(self) -> str:
        return f"{self._pinyin} {self._gloss}".strip()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        width = self.fontMetrics().horizontalAdvance(self.plain_text() or "M" * READING_MIN_CHARS)
        return QSize(min(width, self.minimumSizeHint().width() * 4), self.minimumSizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        return QSize(metrics.horizontalAdvance("n") * READING_MIN_CHARS + margins.left() + margins.right(),
                     metrics.lineSpacing() * READING_LINES + margins.top() + margins.bottom())

    def is_elided(self) -> bool:
        """True when the reading does not fit its lines at the current width."""
        return self._lines()[1]

    def _layout(self) -> QTextLayout:
        layout = QTextLayout(self.plain_text(), self.font())
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        pinyin = QTextLayout.FormatRange()
        pinyin.start, pinyin.length, pinyin.format = 0, len(self._pinyin), bold
        layout.setFormats([pinyin])
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        return layout

    def _lines(self) -> tuple[list[tuple[int, int]], bool]:
        """(start, length) of each line shown, and whether text is left over for a "…"."""
        text = self.plain_text()
        layout = self._layout()
        layout.beginLayout()
        spans: list[tuple[int, int]] = []
        while len(spans) < READING_LINES:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1, self.contentsRect().width()))
            spans.append((line.textStart(), line.textLength()))
        layout.endLayout()
        left_over = bool(spans) and spans[-1][0] + spans[-1][1] < len(text)
        return spans, left_over

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        text = self.plain_text()
        if not text:
            return
        spans, elided = self._lines()
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.Bold)
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        y = rect.top() + metrics.ascent()
        for number, (start, length) in enumerate(spans):
            part = text[start:] if elided and number == len(spans) - 1 else text[start:start + length]
            if elided and number == len(spans) - 1:
                part = metrics.elidedText(part.strip(), Qt.TextElideMode.ElideRight, rect.width())
            x = float(rect.left())
            # The pinyin (bold) is at the very start: usually all on the first line.
            bold_end = max(0, min(len(self._pinyin) - start, len(part)))
            if bold_end:
                painter.setFont(bold)
                painter.drawText(QPointF(x, y), part[:bold_end])
                x += painter.fontMetrics().horizontalAdvance(part[:bold_end])
            painter.setFont(self.font())
            painter.drawText(QPointF(x, y), part[bold_end:])
            y += metrics.lineSpacing()
        painter.end()


class CandidateButton(QPushButton):
    """A large button: the character on the left; bar, percent, pinyin and gloss on the right."""

    def __init__(self, rank: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.rank = rank
        self.char = ""
        self.setObjectName(f"candidate_{rank}")
        self.setAccessibleName(f"Candidate {rank}, empty")  # until a candidate is shown
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

        self.char_label = QLabel()
        self.char_label.setObjectName(f"candidate_{rank}_char")
        self.char_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setObjectName(f"candidate_{rank}_bar")
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(BAR_HEIGHT)
        self.percent_label = QLabel()
        self.percent_label.setObjectName(f"candidate_{rank}_percent")
        self.percent_label.setMinimumWidth(self.percent_label.fontMetrics().horizontalAdvance("100%") + 4)
        self.percent_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reading_label = ReadingLabel()
        self.reading_label.setObjectName(f"candidate_{rank}_reading")
        for label in (self.char_label, self.percent_label, self.reading_label, self.bar):
            # Clicks anywhere on the button reach the button.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        # Reading and percent side by side, the bar under them: a card no taller than two lines
        # of reading and a bar, so five cards fit a 720-pixel screen even at 150 % text.
        details = QGridLayout()
        details.setVerticalSpacing(2)
        details.addWidget(self.reading_label, 0, 0)
        details.addWidget(self.percent_label, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        details.addWidget(self.bar, 1, 0, 1, 2)
        details.setRowStretch(2, 1)
        details.setColumnStretch(0, 1)
        layout = QHBoxLayout(self)
        # The button is as large as its content needs (a QPushButton alone ignores its layout).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.char_label)
        layout.addLayout(details, stretch=1)
        self._apply_fonts()

    def show_candidate(self, char: str, probability: float, model_choice: str | None = None) -> None:
        """``model_choice``: the model's own first answer, when the user's handwriting put ``char`` first."""
        self.char = char
        info = lookup(char)
        self.char_label.setText(char)
        self.bar.setValue(round(min(max(probability, 0.0), 1.0) * BAR_STEPS))
        mark = f"{PERSONAL_MARK} " if model_choice else ""
        self.percent_label.setText(mark + percent_text(probability))
        if info is not None:
            self.reading_label.set_reading(info.pinyin, info.gloss)
            spoken = f"{char} {info.pinyin} {info.gloss}, {spoken_percent(probability)}"
        else:
            self.reading_label.set_reading("", "")
            spoken = f"{char}, {spoken_percent(probability)}"
        personal = tr(PERSONAL_TIP, char=model_choice) if model_choice else ""
        self.setAccessibleName(f"{spoken}, {personal}" if personal else spoken)
        self.setAccessibleDescription("Click to copy the character to the clipboard")
        copy = tr("Copy {char} to the clipboard", char=char)
        # The whole reading, which a narrow card may end in "…".
        tip = f"{char} {self.reading_label.plain_text()}\n{copy}" if info is not None else copy
        self.setToolTip(f"{tip}\n{personal}" if personal else tip)

    def _apply_fonts(self) -> None:
        base = self.font().pointSizeF()
        if base <= 0:  # a pixel-sized font
            base = self.font().pixelSize() * 0.75
        scale = TOP_CHAR_SCALE if self.rank == 1 else CHAR_SCALE
        font = cjk_font(point_size=base * scale)
        self.char_label.setFont(font)
        width = self.char_label.fontMetrics().horizontalAdvance("国") * CHAR_BOX_WIDTH_EMS
        self.char_label.setFixedSize(round(width), round(QFontInfo(font).pixelSize() * CHAR_BOX_EMS))
        self.reading_label.setFont(cjk_font(point_size=base * READING_SCALE))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        super().changeEvent(event)


class CandidatesView(QWidget):
    """A model's title, then its candidates (or a notice in their place, such as "Draw a character")."""

    #: A candidate's character was copied to the clipboard.
    candidate_copied = Signal(str)
    #: The user said a candidate is the character they wrote (a card's context menu).
    candidate_taught = Signal(str)

    def __init__(self, title: str = "", parent: QWidget | None = None, slots: int = 0):
        """``slots``: room kept for that many candidates from the start, so the column does not grow
        (and push the window) when the first candidates arrive."""
        super().__init__(parent)
        self.setObjectName("candidatesView")
        self.setAccessibleName("Candidates")
        self._buttons: list[CandidateButton] = []
        self._slots = slots
        self._model_choice: str | None = None

        self.title_label = QLabel()
        self.title_label.setObjectName("candidatesTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)  # bold via markup: the font stays free to zoom
        self.notice_label = QLabel()
        self.notice_label.setObjectName("candidatesNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice_label.hide()
        self.personal_label = QLabel()
        self.personal_label.setObjectName("personalMark")
        self.personal_label.setAccessibleName("Changed by your handwriting")
        self.personal_label.hide()
        self.copied_label = QLabel()
        self.copied_label.setObjectName("copiedFeedback")
        self.copied_label.setAccessibleName("Copy feedback")
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_FEEDBACK_MS)
        self._copied_timer.timeout.connect(self.copied_label.clear)

        self._list = QVBoxLayout()
        self._list.setSpacing(4)
        title_row = QHBoxLayout()  # the copy feedback beside the title: no row of its own to pay for
        title_row.addWidget(self.title_label, stretch=1)
        title_row.addWidget(self.personal_label, alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        title_row.addWidget(self.copied_label, alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(title_row)
        layout.addWidget(self.notice_label)
        layout.addLayout(self._list)
        layout.addStretch(1)
        self.set_title(title)
        for _ in range(slots):
            self._add_button().hide()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        """Tall enough for the title and every slot's card, shown or not yet."""
        hint = super().minimumSizeHint()
        if not self._buttons:
            return hint
        cards = [b.layout().totalMinimumSize() for b in self._buttons]
        cards += [cards[-1]] * (self._slots - len(cards))  # slots not built yet: like the last card
        height = sum(c.height() for c in cards) + (len(cards) - 1) * self._list.spacing()
        width = max(c.width() for c in cards)
        title = self.title_label.minimumSizeHint().height() if self._title else 0
        return QSize(max(hint.width(), width), max(hint.height(), title + self.layout().spacing() + height))

    def _add_button(self) -> CandidateButton:
        button = CandidateButton(len(self._buttons) + 1, self)
        button.clicked.connect(lambda _checked=False, b=button: self._copy(b.char))
        button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        button.customContextMenuRequested.connect(
            lambda pos, b=button: self.card_menu(b.rank).popup(b.mapToGlobal(pos)))
        self._list.addWidget(button)
        self._buttons.append(button)
        return button

    def set_title(self, title: str) -> None:
        self._title = title
        self.title_label.setText(f"<b>{html.escape(title)}</b>")
        self.title_label.setVisible(bool(title))
        self.setAccessibleName(f"Candidates of {title}" if title else "Candidates")

    def title(self) -> str:
        return self._title

    def set_candidates(self, candidates: Sequence[CandidateLike], model_choice: str | None = None) -> None:
        """Show these candidates, best first (the caller ranks them). ``model_choice``: the model's own
        first answer, when the user's handwriting samples put another first (that one is marked)."""
        self._show_personal_mark(model_choice if candidates else None)
        if not candidates:
            self.set_notice(tr("No candidates"))
            return
        self.notice_label.hide()
        while len(self._buttons) < len(candidates):
            self._add_button()
        for rank, (button, candidate) in enumerate(zip(self._buttons, candidates)):
            button.show_candidate(candidate.char, float(candidate.probability), model_choice if rank == 0 else None)
            button.show()
        for button in self._buttons[len(candidates):]:
            button.hide()

    def _show_personal_mark(self, model_choice: str | None) -> None:
        self._model_choice = model_choice
        self.personal_label.setText(tr(PERSONAL_NOTE, char=model_choice) if model_choice else "")
        self.personal_label.setToolTip(tr(PERSONAL_TIP, char=model_choice) if model_choice else "")
        self.personal_label.setVisible(bool(model_choice))

    def personal_mark(self) -> str | None:
        """The model's own first answer when the user's handwriting changed the one on show, else None."""
        return self._model_choice

    def shown_candidates(self) -> list[str]:
        """The characters now on show, best first."""
        return [b.char for b in self._buttons if not b.isHidden()]

    def clear(self) -> None:
        """No candidates and no notice."""
        self._show_personal_mark(None)
        for button in self._buttons:
            button.hide()
        self.notice_label.clear()
        self.notice_label.hide()

    def set_notice(self, text: str) -> None:
        """A notice in place of the candidates, e.g. "Draw a character" or an error."""
        self.clear()
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    def notice_text(self) -> str:
        """The notice on show in place of the candidates ("" when there is none)."""
        return self.notice_label.text() if not self.notice_label.isHidden() else ""

    def card_menu(self, rank: int) -> QMenu:
        """A card's context menu (right click, or the menu key): copy its character, or teach it as the
        character the user wrote."""
        char = self._buttons[rank - 1].char
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        copy = menu.addAction(tr("Copy {char}", char=char))
        copy.triggered.connect(lambda _checked=False: self._copy(char))
        teach = menu.addAction(tr("This is what I wrote: teach the models {char}", char=char))
        teach.setObjectName("teachCandidateAction")
        teach.triggered.connect(lambda _checked=False: self.candidate_taught.emit(char))
        return menu

    def _copy(self, char: str) -> None:
        if not char:
            return
        QGuiApplication.clipboard().setText(char)
        self.copied_label.setText(tr("Copied {char}", char=char))
        self._copied_timer.start()
        self.candidate_copied.emit(char)
