"""What a lesson step does to the app: one handler per action name, kept in a registry.

A step's ``action`` is ``{"panel": NAME, ...parameters}`` (checked by :mod:`desktop.core.lessons`
when the file is read). :func:`run_action` shows the panel and puts it into the state the
parameters describe, through the panels' public methods. Anything that only becomes possible
later (a panel has not listed its models yet, a report is being read) waits for it with
:meth:`ActionContext.wait_for` and is finished when it arrives; a problem found then is passed to
``ActionContext.fail``. The run ends (``finished``) when nothing is left to wait for, and a run
left for another step is cancelled, so a late model list never changes a panel under a later step.

Adding an action: add its parameters to ``desktop.core.lessons.ACTIONS``, write a handler here
decorated with ``@action("name")``, and regenerate ``assets/lessons/lesson.schema.json``.
"""

from __future__ import annotations

import logging
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
SECTION_PIN = "lessonSectionPin"  # the objectName of what holds a report section in place
#: What a kernels action sets when it does not name them: a step describes the whole layer.
KERNEL_DEFAULTS = {"padding": "valid", "stride": 1, "dilation": 1, "relu": False, "pooling": "none",
                   "pool_size": 2, "pool_stride": 2}


class ActionError(RuntimeError):
    """A step's action could not be carried out; the message is for the teacher."""


class ActionContext:
    """One run of a step's action: the main window, what the run still waits for, where problems go.

    ``fail(text)`` shows a problem found after the handler returned; ``finished(error)`` is called
    once, when the handler has returned and nothing is left to wait for ("" when all of it worked).
    """

    def __init__(self, window: Any, fail: Callable[[str], None],
                 finished: Callable[[str], None] | None = None):
        self.window = window  # desktop.ui.main_window.MainWindow (not imported: it imports the lessons)
        self._show_failure = fail
        self._finished = finished
        self._waiters: list[_Waiter] = []
        self._error = ""
        self._returned = False  # the handler has returned
        self._over = False  # finished or cancelled

    def fail(self, text: str) -> None:
        """Report a problem found after the handler returned (ignored once the run is over)."""
        if self._over:
            return
        self._error = self._error or text
        self._show_failure(text)

    def wait_for(self, ready: Callable[[], bool], signal, apply: Callable[[], None]) -> None:
        """Run ``apply`` now if ``ready()``, else in the GUI thread once it is: checked after each
        emission of ``signal`` (which may come from a worker thread) and once after the events already
        queued. An :class:`ActionError` from a later ``apply`` goes to :meth:`fail`."""
        if ready():
            apply()
            return
        self._waiters.append(_Waiter(self, ready, signal, apply))

    def is_waiting(self) -> bool:
        return bool(self._waiters)

    def handler_returned(self, error: str = "") -> None:
        """The handler is back (``error``: what it raised); the run ends now unless it waits."""
        self._returned = True
        if error:
            self._error = self._error or error
            self._stop_waiting()
        self._finish_if_done()

    def cancel(self) -> None:
        """Another step took over: drop what this run still waits for; ``finished`` never comes."""
        self._over = True
        self._stop_waiting()

    def _waiter_done(self, waiter: "_Waiter", error: str) -> None:
        if waiter in self._waiters:
            self._waiters.remove(waiter)
        if error:
            self.fail(error)
        self._finish_if_done()

    def _stop_waiting(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            waiter.stop()

    def _finish_if_done(self) -> None:
        if self._over or not self._returned or self._waiters:
            return
        self._over = True
        if self._finished is not None:
            self._finished(self._error)


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


class _Waiter(QObject):
    """Part of a step waiting for ``ready()`` (see :meth:`ActionContext.wait_for`).

    A plain Python function connected to a signal runs in the thread that emits it: a model worker's
    ``models_ready`` would run the lesson's code, and its widget changes, in the worker thread (Qt
    warns about timers and parents from another thread, and the app can crash). This object lives in
    the GUI thread, so its method is called through the event queue whoever emits. It checks
    ``ready()`` only after the announcement's other receivers (the panel fills its list from the same
    signal), and once after the events queued before it connected: an announcement already on its
    way when the step started is caught without waiting for the next one.
    """

    def __init__(self, context: ActionContext, ready: Callable[[], bool], signal, apply: Callable[[], None]):
        super().__init__(QCoreApplication.instance())  # the application object lives in the GUI thread
        self._context, self._ready, self._signal, self._apply = context, ready, signal, apply
        signal.connect(self._on_signal)
        QTimer.singleShot(0, self, self._check)

    def _on_signal(self, *_args) -> None:
        if self._signal is not None:
            QTimer.singleShot(0, self, self._check)

    def _check(self) -> None:
        if self._signal is None or not self._ready():
            return
        self.stop()
        error = ""
        try:
            self._apply()
        except ActionError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a lesson must not take the window down; the log has the rest
            log.exception("a lesson step's deferred part failed")
            error = tr("This step could not set up the panel: {reason}", reason=str(exc) or type(exc).__name__)
        self._context._waiter_done(self, error)

    def stop(self) -> None:
        if self._signal is None:
            return
        try:
            self._signal.disconnect(self._on_signal)
        except (RuntimeError, TypeError):  # the sender is gone, and its connections with it
            pass
        self._signal = None
        self.deleteLater()


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


def _window_models_known(window) -> bool:
    """The window has announced its model scan (perhaps finding none): the Write panel, which is fed
    by the same scan before the window, and a built Results panel have their lists."""
    return window.models_known()


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
        window = context.window
        context.wait_for(lambda: _window_models_known(window), window.models_ready, choose)


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

    def choose() -> None:
        models = panel.models()
        if params.get("all_models"):
            paths = [str(m.path) for m in models]
        else:
            paths = _models_by_stem(models, list(params["models"]), "photo")
        panel.set_chosen_models(paths)

    panel.start_models()  # a panel built for this step, in a window not on screen, has not started them
    # The panel's own list, filled by its worker's announcement: never the empty one from before it.
    context.wait_for(panel.models_loaded, panel.classifier.models_ready, choose)


# -- Teach -----------------------------------------------------------------------------------------
@action("teach")
def teach_action(context: ActionContext, params: dict[str, Any]) -> None:
    _show(context.window, "Teach")  # no parameters: nothing here reads the panel's models


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


def scroll_to_section(view, key: str, released_by=None) -> None:
    """Scroll a report view so that its section ``key`` starts at the top, and keep it there while the
    report lays itself out; the user's own scrolling, or ``released_by`` (a signal: a new report), ends it."""
    for pin in view.findChildren(QObject, SECTION_PIN):
        pin.release()
    _SectionPin(view, key, released_by)


class _SectionPin(QObject):
    """Holds a report section at the top of its view: the report's charts keep growing for a moment
    after it is shown, and each growth would push the section down out of place."""

    def __init__(self, view, key: str, released_by=None):
        super().__init__(view)
        self.setObjectName(SECTION_PIN)
        self._view, self._key, self._released_by = view, key, released_by
        bar = view.verticalScrollBar()
        bar.rangeChanged.connect(self._follow)  # the layout changed: the range follows it
        bar.actionTriggered.connect(self.release)  # the user scrolls (wheel, keys, arrows)
        bar.sliderPressed.connect(self.release)
        if released_by is not None:
            released_by.connect(self.release)
        self._scroll()
        QTimer.singleShot(0, self, self._scroll)  # again once the scroll range has caught up with the layout

    def _follow(self, *_args) -> None:
        self._scroll()
        QTimer.singleShot(0, self, self._scroll)

    def _scroll(self) -> None:
        if self._view is None:
            return
        body = self._view.widget()
        section = self._view.sections.get(self._key)
        if body is None or section is None or section.isHidden():
            return
        body.layout().activate()
        self._view.verticalScrollBar().setValue(section.mapTo(body, QPoint(0, 0)).y())

    def release(self, *_args) -> None:
        if self._view is None:
            return
        bar = self._view.verticalScrollBar()
        for signal, slot in ((bar.rangeChanged, self._follow), (bar.actionTriggered, self.release),
                             (bar.sliderPressed, self.release), (self._released_by, self.release)):
            if signal is None:
                continue
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # its sender is gone
                pass
        self._view = None
        self.deleteLater()


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
                context.wait_for(lambda p=pane: not p.is_loading(), pane.report_shown,
                                 lambda p=pane: scroll_to_section(p.view, key, released_by=p.report_shown))

    window = context.window
    # The panel's list comes from the window's announcement (at once when built after it).
    context.wait_for(lambda: _window_models_known(window), window.models_ready, apply)


__all__ = ["ActionContext", "ActionError", "REGISTRY", "action", "run_action", "show_results_tab", "draw_character"]
