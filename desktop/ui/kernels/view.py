"""The Kernels panel's widgets and their layout (no state, no workers: the panel drives them).

Above the tabs: the input chooser and its buttons, and the status line. Three tabs: "Image"
(the input tensor; the kernels and the layer's settings with the output-size formula; the output
channels over the weighted sum behind a pixel), "Step through" and "Beyond images".
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFrame,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_label, translated_tab
from desktop.ui.widgets import push_button, wrapping_label

from .conv_controls import ConvControls
from .density_view import DensityConvolutionView
from .flow_layout import FlowLayout, labelled
from .kernel_editor import KernelEditor
from .output_view import OutputView, WeightedSumView
from .stepper import ConvolutionStepper
from .tensor_view import TensorView

#: What the input chooser holds besides the sample photos' paths.
COURSE_INPUT = "course"
DRAWING_INPUT = "drawing"
CAMERA_INPUT = "camera"
ERROR_STYLE = "color: #b00020; font-weight: bold;"
MIN_INPUT_CHOOSER_CHARS = 14
#: The kernels-and-settings column's share of the Image tab's width; input and output share the rest.
SETTINGS_SHARE = 0.36
#: The weighted sum's share of the output column's height (the pictures get the rest).
SUM_SHARE = 0.3
TABS = ("image", "step", "density")



class KernelsView(QObject):
    """Every widget of the Kernels panel, laid out on ``host``.

    ``samples`` are the sample photos the input chooser offers; ``channels`` is the channel count
    the kernel editor starts with.
    """

    def __init__(self, host: QWidget, samples: Sequence[Path], channels: int):
        super().__init__(host)
        self._dragged: set[QSplitter] = set()  # splitters whose handle the teacher moved
        top = self._input_bar(samples)
        self.status_label = wrapping_label(name="kernelsStatus", accessible="Kernels panel status")
        self.tabs = self._tabs(channels)
        layout = QVBoxLayout(host)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

    def page(self, tab: str) -> QWidget:
        """The page of tab ``tab``: one of :data:`TABS`."""
        return {"image": self.image_splitter, "step": self.stepper, "density": self.density_view}[tab]

    # -- above the tabs ----------------------------------------------------------------------
    def _input_bar(self, samples: Sequence[Path]) -> FlowLayout:
        """The input chooser and its buttons; they wrap onto a second line rather than widen the window."""
        self.input_box = self._input_chooser(samples)
        self.camera_box = QComboBox()
        self.camera_box.setObjectName("cameraBox")
        self.camera_box.setAccessibleName("Camera")
        translated(self.camera_box.setToolTip, "Which camera to use (searching for cameras takes a moment)")
        self.camera_box.addItem(tr("Camera {index}", index=0), 0)
        self.camera_box.hide()
        self.open_image_button = push_button(tr_noop("Open image…"), name="openKernelImageButton",
                                             accessible=tr_noop("Open an image file"), tip=tr_noop("Open an image file"))
        self.open_video_button = push_button(tr_noop("Open video…"), name="openKernelVideoButton",
                                             accessible=tr_noop("Open a video file as a live input"),
                                             tip=tr_noop("Open a video file as a live input"))
        self.grey_box = QCheckBox()
        translated(self.grey_box.setText, "Grey (1 channel)", owner=self.grey_box)
        self.grey_box.setObjectName("greyInputBox")
        self.grey_box.setAccessibleName("Turn the input grey")
        translated(self.grey_box.setToolTip, "Use the luminance only: H × W × 1, as the character CNN sees pictures")
        cnn_tip = tr_noop("Load the first-layer filters of the shipped character CNN")
        self.cnn_button = push_button(tr_noop("Load the CNN's first-layer filters"), name="loadCnnFiltersButton",
                                      accessible=cnn_tip, tip=cnn_tip)
        top = FlowLayout()
        top.addWidget(labelled(translated_label("Input"), self.input_box), stretch=1)
        for widget in (self.camera_box, self.open_image_button, self.open_video_button, self.grey_box,
                       self.cnn_button):
            top.addWidget(widget)
        return top

    @staticmethod
    def _input_chooser(samples: Sequence[Path]) -> QComboBox:
        box = QComboBox()
        box.setObjectName("inputBox")
        box.setAccessibleName("Input picture")
        translated(box.setToolTip, "What the kernels slide over")
        for path in samples:
            box.addItem(path.stem, str(path))
            translated_item(box, box.count() - 1, "Photo: {name}", name=path.stem)
        for source, data in ((tr_noop("The course's 5×5 example"), COURSE_INPUT),
                             (tr_noop("Your drawing on the Write panel"), DRAWING_INPUT),
                             (tr_noop("Live camera"), CAMERA_INPUT)):
            box.addItem(source, data)
            translated_item(box, box.count() - 1, source)
        # The chooser may shrink: the buttons wrap onto a second line rather than widen the window.
        box.setMinimumContentsLength(MIN_INPUT_CHOOSER_CHARS)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return box

    # -- the tabs ----------------------------------------------------------------------------
    def _tabs(self, channels: int) -> QTabWidget:
        image_tab = self._image_tab(channels)
        self.stepper = ConvolutionStepper()
        self.density_view = DensityConvolutionView()
        tabs = QTabWidget()
        tabs.setObjectName("kernelsTabs")
        tabs.setAccessibleName("Kernels views")
        for page, title in ((image_tab, tr_noop("Image")), (self.stepper, tr_noop("Step through")),
                            (self.density_view, tr_noop("Beyond images"))):
            tabs.addTab(page, title)
            translated_tab(tabs, page, title)
        for button in tabs.tabBar().findChildren(QAbstractButton):  # Qt's tab scroll arrows
            button.setAccessibleName(button.objectName() or "Scroll the tabs")
        return tabs

    def _image_tab(self, channels: int) -> QSplitter:
        """Input, kernels and output side by side; they stay on screen together."""
        self.tensor_view = TensorView()
        self.settings_scroll = self._settings_column(channels)
        self.output_splitter = self._output_column()
        self.image_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.image_splitter.setObjectName("kernelsImageSplitter")
        self.image_splitter.addWidget(self.tensor_view)
        self.image_splitter.addWidget(self.settings_scroll)
        self.image_splitter.addWidget(self.output_splitter)
        self.image_splitter.setChildrenCollapsible(False)
        # Until the teacher drags a handle, the columns and the output / weighted-sum split follow the size.
        for splitter in (self.image_splitter, self.output_splitter):
            splitter.splitterMoved.connect(lambda *_args, s=splitter: self._dragged.add(s))
            splitter.installEventFilter(self)
        return self.image_splitter

    def _settings_column(self, channels: int) -> QScrollArea:
        """The kernels and the layer settings; they scroll when a projector is short, the pictures never do."""
        self.kernel_editor = KernelEditor(channels=channels)
        self.controls = ConvControls()
        self.formula_label = wrapping_label(name="formulaLabel", accessible="Output size formula")
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = wrapping_label(name="settingsErrorLabel", accessible="Settings problem")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.output_view = OutputView()
        self.sum_view = WeightedSumView()
        column = QWidget()
        column.setObjectName("kernelsSettingsColumn")
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 4, 0)
        kernels_title = translated_label("<b>Kernels</b> (one output channel per filter)")
        kernels_title.setWordWrap(True)
        for widget in (kernels_title, self.kernel_editor, translated_label("<b>Layer settings</b>"), self.controls,
                       self.formula_label, self.error_label):
            column_layout.addWidget(widget)
        column_layout.addStretch()
        scroll = QScrollArea()
        scroll.setObjectName("kernelsSettingsScroll")
        scroll.setAccessibleName("Kernels and layer settings")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(column)
        return scroll

    def _output_column(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("kernelsOutputSplitter")
        splitter.addWidget(self.output_view)
        splitter.addWidget(self.sum_view)
        splitter.setChildrenCollapsible(False)
        return splitter

    # -- splitters that follow the size ------------------------------------------------------
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
