"""Drawings, image files and stroke files -> the 80x60 model input -> ranked candidates.

The one preprocessing path behind the Write panel and ``python -m desktop recognize``: the canvas
and the command line call the same functions, so what a student sees is what the model sees.
Qt-free: numpy + OpenCV.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from desktop.core import strokes as stroke_renderer
from desktop.core.framing import EmptyDrawing, frame_for_model
from desktop.core.images import ImageDecodeError, decode_image
from desktop.core.onnx_model import top_k

#: The canvas pen width in canvas pixels, shared with the command line so both render alike.
DEFAULT_PEN_WIDTH = 12.0
#: Smallest render height: a dot or a tiny scribble still gets a few pixels to work with.
MIN_RENDER_HEIGHT = 8
#: Largest render height: a bigger drawing is drawn this tall with its pen scaled alike (the result is
#: stretched to 80x60 anyway). The training crops are 48-128 pixels tall, and a canvas drawing of 400
#: pixels would cost ten times the pixels to draw.
MAX_RENDER_HEIGHT = 128
#: A stroke file is drawn as if written this big on the canvas (its longer side, in pixels).
CANVAS_DRAWING_SIZE = 300.0

#: Stroke file coordinates beyond this are refused: scaling them to the canvas would overflow.
MAX_STROKE_COORDINATE = 1e9

__all__ = [
    "CANVAS_DRAWING_SIZE",
    "Candidate",
    "DEFAULT_PEN_WIDTH",
    "EmptyDrawing",
    "InputFileError",
    "candidates",
    "fit_to_canvas",
    "image_to_input",
    "read_image_file",
    "read_stroke_file",
    "strokes_to_input",
]


class InputFileError(ValueError):
    """An image or stroke file that cannot be read; the message names the file."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class Candidate:
    char: str
    probability: float


def _non_empty(strokes: Sequence[np.ndarray]) -> list[np.ndarray]:
    return [np.asarray(s, dtype=np.float64) for s in strokes if len(s) > 0]


def strokes_to_input(strokes: Sequence[np.ndarray], pen_width: float = DEFAULT_PEN_WIDTH) -> np.ndarray:
    """Canvas strokes ((n, 2..4) arrays in canvas pixels) -> float32 [80, 60, 1].

    Rendered at the drawing's own size (at most :data:`MAX_RENDER_HEIGHT`) with the canvas pen,
    so the ratio of pen to character is the one on screen; then cropped and stretched like every
    other input.
    """
    points = _non_empty(strokes)
    if not points:
        raise EmptyDrawing("there is nothing drawn yet: write a character first")
    height, pen_width = render_size(points, pen_width)
    grey = stroke_renderer.render(points, height=height, pen_width=pen_width)
    return frame_for_model(grey)


def render_size(points: Sequence[np.ndarray], pen_width: float) -> tuple[int, float]:
    """The height a drawing is rendered at, and its pen width there: its own size on the canvas, or
    :data:`MAX_RENDER_HEIGHT` with the pen scaled alike when it is taller."""
    _, y0, _, y1 = stroke_renderer.bounds(points)
    full = y1 - y0 + pen_width
    if full > MAX_RENDER_HEIGHT:
        return MAX_RENDER_HEIGHT, pen_width * MAX_RENDER_HEIGHT / full
    return max(int(round(full)), MIN_RENDER_HEIGHT), pen_width


def fit_to_canvas(strokes: Sequence[np.ndarray], size: float = CANVAS_DRAWING_SIZE) -> list[np.ndarray]:
    """Scale strokes in any units so their longer side is ``size`` canvas pixels (top-left at 0)."""
    points = _non_empty(strokes)
    if not points:
        return []
    x0, y0, x1, y1 = stroke_renderer.bounds(points)
    scale = size / max(x1 - x0, y1 - y0, 1e-6)
    fitted = []
    for s in points:
        out = s.copy()
        out[:, 0] = (s[:, 0] - x0) * scale
        out[:, 1] = (s[:, 1] - y0) * scale
        fitted.append(out)
    return fitted


def _to_grey_uint8(image: np.ndarray) -> np.ndarray:
    """Grey, BGR or BGRA, 8- or 16-bit (or float 0..1) -> uint8 grey; transparency becomes paper."""
    img = np.asarray(image)
    if img.dtype == np.uint16:
        img = (img.astype(np.float32) / 257.0).round().astype(np.uint8)
    elif img.dtype.kind == "f":
        scale = 255.0 if img.size and float(np.nanmax(img)) <= 1.0 else 1.0
        img = np.clip(np.nan_to_num(img) * scale, 0, 255).round().astype(np.uint8)
    elif img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        return img
    if img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ValueError(f"expected a grey, BGR or BGRA image, got shape {img.shape}")
    if img.shape[2] == 4:
        # Ink drawn on a transparent background: composite over white paper.
        alpha = img[..., 3:4].astype(np.float32) / 255.0
        colour = img[..., :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
        img = colour.round().astype(np.uint8)
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def image_to_input(image: np.ndarray) -> np.ndarray:
    """Any character image (grey/BGR/BGRA, 8/16-bit) -> float32 [80, 60, 1]; EmptyDrawing if blank."""
    return frame_for_model(_to_grey_uint8(image))


def read_image_file(path: str | Path) -> np.ndarray:
    """An image file -> uint8 grey (transparent areas become paper)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    try:
        data = np.fromfile(str(path), dtype=np.uint8)  # np.fromfile + imdecode: non-ASCII paths work on Windows
        image = decode_image(data, cv2.IMREAD_UNCHANGED,
                             unreadable="not a readable image (PNG, JPEG, BMP, TIFF or WebP expected)")
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    except ImageDecodeError as exc:
        raise InputFileError(path, str(exc)) from exc
    try:
        return _to_grey_uint8(image)
    except ValueError as exc:
        raise InputFileError(path, str(exc)) from exc


def read_stroke_file(path: str | Path) -> list[np.ndarray]:
    """A stroke JSON file (``[[[x, y], ...], ...]`` or ``{"strokes": ...}``) -> (n, 2) arrays."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(path, f"not a JSON stroke file ({exc})") from exc
    except RecursionError:  # json nests on the C stack: "[[[[..." thousands deep
        raise InputFileError(path, "not a JSON stroke file (nested too deeply)") from None
    if isinstance(data, dict):
        if "strokes" not in data:
            raise InputFileError(path, 'a JSON object needs a "strokes" list')
        data = data["strokes"]
    if not isinstance(data, list):
        raise InputFileError(path, "expected a list of strokes, each a list of [x, y] points")
    strokes = []
    for number, stroke in enumerate(data, start=1):
        try:
            points = np.asarray(stroke, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputFileError(path, f"stroke {number} is not a list of [x, y] numbers") from exc
        if points.ndim != 2 or points.shape[1] < 2 or len(points) == 0 or not np.isfinite(points).all():
            raise InputFileError(path, f"stroke {number} must be a non-empty list of [x, y] points")
        if np.abs(points[:, :2]).max() > MAX_STROKE_COORDINATE:
            raise InputFileError(path, f"stroke {number} has coordinates beyond ±{MAX_STROKE_COORDINATE:g}")
        strokes.append(points[:, :2])
    if not strokes:
        raise InputFileError(path, "the file holds no strokes")
    return strokes


def candidates(probs: np.ndarray, class_names: Sequence[str], k: int = 5) -> list[Candidate]:
    """The ``k`` most probable classes of one probability row, best first."""
    row = np.asarray(probs, dtype=np.float64).reshape(-1)
    if row.shape[0] != len(class_names):
        raise ValueError(f"{row.shape[0]} probabilities for {len(class_names)} class names")
    return [Candidate(class_names[i], p) for i, p in top_k(row, k)]
