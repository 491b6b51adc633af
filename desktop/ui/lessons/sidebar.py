"""The lesson sidebar's widgets: lesson chooser, step title and text, step x of n, the buttons.

The sidebar only shows lessons and says what the user asked for (``step_entered`` when a step is
entered by choosing a lesson or moving, ``run_requested`` for "Run again"); carrying out a step's
action is the dock's job.

Next and Previous run through the lessons as one course: after the last step of a lesson comes the
first step of the next one, so a presenter's clicker reaches the end of the course. When the lesson
changes its title is shown in a banner for a moment (``lesson_changed`` tells the dock too).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop.core.lessons import Lesson, LessonProblem
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.widgets import push_button, tool_button

ERROR_STYLE = "color: #b00020;"
TITLE_SCALE = 1.3  # the step title a little larger than the text
BANNER_SCALE = 1.7  # the new lesson's title: what the back row reads when the lesson changes
BANNER_MS = 5000  # how long the banner stays
# Colours from the palette, so a high-contrast theme keeps the banner readable.
BANNER_STYLE = ("#lessonBanner { background: palette(highlight); color: palette(highlighted-text); "
                "padding: 6px 8px; border-radius: 4px; }")


class LessonSidebar(QWidget):
    """Shows one lesson at a time; ``language`` picks the text of lessons written in several."""

    #: The user entered step ``index`` (chose a lesson, Next, Previous): run its action.
    step_entered = Signal(int)
    #: "Run again": the current step's action once more.
    run_requested = Signal()
    open_requested = Signal()
    present_toggled = Signal(bool)
    #: Another lesson is shown (chosen, opened, or reached by Next / Previous): the Lesson.
    lesson_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lessonSidebar")
        self.setAccessibleName("Lessons")
        self.lessons: list[Lesson] = []
        self.problems: list[LessonProblem] = []
        self._lesson: Lesson | None = None
        self._step = 0
        self._language = "en"
        self._text_scale = 1.0

        self._build_widgets()
        self._lay_out()
        self.chooser.activated.connect(self._on_chosen)
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.setInterval(BANNER_MS)
        self._banner_timer.timeout.connect(self.banner.hide)
        self._apply_fonts()
        self._show()

    def _build_widgets(self) -> None:
        self.chooser = QComboBox()
        self.chooser.setObjectName("lessonChooser")
        self.chooser.setAccessibleName("Lesson")
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(12)
        self.open_button = tool_button(tr_noop("Open…"), name="openLessonButton", accessible="Open a lesson file",
                                       tip=tr_noop("Open a lesson file (.json)"), on_click=self.open_requested.emit)
        self.problems_label = _label("lessonProblems", "Lesson files that could not be read", ERROR_STYLE)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = _label("lessonBanner", "Lesson title", BANNER_STYLE)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = _label("lessonStepTitle", "Step title", hidden=False)
        self.text = QTextBrowser()
        self.text.setObjectName("lessonText")
        self.text.setAccessibleName("Step text")
        self.text.setOpenExternalLinks(True)
        self.action_label = _label("lessonActionStatus", "What the step did", ERROR_STYLE)
        # Their texts say whether they stay in the lesson or change it: set by _show().
        self.previous_button = push_button("", name="previousStepButton", accessible="Previous step",
                                           on_click=self.previous_step)
        self.next_button = push_button("", name="nextStepButton", accessible="Next step", on_click=self.next_step)
        self.position_label = QLabel()
        self.position_label.setObjectName("lessonStepPosition")
        self.position_label.setAccessibleName("Step number")
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.run_button = push_button(tr_noop("Run again"), name="runStepButton", accessible="Run the step again",
                                      tip=tr_noop("Put the panels into this step's state again"),
                                      on_click=self.run_requested.emit)
        self.present_button = push_button(tr_noop("Present"), name="presentButton", accessible="Presentation mode",
                                          tip=tr_noop("Full screen with large text (F5; Esc leaves)"),
                                          on_toggle=self.present_toggled.emit)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.open_button)
        nav = QHBoxLayout()
        nav.addWidget(self.previous_button)
        nav.addWidget(self.position_label, 1)
        nav.addWidget(self.next_button)
        tools = QHBoxLayout()
        tools.addWidget(self.run_button)
        tools.addStretch()
        tools.addWidget(self.present_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.title_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action_label)
        layout.addLayout(nav)
        layout.addLayout(tools)

    # -- content ---------------------------------------------------------------------------------
    def set_lessons(self, lessons: list[Lesson], problems: list[LessonProblem]) -> None:
        """Offer ``lessons``; the lesson shown stays if it is still there (by id)."""
        current = self._lesson.id if self._lesson is not None else None
        self.lessons = list(lessons)
        self.problems = list(problems)
        self._fill_chooser()
        self._show_problems()
        kept = next((i for i, lesson in enumerate(self.lessons) if lesson.id == current), None)
        if kept is not None:
            self._lesson = self.lessons[kept]
            self._step = min(self._step, len(self._lesson.steps) - 1)
            self.chooser.setCurrentIndex(kept)
        elif self.lessons:
            self._lesson, self._step = self.lessons[0], 0
            self.chooser.setCurrentIndex(0)
        else:
            self._lesson, self._step = None, 0
        self._show()
        if self._lesson is not None and self._lesson.id != current:
            self._announce_lesson()

    def add_problem(self, problem: LessonProblem) -> None:
        self.problems = [p for p in self.problems if p.path != problem.path] + [problem]
        self._show_problems()

    def lesson(self) -> Lesson | None:
        return self._lesson

    def step_index(self) -> int:
        return self._step

    def step_count(self) -> int:
        return len(self._lesson.steps) if self._lesson is not None else 0

    def current_step(self):
        return self._lesson.steps[self._step] if self._lesson is not None else None

    def lesson_index(self) -> int:
        """Where the lesson shown is in the course (-1: none)."""
        if self._lesson is None:
            return -1
        return next((i for i, lesson in enumerate(self.lessons) if lesson.id == self._lesson.id), -1)

    def is_last_step(self) -> bool:
        """The last step of the last lesson: the only place Next does nothing."""
        return self._lesson is None or (self._step >= len(self._lesson.steps) - 1
                                        and self.lesson_index() >= len(self.lessons) - 1)

    def is_first_step(self) -> bool:
        return self._lesson is None or (self._step == 0 and self.lesson_index() <= 0)

    def language(self) -> str:
        return self._language

    def set_language(self, code: str) -> None:
        self._language = code or "en"
        self._fill_chooser()
        self._show()
        if self._lesson is not None and self.banner.isVisible():
            self.banner.setText(self._lesson.title_in(self._language))

    # -- moving ----------------------------------------------------------------------------------
    def select_lesson(self, lesson_id: str, step: int = 0, enter: bool = True) -> bool:
        """Show lesson ``lesson_id`` at ``step``; ``enter`` runs the step's action too."""
        index = next((i for i, lesson in enumerate(self.lessons) if lesson.id == lesson_id), None)
        if index is None:
            return False
        self._enter_lesson(index, step, enter)
        return True

    def go_to(self, index: int, enter: bool = True) -> None:
        if self._lesson is None:
            return
        self._step = max(0, min(index, len(self._lesson.steps) - 1))
        self._show()
        if enter:
            self.step_entered.emit(self._step)

    def next_step(self) -> bool:
        """The next step, or the first step of the next lesson (False at the very end: nothing changes)."""
        if self._lesson is None:
            return False
        if self._step < len(self._lesson.steps) - 1:
            self.go_to(self._step + 1)
            return True
        index = self.lesson_index()
        if not 0 <= index < len(self.lessons) - 1:
            return False
        self._enter_lesson(index + 1, 0)
        return True

    def previous_step(self) -> bool:
        """The previous step, or the last step of the previous lesson (False at the very start)."""
        if self._lesson is None:
            return False
        if self._step > 0:
            self.go_to(self._step - 1)
            return True
        index = self.lesson_index()
        if index <= 0:
            return False
        self._enter_lesson(index - 1, len(self.lessons[index - 1].steps) - 1)
        return True

    def _on_chosen(self, index: int) -> None:
        if 0 <= index < len(self.lessons):
            self._enter_lesson(index, 0)

    def _enter_lesson(self, index: int, step: int, enter: bool = True) -> None:
        changed = self._lesson is None or self._lesson.id != self.lessons[index].id
        self.chooser.setCurrentIndex(index)
        self._lesson = self.lessons[index]
        self._step = max(0, min(step, len(self._lesson.steps) - 1))
        self._show()
        if changed:  # the title first: the step's action may take a moment
            self._announce_lesson()
        if enter:
            self.step_entered.emit(self._step)

    def _announce_lesson(self) -> None:
        """The lesson's title in the banner for a moment; the dock repeats it in the status bar."""
        self.banner.setText(self._lesson.title_in(self._language))
        self.banner.show()
        self._banner_timer.start()
        self.lesson_changed.emit(self._lesson)

    # -- showing ---------------------------------------------------------------------------------
    def set_action_message(self, text: str) -> None:
        self.action_label.setText(text)
        self.action_label.setVisible(bool(text))

    def set_text_scale(self, scale: float) -> None:
        """Lesson text ``scale`` times the sidebar's font (presentation mode makes it large)."""
        self._text_scale = scale
        self._apply_fonts()

    def text_point_size(self) -> float:
        return self.text.font().pointSizeF()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the window's presentation zoom changed
            self._apply_fonts()

    def _apply_fonts(self) -> None:
        base = self.font()
        for widget, scale, bold in ((self.text, self._text_scale, False),
                                    (self.title_label, self._text_scale * TITLE_SCALE, True),
                                    (self.banner, self._text_scale * BANNER_SCALE, True)):
            font = QFont(base)
            if base.pointSizeF() > 0:
                font.setPointSizeF(base.pointSizeF() * scale)
            else:
                font.setPixelSize(max(1, round(base.pixelSize() * scale)))
            font.setBold(bold)
            widget.setFont(font)
        # The document keeps its own default font: set it too, or Markdown text stays small.
        self.text.document().setDefaultFont(self.text.font())

    def _fill_chooser(self) -> None:
        self.chooser.blockSignals(True)
        current = self.chooser.currentIndex()
        self.chooser.clear()
        for lesson in self.lessons:
            self.chooser.addItem(lesson.title_in(self._language), lesson.id)
            tip = str(lesson.path) if lesson.path is not None else ""
            if lesson.author:
                tip = f"{lesson.author}\n{tip}"
            self.chooser.setItemData(self.chooser.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        if 0 <= current < self.chooser.count():
            self.chooser.setCurrentIndex(current)
        self.chooser.blockSignals(False)

    def _show_problems(self) -> None:
        if not self.problems:
            self.problems_label.hide()
            return
        lines = "".join(f"<li>{_escape(p.reason)}</li>" for p in self.problems)
        self.problems_label.setText(tr("{n} lesson file(s) could not be read; the others work:", n=len(self.problems))
                                    + f"<ul>{lines}</ul>")
        self.problems_label.setToolTip("\n".join(str(p.path) for p in self.problems))
        self.problems_label.show()

    def _show(self) -> None:
        step = self.current_step()
        has = step is not None
        self._label_moves()
        for widget in (self.previous_button, self.next_button, self.run_button):
            widget.setEnabled(has)
        if not has:
            self.title_label.setText("")
            self.text.setMarkdown(tr("No lesson is loaded. Open a lesson file, or put lesson files in your "
                                     "lessons folder."))
            self.position_label.setText("")
            return
        self.title_label.setText(step.title_in(self._language))
        self.text.setMarkdown(step.text_in(self._language))
        self.position_label.setText(tr("Step {n} of {total}", n=self._step + 1, total=len(self._lesson.steps)))
        self.previous_button.setEnabled(not self.is_first_step())
        self.next_button.setEnabled(not self.is_last_step())
        self.run_button.setEnabled(bool(step.action))
        self.set_action_message("")

    def _label_moves(self) -> None:
        """Next / Previous say when they change the lesson, so nobody is surprised by a new title."""
        to_next = self._lesson is not None and self._step >= len(self._lesson.steps) - 1 and not self.is_last_step()
        to_previous = self._lesson is not None and self._step == 0 and not self.is_first_step()
        self.next_button.setText(tr("Next lesson ▶") if to_next else tr("Next ▶"))
        self.next_button.setToolTip(tr("The first step of the next lesson (Page Down)") if to_next
                                    else tr("The next step (Page Down)"))
        self.previous_button.setText(tr("◀ Previous lesson") if to_previous else tr("◀ Previous"))
        self.previous_button.setToolTip(tr("The last step of the previous lesson (Page Up)") if to_previous
                                        else tr("The previous step (Page Up)"))


def _label(name: str, accessible: str, style_sheet: str = "", hidden: bool = True) -> QLabel:
    """A word-wrapped label, ``hidden`` until it has something to say."""
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    if style_sheet:
        label.setStyleSheet(style_sheet)
    if hidden:
        label.hide()  # (no show() for the others: a label without a parent yet would open as a window)
    return label


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
