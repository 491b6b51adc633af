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
