"""The window side of fitting a classroom screen: first size, restored size, the panel stack, the
panel list with its icons, presentation mode (F5) and the themes.

These run on the test process's offscreen screen (800 x 600); tests/ui/test_layout_fit.py measures
the whole window on projector-sized screens in a child process.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from desktop.ui import i18n, style, window_presentation
from desktop.ui.icons import DRAWINGS, panel_icon
from desktop.ui.main_window import PANELS, ZOOM_STEPS, MainWindow
from desktop.ui.window_geometry import default_geometry, parse_rect, start_geometry


@pytest.fixture
def open_window(qtbot):
    def make() -> MainWindow:
        window = MainWindow()
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.models_ready, timeout=30_000):
            window.show()
            qtbot.waitExposed(window)
        return window
    return make


@pytest.fixture
def system_theme_afterwards():
    """The application palette and style are process-wide: put the system theme back for later tests."""
    yield
    style.apply_theme(style.SYSTEM)


@pytest.fixture
def english_afterwards():
    yield
    i18n.set_language("en")


def screen_free_area() -> QRect:
    return QGuiApplication.primaryScreen().availableGeometry()


# -- first start and restored geometry ------------------------------------------------------------
def test_the_first_window_takes_most_of_a_large_screen_and_all_of_a_small_one() -> None:
    full_hd = QRect(0, 0, 1920, 1040)
    rect, maximised = default_geometry(full_hd)
    assert not maximised and full_hd.contains(rect) and rect.center() == full_hd.center()
    assert rect.width() == round(1920 * 0.9) and rect.height() == round(1040 * 0.9)
    for projector in (QRect(0, 0, 1280, 720), QRect(0, 0, 1024, 768), QRect(1920, 0, 1366, 768)):
        rect, maximised = default_geometry(projector)
        assert maximised and projector.contains(rect)


def test_a_saved_geometry_comes_back_only_where_a_screen_holds_it() -> None:
    projector = QRect(0, 0, 1280, 720)
    monitors = [QRect(0, 0, 1920, 1040), QRect(1920, 0, 1280, 720)]
    saved = QRect(100, 80, 1000, 600)
    assert start_geometry(saved, False, [projector], projector) == (saved, False)
    assert start_geometry(saved, True, [projector], projector) == (saved, True)
    on_big_monitor = QRect(50, 50, 1700, 950)  # saved at home, opened on the classroom projector
    assert start_geometry(on_big_monitor, False, [projector], projector) == default_geometry(projector)
    on_second_monitor = QRect(2000, 40, 1100, 600)
    assert start_geometry(on_second_monitor, False, monitors, monitors[0]) == (on_second_monitor, False)
    assert start_geometry(on_second_monitor, False, monitors[:1], monitors[0]) == default_geometry(monitors[0])
    assert start_geometry(None, False, [projector], projector) == default_geometry(projector)


@pytest.mark.parametrize("value", ["", "garbage", "1,2,3", "0,0,-1,-1", "a,b,c,d", None, [1, 2, 3, 4, 5]])
def test_unusable_saved_geometries_are_ignored(value) -> None:
    assert parse_rect(value) is None
    assert parse_rect("10, 20, 300, 200") == QRect(10, 20, 300, 200)


def test_the_window_opens_from_the_screen_and_restores_what_fits(qtbot, open_window) -> None:
    first = open_window()
    assert first.isMaximized()  # the 800 x 600 test screen is a small screen
    assert first.frameGeometry().topLeft() == screen_free_area().topLeft()
    first.close()
    assert parse_rect(QSettings().value("window/normal_geometry")) is not None

    QSettings().setValue("window/normal_geometry", "10,20,700,500")
    QSettings().setValue("window/maximised", "false")
    fits = open_window()
    assert not fits.isMaximized() and fits.geometry().topLeft() == QRect(10, 20, 700, 500).topLeft()
    fits.close()

    QSettings().setValue("window/normal_geometry", "0,0,1900,1000")  # saved on a larger monitor
    too_big = open_window()
    assert too_big.isMaximized()
    too_big.close()


# -- the panel stack ------------------------------------------------------------------------------
def test_leaving_a_wide_panel_lets_the_window_narrow_again(qtbot, open_window) -> None:
    window = open_window()
    stack = window.stack
    # What the window adds beside the panel: the panel list, the spacing between, the margins.
    chrome = window.sidebar.width() + style.SPACING + 2 * style.WINDOW_MARGIN

    def page_minimum(index: int) -> QSize:
        page = stack.widget(index)
        return page.minimumSizeHint().expandedTo(page.minimumSize())

    def follows(index: int) -> bool:
        """The window's enforced minimum width is the panel shown now (plus the chrome), not the widest."""
        return (stack.minimumSizeHint() == page_minimum(index)
                and window.minimumWidth() == page_minimum(index).width() + chrome)

    for index in list(range(len(PANELS))) + [0]:  # every panel built and shown, then Write again
        window.show_panel(index)
        qtbot.waitUntil(lambda: follows(index), timeout=5_000)
    widest = max(page_minimum(i).width() for i in range(stack.count()))
    assert window.minimumWidth() <= widest + chrome


# -- the panel list -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(DRAWINGS))
def test_panel_icons_are_drawn_at_any_size(name) -> None:
    icon = panel_icon(name)
    assert not icon.isNull()
    for side, scale in ((16, 1.0), (24, 1.5), (48, 2.0), (96, 1.0)):
        image = icon.pixmap(QSize(side, side), scale).toImage()
        assert image.width() == round(side * scale)
        inked = sum(1 for y in range(image.height()) for x in range(image.width()) if image.pixelColor(x, y).alpha() > 128)
        assert 0.05 < inked / (image.width() * image.height()) < 0.7, (name, side, scale)
    normal = icon.pixmap(QSize(32, 32)).toImage()
    selected = icon.pixmap(QSize(32, 32), QIcon.Mode.Selected).toImage()
    palette = QGuiApplication.palette()

    def ink(image):
        return next(image.pixelColor(x, y) for y in range(32) for x in range(32) if image.pixelColor(x, y).alpha() == 255)

    assert ink(normal).rgb() == palette.color(QPalette.ColorRole.WindowText).rgb()
    assert ink(selected).rgb() == palette.color(QPalette.ColorRole.HighlightedText).rgb()
    with pytest.raises(ValueError, match="no icon for a panel named 'Nope'"):
        panel_icon("Nope")


def _sidebar_fits(window: MainWindow) -> None:
    sidebar = window.sidebar
    assert sidebar.horizontalScrollBar().isHidden() or not sidebar.horizontalScrollBar().isVisible()
    viewport = sidebar.viewport().rect()
    for row in range(sidebar.count()):
        item = sidebar.item(row)
        assert not item.icon().isNull()
        wanted = sidebar.sizeHintForIndex(sidebar.model().index(row, 0))
        assert wanted.width() <= viewport.width(), (item.text(), wanted.width(), viewport.width())
        assert viewport.contains(sidebar.visualItemRect(item)), item.text()


def test_the_panel_list_shows_icons_and_names_and_fits_at_150_percent_in_chinese(qtbot, open_window,
                                                                              english_afterwards) -> None:
    window = open_window()
    _sidebar_fits(window)
    normal_width = window.sidebar.width()
    window.set_zoom_index(ZOOM_STEPS.index(1.5))
    _sidebar_fits(window)
    assert window.sidebar.width() > normal_width * 1.3 and window.sidebar.iconSize().width() >= 24
    window.choose_language("zh_CN")
    assert [window.sidebar.item(i).text() for i in range(5)] == ["书写", "摄像头", "教学", "卷积核", "结果"]
    _sidebar_fits(window)
    window.choose_language("en")
    window.set_zoom_index(ZOOM_STEPS.index(1.0))
    assert window.sidebar.width() == normal_width


def test_the_selected_panel_stands_out(open_window) -> None:
    window = open_window()
    window.show_panel(3)
    rules = window.sidebar.styleSheet()
    assert "::item:selected" in rules and "palette(highlight)" in rules and "border-left" in rules
    shot = window.sidebar.grab().toImage()
    selected = window.sidebar.visualItemRect(window.sidebar.item(3))
    plain = window.sidebar.visualItemRect(window.sidebar.item(1))
    highlight = window.sidebar.palette().color(QPalette.ColorRole.Highlight)
    point = selected.center() + window.sidebar.viewport().pos()
    other = plain.center() + window.sidebar.viewport().pos()

    def near_highlight(colour: QColor) -> bool:
        return max(abs(colour.red() - highlight.red()), abs(colour.green() - highlight.green()),
                   abs(colour.blue() - highlight.blue())) <= 8

    assert near_highlight(shot.pixelColor(point.x() + selected.width() // 3, point.y()))
    assert not near_highlight(shot.pixelColor(other.x() + plain.width() // 3, other.y()))


# -- presentation mode (F5) -----------------------------------------------------------------------
def test_f5_fills_the_screen_the_window_is_on_and_esc_restores_geometry_and_zoom(qtbot, open_window) -> None:
    window = open_window()
    window.showNormal()
    window.setGeometry(30, 40, 700, 500)
    qtbot.waitUntil(lambda: not window.isMaximized(), timeout=5_000)
    before_geometry, before_zoom = window.geometry(), window.zoom()
    dock = window.lessons_dock
    window.activateWindow()
    window.write_panel.canvas.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.write_panel.canvas, timeout=5_000)
    qtbot.keyClick(window.write_panel.canvas, Qt.Key.Key_F5)
    assert dock.is_presenting() and window.is_presenting() and window.isFullScreen()
    assert window.geometry().topLeft() == window.screen().geometry().topLeft()
    assert window.zoom() >= before_zoom  # as large as still fits, never smaller than before
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert not dock.is_presenting() and not window.is_presenting() and not window.isFullScreen()
    assert window.zoom() == before_zoom
    qtbot.waitUntil(lambda: window.geometry().topLeft() == before_geometry.topLeft(), timeout=5_000)


def test_presentation_picks_the_largest_zoom_that_fits(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    # The window's minimum grows with the zoom; pretend the screen holds it up to 130 %.
    room = {}

    def minimum_at_zoom() -> QSize:
        return QSize(round(700 * window.zoom()), round(400 * window.zoom()))

    monkeypatch.setattr(window_presentation, "settled_minimum", lambda _window: minimum_at_zoom())
    screen = window.screen().geometry()
    room["size"] = QSize(round(700 * 1.3), screen.height())
    monkeypatch.setattr(type(window), "screen", lambda self: _FakeScreen(room["size"], screen))
    window.enter_presentation(1.5)
    assert window.zoom() == 1.3
    window.leave_presentation()
    assert window.zoom() == 1.0
    room["size"] = QSize(5000, 5000)
    window.enter_presentation(1.5)
    assert window.zoom() == 1.5
    window.leave_presentation()
    room["size"] = QSize(100, 100)  # nothing fits: the zoom from before, never smaller
    window.set_zoom_index(ZOOM_STEPS.index(1.15))
    window.enter_presentation(1.5)
    assert window.zoom() == 1.15
    window.leave_presentation()
    assert window.zoom() == 1.15


class _FakeScreen:
    def __init__(self, size: QSize, real: QRect):
        self._rect = QRect(real.topLeft(), size)

    def geometry(self) -> QRect:
        return QRect(self._rect)

    def availableGeometry(self) -> QRect:  # noqa: N802 (Qt naming)
        return QRect(self._rect)


# -- themes ---------------------------------------------------------------------------------------
def test_view_theme_switches_live_and_is_remembered(qtbot, open_window, system_theme_afterwards) -> None:
    app = QApplication.instance()
    system_window = QColor(app.palette().color(QPalette.ColorRole.Window))
    window = open_window()
    assert window.theme() == style.SYSTEM and window.menus.theme_actions[style.SYSTEM].isChecked()
    assert [a.objectName() for a in window.menus.theme_menu.actions()] == [
        "theme_systemAction", "theme_contrast-lightAction", "theme_contrast-darkAction"]

    window.menus.theme_actions[style.CONTRAST_DARK].trigger()
    palette = app.palette()
    assert palette.color(QPalette.ColorRole.Window) == QColor("#000000")
    assert palette.color(QPalette.ColorRole.WindowText) == QColor("#ffffff")
    assert palette.color(QPalette.ColorRole.Highlight) == QColor("#ffd500")
    # Live: the open window's widgets take the new palette as the event loop delivers it.
    qtbot.waitUntil(lambda: window.write_panel.palette().color(QPalette.ColorRole.Window) == QColor("#000000"),
                    timeout=5_000)
    assert app.style().name().lower() == "fusion"
    assert "#ffd500" in window.banner.styleSheet()
    assert QSettings().value(style.THEME_SETTING) == style.CONTRAST_DARK
    window.close()

    again = open_window()
    assert again.theme() == style.CONTRAST_DARK and again.menus.theme_actions[style.CONTRAST_DARK].isChecked()
    again.menus.theme_actions[style.CONTRAST_LIGHT].trigger()
    assert app.palette().color(QPalette.ColorRole.Window) == QColor("#ffffff")
    assert app.palette().color(QPalette.ColorRole.WindowText) == QColor("#000000")
    again.menus.theme_actions[style.SYSTEM].trigger()
    assert app.palette().color(QPalette.ColorRole.Window) == system_window
    assert QSettings().value(style.THEME_SETTING) == style.SYSTEM


def test_an_unknown_saved_theme_falls_back_to_the_system_one(open_window, system_theme_afterwards) -> None:
    QSettings().setValue(style.THEME_SETTING, "neon")
    window = open_window()
    assert window.theme() == style.SYSTEM
    with pytest.raises(ValueError, match="unknown theme 'neon'"):
        style.apply_theme("neon")


def test_the_style_module_scales_type_from_the_widget_font() -> None:
    base = QApplication.font()
    heading = style.heading_font(base)
    assert heading.pointSizeF() == pytest.approx(base.pointSizeF() * style.HEADING_SCALE)
    assert heading.weight() == style.HEADING_WEIGHT
    pixel = QApplication.font()
    pixel.setPixelSize(20)
    assert style.scaled_font(pixel, 1.5).pixelSize() == 30
    assert style.px(style.SPACING, 1.5) == round(style.SPACING * 1.5)


# -- translations ---------------------------------------------------------------------------------
def test_train_is_a_verb_and_the_default_project_is_named_in_chinese(english_afterwards) -> None:
    from desktop.ui.teach.panel import DEFAULT_PROJECT_NAME

    i18n.set_language("zh_CN")
    assert i18n.tr("Train") == "训练"  # the Teach button; not 训练集, "the training set"
    assert i18n.tr("Training") == "训练集"
    assert i18n.tr(DEFAULT_PROJECT_NAME) == "我的项目"
    assert i18n.tr("&Theme") == "主题(&T)"
