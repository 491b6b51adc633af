"""The Lessons dock of the main window: loading lessons, running steps, keys and presentation mode.

Keys (window shortcuts, so they work whichever panel has the focus; enabled only while they apply,
so no Python code runs for the app's other events and every other key reaches its widget untouched):

- Page Down / Page Up (what presenter clickers send) go to the next / previous step while the
  sidebar is open with a lesson, except when the focus is in a text field or a number box, where
  the keys keep their usual meaning. In presentation mode they always move the lesson. They run
  on across lessons (the last step of one, then the first of the next); only the last step of the
  last lesson stops.
- Right / Left do the same while the focus is inside the sidebar.
- F5 enters and leaves presentation mode (full screen, presentation zoom, large lesson text);
  Esc leaves it (and does not clear the Write canvas while presenting).

A step's action runs when the step is entered (choosing a lesson, Next, Previous), when the user
opens the sidebar (View > Lessons, Ctrl+L, F5) and when the window first comes up with it open, so
the text and the panel agree; "Run again" runs it once more. Lessons are read on a worker thread
the first time the sidebar is shown.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol, Sequence

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStatusBar,
    QTextEdit,
    QWidget,
)

from desktop.core.lessons import (
    Lesson,
    LessonError,
    LessonProblem,
    action_summary,
    load_lesson,
    load_lessons,
    shipped_lessons_dir,
)
from desktop.ui import i18n
from desktop.ui.app_data import app_data_dir
from desktop.ui.i18n import current_language, tr, tr_noop, translated
from desktop.ui.lessons.actions import ActionContext, ActionError, run_action
from desktop.ui.lessons.sidebar import BANNER_MS, BANNER_STYLE, LessonSidebar
from desktop.ui.panel_commands import LessonHost
from desktop.ui.saved_settings import whole_number_setting
from desktop.ui.workers import BackgroundLoader

log = logging.getLogger(__name__)

PRESENT_ZOOM = 1.5  # the window's presentation zoom in presentation mode (at least)
PRESENT_TEXT_SCALE = 1.6  # lesson text relative to the zoomed window font
LESSON_FILTER = tr_noop("Lessons (*.json)")
NEXT_KEYS = (Qt.Key.Key_PageDown,)
PREVIOUS_KEYS = (Qt.Key.Key_PageUp,)
ARROW_KEYS = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1}
STATUS_BANNER_STYLE = BANNER_STYLE.replace("#lessonBanner", "#lessonStatusBanner")


def user_lessons_dir() -> Path:
    return app_data_dir() / "lessons"


def read_lessons(folders: list[Path], opened: list[Path]) -> tuple[list[Lesson], list[LessonProblem]]:
    """The lessons of ``folders`` and the files opened by hand (run on a worker thread)."""
    lessons, problems = load_lessons(folders)
    for path in opened:
        try:
            lessons.append(load_lesson(path))
        except LessonError as exc:
            problems.append(LessonProblem(path, str(exc)))
    return lessons, problems


def _unexpected_failure(_args: tuple, exc: Exception) -> str:
    return str(exc) or type(exc).__name__  # listed as the problem of the lessons folder


class LessonWindow(LessonHost, Protocol):
    """What the dock needs of the main window besides a lesson step's needs: a QMainWindow with a zoom
    and presentation mode."""

    def addDockWidget(self, area: Qt.DockWidgetArea, dock: QDockWidget) -> None: ...  # noqa: N802 (Qt naming)

    def addAction(self, action: QAction) -> None: ...  # noqa: N802

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def findChildren(self, kind: type) -> list: ...  # noqa: N802

    def zoom(self) -> float: ...

    def enter_presentation(self, zoom: float) -> None: ...

    def leave_presentation(self) -> None: ...


def _types_text(widget: QWidget | None) -> bool:
    """True for widgets where Page Up/Down move a cursor or change a value the user is editing."""
    if widget is None:
        return False
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return True
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return False


class LessonsDock(QDockWidget):
    """The sidebar in a dock, with the View menu's actions; ``folders`` default to shipped + user."""

    #: Lessons (re)loaded: (lessons, problems).
    lessons_loaded = Signal(object, object)
    #: A step's action has finished, including what it waited for (a panel's models): (step index,
    #: error message or ""). A step left before it finished never reports.
    step_done = Signal(int, str)

    def __init__(self, window: LessonWindow, folders: Sequence[str | Path] | None = None):
        super().__init__(window)
        self.main_window = window
        self.setObjectName("lessonsDock")
        self.setAccessibleName("Lessons")
        translated(self.setWindowTitle, "Lessons", owner=self)
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.folders = [Path(f) for f in folders] if folders is not None else None
        self.sidebar = LessonSidebar()
        self.setWidget(self.sidebar)
        self._loader = BackgroundLoader(self, describe=_unexpected_failure)
        self._loader.loaded.connect(self._on_read)
        self._loader.failed.connect(self._on_read_failed)
        self._loading: int | None = None  # the request id of the lesson reading in flight
        self._loaded = False
        self._opened: list[Path] = []  # lesson files opened by hand this session
        self._presenting = False
        self._keys_active = False  # the sidebar is open, or presenting
        self._suspended: list[tuple[QAction, list[QKeySequence]]] = []  # window actions whose Esc we hold
        self._run: ActionContext | None = None  # the step's action now running (or waiting)
        self._run_when_loaded = False  # the user opened the sidebar before its lessons were read

        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        # No minimum width of its own: the sidebar's contents decide, at every zoom. (A dock given one
        # keeps the widest minimum it ever had, say at presentation zoom, and the window could not
        # narrow again; a fixed one on the sidebar would squeeze its contents when zoomed.)
        self.hide()  # opened from the View menu (Ctrl+L); the window remembers it afterwards
        self._build_actions(window)
        self._shortcuts = self._build_step_keys(window)
        self._build_status_banner(window)
        self._connect_sidebar()
        self.visibilityChanged.connect(self._on_visibility)
        i18n.notifier().language_changed.connect(self._on_language_changed)
        self.sidebar.set_language(current_language())
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
            app.focusChanged.connect(self._on_focus_changed)  # one call per focus change, not per event
        self._follows_focus = app is not None

    def _build_actions(self, window: LessonWindow) -> None:
        """View > Lessons (Ctrl+L), Presentation mode (F5) and Open lesson file."""
        self.toggle_action = self.toggleViewAction()
        self.toggle_action.setObjectName("lessonsAction")
        # Its text is the dock's (translated) title: Qt keeps the two in step.
        self.toggle_action.setShortcut(QKeySequence("Ctrl+L"))
        # The user's opening runs the step. (Not every show does: one after a minimise would undo
        # what the class did on the panel meanwhile.)
        self.toggle_action.triggered.connect(self._on_toggled_by_user)
        self.present_action = QAction(self)
        self.present_action.setObjectName("presentationAction")
        translated(self.present_action.setText, "&Presentation mode", owner=self.present_action)
        self.present_action.setCheckable(True)
        self.present_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.present_action.toggled.connect(self.set_presenting)
        self.open_action = QAction(self)
        self.open_action.setObjectName("openLessonAction")
        translated(self.open_action.setText, "Open &lesson file…", owner=self.open_action)
        self.open_action.triggered.connect(self.open_lesson_dialog)
        window.addAction(self.present_action)  # F5 works even when no menu holds it

    def _build_step_keys(self, window: LessonWindow) -> dict[Qt.Key, QShortcut]:
        """The step keys, each a window shortcut enabled only while it applies (see the module text)."""
        shortcuts: dict[Qt.Key, QShortcut] = {}
        for key in (*NEXT_KEYS, *PREVIOUS_KEYS, *ARROW_KEYS, Qt.Key.Key_Escape):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setObjectName(f"lessonKey_{key.name}")
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)  # dialogs and other windows keep their keys
            shortcut.setEnabled(False)
            shortcut.activated.connect(lambda k=key: self._on_key(k))
            shortcuts[key] = shortcut
        return shortcuts

    def _build_status_banner(self, window: LessonWindow) -> None:
        """The new lesson's title in the status bar as well: a widget of its own, so the panels'
        messages (which the step's action sends too) do not cover it."""
        self.status_banner = QLabel()
        self.status_banner.setObjectName("lessonStatusBanner")
        self.status_banner.setAccessibleName("Lesson title")
        self.status_banner.setStyleSheet(STATUS_BANNER_STYLE)
        self.status_banner.hide()
        window.statusBar().addPermanentWidget(self.status_banner)
        self._status_banner_timer = QTimer(self)
        self._status_banner_timer.setSingleShot(True)
        self._status_banner_timer.setInterval(BANNER_MS)
        self._status_banner_timer.timeout.connect(self.status_banner.hide)

    def _connect_sidebar(self) -> None:
        self.sidebar.step_entered.connect(self.run_step)
        self.sidebar.run_requested.connect(lambda: self.run_step(self.sidebar.step_index()))
        self.sidebar.open_requested.connect(self.open_lesson_dialog)
        self.sidebar.present_toggled.connect(self.present_action.setChecked)
        self.sidebar.lesson_changed.connect(self._on_lesson_changed)

    def add_to_menu(self, menu) -> None:
        menu.addAction(self.toggle_action)
        menu.addAction(self.present_action)
        menu.addAction(self.open_action)

    # -- loading ---------------------------------------------------------------------------------
    def lesson_folders(self) -> list[Path]:
        if self.folders is not None:
            return list(self.folders)
        return [shipped_lessons_dir(), user_lessons_dir()]

    def is_loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Read the lesson folders on a worker thread; ``lessons_loaded`` follows."""
        if self._loading is not None:
            return
        self._loading = self._loader.load(read_lessons, self.lesson_folders(), list(self._opened))

    def _on_read(self, request_id: int, result: tuple[list[Lesson], list[LessonProblem]]) -> None:
        if request_id == self._loading:
            self._loading = None
            self._show_lessons(*result)

    def _on_read_failed(self, request_id: int, text: str) -> None:
        if request_id == self._loading:
            self._loading = None
            self._show_lessons([], [LessonProblem(Path(), text)])

    def _show_lessons(self, lessons: list[Lesson], problems: list[LessonProblem]) -> None:
        first = not self._loaded
        self._loaded = True
        self.sidebar.set_lessons(lessons, problems)
        self._update_keys()
        for problem in problems:
            log.warning("lesson skipped: %s", problem.reason)
        if first and not self._opened:  # back where the teacher left off (a file opened by hand wins)
            settings = QSettings()
            lesson_id = str(settings.value("lessons/lesson", ""))
            if lesson_id:
                step = whole_number_setting(settings, "lessons/step", 0, 10_000, default=0)
                self.sidebar.select_lesson(lesson_id, step, enter=False)
        run, self._run_when_loaded = self._run_when_loaded, False
        if run and self.isVisible():
            self.run_step(self.sidebar.step_index())
        self.lessons_loaded.emit(lessons, problems)

    def _on_visibility(self, visible: bool) -> None:
        # The keys only mean something while the sidebar is open (or presenting).
        self._set_keys_active(visible or self._presenting)
        if visible and not self._loaded:
            # The first showing: opened by the user, or a window restored with the sidebar open.
            self._run_when_loaded = True
            self.load()

    def _on_toggled_by_user(self, checked: bool) -> None:
        if checked:
            self._opened_by_user()

    def _opened_by_user(self) -> None:
        """The sidebar was opened: set the panel up for the step it shows (once the lessons are read)."""
        if self._loaded:
            self.run_step(self.sidebar.step_index())
        else:
            self._run_when_loaded = True
            self.load()

    def _set_keys_active(self, on: bool) -> None:
        self._keys_active = on
        self._update_keys()

    def open_lesson_dialog(self) -> None:
        folder = user_lessons_dir()
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a lesson file"), str(folder if folder.is_dir() else ""),
                                              tr(LESSON_FILTER))
        if path:
            self.open_lesson_file(path)

    def open_lesson_file(self, path: str | Path) -> Lesson | None:
        """Add one lesson file and show it; a broken file is listed with its reason."""
        path = Path(path)
        self.show()
        try:
            lesson = load_lesson(path)  # one small file the user picked: read it now, the answer is needed now
        except LessonError as exc:
            self.sidebar.add_problem(LessonProblem(path, str(exc)))
            self._show_status(tr("This lesson file cannot be used: {reason}", reason=str(exc)))
            return None
        if path not in self._opened:
            self._opened.append(path)
        lessons = [existing for existing in self.sidebar.lessons if existing.id != lesson.id] + [lesson]
        problems = [p for p in self.sidebar.problems if p.path != path]
        self.sidebar.set_lessons(lessons, problems)
        self.sidebar.select_lesson(lesson.id)
        self._update_keys()
        self._show_status(tr("Opened the lesson {title}. Put the file in {folder} to have it every time.",
                         title=lesson.title_in(self.sidebar.language()), folder=str(user_lessons_dir())))
        return lesson

    # -- steps -----------------------------------------------------------------------------------
    def run_step(self, index: int) -> str:
        """Carry out step ``index``'s action; returns the problem shown ("" when it worked)."""
        lesson = self.sidebar.lesson()
        if lesson is None or not 0 <= index < len(lesson.steps):
            return ""
        settings = QSettings()
        settings.setValue("lessons/lesson", lesson.id)
        settings.setValue("lessons/step", index)
        step = lesson.steps[index]
        if self._run is not None:  # what the step before still waited for must not land under this one
            self._run.cancel()
        run = ActionContext(self.main_window, self._deferred_failure,
                            finished=lambda problem: self.step_done.emit(index, problem))
        self._run = run
        error = ""
        try:
            run_action(run, step.action)
        except ActionError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a lesson must not take the window down; the log has the rest
            log.exception("lesson %s step %d: %s", lesson.id, index + 1, action_summary(step.action))
            error = tr("This step could not set up the panel: {reason}", reason=str(exc) or type(exc).__name__)
        if error:
            self.sidebar.set_action_message(error)
            self._show_status(error)
        run.handler_returned(error)
        return error

    def is_step_running(self) -> bool:
        """A step's action still waits for something (a panel's models, a report)."""
        return self._run is not None and self._run.is_waiting()

    def _on_lesson_changed(self, lesson: Lesson) -> None:
        self.status_banner.setText(tr("Lesson: {title}", title=lesson.title_in(self.sidebar.language())))
        self.status_banner.show()
        self._status_banner_timer.start()

    def _deferred_failure(self, text: str) -> None:
        self.sidebar.set_action_message(text)
        self._show_status(text)

    def _show_status(self, text: str) -> None:
        self.main_window.statusBar().showMessage(text, 10_000)

    def _on_language_changed(self, code: str) -> None:
        self.sidebar.set_language(code or current_language())
        lesson = self.sidebar.lesson()
        if lesson is not None and self.status_banner.isVisible():
            self.status_banner.setText(tr("Lesson: {title}", title=lesson.title_in(self.sidebar.language())))

    # -- presentation mode -----------------------------------------------------------------------
    def is_presenting(self) -> bool:
        return self._presenting

    def set_presenting(self, on: bool) -> None:
        """Full screen on the window's screen, the presentation zoom (as far as the window still fits)
        and large lesson text; off restores the window."""
        on = bool(on)
        if on == self._presenting:
            return
        window = self.main_window
        self._presenting = on
        if on:
            opening = self.isHidden()
            self.show()  # before the window fits its zoom to the screen: the sidebar needs room too
            self._set_keys_active(True)
            window.enter_presentation(max(window.zoom(), PRESENT_ZOOM))
            self.sidebar.set_text_scale(PRESENT_TEXT_SCALE)
            if opening:
                self._opened_by_user()
        else:
            self.sidebar.set_text_scale(1.0)  # first: the window's old size may need the narrower sidebar
            window.leave_presentation()  # the geometry, state and zoom from before
        for widget in (self.present_action, self.sidebar.present_button):
            widget.blockSignals(True)
            widget.setChecked(on)
            widget.blockSignals(False)
        self._hold_escape(on)
        self._set_keys_active(on or self.isVisible())

    # -- keys ------------------------------------------------------------------------------------
    def _on_focus_changed(self, _old, _new) -> None:
        if self._keys_active:
            self._update_keys()

    def _update_keys(self) -> None:
        """Enable exactly the step keys that apply now; the others stay with the focused widget."""
        for key, shortcut in self._shortcuts.items():
            shortcut.setEnabled(self._keys_active and self._key_move(key) is not None)

    def _on_key(self, key: Qt.Key) -> None:
        move = self._key_move(key)
        if move is None:  # the state changed without telling us (say, no lesson any more)
            self._forward(key)
        elif move == 0:
            self.set_presenting(False)
        elif move > 0:
            self.sidebar.next_step()
        else:
            self.sidebar.previous_step()

    def _forward(self, key: Qt.Key) -> None:
        """Give a key the rules leave alone to the focused widget, as if no shortcut had taken it."""
        target = QApplication.focusWidget() or self.main_window
        self._shortcuts[key].setEnabled(False)  # a key sent by hand is offered to the shortcuts again
        try:
            QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))
        finally:
            self._update_keys()

    def _hold_escape(self, hold: bool) -> None:
        """While presenting, Esc leaves presentation mode: the window's own Esc (Edit > Clear) waits, so
        the two shortcuts are never ambiguous and the Write canvas is not cleared."""
        escape = QKeySequence(Qt.Key.Key_Escape)
        if hold and not self._suspended:
            for action in self.main_window.findChildren(QAction):
                keys = action.shortcuts()
                if escape in keys:
                    self._suspended.append((action, keys))
                    action.setShortcuts([k for k in keys if k != escape])
        elif not hold:
            for action, keys in self._suspended:
                try:
                    action.setShortcuts(keys)
                except RuntimeError:  # deleted meanwhile
                    pass
            self._suspended = []

    def _key_move(self, key: Qt.Key) -> int | None:
        """+1 / -1 for a step key that applies now, 0 for "leave presentation", None otherwise.

        (Keys with modifiers never get here: the shortcuts are the bare keys.)
        """
        if self._presenting and key == Qt.Key.Key_Escape:
            return 0
        if self.isHidden() or self.sidebar.lesson() is None:
            return None
        focus = QApplication.focusWidget()
        if key in NEXT_KEYS or key in PREVIOUS_KEYS:
            if not self._presenting and _types_text(focus):
                return None
            return 1 if key in NEXT_KEYS else -1
        if key in ARROW_KEYS and not _types_text(focus) and (
                self._presenting or (focus is not None and self.isAncestorOf(focus))):
            return ARROW_KEYS[key]
        return None

    def shutdown(self) -> None:
        self._set_keys_active(False)
        self._hold_escape(False)
        app = QApplication.instance()
        if app is not None and self._follows_focus:  # shut down twice: the window closed, then the app quits
            app.focusChanged.disconnect(self._on_focus_changed)
            self._follows_focus = False
        if self._run is not None:
            self._run.cancel()
        self._loader.clear()
        self._loader.wait()
