"""The Camera panel's widgets and their layout; the panel (:mod:`.panel`) wires them and holds the state.

Left column: the camera row, the view row (mirror, pause, snapshot, "Why?"), the files row, the
sample photos, the live picture with its heat map and colour scale, the problem strip, the status
and speed lines. Right column: the models to compare, the Teachable Machine import, and one list
of predictions per ticked model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.camera.capture import RESOLUTIONS
from desktop.ui.camera.predictions_view import PredictionList
from desktop.ui.camera.preview_view import CameraPreview
from desktop.ui.explain_overlay import ColourScale, HeatOverlay
from desktop.ui.i18n import notifier, tr, tr_noop, translated
from desktop.ui.model_checklist import add_model_item, check_paths, checked_paths
from desktop.ui.sources import sample_image_paths
from desktop.ui.why import why_toggle
from desktop.ui.widgets import push_button, tool_button

SPLIT_SHARES = (62, 38)  # picture column : predictions column
ERROR_BACKGROUND, ERROR_TEXT = "#fde2e1", "#000000"  # the problem strip: dark text on pale red in every theme
ARROW_BUTTON_EMS = 3  # the previous and next buttons' width, in widths of their arrow
SAMPLE_ICON_LINES = 2.2  # a sample photo's side, in lines of text: it grows with the zoom
MODEL_LIST_HEIGHT = 110


def _row(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch()
    return row


def _column(*items: QWidget | QHBoxLayout | QVBoxLayout, stretch_item: QWidget | None = None) -> QWidget:
    """A margin-less column of widgets and layouts; ``stretch_item`` takes the spare height."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        if isinstance(item, QWidget):
            layout.addWidget(item, stretch=1 if item is stretch_item else 0)
        else:
            layout.addLayout(item)
    return column


class CameraView(QSplitter):
    """Every widget of the Camera panel, laid out in ``panel``: the picture column beside the models column.

    ``sample_chosen(path)``: a sample photo's button was clicked.
    """

    sample_chosen = Signal(object)

    def __init__(self, panel: QWidget):
        super().__init__(Qt.Orientation.Horizontal, panel)
        self.setObjectName("cameraSplitter")
        camera_row = self._build_camera_row()
        view_row = self._build_view_row()
        files_row = self._build_files_row()
        samples_row = self._build_samples_row()
        self._build_picture()
        self._build_error_bar()
        self._build_status_lines()
        # Short rows rather than long ones: the picture column shares a 1024-pixel screen (or the
        # Lessons sidebar) with the predictions, at 150 % text too.
        left = _column(camera_row, view_row, files_row, samples_row, self.preview, self.why_scale, self.error_bar,
                       self.status_label, self.rates_label, stretch_item=self.preview)
        self.addWidget(left)
        self.addWidget(self._build_model_column())
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        # Shares, not pixels: the predictions get room to read "n02123045 - tabby 83%" whole, the
        # picture the rest (the preview's own wish of 640 pixels would otherwise leave them a sliver).
        self.setSizes(list(SPLIT_SHARES))
        QVBoxLayout(panel).addWidget(self)
        notifier().language_changed.connect(self._on_language_changed)

    # -- building ------------------------------------------------------------------------------
    def _build_camera_row(self) -> QHBoxLayout:
        self.camera_choice = QComboBox()
        self.camera_choice.setObjectName("cameraChoice")
        self.camera_choice.setAccessibleName("Camera")
        translated(self.camera_choice.setToolTip, "The cameras that opened when the panel looked for them")
        self.camera_choice.addItem(tr("Camera {index}", index=0), 0)
        self.resolution_choice = QComboBox()
        self.resolution_choice.setObjectName("resolutionChoice")
        self.resolution_choice.setAccessibleName("Camera resolution")
        for width, height in RESOLUTIONS:
            self.resolution_choice.addItem(f"{width}×{height}", (width, height))
        self.camera_button = push_button(tr_noop("Start camera"), name="startCameraButton",
                                         accessible="Start the camera",
                                         tip=tr_noop("Show the live picture of the chosen camera"))
        return _row(self.camera_choice, self.resolution_choice, self.camera_button)

    def _build_view_row(self) -> QHBoxLayout:
        self.mirror_box = QCheckBox()
        translated(self.mirror_box.setText, "Mirror", owner=self.mirror_box)
        self.mirror_box.setObjectName("mirrorCheckBox")
        self.mirror_box.setAccessibleName("Mirror the picture")
        translated(self.mirror_box.setToolTip, "Flip the picture left to right, like a mirror")
        self.pause_button = push_button(tr_noop("Pause"), name="pauseButton", accessible="Pause: freeze the frame",
                                        tip=tr_noop("Freeze the current frame (the camera keeps running)"),
                                        checkable=True)
        self.snapshot_button = push_button(tr_noop("Snapshot…"), name="snapshotButton", accessible="Save a snapshot",
                                           tip=tr_noop("Save the current frame as a PNG file"))
        self.why_toggle = why_toggle("cameraWhyCheckBox", "Why? Show where the model looks",
                                     tr_noop("Show live where the first ticked model looks: a heat map of the "
                                             "evidence for its top class (click a prediction to see the evidence "
                                             "for it)"))
        return _row(self.mirror_box, self.pause_button, self.snapshot_button, self.why_toggle)

    def _build_files_row(self) -> QHBoxLayout:
        self.open_images_button = push_button(tr_noop("Images…"), name="openImagesButton",
                                              accessible="Open image files", tip=tr_noop("Classify photos from files"))
        self.open_folder_button = push_button(tr_noop("Folder…"), name="openFolderButton",
                                              accessible="Open a folder of images",
                                              tip=tr_noop("Step through the photos of a folder"))
        self.open_video_button = push_button(tr_noop("Video…"), name="openVideoButton", accessible="Open a video file",
                                             tip=tr_noop("Play a video file instead of the camera"))
        self.previous_button = push_button("◀", name="previousImageButton", accessible="Previous image",
                                           tip=tr_noop("The previous photo of the folder or selection"))
        self.next_button = push_button("▶", name="nextImageButton", accessible="Next image",
                                       tip=tr_noop("The next photo of the folder or selection"))
        self._size_arrow_buttons()
        self.position_label = QLabel("")
        self.position_label.setObjectName("imagePosition")
        # A long file name is cut rather than widening the window; the tooltip has all of it.
        self.position_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = _row(self.open_images_button, self.open_folder_button, self.open_video_button, self.previous_button,
                   self.next_button, stretch=False)
        row.addWidget(self.position_label, stretch=1)
        return row

    def _build_samples_row(self) -> QHBoxLayout:
        samples_label = QLabel()
        translated(samples_label.setText, "Samples:", owner=samples_label)
        self.sample_buttons: list[QToolButton] = []
        for path in sample_image_paths():
            button = tool_button("", name=f"sample_{path.stem}", accessible=f"Sample photo {path.stem}",
                                 on_click=lambda p=path: self.sample_chosen.emit(p))
            translated(button.setToolTip, "Classify the sample photo {name}", owner=button, name=path.name)
            button.setText(path.stem)
            button.setIcon(QIcon(str(path)))
            # The photo says what it is: pictures only, one short row at any zoom.
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            self.sample_buttons.append(button)
        self._size_sample_icons()
        return _row(samples_label, *self.sample_buttons)

    def _build_picture(self) -> None:
        self.preview = CameraPreview()
        self.why_overlay = HeatOverlay(self.preview, name="previewHeatOverlay")
        self.why_scale = ColourScale(name="cameraWhyScale")

    def _build_error_bar(self) -> None:
        self.error_bar = QFrame()
        self.error_bar.setObjectName("cameraErrorBar")
        self.error_bar.setAccessibleName("Picture source problem")
        # Coloured through the palette, not a style sheet: a style sheet would stop its text
        # following the window's zoom.
        self.error_bar.setFrameShape(QFrame.Shape.Box)
        self.error_bar.setAutoFillBackground(True)
        error_palette = self.error_bar.palette()
        for role, colour in ((QPalette.ColorRole.Window, ERROR_BACKGROUND), (QPalette.ColorRole.WindowText, ERROR_TEXT)):
            error_palette.setColor(role, QColor(colour))
        self.error_bar.setPalette(error_palette)
        self.error_label = QLabel()
        self.error_label.setObjectName("cameraErrorText")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = push_button(tr_noop("Retry"), name="retryButton", accessible="Retry the picture source",
                                        tip=tr_noop("Try the camera or file again"))
        error_layout = QHBoxLayout(self.error_bar)
        error_layout.addWidget(self.error_label, stretch=1)
        error_layout.addWidget(self.retry_button)
        self.error_bar.hide()

    def _build_status_lines(self) -> None:
        self.status_label = QLabel()
        self.status_label.setObjectName("cameraStatus")
        self.status_label.setAccessibleName("Camera status")
        self.status_label.setWordWrap(True)
        self.rates_label = QLabel("")
        self.rates_label.setObjectName("cameraRates")
        self.rates_label.setAccessibleName("Preview and classification speed")

    def _build_model_column(self) -> QWidget:
        self.model_list = QListWidget()
        self.model_list.setObjectName("cameraModelList")
        self.model_list.setAccessibleName("Photo models to compare")
        # A long model name ends in "…" (its tooltip has it all) rather than scrolling sideways.
        self.model_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        translated(self.model_list.setToolTip, "Tick two or more models to run them side by side on the same frame")
        self.model_list.setMaximumHeight(MODEL_LIST_HEIGHT)
        self.predictions_box = QWidget()
        self.predictions_layout = QVBoxLayout(self.predictions_box)
        self.predictions_layout.setContentsMargins(0, 0, 0, 0)
        self.predictions_layout.addStretch()
        self.prediction_lists: dict[str, PredictionList] = {}
        scroll = QScrollArea()
        scroll.setObjectName("predictionsScroll")
        scroll.setAccessibleName("Predictions")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.predictions_box)
        compare_label = QLabel()
        translated(compare_label.setText, "<b>Compare models</b>", owner=compare_label)
        return _column(compare_label, self.model_list, self._build_import_rows(), scroll, stretch_item=scroll)

    def _build_import_rows(self) -> QVBoxLayout:
        self.import_button = push_button(tr_noop("Import Teachable Machine model…"), name="importTeachableButton",
                                         accessible="Import a Teachable Machine model",
                                         tip=tr_noop("Convert a Teachable Machine TensorFlow.js export (its folder, "
                                                     "model.json or .zip) into your models folder; you can also drop "
                                                     "it on this panel"))
        self.import_progress = QProgressBar()
        self.import_progress.setObjectName("importTeachableProgress")
        self.import_progress.setAccessibleName("Progress of the Teachable Machine import")
        self.import_progress.setRange(0, 1)
        self.import_cancel_button = push_button(tr_noop("Cancel"), name="cancelImportButton",
                                                accessible="Cancel the import",
                                                tip=tr_noop("Stop converting the Teachable Machine model"))
        self.show_importing(False)
        # The progress row goes under the button: the model column is narrow at 1280 pixels.
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.import_progress, stretch=1)
        progress_row.addWidget(self.import_cancel_button)
        rows = QVBoxLayout()
        rows.addWidget(self.import_button)
        rows.addLayout(progress_row)
        return rows

    # -- sizes that follow the text ------------------------------------------------------------
    def _size_arrow_buttons(self) -> None:
        # As wide as their arrow needs, not a push button's 80 pixels: the files row stays short.
        for button in (self.previous_button, self.next_button):
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance(button.text()) * ARROW_BUTTON_EMS)

    def _size_sample_icons(self) -> None:
        side = round(self.fontMetrics().height() * SAMPLE_ICON_LINES)
        for button in self.sample_buttons:
            button.setIconSize(QSize(side, side))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FontChange:
            self._size_sample_icons()
            self._size_arrow_buttons()
        super().changeEvent(event)

    def _on_language_changed(self, _language: str) -> None:
        self.show_paused(self.pause_button.isChecked())

    # -- what the panel shows ------------------------------------------------------------------
    def show_paused(self, paused: bool) -> None:
        """The pause button's words for the state it is in (the button itself is checked or not)."""
        self.pause_button.setText(tr("Resume") if paused else tr("Pause"))
        self.pause_button.setAccessibleName("Resume the live picture" if paused else "Pause: freeze the frame")

    def show_problem(self, text: str, can_retry: bool) -> None:
        self.error_label.setText(text)
        self.retry_button.setEnabled(can_retry)
        self.error_bar.show()

    def hide_problem(self) -> None:
        self.error_bar.hide()

    def problem(self) -> str | None:
        """The problem shown above the status line, or None when there is none."""
        return self.error_label.text() if not self.error_bar.isHidden() else None

    def show_position(self, paths: Sequence[Path], index: int) -> None:
        """Where in the opened photos the one shown is; Previous and Next only when there are two or more."""
        stepping = len(paths) > 1
        self.previous_button.setEnabled(stepping)
        self.next_button.setEnabled(stepping)
        path = paths[index] if paths else None
        self.position_label.setText(f"{index + 1} / {len(paths)} · {path.name}" if path else "")
        self.position_label.setToolTip(str(path) if path else "")

    def list_cameras(self, cameras: Sequence[int]) -> None:
        """The cameras found (camera 0 when none was), keeping the chosen one when it is still there."""
        current = self.camera_choice.currentData()
        self.camera_choice.clear()
        for index in cameras or [0]:
            self.camera_choice.addItem(tr("Camera {index}", index=index), index)
        if current in cameras:
            self.choose_camera(current)

    def choose_camera(self, index: int) -> None:
        if self.camera_choice.findData(index) >= 0:
            self.camera_choice.setCurrentIndex(self.camera_choice.findData(index))

    def chosen_camera(self) -> int:
        return int(self.camera_choice.currentData() or 0)

    def resolution(self) -> tuple[int, int]:
        return tuple(self.resolution_choice.currentData())

    def show_importing(self, importing: bool) -> None:
        self.import_progress.setVisible(importing)
        self.import_cancel_button.setVisible(importing)
        self.import_button.setEnabled(not importing)

    def list_models(self, models: Sequence[tuple[str, str, str]], chosen: set[str]) -> None:
        """``(label, path, tooltip)`` per model, those in ``chosen`` ticked (no ``itemChanged``)."""
        was_blocked = self.model_list.blockSignals(True)
        self.model_list.clear()
        for label, path, tooltip in models:
            add_model_item(self.model_list, label, path, path in chosen, tooltip)
        self.model_list.blockSignals(was_blocked)

    def ticked_models(self) -> list[str]:
        """Paths of the ticked models, in list order."""
        return checked_paths(self.model_list)

    def tick_models(self, paths: Sequence[str | Path]) -> None:
        check_paths(self.model_list, paths)

    def show_prediction_lists(self, models: Sequence[tuple[str, str]]) -> None:
        """One prediction list per ``(path, title)``, in this order; the lists of other models go."""
        wanted = {path for path, _ in models}
        for path, view in self.prediction_lists.items():
            if path not in wanted:
                self.predictions_layout.removeWidget(view)
                view.deleteLater()
        shown = {}
        for order, (path, title) in enumerate(models):
            view = self.prediction_lists.get(path)
            if view is None:
                view = PredictionList(title, Path(path).stem)
            self.predictions_layout.removeWidget(view)
            self.predictions_layout.insertWidget(order, view)
            shown[path] = view
        self.prediction_lists.clear()
        self.prediction_lists.update(shown)
