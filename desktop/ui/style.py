"""The look of the whole interface: spacing, type sizes and weights, the panel list, the themes.

Sizes of text are factors of the widget's own font, never fixed points, so the presentation zoom
(which changes the window font) scales every heading, card and chart with it. Spacing is in pixels
at 100 % zoom; :func:`px` scales it.

Themes (View > Theme, remembered under ``view/theme``):

- ``system``: the platform's own palette and style, untouched;
- ``contrast-light`` / ``contrast-dark``: black on white or white on black with strong accents,
  for projectors that wash out greys. Both use the Fusion style, the one style that draws every
  widget from the palette on every platform.

:func:`apply_theme` sets the application palette (and style); the few widgets drawn by rules of
their own (the panel list, the notice strip) take them from here too.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyleFactory

from desktop.ui.i18n import tr_noop

# -- spacing (px at 100 % zoom) ------------------------------------------------------------------
SPACING = 6  # between neighbouring widgets
MARGIN = 6  # around a panel's content
SECTION_GAP = 14  # between sections of a panel
WINDOW_MARGIN = 4  # around the window's central area

# -- typography (factors of the widget's own font) -------------------------------------------------
HEADING_SCALE = 1.35
HEADING_WEIGHT = QFont.Weight.DemiBold
CANDIDATE_CHARACTER_SCALE = 3.2  # a candidate character on the Write panel's cards
CANDIDATE_TOP_CHARACTER_SCALE = 4.0  # the first candidate a little larger still
CANDIDATE_READING_SCALE = 1.1  # its pinyin and meaning
CANDIDATE_TITLE_WEIGHT = QFont.Weight.Bold
CHART_TEXT_SCALE = 1.0  # axis ticks and labels of charts, read from the back of a room
CHART_TITLE_SCALE = 1.2
SIDEBAR_TEXT_SCALE = 1.1

# -- the panel list ------------------------------------------------------------------------------
SIDEBAR_ICON_SCALE = 1.5  # icon side relative to the list's line height
SIDEBAR_ITEM_PADDING = 6  # px around an item's icon and name (at 100 % zoom)
SIDEBAR_SELECTED_BAR = 4  # px: the bar left of the selected panel
SIDEBAR_LIST_PADDING = 2  # px inside the list's frame
SIDEBAR_MIN_WIDTH_EM = 6  # never narrower than this many "M"s, so short names still look like a list

# -- themes --------------------------------------------------------------------------------------
SYSTEM = "system"
CONTRAST_LIGHT = "contrast-light"
CONTRAST_DARK = "contrast-dark"
THEMES = (SYSTEM, CONTRAST_LIGHT, CONTRAST_DARK)
THEME_TITLES = {
    SYSTEM: tr_noop("&System"),
    CONTRAST_LIGHT: tr_noop("High contrast (&light)"),
    CONTRAST_DARK: tr_noop("High contrast (&dark)"),
}
THEME_SETTING = "view/theme"
CONTRAST_STYLE = "Fusion"

# Colours of the high-contrast themes: (background, text, accent, accent text, disabled text, base).
_CONTRAST_COLOURS = {
    CONTRAST_LIGHT: ("#ffffff", "#000000", "#0037a8", "#ffffff", "#5a5a5a", "#ffffff"),
    CONTRAST_DARK: ("#000000", "#ffffff", "#ffd500", "#000000", "#b4b4b4", "#0a0a0a"),
}
NOTICE_COLOURS = {  # background, border of a notice strip (the skipped-models banner)
    SYSTEM: ("#fff4ce", "#e0c060"),
    CONTRAST_LIGHT: ("#ffffff", "#000000"),
    CONTRAST_DARK: ("#000000", "#ffd500"),
}

_system_palette: QPalette | None = None
_system_style: str | None = None
_current = SYSTEM


def px(value: float, zoom: float = 1.0) -> int:
    """``value`` pixels at 100 % zoom, at ``zoom``."""
    return max(0, round(value * zoom))


def scaled_font(base: QFont, scale: float, weight: QFont.Weight | None = None) -> QFont:
    """``base`` made ``scale`` times larger (point or pixel sized), optionally with ``weight``."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * scale)
    elif base.pixelSize() > 0:
        font.setPixelSize(max(1, round(base.pixelSize() * scale)))
    if weight is not None:
        font.setWeight(weight)
    return font


def heading_font(base: QFont) -> QFont:
    return scaled_font(base, HEADING_SCALE, HEADING_WEIGHT)


def chart_font(base: QFont) -> QFont:
    return scaled_font(base, CHART_TEXT_SCALE)


# -- the panel list ------------------------------------------------------------------------------
def sidebar_font(base: QFont) -> QFont:
    return scaled_font(base, SIDEBAR_TEXT_SCALE)


def sidebar_icon_side(font: QFont) -> int:
    return round(QFontMetrics(font).height() * SIDEBAR_ICON_SCALE)


def sidebar_width(view: QAbstractItemView, zoom: float = 1.0) -> int:
    """The panel list's width: its widest item as the list draws it now (icon, name, the padding and
    selection bar of :func:`sidebar_rules`) plus the frame; so it fits at any zoom and in any language.

    Call it after the list's font and rules are set."""
    metrics = view.fontMetrics()
    least = metrics.horizontalAdvance("M") * SIDEBAR_MIN_WIDTH_EM
    return max(view.sizeHintForColumn(0), least) + 2 * view.frameWidth() + 2 * px(SIDEBAR_LIST_PADDING, zoom)


def sidebar_rules(zoom: float = 1.0) -> str:
    """Stylesheet rules of the panel list: roomy items and an unmistakable selected panel."""
    padding = px(SIDEBAR_ITEM_PADDING, zoom)
    bar = px(SIDEBAR_SELECTED_BAR, zoom)
    return (
        # show-decoration-selected: the selection fills the whole row, icon included, not just the text
        f"QListWidget#panelSwitcher {{ padding: {px(SIDEBAR_LIST_PADDING, zoom)}px; show-decoration-selected: 1; }}"
        f"QListWidget#panelSwitcher::item {{ padding: {padding}px; border-left: {bar}px solid transparent; }}"
        "QListWidget#panelSwitcher::item:selected {"
        " background: palette(highlight); color: palette(highlighted-text);"
        f" border-left: {bar}px solid palette(text); }}"
    )


# -- themes --------------------------------------------------------------------------------------
def theme_setting() -> str:
    """The saved theme, or ``system`` when none (or an unknown one) is saved."""
    value = str(QSettings().value(THEME_SETTING, SYSTEM))
    return value if value in THEMES else SYSTEM


def save_theme_setting(theme: str) -> None:
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose from {', '.join(THEMES)}")
    settings = QSettings()
    settings.setValue(THEME_SETTING, theme)
    settings.sync()


def current_theme() -> str:
    return _current


def contrast_palette(theme: str) -> QPalette:
    """Black on white (light) or white on black (dark), one strong accent for selection and links."""
    background, text, accent, accent_text, disabled, base = (QColor(c) for c in _CONTRAST_COLOURS[theme])
    palette = QPalette()
    role = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        faded = group == QPalette.ColorGroup.Disabled
        foreground = disabled if faded else text
        for name, colour in ((role.Window, background), (role.Base, base), (role.AlternateBase, background),
                             (role.Button, background), (role.ToolTipBase, background),
                             (role.WindowText, foreground), (role.Text, foreground), (role.ButtonText, foreground),
                             (role.ToolTipText, text), (role.PlaceholderText, disabled),
                             (role.BrightText, accent), (role.Highlight, accent),
                             (role.HighlightedText, accent_text), (role.Link, accent), (role.LinkVisited, accent),
                             (role.Light, text), (role.Midlight, disabled), (role.Mid, disabled),
                             (role.Dark, text), (role.Shadow, text)):
            palette.setColor(group, name, colour)
    if theme == CONTRAST_LIGHT:  # a dark accent on white: links and selections stay readable
        palette.setColor(QPalette.ColorRole.Link, QColor("#0037a8"))
    return palette


def notice_rules(theme: str) -> str:
    """Stylesheet rules of a notice strip (the skipped-models banner) in ``theme``."""
    background, border = NOTICE_COLOURS[theme]
    return f"#skippedModelsBanner {{ background: {background}; border: 1px solid {border}; }}"


def apply_theme(theme: str, app: QApplication | None = None) -> str:
    """Give the application ``theme``'s palette and style now; returns the theme applied.

    Stylesheets stay on the few widgets that need them (:func:`sidebar_rules`, :func:`notice_rules`):
    an application-wide stylesheet would take over every widget's font, and with it the zoom.
    """
    global _system_palette, _system_style, _current
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose from {', '.join(THEMES)}")
    app = app or QApplication.instance()
    if not isinstance(app, QApplication):
        return _current
    if _system_palette is None:  # what the platform gave, before any theme changed it
        _system_palette = QPalette(QGuiApplication.palette())
        _system_style = app.style().name()
    if theme == SYSTEM:
        if _system_style and app.style().name() != _system_style:
            app.setStyle(QStyleFactory.create(_system_style))
        app.setPalette(_system_palette)
    else:
        if app.style().name().lower() != CONTRAST_STYLE.lower():
            app.setStyle(QStyleFactory.create(CONTRAST_STYLE))
        app.setPalette(contrast_palette(theme))
    _current = theme
    return theme
