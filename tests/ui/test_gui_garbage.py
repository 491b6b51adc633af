"""Reference cycles holding Qt objects are collected in the GUI thread, never in a worker's."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from desktop.ui import gui_garbage
from desktop.ui.app import create_application


def test_the_app_collects_cycles_in_the_gui_thread_only(qtbot) -> None:
    app = create_application()
    collector = gui_garbage.install(app)
    assert gui_garbage.install(app) is collector and not gc.isenabled()

    destroyed_in: list[str] = []

    class Holder:
        pass

    def make_cycle() -> None:
        holder = Holder()
        holder.me = holder  # unreachable once this returns: only the collector frees it
        holder.qobject = QObject()
        holder.qobject.destroyed.connect(lambda *_: destroyed_in.append(threading.current_thread().name))

    make_cycle()
    # A worker allocating many objects does not trigger a collection there any more.
    worker = threading.Thread(target=lambda: [[] for _ in range(50_000)], name="allocating-worker")
    worker.start()
    worker.join(30)
    assert not destroyed_in, destroyed_in
    before = collector.collections
    kept = []

    def collected() -> bool:
        # The GUI thread allocates (and keeps) objects, as a running app does, until the collector's
        # timer has collected the generation the cycle reached.
        kept.append([[] for _ in range(1_000)])
        return bool(destroyed_in)

    qtbot.waitUntil(collected, timeout=20_000)
    assert destroyed_in == [threading.main_thread().name] and collector.collections > before
    assert QApplication.instance() is app
