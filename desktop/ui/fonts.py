"""Pick a font that has Chinese glyphs, so candidates never show as empty boxes."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QFont, QFontDatabase

#: Preferred families, best first: simplified-Chinese sans faces on Linux, Windows and macOS.
CJK_FAMILY_PREFERENCE = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans Mono CJK SC",
    "Noto Serif CJK SC",
    "SimHei",
    "SimSun",
)


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The first installed family of the preference list, else any family that writes Simplified Chinese.

    None when the system has none; Qt's font fallback may still find glyphs then.
    """
    installed = QFontDatabase.families()
    by_lower = {name.lower(): name for name in installed}
    for wanted in CJK_FAMILY_PREFERENCE:
        for name_lower, name in by_lower.items():
            # Families may carry a foundry suffix, e.g. "WenQuanYi Zen Hei [wqy]".
            if name_lower == wanted.lower() or name_lower.startswith(wanted.lower() + " ["):
                return name
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    return chinese[0] if chinese else None


def cjk_font(point_size: float | None = None, pixel_size: int | None = None) -> QFont:
    """A QFont in the CJK family (or the default font), at the given point or pixel size."""
    font = QFont()
    family = cjk_family()
    if family:
        font.setFamilies([family, *font.families()])
    if pixel_size is not None:
        font.setPixelSize(pixel_size)
    elif point_size is not None:
        font.setPointSizeF(point_size)
    return font


FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
_bundled_loaded = False
_app_families: list[str] | None = None  # the application font's families before any CJK fallback


def load_bundled_fonts() -> list[str]:
    """Register the fonts shipped in ``assets/fonts`` (installers ship a CJK face there); their families.

    Machines without any CJK font (a bare Linux install) then still render Chinese.
    """
    global _bundled_loaded
    from desktop.core.contract import assets_dir

    families: list[str] = []
    if _bundled_loaded:
        return families
    _bundled_loaded = True
    folder = assets_dir() / "fonts"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in FONT_SUFFIXES:
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    families += QFontDatabase.applicationFontFamilies(font_id)
    if families:
        cjk_family.cache_clear()
    return families


def apply_language_font(language: str) -> None:
    """Give the application font a CJK fallback while Chinese is the interface language.

    The system face still draws Latin text; Chinese glyphs come from the CJK family (YaHei,
    PingFang SC, Noto Sans CJK SC or the bundled face), not from whatever Qt's fallback finds first
    (often a bitmap-looking serif on Windows). English restores the original families.
    """
    global _app_families
    from PySide6.QtGui import QGuiApplication

    if not isinstance(QGuiApplication.instance(), QGuiApplication):
        return
    font = QGuiApplication.font()
    if _app_families is None:
        _app_families = list(font.families()) or [font.family()]
    families = list(_app_families)
    if language.startswith("zh"):
        load_bundled_fonts()
        family = cjk_family()
        if family and family not in families:
            families.append(family)
    if families != list(font.families()):
        font.setFamilies(families)
        QGuiApplication.setFont(font)


def ui_font_has_cjk() -> bool:
    """Whether the application font's families include one that writes Simplified Chinese."""
    from PySide6.QtGui import QGuiApplication

    chinese = set(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    return any(name in chinese for name in QGuiApplication.font().families())
