"""The Write, Camera and Teach panels on a classroom projector, in English and Chinese.

- A 1024 x 768 window leaves a panel about 880 x 600 (the panel list, menu and status bar take the
  rest): at normal text each panel's minimum size fits that.
- A 1280 x 720 window leaves a panel about 1146 x 640 at normal text and 1100 x 645 at 150 % text
  (the larger panel list and bars take more): each panel's minimum fits, and its primary content is
  on screen without scrolling: the canvas and the candidates; the camera picture and its top 3; the
  class list, the samples and Train.
- The Lessons sidebar beside a panel leaves it about 640 x 600 on a 1024 x 768 screen, and about
  880 x 640 on a 1280 x 720 one: there the Write panel's pen slider keeps a usable width and no
  candidate card is cut.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

from desktop.core.registry import ModelRegistry, shipped_models_dir
from desktop.ui import i18n
from desktop.ui.camera.panel import CameraPanel
from desktop.ui.teach.panel import TeachPanel
from desktop.ui.write.model_host import ModelHost
from desktop.ui.write.candidates_view import READING_LINES
from desktop.ui.write.panel import WritePanel
from desktop.ui.write.view import PEN_SLIDER_WIDTH
from tests.ui.drawing import draw_character
from tests.ui.gui_thread import GuiThreadRelay
from tests.ui.on_screen import assert_on_screen, rect_in, scale_text

WAIT_MS = 30_000
SMALL_PROJECTOR = (880, 600)  # a 1024 x 768 window, normal text
SMALL_PROJECTOR_WITH_LESSONS = (640, 600)  # the same beside the Lessons sidebar
PROJECTOR = {1.0: (1146, 640), 1.5: (1100, 645)}  # a 1280 x 720 window at each text size
LESSONS_OPEN = (880, 640)  # 1280 x 720 with the Lessons sidebar beside the panel
CASES = [("en", 1.0), ("en", 1.5), ("zh_CN", 1.0), ("zh_CN", 1.5)]
SHIPPED = ModelRegistry([shipped_models_dir()]).scan(warm_up=False).models
PHOTO_MODEL = shipped_models_dir() / "imagenet-efficientnet-lite0.onnx"
CAT_PHOTO = shipped_models_dir().parent / "samples" / "chelsea.jpg"
EXTRACTOR = shipped_models_dir() / "efficientnet-lite0-features.onnx"


@pytest.fixture
def language():
    """Switch the interface language inside a test; English again afterwards."""
    yield i18n.set_language
    i18n.set_language("en")


def assert_minimum_within(panel: QWidget, bound: tuple[int, int], what: str) -> None:
    # Pending layout requests first: without them the hint can be a stale cache from before the
    # candidates or the text size changed, and the check passes or fails by timing.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
    hint = panel.minimumSizeHint()
    assert hint.width() <= bound[0] and hint.height() <= bound[1], f"{what}: minimum size {hint.toTuple()} > {bound}"


def settle(qtbot, panel: QWidget, size: tuple[int, int]) -> None:
    panel.resize(*size)
    qtbot.waitUntil(lambda: panel.size().toTuple() == size, timeout=WAIT_MS)
    qtbot.wait(50)  # layouts and queued resizes of the content


# -- Write ---------------------------------------------------------------------------------------
@pytest.fixture
def write_panel(qtbot):
    if not SHIPPED:
        pytest.skip("no shipped models: python -m training build-assets")
    host = ModelHost([shipped_models_dir()])
    panel = WritePanel(host)
    qtbot.addWidget(panel)
    panel.resize(*PROJECTOR[1.0])
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(GuiThreadRelay(host.models_ready).fired, timeout=WAIT_MS):
        host.start()
    yield panel
    host.shutdown()


def written(qtbot, panel: WritePanel, char: str = "日") -> None:
    """A character on the canvas and every compared model's five candidates on screen."""
    draw_character(panel.canvas, char, seed=1)
    qtbot.waitUntil(panel.is_up_to_date, timeout=WAIT_MS)
    for path in panel.chosen_models():
        assert len(panel.candidate_view(path).shown_candidates()) == 5


def assert_candidates_readable(panel: WritePanel) -> None:
    """Every card whole, one under the other, with its two lines of reading."""
    for path in panel.chosen_models():
        view = panel.candidate_view(path)
        assert_on_screen(view, panel, f"the candidates of {path}")
        cards = [b for b in view._buttons if b.isVisible()]
        for card in cards:
            assert card.height() >= card.minimumSizeHint().height() and card.height() >= card.minimumHeight()
            assert card.reading_label.height() >= card.reading_label.fontMetrics().lineSpacing() * READING_LINES
            assert_on_screen(card, panel, f"candidate {card.char}")
        for upper, lower in zip(cards, cards[1:]):
            assert rect_in(upper, view).bottom() < rect_in(lower, view).top(), "candidate cards overlap"


@pytest.mark.parametrize("code, factor", CASES)
def test_write_fits_a_projector_with_canvas_and_candidates_on_screen(qtbot, write_panel: WritePanel, language,
                                                                    code: str, factor: float) -> None:
    language(code)
    scale_text(write_panel, factor)
    written(qtbot, write_panel)
    if factor == 1.0:
        assert_minimum_within(write_panel, SMALL_PROJECTOR, "Write at 1024 x 768")
        assert_minimum_within(write_panel, SMALL_PROJECTOR_WITH_LESSONS, "Write beside the Lessons at 1024 x 768")
    assert_minimum_within(write_panel, PROJECTOR[factor], "Write at 1280 x 720")
    settle(qtbot, write_panel, PROJECTOR[factor])
    assert_on_screen(write_panel.canvas, write_panel, "the canvas")
    assert min(write_panel.canvas.width(), write_panel.canvas.height()) >= 300
    assert_candidates_readable(write_panel)


def test_write_beside_the_lessons_keeps_its_pen_slider_and_whole_cards(qtbot, write_panel: WritePanel) -> None:
    written(qtbot, write_panel)
    settle(qtbot, write_panel, LESSONS_OPEN)
    assert write_panel.view.pen_width_slider.width() >= PEN_SLIDER_WIDTH[0]
    assert_on_screen(write_panel.view.pen_width_slider, write_panel, "the pen slider")
    assert_on_screen(write_panel.canvas, write_panel, "the canvas")
    assert_candidates_readable(write_panel)
    # The whole meaning is in the card's tooltip, whatever the card has room to show.
    card = write_panel.candidate_view()._buttons[0]
    assert card.char == "日" and "date, day of the month" in card.toolTip()


# -- Camera --------------------------------------------------------------------------------------
@pytest.fixture
def camera_panel(qtbot):
    if not PHOTO_MODEL.is_file():
        pytest.skip("needs the shipped ImageNet model")
    panel = CameraPanel([shipped_models_dir()], probe_cameras=False)
    qtbot.addWidget(panel)
    panel.resize(*PROJECTOR[1.0])
    panel.show()
    qtbot.waitUntil(panel.models_loaded, timeout=WAIT_MS)
    yield panel
    panel.shutdown()


@pytest.mark.parametrize("code, factor", CASES)
def test_camera_fits_a_projector_with_picture_and_top3_on_screen(qtbot, camera_panel: CameraPanel, language,
                                                                code: str, factor: float) -> None:
    language(code)
    scale_text(camera_panel, factor)
    camera_panel.open_images([CAT_PHOTO])
    qtbot.waitUntil(lambda: any(camera_panel.prediction_lines().values()), timeout=WAIT_MS)
    if factor == 1.0:
        assert_minimum_within(camera_panel, SMALL_PROJECTOR, "Camera at 1024 x 768")
        assert_minimum_within(camera_panel, SMALL_PROJECTOR_WITH_LESSONS, "Camera beside the Lessons at 1024 x 768")
    assert_minimum_within(camera_panel, PROJECTOR[factor], "Camera at 1280 x 720")
    settle(qtbot, camera_panel, PROJECTOR[factor])
    assert_on_screen(camera_panel.view.preview, camera_panel, "the camera picture")
    assert camera_panel.view.preview.height() >= 240
    predictions = next(iter(camera_panel.view.prediction_lists.values()))
    for bar, line in zip(predictions.bars, predictions.lines()):
        assert_on_screen(bar, camera_panel, f"the prediction {line}")
        shown = bar.format()
        # The whole line, or the class name shortened to fit; the percent always shows.
        assert shown.endswith(line.rsplit(" ", 1)[1])
        assert bar.fontMetrics().horizontalAdvance(shown) <= bar.width()
        assert bar.toolTip() == line


# -- Teach ---------------------------------------------------------------------------------------
@pytest.fixture
def teach_panel(qtbot, tmp_path: Path):
    panel = TeachPanel(project_folder=tmp_path / "project", user_models_dir=tmp_path / "models")
    qtbot.addWidget(panel)
    panel.resize(*PROJECTOR[1.0])
    panel.show()
    qtbot.waitExposed(panel)
    yield panel
    panel.shutdown()


@pytest.mark.parametrize("code, factor", CASES)
def test_teach_fits_a_projector_with_classes_samples_and_train_on_screen(qtbot, teach_panel: TeachPanel, language,
                                                                        code: str, factor: float) -> None:
    language(code)
    scale_text(teach_panel, factor)
    for name in ("cup", "pen"):
        assert teach_panel.add_class(name)
    if factor == 1.0:
        assert_minimum_within(teach_panel, SMALL_PROJECTOR, "Teach at 1024 x 768")
        assert_minimum_within(teach_panel, SMALL_PROJECTOR_WITH_LESSONS, "Teach beside the Lessons at 1024 x 768")
    assert_minimum_within(teach_panel, PROJECTOR[factor], "Teach at 1280 x 720")
    settle(qtbot, teach_panel, PROJECTOR[factor])
    view = teach_panel.view
    for widget, what in ((view.classes.list, "the class list"), (view.grid, "the samples"),
                         (view.train_button, "Train"), (view.steps, "the steps"),
                         (view.classes.add_button, "Add class"), (view.add_files_button, "Images…"),
                         (view.record_button, "Hold to record")):
        assert_on_screen(widget, teach_panel, what)
    assert view.grid.height() >= 150 and view.classes.list.height() >= 150
