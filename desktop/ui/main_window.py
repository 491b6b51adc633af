"""The main window: a panel switcher, the menus, the About box and the remembered layout.

The window owns the :class:`ModelHost` thread (model loading and inference never run in the GUI
thread) and shows which model files were skipped, and why, without stopping anyone from writing.
"""

from __future__ import annotations

import logging
import platform
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QByteArray, QEvent, QRect, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.core.contract import assets_dir
from desktop.core.registry import ModelInfo, ModelProblem, default_model_folders
from desktop.ui.i18n import (
    SYSTEM,
    available_languages,
    language_setting,
    notifier,
    save_language_setting,
    set_language,
    tr,
    tr_noop,
    translated,
)
from desktop.ui import style
from desktop.ui.icons import panel_icon
from desktop.ui.lessons.dock import LessonsDock
from desktop.ui.saved_settings import whole_number_setting
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.panel import WritePanel

if TYPE_CHECKING:  # imported where each panel is built: a start on Write loads none of them
    from desktop.ui.camera.panel import CameraPanel
    from desktop.ui.kernels.panel import KernelsPanel
    from desktop.ui.results.panel import ResultsPanel
    from desktop.ui.teach.panel import TeachPanel

log = logging.getLogger(__name__)

WINDOW_TITLE = "CNN Classroom"
# Names are identifiers in code; the sidebar and menus show them through tr(name).
PANELS = (tr_noop("Write"), tr_noop("Camera"), tr_noop("Teach"), tr_noop("Kernels"), tr_noop("Results"))
COMING_SOON: dict[str, str] = {}  # panel name -> what it will do, for panels not built yet
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0)
DEFAULT_ZOOM_INDEX = ZOOM_STEPS.index(1.0)
#: The first window takes this share of the screen's free area, centred...
DEFAULT_SCREEN_SHARE = 0.9
#: ...or the whole of it (maximised) on a screen smaller than this: a projector, a small laptop.
SMALL_SCREEN = QSize(1400, 850)
LAYOUT_ROUNDS = 8  # nested layouts pass a change up one level per round of layout requests


def default_geometry(available: QRect) -> tuple[QRect, bool]:
    """The first window on a screen whose free area is ``available``: (normal geometry, maximised)."""
    size = QSize(round(available.width() * DEFAULT_SCREEN_SHARE), round(available.height() * DEFAULT_SCREEN_SHARE))
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(available.center())
    small = available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height()
    return rect, small


def start_geometry(saved: QRect | None, saved_maximised: bool, free_areas: list[QRect],
                   here: QRect) -> tuple[QRect, bool]:
    """Where the window opens: (normal geometry, maximised).

    The saved geometry when the free area of one screen (``free_areas``) holds all of it; otherwise
    (saved on a larger monitor, a monitor gone, nothing saved) the default for the free area ``here``.
    """
    if saved is not None and any(area.contains(saved) for area in free_areas):
        return saved, saved_maximised
    return default_geometry(here)


def parse_rect(value) -> QRect | None:
    """A saved "x,y,width,height" (or a list of four numbers) as a QRect; None for anything else."""
    parts = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    try:
        x, y, width, height = (int(str(part).strip()) for part in parts)
    except ValueError:
        return None
    return QRect(x, y, width, height) if width > 0 and height > 0 else None


def coming_soon_page(name: str) -> QWidget:
    page = QWidget()
    page.setObjectName(f"{name.lower()}Panel")
    page.setAccessibleName(f"{name} panel (coming soon)")
    text = QLabel(f"<h2>{tr(name)}</h2><p><i>{tr('Coming soon.')}</i></p><p>{tr(COMING_SOON[name])}</p>")
    text.setWordWrap(True)
    text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    text.setMaximumWidth(640)
    layout = QVBoxLayout(page)
    margin = style.SECTION_GAP * 2
    layout.setContentsMargins(margin, margin, margin, margin)
    layout.addWidget(text)
    layout.addStretch()
    return page


def _first_paragraphs(path: Path, limit: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    paragraphs = [p.strip().replace("\n", " ") for p in text.split("\n\n") if p.strip() and not p.startswith("#")]
    return " ".join(paragraphs[:limit])


def versions() -> dict[str, str]:
    """Versions of the app and of the libraries it runs on, for the About box and bug reports."""
    import cv2
    import numpy
    import onnxruntime
    import PySide6
    from PySide6 import QtCore

    return {
        "CNN Classroom": __version__,
        "Python": platform.python_version(),
        "Qt": QtCore.qVersion(),
        "PySide6": PySide6.__version__,
        "onnxruntime": onnxruntime.__version__,
        "NumPy": numpy.__version__,
        "OpenCV": cv2.__version__,
    }


def about_text(user_models: Path | None = None) -> str:
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in versions().items())
    strokes = assets_dir() / "strokes" / "hanzi-writer-data"
    characters = assets_dir() / "characters"
    licence_file = strokes / "ARPHICPL.TXT"
    return (
        f"<h2>{tr('CNN Classroom')} {__version__}</h2>"
        f"<p>{tr('An offline classroom for convolutional neural networks: draw, photograph, train and look inside.')}</p>"
        f"<table>{rows}</table>"
        f"<h3>{tr('Models')}</h3>"
        f"<p>{tr('Shipped:')} <code>{assets_dir() / 'models'}</code><br>"
        f"{tr('Yours (put exported <code>.onnx</code> files here):')} <code>{user_models or tr('none')}</code></p>"
        f"<h3>{tr('Bundled data')}</h3>"
        # The data READMEs are quoted as written (English): they carry the licences' exact wording.
        f"<p><b>{tr('Stroke data')}</b> (<code>assets/strokes/hanzi-writer-data</code>): {_first_paragraphs(strokes / 'README.md')}"
        f" {tr('The licence text is in {file}', file=f'<code>{licence_file.name}</code>')}"
        f"{'' if licence_file.is_file() else tr(' (missing from this installation)')}.</p>"
        f"<p><b>{tr('Character table')}</b> (<code>assets/characters</code>): {_first_paragraphs(characters / 'README.md', 4)}</p>"
    )


class SkippedModelsBanner(QFrame):
    """A dismissible strip above the panels listing the model files that were not loaded."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("skippedModelsBanner")
        self.setAccessibleName("Skipped model files")
        self.set_theme(style.SYSTEM)
        self.label = QLabel()
        self.label.setObjectName("skippedModelsText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setObjectName("dismissSkippedModels")
        self.close_button.setAccessibleName("Dismiss the skipped models message")
        translated(self.close_button.setToolTip, "Dismiss", owner=self.close_button)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, stretch=1)
        layout.addWidget(self.close_button, alignment=Qt.AlignmentFlag.AlignTop)
        self.hide()

    def set_theme(self, theme: str) -> None:
        self.setStyleSheet(style.notice_rules(theme))

    def show_problems(self, problems: list[ModelProblem]) -> None:
        if not problems:
            self.hide()
            return
        lines = "".join(f"<li><b>{p.path.name}</b> ({p.path.parent}): {p.reason}</li>" for p in problems)
        self.label.setText(tr("{n} model file(s) skipped; everything else works:", n=len(problems)) + f"<ul>{lines}</ul>")
        self.show()


class LazyPanel(QWidget):
    """A page of the panel stack that builds its panel the first time it is shown."""

    def __init__(self, factory: Callable[[], QWidget], name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"page{name}")
        self.setAccessibleName(f"{name} panel")
        self._factory = factory
        self.panel: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.panel is None:
            self.panel = self._factory()
            self._layout.addWidget(self.panel)
            self.panel.show()  # a child added to a page already on screen is not shown by itself
        return self.panel

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.ensure()
        super().showEvent(event)


class CurrentPageStack(QStackedWidget):
    """A panel stack whose size hints are the current panel's alone.

    A plain QStackedWidget asks for the largest hint of all its pages, so a window that once showed
    a wide panel could never be narrowed again, even on a small one.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        page = self.currentWidget()
        if page is None:
            return super().minimumSizeHint()
        hint = page.minimumSizeHint().expandedTo(page.minimumSize())
        return hint.boundedTo(page.maximumSize())


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
        # (normal geometry, window state, zoom index) from before presentation mode; None outside it
        self._before_presentation: tuple[QRect, Qt.WindowState, int] | None = None
        self._presentation_zoom = 1.0

        self.host = ModelHost(default_model_folders(self.models_dir))

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
        self.write_panel = WritePanel(self.host)
        # After the panel's own connection: the window's models_ready means the panel has them too.
        self.host.models_ready.connect(self._on_models_ready)
        self.stack.addWidget(self.write_panel)
        # The other panels are built the first time they are shown, so the window opens fast and
        # a lesson on handwriting does not pay for the camera, kernels, teaching and results.
        self._pages = {
            "Camera": LazyPanel(self._build_camera, "Camera"),
            "Teach": LazyPanel(self._build_teach, "Teach"),
            "Kernels": LazyPanel(self._build_kernels, "Kernels"),
            "Results": LazyPanel(self._build_results, "Results"),
        }
        for name in PANELS[1:]:
            self.stack.addWidget(self._pages[name] if name in self._pages else coming_soon_page(name))
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.stack.currentChanged.connect(self._on_panel_changed)
        self.write_panel.message.connect(lambda text: self.statusBar().showMessage(text, 8000))

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

        self._build_menus()
        self.apply_theme(style.theme_setting())
        self._restore_settings()
        app = QApplication.instance()
        if app is not None:  # a window never closed (killed session, tests) still stops its thread
            app.aboutToQuit.connect(self.host.shutdown)
        self.host.start()

    # -- panels built on first use -------------------------------------------------------------
    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _build_kernels(self) -> QWidget:
        # The Kernels panel convolves the Write panel's drawing exactly as the model sees it.
        from desktop.ui.kernels.panel import KernelsPanel

        panel = KernelsPanel(current_drawing=self.write_panel.current_input)
        panel.message.connect(self._show_message)
        return panel

    def _build_results(self) -> QWidget:
        # Fed by the window, not the host: the host's queued announcement may already be on its way
        # when this panel is built (starting on Results), and a connection made after the emit never
        # receives it. The window's own signal is emitted in this thread once it has the list, so
        # the panel either finds the list here or receives it later; there is no gap between.
        from desktop.ui.results.panel import ResultsPanel

        panel = ResultsPanel(self)
        panel.message.connect(self._show_message)
        if self._models_known:
            panel.set_models(self.models, self.problems)
        return panel

    def _build_camera(self) -> QWidget:
        # The Camera panel loads its photo models and looks for cameras when it is first shown.
        from desktop.ui.camera.panel import CameraPanel

        panel = CameraPanel(default_model_folders(self.models_dir))
        panel.message.connect(self._show_message)
        return panel

    def _build_teach(self) -> QWidget:
        # The Teach panel exports into the user's models folder; the Camera panel then lists the model.
        from desktop.ui.teach.panel import TeachPanel

        panel = TeachPanel(current_drawing=self.write_panel.current_input,
                           model_folders=default_model_folders(self.models_dir), user_models_dir=self.models_dir,
                           project_folder=self._teach_project)
        panel.message.connect(self._show_message)
        panel.model_exported.connect(self._on_model_exported)
        return panel

    def _on_model_exported(self, _path) -> None:
        camera = self._pages["Camera"].panel
        if camera is not None:  # a camera panel built later scans the folder itself
            camera.classifier.rescan()

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

    # -- menus -----------------------------------------------------------------------------------
    def _action(self, menu, text: str, name: str, shortcut, slot, checkable: bool = False, **fmt) -> QAction:
        """A menu command; ``text`` is the English source (marked with tr_noop), shown translated."""
        action = QAction(self)
        translated(action.setText, text, owner=action, **fmt)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("")
        translated(file_menu.setTitle, "&File", owner=file_menu)
        self.open_action = self._action(file_menu, tr_noop("&Open image…"), "openImageAction", QKeySequence.StandardKey.Open,
                                        self._open_image)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, tr_noop("&Quit"), "quitAction", "Ctrl+Q", self.close)

        edit_menu = bar.addMenu("")
        translated(edit_menu.setTitle, "&Edit", owner=edit_menu)
        self.undo_action = self._action(edit_menu, tr_noop("&Undo"), "undoAction", "Ctrl+Z", self.write_panel.undo)
        self.redo_action = self._action(edit_menu, tr_noop("&Redo"), "redoAction", "Ctrl+Shift+Z", self.write_panel.redo)
        self.clear_action = self._action(edit_menu, tr_noop("&Clear"), "clearAction", "Esc", self.write_panel.clear)

        view_menu = bar.addMenu("")
        translated(view_menu.setTitle, "&View", owner=view_menu)
        self.panel_actions = []
        for index, name in enumerate(PANELS):
            action = self._action(view_menu, tr_noop("&{n} {panel}"), f"show{name}Action", f"Ctrl+{index + 1}",
                                  lambda _=False, i=index: self.show_panel(i), n=index + 1,
                                  panel=lambda name=name: tr(name))
            self.panel_actions.append(action)
        view_menu.addSeparator()
        self.zoom_in_action = self._action(view_menu, tr_noop("Presentation zoom &in"), "zoomInAction",
                                           QKeySequence.StandardKey.ZoomIn, lambda: self.set_zoom_index(self._zoom_index + 1))
        self.zoom_out_action = self._action(view_menu, tr_noop("Presentation zoom &out"), "zoomOutAction",
                                            QKeySequence.StandardKey.ZoomOut, lambda: self.set_zoom_index(self._zoom_index - 1))
        self.zoom_reset_action = self._action(view_menu, tr_noop("&Reset zoom"), "zoomResetAction", "Ctrl+0",
                                              lambda: self.set_zoom_index(DEFAULT_ZOOM_INDEX))
        # Ctrl++ without Shift on keyboards where "+" needs no Shift, and Ctrl+= where it does.
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        view_menu.addSeparator()
        self.grid_action = self._action(view_menu, tr_noop("米字格 &grid"), "gridAction", None, self.write_panel.set_grid_visible,
                                        checkable=True)
        self.grid_action.setChecked(self.write_panel.grid_checkbox.isChecked())
        self.write_panel.grid_checkbox.toggled.connect(self.grid_action.setChecked)
        self._build_language_menu(view_menu)
        self._build_theme_menu(view_menu)
        view_menu.addSeparator()
        # Built with the menus, before the saved layout is restored, so the dock's place comes back.
        self.lessons_dock = LessonsDock(self)
        self.lessons_dock.add_to_menu(view_menu)

        help_menu = bar.addMenu("")
        translated(help_menu.setTitle, "&Help", owner=help_menu)
        self.about_action = self._action(help_menu, tr_noop("&About CNN Classroom"), "aboutAction", None, self.show_about)

    def _build_language_menu(self, view_menu) -> None:
        """View > Language: each language by its own name, or the system's; switches live and is remembered."""
        menu = view_menu.addMenu("")
        menu.setObjectName("languageMenu")
        translated(menu.setTitle, "&Language", owner=menu)
        self.language_menu = menu
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        choices = [(code, name) for code, name in available_languages()] + [(SYSTEM, None)]
        saved = language_setting()
        for code, name in choices:
            action = QAction(self)
            action.setObjectName(f"language_{code}Action")
            if name is None:
                translated(action.setText, "Follow the &system", owner=action)
            else:
                action.setText(name)  # a language's own name, the same in every interface language
            action.setCheckable(True)
            action.setChecked(code == saved)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[code] = action
        notifier().language_changed.connect(self._on_language_changed)

    def _build_theme_menu(self, view_menu) -> None:
        """View > Theme: the system's look, or high contrast (light or dark) for projectors; remembered."""
        menu = view_menu.addMenu("")
        menu.setObjectName("themeMenu")
        translated(menu.setTitle, "&Theme", owner=menu)
        self.theme_menu = menu
        group = QActionGroup(self)
        group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for theme in style.THEMES:
            action = QAction(self)
            action.setObjectName(f"theme_{theme}Action")
            translated(action.setText, style.THEME_TITLES[theme], owner=action)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, t=theme: self.choose_theme(t))
            group.addAction(action)
            menu.addAction(action)
            self.theme_actions[theme] = action

    def choose_theme(self, theme: str) -> None:
        """Switch to ``theme`` (one of ``style.THEMES``) now and remember it."""
        style.save_theme_setting(theme)
        self.apply_theme(theme)

    def apply_theme(self, theme: str) -> None:
        """Show ``theme`` without saving it (start-up, tests)."""
        style.apply_theme(theme)
        self.theme_actions[theme].setChecked(True)
        self.banner.set_theme(theme)
        self._style_sidebar()  # its rules name palette colours: set again, they are read when set

    def theme(self) -> str:
        return style.current_theme()

    def choose_language(self, choice: str) -> None:
        """Switch the interface to ``choice`` ("en", "zh_CN" or "system") now and remember it."""
        save_language_setting(choice)
        self.language_actions[choice].setChecked(True)
        set_language(choice)

    def _on_language_changed(self, _language: str) -> None:
        # The zoomed window font was copied from the application font: take over its new families
        # (a CJK fallback for Chinese) without changing the zoom.
        self._base_font.setFamilies(QApplication.font().families())
        self.set_zoom_index(self._zoom_index)
        self.statusBar().showMessage(tr("Interface language: English"), 4000)

    # -- commands --------------------------------------------------------------------------------
    def show_panel(self, index: int) -> None:
        self.sidebar.setCurrentRow(max(0, min(index, len(PANELS) - 1)))

    def current_panel(self) -> str:
        return PANELS[self.stack.currentIndex()]

    def _open_image(self) -> None:
        self.show_panel(0)
        self.write_panel.open_image_dialog()

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

    # -- presentation ----------------------------------------------------------------------------
    def is_presenting(self) -> bool:
        return self._before_presentation is not None

    def enter_presentation(self, zoom: float) -> None:
        """Fill the screen the window is on, with the largest zoom up to ``zoom`` at which the window
        (and the panel shown) still fits; never smaller than the zoom before."""
        if self._before_presentation is None:
            self._before_presentation = (self._normal_geometry(), self.windowState(), self._zoom_index)
        self._presentation_zoom = zoom
        screen = self.screen() or QGuiApplication.primaryScreen()
        # Set the size as well: without a window manager, full screen is a request nobody grants.
        self.setGeometry(screen.geometry())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
        self._fit_presentation_zoom()

    def leave_presentation(self) -> None:
        """Back to the window's geometry, state and zoom from before presentation mode."""
        if self._before_presentation is None:
            return
        geometry, state, zoom_index = self._before_presentation
        self._before_presentation = None
        self.set_zoom_index(zoom_index)
        self._settled_minimum()  # the smaller minimum of the old zoom, so the old size is allowed again
        # Normal first, with the old size; then maximised again if it was (its normal size stays right).
        self.setWindowState(Qt.WindowState.WindowNoState)
        self.setGeometry(geometry)
        if state & Qt.WindowState.WindowMaximized:
            self.setWindowState(Qt.WindowState.WindowMaximized)

    def _normal_geometry(self) -> QRect:
        """Where the window goes when not maximised (Qt knows none for a window maximised before it was
        first shown: then the default for its screen)."""
        geometry = QRect(self.normalGeometry())
        screen = self.screen() or QGuiApplication.primaryScreen()
        if (not geometry.isValid() or geometry.width() <= 0) and screen is not None:
            geometry = default_geometry(screen.availableGeometry())[0]
        return geometry

    def _fit_presentation_zoom(self) -> None:
        """The largest zoom step up to the presentation zoom at which the window fits its screen."""
        if self._before_presentation is None:
            return
        lowest = self._before_presentation[2]
        target = max(self._presentation_zoom, ZOOM_STEPS[lowest])
        room = (self.screen() or QGuiApplication.primaryScreen()).geometry().size()
        candidates = [i for i in range(len(ZOOM_STEPS)) if lowest <= i and ZOOM_STEPS[i] <= target + 1e-9]
        for index in reversed(candidates):  # the largest first
            self.set_zoom_index(index)
            hint = self._settled_minimum()
            if hint.width() <= room.width() and hint.height() <= room.height():
                break
        else:
            self.set_zoom_index(lowest)
        self.fit_to_screen()  # full screen again if a zoom tried on the way pushed the window past it

    def _settled_minimum(self) -> QSize:
        """The window's minimum size once the layouts have taken in a change (a font, a panel).

        Layouts learn of a change through queued layout requests, one level per round; they are
        delivered here, a bounded number of rounds, so the answer is the new one.
        """
        hint = self.minimumSizeHint()
        for _ in range(LAYOUT_ROUNDS):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            again = self.minimumSizeHint()
            if again == hint:
                break
            hint = again
        return hint

    def _on_panel_changed(self, _index: int) -> None:
        # Each panel needs its own room: while presenting, take the largest zoom that fits this one.
        if self._before_presentation is not None:
            self._fit_presentation_zoom()
        # Once the layouts have taken in the new panel's minimum (queued events), come back onto the
        # screen if a wider panel before had pushed the window past its edge.
        QTimer.singleShot(0, self, self.fit_to_screen)

    def fit_to_screen(self) -> None:
        """Bring the window back inside its screen as far as its minimum size allows (full screen
        again while presenting)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None or not self.isVisible():
            return
        self._settled_minimum()  # the minimum of the panel shown now, not of the one before
        if self._before_presentation is not None:
            # A wider panel or zoom before may have pushed the window past the screen, or out of
            # full screen: the screen again, as far as the minimum allows.
            if self.geometry() != screen.geometry():
                self.setGeometry(screen.geometry())
            if not self.isFullScreen():
                self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        if area.contains(frame):
            return
        if self.isMaximized():  # maximised, but pushed wider by the panel before: maximised again
            self.showNormal()
            self.setGeometry(self._normal_geometry() if area.contains(self._normal_geometry()) else area)
            self.showMaximized()
            return
        extra = frame.size() - self.geometry().size()  # the window manager's frame
        width = max(self.minimumWidth(), min(self.width(), area.width() - extra.width()))
        height = max(self.minimumHeight(), min(self.height(), area.height() - extra.height()))
        self.resize(width, height)
        frame = self.frameGeometry()
        x = max(area.left(), min(frame.left(), area.right() + 1 - frame.width()))
        y = max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height()))
        self.move(x, y)

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(tr("About {title}", title=tr("CNN Classroom")))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(about_text(self.models_dir))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

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
        self._restore_geometry(settings)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        # Each value is checked: a settings file from another version, edited by hand or damaged
        # gets the default for what it cannot give, never a dead panel or a crash.
        self.show_panel(whole_number_setting(settings, "window/panel", 0, len(PANELS) - 1, default=0))
        self.set_zoom_index(whole_number_setting(settings, "view/zoom_index", 0, len(ZOOM_STEPS) - 1,
                                                 default=DEFAULT_ZOOM_INDEX))
        self.write_panel.set_grid_visible(str(settings.value("view/grid", "true")).lower() == "true")
        self.statusBar().showMessage(tr("Loading the models…"))

    def _restore_geometry(self, settings: QSettings) -> None:
        """The saved place and size when they fit a screen now; else the default for this screen.

        (A window saved on a 1920x1080 monitor and opened on a 1280x720 projector would otherwise
        hang off the edges: Qt's own restore keeps a size larger than the screen.)
        """
        saved = parse_rect(settings.value("window/normal_geometry"))
        maximised = str(settings.value("window/maximised", "false")).lower() == "true"
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free_areas = [s.availableGeometry() for s in QGuiApplication.screens()]
        rect, maximised = start_geometry(saved, maximised, free_areas, screen.availableGeometry())
        if saved is not None and rect != saved:
            log.info("the saved window geometry %s fits no screen now; using the default", saved.getRect())
        self.setGeometry(rect)
        if maximised:
            self.setWindowState(Qt.WindowState.WindowMaximized)

    def save_settings(self) -> None:
        settings = QSettings()
        if self._before_presentation is not None:  # remember the window as it was before presenting
            geometry, state, zoom_index = self._before_presentation
        else:
            geometry, state, zoom_index = self._normal_geometry(), self.windowState(), self._zoom_index
        settings.setValue("window/normal_geometry", ",".join(str(v) for v in geometry.getRect()))
        settings.setValue("window/maximised", "true" if state & Qt.WindowState.WindowMaximized else "false")
        settings.remove("window/geometry")  # Qt's own format from earlier versions: it kept oversized windows
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/panel", self.stack.currentIndex())
        settings.setValue("view/zoom_index", zoom_index)
        settings.setValue("view/grid", "true" if self.write_panel.grid_checkbox.isChecked() else "false")
        settings.sync()

    def running_work(self) -> list[str]:
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
        work = self.running_work()
        log.info("closing the window%s", f" while running: {', '.join(work)}" if work else "")
        self.save_settings()
        teach = self._pages["Teach"].panel
        if teach is not None:
            teach.cancel()  # a job checks the flag between steps while the others stop
        self.host.shutdown()
        self.write_panel.why.shutdown()
        self.lessons_dock.shutdown()
        for page in self._pages.values():
            if page.panel is not None:
                page.panel.shutdown()
        log.info("window closed in %.0f ms", 1000 * (time.perf_counter() - started))
        super().closeEvent(event)
