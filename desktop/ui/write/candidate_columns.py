"""The candidate columns of the compared models, side by side in a sideways-scrolling strip."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QSizePolicy, QWidget

SIDE_BY_SIDE = 2  # candidate columns always shown whole; more models scroll sideways


class CandidateColumns(QScrollArea):
    """The candidate columns side by side, always as tall as their cards; when more models are ticked
    than fit, they scroll sideways instead of widening the window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        content = QWidget()
        self._row = QHBoxLayout(content)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.setObjectName("candidateColumns")
        self.setAccessibleName("Candidates of the compared models")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setWidget(content)
        content.installEventFilter(self)

    def show_columns(self, columns: Sequence[QWidget]) -> None:
        """Exactly these columns, in this order; one left out is taken out of the row (not deleted)."""
        for column in self._columns(include_hidden=True):
            if column not in columns:
                self._row.removeWidget(column)
        for index, column in enumerate(columns):
            self._row.insertWidget(index, column)
        self.updateGeometry()

    def eventFilter(self, watched, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        # A scroll area does not pass its content's new size on: cards shown or hidden, a font
        # changed; this one must, since its own size follows the content's.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def _columns(self, include_hidden: bool = False) -> list[QWidget]:
        items = (self._row.itemAt(i).widget() for i in range(self._row.count()))
        return [w for w in items if w is not None and (include_hidden or not w.isHidden())]

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        content = self.widget().minimumSizeHint()
        # Two columns side by side at least (the usual comparison); more scroll, and only then is
        # room kept for the scroll bar.
        columns = self._columns()
        shown = [w.minimumSizeHint().width() for w in columns[:SIDE_BY_SIDE]]
        spacing = self._row.spacing()
        margins = self._row.contentsMargins()
        width = sum(shown) + spacing * max(len(shown) - 1, 0) + margins.left() + margins.right()
        bar = self.horizontalScrollBar().sizeHint().height() if len(columns) > SIDE_BY_SIDE else 0
        return QSize(min(content.width(), max(width, 1)), self._content_height() + bar)

    def _content_height(self) -> int:
        """The columns' height at the width they have now: a long model title wraps onto a second line."""
        content = self.widget()
        height = content.minimumSizeHint().height()
        if self._row.hasHeightForWidth():
            width = max(self.viewport().width(), content.minimumSizeHint().width())
            height = max(height, self._row.totalHeightForWidth(width))
        return height

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the titles wrap differently: another height

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(self.widget().sizeHint().width(), self.minimumSizeHint().height())
