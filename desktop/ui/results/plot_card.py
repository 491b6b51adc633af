"""A titled section of the report view whose content can be saved as a PNG.

Every chart sits in a :class:`PlotCard`; the card owns the "Save PNG…" button, and
``ReportView.export_plots`` uses the same :meth:`PlotCard.export_png`, so what the user saves and
what a batch export writes are the same pixels.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.core.atomic import atomic_path
from desktop.ui import style
from desktop.ui.fonts import cjk_font
from desktop.ui.i18n import tr, tr_noop, translated
from desktop.ui.widgets import push_button

#: A chart never shown on screen (a hidden tab) is grabbed at least this big.
EXPORT_MIN_SIZE = (480, 320)
PLOT_HEIGHT = 260


def slug(text: str) -> str:
    """``"Training curves"`` -> ``"training_curves"`` (file and object names)."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()


def make_plot(title: str = "", x_label: str = "", y_label: str = "") -> pg.PlotWidget:
    """A white pyqtgraph plot with black axes and CJK-capable tick labels.

    ``title`` and the axis labels are English sources, shown translated and kept so.
    """
    plot = pg.PlotWidget(background="w")
    plot.setMinimumHeight(PLOT_HEIGHT)
    item = plot.getPlotItem()
    if title:
        translated(lambda text: item.setTitle(text, color="k"), title, owner=plot)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen("k"))
        axis.setTextPen(pg.mkPen("k"))
        axis.setStyle(tickFont=style.chart_font(cjk_font()))  # the interface's text size, not a fixed 9 pt
    if x_label:
        translated(lambda text: item.setLabel("bottom", text, color="k"), x_label, owner=plot)
    if y_label:
        translated(lambda text: item.setLabel("left", text, color="k"), y_label, owner=plot)
    item.showGrid(x=True, y=True, alpha=0.15)
    return plot


class PlotCard(QGroupBox):
    """A section: a title, a "Save PNG…" button and the content widget (the part that is exported).

    ``title`` is the English source: it names the card and its PNG file, and is shown translated.
    """

    def __init__(self, title: str, content: QWidget, parent: QWidget | None = None, note: str = "",
                 source: str | None = None, **fmt):
        super().__init__(parent)
        # ``source`` (with ``fmt``): the shown title when ``title`` is made on the fly.
        translated(self.setTitle, source or title, owner=self, **fmt)
        self.name = slug(title)
        self.setObjectName(f"card_{self.name}")
        self.setAccessibleName(title)
        self.content = content
        self.save_button = push_button(tr_noop("Save PNG…"), name=f"save_{self.name}",
                                       accessible=f"Save {title} as PNG", on_click=self.save_dialog)
        translated(self.save_button.setToolTip, "Save this chart ({title}) as a PNG image", owner=self.save_button,
                   title=lambda: tr(title))
        header = QHBoxLayout()
        self.note = QLabel(note)
        self.note.setObjectName(f"note_{self.name}")
        self.note.setWordWrap(True)
        self.note.setFont(cjk_font())
        header.addWidget(self.note, stretch=1)
        header.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(content)

    def export_png(self, path: str | Path) -> Path:
        """Write the content as PNG; raises OSError naming the file when it cannot be written."""
        path = Path(path)
        widget = self.content
        if widget.width() < 50 or widget.height() < 50:  # never laid out on screen
            widget.resize(max(widget.width(), widget.sizeHint().width(), EXPORT_MIN_SIZE[0]),
                          max(widget.height(), widget.sizeHint().height(), EXPORT_MIN_SIZE[1]))
        pixmap = widget.grab()
        if pixmap.isNull():
            raise OSError(tr("{path}: the image could not be written", path=path))
        with atomic_path(path, make_parents=False) as temp:
            if not pixmap.save(str(temp), "PNG"):
                raise OSError(tr("{path}: the image could not be written", path=path))
        return path

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Save {title}", title=self.title()), f"{self.name}.png",
                                              tr("PNG images (*.png)"))
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        try:
            self.export_png(path)
        except OSError as exc:
            self.note.setText(str(exc))
