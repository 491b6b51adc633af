"""What a start on the Write panel loads: the other panels' heavy libraries wait until those panels open.

Start-up once took twice as long because the main window imported every panel module, and the
Teach panel's brought in onnx (and ml_dtypes' 1.4 s extension) and the Results panel's pyqtgraph.
This counts modules, not seconds: the speed itself is measured by ``python -m benchmarks.bench_app``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LOADED_LATER = ("onnx", "pyqtgraph", "desktop.ui.teach.panel", "desktop.ui.camera.panel",
                "desktop.ui.kernels.panel", "desktop.ui.results.panel", "tensorflow", "keras")


def test_the_window_on_the_write_panel_loads_no_other_panel_nor_their_libraries(tmp_path: Path) -> None:
    probe = (
        "import json, sys\n"
        "from desktop.ui.app import create_application\n"
        "from desktop.ui.main_window import MainWindow\n"
        "app = create_application()\n"
        "window = MainWindow()\n"
        "window.show_panel(0)\n"
        "window.show()\n"
        "app.processEvents()\n"
        f"print(json.dumps([m for m in {list(LOADED_LATER)!r} if m in sys.modules]))\n"
        "window.host.shutdown()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT),
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], f"a start on the Write panel loaded {loaded}"
