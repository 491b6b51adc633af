"""The main window: the panel switcher and stack, the models it hosts, and the remembered layout.

The window owns the :class:`ModelHost` thread (model loading and inference never run in the GUI
thread) and shows which model files were skipped, and why, without stopping anyone from writing.
It is the one module that builds panels (the Write panel with the window, the others the first
time they are shown); lessons, menus and tests reach a panel through :meth:`MainWindow.show_panel_named`
and the panel's command interface (``desktop/ui/panel_commands.py``). Its parts live beside it:
the menus (``window_menus``), where it goes on the screen (``window_geometry``), presentation mode
(``window_presentation``), the panel stack (``panel_stack``) and the About text (``about``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import QApplication, QHBoxLayout, QListWidget, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from desktop.core.registry import ModelInfo, ModelProblem, default_model_folders
from desktop.ui import style
from desktop.ui.about import about_text
from desktop.ui.constants import DEFAULT_ZOOM_INDEX, PANELS, ZOOM_STEPS
from desktop.ui.i18n import notifier, save_language_setting, set_language, tr, translated
from desktop.ui.icons import panel_icon
from desktop.ui.lessons.dock import LessonsDock
from desktop.ui.panel_stack import CurrentPageStack, LazyPanel
from desktop.ui.saved_settings import whole_number_setting
from desktop.ui.skipped_models_banner import SkippedModelsBanner
from desktop.ui.window_geometry import fit_to_screen, normal_geometry, restore_geometry, save_geometry
from desktop.ui.window_menus import MenuCommands, WindowMenus
from desktop.ui.window_presentation import Presentation
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.panel import WritePanel

if TYPE_CHECKING:  # imported where each panel is built: a start on Write loads none of them
    from desktop.ui.camera.panel import CameraPanel
    from desktop.ui.kernels.panel import KernelsPanel
    from desktop.ui.results.panel import ResultsPanel
    from desktop.ui.teach.panel import TeachPanel

log = logging.getLogger(__name__)

WINDOW_TITLE = "CNN Classroom"
STATUS_MS = 8000  # how long a panel's status line stays

# The panel names and zoom steps are the UI's constants; many callers take them from here too.
__all__ = ["MainWindow", "WINDOW_TITLE", "PANELS", "ZOOM_STEPS", "DEFAULT_ZOOM_INDEX"]


class MainWindow(QMainWindow):
    """Panels on a sidebar; ``models_dir`` is the user's own models folder (None: shipped models only)."""

    models_ready = Signal(object, object)  # re-emitted from the host once the window has shown them

    def __init__(self, models_dir: str | Path | None = None, parent: QWidget | None = None,
                 teach_project: str | Path | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        translated(self.setWindowTitle, "CNN Classroom", owner=self)  # WINDOW_TITLE
        self.models_dir = Path(models_dir) if models_dir is not None else None
        self._teach_project = teach_project  # the Teach panel's first project (None: the default one)
        self.models: list[ModelInfo] = []
        self.problems: list[ModelProblem] = []
        self._models_known = False  # the host has announced its scan (possibly finding no model)
        self._base_font = QFont(QApplication.font())
        self._zoom_index = DEFAULT_ZOOM_INDEX
        self._presentation = Presentation(self, lambda: self._zoom_index, self.set_zoom_index)

        self.host = ModelHost(default_model_folders(self.models_dir))
        self.write_panel = WritePanel(self.host)
        # After the panel's own connection: the window's models_ready means the panel has them too.
        self.host.models_ready.connect(self._on_models_ready)
        self.write_panel.status_message.connect(self._show_status)
        self._build_panels()
        self._build_central()
        # Built before the saved layout is restored, so the dock's place comes back.
        self.lessons_dock = LessonsDock(self)
        self.menus = WindowMenus(self, self._menu_commands(), self.lessons_dock.add_to_menu)
        self.menus.grid_action.setChecked(self.write_panel.grid_visible())
        self.write_panel.grid_visible_changed.connect(self.menus.grid_action.setChecked)
        notifier().language_changed.connect(self._on_language_changed)
        self.apply_theme(style.theme_setting())
        self._restore_settings()
        app = QApplication.instance()
        if app is not None:  # a window never closed (killed session, tests) still stops its thread
            app.aboutToQuit.connect(self.host.shutdown)
        self.host.start()

    def _build_panels(self) -> None:
        """The panel list and stack; the panels other than Write are built the first time they are shown,
        so the window opens fast and a lesson on handwriting does not pay for the others."""
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("panelSwitcher")
        self.sidebar.setAccessibleName("Panels")
        self.sidebar.addItems(PANELS)
        sidebar = self.sidebar
        for row, name in enumerate(PANELS):
            # Found by row each time: a binding never holds an item Qt made (and deletes) itself.
            translated(lambda text, row=row: sidebar.item(row).setText(text), name, owner=sidebar)
            sidebar.item(row).setIcon(panel_icon(name))
        self.stack = CurrentPageStack()
        self.stack.setObjectName("panelStack")
        self.stack.addWidget(self.write_panel)
        self._pages = {
            "Camera": LazyPanel(self._build_camera, "Camera"),
            "Teach": LazyPanel(self._build_teach, "Teach"),
            "Kernels": LazyPanel(self._build_kernels, "Kernels"),
            "Results": LazyPanel(self._build_results, "Results"),
        }
        for name in PANELS[1:]:
            self.stack.addWidget(self._pages[name])
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.stack.currentChanged.connect(self._on_panel_changed)

    def _build_central(self) -> None:
        self.banner = SkippedModelsBanner()
        central = QWidget()
        outer = QVBoxLayout(central)
        margin = style.WINDOW_MARGIN
        outer.setContentsMargins(margin, margin, margin, margin)
        outer.setSpacing(style.SPACING)
        outer.addWidget(self.banner)
        row = QHBoxLayout()
        row.setSpacing(style.SPACING)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, stretch=1)
        outer.addLayout(row, stretch=1)
        self.setCentralWidget(central)
        self.statusBar().setObjectName("statusBar")
        self.statusBar().showMessage(tr("Loading the models…"))

    def _menu_commands(self) -> MenuCommands:
        write = self.write_panel
        return MenuCommands(
            open_image=self._open_image, quit=self.close, undo=write.undo, redo=write.redo, clear=write.clear,
            teach_handwriting=lambda: self._on_write(write.open_character_picker),
            export_handwriting=lambda: self._on_write(write.export_handwriting_dialog),
            forget_handwriting=lambda: self._on_write(write.confirm_forget_handwriting),
            show_panel=self.show_panel, zoom_by=lambda step: self.set_zoom_index(self._zoom_index + step),
            reset_zoom=lambda: self.set_zoom_index(DEFAULT_ZOOM_INDEX), set_grid_visible=write.set_grid_visible,
            choose_language=self.choose_language, choose_theme=self.choose_theme, show_about=self.show_about)

    # -- panels built on first use -------------------------------------------------------------
    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)

    def _build_kernels(self) -> QWidget:
        # The Kernels panel convolves the Write panel's drawing exactly as the model sees it.
        from desktop.ui.kernels.panel import KernelsPanel

        panel = KernelsPanel(current_drawing=self.write_panel.current_input)
        panel.status_message.connect(self._show_status)
        return panel

    def _build_results(self) -> QWidget:
        # Fed by the window, not the host: the host's queued announcement may already be on its way
        # when this panel is built (starting on Results), and a connection made after the emit never
        # receives it. The window's own signal is emitted in this thread once it has the list, so
        # the panel either finds the list here or receives it later; there is no gap between.
        from desktop.ui.results.panel import ResultsPanel

        panel = ResultsPanel(self)
        panel.status_message.connect(self._show_status)
        if self._models_known:
            panel.set_models(self.models, self.problems)
        return panel

    def _build_camera(self) -> QWidget:
        # The Camera panel loads its photo models and looks for cameras when it is first shown.
        from desktop.ui.camera.panel import CameraPanel

        panel = CameraPanel(default_model_folders(self.models_dir))
        panel.status_message.connect(self._show_status)
        return panel

    def _build_teach(self) -> QWidget:
        # The Teach panel exports into the user's models folder; the Camera panel then lists the model.
        from desktop.ui.teach.panel import TeachPanel

        panel = TeachPanel(current_drawing=self.write_panel.current_input,
                           model_folders=default_model_folders(self.models_dir), user_models_dir=self.models_dir,
                           project_folder=self._teach_project)
        panel.status_message.connect(self._show_status)
        panel.model_exported.connect(self._on_model_exported)
        return panel

    def _on_model_exported(self, _path) -> None:
        camera = self._pages["Camera"].panel
        if camera is not None:  # a camera panel built later scans the folder itself
            camera.rescan_models()

    @property
    def kernels_panel(self) -> KernelsPanel:
        return self._pages["Kernels"].ensure()

    @property
    def results_panel(self) -> ResultsPanel:
        return self._pages["Results"].ensure()

    @property
    def camera_panel(self) -> CameraPanel:
        return self._pages["Camera"].ensure()

    @property
    def teach_panel(self) -> TeachPanel:
        return self._pages["Teach"].ensure()

    # -- commands --------------------------------------------------------------------------------
    def show_panel(self, index: int) -> None:
        self.sidebar.setCurrentRow(max(0, min(index, len(PANELS) - 1)))

    def show_panel_named(self, name: str) -> QWidget:
        """Show panel ``name`` (one of ``PANELS``) and return it, built on first use: the controller whose
        command interface (``desktop.ui.panel_commands.PANEL_COMMANDS[name]``) lessons drive."""
        self.show_panel(PANELS.index(name))
        return self.write_panel if name == PANELS[0] else self._pages[name].ensure()

    def current_panel(self) -> str:
        return PANELS[self.stack.currentIndex()]

    def _open_image(self) -> None:
        self._on_write(self.write_panel.open_image_dialog)

    def _on_write(self, command) -> None:
        """A Write panel command from the menus: the panel is shown first (it is panel 0)."""
        self.show_panel(0)
        command()

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(tr("About {title}", title=tr("CNN Classroom")))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(about_text(self.models_dir))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- zoom, theme and language ----------------------------------------------------------------
    def zoom(self) -> float:
        return ZOOM_STEPS[self._zoom_index]

    def set_zoom_index(self, index: int) -> None:
        """Presentation zoom: fonts (and with them most widgets) grow for the back of the classroom."""
        self._zoom_index = max(0, min(index, len(ZOOM_STEPS) - 1))
        factor = self.zoom()
        font = QFont(self._base_font)
        if font.pointSizeF() > 0:
            font.setPointSizeF(self._base_font.pointSizeF() * factor)
        else:
            font.setPixelSize(max(1, round(self._base_font.pixelSize() * factor)))
        self.setFont(font)
        self._style_sidebar()
        self.write_panel.set_zoom(factor)
        self.statusBar().showMessage(tr("Zoom {factor:.0%}", factor=factor), 2000)

    def _style_sidebar(self) -> None:
        """The panel list's font, icons, rules and width for the zoom, language and theme now."""
        zoom = self.zoom()
        self.sidebar.setFont(style.sidebar_font(self.font()))
        side = style.sidebar_icon_side(self.sidebar.font())
        self.sidebar.setIconSize(QSize(side, side))
        self.sidebar.setStyleSheet(style.sidebar_rules(zoom))
        self.sidebar.setFixedWidth(style.sidebar_width(self.sidebar, zoom))

    def choose_theme(self, theme: str) -> None:
        """Switch to ``theme`` (one of ``style.THEMES``) now and remember it."""
        style.save_theme_setting(theme)
        self.apply_theme(theme)

    def apply_theme(self, theme: str) -> None:
        """Show ``theme`` without saving it (start-up, tests)."""
        style.apply_theme(theme)
        self.menus.theme_actions[theme].setChecked(True)
        self.banner.set_theme(theme)
        self._style_sidebar()  # its rules name palette colours: set again, they are read when set

    def theme(self) -> str:
        return style.current_theme()

    def choose_language(self, choice: str) -> None:
        """Switch the interface to ``choice`` ("en", "zh_CN" or "system") now and remember it."""
        save_language_setting(choice)
        self.menus.language_actions[choice].setChecked(True)
        set_language(choice)

    def _on_language_changed(self, _language: str) -> None:
        # The zoomed window font was copied from the application font: take over its new families
        # (a CJK fallback for Chinese) without changing the zoom.
        self._base_font.setFamilies(QApplication.font().families())
        self.set_zoom_index(self._zoom_index)
        self.statusBar().showMessage(tr("Interface language: English"), 4000)

    # -- presentation and the screen -------------------------------------------------------------
    def is_presenting(self) -> bool:
        return self._presentation.is_on()

    def enter_presentation(self, zoom: float) -> None:
        """Fill the screen the window is on at the largest zoom up to ``zoom`` at which it still fits."""
        self._presentation.enter(zoom)

    def leave_presentation(self) -> None:
        """Back to the window's geometry, state and zoom from before presentation mode."""
        self._presentation.leave()

    def fit_to_screen(self) -> None:
        """Bring the window back inside its screen as far as its minimum size allows (full screen
        again while presenting)."""
        fit_to_screen(self, self.is_presenting())

    def _on_panel_changed(self, _index: int) -> None:
        # Each panel needs its own room: while presenting, take the largest zoom that fits this one.
        self._presentation.fit_zoom()
        # Once the layouts have taken in the new panel's minimum (queued events), come back onto the
        # screen if a wider panel before had pushed the window past its edge.
        QTimer.singleShot(0, self, self.fit_to_screen)

    # -- models ----------------------------------------------------------------------------------
    def models_known(self) -> bool:
        """True once the model scan has been announced (it may have found no model)."""
        return self._models_known

    def _on_models_ready(self, models: list[ModelInfo], problems: list[ModelProblem]) -> None:
        self.models, self.problems = list(models), list(problems)
        self._models_known = True
        self.banner.show_problems(self.problems)
        found = tr("{n} model(s) ready", n=len(models))
        if problems:
            names = ", ".join(p.path.name for p in problems)
            self.statusBar().showMessage(tr("{found}; skipped {n}: {names}", found=found, n=len(problems), names=names))
        else:
            self.statusBar().showMessage(found, 5000)
        self.models_ready.emit(self.models, self.problems)

    # -- settings --------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        settings = QSettings()
        restore_geometry(self, settings)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        # Each value is checked: a settings file from another version, edited by hand or damaged
        # gets the default for what it cannot give, never a dead panel or a crash.
        self.show_panel(whole_number_setting(settings, "window/panel", 0, len(PANELS) - 1, default=0))
        self.set_zoom_index(whole_number_setting(settings, "view/zoom_index", 0, len(ZOOM_STEPS) - 1,
                                                 default=DEFAULT_ZOOM_INDEX))
        self.write_panel.set_grid_visible(str(settings.value("view/grid", "true")).lower() == "true")
        self.write_panel.set_vocabulary(str(settings.value("write/characters", "course")))  # unknown: course
        self.statusBar().showMessage(tr("Loading the models…"))

    def save_settings(self) -> None:
        settings = QSettings()
        # Remembered as the window was before presenting, if it is presenting now.
        before = self._presentation.window_before()
        geometry, state, zoom_index = before or (normal_geometry(self), self.windowState(), self._zoom_index)
        save_geometry(settings, geometry, state)
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/panel", self.stack.currentIndex())
        settings.setValue("view/zoom_index", zoom_index)
        settings.setValue("view/grid", "true" if self.write_panel.grid_visible() else "false")
        settings.setValue("write/characters", self.write_panel.vocabulary())
        settings.sync()

    def _running_work(self) -> list[str]:
        """The background work going on now, in words (logged when the window closes)."""
        work = []
        camera = self._pages["Camera"].panel
        if camera is not None:
            source = camera.source()
            if source is not None and source.is_running():
                work.append("capture")
            if camera.is_classifying():
                work.append("classification")
        teach = self._pages["Teach"].panel
        if teach is not None and teach.is_busy():
            work.append("a Teach job")
        return work

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        started = time.perf_counter()
        work = self._running_work()
        log.info("closing the window%s", f" while running: {', '.join(work)}" if work else "")
        self.save_settings()
        teach = self._pages["Teach"].panel
        if teach is not None:
            teach.cancel()  # a job checks the flag between steps while the others stop
        self.host.shutdown()
        self.write_panel.shutdown()
        self.lessons_dock.shutdown()
        for page in self._pages.values():
            if page.panel is not None:
                page.panel.shutdown()
        log.info("window closed in %.0f ms", 1000 * (time.perf_counter() - started))
        super().closeEvent(event)
