"""Guard against a PySide6 build that corrupts reference counts (6.12.0 on Python 3.11).

That build loses a reference to ``True`` on every ``emit()`` and to ``None`` on every call of a
C++ method returning nothing; the app then aborts mid-drawing with "bool_dealloc". The probe runs
in its own interpreter because a broken build kills the process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QWidget

    class Probe(QObject):
        fired = Signal()

    app = QApplication([])
    probe, widget = Probe(), QWidget()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        widget.update()
        probe.fired.emit()
    print(none_before - sys.getrefcount(None), true_before - sys.getrefcount(True))
""")


def test_pyside_keeps_reference_counts():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, f"PySide6 aborted: {result.stderr[-500:]}"
    lost_none, lost_true = map(int, result.stdout.split())
    # A few references may move for unrelated reasons; the broken build loses hundreds.
    assert abs(lost_none) < 20 and abs(lost_true) < 20, (lost_none, lost_true)
