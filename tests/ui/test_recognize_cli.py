"""``python -m desktop recognize``: JSON lines for images and stroke files, clear errors, no Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.registry import PREFERRED_CHARACTER_MODELS, shipped_models_dir
from desktop.core.strokes import render
from tests.tiny_onnx import linear_character_model
from tests.ui.drawing import course_strokes

REPO_ROOT = Path(__file__).resolve().parents[2]
HAS_SHIPPED_CNN = any((shipped_models_dir() / n).is_file() for n in PREFERRED_CHARACTER_MODELS)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    # No display at all: the command must not need (or import) Qt.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "desktop", "recognize", *args], cwd=REPO_ROOT,
                          env={**env, "PYTHONPATH": path}, capture_output=True, text=True, timeout=120)


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.skipif(not HAS_SHIPPED_CNN, reason="no shipped CNN: python -m training build-assets")
def test_png_stroke_json_and_a_bad_file(tmp_path: Path) -> None:
    png = tmp_path / "shan.png"
    ok, data = cv2.imencode(".png", np.pad(render(course_strokes("山"), height=200, pen_width=10), 20,
                                           constant_values=255))
    png.write_bytes(data.tobytes())
    strokes = tmp_path / "da.json"
    strokes.write_text(json.dumps([s.tolist() for s in course_strokes("大")]))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")

    result = run_cli(str(png), str(bad), str(strokes))

    assert result.returncode == 1, result.stderr  # one file failed
    first, broken, last = lines(result)
    assert first["file"] == str(png) and first["top5"][0][0] == "山"
    assert len(first["top5"]) == 5 and all(0 <= p <= 1 for _, p in first["top5"])
    assert [p for _, p in first["top5"]] == sorted((p for _, p in first["top5"]), reverse=True)
    assert broken == {"file": str(bad), "error": "not a readable image (PNG, JPEG, BMP, TIFF or WebP expected)"}
    assert last["file"] == str(strokes) and last["top5"][0][0] == "大"


def test_model_option_top_k_and_exit_status(tmp_path: Path) -> None:
    model = linear_character_model(tmp_path / "tiny.onnx", ["大", "天", "太"])
    strokes = tmp_path / "s.json"
    strokes.write_text(json.dumps({"strokes": [[[0, 0], [100, 100]], [[100, 0], [0, 100]]]}))
    result = run_cli(str(strokes), "--model", str(model), "--top", "2")
    assert result.returncode == 0, result.stderr
    (line,) = lines(result)
    assert line["file"] == str(strokes) and len(line["top2"]) == 2
    assert {c for c, _ in line["top2"]} <= {"大", "天", "太"}


def test_missing_files_and_unsupported_types_get_error_lines(tmp_path: Path) -> None:
    model = linear_character_model(tmp_path / "tiny.onnx", ["大", "天"])
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli(str(tmp_path / "missing.png"), str(tmp_path / "notes.txt"), "--model", str(model))
    assert result.returncode == 1
    missing, notes = lines(result)
    assert missing["error"] == "file not found"
    assert "unsupported file type" in notes["error"]


def test_an_unusable_model_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"garbage")
    result = run_cli("x.png", "--model", str(broken))
    assert result.returncode == 2
    assert "broken.onnx" in result.stderr and result.stdout == ""


def test_recognize_does_not_import_qt(tmp_path: Path) -> None:
    model = linear_character_model(tmp_path / "tiny.onnx", ["大", "天"])
    strokes = tmp_path / "s.json"
    strokes.write_text("[[[0, 0], [5, 9]]]")
    probe = ("import sys, desktop.__main__ as cli\n"
             f"status = cli.main(['recognize', {str(strokes)!r}, '--model', {str(model)!r}])\n"
             "print([n for n in sys.modules if n.startswith(('PySide6', 'shiboken6'))], status)")
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": path},
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[] 0", result.stderr


def test_a_stroke_model_reads_stroke_files_and_refuses_pictures(tmp_path: Path) -> None:
    from tests.tiny_onnx import stroke_character_model

    weights = np.zeros((9, 2), np.float32)
    weights[1, 0] = weights[5, 1] = 50.0  # ink going right -> 右, going left -> 左
    model = stroke_character_model(tmp_path / "online.onnx", ["右", "左"], weights)
    line = np.linspace([0.0, 0.0], [300.0, 10.0], 30)
    rightwards, leftwards = tmp_path / "r.json", tmp_path / "l.json"
    rightwards.write_text(json.dumps([line.tolist()]))
    leftwards.write_text(json.dumps([line[::-1].tolist()]))
    png = tmp_path / "line.png"
    picture = np.full((60, 200), 255, np.uint8)
    cv2.line(picture, (10, 30), (190, 32), 0, 5)
    cv2.imwrite(str(png), picture)

    result = run_cli("--model", str(model), "--top", "1", str(rightwards), str(leftwards), str(png))

    assert result.returncode == 1, result.stderr  # the picture failed
    right, left, refused = lines(result)
    assert right["top1"][0][0] == "右" and left["top1"][0][0] == "左"
    assert refused["file"] == str(png) and "reads pen strokes, and a picture has none" in refused["error"]
