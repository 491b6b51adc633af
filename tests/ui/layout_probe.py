"""Measure the real main window on a screen of a given size; the layout test runs this in a child process.

``python -m tests.ui.layout_probe --width 1280 --height 720 --language en --out result.json
[--screenshots DIR]`` starts Qt's offscreen platform with one screen of that size (a platform cannot
be changed once a QApplication exists, hence the child process), builds the real main window, shows
every panel alone, with the Lessons sidebar and in presentation mode (F5), and writes one record
per case: the window's minimum size and geometry, every visible interactive widget that sticks out
of the screen (and by how much), and where each panel's primary content lies. With
``--screenshots`` it also saves a picture of every case.

The caller gives the process an empty home (HOME, XDG_*), so no real settings are read or written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DEADLINE_S = 60
LESSONS_DEADLINE_S = 30
SETTLE_ROUNDS = 5
MODES = ("plain", "lessons", "present")
#: Per panel: the window property that builds it and the attribute holding its primary content.
PRIMARY = {
    "Write": ("write_panel", "canvas"),
    "Camera": ("camera_panel", "view.preview"),
    "Teach": ("teach_panel", "view.grid"),
    "Kernels": ("kernels_panel", "view.output_view"),
    "Results": ("results_panel", "left.view"),
}


def screen_config(width: int, height: int) -> dict:
    return {"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
            "screens": [{"name": "projector", "x": 0, "y": 0, "width": width, "height": height,
                         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def use_screen(width: int, height: int) -> None:
    """Point Qt's offscreen platform at one screen of ``width`` x ``height`` (before Qt starts)."""
    path = Path(tempfile.mkdtemp(prefix="layout-probe-")) / "screen.json"
    path.write_text(json.dumps(screen_config(width, height)), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def settle(app, rounds: int = SETTLE_ROUNDS) -> None:
    """Let layouts, lazy panels and queued resizes finish (a few event rounds, no waiting on time)."""
    for _ in range(rounds):
        app.processEvents()
        app.sendPostedEvents(None, 0)


def wait_for(app, done, deadline_s: float, what: str) -> None:
    deadline = time.monotonic() + deadline_s
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"layout probe: {what} did not happen within {deadline_s} s")
        app.processEvents()
        time.sleep(0.01)


def widget_name(widget, window) -> str:
    """A readable path: the nearest named ancestors down to the widget, with its class."""
    parts = []
    current = widget
    while current is not None and current is not window and len(parts) < 3:
        name = current.objectName()
        if name:
            parts.append(name)
        current = current.parentWidget()
    label = "/".join(reversed(parts)) or "(unnamed)"
    text = ""
    for getter in ("text", "currentText"):
        if hasattr(widget, getter):
            try:
                text = str(getattr(widget, getter)())
            except (RuntimeError, TypeError):
                text = ""
            break
    return f"{label} [{type(widget).__name__}{': ' + text[:30] if text else ''}]"


def global_rect(widget):
    from PySide6.QtCore import QRect

    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return QRect(top_left, widget.size())


def visible_part(widget, window):
    """The widget's global rectangle clipped by the scroll areas and splitters it sits in (None: scrolled away)."""
    from PySide6.QtWidgets import QAbstractScrollArea

    rect = global_rect(widget)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        holder = parent.parentWidget()
        if isinstance(holder, QAbstractScrollArea) and parent is holder.viewport():
            rect = rect.intersected(global_rect(parent))
            if rect.isEmpty():
                return None
        parent = holder
    return rect


def overshoot(rect, screen) -> dict[str, int]:
    """How far ``rect`` reaches past each side of ``screen`` (only the sides it crosses)."""
    sides = {
        "left": screen.left() - rect.left(),
        "top": screen.top() - rect.top(),
        "right": rect.right() - screen.right(),
        "bottom": rect.bottom() - screen.bottom(),
    }
    return {side: px for side, px in sides.items() if px > 0}


def interactive_widgets(window):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QTabBar,
    )

    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QTabBar, QAbstractItemView)
    from PySide6.QtWidgets import QWidget

    for widget in window.findChildren(QWidget):
        if isinstance(widget, kinds) and widget.isVisible() and widget.window() is window:
            yield widget


def rect_list(rect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def measure(app, window, mode: str, panel: str) -> dict:
    screen = (window.screen() or app.primaryScreen()).availableGeometry()
    hint = window.minimumSizeHint()
    minimum = window.minimumSize()
    frame = window.frameGeometry()
    outside = []
    for widget in interactive_widgets(window):
        rect = visible_part(widget, window)
        if rect is None:
            continue
        sides = overshoot(rect, screen)
        if sides:
            outside.append({"widget": widget_name(widget, window), "rect": rect_list(rect), "by": sides})
    holder, attribute = PRIMARY[panel]
    content = getattr(window, holder)
    for part in attribute.split("."):
        content = getattr(content, part)
    content_rect = global_rect(content)
    return {
        "mode": mode,
        "panel": panel,
        "screen": rect_list(screen),
        "window": rect_list(frame),
        "full_screen": window.isFullScreen(),
        "lessons_open": window.lessons_dock.isVisible(),
        "minimum_hint": [hint.width(), hint.height()],
        "minimum": [max(minimum.width(), hint.width()), max(minimum.height(), hint.height())],
        "font_point_size": window.font().pointSizeF(),
        "outside": outside,
        "primary": {"widget": widget_name(content, window), "visible": content.isVisible(),
                    "rect": rect_list(content_rect), "by": overshoot(content_rect, screen),
                    "size": [content.width(), content.height()]},
    }


def run(args: argparse.Namespace) -> dict:
    use_screen(args.width, args.height)
    sys.path.insert(0, str(REPO_ROOT))
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)  # besides the empty home the caller gives us
    from desktop.ui.app import create_application
    from desktop.ui.i18n import set_language
    from desktop.ui.main_window import PANELS, MainWindow

    app = create_application(["layout-probe"])
    set_language(args.language)
    window = MainWindow(models_dir=Path(tempfile.mkdtemp(prefix="layout-probe-models-")))
    ready = []
    window.models_ready.connect(lambda *_: ready.append(True))
    window.show()
    wait_for(app, lambda: ready, MODELS_DEADLINE_S, "the model scan")
    settle(app)
    first = window.frameGeometry()
    shots = Path(args.screenshots) if args.screenshots else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    cases = []
    dock = window.lessons_dock
    for mode in MODES:
        if mode == "lessons":
            dock.show()
            wait_for(app, dock.is_loaded, LESSONS_DEADLINE_S, "loading the lessons")
        elif mode == "present":
            dock.set_presenting(True)
        for index, panel in enumerate(PANELS):
            window.show_panel(index)
            settle(app)
            case = measure(app, window, mode, panel)
            if shots is not None:
                path = shots / f"{args.language}-{args.width}x{args.height}-{mode}-{panel.lower()}.png"
                window.grab().save(str(path))
                case["screenshot"] = str(path)
            cases.append(case)
        if mode == "lessons":
            dock.hide()
        elif mode == "present":
            dock.set_presenting(False)
            dock.hide()
        # Leaving the widest panel (all are built now) must let the window narrow again.
        window.show_panel(0)
        settle(app)
        hint = window.minimumSizeHint()
        cases.append({"mode": f"after {mode}", "panel": "Write", "minimum_hint": [hint.width(), hint.height()],
                      "window": rect_list(window.frameGeometry()), "full_screen": window.isFullScreen()})
    result = {"width": args.width, "height": args.height, "language": args.language,
              "first_window": rect_list(first), "cases": cases}
    window.close()
    settle(app)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--language", default="en")
    parser.add_argument("--out", required=True, help="where the JSON record goes")
    parser.add_argument("--screenshots", default="", help="a folder for one PNG per case")
    args = parser.parse_args(argv)
    result = run(args)
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
