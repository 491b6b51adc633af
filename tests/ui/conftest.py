"""UI tests: garbage is collected in the GUI thread only, during a test and at its end.

Python's cycle collector runs in whichever thread happens to allocate when it triggers, often a
model worker's. A window that a test closed leaves reference cycles holding Python-owned Qt
objects (its model host and that host's thread); collected in a worker thread, they are destroyed
from the wrong thread and Qt reports it under some later, unrelated test. Collecting at the end of
each test keeps that in the GUI thread, where the test that made them ran; during a test the app's
own GUI-thread collector (desktop.ui.gui_garbage, automatic collection off) does the same.

The objects alive after the first UI test (modules, classes, the libraries' own tables) are
frozen out of later collections: they live for the whole run anyway, and scanning them each time
would cost tens of milliseconds per test.
"""

from __future__ import annotations

import gc

import pytest

_frozen = False


@pytest.fixture(autouse=True)
def garbage_collected_in_the_gui_thread_only(qapp):
    """As in the app while a UI test runs: no automatic collection in whatever thread allocates.
    Switched back on afterwards: tests without an event loop (training) have no timer to collect."""
    from desktop.ui import gui_garbage

    gui_garbage.install(qapp)
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def collect_garbage_in_the_gui_thread():
    global _frozen
    yield
    gc.collect()
    if not _frozen:
        gc.freeze()
        _frozen = True
