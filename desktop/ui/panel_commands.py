"""What the rest of the app may ask of each panel: typed command interfaces.

The lesson actions, the main window's menus and the tests drive a panel only through these
methods; none of them reaches into a panel's widgets. A panel's controller implements its
protocol (``tests/ui/test_panel_commands.py`` checks that each one does, method by method), so a
renamed widget can never break a lesson at run time: the lesson file names a command, and a
command that does not exist is reported when the lesson file is loaded.

This module imports no panel: panels, lessons and the main window all depend on it, never on
each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable


class SignalLike(Protocol):
    """A Qt signal instance (``connect`` / ``disconnect``)."""

    def connect(self, slot: Any) -> Any: ...

    def disconnect(self, slot: Any = ...) -> Any: ...


@runtime_checkable
class WriteCommands(Protocol):
    def set_grid_visible(self, visible: bool) -> None: ...

    def set_pen_width(self, width: int) -> None: ...

    def set_why(self, on: bool) -> None: ...

    def draw_character(self, char: str) -> None:
        """Draw ``char`` from its stroke data ("" clears); raises ``StrokeDataError`` if it has none."""

    def clear(self) -> None: ...

    def set_chosen_models(self, paths: Sequence[str]) -> None: ...

    def teach_character(self, char: str) -> bool:
        """Keep the drawing on show as a sample of the user's ``char`` (the models learn it); False if
        there is nothing to keep or no model knows ``char``."""

    def forget_handwriting(self) -> None:
        """Delete the kept samples of the user's handwriting, without asking."""

    def export_handwriting(self, folder: str | Path) -> None:
        """Write the kept samples as ``<char>/<n>.png`` (into a new folder inside ``folder`` if it has files)."""

    def handwriting_sample_count(self) -> int: ...


@runtime_checkable
class CameraCommands(Protocol):
    def set_mirrored(self, mirrored: bool) -> None: ...

    def set_why(self, on: bool) -> None: ...

    def open_images(self, paths: Sequence[str | Path]) -> None: ...

    def start_models(self) -> None:
        """Start the panel's model worker if it has not started (it starts when first shown)."""

    def models(self) -> list:
        """The photo models the panel's worker announced (``ModelInfo``); [] before that."""

    def models_loaded(self) -> bool: ...

    @property
    def models_announced(self) -> SignalLike:
        """Emitted (perhaps from a worker thread) after each model scan of the panel's worker."""

    def set_chosen_models(self, paths: Sequence[str]) -> None: ...


@runtime_checkable
class TeachCommands(Protocol):
    def new_project(self, folder: str | Path | None = None, name: str | None = None) -> None: ...


@runtime_checkable
class KernelsCommands(Protocol):
    def choose_input(self, choice: str) -> bool:
        """"course", "drawing" or an image path; False (and :meth:`status_text` says why) on failure."""

    def status_text(self) -> str: ...

    def set_grey(self, grey: bool) -> None: ...

    def load_cnn_filters(self) -> bool: ...

    def apply_preset(self, name: str, apply_to: str | None = None) -> None: ...

    def set_kernel_size(self, size: int) -> None: ...

    def set_layer(self, *, padding: str, stride: int, dilation: int, relu: bool, pooling: str,
                  pool_size: int, pool_stride: int) -> None:
        """Every setting of the convolution layer at once (what a lesson step describes)."""

    def show_tab(self, tab: str) -> None:
        """"image", "step" or "density"."""


@runtime_checkable
class ResultsCommands(Protocol):
    @property
    def models(self) -> list: ...

    def show_tab(self, tab: str) -> bool:
        """"models", "evaluate", "dataset", "architectures" or "experiments"; False if absent."""

    def set_compare(self, on: bool) -> None: ...

    def shown_sides(self) -> list[str]:
        """"left" and, when comparing, "right"."""

    def choose_model(self, side: str, path: str) -> None: ...

    def sort_failures(self, side: str, most_confident_first: bool) -> None: ...

    def report_loading(self, side: str) -> bool: ...

    def report_shown_signal(self, side: str) -> SignalLike: ...

    def scroll_to_section(self, side: str, key: str) -> None:
        """Bring report section ``key`` to the top and hold it there until the user scrolls."""


@runtime_checkable
class LessonHost(Protocol):
    """What a lesson step needs from the main window."""

    @property
    def models(self) -> list: ...

    @property
    def models_ready(self) -> SignalLike: ...

    def models_known(self) -> bool: ...

    def show_panel_named(self, name: str) -> Any:
        """Show panel ``name`` (one of ``constants.PANELS``) and return its controller."""


PANEL_COMMANDS: dict[str, type] = {
    "Write": WriteCommands,
    "Camera": CameraCommands,
    "Teach": TeachCommands,
    "Kernels": KernelsCommands,
    "Results": ResultsCommands,
}
