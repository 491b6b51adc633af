"""Write a course character on the real canvas with mouse events, as a student would.

The stroke centre-lines of ``assets/strokes/hanzi-writer-data`` (1024 box, y up) are scaled into
the canvas, nudged with a seeded random wobble per stroke and per point, and sent as press, moves
and release through QTest.
"""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from desktop.core.contract import assets_dir

STROKE_BOX = 1024.0
BASELINE = 900.0  # y' = 900 - y turns the data's y-up into y-down


def course_strokes(char: str) -> list[np.ndarray]:
    """The stroke centre-lines of ``char`` with y pointing down, in the 1024 box."""
    path = assets_dir() / "strokes" / "hanzi-writer-data" / f"{char}.json"
    medians = json.loads(path.read_text(encoding="utf-8"))["medians"]
    return [np.array([[x, BASELINE - y] for x, y in stroke], dtype=np.float64) for stroke in medians]


def strokes_in_widget(char: str, width: int, height: int, rng: np.random.Generator,
                      wobble: float = 0.01, margin: float = 0.1) -> list[np.ndarray]:
    """``char`` scaled into a ``width`` x ``height`` widget, with per-stroke shifts and point jitter."""
    side = min(width, height) * (1 - 2 * margin)
    scale = side / STROKE_BOX
    x0, y0 = (width - side) / 2, (height - side) / 2
    out = []
    for stroke in course_strokes(char):
        shift = rng.normal(0, wobble * side, 2)
        jitter = rng.normal(0, wobble * side / 3, stroke.shape)
        points = stroke * scale + (x0, y0) + shift + jitter
        # Dense points like a real mouse: interpolate each segment in ~4 px steps.
        dense = [points[0]]
        for a, b in zip(points[:-1], points[1:]):
            steps = max(int(np.linalg.norm(b - a) / 4), 1)
            dense += [a + (b - a) * t for t in np.linspace(0, 1, steps + 1)[1:]]
        out.append(np.clip(np.array(dense), 1, [width - 2, height - 2]))
    return out


def draw_strokes(widget: QWidget, strokes: list[np.ndarray]) -> None:
    """Press, move along, release: one mouse stroke per array of (x, y) widget points."""
    for stroke in strokes:
        points = [QPoint(int(round(x)), int(round(y))) for x, y in stroke[:, :2]]
        QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(widget, p)
        QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])


def draw_character(widget: QWidget, char: str, seed: int = 0) -> list[np.ndarray]:
    strokes = strokes_in_widget(char, widget.width(), widget.height(), np.random.default_rng(seed))
    draw_strokes(widget, strokes)
    return strokes
