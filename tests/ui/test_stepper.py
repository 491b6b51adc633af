"""The convolution stepper walks the course's 5×5 example and honours padding and stride."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from desktop.core.convolution import COURSE_IMAGE, COURSE_KERNEL, ConvSettings
from desktop.ui.kernels.stepper import FOOTPRINT_COLOUR, ConvolutionStepper

COURSE_OUTPUT = [[4, 3, 4], [2, 4, 3], [2, 3, 4]]


@pytest.fixture
def stepper(qtbot) -> ConvolutionStepper:
    widget = ConvolutionStepper()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    return widget


def test_the_course_example_starts_with_sum_4(stepper: ConvolutionStepper) -> None:
    image, kernel, settings = stepper.problem()
    np.testing.assert_array_equal(image, COURSE_IMAGE)
    np.testing.assert_array_equal(kernel, COURSE_KERNEL)
    assert stepper.position() == 0 and stepper.position_count() == 9
    ws = stepper.current_sum()
    assert ws.total == 4
    assert stepper.sum_label.text().endswith("= 4")
    assert stepper.sum_label.text().count("·") == 9
    # The footprint is the top-left 3x3 block of the input, the products are input times kernel.
    for r in range(5):
        for c in range(5):
            highlighted = stepper.input_grid.colour_at(r, c) == FOOTPRINT_COLOUR
            assert highlighted == (r < 3 and c < 3)
    np.testing.assert_array_equal(stepper.products_grid.values(), COURSE_IMAGE[:3, :3] * COURSE_KERNEL)
    shown = stepper.output_grid.values()
    assert shown[0, 0] == 4 and np.isnan(shown.reshape(-1)[1:]).all()


def test_stepping_through_all_positions_reproduces_the_course_output(qtbot, stepper: ConvolutionStepper) -> None:
    sums = [stepper.current_sum().total]
    for _ in range(8):
        qtbot.mouseClick(stepper.forward_button, Qt.MouseButton.LeftButton)
        sums.append(stepper.current_sum().total)
    assert np.reshape(sums, (3, 3)).tolist() == COURSE_OUTPUT
    np.testing.assert_array_equal(stepper.output_grid.values(), COURSE_OUTPUT)
    stepper.step_forward()  # past the end stays at the end
    assert stepper.position() == 8
    qtbot.mouseClick(stepper.back_button, Qt.MouseButton.LeftButton)
    assert stepper.position() == 7 and stepper.output_cell() == (2, 1)
    assert np.isnan(stepper.output_grid.values()[2, 2])


def test_play_advances_by_itself_and_stops_at_the_end(qtbot, stepper: ConvolutionStepper) -> None:
    stepper.set_speed(20)
    qtbot.mouseClick(stepper.play_button, Qt.MouseButton.LeftButton)
    assert stepper.is_playing() and stepper.play_button.isChecked()
    qtbot.waitUntil(lambda: stepper.position() >= 3, timeout=3000)
    qtbot.waitUntil(lambda: not stepper.is_playing(), timeout=3000)
    assert stepper.position() == 8 and not stepper.play_button.isChecked()
    np.testing.assert_array_equal(stepper.output_grid.values(), COURSE_OUTPUT)


def test_pause_stops_the_timer(qtbot, stepper: ConvolutionStepper) -> None:
    stepper.set_speed(20)
    stepper.play()
    qtbot.waitUntil(lambda: stepper.position() >= 1, timeout=3000)
    qtbot.mouseClick(stepper.play_button, Qt.MouseButton.LeftButton)
    assert not stepper.is_playing()
    held = stepper.position()
    qtbot.wait(200)
    assert stepper.position() == held


def test_the_slider_scrubs_to_any_position(stepper: ConvolutionStepper) -> None:
    assert stepper.slider.maximum() == 8
    stepper.slider.setValue(5)
    assert stepper.position() == 5 and stepper.output_cell() == (1, 2)
    assert stepper.current_sum().total == COURSE_OUTPUT[1][2]
    assert "step 6 of 9" in stepper.position_label.text()
    stepper.set_position(2)
    assert stepper.slider.value() == 2


def test_stride_2_changes_the_number_of_positions(stepper: ConvolutionStepper) -> None:
    stepper.set_problem(COURSE_IMAGE, COURSE_KERNEL, ConvSettings(stride=(2, 2)))
    assert stepper.position_count() == 4 and stepper.slider.maximum() == 3
    sums = []
    for position in range(4):
        stepper.set_position(position)
        sums.append(stepper.current_sum().total)
    assert sums == [COURSE_OUTPUT[0][0], COURSE_OUTPUT[0][2], COURSE_OUTPUT[2][0], COURSE_OUTPUT[2][2]]
    stepper.set_problem(COURSE_IMAGE, COURSE_KERNEL, ConvSettings(stride=(1, 2)))
    assert stepper.position_count() == 6


def test_zero_padding_draws_padded_cells_and_keeps_the_size(stepper: ConvolutionStepper) -> None:
    stepper.set_problem(COURSE_IMAGE, COURSE_KERNEL, ConvSettings(padding="zero"))
    assert stepper.position_count() == 25
    grid = stepper.input_grid
    assert grid.values().shape == (7, 7)
    assert grid._hatched[0].all() and not grid._hatched[1:6, 1:6].any()
    ws = stepper.current_sum()
    assert ws.rows.tolist() == [-1, 0, 1] and ws.cols.tolist() == [-1, 0, 1]
    assert ws.total == COURSE_IMAGE[0, 0] + COURSE_IMAGE[1, 1]  # only the X's centre and corner land on the image
    assert "Output 5×5" in stepper.shape_label.text()


def test_dilation_spreads_the_footprint(stepper: ConvolutionStepper) -> None:
    stepper.set_problem(COURSE_IMAGE, COURSE_KERNEL, ConvSettings(dilation=(2, 2)))
    assert stepper.position_count() == 1
    highlighted = {(r, c) for r in range(5) for c in range(5) if stepper.input_grid.colour_at(r, c) == FOOTPRINT_COLOUR}
    assert highlighted == {(r, c) for r in (0, 2, 4) for c in (0, 2, 4)}
    assert stepper.current_sum().total == float((COURSE_IMAGE[::2, ::2] * COURSE_KERNEL).sum())


def test_an_impossible_setting_is_shown_not_raised(stepper: ConvolutionStepper) -> None:
    stepper.set_problem(COURSE_IMAGE, np.ones((7, 7)), ConvSettings())
    assert stepper.position_count() == 0 and "larger" in stepper.problem_error()
    assert not stepper.error_label.isHidden() and not stepper.play_button.isEnabled()
    stepper.set_problem(COURSE_IMAGE, COURSE_KERNEL, ConvSettings())
    assert stepper.error_label.isHidden() and stepper.current_sum().total == 4


def test_relu_and_bias_are_written_out(stepper: ConvolutionStepper) -> None:
    stepper.set_problem(COURSE_IMAGE, -COURSE_KERNEL, ConvSettings(relu=True), bias=1.0)
    text = stepper.sum_label.text()
    assert "bias 1" in text and "= -3" in text and text.endswith("ReLU → 0")
    assert stepper.output_grid.values()[0, 0] == 0


def test_widgets_are_named_for_assistive_technology(stepper: ConvolutionStepper) -> None:
    for widget in (stepper, stepper.play_button, stepper.back_button, stepper.forward_button,
                   stepper.slider, stepper.speed_box, stepper.input_grid, stepper.output_grid):
        assert widget.objectName() and widget.accessibleName()
    stepper.grab()  # paints every grid without error


@pytest.mark.parametrize("settings", [ConvSettings(padding="reflect", stride=(2, 1)),
                                      ConvSettings(padding="replicate", dilation=(1, 2), relu=True)])
def test_every_step_of_a_larger_problem_matches_the_revealed_output(stepper: ConvolutionStepper,
                                                                     settings: ConvSettings) -> None:
    rng = np.random.default_rng(0)
    image = rng.integers(-3, 4, (7, 6)).astype(np.float32)
    kernel = rng.integers(-2, 3, (3, 3)).astype(np.float32)
    stepper.set_problem(image, kernel, settings)
    steps = []
    for position in range(stepper.position_count()):
        stepper.set_position(position)
        steps.append(stepper.current_sum().output)
    final = stepper.output_grid.values()
    assert not np.isnan(final).any()
    np.testing.assert_allclose(np.reshape(steps, final.shape), final, atol=1e-5)


def test_a_drawing_sized_problem_computes_its_output_once(stepper: ConvolutionStepper, monkeypatch) -> None:
    """4,800 positions: the whole output is one conv2d, and a step computes only its own sum, so
    opening the problem and jumping to the end cannot grow with the number of positions."""
    from desktop.ui.kernels import stepper as module

    calls = {"conv2d": 0, "weighted_sum_at": 0}
    for name in calls:
        real = getattr(module, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    image = np.random.default_rng(1).integers(0, 256, (80, 60)).astype(np.float32)
    stepper.set_problem(image, np.ones((5, 5)) / 25, ConvSettings(padding="zero"))
    stepper.set_position(stepper.position_count() - 1)
    stepper.grab()
    assert stepper.position_count() == 80 * 60
    assert calls["conv2d"] == 1
    assert calls["weighted_sum_at"] <= 4  # the sums shown at position 0 and at the end
