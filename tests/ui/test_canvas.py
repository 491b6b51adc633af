"""The drawing canvas with real Qt input events: mouse, pen tablet and touch."""

from __future__ import annotations

import ctypes
import sys

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.ui.write.canvas import DrawingCanvas


@pytest.fixture
def canvas(qtbot):
    widget = DrawingCanvas()
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def draw_with_mouse(qtbot, canvas, points, pause_ms=2):
    """Press at the first point, move through the rest, release at the last (a real mouse drag)."""
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[0]))
    for p in points[1:]:
        qtbot.wait(pause_ms)
        QTest.mouseMove(canvas, QPoint(*p))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[-1]))


def ink_pixels(image: QImage, row: int, threshold: int = 128) -> np.ndarray:
    """Columns of one image row that are dark (ink)."""
    return np.array([x for x in range(image.width()) if QColor(image.pixel(x, row)).value() < threshold])


def line_thickness(canvas, x: int) -> int:
    """Vertical extent of dark pixels in column ``x`` of the canvas as painted."""
    image = canvas.grab().toImage()
    ratio = image.devicePixelRatio()
    col = round(x * ratio)
    dark = [y for y in range(image.height()) if QColor(image.pixel(col, y)).value() < 100]
    return round(len(dark) / ratio)


def test_mouse_drawing_records_strokes_with_time_and_pressure(qtbot, canvas):
    changes, finished = [], []
    canvas.strokes_changed.connect(lambda: changes.append(len(canvas.strokes())))
    canvas.stroke_finished.connect(lambda: finished.append(len(canvas.strokes())))
    assert canvas.is_empty()

    draw_with_mouse(qtbot, canvas, [(50, 60), (90, 70), (130, 80), (170, 90)])
    draw_with_mouse(qtbot, canvas, [(100, 40), (100, 120), (100, 200)])

    strokes = canvas.strokes()
    assert len(strokes) == 2
    assert finished == [1, 2]
    assert len(changes) >= 7  # every added point, not just pen-up
    first, second = strokes
    assert first.shape == (4, 4) and second.shape == (3, 4)
    np.testing.assert_allclose(first[:, :2], [(50, 60), (90, 70), (130, 80), (170, 90)])
    np.testing.assert_allclose(second[:, :2], [(100, 40), (100, 120), (100, 200)])
    assert (first[:, 3] == 1.0).all() and (second[:, 3] == 1.0).all()
    times = np.concatenate([first[:, 2], second[:, 2]])
    assert (np.diff(times) > 0).all(), "times count from the start of the drawing and keep increasing"
    assert not canvas.is_empty() and canvas.can_undo() and not canvas.can_redo()


def test_the_stroke_being_drawn_is_visible_before_pen_up(qtbot, canvas):
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(40, 40))
    QTest.mouseMove(canvas, QPoint(80, 40))
    QTest.mouseMove(canvas, QPoint(120, 40))
    assert len(canvas.strokes()) == 1 and len(canvas.strokes()[0]) == 3
    assert len(ink_pixels(canvas.grab().toImage(), round(40 * canvas.devicePixelRatioF()))) > 0
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(120, 40))
    assert len(canvas.strokes()) == 1


def test_undo_redo_and_clear(qtbot, canvas):
    draw_with_mouse(qtbot, canvas, [(20, 20), (60, 60)], pause_ms=0)
    draw_with_mouse(qtbot, canvas, [(200, 20), (160, 60)], pause_ms=0)
    a, b = canvas.strokes()

    with qtbot.waitSignal(canvas.strokes_changed, timeout=1000):
        canvas.undo()
    assert [s.tolist() for s in canvas.strokes()] == [a.tolist()]
    assert canvas.can_redo()
    canvas.redo()
    assert len(canvas.strokes()) == 2 and not canvas.can_redo()

    canvas.clear()
    assert canvas.is_empty()
    canvas.undo()  # a clear is one undoable step: nothing is lost
    assert [s.tolist() for s in canvas.strokes()] == [a.tolist(), b.tolist()]

    canvas.undo()
    assert len(canvas.strokes()) == 1 and canvas.can_redo()
    draw_with_mouse(qtbot, canvas, [(100, 250), (200, 250)], pause_ms=0)
    assert not canvas.can_redo(), "a new stroke starts a new future"
    assert len(canvas.strokes()) == 2

    while canvas.can_undo():
        canvas.undo()
    assert canvas.is_empty()
    canvas.undo()  # nothing left: harmless
    assert canvas.is_empty()


def test_set_strokes_round_trip_and_is_undoable(qtbot, canvas):
    drawn = [np.array([[10, 10, 0, 1.0], [50, 80, 16, 0.5]]), np.array([[70, 20, 400, 0.8]])]
    with qtbot.waitSignal(canvas.strokes_changed, timeout=1000):
        canvas.set_strokes(drawn)
    for got, want in zip(canvas.strokes(), drawn, strict=True):
        np.testing.assert_array_equal(got, want)
    canvas.set_strokes([[[0, 0], [5, 5], [9, 3]]])  # x, y only: full pressure, made-up increasing times
    (plain,) = canvas.strokes()
    assert plain.shape == (3, 4) and (plain[:, 3] == 1).all() and (np.diff(plain[:, 2]) > 0).all()
    canvas.undo()
    assert len(canvas.strokes()) == 2
    with pytest.raises(ValueError, match="stroke"):
        canvas.set_strokes([[1, 2, 3]])


def test_grid_changes_the_painting_but_not_the_strokes(qtbot, canvas):
    draw_with_mouse(qtbot, canvas, [(60, 150), (240, 150)], pause_ms=0)
    before = [s.copy() for s in canvas.strokes()]
    canvas.set_grid_visible(True)
    with_grid = canvas.grab().toImage()
    canvas.set_grid_visible(False)
    without_grid = canvas.grab().toImage()
    assert with_grid != without_grid
    # The centre column holds the vertical guide line: reddish with the grid, white paper without.
    ratio = with_grid.devicePixelRatio()
    x, y = round(150 * ratio), round(60 * ratio)
    guide = QColor(with_grid.pixel(x, y))
    assert guide.red() > guide.blue() + 20
    assert QColor(without_grid.pixel(x, y)).name() == "#ffffff"
    for got, want in zip(canvas.strokes(), before, strict=True):
        np.testing.assert_array_equal(got, want)


def test_pen_width_changes_painted_line(qtbot, canvas):
    canvas.set_grid_visible(False)
    canvas.set_strokes([[[40, 150], [260, 150]]])
    canvas.set_pen_width(4)
    thin = line_thickness(canvas, 150)
    canvas.set_pen_width(16)
    thick = line_thickness(canvas, 150)
    assert 2 <= thin <= 6 and 13 <= thick <= 19
    with pytest.raises(ValueError):
        canvas.set_pen_width(0)


def stylus() -> QPointingDevice:
    return QPointingDevice(
        "test stylus", 1001, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 1,
    )


def send_tablet(canvas, device, kind, pos, pressure):
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
    event = QTabletEvent(kind, device, QPointF(*pos), QPointF(canvas.mapToGlobal(QPoint(*pos))), pressure,
                         0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, buttons)
    QApplication.sendEvent(canvas, event)
    return event


def test_tablet_pressure_is_stored_and_scales_the_width(qtbot, canvas):
    canvas.set_grid_visible(False)
    canvas.set_pen_width(20)
    device = stylus()
    press = send_tablet(canvas, device, QEvent.Type.TabletPress, (30, 100), 0.25)
    assert press.isAccepted()
    send_tablet(canvas, device, QEvent.Type.TabletMove, (150, 100), 0.25)
    send_tablet(canvas, device, QEvent.Type.TabletMove, (270, 100), 0.25)
    send_tablet(canvas, device, QEvent.Type.TabletRelease, (270, 100), 0.0)
    send_tablet(canvas, device, QEvent.Type.TabletPress, (30, 200), 1.0)
    send_tablet(canvas, device, QEvent.Type.TabletMove, (150, 200), 1.0)
    send_tablet(canvas, device, QEvent.Type.TabletMove, (270, 200), 1.0)
    send_tablet(canvas, device, QEvent.Type.TabletRelease, (270, 200), 1.0)

    light, firm = canvas.strokes()
    np.testing.assert_allclose(light[:, 3], 0.25)
    np.testing.assert_allclose(firm[:, 3], 1.0)
    image = canvas.grab().toImage()
    ratio = image.devicePixelRatio()

    def thickness(y_centre):
        col = round(100 * ratio)
        rows = range(round((y_centre - 30) * ratio), round((y_centre + 30) * ratio))
        return sum(QColor(image.pixel(col, y)).value() < 100 for y in rows) / ratio

    assert 3 <= thickness(100) <= 7  # 20 px * 0.25
    assert 18 <= thickness(200) <= 22


def test_one_finger_touch_draws_a_stroke(qtbot, canvas):
    device = QTest.createTouchDevice()
    QTest.touchEvent(canvas, device).press(0, QPoint(40, 40), canvas).commit()
    QTest.touchEvent(canvas, device).move(0, QPoint(90, 80), canvas).commit()
    QTest.touchEvent(canvas, device).move(0, QPoint(140, 120), canvas).commit()
    with qtbot.waitSignal(canvas.stroke_finished, timeout=1000):
        QTest.touchEvent(canvas, device).release(0, QPoint(140, 120), canvas).commit()
    (stroke,) = canvas.strokes()
    np.testing.assert_allclose(stroke[:, :2], [(40, 40), (90, 80), (140, 120)])
    assert (stroke[:, 3] == 1.0).all()


def test_a_second_finger_does_not_write(qtbot, canvas):
    device = QTest.createTouchDevice()
    QTest.touchEvent(canvas, device).press(0, QPoint(40, 40), canvas).commit()
    QTest.touchEvent(canvas, device).move(0, QPoint(60, 40), canvas).press(1, QPoint(250, 250), canvas).commit()
    QTest.touchEvent(canvas, device).move(0, QPoint(80, 40), canvas).move(1, QPoint(240, 240), canvas).commit()
    QTest.touchEvent(canvas, device).release(0, QPoint(80, 40), canvas).move(1, QPoint(230, 230), canvas).commit()
    QTest.touchEvent(canvas, device).release(1, QPoint(230, 230), canvas).commit()
    (stroke,) = canvas.strokes()
    np.testing.assert_allclose(stroke[:, :2], [(40, 40), (60, 40), (80, 40)])


def test_times_keep_increasing_after_a_load(qtbot, canvas):
    canvas.set_strokes([np.array([[10, 10, 0, 1], [20, 20, 5000, 1]])])
    draw_with_mouse(qtbot, canvas, [(50, 50), (90, 90)], pause_ms=0)
    loaded, drawn = canvas.strokes()
    assert drawn[0, 2] > 5000 and drawn[1, 2] > drawn[0, 2]
    canvas.clear()
    draw_with_mouse(qtbot, canvas, [(50, 50), (90, 90)], pause_ms=0)
    (fresh,) = canvas.strokes()
    assert 0 <= fresh[0, 2] < 1000, "an empty canvas starts a new drawing at time 0"


def test_accessibility_and_size(canvas):
    assert canvas.objectName() == "drawingCanvas"
    assert canvas.accessibleName() and canvas.accessibleDescription()
    assert canvas.sizeHint().width() == canvas.sizeHint().height() >= 400


def dark_mask(canvas, threshold=128) -> np.ndarray:
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    grey = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return grey[:, : image.width()] < threshold


def test_live_painting_matches_the_repainted_ink(qtbot, canvas):
    canvas.set_grid_visible(False)
    draw_with_mouse(qtbot, canvas, [(40, 40), (120, 90), (200, 100), (260, 220)], pause_ms=0)
    live = dark_mask(canvas)
    width = canvas.pen_width()
    canvas.set_pen_width(width + 1)
    canvas.set_pen_width(width)  # the ink cache is rebuilt from the stored strokes
    repainted = dark_mask(canvas)
    assert live.sum() > 500
    assert (live != repainted).sum() < 0.03 * live.sum()


def test_hint_only_on_an_empty_canvas(qtbot, canvas):
    canvas.set_grid_visible(False)
    ratio = canvas.devicePixelRatioF()
    centre = (slice(round(140 * ratio), round(160 * ratio)), slice(round(100 * ratio), round(200 * ratio)))
    assert dark_mask(canvas, threshold=200)[centre].any(), "the hint text is shown"
    canvas.set_strokes([[[10, 10], [40, 10]]])
    assert not dark_mask(canvas, threshold=200)[centre].any()
    canvas.clear()
    assert dark_mask(canvas, threshold=200)[centre].any()


def pyside_loses_references() -> bool:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void C++ call (and to True on
    every emit); a long session then aborts the whole process, so the test below cannot run there."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.setObjectName("probe")  # a C++ method returning void
    lost = before - sys.getrefcount(None)
    for _ in range(max(lost, 0)):  # give back what the probe took
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    return lost >= 8


@pytest.mark.skipif(pyside_loses_references(), reason="this PySide6 build loses references to None/True "
                    "on every call and would abort the test process after a few thousand pen movements")
def test_a_long_drawing_session_does_not_crash(qtbot, canvas):
    """Thousands of points, each emitting strokes_changed and repainting."""
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, 20))
    for i in range(6000):
        QTest.mouseMove(canvas, QPoint(20 + i % 250, 20 + (i // 250) * 10))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, 260))
    assert len(canvas.strokes()) == 1 and len(canvas.strokes()[0]) > 5000
