"""Draw the app icon (大 on a blue rounded square) and save it as PNG, ICO and ICNS.

    .venv/bin/python installer/make_icons.py

The results are committed in installer/icons/; run this again only to change the design. It
needs a CJK font on the machine (Noto Sans CJK from fonts-noto-cjk, or CNN_CLASSROOM_CJK_FONT).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_spec  # noqa: E402

ICONS = Path(__file__).resolve().parent / "icons"
SIZE = 512


def draw(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = size * 0.06
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1f5fa8"))
    painter.drawRoundedRect(QRectF(margin, margin, size - 2 * margin, size - 2 * margin), size * 0.18, size * 0.18)
    font = QFont(family)
    font.setPixelSize(int(size * 0.62))
    font.setWeight(QFont.Weight.Bold)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, -size * 0.02, size, size), Qt.AlignmentFlag.AlignCenter, "大")
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication([])  # noqa: F841 (fonts need a GUI application)
    font_id = QFontDatabase.addApplicationFont(str(bundle_spec.find_cjk_font()))
    families = QFontDatabase.applicationFontFamilies(font_id)
    family = next((f for f in families if f.endswith(" SC")), families[0] if families else "")
    ICONS.mkdir(exist_ok=True)
    image = draw(SIZE, family)
    for suffix, fmt in (("png", "PNG"), ("icns", "ICNS")):
        if not image.save(str(ICONS / f"cnn-classroom.{suffix}"), fmt):
            raise SystemExit(f"could not write the {fmt} icon (is Qt's {fmt} image plugin there?)")
    # Windows wants 256 px at most in one ICO entry.
    if not draw(256, family).save(str(ICONS / "cnn-classroom.ico"), "ICO"):
        raise SystemExit("could not write the ICO icon")
    print(f"icons written to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
