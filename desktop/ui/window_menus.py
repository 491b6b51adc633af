"""The main window's menus: File, Edit (with the Write panel's handwriting commands), View (panels, zoom, grid, language, theme, lessons) and Help.

The menus only hold actions: what each one does is a :class:`MenuCommands` callable the window
gives them, so this module depends on no panel and on no window class. Every text is an English
``tr_noop`` source shown translated, and follows a change of language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop.ui import style
from desktop.ui.constants import PANELS
from desktop.ui.i18n import SYSTEM, available_languages, language_setting, tr, tr_noop, translated

Shortcut = str | QKeySequence | QKeySequence.StandardKey | None


@dataclass(frozen=True)
class MenuCommands:
    """What the menu commands call."""

    open_image: Callable[[], object]
    quit: Callable[[], object]
    undo: Callable[[], object]
    redo: Callable[[], object]
    clear: Callable[[], object]
    teach_handwriting: Callable[[], object]  # the picker: which character was written
    export_handwriting: Callable[[], object]  # asks for a folder
    forget_handwriting: Callable[[], object]  # asks first
    show_panel: Callable[[int], object]
    zoom_by: Callable[[int], object]  # +1: one zoom step larger, -1: smaller
    reset_zoom: Callable[[], object]
    set_grid_visible: Callable[[bool], object]
    choose_language: Callable[[str], object]
    choose_theme: Callable[[str], object]
    show_about: Callable[[], object]


class WindowMenus:
    """Builds ``window``'s menu bar; ``add_lessons(view_menu)`` puts the Lessons commands in View."""

    def __init__(self, window: QMainWindow, commands: MenuCommands, add_lessons: Callable[[QMenu], None]):
        self._window = window
        self._commands = commands
        bar = window.menuBar()
        self._build_file_menu(self._menu(bar, tr_noop("&File")))
        self._build_edit_menu(self._menu(bar, tr_noop("&Edit")))
        view_menu = self._menu(bar, tr_noop("&View"))
        self._build_view_menu(view_menu)
        self.language_menu, self.language_actions = self._build_language_menu(view_menu)
        self.theme_menu, self.theme_actions = self._build_theme_menu(view_menu)
        view_menu.addSeparator()
        add_lessons(view_menu)
        help_menu = self._menu(bar, tr_noop("&Help"))
        self.about_action = self._action(help_menu, tr_noop("&About CNN Classroom"), "aboutAction", None,
                                         commands.show_about)

    @staticmethod
    def _menu(parent, title: str) -> QMenu:
        menu = parent.addMenu("")
        translated(menu.setTitle, title, owner=menu)
        return menu

    def _action(self, menu: QMenu, text: str, name: str, shortcut: Shortcut, slot: Callable,
                checkable: bool = False, **fmt) -> QAction:
        """A menu command; ``text`` is the English source (marked with tr_noop), shown translated."""
        action = QAction(self._window)  # the window's child: the lessons dock finds its Esc among them
        translated(action.setText, text, owner=action, **fmt)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_file_menu(self, menu: QMenu) -> None:
        commands = self._commands
        self.open_action = self._action(menu, tr_noop("&Open image…"), "openImageAction",
                                        QKeySequence.StandardKey.Open, lambda: commands.open_image())
        menu.addSeparator()
        self.quit_action = self._action(menu, tr_noop("&Quit"), "quitAction", "Ctrl+Q", lambda: commands.quit())

    def _build_edit_menu(self, menu: QMenu) -> None:
        commands = self._commands
        self.undo_action = self._action(menu, tr_noop("&Undo"), "undoAction", "Ctrl+Z", lambda: commands.undo())
        self.redo_action = self._action(menu, tr_noop("&Redo"), "redoAction", "Ctrl+Shift+Z",
                                        lambda: commands.redo())
        self.clear_action = self._action(menu, tr_noop("&Clear"), "clearAction", "Esc", lambda: commands.clear())
        menu.addSeparator()
        self.teach_action = self._action(menu, tr_noop("&Teach the right character…"), "teachHandwritingAction",
                                         "Ctrl+T", lambda: commands.teach_handwriting())
        self.export_handwriting_action = self._action(menu, tr_noop("&Export my handwriting…"),
                                                      "exportHandwritingMenuAction", None,
                                                      lambda: commands.export_handwriting())
        self.forget_handwriting_action = self._action(menu, tr_noop("&Forget my handwriting…"),
                                                      "forgetHandwritingMenuAction", None,
                                                      lambda: commands.forget_handwriting())

    def _build_view_menu(self, menu: QMenu) -> None:
        commands = self._commands
        self.panel_actions: list[QAction] = []
        for index, name in enumerate(PANELS):
            self.panel_actions.append(self._action(
                menu, tr_noop("&{n} {panel}"), f"show{name}Action", f"Ctrl+{index + 1}",
                lambda _=False, i=index: commands.show_panel(i), n=index + 1, panel=lambda name=name: tr(name)))
        menu.addSeparator()
        self.zoom_in_action = self._action(menu, tr_noop("Presentation zoom &in"), "zoomInAction",
                                           QKeySequence.StandardKey.ZoomIn, lambda: commands.zoom_by(1))
        self.zoom_out_action = self._action(menu, tr_noop("Presentation zoom &out"), "zoomOutAction",
                                            QKeySequence.StandardKey.ZoomOut, lambda: commands.zoom_by(-1))
        self.zoom_reset_action = self._action(menu, tr_noop("&Reset zoom"), "zoomResetAction", "Ctrl+0",
                                              lambda: commands.reset_zoom())
        # Ctrl++ without Shift on keyboards where "+" needs no Shift, and Ctrl+= where it does.
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        menu.addSeparator()
        self.grid_action = self._action(menu, tr_noop("米字格 &grid"), "gridAction", None, commands.set_grid_visible,
                                        checkable=True)

    def _build_language_menu(self, view_menu: QMenu) -> tuple[QMenu, dict[str, QAction]]:
        """View > Language: each language by its own name, or the system's; switches live and is remembered."""
        menu = self._menu(view_menu, tr_noop("&Language"))
        menu.setObjectName("languageMenu")
        group = QActionGroup(self._window)
        group.setExclusive(True)
        actions: dict[str, QAction] = {}
        saved = language_setting()
        for code, name in [*available_languages(), (SYSTEM, None)]:
            action = QAction(self._window)
            action.setObjectName(f"language_{code}Action")
            if name is None:
                translated(action.setText, "Follow the &system", owner=action)
            else:
                action.setText(name)  # a language's own name, the same in every interface language
            action.setCheckable(True)
            action.setChecked(code == saved)
            action.triggered.connect(lambda _=False, c=code: self._commands.choose_language(c))
            group.addAction(action)
            menu.addAction(action)
            actions[code] = action
        return menu, actions

    def _build_theme_menu(self, view_menu: QMenu) -> tuple[QMenu, dict[str, QAction]]:
        """View > Theme: the system's look, or high contrast (light or dark) for projectors; remembered."""
        menu = self._menu(view_menu, tr_noop("&Theme"))
        menu.setObjectName("themeMenu")
        group = QActionGroup(self._window)
        group.setExclusive(True)
        actions: dict[str, QAction] = {}
        for theme in style.THEMES:
            action = QAction(self._window)
            action.setObjectName(f"theme_{theme}Action")
            translated(action.setText, style.THEME_TITLES[theme], owner=action)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, t=theme: self._commands.choose_theme(t))
            group.addAction(action)
            menu.addAction(action)
            actions[theme] = action
        return menu, actions
