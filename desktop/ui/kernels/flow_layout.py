"""A layout that places widgets in a row and wraps them onto the next line when the row is too narrow.

A row of controls (an input chooser and its buttons, a kernel's preset and size, the R, G and B
weight grids) stays one line on a wide screen and becomes two or three on a 1024-pixel projector,
instead of pushing the window wider than the screen. Widgets added with a stretch share what is
left of their line, so a combo box still grows into the room a wide window gives it.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QStyle, QWidget

DEFAULT_SPACING = 6


class FlowLayout(QLayout):
    """Left to right, wrapping; each line is as tall as its tallest item, items centred in it."""

    def __init__(self, parent: QWidget | None = None, spacing: int = -1):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: dict[int, int] = {}  # id(item) -> its share of a line's spare width
        self._spacing = spacing
        if parent is None:
            self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout -----------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt naming)
        self._items.append(item)

    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802
        """``stretch`` > 0: the widget takes a share of its line's spare width (like a box layout's stretch)."""
        super().addWidget(widget)
        if stretch > 0:
            self._stretch[id(self._items[-1])] = stretch

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self._stretch.pop(id(item), None)
        return item

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        """Everything on one line: what a wide window shows."""
        visible = self._visible()
        width = sum(item.sizeHint().width() for item in visible) + self.spacing() * max(len(visible) - 1, 0)
        height = max((item.sizeHint().height() for item in visible), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:  # noqa: N802
        """As narrow as the widest single item: every item on its own line at worst."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return self._with_margins(size)

    def spacing(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        if parent is not None:
            value = parent.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing, None, parent)
            if value >= 0:
                return value
        return DEFAULT_SPACING

    def setSpacing(self, spacing: int) -> None:  # noqa: N802
        self._spacing = spacing
        self.invalidate()

    # -- placing -----------------------------------------------------------------------------
    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _with_margins(self, size: QSize) -> QSize:
        margins = self.contentsMargins()
        return QSize(size.width() + margins.left() + margins.right(), size.height() + margins.top() + margins.bottom())

    def _lines(self, width: int) -> list[list[tuple[QLayoutItem, int]]]:
        """Items (with the width each gets before stretching) grouped into lines no wider than ``width``."""
        gap = self.spacing()
        lines: list[list[tuple[QLayoutItem, int]]] = []
        line: list[tuple[QLayoutItem, int]] = []
        used = 0
        for item in self._visible():
            # An item wider than the whole line is squeezed towards its minimum, never below it.
            wanted = max(min(item.sizeHint().width(), width), item.minimumSize().width())
            needed = wanted if not line else used + gap + wanted
            if line and needed > width:
                lines.append(line)
                line, needed = [], wanted
            line.append((item, wanted))
            used = needed
        if line:
            lines.append(line)
        return lines

    def _arrange(self, rect: QRect, apply: bool) -> int:
        """Place the items inside ``rect`` (or only measure, ``apply`` False); returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap = self.spacing()
        y = area.y()
        lines = self._lines(max(area.width(), 1))
        for number, line in enumerate(lines):
            spare = area.width() - sum(w for _, w in line) - gap * (len(line) - 1)
            shares = [self._stretch.get(id(item), 0) for item, _ in line]
            total = sum(shares)
            heights = [self._item_height(item, w) for item, w in line]
            line_height = max(heights)
            x = area.x()
            for (item, w), share, h in zip(line, shares, heights):
                if total and spare > 0:
                    w += spare * share // total
                    w = min(w, item.maximumSize().width())
                    h = self._item_height(item, w)
                if apply:
                    top = y + (line_height - h) // 2
                    item.setGeometry(QRect(QPoint(x, top), QSize(w, h)))
                x += w + gap
            y += line_height + (gap if number < len(lines) - 1 else 0)
        return y - area.y() + margins.top() + margins.bottom()

    @staticmethod
    def _item_height(item: QLayoutItem, width: int) -> int:
        if item.hasHeightForWidth():
            return item.heightForWidth(width)
        # A flow line has no spare height: an item that could grow taller gets its hint.
        return max(item.minimumSize().height(), min(item.sizeHint().height(), item.maximumSize().height()))


def labelled(label: QWidget, widget: QWidget) -> QWidget:
    """``label`` and ``widget`` as one flow item, so a line never ends between a caption and its control."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(label)
    row.addWidget(widget, 1)
    if label.objectName() == "" and widget.objectName():
        pair.setObjectName(f"{widget.objectName()}Pair")
    return pair
