"""One model's live answer: its title and the top classes as probability bars."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.core.photos import format_prediction

ROWS = 3
BAR_MIN_CHARS = 12  # the narrowest bar, in widths of "n": a short name and its percent still fit
BAR_TEXT_MARGIN = 8  # px the bar's text keeps from its ends


def fitted_text(metrics, top: tuple[str, str, float], width: int) -> str:
    """The longest form of a prediction that fits ``width`` pixels: ``wnid - name NN%``, then
    ``name NN%``, then the name shortened with "…" (the percent always stays)."""
    wnid, name, probability = top
    for text in (format_prediction(wnid, name, probability), format_prediction("", name, probability)):
        if metrics.horizontalAdvance(text) <= width:
            return text
    percent = format_prediction("", "", probability).strip()
    room = max(0, width - metrics.horizontalAdvance(" " + percent))
    return f"{metrics.elidedText(name, Qt.TextElideMode.ElideRight, room)} {percent}"


class PredictionList(QFrame):
    """Title plus ``rows`` bars reading ``wnid - name NN%``, best first; a narrow bar drops the
    WordNet id, then shortens the name, and its tooltip has the whole line."""

    def __init__(self, title: str, name_suffix: str, rows: int = ROWS, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"predictions_{name_suffix}")
        self.setAccessibleName(f"Predictions of {title}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title_label = QLabel(f"<b>{title}</b>")
        self.title_label.setObjectName(f"predictionsTitle_{name_suffix}")
        self.title_label.setWordWrap(True)
        self.bars: list[QProgressBar] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        for row in range(rows):
            bar = QProgressBar()
            bar.setObjectName(f"predictionBar_{name_suffix}_{row + 1}")
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            bar.setFormat("")
            bar.installEventFilter(self)  # re-fit its text when it is resized or its font changes
            layout.addWidget(bar)
            self.bars.append(bar)
        layout.addStretch()
        self._lines: list[str] = []
        self._top: list[tuple[str, str, float]] = []
        self._fit_widths()
        self.clear()

    def set_top(self, top: list[tuple[str, str, float]]) -> None:
        self._top = list(top)
        self._lines = [format_prediction(*row) for row in top]
        for index, bar in enumerate(self.bars):
            if index < len(top):
                text = self._lines[index]
                bar.setValue(round(1000 * top[index][2]))
                bar.setAccessibleName(f"Guess {index + 1}: {text}")
                bar.setToolTip(text)
            else:
                bar.setValue(0)
                bar.setAccessibleName(f"Guess {index + 1}: none")
                bar.setToolTip("")
            self._fit_text(index)

    def _fit_text(self, index: int) -> None:
        bar = self.bars[index]
        if index < len(self._top):
            bar.setFormat(fitted_text(bar.fontMetrics(), self._top[index], bar.width() - 2 * BAR_TEXT_MARGIN))
        else:
            bar.setFormat("")

    def _fit_widths(self) -> None:
        for bar in self.bars:
            bar.setMinimumWidth(bar.fontMetrics().horizontalAdvance("n") * BAR_MIN_CHARS + 2 * BAR_TEXT_MARGIN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched in self.bars:
            if event.type() == QEvent.Type.FontChange:
                self._fit_widths()
            if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
                self._fit_text(self.bars.index(watched))
        return super().eventFilter(watched, event)

    def clear(self) -> None:
        self.set_top([])

    def top(self) -> list[tuple[str, str, float]]:
        """The shown classes ``(wnid, name, probability)``, best first."""
        return list(self._top)

    def lines(self) -> list[str]:
        """The shown predictions, best first, as ``wnid - name NN%``."""
        return list(self._lines)
