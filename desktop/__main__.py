"""``python -m desktop`` (also the ``cnn-classroom`` command): open the app, or recognise files.

``python -m desktop recognize FILE...`` prints one JSON line per file with the top candidates of
the shipped CNN, through the same framing the canvas uses; it never loads Qt.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from desktop import __version__

SMOKE_TEST_TIMEOUT_S = 10.0
SMOKE_TEST_SETTLE_S = 0.3
RECOGNIZE = "recognize"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cnn-classroom",
        description="CNN Classroom: look inside neural networks.",
        epilog=f"'cnn-classroom {RECOGNIZE} FILE...' recognises image or stroke files without opening a window "
               f"(see 'cnn-classroom {RECOGNIZE} --help').",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--models-dir", metavar="DIR",
                        help="your own folder of ONNX models, used with the shipped ones (default: the app's data folder)")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, let it draw for a moment, print 'ok' and exit (for tests and CI)",
    )
    return parser.parse_args(argv)


def parse_recognize_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"cnn-classroom {RECOGNIZE}",
        description="Print the most likely characters for image files (PNG, JPEG, ...) or stroke JSON files "
                    "([[[x, y], ...], ...], one list per stroke), one JSON line per file.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--model", metavar="PATH", help="ONNX character model (default: the shipped CNN)")
    parser.add_argument("--top", type=int, default=5, metavar="K", help="how many candidates to print (default 5)")
    args = parser.parse_args(argv)
    if args.top < 1:
        parser.error("--top must be at least 1")
    return args


def recognize(argv: list[str]) -> int:
    """The ``recognize`` subcommand: exit 0 when every file was recognised, 1 when any failed."""
    args = parse_recognize_args(argv)
    from desktop.core.framing import EmptyDrawing
    from desktop.core.onnx_model import ModelContractError
    from desktop.core.recognition import (
        DEFAULT_PEN_WIDTH,
        IMAGE_SUFFIXES,
        InputFileError,
        candidates,
        fit_to_canvas,
        image_to_input,
        read_image_file,
        read_stroke_file,
        strokes_to_input,
    )
    from desktop.core.registry import PREFERRED_CHARACTER_MODELS, open_checked, shipped_models_dir

    if args.model:
        model_path = Path(args.model)
    else:
        shipped = [shipped_models_dir() / name for name in PREFERRED_CHARACTER_MODELS]
        model_path = next((p for p in shipped if p.is_file()), shipped[-1])
    try:
        model = open_checked(model_path)
    except ModelContractError as exc:
        print(f"cannot use the model {exc}", file=sys.stderr)
        return 2
    if model.task != "characters":
        print(f"{model_path}: a {model.task} model cannot recognise characters", file=sys.stderr)
        return 2

    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            if path.suffix.lower() == ".json":
                # As if written on the canvas at a natural size, with the canvas's pen.
                x = strokes_to_input(fit_to_canvas(read_stroke_file(path)), DEFAULT_PEN_WIDTH)
            elif path.suffix.lower() in IMAGE_SUFFIXES or not path.suffix:
                x = image_to_input(read_image_file(path))
            else:
                raise InputFileError(path, f"unsupported file type {path.suffix!r} (an image or a .json stroke file)")
            probs = model.predict_proba(x[None])[0]
            top = [[c.char, round(c.probability, 4)] for c in candidates(probs, model.class_names, args.top)]
            line = {"file": name, f"top{args.top}": top}
        except InputFileError as exc:
            line = {"file": name, "error": exc.reason}
        except EmptyDrawing as exc:
            line = {"file": name, "error": str(exc)}
        if "error" in line:
            failures += 1
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 1 if failures else 0


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
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == RECOGNIZE:
        return recognize(argv[1:])
    args = parse_args(argv)

    # Qt is imported only after argument parsing, so --help and --version work without a display.
    from desktop.ui.app import create_application, install_crash_handler, setup_logging, user_models_dir
    from desktop.ui.main_window import MainWindow

    app = create_application(sys.argv[:1])
    log_path = setup_logging()
    install_crash_handler(log_path)

    window = MainWindow(models_dir=args.models_dir if args.models_dir else user_models_dir())
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
