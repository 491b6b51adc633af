"""The 1-D convolution view: f ⋆ g of two densities, a simulation beside it, the sum behind a point."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from desktop.core.densities import Exponential, Gamma, histogram_density
from desktop.ui.kernels.density_view import CLAIMS, DensityConvolutionView


@pytest.fixture
def view(qtbot) -> DensityConvolutionView:
    widget = DensityConvolutionView()
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def widget_point(view: DensityConvolutionView, x: float, y: float):
    """Where the plot point (x, y) is on the plot's viewport, once the plot has fitted its curves."""
    view_box = view.plot.getPlotItem().getViewBox()
    previous = None
    for _ in range(50):  # layout and auto-range settle over a few event-loop turns
        QApplication.processEvents()
        view.plot.grab()  # a paint applies the pending auto-range
        point = view.plot.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))
        state = (point, view.plot.viewport().size(), tuple(map(tuple, view_box.viewRange())))
        if state == previous:
            return point
        previous = state
    raise AssertionError("the plot never settled")


def integral(values: np.ndarray, dx: float) -> float:
    return float(np.sum(values) * dx)


def test_two_uniforms_make_a_triangle_of_height_one(view: DensityConvolutionView) -> None:
    curves = view.curves()
    # Uniform(0, 1) + Uniform(0, 1): the triangle on [0, 2] with its peak 1 at s = 1.
    peak = int(np.argmax(curves.h))
    assert curves.sum_grid[peak] == pytest.approx(1.0, abs=2 * curves.dx)
    assert curves.h[peak] == pytest.approx(1.0, rel=0.03)
    quarter = int(np.argmin(abs(curves.sum_grid - 0.5)))
    assert curves.h[quarter] == pytest.approx(0.5, abs=0.03)
    assert integral(curves.h, curves.dx) == pytest.approx(1.0, rel=0.02)
    # The simulated histogram agrees with the numerical convolution near the peak.
    centres = (curves.histogram_edges[:-1] + curves.histogram_edges[1:]) / 2
    near_peak = abs(centres - 1.0) < 0.1
    assert curves.histogram_density[near_peak].mean() == pytest.approx(0.95, abs=0.08)
    width = curves.histogram_edges[1] - curves.histogram_edges[0]
    assert curves.histogram_edges[0] >= -0.1 and curves.histogram_edges[-1] <= 2.1  # bins where X₁ + X₂ lives
    assert curves.histogram_density.sum() * width == pytest.approx(1.0, abs=0.01)


def test_switching_distributions_updates_the_curves(view: DensityConvolutionView) -> None:
    before = view.curves()
    view.set_distribution(0, "exponential", rate=2.0)
    after = view.curves()
    assert after is not before
    np.testing.assert_allclose(after.f, Exponential(2.0).pdf(after.grid))
    assert not np.allclose(after.h[: before.h.size], before.h[: after.h.size])
    np.testing.assert_array_equal(view.f_item.getData()[1], after.f)

    view.set_distribution(0, "gamma", shape=2.0, scale=1.0)
    view.set_distribution(1, "gamma", shape=3.0, scale=1.0)
    curves = view.curves()
    # Gammas of one scale add their shapes: Gamma(2, 1) + Gamma(3, 1) = Gamma(5, 1).
    expected = Gamma(5.0, 1.0).pdf(curves.sum_grid)
    assert np.max(abs(curves.h - expected)) < 0.01
    mean = integral(curves.sum_grid * curves.h, curves.dx)
    assert mean == pytest.approx(5.0, rel=0.02)

    view.set_distribution(0, "normal", mu=1.0, sigma=0.5)
    view.set_distribution(1, "normal", mu=3.0, sigma=1.0)
    curves = view.curves()
    mean = integral(curves.sum_grid * curves.h, curves.dx)
    variance = integral((curves.sum_grid - mean) ** 2 * curves.h, curves.dx)
    assert mean == pytest.approx(4.0, abs=0.02) and variance == pytest.approx(1.25, rel=0.03)
    np.testing.assert_array_equal(view.h_item.getData()[1], curves.h)


def test_clicking_a_point_shows_the_sum_that_makes_it(qtbot, view: DensityConvolutionView) -> None:
    view.set_distribution(0, "exponential", rate=1.0)
    curves = view.curves()
    s = 1.5
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(view, s, 0.2))
    selected = view.selected_sum()
    assert selected is not None
    index, terms, total = selected
    assert curves.sum_grid[index] == pytest.approx(s, abs=curves.dx)
    assert total == pytest.approx(curves.h[index], rel=1e-9)
    # Exponential(1) + Uniform(0, 1) at s = 1.5: ∫₀¹ e^{-(1.5 - u)}... = e^{-0.5} − e^{-1.5} for s > 1.
    assert total == pytest.approx(math.exp(-(curves.sum_grid[index] - 1)) - math.exp(-curves.sum_grid[index]),
                                  rel=0.03)
    assert f"{total:.6g}" in view.sum_label.text()
    table = view.terms_table
    assert table.rowCount() == np.count_nonzero(terms) + 1
    assert float(table.item(table.rowCount() - 1, 3).text()) == pytest.approx(total, rel=1e-5)
    # The shaded integrand f(x)·g(s − x) is drawn on f's grid; its area is the clicked value.
    x, y = view.terms_item.getData()
    assert integral(y, curves.dx) == pytest.approx(total)


def test_hovering_picks_the_point_under_the_mouse(qtbot, view: DensityConvolutionView) -> None:
    qtbot.mouseMove(view.plot.viewport(), pos=widget_point(view, 0.6, 0.5))
    qtbot.waitUntil(lambda: view.selected_sum() is not None, timeout=2000)
    index, _, total = view.selected_sum()
    curves = view.curves()
    assert curves.sum_grid[index] == pytest.approx(0.6, abs=curves.dx)
    assert total == pytest.approx(curves.h[index]) and total == pytest.approx(0.6, abs=0.03)


def test_the_selected_point_follows_new_curves(view: DensityConvolutionView) -> None:
    view.show_sum_at(1.0)
    view.set_distribution(1, "uniform", a=0.0, b=2.0)
    index, _, total = view.selected_sum()
    curves = view.curves()
    assert curves.sum_grid[index] == pytest.approx(1.0, abs=curves.dx)
    assert total == pytest.approx(curves.h[index]) and total == pytest.approx(0.5, rel=0.03)


@pytest.mark.parametrize("content", [None, "name,notes\nalice,late\nbob,none\n", ""])
def test_a_bad_csv_gives_a_message_not_a_crash(view: DensityConvolutionView, tmp_path: Path,
                                                content: str | None) -> None:
    path = tmp_path / "claims bad.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    before = view.curves()
    assert view.load_csv(path) is False
    assert "claims bad.csv" in view.status_text() and "Cannot use" in view.status_text()
    assert view.curves() is before
    item = view.first_picker.family.model().item(view.first_picker.family.findData(CLAIMS))
    assert not item.isEnabled()


def test_claims_from_a_csv_become_a_histogram_density(view: DensityConvolutionView, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    claims = np.round(rng.gamma(2.0, 500.0, 300), 2)
    path = tmp_path / "claims.csv"
    path.write_text("policy,claim_amount\n" + "\n".join(f"P{i},{c}" for i, c in enumerate(claims)), encoding="utf-8")
    assert view.load_csv(path) is True and "300 claim sizes" in view.status_text()
    view.set_distribution(0, CLAIMS)
    view.set_distribution(1, CLAIMS)
    curves = view.curves()
    np.testing.assert_allclose(curves.f, histogram_density(claims, curves.grid))
    assert integral(curves.f, curves.dx) == pytest.approx(1.0, abs=1e-9)
    mean = integral(curves.sum_grid * curves.h, curves.dx)
    assert mean == pytest.approx(2 * claims.mean(), rel=0.03)


def test_impossible_parameters_are_explained_and_keep_the_last_plot(view: DensityConvolutionView) -> None:
    before = view.curves()
    view.set_distribution(0, "uniform", a=3.0)  # a > b = 1
    assert "a < b" in view.status_text()
    assert view.curves() is before
    view.set_distribution(0, "uniform", b=4.0)
    assert view.status_text() == "" and view.curves() is not before


def test_sample_count_and_resampling_change_the_simulation(view: DensityConvolutionView) -> None:
    first = view.curves().histogram_density.copy()
    view.resample()
    second = view.curves().histogram_density
    assert not np.array_equal(first, second)
    view.set_sample_count(500)
    small = view.curves()
    counted = small.histogram_density * (small.histogram_edges[1] - small.histogram_edges[0]) * 500
    np.testing.assert_allclose(counted, np.round(counted), atol=1e-9)  # whole numbers of 500 samples
    assert 490 <= counted.sum() <= 500


def test_widgets_are_named(view: DensityConvolutionView) -> None:
    for widget in (view, view.first_picker.family, view.second_picker.family, view.samples_box,
                   view.csv_button, view.resample_button, view.plot, view.terms_table):
        assert widget.objectName() and widget.accessibleName()
    view.grab()
