"""``python -m desktop import-teachable``: a TF.js export to ONNX with only the app's dependencies.

Each run is a child process in which TensorFlow, Keras, tf_keras and the training package cannot
be imported at all (an import hook refuses them), as on a machine with only the app installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.core.onnx_model import OnnxModel
from tests.teachable_fixtures import CLASS_NAMES, make_tfjs_export, make_tfjs_zip

REPO_ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("tensorflow", "keras", "tf_keras", "training", "PySide6")

#: Runs ``python -m desktop ARGS`` with the forbidden packages made unimportable, then reports
#: (on the last stdout line) which of them ended up imported anyway.
_RUNNER = f"""
import importlib.abc, json, sys
FORBIDDEN = {FORBIDDEN!r}
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"{{name}} is not installed (test)")
        return None
sys.meta_path.insert(0, Refuse())
from desktop.__main__ import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set(FORBIDDEN))))
sys.exit(code)
"""


def run_cli(*args: str) -> subprocess.CompletedProcess:
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-c", _RUNNER, "import-teachable", *args], cwd=REPO_ROOT,
                          env={**env, "PYTHONPATH": path}, capture_output=True, text=True, timeout=120)


def test_a_zipped_export_converts_without_tensorflow(tmp_path: Path) -> None:
    archive = make_tfjs_zip(tmp_path / "tm-my-image-model.zip")
    out = tmp_path / "tm.onnx"
    result = run_cli(str(archive), "--out", str(out), "--title", "My classes")
    assert result.returncode == 0, result.stderr
    *printed, imported = result.stdout.strip().splitlines()
    assert json.loads(imported) == []  # nothing of TensorFlow, Keras, training or Qt was loaded
    assert "3 classes" in printed[0] and "max |onnxruntime - numpy float64| = " in printed[0]
    model = OnnxModel(out)
    assert model.title == "My classes" and model.class_names == list(CLASS_NAMES)


def test_a_broken_export_exits_2_with_one_line(tmp_path: Path) -> None:
    folder = make_tfjs_export(tmp_path / "export")
    (folder / "weights.bin").unlink()
    out = tmp_path / "tm.onnx"
    result = run_cli(str(folder), "--out", str(out))
    assert result.returncode == 2
    error = result.stderr.strip()
    assert error.count("\n") == 0 and error.startswith("error: ") and "weights.bin: weight file missing" in error
    assert not out.exists()


def test_labels_and_missing_arguments(tmp_path: Path) -> None:
    folder = make_tfjs_export(tmp_path / "export")
    labels = tmp_path / "labels.txt"
    labels.write_text("0 rock\n1 paper\n2 scissors\n", encoding="utf-8")
    result = run_cli(str(folder / "model.json"), "--out", str(tmp_path / "rps.onnx"), "--labels", str(labels))
    assert result.returncode == 0, result.stderr
    assert OnnxModel(tmp_path / "rps.onnx").class_names == ["rock", "paper", "scissors"]

    result = run_cli(str(folder))  # no --out
    assert result.returncode == 2 and "--out" in result.stderr
