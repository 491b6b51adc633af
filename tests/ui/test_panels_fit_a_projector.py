"""The Kernels and Results panels on a 1024 × 768 projector: 880 × 600 is what the window leaves them.

At that size, with normal and with 150 % text (the presentation zoom), each panel's minimum size
still fits, and its primary content is on screen without scrolling: the input picture, the kernel's
weights, the output picture and the weighted-sum table; the model reports, which are stacked rather
than cut off, with no sideways scrolling; the architecture details, which wrap instead of running off.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QComboBox, QLineEdit, QWidget

from desktop.core.onnx_model import OnnxModel
from desktop.core.registry import ModelInfo
from desktop.ui.kernels.panel import KernelsPanel
from desktop.ui.results.panel import ResultsPanel
from tests.ui.on_screen import assert_on_screen, rect_in, scale_text

PANEL_WIDTH, PANEL_HEIGHT = 880, 600  # a 1024 × 768 window less the panel list, menu and status bar
WIDE_WIDTH, WIDE_HEIGHT = 1400, 900
TEXT_SCALES = (1.0, 1.5)
WAIT_MS = 20_000
MIN_OUTPUT_SIDE = 100  # px: an output picture smaller than this cannot be read from the back of a room
SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "models"


class FakeHost(QObject):
    """What the Results panel needs of a model host: the scan result."""

    models_ready = Signal(object, object)


def controls_outside_scroll_areas(panel: QWidget) -> list[QWidget]:
    """Buttons, combo boxes and line edits that no scroll area can bring into view: they must fit."""
    found = []
    for widget in panel.findChildren(QWidget):
        if not isinstance(widget, (QAbstractButton, QComboBox, QLineEdit)) or not widget.isVisible():
            continue
        if widget.objectName().startswith("qt_"):
            continue
        parent = widget.parentWidget()
        while parent is not None and parent is not panel and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parentWidget()
        if parent is panel:
            found.append(widget)
    return found


def assert_fits(panel: QWidget) -> None:
    hint = panel.minimumSizeHint()
    assert hint.width() <= PANEL_WIDTH and hint.height() <= PANEL_HEIGHT, f"minimum size {hint.toTuple()}"
    outside = [f"{w.objectName()} {rect_in(w, panel)}" for w in controls_outside_scroll_areas(panel)
               if not panel.rect().contains(rect_in(w, panel))]
    assert outside == []


def show_at(qtbot, panel: QWidget, factor: float, width: int = PANEL_WIDTH, height: int = PANEL_HEIGHT) -> None:
    qtbot.addWidget(panel)
    scale_text(panel, factor)
    panel.resize(width, height)
    panel.show()
    qtbot.waitExposed(panel)


@pytest.mark.parametrize("factor", TEXT_SCALES)
def test_kernels_panel_shows_input_kernel_output_and_sum_at_880x600(qtbot, factor) -> None:
    panel = KernelsPanel()
    show_at(qtbot, panel, factor)
    qtbot.waitUntil(lambda: panel.is_up_to_date() and panel.output() is not None, timeout=WAIT_MS)
    qtbot.wait(50)  # the output pictures are placed once the result is in
    assert_fits(panel)
    view = panel.view.output_view
    picture = view.colour_view if view.colour_view.isVisible() else view.thumbnail(0)
    assert_on_screen(picture, panel, "the output picture")
    assert min(picture.width(), picture.height()) >= MIN_OUTPUT_SIDE
    assert_on_screen(panel.view.tensor_view.pixels, panel, "the input picture")
    assert_on_screen(panel.view.kernel_editor.findChild(QWidget, "kernelGrid0"), panel, "the kernel's weights")
    assert_on_screen(panel.view.sum_view.table, panel, "the weighted-sum table")
    # Input, kernels and output side by side, in that order.
    columns = [rect_in(w, panel) for w in (panel.view.tensor_view, panel.view.settings_scroll,
                                           panel.view.output_splitter)]
    assert columns[0].right() < columns[1].left() and columns[1].right() < columns[2].left()
    panel.shutdown()


@pytest.mark.parametrize("factor", TEXT_SCALES)
def test_kernels_steps_and_densities_fit_880x600(qtbot, factor) -> None:
    panel = KernelsPanel()
    show_at(qtbot, panel, factor)
    for tab in ("step", "density"):
        panel.show_tab(tab)
        page = panel.view.page(tab)
        qtbot.waitUntil(page.isVisible, timeout=WAIT_MS)
        assert_fits(panel)
    panel.shutdown()


def two_reports(qtbot, factor: float, width: int, height: int) -> ResultsPanel:
    host = FakeHost()
    panel = ResultsPanel(host)
    show_at(qtbot, panel, factor, width, height)
    cnn = ModelInfo.of(OnnxModel(SHIPPED / "casia55-cnn.onnx"))
    logistic = ModelInfo.of(OnnxModel(SHIPPED / "casia55-logistic.onnx"))
    with qtbot.waitSignals([panel.left.report_shown, panel.right.report_shown], timeout=WAIT_MS):
        host.models_ready.emit([cnn, logistic], [])
    qtbot.wait(50)  # the report bodies are laid out
    return panel


@pytest.mark.parametrize("factor", TEXT_SCALES)
def test_two_reports_are_stacked_full_width_at_880x600(qtbot, factor) -> None:
    panel = two_reports(qtbot, factor, PANEL_WIDTH, PANEL_HEIGHT)
    assert_fits(panel)
    assert panel.shown_sides() == ["left", "right"] and not panel.view.reports_side_by_side()
    top, bottom = (rect_in(view, panel) for view in panel.report_views())
    assert top.bottom() < bottom.top() and top.width() == bottom.width() >= PANEL_WIDTH - 60
    for view in panel.report_views():
        assert_on_screen(view, panel, view.objectName())
        assert view.viewport().height() >= 150
        assert view.horizontalScrollBar().maximum() == 0, f"{view.objectName()} scrolls sideways"
        assert_on_screen(view.title_label, panel, "the report's title")
    panel.set_compare(False)  # one report: the whole height
    (only,) = panel.report_views()
    qtbot.waitUntil(lambda: only.height() >= PANEL_HEIGHT - 150, timeout=WAIT_MS)
    panel.shutdown()


def test_two_reports_are_side_by_side_on_a_wide_screen(qtbot) -> None:
    panel = two_reports(qtbot, 1.0, WIDE_WIDTH, WIDE_HEIGHT)
    assert panel.view.reports_side_by_side()
    left, right = (rect_in(view, panel) for view in panel.report_views())
    assert left.right() < right.left() and left.top() == right.top()
    for view in panel.report_views():
        assert view.horizontalScrollBar().maximum() == 0, f"{view.objectName()} scrolls sideways"
    panel.resize(PANEL_WIDTH, PANEL_HEIGHT)  # narrowed: stacked
    qtbot.waitUntil(lambda: not panel.view.reports_side_by_side(), timeout=WAIT_MS)
    panel.shutdown()


@pytest.mark.parametrize("factor", TEXT_SCALES)
def test_evaluate_and_architectures_tabs_fit_880x600(qtbot, factor) -> None:
    panel = ResultsPanel(FakeHost())
    show_at(qtbot, panel, factor)
    evaluate = panel.evaluate_view
    panel.show_tab("evaluate")
    qtbot.waitUntil(evaluate.isVisible, timeout=WAIT_MS)
    assert_fits(panel)
    for name in ("evaluateFolderEdit", "evaluateChooseFolder", "evaluateRunButton"):
        assert_on_screen(evaluate.findChild(QWidget, name), panel, name)
    architectures = panel.architectures_view
    with qtbot.waitSignal(architectures.loaded, timeout=WAIT_MS):
        panel.show_tab("architectures")
    qtbot.wait(50)  # the details are laid out
    assert_fits(panel)
    details = architectures.details_scroll
    assert_on_screen(details, panel, "the architecture details")
    assert details.horizontalScrollBar().maximum() == 0, "the architecture details run off to the right"
    assert_on_screen(architectures.title_label, panel, "the architecture's name")
    panel.shutdown()
