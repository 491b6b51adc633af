"""One model's live answer: its title and the top classes as probability bars."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.core.photos import format_prediction

ROWS = 3


class PredictionList(QFrame):
    """Title plus ``rows`` bars reading ``wnid - name NN%``, best first."""

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
            bar.setMinimumWidth(260)
            layout.addWidget(bar)
            self.bars.append(bar)
        layout.addStretch()
        self._lines: list[str] = []
        self._top: list[tuple[str, str, float]] = []
        self.clear()

    def set_top(self, top: list[tuple[str, str, float]]) -> None:
        self._top = list(top)
        self._lines = [format_prediction(*row) for row in top]
        for index, bar in enumerate(self.bars):
            if index < len(top):
                text = self._lines[index]
                bar.setValue(round(1000 * top[index][2]))
                bar.setFormat(text)
                bar.setAccessibleName(f"Guess {index + 1}: {text}")
            else:
                bar.setValue(0)
                bar.setFormat("")
                bar.setAccessibleName(f"Guess {index + 1}: none")

    def clear(self) -> None:
        self.set_top([])

    def top(self) -> list[tuple[str, str, float]]:
        """The shown classes ``(wnid, name, probability)``, best first."""
        return list(self._top)

    def lines(self) -> list[str]:
        """The shown predictions, best first, as ``wnid - name NN%``."""
        return list(self._lines)
