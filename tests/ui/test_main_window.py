"""The start window, on Qt's offscreen platform: it opens, and lists models without trusting them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper
from PySide6.QtCore import Qt

from desktop.core.contract import META_TITLE
from desktop.core.model_files import list_model_files, shipped_models_dir
from desktop.ui.main_window import WINDOW_TITLE, MainWindow

REPO_ROOT = Path(__file__).resolve().parents[2]


def write_tiny_onnx(path: Path, title: str | None) -> Path:
    """An Identity model: the smallest file onnxruntime will load, with an optional title."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["image"], ["logits"])],
        "tiny",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 2])],
    )
    # IR 8 / opset 17: old enough for any onnxruntime the app supports.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    if title is not None:
        helper.set_model_props(model, {META_TITLE: title})
    onnx.save(model, str(path))
    return path


def open_window(qtbot, models_dir: Path | None = None) -> MainWindow:
    window = MainWindow(models_dir=models_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def item_texts(window: MainWindow) -> list[str]:
    return [window.model_list.item(i).text() for i in range(window.model_list.count())]


def test_window_opens_with_its_title(qtbot) -> None:
    window = open_window(qtbot)
    assert window.windowTitle() == WINDOW_TITLE == "CNN Classroom"
    assert window.isVisible()


def test_lists_the_shipped_models_or_says_there_are_none(qtbot) -> None:
    shipped = sorted(shipped_models_dir().glob("*.onnx"))
    window = open_window(qtbot)
    texts = item_texts(window)
    if shipped:
        assert len(texts) == len(shipped)
        for path, text in zip(shipped, texts):
            assert path.name in text
            assert "unreadable" not in text, f"shipped model {path.name} cannot be read"
        assert window.model_list.isVisible() and not window.empty_label.isVisible()
    else:
        assert texts == []
        assert window.empty_label.isVisible() and not window.model_list.isVisible()
        assert "build-assets" in window.empty_label.text()


def test_titles_come_from_the_metadata_and_a_corrupt_file_is_marked_unreadable(qtbot, tmp_path: Path) -> None:
    write_tiny_onnx(tmp_path / "a-good.onnx", title="Course characters (CNN)")
    write_tiny_onnx(tmp_path / "b-untitled.onnx", title=None)
    (tmp_path / "c-broken.onnx").write_bytes(b"this is not a protobuf \x00\xff\x13")
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")

    window = open_window(qtbot, tmp_path)

    assert item_texts(window) == [
        "Course characters (CNN) (a-good.onnx)",
        "b-untitled.onnx",
        "c-broken.onnx (unreadable)",
    ]
    broken = window.model_list.item(2)
    assert "c-broken.onnx" in broken.toolTip()  # the reason names the file
    assert broken.data(Qt.ItemDataRole.UserRole) == str(tmp_path / "c-broken.onnx")
    assert window.empty_label.isHidden()


def test_an_empty_or_missing_folder_shows_the_empty_message(qtbot, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    window = open_window(qtbot, missing)
    assert item_texts(window) == []
    assert window.empty_label.isVisible()
    assert str(missing) in window.empty_label.text()


def test_list_model_files_reports_errors_without_raising(tmp_path: Path) -> None:
    (tmp_path / "empty.onnx").write_bytes(b"")
    models = list_model_files(tmp_path)
    assert [m.readable for m in models] == [False]
    assert models[0].error.startswith("empty.onnx:")


def run_app(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("broken_models", [False, True], ids=["shipped-models", "corrupt-model-folder"])
def test_smoke_test_option_opens_the_app_and_exits_cleanly(tmp_path: Path, broken_models: bool) -> None:
    args = ["--smoke-test"]
    if broken_models:
        (tmp_path / "broken.onnx").write_bytes(b"\x08\x07garbage")
        args += ["--models-dir", str(tmp_path)]
    result = run_app(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_version_option_needs_no_display() -> None:
    from desktop import __version__

    env_without_display = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "desktop", "--version"], cwd=REPO_ROOT,
                            env={**env_without_display, "PYTHONPATH": str(REPO_ROOT)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cnn-classroom {__version__}"
