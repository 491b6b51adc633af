"""'What the model sees' with the value under the cursor, and the feature-map grids."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.ui.write.feature_maps_view import GAP, GAP_COLOUR, FeatureMapsView, grid_layout
from desktop.ui.write.input_view import CAPTION, ModelInputView


def sample_input() -> np.ndarray:
    """A gradient with distinct, fractional values: value = row * 3 + column / 100 + 0.25."""
    rows, cols = np.mgrid[0:80, 0:60]
    return (rows * 3 + cols / 100 + 0.25).astype(np.float32)[..., None]


def move_mouse(widget, pos: QPoint) -> None:
    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(pos), QPointF(widget.mapToGlobal(pos)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def input_view(qtbot):
    view = ModelInputView()
    qtbot.addWidget(view)
    view.resize(260, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_value_under_the_cursor(input_view):
    x = sample_input()
    input_view.set_input(x)
    image = input_view.image_widget
    rect = image.target_rect()
    assert rect.width() * 80 == rect.height() * 60, "the aspect ratio is kept"
    assert rect.width() % 60 == 0, "whole-number zoom: every input pixel is an equal square"
    zoom = rect.width() // 60

    for row, col in [(0, 0), (37, 12), (79, 59)]:
        centre = QPoint(rect.x() + col * zoom + zoom // 2, rect.y() + row * zoom + zoom // 2)
        move_mouse(image, centre)
        expected = f"row {row}, column {col}: value {x[row, col, 0]:.1f}"
        assert input_view.value_label.text() == expected
        assert image.toolTip() == expected

    move_mouse(image, QPoint(rect.right() + 5, rect.bottom() + 5))  # off the image
    assert "row" not in input_view.value_label.text()
    assert input_view.findChild(QLabel, "modelInputCaption").text() == CAPTION == "What the model sees (80 × 60)"


def test_input_is_painted_enlarged_with_nearest_neighbour(input_view):
    x = np.full((80, 60, 1), 255.0, dtype=np.float32)
    x[10, 20] = 0.0  # one black pixel
    input_view.set_input(x)
    image = input_view.image_widget
    rect, zoom = image.target_rect(), image.target_rect().width() // 60
    shot = image.grab().toImage()
    ratio = shot.devicePixelRatio()

    def grey_at(px, py):
        return QColor(shot.pixel(round(px * ratio), round(py * ratio))).value()

    top_left = (rect.x() + 20 * zoom, rect.y() + 10 * zoom)
    assert grey_at(top_left[0] + 1, top_left[1] + 1) == 0
    assert grey_at(top_left[0] + zoom - 1, top_left[1] + zoom - 1) == 0  # the whole square, unblurred
    assert grey_at(top_left[0] + zoom + 1, top_left[1] + 1) == 255
    assert grey_at(top_left[0] - 2, top_left[1] + 1) == 255


def test_none_clears_and_wrong_shapes_are_refused(input_view):
    input_view.set_input(sample_input())
    input_view.set_input(None)
    assert input_view.input() is None and input_view.image_widget.image is None
    move_mouse(input_view.image_widget, input_view.image_widget.target_rect().center())
    assert input_view.value_label.text() == ""
    with pytest.raises(ValueError, match="80, 60"):
        input_view.set_input(np.zeros((60, 80, 1)))


def features() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "features_conv1": rng.normal(size=(80, 60, 16)).astype(np.float32),
        "features_conv2": rng.normal(size=(1, 40, 30, 32)).astype(np.float32),  # a batch of one is fine
    }


def test_feature_maps_tile_every_channel(qtbot):
    view = FeatureMapsView()
    qtbot.addWidget(view)
    maps = features()
    maps["features_conv1"][..., 3] = 7.0  # a flat channel: shown black, not NaN
    view.set_features(maps)

    sections = view.sections()
    assert list(sections) == ["features_conv1", "features_conv2"]
    conv1, conv2 = sections["features_conv1"], sections["features_conv2"]
    assert "conv1" in conv1.title.text() and "16 channels" in conv1.title.text()
    assert "32 channels" in conv2.title.text()
    assert conv1.layout_info == grid_layout(80, 60, 16)
    l1, l2 = conv1.layout_info, conv2.layout_info
    assert (l1.rows, l1.cols, l1.zoom) == (4, 4, 1)
    assert l2.rows * l2.cols >= 32 > (l2.rows - 1) * l2.cols and l2.tile_h >= 60

    for section, layout in ((conv1, l1), (conv2, l2)):
        image = section.image
        assert image.width() == layout.cols * (layout.tile_w + GAP) - GAP
        assert image.height() == layout.rows * (layout.tile_h + GAP) - GAP
        # Count the tiles: the top-left pixel of every tile slot is activation grey, unused slots are gap colour.
        tiles = 0
        for r in range(layout.rows):
            for c in range(layout.cols):
                colour = QColor(image.pixel(c * (layout.tile_w + GAP), r * (layout.tile_h + GAP)))
                tiles += (colour.red(), colour.green(), colour.blue()) != GAP_COLOUR
        assert tiles == layout.channels

    # Channel 5 of conv1 sits at grid row 1, column 1; its pixels are the min-max normalised activations.
    channel = maps["features_conv1"][..., 5]
    expected = np.rint((channel - channel.min()) / np.ptp(channel) * 255)
    origin_x, origin_y = 1 * (l1.tile_w + GAP), 1 * (l1.tile_h + GAP)
    for y, x in [(0, 0), (40, 30), (79, 59)]:
        assert QColor(conv1.image.pixel(origin_x + x, origin_y + y)).red() == expected[y, x]
    flat = QColor(conv1.image.pixel(3 * (l1.tile_w + GAP) + 10, 10))  # channel 3: row 0, column 3
    assert (flat.red(), flat.green(), flat.blue()) == (0, 0, 0)

    view.set_features(None)
    assert view.sections() == {} and not view.empty_label.isHidden()


def test_live_feature_map_updates_reuse_the_sections_and_tile_each_layer_once(qtbot, monkeypatch):
    """Each pen stroke refills the view: the work per update is one tiling per layer, with no
    widgets built, whatever the number of updates."""
    from desktop.ui.write import feature_maps_view as module

    view = FeatureMapsView()
    qtbot.addWidget(view)
    maps = features()
    view.set_features(maps)
    first = view.sections()["features_conv1"]
    widgets = len(view.findChildren(QWidget))
    tilings = []
    real_tile = module.tile_channels
    monkeypatch.setattr(module, "tile_channels", lambda m: tilings.append(m.shape) or real_tile(m))
    for _ in range(10):
        view.set_features(maps)
    assert view.sections()["features_conv1"] is first, "same layers: the sections are reused"
    assert len(view.findChildren(QWidget)) == widgets
    assert len(tilings) == 10 * len(maps)
