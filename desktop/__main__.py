"""``python -m desktop`` (also the ``cnn-classroom`` command): open the app, or recognise files.

``python -m desktop recognize FILE...`` prints one JSON line per file with the top candidates of
the shipped CNN, through the same framing the canvas uses; it never loads Qt.
``python -m desktop import-teachable PATH --out OUT.onnx`` converts a Teachable Machine
TensorFlow.js export to an ONNX photo model, without Qt or TensorFlow.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

from desktop import __version__

PANEL_CHOICES = ("write", "camera", "teach", "kernels", "results")  # the window's PANELS, lower case
SMOKE_TEST_TIMEOUT_S = 10.0
SMOKE_TEST_SETTLE_S = 0.3
RECOGNIZE = "recognize"
IMPORT_TEACHABLE = "import-teachable"
CHECK_MODEL = "check-model"  # desktop.core.model_check.CHECK_MODEL_COMMAND; spelt here so --help stays Qt- and ORT-free


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cnn-classroom",
        description="CNN Classroom: look inside neural networks.",
        epilog=f"'cnn-classroom {RECOGNIZE} FILE...' recognises image or stroke files without opening a window "
               f"(see 'cnn-classroom {RECOGNIZE} --help'); 'cnn-classroom {IMPORT_TEACHABLE} PATH --out OUT.onnx' "
               "converts a Teachable Machine TensorFlow.js export to an ONNX model.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--models-dir", metavar="DIR",
                        help="your own folder of ONNX models, used with the shipped ones (default: the app's data folder)")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, let it draw for a moment, print 'ok' and exit (for tests and CI)",
    )
    parser.add_argument("--panel", choices=PANEL_CHOICES, help="the panel to open (default: the one used last)")
    parser.add_argument("--video", metavar="FILE", help="play this video file in the Camera panel, looping")
    parser.add_argument("--project", metavar="FOLDER", help="open this Teach project (a folder with project.json)")
    parser.add_argument("--train", action="store_true",
                        help="train the Teach project's model as soon as the window is open")
    parser.add_argument("--language", choices=("system", "en", "zh_CN"),
                        help="interface language for this run (default: the one chosen in View > Language)")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS",
                        help="close the window after SECONDS (unattended demos, tests)")
    args = parser.parse_args(argv)
    if args.quit_after is not None and args.quit_after < 0:
        parser.error("--quit-after must not be negative")
    return args


def parse_recognize_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"cnn-classroom {RECOGNIZE}",
        description="Print the most likely characters for image files (PNG, JPEG, ...) or stroke JSON files "
                    "([[[x, y], ...], ...], one list per stroke), one JSON line per file.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--model", metavar="PATH",
                        help="ONNX character model for every file (default: the shipped stroke model for stroke "
                             "files, the shipped residual CNN for pictures)")
    parser.add_argument("--top", type=int, default=5, metavar="K", help="how many candidates to print (default 5)")
    args = parser.parse_args(argv)
    if args.top < 1:
        parser.error("--top must be at least 1")
    return args


def recognize(argv: list[str]) -> int:
    """The ``recognize`` subcommand: exit 0 when every file was recognised, 1 when any failed.

    Stroke files go to the default stroke model (which also reads the pen's directions) when one
    is installed, pictures to the default image model; ``--model`` sends every file to one model,
    and a stroke model given a picture says it cannot read it.
    """
    args = parse_recognize_args(argv)
    from desktop.core.contract import IMAGE_KIND, STROKES_KIND
    from desktop.core.model_check import open_model_checked
    from desktop.core.onnx_model import ModelContractError
    from desktop.core.registry import default_character_model_path

    opened: dict[Path, object] = {}

    def model_for(kind: str):
        """The model for a file of ``kind``, opened once; ModelContractError when it cannot be used."""
        path = Path(args.model) if args.model else default_character_model_path(kind)
        if path not in opened:
            model = open_model_checked(path)  # a --model of the user's is checked in a child process first
            if model.task != "characters":
                raise ModelContractError(path, f"a {model.task} model cannot recognise characters")
            opened[path] = model
        return opened[path]

    try:  # the model of the first file now: a model that cannot be used stops before any output
        model_for(STROKES_KIND if Path(args.files[0]).suffix.lower() == ".json" else IMAGE_KIND)
        return _recognize_files(args, model_for)
    except ModelContractError as exc:
        print(f"cannot use the model {exc}", file=sys.stderr)
        return 2


def _recognize_files(args: argparse.Namespace, model_for) -> int:
    """One JSON line per file (candidates or the reason it failed); 1 when any failed."""
    from desktop.core.contract import IMAGE_KIND, STROKES_KIND
    from desktop.core.file_kinds import IMAGE_SUFFIXES
    from desktop.core.framing import EmptyDrawing
    from desktop.core.model_input import DrawingInput, frame_strokes
    from desktop.core.recognition import (
        DEFAULT_PEN_WIDTH,
        InputFileError,
        candidates,
        fit_to_canvas,
        image_to_input,
        read_image_file,
        read_stroke_file,
    )

    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            if path.suffix.lower() == ".json":
                # As if written on the canvas at a natural size, with the canvas's pen.
                model = model_for(STROKES_KIND)
                drawing = frame_strokes(fit_to_canvas(read_stroke_file(path)), DEFAULT_PEN_WIDTH,
                                        directions=model.input_kind == STROKES_KIND)
            elif path.suffix.lower() in IMAGE_SUFFIXES or not path.suffix:
                model = model_for(IMAGE_KIND)
                drawing = DrawingInput(image_to_input(read_image_file(path)))
            else:
                raise InputFileError(path, f"unsupported file type {path.suffix!r} (an image or a .json stroke file)")
            x = drawing.for_kind(model.input_kind)
            if x is None:
                raise InputFileError(path, f"{model.path.name} reads pen strokes, and a picture has none "
                                           "(give it a .json stroke file, or choose an image model)")
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


def parse_import_teachable_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"cnn-classroom {IMPORT_TEACHABLE}",
        description="Convert a Teachable Machine image model, downloaded as TensorFlow.js (model.json, weights.bin, "
                    "metadata.json; or the .zip, or their folder), to an ONNX model the Camera panel runs. "
                    "The result is checked against a float64 reference before it is written.",
    )
    parser.add_argument("path", metavar="PATH", help="the export's folder, its model.json, or the downloaded .zip")
    parser.add_argument("--out", required=True, metavar="OUT.onnx", help="ONNX file to write")
    parser.add_argument("--title", help="title shown in the app (default: the class names)")
    parser.add_argument("--labels", metavar="FILE",
                        help="labels.txt or metadata.json to use instead of the export's own")
    return parser.parse_args(argv)


def import_teachable(argv: list[str]) -> int:
    """The ``import-teachable`` subcommand: exit 0 when the file was written, 2 with the reason otherwise."""
    args = parse_import_teachable_args(argv)
    from desktop.core.teachable_machine import TeachableImportError
    from desktop.core.teachable_machine import import_teachable as convert

    try:
        result = convert(args.path, args.out, labels=args.labels, title=args.title)
    except TeachableImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {result.path}: {len(result.class_names)} classes ({', '.join(result.class_names)}), "
          f"max |onnxruntime - {result.reference}| = {result.max_difference:.2g} on the probabilities")
    return 0


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


def _start_with(window, args: argparse.Namespace) -> None:
    """Apply the command line's panel, video, project and timer options to the shown window."""
    from PySide6.QtCore import QTimer

    from desktop.ui.constants import PANELS

    panel = args.panel
    if panel is None and args.video:
        panel = "camera"
    elif panel is None and (args.project or args.train):
        panel = "teach"
    if panel is not None:
        window.show_panel([p.lower() for p in PANELS].index(panel))
    if args.video:
        window.camera_panel.start_video(args.video)
    if args.train:
        QTimer.singleShot(0, window.teach_panel.train)  # once the window is on screen
    if args.quit_after is not None:
        QTimer.singleShot(round(args.quit_after * 1000), window.close)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == RECOGNIZE:
        return recognize(argv[1:])
    if argv and argv[0] == IMPORT_TEACHABLE:
        return import_teachable(argv[1:])
    if argv and argv[0] == "explain":  # heat maps of where a model looked (desktop/explain_command.py)
        from desktop.explain_command import explain_files

        return explain_files(argv[1:])
    if argv and argv[0] == CHECK_MODEL:
        # The child side of the user-model check: a frozen app has no "python -m", only itself.
        from desktop.core.model_check import main as check_model_main

        return check_model_main(argv[1:])
    args = parse_args(argv)

    # Qt is imported only after argument parsing, so --help and --version work without a display.
    from desktop.ui.app import (
        create_application,
        install_crash_handler,
        install_signal_handlers,
        setup_logging,
    )
    from desktop.ui.app_data import user_models_dir
    from desktop.ui.main_window import MainWindow

    app = create_application(sys.argv[:1])
    log_path = setup_logging()
    install_crash_handler(log_path)
    # Before the window is built, so every text is made in the chosen language.
    from desktop.ui.fonts import load_bundled_fonts
    from desktop.ui.i18n import apply_saved_language, set_language

    load_bundled_fonts()
    set_language(args.language) if args.language else apply_saved_language()

    window = MainWindow(models_dir=args.models_dir if args.models_dir else user_models_dir(),
                        teach_project=args.project)
    install_signal_handlers(window.close)
    window.show()
    _start_with(window, args)

    if args.smoke_test:
        if not _wait_until_shown(app, window):
            print(f"the window was not shown within {SMOKE_TEST_TIMEOUT_S:.0f} s", file=sys.stderr)
            return 1
        window.close()
        print("ok", flush=True)
        return 0
    return app.exec()


def run(argv: list[str] | None = None) -> NoReturn:
    """The command's entry point: :func:`main`, then a prompt exit.

    When ``main`` returns, the window has closed: settings are saved, worker threads are stopped
    and every file was written atomically. Python's own teardown of thousands of Qt and
    onnxruntime objects after that adds nothing but time (seconds on a busy classroom laptop),
    so the process ends right away once its output is flushed.
    """
    code = main(argv)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # no console (a windowed app) or a closed pipe
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
