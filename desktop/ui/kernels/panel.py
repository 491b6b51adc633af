"""The Kernels panel: convolution, padding, stride and pooling you can see and touch.

The controller: the input (a photo, an opened file, the live camera or the Write drawing as a
tensor), the kernels and settings it is convolved with, and the commands lessons and tests use
(:class:`desktop.ui.panel_commands.KernelsCommands`). Its widgets are built and laid out by
:class:`KernelsView`.

Convolutions run in :class:`ConvolutionWorker`, never in the GUI thread; only the output size and
its formula (cheap arithmetic) are worked out here, so they follow every control at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.convolution import COURSE_IMAGE, ConvSettingsError, WeightedSum
from desktop.core.model_filters import ModelFiltersError, first_layer_filters
from desktop.core.registry import shipped_models_dir
from desktop.ui.constants import IMAGE_PATTERNS, VIDEO_PATTERNS, VIDEO_SUFFIXES
from desktop.ui.file_drop import FileDropMixin
from desktop.ui.i18n import tr
from desktop.ui.sources import (
    CameraProbe,
    CameraSource,
    FrameSourceError,
    VideoFileSource,
    read_image_rgb,
    sample_image_paths,
)

from .conv_worker import ConvJob, ConvolutionWorker, ConvResult
from .kernel_editor import APPLY_PER_CHANNEL, COURSE_PRESET, Filter
from .layer_maths import shape_formula, sum_behind
from .tensor_view import TensorView
from .view import CAMERA_INPUT, COURSE_INPUT, DRAWING_INPUT, ERROR_STYLE, TABS, KernelsView

CNN_FILE = "casia55-cnn.onnx"
SMALL_FOR_STEPPER = 16  # a one-channel input at most this size is also sent to the stepper


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


class KernelsPanel(FileDropMixin, QWidget):
    """``current_drawing()`` returns the Write panel's drawing (or None) for the "Write drawing" input."""

    #: A convolution result is on screen (its request id).
    output_ready = Signal(int)
    #: A status line for the main window.
    status_message = Signal(str)

    def __init__(self, current_drawing: Callable[[], np.ndarray | None] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kernelsPanel")
        self.setAccessibleName("Kernels panel")
        self.setAcceptDrops(True)
        self._current_drawing = current_drawing
        self._input = as_tensor(COURSE_IMAGE.astype(np.uint8))
        self._colour_input = self._input  # the picture before any grey conversion
        self._source = None  # a running live FrameSource
        self._camera_probe: CameraProbe | None = None
        self._request_id = 0
        self._shown_id = 0
        self._result: ConvResult | None = None
        self._settings_error = ""
        samples = sample_image_paths()
        self.view = KernelsView(self, samples, channels=self._input.shape[2])
        self.worker = ConvolutionWorker()
        self._start_worker()
        self._connect()
        photo = next((p for p in samples if p.suffix.lower() != ".png"), samples[0] if samples else None)
        if photo is not None:
            self.choose_input(str(photo))
            self.apply_preset("identity", APPLY_PER_CHANNEL)  # first lesson: a copy
        else:
            self.choose_input(COURSE_INPUT)

    def _start_worker(self) -> None:
        worker = self.worker
        worker.answered.connect(self._on_answered)
        worker.failed.connect(self._on_failed)
        # A panel deleted without shutdown() (a closed test window) still stops the thread; the
        # connection keeps the worker alive until then. Its answers die with the panel's slots.
        self._stop_worker_when_deleted = lambda: worker.shutdown()
        self.destroyed.connect(self._stop_worker_when_deleted)
        app = QCoreApplication.instance()
        if app is not None:  # the app quits: stop the thread before Qt tears down
            app.aboutToQuit.connect(self.shutdown)
        worker.start()

    def _connect(self) -> None:
        view = self.view
        view.input_box.activated.connect(lambda index: self.choose_input(view.input_box.itemData(index)))
        view.camera_box.activated.connect(lambda _index: self._restart_camera())
        view.open_image_button.clicked.connect(self.open_image_dialog)
        view.open_video_button.clicked.connect(self.open_video_dialog)
        view.grey_box.toggled.connect(self._on_grey_toggled)
        view.cnn_button.clicked.connect(lambda: self.load_cnn_filters())
        view.kernel_editor.changed.connect(self.recompute)
        view.controls.changed.connect(self.recompute)
        view.output_view.hovered.connect(self.show_weighted_sum)

    # -- commands (KernelsCommands) ----------------------------------------------------------
    def choose_input(self, choice: str) -> bool:
        """A sample photo's path, ``"course"``, ``"drawing"`` or ``"camera"``; False (and a status) on failure."""
        view = self.view
        index = view.input_box.findData(choice)
        if index >= 0:
            view.input_box.setCurrentIndex(index)
        view.camera_box.setVisible(choice == CAMERA_INPUT)
        if choice == CAMERA_INPUT:
            self._find_cameras()
            return self.start_camera(view.camera_box.currentData() or 0)
        self.stop_live()
        if choice == COURSE_INPUT:
            self.set_input(COURSE_IMAGE.astype(np.uint8), tr("the course's 5×5 example"))
            view.kernel_editor.set_filters([Filter(tr(COURSE_PRESET.title), COURSE_PRESET.weights)],
                                           tr(COURSE_PRESET.description), COURSE_PRESET.name)
            view.controls.set_padding("valid")
            view.controls.set_stride(1, 1)
            view.controls.set_dilation(1, 1)
            return True
        if choice == DRAWING_INPUT:
            return self.use_drawing()
        return self.load_image_file(choice)

    def status_text(self) -> str:
        """The panel's status line: the input in use, or why the last command failed."""
        return self.view.status_label.text()

    def set_grey(self, grey: bool) -> None:
        """Convolve the input's luminance only (H × W × 1), as the character CNN sees pictures."""
        self.view.grey_box.setChecked(grey)

    def load_cnn_filters(self) -> bool:
        """The shipped CNN's first convolution as the kernel bank; the input turns grey (1 channel)."""
        path = shipped_models_dir() / CNN_FILE
        try:
            found = first_layer_filters(path)
        except ModelFiltersError as exc:
            self._show_status(str(exc), error=True)
            return False
        grey_box = self.view.grey_box
        if found.weights.shape[3] == 1 and not grey_box.isChecked():
            grey_box.blockSignals(True)  # one recompute below, for the new filters
            grey_box.setChecked(True)
            grey_box.blockSignals(False)
            self._input = to_grey(self._colour_input)
            self.view.tensor_view.set_tensor(self._input)
        editor = self.view.kernel_editor
        editor.set_channels(self._input.shape[2])
        filters = [Filter(tr("{layer} filter {n}", layer=found.layer, n=i + 1), found.weights[i], float(found.bias[i]))
                   for i in range(found.weights.shape[0])]
        editor.set_filters(filters, tr("The {n} first-layer filters ({layer}) of {file}, learned from handwriting.",
                                       n=len(filters), layer=found.layer, file=path.name))
        self._show_status(tr("Loaded {n} filters of layer {layer} from {file}", n=len(filters), layer=found.layer,
                             file=path.name))
        return True

    def apply_preset(self, name: str, apply_to: str | None = None) -> None:
        """Preset ``name`` as the kernel bank; ``apply_to`` as in the editor's "for" choice (None: as chosen there)."""
        self.view.kernel_editor.apply_preset(name, apply_to)

    def set_kernel_size(self, size: int) -> None:
        """Every kernel becomes ``size`` × ``size`` (1 to 7), its weights kept around the centre."""
        self.view.kernel_editor.set_kernel_size(size)

    def set_layer(self, *, padding: str, stride: int, dilation: int, relu: bool, pooling: str,
                  pool_size: int, pool_stride: int) -> None:
        """Every setting of the convolution layer at once (one convolution follows)."""
        self.view.controls.set_layer(padding=padding, stride=stride, dilation=dilation, relu=relu, pooling=pooling,
                                     pool_size=pool_size, pool_stride=pool_stride)

    def show_tab(self, tab: str) -> None:
        """``"image"``, ``"step"`` or ``"density"``."""
        if tab not in TABS:
            raise ValueError(f"unknown Kernels tab {tab!r}; choose one of {', '.join(TABS)}")
        self.view.tabs.setCurrentWidget(self.view.page(tab))

    # -- input -------------------------------------------------------------------------------
    def input_tensor(self) -> np.ndarray:
        """The tensor the kernels slide over now: [H, W, C]."""
        return self._input

    def set_input(self, image: np.ndarray, name: str) -> None:
        """Use ``image`` ([H, W] or [H, W, C]) as the input; ``name`` says where it came from."""
        tensor = as_tensor(image)
        self._colour_input = tensor
        self._apply_input(tensor)
        self._show_status(tr("Input: {name}", name=name))

    def _apply_input(self, tensor: np.ndarray) -> None:
        if self.view.grey_box.isChecked():
            tensor = to_grey(tensor)
        self._input = tensor
        self.view.tensor_view.set_tensor(tensor)
        self.view.kernel_editor.set_channels(tensor.shape[2])  # emits changed -> recompute when channels differ
        self.recompute()

    def load_image_file(self, path: str | Path) -> bool:
        path = Path(path)
        self.stop_live()
        try:
            rgb = read_image_rgb(path)
        except FrameSourceError as exc:
            self._show_status(str(exc), error=True)
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
            self._show_status(tr("There is no drawing yet: write a character on the Write panel first."), error=True)
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
        return self._start_source(CameraSource(int(index), self), tr("camera {index}", index=index))

    def start_video(self, path: str | Path) -> bool:
        """Play a video file through the same live path as the camera."""
        return self._start_source(VideoFileSource(path, loop=True, parent=self), Path(path).name)

    def _start_source(self, source, name: str) -> bool:
        self.stop_live()
        self._source = source
        source.frame.connect(self._on_frame)
        source.error.connect(self._on_source_error)
        source.start()
        self._show_status(tr("Live input: {name}", name=name))
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
        self._show_status(message, error=True)

    def _find_cameras(self) -> None:
        if self._camera_probe is None:
            self._camera_probe = CameraProbe(parent=self)
            self._camera_probe.found.connect(self._on_cameras_found)
            self._camera_probe.start()

    def _on_cameras_found(self, cameras: list[int]) -> None:
        box = self.view.camera_box
        current = box.currentData()
        box.clear()
        for index in cameras or [0]:
            box.addItem(tr("Camera {index}", index=index), index)
        if current in cameras:
            box.setCurrentIndex(box.findData(current))
        if not cameras:
            self._show_status(tr("No camera found. Plug one in and choose Live camera again."), error=True)

    def _restart_camera(self) -> None:
        if self.view.input_box.currentData() == CAMERA_INPUT:
            self.start_camera(self.view.camera_box.currentData() or 0)

    # -- convolution -------------------------------------------------------------------------
    def recompute(self) -> None:
        """Update the output size and formula now, and ask the worker for the new output."""
        view = self.view
        kernels, bias = view.kernel_editor.bank()
        if kernels.shape[3] != self._input.shape[2]:
            return  # the editor is catching up with a new channel count; it emits again
        settings, pooling = view.controls.settings(), view.controls.pooling()
        try:
            formula = shape_formula(self._input.shape, kernels.shape, settings, pooling)
        except ConvSettingsError as exc:
            self._settings_error = str(exc)
            self._show_settings_error(str(exc))
            view.output_view.setEnabled(False)
            return
        self._settings_error = ""
        view.error_label.hide()
        view.output_view.setEnabled(True)
        view.formula_label.setText(formula)
        self._request_id += 1
        self.worker.submit(ConvJob(self._request_id, self._input.astype(np.float32), kernels, bias, settings, pooling))
        h, w, c = self._input.shape
        if c == 1 and max(h, w) <= SMALL_FOR_STEPPER:  # small enough to step through too
            view.stepper.set_problem(self._input[:, :, 0].astype(np.float32), kernels[0, :, :, 0], settings,
                                     float(bias[0]))

    def _show_settings_error(self, reason: str) -> None:
        self.view.error_label.setText(tr("These settings have no output: {reason}", reason=reason))
        self.view.error_label.show()

    def _on_answered(self, request_id: int, result: ConvResult) -> None:
        if request_id <= self._shown_id:
            return  # an older job finishing late
        self._shown_id = request_id
        if result.error:
            self._show_settings_error(result.error)
        else:
            self._result = result
            self.view.output_view.set_output(result.output, self.view.kernel_editor.filter_titles())
        self.output_ready.emit(request_id)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id <= self._shown_id:
            return
        self._shown_id = request_id
        self._show_settings_error(tr("the convolution failed: {reason}", reason=message))
        self.output_ready.emit(request_id)

    def is_up_to_date(self) -> bool:
        """The output on screen is for the newest input, kernels and settings."""
        return self._shown_id == self._request_id

    def settings_error(self) -> str:
        """Why the current settings have no output ("" when they have one)."""
        return self._settings_error

    def output(self) -> np.ndarray | None:
        """The output on screen [oh, ow, F] (after pooling when pooling is on)."""
        return None if self._result is None else self._result.output

    def show_weighted_sum(self, filter_index: int, row: int, col: int) -> WeightedSum | None:
        """Show (and return) the weighted sum behind output pixel (``row``, ``col``) of ``filter_index``."""
        if row < 0 or self._result is None or self._result.output is None:
            return None
        ws, note = sum_behind(self._result, filter_index, row, col)
        self.view.sum_view.show_sum(ws, TensorView.channel_names(self._result.job.image.shape[2]), note)
        return ws

    # -- helpers -----------------------------------------------------------------------------
    def _show_status(self, text: str, error: bool = False) -> None:
        self.view.status_label.setText(text)
        self.view.status_label.setStyleSheet(ERROR_STYLE if error else "")
        self.status_message.emit(text)

    def shutdown(self) -> None:
        """Stop the live source and the worker (the window calls this when it closes, and the app on quitting)."""
        self.stop_live()
        self.worker.shutdown()
        if self._stop_worker_when_deleted is not None:
            # Stopped now; at exit Qt may delete the worker's thread object before this panel.
            self.destroyed.disconnect(self._stop_worker_when_deleted)
            self._stop_worker_when_deleted = None

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # A camera nobody looks at only costs CPU (and keeps its light on).
        if self.is_live() and self.view.input_box.currentData() == CAMERA_INPUT:
            self.stop_live()
            self._show_status(tr("The camera stopped while the panel is hidden; choose Live camera to restart it."))
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.view.input_box.currentData() == DRAWING_INPUT:
            self.use_drawing()  # the drawing may have changed on the Write panel

    # -- drag and drop (FileDropMixin) -------------------------------------------------------
    def open_dropped(self, path: str) -> bool:
        """An image or a video file, by its suffix."""
        if Path(path).suffix.lower() in VIDEO_SUFFIXES:
            return self.start_video(path)
        return self.load_image_file(path)
