"""The Results panel's calibration section: shown for a calibrated model's report, and only then."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from desktop.ui.results.reliability import calibration_summary, reliability_bars
from desktop.ui.results.report_view import ReportView
from training.calibrate import calibration_figures

CLASSES = ["一", "丨", "口"]


def calibration_section(temperature: float = 2.0) -> dict:
    """A section as ``training.calibrate`` writes it, from fixed over-confident scores."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 300)
    scores = 8.0 * (np.eye(3)[labels] + rng.normal(0, 0.5, (300, 3)))

    def figures(seed: int) -> dict:
        return {"data": {"seed": seed, "n": 300}, "before": calibration_figures(scores, labels, 1.0),
                "after": calibration_figures(scores, labels, temperature)}

    return {"temperature": temperature, "bins": 15, "sets": {"calibration": figures(7000),
                                                              "held_out_writers": figures(8000)}}


def report(**extra) -> dict:
    return {"schema": 1, "model": {"title": "Tiny"}, "class_names": CLASSES, **extra}


@pytest.fixture
def view(qtbot) -> ReportView:
    view = ReportView()
    qtbot.addWidget(view)
    view.resize(1000, 800)
    view.show()
    return view


def test_a_calibrated_report_shows_the_reliability_diagram(view, tmp_path):
    section = calibration_section()
    view.set_report(report(calibration=section))
    assert view.visible_sections() == ["calibration"]
    held_out = section["sets"]["held_out_writers"]
    for when in ("before", "after"):
        lower, upper, accuracy = view.calibration.bars[when]
        rows = [r for r in held_out[when]["reliability"] if r["count"]]
        assert list(accuracy) == [r["accuracy"] for r in rows] and len(lower) == len(upper) == len(rows) > 0
    text = view.calibration.summary_label.text()
    assert "T = 2.00" in text
    ece_before, ece_after = held_out["before"]["ece"], held_out["after"]["ece"]
    assert f"{ece_before:.1%} → {ece_after:.1%}" in text
    assert f"{held_out['before']['mean_confidence_wrong']:.1%} → {held_out['after']['mean_confidence_wrong']:.1%}" in text
    assert "held-out writers" in view.calibration_card.note.text()
    (png,) = view.export_plots(tmp_path)
    assert png.name == "calibration.png" and QImage(str(png)).width() > 50


def test_a_softened_temperature_is_explained():
    section = {**calibration_section(1.6), "rule": "softened", "likelihood_temperature": 1.25, "wrong_limit": 0.6}
    assert "raised from 1.25" in calibration_summary(section) and "60%" in calibration_summary(section)
    assert "raised" not in calibration_summary(calibration_section(1.6))  # the likelihood's T: nothing to explain


def test_a_report_without_calibration_hides_the_section(view):
    view.set_report(report(calibration=calibration_section()))
    view.set_report(report())
    assert "calibration" not in view.visible_sections()
    view.set_report(report(calibration={"temperature": 1.5, "sets": {}}))  # nothing measured: nothing to draw
    assert "calibration" not in view.visible_sections()


def test_only_the_calibration_set_is_drawn_when_there_is_no_held_out_set(view):
    section = calibration_section(1.5)
    del section["sets"]["held_out_writers"]
    view.set_report(report(calibration=section))
    assert view.visible_sections() == ["calibration"]
    assert "calibration writers" in view.calibration_card.note.text()
    assert "held-out" not in calibration_summary(section)


def test_empty_bins_draw_no_bar():
    rows = [{"lower": 0.0, "upper": 0.5, "count": 0, "confidence": None, "accuracy": None},
            {"lower": 0.5, "upper": 1.0, "count": 4, "confidence": 0.9, "accuracy": 0.75}]
    lower, upper, accuracy = reliability_bars(rows)
    assert list(lower) == [0.5] and list(upper) == [1.0] and list(accuracy) == [0.75]
