"""The test session fails a test when Qt reports an object used from a thread that does not own it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from tests.qt_messages import cross_thread_warnings


@pytest.mark.provokes_cross_thread_warning
def test_a_timer_started_from_a_worker_thread_is_caught(qtbot, qtlog) -> None:
    timer = QTimer()  # owned by the GUI thread, like a status bar's message timer
    worker = threading.Thread(target=lambda: timer.start(1000))
    worker.start()
    worker.join(10)
    assert not worker.is_alive()
    found = cross_thread_warnings(r.message for r in qtlog.records)
    assert found, f"Qt said nothing the check recognises: {[r.message for r in qtlog.records]}"


def test_ordinary_messages_are_not_taken_for_cross_thread_ones() -> None:
    assert not cross_thread_warnings(["QFont::setPointSizeF: Point size <= 0 (0.000000), must be greater than 0",
                                      "libpng warning: iCCP: known incorrect sRGB profile"])
    assert cross_thread_warnings(["QObject::startTimer: Timers cannot be started from another thread",
                                  "QObject::setParent: Cannot set parent, new parent is in a different thread"])


def test_teach_training_curves_are_drawn_in_the_gui_thread(qtbot, tmp_path, monkeypatch) -> None:
    """The training job reports each epoch from its own thread; the chart must be updated in the GUI thread."""
    from desktop.ui.teach.train_view import UnderTheHood
    from tests.ui.test_teach_panel import COLOURS, PER_CLASS, fill, make_panel, noisy_colour, write_png

    threads: list[str] = []
    original = UnderTheHood.add_epoch

    def recording(self, metrics) -> None:
        threads.append(threading.current_thread().name)
        original(self, metrics)

    monkeypatch.setattr(UnderTheHood, "add_epoch", recording)
    files = {name: [write_png(tmp_path / "photos" / name / f"{i}.png", noisy_colour(rgb, seed=10 * k + i))
                    for i in range(PER_CLASS)] for k, (name, rgb) in enumerate(COLOURS.items())}
    panel = make_panel(qtbot, tmp_path)
    try:
        fill(qtbot, panel, files)
        panel.view.epochs_spin.setValue(5)
        with qtbot.waitSignal(panel.trained, timeout=60_000):
            assert panel.train()
        qtbot.waitUntil(lambda: len(threads) == 5, timeout=10_000)
        assert set(threads) == {threading.main_thread().name}, threads
    finally:
        panel.shutdown()
