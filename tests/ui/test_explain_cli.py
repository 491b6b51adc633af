"""``python -m desktop explain``: a picture and a JSON heat grid per file, clear errors, no display needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from tests.explain_models import drawing_on_paper, ink_character_model, left_half_photo_model, photo_with_blob
from tests.tiny_onnx import linear_character_model

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    # No display: the picture is drawn by Qt's offscreen platform, chosen by the command itself.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "desktop", "explain", *args], cwd=REPO_ROOT,
                          env={**env, "PYTHONPATH": path}, capture_output=True, text=True, timeout=180)


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def write_png(path: Path, image: np.ndarray) -> Path:
    ok, data = cv2.imencode(".png", np.asarray(image, np.uint8))
    assert ok
    path.write_bytes(data.tobytes())
    return path


def test_each_file_gets_a_picture_and_a_heat_grid_and_bad_files_say_why(tmp_path: Path) -> None:
    model = ink_character_model(tmp_path / "ink.onnx", head="flatten", cam=True)
    drawing = write_png(tmp_path / "drawing.png", np.pad(drawing_on_paper()[..., 0], 10, constant_values=255))
    blank = write_png(tmp_path / "blank.png", np.full((50, 40), 255))
    strokes = tmp_path / "cross.json"
    strokes.write_text(json.dumps([[[0, 0], [0, 100]], [[-50, 50], [50, 50]]]))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    out = tmp_path / "out"

    result = run_cli(str(drawing), str(bad), str(blank), str(strokes), "--model", str(model), "--out", str(out),
                     "--method", "occlusion", "--patch", "10", "--class", "ink")

    assert result.returncode == 1, result.stderr  # two files failed, the others were written
    first, broken, empty, last = lines(result)
    assert first["class"] == "ink" and first["method"] == "occlusion"
    assert broken == {"file": str(bad), "error": "not a readable image (PNG, JPEG, BMP, TIFF or WebP expected)"}
    assert empty["file"] == str(blank) and "no ink" in empty["error"]
    assert last["file"] == str(strokes) and last["class"] == "ink"
    assert sorted(p.name for p in out.iterdir()) == ["cross.explain.json", "cross.explain.png",
                                                     "drawing.explain.json", "drawing.explain.png"]
    data = json.loads((out / "drawing.explain.json").read_text(encoding="utf-8"))
    assert (data["class"], data["method"], data["patch"], data["model"]) == ("ink", "occlusion", 10, "ink.onnx")
    assert data["grid_shape"] == [8, 6] and np.asarray(data["grid"]).shape == (8, 6)
    assert np.asarray(data["grid"]).max() == 1.0 and data["input_shape"] == [80, 60]
    assert [name for name, _ in data["top"]] == ["ink", "paper"]
    picture = cv2.imdecode(np.fromfile(str(out / "drawing.explain.png"), np.uint8), cv2.IMREAD_COLOR)
    assert picture is not None and picture.shape[0] >= 80 * 4 and picture.shape[1] > 60 * 4
    heat_colours = picture[12:12 + 320, 12:12 + 240]
    assert (np.abs(heat_colours[..., 2].astype(int) - heat_colours[..., 1]) > 60).any()  # red or orange heat drawn


def test_a_photo_model_explains_by_cam(tmp_path: Path) -> None:
    model = left_half_photo_model(tmp_path / "colours.onnx", size=32, cam=True)
    photo = write_png(tmp_path / "blob.png", cv2.cvtColor(photo_with_blob(32).astype(np.uint8), cv2.COLOR_RGB2BGR))
    result = run_cli(str(photo), "--model", str(model), "--out", str(tmp_path / "maps"))
    assert result.returncode == 0, result.stderr
    (line,) = lines(result)
    assert (line["class"], line["method"]) == ("red", "cam")
    data = json.loads((tmp_path / "maps" / "blob.explain.json").read_text(encoding="utf-8"))
    grid = np.asarray(data["grid"])
    assert data["grid_shape"] == [32, 32] and grid[:, 16:].max() == 0.0  # it never looks at the right half


def test_problems_with_the_model_or_the_options_write_nothing(tmp_path: Path) -> None:
    ink = ink_character_model(tmp_path / "ink.onnx", head="gap", cam=True)
    plain = linear_character_model(tmp_path / "plain.onnx", ["a", "b"])
    drawing = write_png(tmp_path / "d.png", drawing_on_paper()[..., 0])
    out = tmp_path / "out"

    unknown = run_cli(str(drawing), "--model", str(ink), "--class", "dog", "--out", str(out))
    assert unknown.returncode == 2 and "unknown class 'dog'" in unknown.stderr and "2 classes (ink, paper)" in unknown.stderr
    no_cam = run_cli(str(drawing), "--model", str(plain), "--method", "cam", "--out", str(out))
    assert no_cam.returncode == 2 and "plain.onnx has no CAM outputs" in no_cam.stderr
    missing = run_cli(str(drawing), "--model", str(tmp_path / "nope.onnx"), "--out", str(out))
    assert missing.returncode == 2 and "nope.onnx: file not found" in missing.stderr
    bad_patch = run_cli(str(drawing), "--patch", "0", "--out", str(out))
    assert bad_patch.returncode == 2 and "--patch must be at least 1" in bad_patch.stderr
    assert not out.exists()


def test_a_stroke_model_is_explained_on_stroke_files_and_refuses_pictures(tmp_path: Path) -> None:
    from tests.tiny_onnx import stroke_character_model

    weights = np.zeros((9, 2), np.float32)
    weights[1, 0] = weights[5, 1] = 50.0  # ink going right -> 右, going left -> 左
    model = stroke_character_model(tmp_path / "online.onnx", ["右", "左"], weights)
    leftwards = tmp_path / "left.json"
    leftwards.write_text(json.dumps([[[300, 0], [150, 5], [0, 10]]]))
    picture = write_png(tmp_path / "line.png", np.pad(np.zeros((6, 60)), 20, constant_values=255))
    out = tmp_path / "out"

    result = run_cli(str(leftwards), str(picture), "--model", str(model), "--out", str(out),
                     "--method", "occlusion", "--patch", "10")

    assert result.returncode == 1, result.stderr
    explained, refused = lines(result)
    assert explained["class"] == "左" and Path(explained["png"]).is_file()
    heat = json.loads(Path(explained["json"]).read_text(encoding="utf-8"))
    assert heat["class"] == "左"
    assert "reads pen strokes" in refused["error"]
