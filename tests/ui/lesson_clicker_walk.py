"""Walk every lesson with Page Down alone, as a presenter's clicker does, on a screen of a given size.

``python -m tests.ui.lesson_clicker_walk --width 1280 --height 720 --models DIR --out walk.json
[--present]`` starts Qt's offscreen platform with one screen of that size (a platform cannot be
changed once a QApplication exists, hence a child process of the test), opens the real main window,
opens the Lessons sidebar as a teacher does (View > Lessons), optionally enters presentation mode
with F5, and then only sends Page Down to whatever widget has the focus, from the first step of the
first lesson until the last step of the last. It writes one JSON record: every step reached and what
its action reported (the dock's ``step_done``), the lesson banners seen at each lesson change, Qt's
cross-thread warnings, and where it got stuck if it did. It never decides pass or fail; the test does.

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
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

MODELS_DEADLINE_S = 90.0
STEP_DEADLINE_S = 60.0


def use_screen(width: int, height: int) -> None:
    """Point Qt's offscreen platform at one screen of ``width`` x ``height`` (before Qt starts)."""
    config = {"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
              "screens": [{"name": "projector", "x": 0, "y": 0, "width": width, "height": height,
                           "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
    path = Path(tempfile.mkdtemp(prefix="lesson-walk-")) / "screen.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def wait_until(app, condition, deadline_s: float) -> bool:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.005)
    return False


def rect(widget_rect) -> list[int]:
    return [widget_rect.x(), widget_rect.y(), widget_rect.width(), widget_rect.height()]


def walk(args: argparse.Namespace) -> dict:
    from PySide6.QtCore import Qt, qInstallMessageHandler
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.ui import sources
    from desktop.ui.app import create_application
    from tests.qt_messages import cross_thread_warnings

    messages: list[str] = []
    qInstallMessageHandler(lambda _kind, _context, text: messages.append(text))
    app = create_application()
    sources.list_cameras = lambda *a, **k: []  # no webcam is opened; the camera steps use sample photos
    from desktop.ui.main_window import MainWindow

    record: dict = {"screen": [args.width, args.height], "presenting": args.present, "steps": [],
                    "lesson_changes": [], "stuck": None}
    window = MainWindow(models_dir=args.models)
    models: list = []
    window.models_ready.connect(lambda found, _problems: models.append(found))
    window.show()
    if not wait_until(app, lambda: bool(models) and window.windowHandle().isExposed(), MODELS_DEADLINE_S):
        record["stuck"] = "the window or its models did not come up"
        return record
    dock, sidebar = window.lessons_dock, window.lessons_dock.sidebar
    done: list[tuple[int, str]] = []
    dock.step_done.connect(lambda index, error: done.append((index, error)))
    changes: list[str] = []
    sidebar.lesson_changed.connect(lambda lesson: changes.append(lesson.id))

    def position() -> tuple[str, int]:
        lesson = sidebar.lesson()
        return (lesson.id if lesson is not None else "", sidebar.step_index())

    def note_step(error: str) -> None:
        lesson_id, index = position()
        record["steps"].append({"lesson": lesson_id, "step": index, "error": error,
                                "panel": window.current_panel(), "window": rect(window.frameGeometry())})

    # Opened as a teacher does: its first step is set up once the lessons are read.
    window.activateWindow()
    dock.toggle_action.trigger()
    if not wait_until(app, lambda: bool(done), STEP_DEADLINE_S):
        record["stuck"] = "opening the sidebar did not set up its first step"
        return record
    record["lessons"] = [{"id": lesson.id, "title": lesson.title_in("en"), "steps": len(lesson.steps)}
                         for lesson in sidebar.lessons]
    note_step(done[-1][1])
    if args.present:
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F5)
        if not wait_until(app, dock.is_presenting, 5.0):
            record["stuck"] = "F5 did not enter presentation mode"
            return record
        for _ in range(5):  # let the full-screen geometry and layouts land before measuring
            app.processEvents()
    record["window"] = rect(window.frameGeometry())
    record["dock"] = rect(dock.geometry())

    while not sidebar.is_last_step():
        before = position()
        before_changes = len(changes)
        done.clear()
        target = QApplication.focusWidget() or window
        QTest.keyClick(target, Qt.Key.Key_PageDown)
        if position() == before:
            record["stuck"] = (f"Page Down to {type(target).__name__} {target.objectName()!r} left "
                               f"{before[0]} on step {before[1] + 1}")
            break
        if len(changes) > before_changes:  # a new lesson: its title must be up at once, in both places
            lesson = sidebar.lesson()
            record["lesson_changes"].append({
                "from": before[0], "to": lesson.id, "title": lesson.title_in("en"),
                "banner": sidebar.banner.text() if sidebar.banner.isVisible() else None,
                "status": dock.status_banner.text() if dock.status_banner.isVisible() else None,
                "banner_inside": window.frameGeometry().contains(
                    sidebar.banner.mapToGlobal(sidebar.banner.rect().center())),
            })
        if not wait_until(app, lambda: bool(done), STEP_DEADLINE_S):
            record["stuck"] = f"{position()[0]} step {position()[1] + 1} never finished"
            break
        note_step(done[-1][1])
    else:
        # The very end: Page Down once more changes nothing.
        end = position()
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_PageDown)
        record["after_end"] = list(position()) if position() != end else None
    record["presenting_at_end"] = dock.is_presenting()
    record["window_open"] = window.isVisible()
    record["cross_thread_warnings"] = cross_thread_warnings(messages)
    dock.set_presenting(False)
    window.close()
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--models", type=Path, required=True, help="the user's models folder")
    parser.add_argument("--present", action="store_true", help="walk in presentation mode (F5 first)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    use_screen(args.width, args.height)
    record = walk(args)
    args.out.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
