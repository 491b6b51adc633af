"""``python -m desktop`` (also the ``cnn-classroom`` command): open the app."""

from __future__ import annotations

import argparse
import sys
import time

from desktop import __version__

SMOKE_TEST_TIMEOUT_S = 10.0
SMOKE_TEST_SETTLE_S = 0.3


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cnn-classroom", description="CNN Classroom: look inside neural networks.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--models-dir", metavar="DIR", help="folder of ONNX models to list (default: the shipped models)")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, let it draw for a moment, print 'ok' and exit (for tests and CI)",
    )
    return parser.parse_args(argv)


def _wait_until_shown(app, window) -> bool:
    """Process events until the window is on screen (or give up), then a little longer so it paints."""
    deadline = time.monotonic() + SMOKE_TEST_TIMEOUT_S
    while time.monotonic() < deadline:
        app.processEvents()
        handle = window.windowHandle()
        if window.isVisible() and handle is not None and handle.isExposed():
            settle_until = time.monotonic() + SMOKE_TEST_SETTLE_S
            while time.monotonic() < settle_until:
                app.processEvents()
                time.sleep(0.01)
            return True
        time.sleep(0.01)
    return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    # Qt is imported only after argument parsing, so --help and --version work without a display.
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CNN Classroom")
    app.setOrganizationName("CNN Classroom")
    app.setApplicationVersion(__version__)

    window = MainWindow(models_dir=args.models_dir)
    window.show()

    if args.smoke_test:
        if not _wait_until_shown(app, window):
            print(f"the window was not shown within {SMOKE_TEST_TIMEOUT_S:.0f} s", file=sys.stderr)
            return 1
        window.close()
        print("ok", flush=True)
        return 0
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
