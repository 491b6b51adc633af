"""Convolution beyond images: the density of S = X₁ + X₂ is f ⋆ g.

Pick a distribution for X₁ and for X₂ (uniform, exponential, gamma, normal, or the histogram of
claim sizes read from a CSV file). The view plots f, g and their numerical convolution f ⋆ g, and
overlays a histogram of simulated X₁ + X₂ so the student sees the maths agree with the dice.
Hovering over (or clicking) the plot picks a point s of f ⋆ g and shows the discrete sum behind
it: the terms f(xⱼ)·g(s − xⱼ)·Δx, drawn as a shaded curve whose area is f ⋆ g(s), and listed
in a table with their total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # after PySide6, so pyqtgraph draws with the same Qt binding

from desktop.core.densities import (
    DISTRIBUTIONS,
    CsvError,
    Empirical,
    convolve_densities,
    grid_sum,
    make_grid,
    read_claims_csv,
    sum_terms,
)
from desktop.ui.i18n import tr, tr_noop, translated, translated_item, translated_label
from desktop.ui.widgets import push_button

CLAIMS = "claims"
CHOICES = {"uniform": tr_noop("Uniform"), "exponential": tr_noop("Exponential"), "gamma": tr_noop("Gamma"),
           "normal": tr_noop("Normal"), CLAIMS: tr_noop("Claims histogram (CSV)")}
#: How parameters are shown (keys are desktop.core.densities' parameter names).
PARAMETER_TITLES = {"a": "a", "b": "b", "rate": tr_noop("rate λ"), "shape": tr_noop("shape k"),
                    "scale": tr_noop("scale θ"), "mu": "μ", "sigma": "σ"}
GRID_POINTS = 401
DEFAULT_SAMPLES = 20_000
MAX_SAMPLES = 2_000_000
HISTOGRAM_BINS = 60
# Tails beyond this probability are left off the grid (exponential, gamma, normal have no end).
TAIL = 1e-4
MAX_TABLE_ROWS = 400
VISIBLE_TAIL = 1e-3  # mass left out of view at each end of the plot
CONTROLS_WIDTH = 330  # the side bar at 100 % zoom; it widens with larger text

F_PEN = pg.mkPen((31, 119, 180), width=2)
G_PEN = pg.mkPen((44, 160, 44), width=2)
H_PEN = pg.mkPen((214, 39, 40), width=3)
TERMS_PEN = pg.mkPen((255, 127, 14), width=2, style=Qt.PenStyle.DashLine)
TERMS_BRUSH = pg.mkBrush(255, 127, 14, 60)
HIST_BRUSH = pg.mkBrush(150, 150, 150, 90)


@dataclass
class DensityCurves:
    """Everything plotted: f and g on ``grid``, f ⋆ g on ``sum_grid``, the simulated histogram."""

    grid: np.ndarray
    dx: float
    f: np.ndarray
    g: np.ndarray
    sum_grid: np.ndarray
    h: np.ndarray
    histogram_edges: np.ndarray
    histogram_density: np.ndarray


def support(distribution) -> tuple[float, float]:
    """An interval holding all but a negligible tail of ``distribution``'s mass."""
    name = type(distribution).__name__
    if name == "Uniform":
        return distribution.a, distribution.b
    if name == "Exponential":
        return 0.0, -math.log(TAIL) / distribution.rate
    if name == "Normal":
        return distribution.mu - 4 * distribution.sigma, distribution.mu + 4 * distribution.sigma
    if name == "Gamma":
        mean = distribution.shape * distribution.scale
        spread = math.sqrt(distribution.shape) * distribution.scale
        return 0.0, mean + 8 * spread + 5 * distribution.scale  # the long right tail of a small shape
    values = np.asarray(distribution.values, dtype=np.float64)
    return float(values.min()), float(values.max())


def grid_points_for(distributions) -> int:
    """Fewer grid points when a histogram of few claims is involved (else every bin is a spike)."""
    points = GRID_POINTS
    for distribution in distributions:
        if isinstance(distribution, Empirical):
            bins = len(np.histogram_bin_edges(distribution.values, bins="auto")) - 1
            points = min(points, max(bins * 2, 21))
    return points


def compute_curves(first, second, samples: int, seed: int) -> DensityCurves:
    """f, g, f ⋆ g on a common grid and a histogram of ``samples`` simulated X₁ + X₂."""
    (lo1, hi1), (lo2, hi2) = support(first), support(second)
    lo, hi = min(lo1, lo2), max(hi1, hi2)
    margin = 0.05 * (hi - lo) if hi > lo else 1.0
    grid, dx = make_grid(lo - margin, hi + margin, grid_points_for((first, second)))
    f, g = first.pdf(grid), second.pdf(grid)
    h = convolve_densities(f, g, dx)
    sums = grid_sum(grid)
    rng = np.random.default_rng(seed)
    simulated = first.sample(rng, samples) + second.sample(rng, samples)
    # Bins over where f ⋆ g has its mass (not the whole grid, which reaches far into long tails).
    low, high = mass_range(sums, h) or (sums[0], sums[-1])
    edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
    counts, _ = np.histogram(simulated, bins=edges)
    density = counts / (samples * (edges[1] - edges[0]))
    return DensityCurves(grid, dx, f, g, sums, h, edges, density)


def mass_range(x: np.ndarray, density: np.ndarray, tail: float = VISIBLE_TAIL) -> tuple[float, float] | None:
    """The x interval holding all but ``tail`` of the density's mass at each end; None if no mass."""
    mass = np.cumsum(np.clip(density, 0, None))
    if mass[-1] <= 0:
        return None
    mass /= mass[-1]
    return float(x[np.searchsorted(mass, tail)]), float(x[min(np.searchsorted(mass, 1 - tail), x.size - 1)])


def visible_range(curves: DensityCurves) -> tuple[float, float]:
    """The x range worth showing: where f, g and f ⋆ g hold all but a sliver of their mass."""
    ranges = [r for r in (mass_range(curves.grid, curves.f), mass_range(curves.grid, curves.g),
                          mass_range(curves.sum_grid, curves.h)) if r is not None]
    if not ranges:
        return float(curves.sum_grid[0]), float(curves.sum_grid[-1])
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


class DistributionPicker(QGroupBox):
    """A distribution family and its parameters for one of X₁, X₂. Signal ``changed()``."""

    changed = Signal()

    def __init__(self, title: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        translated(self.setTitle, title, owner=self)  # an English source marked by the caller
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.family = QComboBox()
        self.family.setObjectName(f"{name}Family")
        self.family.setAccessibleName(f"{title}: distribution")
        for key, label in CHOICES.items():
            self.family.addItem(label, key)
            translated_item(self.family, self.family.count() - 1, label)
        self._claims: np.ndarray | None = None
        self._set_claims_enabled(False)
        self.family.currentIndexChanged.connect(self._rebuild_parameters)
        self._form = QFormLayout(self)
        self._form.addRow(translated_label("Distribution"), self.family)
        self._spins: dict[str, QDoubleSpinBox] = {}
        self._rebuild_parameters()

    def _set_claims_enabled(self, enabled: bool) -> None:
        item = self.family.model().item(self.family.findData(CLAIMS))
        item.setEnabled(enabled)
        item.setToolTip("" if enabled else tr("Load a claims CSV file first."))

    def set_claims(self, values: np.ndarray) -> None:
        self._claims = np.asarray(values, dtype=np.float64)
        self._set_claims_enabled(True)
        if self.key() == CLAIMS:
            self._rebuild_parameters()  # new count in the label, and the curves follow

    def key(self) -> str:
        return self.family.currentData()

    def _rebuild_parameters(self) -> None:
        while self._form.rowCount() > 1:
            self._form.removeRow(1)
        self._spins = {}
        if self.key() != CLAIMS:
            for parameter in DISTRIBUTIONS[self.key()].parameters:
                spin = QDoubleSpinBox()
                spin.setObjectName(f"{self.objectName()}_{parameter.name}")
                spin.setAccessibleName(f"{self.title()}: {parameter.name}")
                spin.setDecimals(3)
                spin.setSingleStep(0.1)
                low = parameter.minimum if parameter.minimum is not None else -1000.0
                spin.setRange(low + 0.001 if parameter.minimum is not None else low, 1000.0)
                spin.setValue(parameter.default)
                spin.valueChanged.connect(self.changed)
                self._form.addRow(tr(PARAMETER_TITLES.get(parameter.name, parameter.name)), spin)
                self._spins[parameter.name] = spin
        else:
            count = 0 if self._claims is None else self._claims.size
            self._form.addRow(QLabel(tr("{n} claim sizes from the CSV file", n=count)))
        self.changed.emit()

    def set_choice(self, key: str, **parameters: float) -> None:
        """Select a family and (some of) its parameters, emitting ``changed`` once per edit."""
        index = self.family.findData(key)
        if index < 0:
            raise KeyError(f"unknown distribution {key!r}; choose one of {', '.join(CHOICES)}")
        self.family.setCurrentIndex(index)
        for name, value in parameters.items():
            self._spins[name].setValue(value)

    def distribution(self):
        """The chosen distribution; ValueError with a readable message for impossible parameters."""
        if self.key() == CLAIMS:
            if self._claims is None:
                raise ValueError(tr("load a claims CSV file first"))
            return Empirical(self._claims)
        values = {name: spin.value() for name, spin in self._spins.items()}
        return DISTRIBUTIONS[self.key()](**values)


class DensityConvolutionView(QWidget):
    """f, g, f ⋆ g and simulated X₁ + X₂, with the discrete sum behind any point of f ⋆ g."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("DensityConvolutionView")
        self.setAccessibleName("Convolution of two densities")
        self._curves: DensityCurves | None = None
        self._selected: tuple[int, np.ndarray, float] | None = None
        self._selected_s = 0.0
        self._seed = 0
        self._build()
        self.recompute()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.first_picker = DistributionPicker(tr_noop("X₁ with density f"), "FirstDistribution")
        self.second_picker = DistributionPicker(tr_noop("X₂ with density g"), "SecondDistribution")
        for picker in (self.first_picker, self.second_picker):
            picker.changed.connect(self.recompute)
        self.samples_box = QSpinBox()
        self.samples_box.setObjectName("SimulatedSamples")
        self.samples_box.setAccessibleName("Number of simulated samples")
        self.samples_box.setRange(100, MAX_SAMPLES)
        self.samples_box.setSingleStep(1000)
        self.samples_box.setValue(DEFAULT_SAMPLES)
        self.samples_box.setGroupSeparatorShown(True)
        self.samples_box.valueChanged.connect(self.recompute)
        self.resample_button = push_button(tr_noop("Simulate again"), name="ResampleButton",
                                           on_click=self.resample)
        self.csv_button = push_button(tr_noop("Load claims CSV…"), name="LoadClaimsCsvButton",
                                      accessible="Load claim sizes from a CSV file", on_click=self._choose_csv)
        self.status_label = QLabel()
        self.status_label.setObjectName("DensityStatus")
        self.status_label.setAccessibleName("Status")
        self.status_label.setWordWrap(True)
        self._build_plot()
        self._build_sum()
        layout = QHBoxLayout(self)
        layout.addWidget(self._side_bar())
        layout.addWidget(self.plot, 1)

    def _build_plot(self) -> None:
        """f, g, f ⋆ g, the simulated histogram, and the chosen point s with its terms."""
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("DensityPlot")
        self.plot.setAccessibleName("Plot of f, g, f convolved with g and the simulated histogram")
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "x, s")
        translated(lambda text: self.plot.setLabel("left", text), "density", owner=self.plot)
        self.plot.addLegend(offset=(-10, 10))
        self.histogram_item = pg.PlotDataItem(stepMode="center", fillLevel=0, brush=HIST_BRUSH,
                                              pen=pg.mkPen(120, 120, 120), name=tr("simulated X₁ + X₂"))
        self.terms_item = pg.PlotDataItem(pen=TERMS_PEN, fillLevel=0, brush=TERMS_BRUSH,
                                          name=tr("f(x)·g(s − x): its area is f ⋆ g(s)"))
        self.f_item = pg.PlotDataItem(pen=F_PEN, name="f")
        self.g_item = pg.PlotDataItem(pen=G_PEN, name="g")
        self.h_item = pg.PlotDataItem(pen=H_PEN, name=tr("f ⋆ g (numerical)"))
        for item in (self.histogram_item, self.terms_item, self.f_item, self.g_item, self.h_item):
            self.plot.addItem(item)
        self.point_marker = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(214, 39, 40), pen=pg.mkPen("k"))
        self.point_line = pg.InfiniteLine(angle=90, pen=pg.mkPen((214, 39, 40), style=Qt.PenStyle.DotLine))
        self.plot.addItem(self.point_marker)
        self.plot.addItem(self.point_line, ignoreBounds=True)
        self.point_line.hide()
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def _build_sum(self) -> None:
        """The discrete sum behind the chosen point: a line of text and a table of its terms."""
        self.sum_label = QLabel(tr("Hover over or click the plot to see the sum behind a point of f ⋆ g."))
        self.sum_label.setObjectName("DensitySumLabel")
        self.sum_label.setAccessibleName("Discrete sum behind the chosen point")
        self.sum_label.setWordWrap(True)
        self.sum_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.terms_table = QTableWidget(0, 4)
        self.terms_table.setObjectName("DensitySumTerms")
        self.terms_table.setAccessibleName("Terms of the discrete sum")
        self.terms_table.setHorizontalHeaderLabels(["xⱼ", "f(xⱼ)", "g(s − xⱼ)", "f·g·Δx"])
        self.terms_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.terms_table.verticalHeader().setVisible(False)
        self.terms_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

    def _side_bar(self) -> QScrollArea:
        """The distributions, the simulation and the sum in a fixed-width column.

        Fixed: the sum text changes length on every hover and must not make the plot jump under
        the mouse. It scrolls when a projector is too short for it.
        """
        controls = QVBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.first_picker)
        controls.addWidget(self.second_picker)
        form = QFormLayout()
        form.addRow(translated_label("Simulated samples"), self.samples_box)
        controls.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.resample_button)
        buttons.addWidget(self.csv_button)
        controls.addLayout(buttons)
        controls.addWidget(self.status_label)
        controls.addWidget(self.sum_label)
        controls.addWidget(self.terms_table, 1)
        self.side_bar = QWidget()
        self.side_bar.setObjectName("DensityControls")
        self.side_bar.setLayout(controls)
        self.side_scroll = QScrollArea()
        self.side_scroll.setObjectName("DensityControlsScroll")
        self.side_scroll.setAccessibleName("Distributions and the sum")
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side_scroll.setWidget(self.side_bar)
        self._fix_side_bar_width()
        return self.side_scroll

    def _fix_side_bar_width(self) -> None:
        content = max(CONTROLS_WIDTH, self.side_bar.minimumSizeHint().width())
        self.side_scroll.setFixedWidth(content + self.side_scroll.verticalScrollBar().sizeHint().width())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation zoom: larger text needs a wider side bar
            QTimer.singleShot(0, self, self._fix_side_bar_width)  # once the side bar's layout has the new font

    # -- choices -----------------------------------------------------------------------------
    def set_distribution(self, which: int, key: str, **parameters: float) -> None:
        """Choose X₁ (``which`` 0) or X₂ (1): a key of :data:`CHOICES` and its parameters."""
        (self.first_picker, self.second_picker)[which].set_choice(key, **parameters)

    def set_sample_count(self, samples: int) -> None:
        self.samples_box.setValue(samples)

    @Slot()
    def resample(self) -> None:
        """Draw a fresh simulation (a new random seed)."""
        self._seed += 1
        self.recompute()

    def _choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open claim sizes"), "",
                                              tr("CSV files (*.csv *.txt);;All files (*)"))
        if path:
            self.load_csv(path)

    def load_csv(self, path: str | Path) -> bool:
        """Read claim sizes and offer them as "Claims histogram"; False (and a message) if unusable."""
        try:
            claims = read_claims_csv(path)
        except CsvError as exc:
            self._show_status(tr("Cannot use this claims file: {reason}", reason=exc), error=True)
            return False
        for picker in (self.first_picker, self.second_picker):
            picker.set_claims(claims)
        self._show_status(tr("Loaded {n} claim sizes from {file}. Choose “Claims histogram (CSV)” for X₁ or X₂.",
                              n=claims.size, file=Path(path).name))
        return True

    def status_text(self) -> str:
        """The view's status line: what was loaded, or why the parameters or a file cannot be used."""
        return self.status_label.text()

    def _show_status(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #b00020;" if error else "")

    # -- curves ------------------------------------------------------------------------------
    def curves(self) -> DensityCurves | None:
        """What is plotted now (None until the parameters first make sense)."""
        return self._curves

    @Slot()
    def recompute(self) -> None:
        try:
            first = self.first_picker.distribution()
            second = self.second_picker.distribution()
        except ValueError as exc:
            self._show_status(tr("Check the parameters: {reason}.", reason=exc), error=True)
            return
        curves = compute_curves(first, second, self.samples_box.value(), self._seed)
        if self.status_label.styleSheet():  # an earlier parameter problem is solved now
            self._show_status("")
        self._curves = curves
        self.f_item.setData(curves.grid, curves.f)
        self.g_item.setData(curves.grid, curves.g)
        self.h_item.setData(curves.sum_grid, curves.h)
        self.histogram_item.setData(curves.histogram_edges, curves.histogram_density)
        self.plot.setXRange(*visible_range(curves), padding=0.05)
        if self._selected is not None:  # keep showing the sum at the same s on the new curves
            self.show_sum_at(self._selected_s)

    # -- the sum behind a point --------------------------------------------------------------
    def show_sum_at(self, s: float) -> tuple[int, np.ndarray, float]:
        """Pick the grid point of f ⋆ g nearest ``s``; show and return (index, terms, total)."""
        curves = self._curves
        if curves is None:
            raise RuntimeError("there is no f ⋆ g to point at: check the parameters")
        index = int(np.clip(round((s - curves.sum_grid[0]) / curves.dx), 0, curves.sum_grid.size - 1))
        terms, total = sum_terms(curves.f, curves.g, curves.dx, index)
        self._selected = (index, terms, total)
        self._selected_s = float(s)
        s_value = float(curves.sum_grid[index])
        self.point_marker.setData([s_value], [float(curves.h[index])])
        self.point_line.setValue(s_value)
        self.point_line.show()
        self.terms_item.setData(curves.grid, terms / curves.dx)
        self._fill_table(curves, index, terms)
        used = int(np.count_nonzero(terms))
        self.sum_label.setText(
            tr("f ⋆ g({s:.4g}) ≈ Σⱼ f(xⱼ)·g({s:.4g} − xⱼ)·Δx with Δx = {dx:.4g}: {used} non-zero term(s) of "
               "{n}, total <b>{total:.6g}</b>", s=s_value, dx=curves.dx, used=used, n=terms.size, total=total))
        return index, terms, total

    def selected_sum(self) -> tuple[int, np.ndarray, float] | None:
        """(index on the sum grid, terms, total) of the point shown, or None."""
        return self._selected

    def _fill_table(self, curves: DensityCurves, index: int, terms: np.ndarray) -> None:
        rows = np.flatnonzero(terms)
        if rows.size > MAX_TABLE_ROWS:  # keep hovering smooth; the label still counts every term
            rows = rows[np.linspace(0, rows.size - 1, MAX_TABLE_ROWS).astype(int)]
        partner = index - rows
        self.terms_table.setUpdatesEnabled(False)
        self.terms_table.setRowCount(rows.size + 1)
        for row, (j, k) in enumerate(zip(rows, partner)):
            for col, value in enumerate((curves.grid[j], curves.f[j], curves.g[k], terms[j])):
                self.terms_table.setItem(row, col, QTableWidgetItem(f"{value:.4g}"))
        total_row = rows.size
        self.terms_table.setItem(total_row, 0, QTableWidgetItem(tr("total")))
        for col in (1, 2):
            self.terms_table.setItem(total_row, col, QTableWidgetItem(""))
        self.terms_table.setItem(total_row, 3, QTableWidgetItem(f"{terms.sum():.6g}"))
        self.terms_table.setUpdatesEnabled(True)

    def _scene_to_s(self, scene_pos: QPointF) -> float | None:
        view_box = self.plot.getPlotItem().getViewBox()
        if not view_box.sceneBoundingRect().contains(scene_pos):
            return None
        return float(view_box.mapSceneToView(scene_pos).x())

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        s = self._scene_to_s(scene_pos)
        if s is not None and self._curves is not None:
            index = int(round((s - self._curves.sum_grid[0]) / self._curves.dx))
            if self._selected is None or index != self._selected[0]:
                self.show_sum_at(s)

    def _on_mouse_clicked(self, event) -> None:
        s = self._scene_to_s(event.scenePos())
        if s is not None and self._curves is not None:
            self.show_sum_at(s)
