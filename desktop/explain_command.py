"""``python -m desktop explain FILE... --out FOLDER``: heat maps of where a model looked, as files.

For each file ``<name>.explain.png`` (the model input with the heat map over it, the colour scale
and the top three classes) and ``<name>.explain.json`` (the heat grid as numbers, its shape, the
class, the method) go to ``--out``. Character models read images and stroke files through the
same framing as ``recognize``; photo models frame a photo as the Camera panel does. The picture
is drawn by Qt without a window (the ``offscreen`` platform), so it works on a server too.

Exit status: 0 when every file was explained, 1 when any file could not be (the others are still
written), 2 for a problem with the model or the options (nothing is written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXPLAIN = "explain"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"cnn-classroom {EXPLAIN}",
        description="Show where a model looked: write <name>.explain.png (the input with a heat map of the "
                    "evidence and the top three classes) and <name>.explain.json (the heat grid) for each file.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="images (PNG, JPEG, ...) or, for a character model, stroke JSON files")
    parser.add_argument("--model", metavar="PATH", help="ONNX model (default: the shipped character CNN)")
    parser.add_argument("--class", dest="class_name", metavar="NAME",
                        help="the class to explain (a name, or a WordNet id for ImageNet models; default: the top one)")
    parser.add_argument("--method", choices=("auto", "occlusion", "cam"), default="auto",
                        help="occlusion (any model) or cam (models with CAM outputs); auto picks cam when it can")
    parser.add_argument("--patch", type=int, metavar="N", help="occlusion patch side in input pixels")
    parser.add_argument("--out", metavar="FOLDER", required=True, help="folder for the .explain.png and .explain.json files")
    args = parser.parse_args(argv)
    if args.patch is not None and args.patch < 1:
        parser.error("--patch must be at least 1")
    return args


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _model_input(path: Path, model):
    """The model input for one file (raises InputFileError or EmptyDrawing)."""
    from desktop.core.photos import to_model_input
    from desktop.core.file_kinds import IMAGE_SUFFIXES
    from desktop.core.recognition import (
        DEFAULT_PEN_WIDTH,
        InputFileError,
        fit_to_canvas,
        image_to_input,
        read_image_file,
        read_stroke_file,
        strokes_to_input,
    )

    suffix = path.suffix.lower()
    strokes = model.task == "characters" and model.input_kind == "strokes"
    if model.task == "characters" and suffix == ".json":
        drawn = fit_to_canvas(read_stroke_file(path))
        if strokes:  # the ink and the pen's directions
            from desktop.core.direction_map import strokes_to_channels

            return strokes_to_channels(drawn, DEFAULT_PEN_WIDTH)
        return strokes_to_input(drawn, DEFAULT_PEN_WIDTH)
    if strokes:
        raise InputFileError(path, f"{model.path.name} reads pen strokes, and a picture has none (give it a .json "
                                   "stroke file, or choose an image model)")
    if suffix not in IMAGE_SUFFIXES and suffix:
        kinds = "an image or a .json stroke file" if model.task == "characters" else "an image"
        raise InputFileError(path, f"unsupported file type {suffix!r} ({kinds})")
    if model.input_shape[2] == 1:
        return image_to_input(read_image_file(path))
    from desktop.core.teach.project import ProjectError, read_rgb

    if not path.is_file():
        raise InputFileError(path, "file not found")
    try:
        rgb = read_rgb(path)
    except ProjectError as exc:
        raise InputFileError(path, str(exc).removeprefix(f"{path}: ")) from exc
    return to_model_input(rgb, model.input_shape[:2])


def explain_files(argv: list[str]) -> int:
    args = parse_args(argv)
    from desktop import __version__
    from desktop.core.atomic import write_bytes_atomic, write_json_atomic
    from desktop.core.explain import ExplainError, explain, resolve_class, resolve_method
    from desktop.core.framing import EmptyDrawing
    from desktop.core.model_check import open_model_checked
    from desktop.core.onnx_model import ModelContractError
    from desktop.core.recognition import InputFileError
    from desktop.core.contract import STROKE_CHANNELS
    from desktop.core.registry import default_character_model_path

    model_path = Path(args.model) if args.model else default_character_model_path()
    try:
        model = open_model_checked(model_path)  # a --model of the user's is checked in a child process first
    except ModelContractError as exc:
        return _fail(f"cannot use the model {exc}")
    if model.output_kind == "features":
        return _fail(f"{model_path}: a feature extractor has no classes to explain")
    try:  # the model's answers to the options, before any file is read
        method = resolve_method(model, args.method)
        class_index = resolve_class(model, args.class_name) if args.class_name is not None else None
    except ExplainError as exc:
        return _fail(f"{model_path}: {exc}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _fail(f"{out}: --out must be a folder, and this is a file")

    renderer = _Renderer()
    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            x = _model_input(path, model)
            result = explain(model, x, class_index=class_index, method=method, patch=args.patch)
        except InputFileError as exc:
            failures += 1
            print(json.dumps({"file": name, "error": exc.reason}, ensure_ascii=False), flush=True)
            continue
        except (EmptyDrawing, ExplainError) as exc:
            failures += 1
            print(json.dumps({"file": name, "error": str(exc)}, ensure_ascii=False), flush=True)
            continue
        stem = path.stem or path.name
        png, data = out / f"{stem}.explain.png", out / f"{stem}.explain.json"
        write_bytes_atomic(png, renderer.png(x[..., :1] if x.shape[-1] == STROKE_CHANNELS else x, result))  # the ink
        write_json_atomic(data, {"file": str(path), "model": model_path.name, **result.to_json(),
                                 "created_by": f"cnn-classroom {__version__}"})
        print(json.dumps({"file": name, "class": result.class_name, "method": result.method,
                          "png": str(png), "json": str(data)}, ensure_ascii=False), flush=True)
    return 1 if failures else 0


class _Renderer:
    """Qt, started once without a window, draws the pictures (Chinese class names need its fonts)."""

    def __init__(self):
        self._app = None

    def png(self, x, result) -> bytes:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.instance() is None:
            self._app = QGuiApplication(["cnn-classroom", "-platform", "offscreen"])
            from desktop.ui.fonts import load_bundled_fonts

            load_bundled_fonts()
        from desktop.ui.explain_overlay import explanation_caption, render_explanation

        caption = explanation_caption(result.class_name, result.probability, result.method)
        image = render_explanation(x, result.heat, caption, result.top)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
