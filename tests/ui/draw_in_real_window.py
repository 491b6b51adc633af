"""Open the real app, write a character on its canvas with mouse events, save a screenshot.

Run by ``test_real_window_xvfb.py`` in a child process on a virtual X server:
``python tests/ui/draw_in_real_window.py CHAR OUT.png``. Prints one JSON line:
``{"top1": ..., "candidates": [...], "screenshot": ...}``; exits 1 if no result came in time.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

TIMEOUT_S = 30.0


def wait_until(app, condition, timeout_s: float = TIMEOUT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return False


def main(char: str, out: Path) -> int:
    from desktop.ui.app import create_application
    from desktop.ui.main_window import MainWindow
    from tests.ui.drawing import draw_character

    app = create_application()
    window = MainWindow()
    ready = []
    window.models_ready.connect(lambda models, problems: ready.append(models))
    window.resize(1200, 760)
    window.show()
    if not wait_until(app, lambda: bool(ready) and window.windowHandle().isExposed()):
        print("the window or the models did not come up", file=sys.stderr)
        return 1
    panel = window.write_panel
    draw_character(panel.canvas, char, seed=0)
    if not wait_until(app, panel.is_up_to_date):
        print("no recognition result", file=sys.stderr)
        return 1
    wait_until(app, lambda: False, timeout_s=0.3)  # let every view paint
    shot = window.screen().grabWindow(window.winId())
    if shot.isNull():
        shot = window.grab()
    shot.save(str(out))
    shown = panel.candidate_view().shown_candidates()
    print(json.dumps({"top1": shown[0] if shown else None, "candidates": shown, "screenshot": str(out)},
                     ensure_ascii=False), flush=True)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
