"""The Kernels panel: convolution, padding, stride and pooling you can see and touch.

Three tabs: "Image" (a photo, an opened file, the live camera or the Write drawing as a tensor,
a bank of kernels, the layer's settings with the output-size formula, the output channels, and
the weighted sum behind any output pixel), "Step through" (the course's 5×5 example one output
at a time) and "Beyond images" (the density of X₁ + X₂ as a convolution).

Convolutions run in :class:`ConvolutionWorker`, never in the GUI thread; only the output size and
its formula (cheap arithmetic) are worked out here, so they follow every control at once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.convolution import (
    COURSE_IMAGE,
    ConvSettingsError,
    output_size,
    output_size_formula,
    padding_amounts,
    pool_output_size,
    weighted_sum_at,
)
from desktop.ui.file_drop import FileDropMixin
from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_label, translated_tab

from .conv_controls import ConvControls
from .conv_worker import ConvJob, ConvolutionWorker, ConvResult
from .flow_layout import FlowLayout, labelled
from .kernel_editor import APPLY_PER_CHANNEL, COURSE_PRESET, Filter, KernelEditor
from .output_view import OutputView, WeightedSumView
from .tensor_view import TensorView, format_value

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_SUFFIXES = (".avi", ".mp4", ".mov", ".mkv", ".webm", ".m4v")
IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp"
VIDEO_PATTERNS = "*.avi *.mp4 *.mov *.mkv *.webm *.m4v"
CNN_FILE = "casia55-cnn.onnx"
COURSE_INPUT = "course"
DRAWING_INPUT = "drawing"
CAMERA_INPUT = "camera"
SMALL_FOR_STEPPER = 16  # a one-channel input at most this size is also sent to the stepper
ERROR_STYLE = "color: #b00020; font-weight: bold;"
MIN_INPUT_CHOOSER_CHARS = 14
#: The kernels-and-settings column's share of the Image tab's width; input and output share the rest.
SETTINGS_SHARE = 0.36
#: The weighted sum's share of the output column's height (the pictures get the rest).
SUM_SHARE = 0.3


def as_tensor(image: np.ndarray) -> np.ndarray:
    """Any picture the panel gets -> [H, W, C]: uint8 when it holds pixels, as is for small course grids."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3:
        raise ValueError(f"an input picture must be [H, W] or [H, W, C], not {list(image.shape)}")
    if image.dtype != np.uint8 and image.size and image.max() > 1:
        image = np.clip(np.round(image), 0, 255).astype(np.uint8)
    return image


def to_grey(image: np.ndarray) -> np.ndarray:
    """[H, W, 3] RGB -> [H, W, 1] luminance (what the character CNN sees); one channel stays as it is."""
    if image.shape[2] == 1:
        return image
    return cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)[:, :, None]


def _sample_paths() -> list[Path]:
    try:
        from desktop.ui.sources import sample_image_paths
    except ImportError:
        return []
    return sample_image_paths()


def _stepper_or_placeholder(kind: str) -> QWidget:
    """The stepper and the density view; a note instead if this installation lacks them."""
    try:
        if kind == "stepper":
            from .stepper import ConvolutionStepper

            return ConvolutionStepper()
        from .density_view import DensityConvolutionView

        return DensityConvolutionView()
    except ImportError as exc:
        log.warning("the %s view is unavailable: %s", kind, exc)
        label = QLabel(tr("This view is not available in this installation ({reason}).", reason=exc))
        label.setObjectName(f"{kind}Placeholder")
        return label


class KernelsPanel(FileDropMixin, QWidget):
    """``current_drawing()`` returns the Write panel's drawing (or None) for the "Write drawing" input."""

    #: A convolution result is on screen (its request id).
    output_ready = Signal(int)
    #: A status line for the main window.
    message = Signal(str)

    def __init__(self, current_drawing: Callable[[], np.ndarray | None] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kernelsPanel")
        self.setAccessibleName("Kernels panel")
        self.setAcceptDrops(True)
        self._current_drawing = current_drawing
        self._input = as_tensor(COURSE_IMAGE.astype(np.uint8))
        self._colour_input = self._input  # the picture before any grey conversion
        self._input_name = tr("the course's 5×5 example")
        self._source = None  # a running live FrameSource
        self._camera_probe = None
        self._request_id = 0
        self._shown_id = 0
        self._result: ConvResult | None = None
        self._settings_error = ""
        self.worker = ConvolutionWorker(self)
        self.worker.finished.connect(self._on_result)
        self._build()
        self._connect()
        samples = _sample_paths()
        photo = next((p for p in samples if p.suffix.lower() != ".png"), samples[0] if samples else None)
        if photo is not None:
            self.choose_input(str(photo))
            self.kernel_editor.apply_preset("identity", APPLY_PER_CHANNEL)  # first lesson: a copy
        else:
            self.choose_input(COURSE_INPUT)

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.input_box = QComboBox()
        self.input_box.setObjectName("inputBox")
        self.input_box.setAccessibleName("Input picture")
        translated(self.input_box.setToolTip, "What the kernels slide over")
        for path in _sample_paths():
            self.input_box.addItem(path.stem, str(path))
            translated_item(self.input_box, self.input_box.count() - 1, "Photo: {name}", name=path.stem)
        for source, data in ((tr_noop("The course's 5×5 example"), COURSE_INPUT),
                             (tr_noop("Your drawing on the Write panel"), DRAWING_INPUT),
                             (tr_noop("Live camera"), CAMERA_INPUT)):
            self.input_box.addItem(source, data)
            translated_item(self.input_box, self.input_box.count() - 1, source)
        self.camera_box = QComboBox()
        self.camera_box.setObjectName("cameraBox")
        self.camera_box.setAccessibleName("Camera")
        translated(self.camera_box.setToolTip, "Which camera to use (searching for cameras takes a moment)")
        self.camera_box.addItem(tr("Camera {index}", index=0), 0)
        self.camera_box.hide()
        self.open_image_button = self._button(tr_noop("Open image…"), "openKernelImageButton",
                                              tr_noop("Open an image file"))
        self.open_video_button = self._button(tr_noop("Open video…"), "openKernelVideoButton",
                                              tr_noop("Open a video file as a live input"))
        self.grey_box = QCheckBox()
        translated(self.grey_box.setText, "Grey (1 channel)", owner=self.grey_box)
        self.grey_box.setObjectName("greyInputBox")
        self.grey_box.setAccessibleName("Turn the input grey")
        translated(self.grey_box.setToolTip, "Use the luminance only: H × W × 1, as the character CNN sees pictures")
        self.cnn_button = self._button(tr_noop("Load the CNN's first-layer filters"), "loadCnnFiltersButton",
                                       tr_noop("Load the first-layer filters of the shipped character CNN"))
        self.status_label = QLabel()
        self.status_label.setObjectName("kernelsStatus")
        self.status_label.setAccessibleName("Kernels panel status")
        self.status_label.setWordWrap(True)

        # The chooser may shrink: the buttons wrap onto a second line rather than widen the window.
        self.input_box.setMinimumContentsLength(MIN_INPUT_CHOOSER_CHARS)
        self.input_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        top = FlowLayout()
        top.addWidget(labelled(translated_label("Input"), self.input_box), stretch=1)
        for widget in (self.camera_box, self.open_image_button, self.open_video_button, self.grey_box,
                       self.cnn_button):
            top.addWidget(widget)

        self.tensor_view = TensorView()
        self.kernel_editor = KernelEditor(channels=self._input.shape[2])
        self.controls = ConvControls()
        self.formula_label = QLabel()
        self.formula_label.setObjectName("formulaLabel")
        self.formula_label.setAccessibleName("Output size formula")
        self.formula_label.setWordWrap(True)
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel()
        self.error_label.setObjectName("settingsErrorLabel")
        self.error_label.setAccessibleName("Settings problem")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.output_view = OutputView()
        self.sum_view = WeightedSumView()

        middle = QWidget()
        middle.setObjectName("kernelsSettingsColumn")
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 4, 0)
        kernels_title = translated_label("<b>Kernels</b> (one output channel per filter)")
        kernels_title.setWordWrap(True)
        middle_layout.addWidget(kernels_title)
        middle_layout.addWidget(self.kernel_editor)
        middle_layout.addWidget(translated_label("<b>Layer settings</b>"))
        middle_layout.addWidget(self.controls)
        middle_layout.addWidget(self.formula_label)
        middle_layout.addWidget(self.error_label)
        middle_layout.addStretch()
        # The kernels and layer settings scroll when a projector is short; the pictures never do.
        self.settings_scroll = QScrollArea()
        self.settings_scroll.setObjectName("kernelsSettingsScroll")
        self.settings_scroll.setAccessibleName("Kernels and layer settings")
        self.settings_scroll.setWidgetResizable(True)
        self.settings_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.settings_scroll.setWidget(middle)
        self.output_splitter = QSplitter(Qt.Orientation.Vertical)
        self.output_splitter.setObjectName("kernelsOutputSplitter")
        self.output_splitter.addWidget(self.output_view)
        self.output_splitter.addWidget(self.sum_view)
        self.output_splitter.setChildrenCollapsible(False)
        self.image_splitter = QSplitter(Qt.Orientation.Horizontal)
        image_tab = self.image_splitter
        image_tab.setObjectName("kernelsImageSplitter")
        image_tab.addWidget(self.tensor_view)
        image_tab.addWidget(self.settings_scroll)
        image_tab.addWidget(self.output_splitter)
        image_tab.setChildrenCollapsible(False)  # input, kernels and output stay on screen together
        # Until the teacher drags a handle, the columns and the output / weighted-sum split follow the size.
        self._dragged: set[QSplitter] = set()
        for splitter in (self.image_splitter, self.output_splitter):
            splitter.splitterMoved.connect(lambda *_args, s=splitter: self._dragged.add(s))
            splitter.installEventFilter(self)

        self.stepper = _stepper_or_placeholder("stepper")
        self.density_view = _stepper_or_placeholder("density")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("kernelsTabs")
        self.tabs.setAccessibleName("Kernels views")
        self.tabs.addTab(image_tab, "Image")
        self.tabs.addTab(self.stepper, "Step through")
        self.tabs.addTab(self.density_view, "Beyond images")
        translated_tab(self.tabs, image_tab, "Image")
        translated_tab(self.tabs, self.stepper, "Step through")
        translated_tab(self.tabs, self.density_view, "Beyond images")
        for button in self.tabs.tabBar().findChildren(QAbstractButton):  # Qt's tab scroll arrows
            button.setAccessibleName(button.objectName() or "Scroll the tabs")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Resize and watched not in self._dragged:
            if watched is self.image_splitter:
                self._fit_columns()
            elif watched is self.output_splitter:
                self._fit_output_rows()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Input and output equally wide, the kernels column between them no wider than it needs."""
        splitter = self.image_splitter
        total = splitter.width() - 2 * splitter.handleWidth()
        if total <= 0:
            return
        scroll = self.settings_scroll
        wanted = scroll.widget().sizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        settings = max(min(int(total * SETTINGS_SHARE), wanted), scroll.minimumSizeHint().width())
        picture = (total - settings) // 2
        splitter.setSizes([picture, settings, total - settings - picture])

    def _fit_output_rows(self) -> None:
        """Most of the height for the output pictures; the weighted sum keeps a readable strip."""
        splitter = self.output_splitter
        total = splitter.height() - splitter.handleWidth()
        if total <= 0:
            return
        table = int(total * SUM_SHARE)
        splitter.setSizes([total - table, table])

    def _button(self, text: str, name: str, accessible: str) -> QPushButton:
        """``text`` and ``accessible`` (also the tool tip) are English sources marked by the callers."""
        button = QPushButton()
        translated(button.setText, text, owner=button)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        translated(button.setToolTip, accessible, owner=button)
        return button

    def _connect(self) -> None:
        self.input_box.activated.connect(lambda index: self.choose_input(self.input_box.itemData(index)))
        self.camera_box.activated.connect(lambda _index: self._restart_camera())
        self.open_image_button.clicked.connect(self.open_image_dialog)
        self.open_video_button.clicked.connect(self.open_video_dialog)
        self.grey_box.toggled.connect(self._on_grey_toggled)
        self.cnn_button.clicked.connect(lambda: self.load_cnn_filters())
        self.kernel_editor.changed.connect(self.recompute)
        self.controls.changed.connect(self.recompute)
        self.output_view.hovered.connect(self.show_weighted_sum)

    # -- input -------------------------------------------------------------------------------
    def input_tensor(self) -> np.ndarray:
        """The tensor the kernels slide over now: [H, W, C]."""
        return self._input

    def choose_input(self, choice: str) -> bool:
        """A sample photo's path, ``"course"``, ``"drawing"`` or ``"camera"``; False (and a message) on failure."""
        index = self.input_box.findData(choice)
        if index >= 0:
            self.input_box.setCurrentIndex(index)
        self.camera_box.setVisible(choice == CAMERA_INPUT)
        if choice == CAMERA_INPUT:
            self._find_cameras()
            return self.start_camera(self.camera_box.currentData() or 0)
        self.stop_live()
        if choice == COURSE_INPUT:
            self.set_input(COURSE_IMAGE.astype(np.uint8), tr("the course's 5×5 example"))
            self.kernel_editor.set_filters([Filter(tr(COURSE_PRESET.title), COURSE_PRESET.weights)],
                                           tr(COURSE_PRESET.description), COURSE_PRESET.name)
            self.controls.set_padding("valid")
            self.controls.set_stride(1, 1)
            self.controls.set_dilation(1, 1)
            return True
        if choice == DRAWING_INPUT:
            return self.use_drawing()
        return self.load_image_file(choice)

    def set_input(self, image: np.ndarray, name: str) -> None:
        """Use ``image`` ([H, W] or [H, W, C]) as the input; ``name`` says where it came from."""
        tensor = as_tensor(image)
        self._colour_input = tensor
        self._input_name = name
        self._apply_input(tensor)
        self._set_status(tr("Input: {name}", name=name))

    def _apply_input(self, tensor: np.ndarray) -> None:
        if self.grey_box.isChecked():
            tensor = to_grey(tensor)
        self._input = tensor
        self.tensor_view.set_tensor(tensor)
        self.kernel_editor.set_channels(tensor.shape[2])  # emits changed -> recompute when channels differ
        self.recompute()

    def load_image_file(self, path: str | Path) -> bool:
        from desktop.ui.sources import FrameSourceError, read_image_rgb

        path = Path(path)
        self.stop_live()
        try:
            rgb = read_image_rgb(path)
        except FrameSourceError as exc:
            self._set_status(str(exc), error=True)
            return False
        if np.array_equal(rgb[:, :, 0], rgb[:, :, 1]) and np.array_equal(rgb[:, :, 1], rgb[:, :, 2]):
            rgb = rgb[:, :, :1]  # a grey file is one channel: H × W × 1
        self.set_input(rgb, path.name)
        return True

    def use_drawing(self) -> bool:
        """The Write panel's current drawing (as the model sees it) becomes the input."""
        self.stop_live()
        drawing = self._current_drawing() if self._current_drawing is not None else None
        if drawing is None:
            self._set_status(tr("There is no drawing yet: write a character on the Write panel first."), error=True)
            return False
        self.set_input(drawing, tr("your drawing on the Write panel"))
        return True

    def open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open an image"), "",
                                              tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        if path:
            self.load_image_file(path)

    def open_video_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a video"), "",
                                              tr("Videos ({patterns})", patterns=VIDEO_PATTERNS))
        if path:
            self.start_video(path)

    def _on_grey_toggled(self, _checked: bool) -> None:
        self._apply_input(self._colour_input)

    # -- live input --------------------------------------------------------------------------
    def is_live(self) -> bool:
        return self._source is not None and self._source.is_running()

    def start_camera(self, index: int) -> bool:
        from desktop.ui.sources import CameraSource

        return self._start_source(CameraSource(int(index), self), tr("camera {index}", index=index))

    def start_video(self, path: str | Path) -> bool:
        """Play a video file through the same live path as the camera."""
        from desktop.ui.sources import VideoFileSource

        return self._start_source(VideoFileSource(path, loop=True, parent=self), Path(path).name)

    def _start_source(self, source, name: str) -> bool:
        self.stop_live()
        self._source = source
        self._input_name = name
        source.frame.connect(self._on_frame)
        source.error.connect(self._on_source_error)
        source.start()
        self._set_status(tr("Live input: {name}", name=name))
        return True

    def stop_live(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            source.frame.disconnect(self._on_frame)
            source.stop()
            source.deleteLater()

    def _on_frame(self, frame: np.ndarray) -> None:
        if self.sender() is not self._source:
            return  # a frame from a source stopped in the meantime
        tensor = as_tensor(frame)
        self._colour_input = tensor
        self._apply_input(tensor)

    def _on_source_error(self, message: str) -> None:
        self._set_status(message, error=True)

    def _find_cameras(self) -> None:
        from desktop.ui.sources import CameraProbe

        if self._camera_probe is None:
            self._camera_probe = CameraProbe(parent=self)
            self._camera_probe.found.connect(self._on_cameras_found)
            self._camera_probe.start()

    def _on_cameras_found(self, cameras: list[int]) -> None:
        current = self.camera_box.currentData()
        self.camera_box.clear()
        for index in cameras or [0]:
            self.camera_box.addItem(tr("Camera {index}", index=index), index)
        if current in cameras:
            self.camera_box.setCurrentIndex(self.camera_box.findData(current))
        if not cameras:
            self._set_status(tr("No camera found. Plug one in and choose Live camera again."), error=True)

    def _restart_camera(self) -> None:
        if self.input_box.currentData() == CAMERA_INPUT:
            self.start_camera(self.camera_box.currentData() or 0)

    # -- the CNN's filters -------------------------------------------------------------------
    def load_cnn_filters(self, onnx_path: str | Path | None = None) -> bool:
        """The shipped CNN's first convolution as the kernel bank; the input turns grey (1 channel)."""
        from desktop.core.model_filters import ModelFiltersError, first_layer_filters
        from desktop.core.registry import shipped_models_dir

        path = Path(onnx_path) if onnx_path is not None else shipped_models_dir() / CNN_FILE
        try:
            found = first_layer_filters(path)
        except ModelFiltersError as exc:
            self._set_status(str(exc), error=True)
            return False
        channels = found.weights.shape[3]
        if channels == 1 and not self.grey_box.isChecked():
            self.grey_box.blockSignals(True)
            self.grey_box.setChecked(True)
            self.grey_box.blockSignals(False)
            self._input = to_grey(self._colour_input)
            self.tensor_view.set_tensor(self._input)
        self.kernel_editor.set_channels(self._input.shape[2])
        filters = [Filter(tr("{layer} filter {n}", layer=found.layer, n=i + 1), found.weights[i], float(found.bias[i]))
                   for i in range(found.weights.shape[0])]
        self.kernel_editor.set_filters(filters, tr("The {n} first-layer filters ({layer}) of {file}, learned from "
                                                   "handwriting.", n=len(filters), layer=found.layer, file=path.name))
        self._set_status(tr("Loaded {n} filters of layer {layer} from {file}", n=len(filters), layer=found.layer,
                            file=path.name))
        return True

    # -- convolution -------------------------------------------------------------------------
    def recompute(self) -> None:
        """Update the output size and formula now, and ask the worker for the new output."""
        kernels, bias = self.kernel_editor.bank()
        if kernels.shape[3] != self._input.shape[2]:
            return  # the editor is catching up with a new channel count; it emits again
        settings = self.controls.settings()
        pooling = self.controls.pooling()
        h, w = self._input.shape[:2]
        kh, kw = kernels.shape[1:3]
        try:
            oh, ow = output_size(h, w, kh, kw, settings)
            top, bottom, left, right = padding_amounts(h, w, kh, kw, settings)
            lines = [
                tr("rows: {formula}", formula=output_size_formula(h, kh, top + bottom, settings.stride[0],
                                                                  settings.dilation[0])),
                tr("columns: {formula}", formula=output_size_formula(w, kw, left + right, settings.stride[1],
                                                                     settings.dilation[1])),
            ]
            shape = f"{h} × {w} × {self._input.shape[2]} → {tr('conv')} → {oh} × {ow} × {kernels.shape[0]}"
            if pooling.enabled:
                ph, pw = pool_output_size(oh, ow, pooling.size, pooling.stride)
                lines.append((tr("max pooling:") if pooling.mode == "max" else tr("average pooling:"))
                             + f" ⌊({oh} − {pooling.size[0]}) / {pooling.stride[0]}⌋ + 1 = {ph}, "
                             f"⌊({ow} − {pooling.size[1]}) / {pooling.stride[1]}⌋ + 1 = {pw}")
                shape += f" → {tr('pool')} → {ph} × {pw} × {kernels.shape[0]}"
        except ConvSettingsError as exc:
            self._settings_error = str(exc)
            self.error_label.setText(tr("These settings have no output: {reason}", reason=exc))
            self.error_label.show()
            self.output_view.setEnabled(False)
            return
        self._settings_error = ""
        self.error_label.hide()
        self.output_view.setEnabled(True)
        self.formula_label.setText(tr("<b>Output shape</b> {shape}<br>out = ⌊(in + padding − dilation·(k − 1) − 1) "
                                      "/ stride⌋ + 1<br>", shape=shape) + "<br>".join(lines))
        self._request_id += 1
        self.worker.submit(ConvJob(self._request_id, self._input.astype(np.float32), kernels, bias, settings, pooling))
        self._sync_stepper(kernels, bias, settings)

    def _sync_stepper(self, kernels: np.ndarray, bias: np.ndarray, settings) -> None:
        h, w, c = self._input.shape
        if c == 1 and max(h, w) <= SMALL_FOR_STEPPER and hasattr(self.stepper, "set_problem"):
            self.stepper.set_problem(self._input[:, :, 0].astype(np.float32), kernels[0, :, :, 0], settings,
                                     float(bias[0]))

    def _on_result(self, result: ConvResult) -> None:
        if result.request_id <= self._shown_id:
            return  # an older job finishing late
        self._shown_id = result.request_id
        if result.error:
            self.error_label.setText(tr("These settings have no output: {reason}", reason=result.error))
            self.error_label.show()
            self.output_ready.emit(result.request_id)
            return
        self._result = result
        self.output_view.set_output(result.output, self.kernel_editor.filter_titles())
        self.output_ready.emit(result.request_id)

    def latest_request_id(self) -> int:
        return self._request_id

    def shown_request_id(self) -> int:
        return self._shown_id

    def is_up_to_date(self) -> bool:
        return self._shown_id == self._request_id

    def settings_error(self) -> str:
        """Why the current settings have no output ("" when they have one)."""
        return self._settings_error

    def output(self) -> np.ndarray | None:
        """The output on screen [oh, ow, F] (after pooling when pooling is on)."""
        return None if self._result is None else self._result.output

    # -- weighted sum ------------------------------------------------------------------------
    def show_weighted_sum(self, filter_index: int, row: int, col: int):
        """Show (and return) the weighted sum behind output pixel (``row``, ``col``) of ``filter_index``."""
        if row < 0 or self._result is None or self._result.output is None:
            return None
        job = self._result.job
        note = ""
        conv_row, conv_col = row, col
        if job.pooling.enabled:
            (sr, sc), (step_r, step_c) = job.pooling.size, job.pooling.stride
            window = self._result.conv[row * step_r:row * step_r + sr, col * step_c:col * step_c + sc, filter_index]
            if job.pooling.mode == "max":
                r, c = np.unravel_index(int(np.argmax(window)), window.shape)
                note = tr("max pooling took {value} from a {h}×{w} window. ", value=format_value(float(window.max())),
                          h=sr, w=sc)
            else:
                r, c = 0, 0
                note = tr("average pooling: the mean of {n} outputs = {value}; the first of them: ", n=window.size,
                          value=format_value(float(window.mean())))
            conv_row, conv_col = row * step_r + int(r), col * step_c + int(c)
        ws = weighted_sum_at(job.image, job.kernels, job.bias, job.settings, conv_row, conv_col, filter_index)
        names = TensorView.channel_names(job.image.shape[2])
        self.sum_view.show_sum(ws, names, note)
        return ws

    # -- helpers -----------------------------------------------------------------------------
    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(ERROR_STYLE if error else "")
        self.message.emit(text)

    def shutdown(self) -> None:
        """Stop the live source and the worker (the window calls this when it closes)."""
        self.stop_live()
        self.worker.stop()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # A camera nobody looks at only costs CPU (and keeps its light on).
        if self.is_live() and self.input_box.currentData() == CAMERA_INPUT:
            self.stop_live()
            self._set_status(tr("The camera stopped while the panel is hidden; choose Live camera to restart it."))
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.input_box.currentData() == DRAWING_INPUT:
            self.use_drawing()  # the drawing may have changed on the Write panel

    # -- drag and drop (FileDropMixin) -------------------------------------------------------
    def open_dropped(self, path: str) -> None:
        self.open_file(path)

    def open_file(self, path: str | Path) -> bool:
        """An image or a video file, by its suffix (what a drop does)."""
        if Path(path).suffix.lower() in VIDEO_SUFFIXES:
            return self.start_video(path)
        return self.load_image_file(path)
