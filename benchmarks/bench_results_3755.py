"""The Results panel on the report of a 3,755-class model (GB2312 level 1), against a 55-class one.

The 3,755-class report is written by the training package's own ``evaluate`` code from synthetic
predictions (``tests/large_report.py``: no network needed), so it has the shape a real one has:
the most confused pairs and a per-class table instead of the 3,755² matrix. Timed, each the median
of ``--runs`` after one warm-up, for both reports:

* ``read``: ``desktop.core.report.load_report`` (JSON and its checks), what the panel's loader
  does off the GUI thread;
* ``show``: ``ReportView.set_report`` on the GUI thread (every section of the report built and
  filled, offscreen);
* ``find``: typing one character into the per-class table's filter (3,755 classes only);
* ``sort``: sorting that table by accuracy (3,755 classes only).

Printed with the 3,755-class times as multiples of the 55-class ones measured in the same run, the
report sizes, and the size the 3,755² matrix alone would have had as JSON. Target: the GUI-thread
``show`` of the 3,755-class report under ``--target-ms`` (default 250 ms, a quarter second of a
frozen window at most).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
SMALL_REPORT = REPO_ROOT / "assets" / "models" / "casia55-cnn.report.json"


def _median_ms(call, runs: int) -> float:
    call()  # warm-up: first-use costs (fonts, the sections' widgets)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds)) * 1000


def dense_matrix_json_bytes(report: dict) -> int:
    """What ``confusion_matrix`` would have cost as JSON: the counts rebuilt from the class table."""
    import json

    width = len(report["class_names"])
    table = report["class_table"]
    matrix = np.zeros((width, width), np.int32)
    matrix[np.arange(width), np.arange(width)] = table["correct"]
    for pair in report["confused_pairs"]:
        matrix[pair["true_index"], pair["predicted_index"]] = pair["count"]
    return len(json.dumps(matrix.tolist(), separators=(",", ":")))


def measure(path: Path, runs: int) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.core.report import load_report
    from desktop.ui.results.report_view import ReportView

    app = QApplication.instance()
    figures = {"read": _median_ms(lambda: load_report(path), runs)}
    report = load_report(path)
    view = ReportView()
    view.resize(1280, 900)
    view.show()

    def show() -> None:
        view.set_report(report, path.parent)
        app.processEvents()

    figures["show"] = _median_ms(show, runs)
    if "confused" in view.visible_sections():
        table = view.confused
        figures["find"] = _median_ms(lambda: (table.set_filter("己"), app.processEvents()), runs)
        table.set_filter("")
        figures["sort"] = _median_ms(lambda: (table.classes_view.sortByColumn(2, Qt.SortOrder.DescendingOrder),
                                              app.processEvents()), runs)
    view.close()
    view.deleteLater()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--target-ms", type=float, default=250.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO_ROOT))
    from PySide6.QtWidgets import QApplication

    from tests.large_report import write_large_report

    app = QApplication.instance() or QApplication([])  # noqa: F841 (kept alive for the views)
    with tempfile.TemporaryDirectory() as folder:
        large = write_large_report(Path(folder))
        import json

        large_report = json.loads(large.path.read_text(encoding="utf-8"))
        large_figures = measure(large.path, args.runs)
        small_figures = measure(SMALL_REPORT, args.runs) if SMALL_REPORT.is_file() else {}
        print(f"3,755-class report: {large.path.stat().st_size / 1e6:.2f} MB "
              f"(its 3,755² matrix alone would be {dense_matrix_json_bytes(large_report) / 1e6:.0f} MB of JSON)")
        if SMALL_REPORT.is_file():
            print(f"55-class report ({SMALL_REPORT.name}): {SMALL_REPORT.stat().st_size / 1e6:.2f} MB")
    print(f"{'step':<8}{'55 classes ms':>15}{'3,755 classes ms':>18}{'ratio':>8}")
    for step, value in large_figures.items():
        small = small_figures.get(step)
        ratio = f"{value / small:.1f}" if small else ""
        print(f"{step:<8}{(f'{small:.1f}' if small else '–'):>15}{value:>18.1f}{ratio:>8}")
    passed = large_figures["show"] <= args.target_ms
    print(f"show 3,755 classes on the GUI thread: {large_figures['show']:.0f} ms, target {args.target_ms:.0f} ms: "
          f"{'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
