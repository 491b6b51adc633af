"""Every start works, whatever panel it opens on, whatever order things happen in, whatever the settings hold.

The models arrive from the host thread as a queued signal; the panels other than Write are built
when first shown. A panel built after the host emitted but before the GUI thread delivered that
emit must still get the models. These tests force each order instead of hoping to hit it:

- ``emitted``: the host has emitted (a direct slot in the host thread says so), nothing delivered
  yet, then the panel is built: the order that left the Results panel at "Loading the models…";
- ``delivered``: the window holds the models, then the panel is built;
- ``built-first``: the panel is built (not shown) before the host starts, then the models come;
- ``shown-first``: the panel is built and on screen before the host starts.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop.ui.main_window import PANELS, ZOOM_STEPS, MainWindow

HOST_DEADLINE_S = 60.0
WAIT_MS = 30_000


def _results_ready(window: MainWindow) -> bool:
    panel = window.results_panel
    return all(pane.combo.count() > 0 and pane.view.report is not None for pane in (panel.left, panel.right))


def _wait_results_ready(qtbot, window: MainWindow) -> None:
    def ready() -> None:
        panel = window.results_panel
        assert _results_ready(window), (
            f"the Results panel still shows {panel.left.view.status_text()!r} / {panel.right.view.status_text()!r}")
    qtbot.waitUntil(ready, timeout=WAIT_MS)


def _new_window(qtbot, *, start_host: bool = True) -> MainWindow:
    if not start_host:
        from desktop.ui.write.model_host import ModelHost
        original = ModelHost.start
        ModelHost.start = lambda self: None  # held back; the test starts it
        try:
            window = MainWindow()
        finally:
            ModelHost.start = original
    else:
        window = MainWindow()
    qtbot.addWidget(window)
    return window


def test_results_panel_built_after_the_host_emitted_but_before_delivery_gets_the_models(qtbot) -> None:
    window = _new_window(qtbot, start_host=False)
    emitted = threading.Event()
    # Runs in the host thread at the moment of the emit, before any queued delivery.
    window.host.models_ready.connect(lambda *_: emitted.set(), Qt.ConnectionType.DirectConnection)
    window.host.start()
    assert emitted.wait(HOST_DEADLINE_S), "the model host never announced its models"
    assert not window.models, "the window must not have processed the announcement yet"
    panel = window.results_panel  # built now: the host's emit is already queued, without it
    window.show_panel(PANELS.index("Results"))
    window.show()
    qtbot.waitExposed(window)
    _wait_results_ready(qtbot, window)
    assert panel.models == window.models and window.models


def test_results_panel_built_after_the_models_were_delivered(qtbot) -> None:
    window = _new_window(qtbot)
    with qtbot.waitSignal(window.models_ready, timeout=WAIT_MS):
        pass
    window.show()
    window.show_panel(PANELS.index("Results"))
    _wait_results_ready(qtbot, window)


@pytest.mark.parametrize("shown", [False, True], ids=["built-first", "shown-first"])
def test_results_panel_built_before_the_host_started(qtbot, shown: bool) -> None:
    window = _new_window(qtbot, start_host=False)
    window.results_panel  # noqa: B018 - building it is the point
    if shown:
        window.show_panel(PANELS.index("Results"))
        window.show()
        qtbot.waitExposed(window)
        assert window.results_panel.left.view.status_text()  # "Loading the models…" until they come
    with qtbot.waitSignal(window.models_ready, timeout=WAIT_MS):
        window.host.start()
    window.show_panel(PANELS.index("Results"))
    window.show()
    _wait_results_ready(qtbot, window)


def test_no_models_at_all_is_said_instead_of_loading_for_ever(qtbot, tmp_path: Path, monkeypatch) -> None:
    from desktop.core import registry

    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setattr(registry, "shipped_models_dir", lambda: empty)
    window = _new_window(qtbot)
    with qtbot.waitSignal(window.models_ready, timeout=WAIT_MS):
        pass
    window.show_panel(PANELS.index("Results"))
    window.show()
    qtbot.waitUntil(lambda: "build-assets" in window.results_panel.left.view.status_text(), timeout=WAIT_MS)


def _write_settings(values: dict[str, object]) -> None:
    settings = QSettings()
    settings.clear()
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()


def _open_with_saved_settings(qtbot, models_dir: Path | None = None) -> MainWindow:
    window = MainWindow(models_dir=models_dir)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.models_ready, timeout=WAIT_MS):
        window.show()
        qtbot.waitExposed(window)
    return window


def _panel_is_usable(qtbot, window: MainWindow) -> None:
    name = window.current_panel()
    page = window.stack.currentWidget()
    assert page.isVisible(), f"the {name} page is not shown"
    if name == "Results":
        _wait_results_ready(qtbot, window)
    elif name != "Write":
        qtbot.waitUntil(lambda: window._pages[name].panel is not None and window._pages[name].panel.isVisible(),
                        timeout=WAIT_MS)


@pytest.mark.parametrize("panel", PANELS)
def test_every_saved_panel_opens_and_works(qtbot, panel: str) -> None:
    _write_settings({"window/panel": PANELS.index(panel)})
    window = _open_with_saved_settings(qtbot)
    assert window.current_panel() == panel
    _panel_is_usable(qtbot, window)
    window.close()


@pytest.mark.parametrize("saved, panel, zoom", [
    ({"window/panel": 99}, "Write", 1.0),
    ({"window/panel": -2}, "Write", 1.0),
    ({"window/panel": "results"}, "Write", 1.0),
    ({"view/zoom_index": "huge"}, "Write", 1.0),
    ({"view/zoom_index": 4000, "window/panel": 4}, "Results", 1.0),
    ({"view/zoom_index": ZOOM_STEPS.index(1.5), "window/panel": 4}, "Results", 1.5),
    ({"window/geometry": "not a geometry", "window/state": 17, "view/grid": [1, 2]}, "Write", 1.0),
    ({"lessons/lesson": "no-such-lesson", "lessons/step": "x"}, "Write", 1.0),
], ids=["panel-too-big", "panel-negative", "panel-text", "zoom-text", "zoom-too-big", "saved-zoom",
        "garbage-geometry", "unknown-lesson"])
def test_bad_saved_settings_get_defaults(qtbot, saved: dict, panel: str, zoom: float) -> None:
    _write_settings(saved)
    window = _open_with_saved_settings(qtbot)
    assert window.current_panel() == panel
    assert window.zoom() == zoom
    _panel_is_usable(qtbot, window)
    window.lessons_dock.load()
    window.close()


def test_a_damaged_settings_file_opens_on_defaults(qtbot) -> None:
    _write_settings({"window/panel": PANELS.index("Results")})
    path = Path(QSettings().fileName())
    assert path.is_file(), f"expected the settings in a file, found {path}"
    path.write_bytes(b"\x00\xff[window\npanel=\x01\x02 garbage \xfe\n[[[\n")
    window = _open_with_saved_settings(qtbot)
    assert window.current_panel() in PANELS
    _panel_is_usable(qtbot, window)
    window.close()


@pytest.mark.parametrize("panel", ["Camera", "Teach", "Results"])
def test_a_removed_models_folder_is_not_fatal(qtbot, tmp_path: Path, panel: str) -> None:
    gone = tmp_path / "models-that-were-deleted"
    _write_settings({"window/panel": PANELS.index(panel)})
    window = _open_with_saved_settings(qtbot, models_dir=gone)
    assert window.current_panel() == panel
    _panel_is_usable(qtbot, window)
    window.close()
