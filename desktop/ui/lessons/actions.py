"""What a lesson step does to the app: one handler per action name, kept in a registry.

A step's ``action`` is ``{"panel": NAME, ...parameters}`` (checked by :mod:`desktop.core.lessons`
when the file is read). :func:`run_action` shows the panel and puts it into the state the
parameters describe, through the panels' public methods. Anything that only becomes possible
later (the models are still loading, a report is being read) is finished when it arrives; a
problem found then is passed to ``ActionContext.fail``.

Adding an action: add its parameters to ``desktop.core.lessons.ACTIONS``, write a handler here
decorated with ``@action("name")``, and regenerate ``assets/lessons/lesson.schema.json``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QPoint, QTimer
from PySide6.QtWidgets import QWidget

from desktop.core.stroke_samples import StrokeDataError, character_strokes, fit_to_square
from desktop.ui.i18n import tr, tr_noop

log = logging.getLogger(__name__)

Handler = Callable[["ActionContext", dict[str, Any]], None]
REGISTRY: dict[str, Handler] = {}

#: Results tabs by the name lessons use -> the objectName of the tab's page.
RESULTS_TAB_PAGES = {
    "models": "modelsTab",
    "evaluate": "evaluateView",
    "dataset": "datasetView",
    "architectures": "architecturesTab",
    "experiments": "experimentsTab",
}
RESULTS_TAB_TITLES = {
    "models": tr_noop("Models"),
    "evaluate": tr_noop("Evaluate a test set"),
    "dataset": tr_noop("Dataset explorer"),
    "architectures": tr_noop("Architectures"),
    "experiments": tr_noop("Experiments"),
}
#: Whole sentences per kind of model, so each translates naturally.
MISSING_MODEL = {
    "character": tr_noop("No character model named {missing}. The character models here are: {names}."),
    "photo": tr_noop("No photo model named {missing}. The photo models here are: {names}."),
    "any": tr_noop("No model named {missing}. The models here are: {names}."),
}
KERNEL_TABS = ("image", "step", "density")
#: What a kernels action sets when it does not name them: a step describes the whole layer.
KERNEL_DEFAULTS = {"padding": "valid", "stride": 1, "dilation": 1, "relu": False, "pooling": "none",
                   "pool_size": 2, "pool_stride": 2}


class ActionError(RuntimeError):
    """A step's action could not be carried out; the message is for the teacher."""


@dataclass
class ActionContext:
    """The main window, and where problems found after the handler returned are reported."""

    window: Any  # desktop.ui.main_window.MainWindow (not imported: it imports the lessons)
    fail: Callable[[str], None]


def action(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        REGISTRY[name] = handler
        return handler
    return register


def run_action(context: ActionContext, step_action: dict[str, Any] | None) -> None:
    """Carry out a checked action; raises :class:`ActionError` with a message to show."""
    if not step_action:
        return
    name = step_action.get("panel")
    handler = REGISTRY.get(name)
    if handler is None:
        raise ActionError(tr("This version of the app has no lesson action \u201c{name}\u201d.", name=name))
    handler(context, {k: v for k, v in step_action.items() if k != "panel"})


# -- helpers ---------------------------------------------------------------------------------------
def _show(window, name: str):
    """Switch the window to panel ``name`` and return the panel (built on first use)."""
    from desktop.ui.main_window import PANELS

    window.show_panel(PANELS.index(name))
    return {
        "Write": lambda: window.write_panel,
        "Camera": lambda: window.camera_panel,
        "Teach": lambda: window.teach_panel,
        "Kernels": lambda: window.kernels_panel,
        "Results": lambda: window.results_panel,
    }[name]()


class _OneShot(QObject):
    """Calls ``slot`` once, in the GUI thread, on the next emission of ``signal``.

    A plain Python function connected to a signal runs in the thread that emits it: a model
    worker's ``models_ready`` would run the lesson's slot, and its widget changes, in the worker
    thread (Qt warned about timers and parents from another thread, and the app could crash). A
    method of this object, which lives in the GUI thread, is called through the event queue instead.
    """

    def __init__(self, signal, slot: Callable[..., None]):
        super().__init__(QCoreApplication.instance())  # the application object lives in the GUI thread
        self._signal, self._slot = signal, slot
        signal.connect(self.fire)

    def fire(self, *args) -> None:
        try:
            self._signal.disconnect(self.fire)
        except (RuntimeError, TypeError):  # already disconnected by an earlier queued delivery
            return
        self.setParent(None)
        self.deleteLater()
        self._slot(*args)


def once(signal, slot: Callable[..., None]) -> None:
    """Call ``slot`` on the next emission of ``signal`` only, in the GUI thread whoever emits it."""
    _OneShot(signal, slot)


def _sample_path(name: str) -> Path:
    from desktop.ui.sources import sample_image_paths

    samples = sample_image_paths()
    found = next((p for p in samples if p.stem == name or p.name == name), None)
    if found is None:
        raise ActionError(tr("There is no sample picture \u201c{name}\u201d. The samples are: {names}.",
                             name=name, names=", ".join(p.stem for p in samples) or tr("none")))
    return found


def _models_by_stem(models, stems: list[str], kind: str) -> list[str]:
    """Paths of the models named by file stem; an unknown name is an :class:`ActionError`."""
    by_stem = {Path(m.path).stem: str(m.path) for m in models}
    missing = [s for s in stems if s not in by_stem]
    if missing:
        raise ActionError(tr(MISSING_MODEL[kind], missing=", ".join(missing),
                             names=", ".join(sorted(by_stem)) or tr("none")))
    return [by_stem[s] for s in stems]


def _when_models_ready(context: ActionContext, apply: Callable[[], None]) -> None:
    """Run ``apply`` now if the window knows its models, else as soon as it does."""
    window = context.window
    if window.models:
        apply()
        return

    def later() -> None:
        try:
            apply()
        except ActionError as exc:
            context.fail(str(exc))
    # After every other receiver of the announcement (the panels fill their lists from it too).
    once(window.models_ready, lambda *_args: QTimer.singleShot(0, later))


# -- Write -----------------------------------------------------------------------------------------
@action("write")
def write_action(context: ActionContext, params: dict[str, Any]) -> None:
    panel = _show(context.window, "Write")
    if "grid" in params:
        panel.set_grid_visible(params["grid"])
    if "pen_width" in params:
        panel.pen_width_slider.setValue(params["pen_width"])
    if "why" in params:
        panel.why.set_on(params["why"])
    if "character" in params:
        draw_character(panel, params["character"])
    if "models" in params:
        stems = list(params["models"])

        def choose() -> None:
            chars = [m for m in context.window.models if m.task == "characters"]
            panel.set_chosen_models(_models_by_stem(chars, stems, "character"))
        _when_models_ready(context, choose)


def draw_character(panel, char: str) -> None:
    """Put ``char`` on the Write canvas from its stroke centre-lines ("" clears the canvas)."""
    if not char:
        panel.clear()
        return
    try:
        strokes = character_strokes(char)
    except StrokeDataError as exc:
        raise ActionError(str(exc)) from None
    square = panel.canvas.grid_square()
    inset = square.width() * 0.08  # the pen's width stays inside the practice square
    panel.canvas.set_strokes(fit_to_square(strokes, square.left() + inset, square.top() + inset,
                                           square.width() - 2 * inset))


# -- Camera ----------------------------------------------------------------------------------------
@action("camera")
def camera_action(context: ActionContext, params: dict[str, Any]) -> None:
    panel = _show(context.window, "Camera")
    if "mirror" in params:
        panel.set_mirrored(params["mirror"])
    if "why" in params:
        panel.why.set_on(params["why"])
    sample = params.get("sample")
    if sample == "all":
        from desktop.ui.sources import sample_image_paths

        photos = [p for p in sample_image_paths() if not p.stem.startswith("character")]
        panel.open_images(photos)
    elif sample:
        panel.open_images([_sample_path(sample)])
    if "models" not in params and not params.get("all_models"):
        return

    def choose(*_args) -> None:
        models = panel.models()
        if params.get("all_models"):
            paths = [str(m.path) for m in models]
        else:
            paths = _models_by_stem(models, list(params["models"]), "photo")
        panel.set_chosen_models(paths)

    if panel.models_loaded():
        choose()
        return

    def later(*_args) -> None:
        try:
            choose()
        except ActionError as exc:
            context.fail(str(exc))
    panel.start_models()
    once(panel.classifier.models_ready, later)


# -- Teach -----------------------------------------------------------------------------------------
@action("teach")
def teach_action(context: ActionContext, params: dict[str, Any]) -> None:
    _show(context.window, "Teach")


# -- Kernels ---------------------------------------------------------------------------------------
@action("kernels")
def kernels_action(context: ActionContext, params: dict[str, Any]) -> None:
    panel = _show(context.window, "Kernels")
    if "input" in params:
        choice = params["input"]
        ok = panel.choose_input(choice if choice in ("course", "drawing") else str(_sample_path(choice)))
        if not ok:
            raise ActionError(panel.status_label.text())
    if "grey" in params:
        panel.grey_box.setChecked(params["grey"])
    if params.get("cnn_filters") and not panel.load_cnn_filters():
        raise ActionError(panel.status_label.text())
    if "preset" in params:
        panel.kernel_editor.apply_preset(params["preset"], params.get("apply_to"))
    if "kernel_size" in params:
        panel.kernel_editor.set_kernel_size(params["kernel_size"])
    settings = {**KERNEL_DEFAULTS, **{k: v for k, v in params.items() if k in KERNEL_DEFAULTS}}
    controls = panel.controls
    controls.set_padding(settings["padding"])
    controls.set_stride(settings["stride"], settings["stride"])
    controls.set_dilation(settings["dilation"], settings["dilation"])
    controls.relu_box.setChecked(settings["relu"])
    controls.set_pooling(settings["pooling"], settings["pool_size"], settings["pool_stride"])
    tab = params.get("tab", "image")
    pages = {"image": panel.tabs.widget(0), "step": panel.stepper, "density": panel.density_view}
    panel.tabs.setCurrentWidget(pages[tab])


# -- Results ---------------------------------------------------------------------------------------
def show_results_tab(panel, tab: str) -> QWidget:
    """Make the Results tab ``tab`` current; a clear :class:`ActionError` if this version lacks it."""
    object_name = RESULTS_TAB_PAGES[tab]
    show_tab = getattr(panel, "show_tab", None)
    if callable(show_tab):
        try:
            result = show_tab(object_name)
        except (KeyError, ValueError, LookupError):
            result = False
        if result is not False and panel.tabs.currentWidget().objectName() == object_name:
            return panel.tabs.currentWidget()
    for index in range(panel.tabs.count()):
        page = panel.tabs.widget(index)
        if page.objectName() == object_name:
            panel.tabs.setCurrentIndex(index)
            return page
    raise ActionError(tr("The Results panel has no \u201c{title}\u201d tab in this version of the app.",
                         title=tr(RESULTS_TAB_TITLES[tab])))


def scroll_to_section(view, key: str) -> None:
    """Scroll a report view so that its section ``key`` starts at the top (once laid out)."""
    section = view.sections[key]

    def scroll() -> None:
        body = view.widget()
        if body is None or section.isHidden():
            return
        body.layout().activate()
        view.verticalScrollBar().setValue(section.mapTo(body, QPoint(0, 0)).y())

    scroll()
    QTimer.singleShot(0, view, scroll)  # again once the scroll range has caught up with the new layout


@action("results")
def results_action(context: ActionContext, params: dict[str, Any]) -> None:
    panel = _show(context.window, "Results")
    models_view = {"left", "right", "compare", "section", "sort"} & set(params)
    tab = params.get("tab", "models" if models_view else None)
    if tab is not None:
        show_results_tab(panel, tab)
    if "compare" in params:
        panel.compare_checkbox.setChecked(params["compare"])
    if not ({"left", "right", "section", "sort"} & set(params)):
        return

    def apply() -> None:
        panes = []
        for side in ("left", "right"):
            pane = getattr(panel, side)
            if side in params:
                pane.choose(_models_by_stem(panel.models, [params[side]], "any")[0])
            if not pane.isHidden():
                panes.append(pane)
        for pane in panes:
            if "sort" in params:
                pane.view.sort_failures(params["sort"] == "most_confident")
            if "section" in params:
                key = params["section"]
                if pane.is_loading():
                    once(pane.report_shown, lambda v=pane.view: scroll_to_section(v, key))
                else:
                    scroll_to_section(pane.view, key)

    if panel.models:
        apply()
    else:
        _when_models_ready(context, apply)


__all__ = ["ActionContext", "ActionError", "REGISTRY", "action", "run_action", "show_results_tab", "draw_character"]
