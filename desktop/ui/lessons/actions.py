"""What a lesson step does to the app: one handler per action name, kept in a registry.

A step's ``action`` is ``{"panel": NAME, ...parameters}``, checked against
:data:`desktop.core.lessons.ACTIONS` when the lesson file is read: an unknown action or parameter
is reported then, naming the file and the step, never when the step runs. The registry here has
exactly one handler per entry of that vocabulary (:func:`action` refuses a name the vocabulary
lacks, and importing this module fails if an entry has no handler).

:func:`run_action` asks the main window (:class:`~desktop.ui.panel_commands.LessonHost`) to show
the panel and drives it through the panel's command interface (``desktop/ui/panel_commands.py``);
a handler never touches a widget. Anything that only becomes possible later (a panel has not
listed its models yet, a report is being read) waits for it with :meth:`ActionContext.wait_for`
and is finished when it arrives; a problem found then is passed to ``ActionContext.fail``. The run
ends (``finished``) when nothing is left to wait for, and a run left for another step is
cancelled, so a late model list never changes a panel under a later step.

Adding an action: add its parameters to ``desktop.core.lessons.ACTIONS``, write a handler here
decorated with ``@action("name")``, and regenerate ``assets/lessons/lesson.schema.json``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, cast

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from desktop.core.lessons import ACTIONS
from desktop.core.stroke_samples import StrokeDataError
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.panel_commands import (
    CameraCommands,
    KernelsCommands,
    LessonHost,
    ResultsCommands,
    SignalLike,
    WriteCommands,
)
from desktop.ui.sources import sample_image_paths

log = logging.getLogger(__name__)

Handler = Callable[["ActionContext", dict[str, Any]], None]
REGISTRY: dict[str, Handler] = {}

#: The Results tabs by the name lessons use, as the message about a missing one names them.
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

    def __init__(self, window: LessonHost, fail: Callable[[str], None],
                 finished: Callable[[str], None] | None = None):
        self.window = window
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

    def wait_for(self, ready: Callable[[], bool], signal: SignalLike, apply: Callable[[], None]) -> None:
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
    """Register the handler of action ``name``, which the lesson vocabulary must know."""
    if name not in ACTIONS:
        raise ValueError(f"no lesson action {name!r} in desktop.core.lessons.ACTIONS: add its parameters there")

    def register(handler: Handler) -> Handler:
        REGISTRY[name] = handler
        return handler
    return register


def run_action(context: ActionContext, step_action: dict[str, Any] | None) -> None:
    """Carry out an action the lesson loader has checked; raises :class:`ActionError` with a message to show."""
    if not step_action:
        return
    handler = REGISTRY[step_action["panel"]]  # checked when the lesson file was read
    handler(context, {k: v for k, v in step_action.items() if k != "panel"})


class _Waiter(QObject):
    """Part of a step waiting for ``ready()`` (see :meth:`ActionContext.wait_for`).

    A plain Python function connected to a signal runs in the thread that emits it: a model worker's
    ``models_ready`` would run the lesson's code, and its panel changes, in the worker thread (Qt
    warns about timers and parents from another thread, and the app can crash). This object lives in
    the GUI thread, so its method is called through the event queue whoever emits. It checks
    ``ready()`` only after the announcement's other receivers (the panel fills its list from the same
    signal), and once after the events queued before it connected: an announcement already on its
    way when the step started is caught without waiting for the next one.
    """

    def __init__(self, context: ActionContext, ready: Callable[[], bool], signal: SignalLike,
                 apply: Callable[[], None]):
        super().__init__(QCoreApplication.instance())  # the application object lives in the GUI thread
        self._context, self._ready, self._apply = context, ready, apply
        self._signal: SignalLike | None = signal
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


# -- helpers ---------------------------------------------------------------------------------------
def _sample_path(name: str) -> Path:
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


# -- Write -----------------------------------------------------------------------------------------
@action("write")
def write_action(context: ActionContext, params: dict[str, Any]) -> None:
    window = context.window
    panel = cast(WriteCommands, window.show_panel_named("Write"))
    if "grid" in params:
        panel.set_grid_visible(params["grid"])
    if "pen_width" in params:
        panel.set_pen_width(params["pen_width"])
    if "why" in params:
        panel.set_why(params["why"])
    if "character" in params:
        try:
            panel.draw_character(params["character"])
        except StrokeDataError as exc:
            raise ActionError(str(exc)) from None
    if "models" in params:
        stems = list(params["models"])

        def choose() -> None:
            characters = [m for m in window.models if m.task == "characters"]
            panel.set_chosen_models(_models_by_stem(characters, stems, "character"))
        # The Write panel is fed by the same scan, before the window announces it.
        context.wait_for(window.models_known, window.models_ready, choose)


# -- Camera ----------------------------------------------------------------------------------------
@action("camera")
def camera_action(context: ActionContext, params: dict[str, Any]) -> None:
    panel = cast(CameraCommands, context.window.show_panel_named("Camera"))
    if "mirror" in params:
        panel.set_mirrored(params["mirror"])
    if "why" in params:
        panel.set_why(params["why"])
    sample = params.get("sample")
    if sample == "all":
        panel.open_images([p for p in sample_image_paths() if not p.stem.startswith("character")])
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
    context.wait_for(panel.models_loaded, panel.models_announced, choose)


# -- Teach -----------------------------------------------------------------------------------------
@action("teach")
def teach_action(context: ActionContext, params: dict[str, Any]) -> None:
    context.window.show_panel_named("Teach")  # no parameters: nothing here reads the panel's models


# -- Kernels ---------------------------------------------------------------------------------------
@action("kernels")
def kernels_action(context: ActionContext, params: dict[str, Any]) -> None:
    panel = cast(KernelsCommands, context.window.show_panel_named("Kernels"))
    if "input" in params:
        choice = params["input"]
        if not panel.choose_input(choice if choice in ("course", "drawing") else str(_sample_path(choice))):
            raise ActionError(panel.status_text())
    if "grey" in params:
        panel.set_grey(params["grey"])
    if params.get("cnn_filters") and not panel.load_cnn_filters():
        raise ActionError(panel.status_text())
    if "preset" in params:
        panel.apply_preset(params["preset"], params.get("apply_to"))
    if "kernel_size" in params:
        panel.set_kernel_size(params["kernel_size"])
    panel.set_layer(**{**KERNEL_DEFAULTS, **{k: v for k, v in params.items() if k in KERNEL_DEFAULTS}})
    panel.show_tab(params.get("tab", "image"))


# -- Results ---------------------------------------------------------------------------------------
def _show_results_tab(panel: ResultsCommands, tab: str) -> None:
    """Make the Results tab ``tab`` current; a clear :class:`ActionError` if this version lacks it."""
    if not panel.show_tab(tab):
        raise ActionError(tr("The Results panel has no \u201c{title}\u201d tab in this version of the app.",
                             title=tr(RESULTS_TAB_TITLES[tab])))


@action("results")
def results_action(context: ActionContext, params: dict[str, Any]) -> None:
    window = context.window
    panel = cast(ResultsCommands, window.show_panel_named("Results"))
    report_params = {"left", "right", "section", "sort"} & set(params)
    tab = params.get("tab", "models" if report_params or "compare" in params else None)
    if tab is not None:
        _show_results_tab(panel, tab)
    if "compare" in params:
        panel.set_compare(params["compare"])
    if not report_params:
        return

    def apply() -> None:
        for side in ("left", "right"):
            if side in params:
                panel.choose_model(side, _models_by_stem(panel.models, [params[side]], "any")[0])
        for side in panel.shown_sides():
            if "sort" in params:
                panel.sort_failures(side, params["sort"] == "most_confident")
            if "section" in params:
                key = params["section"]
                context.wait_for(lambda s=side: not panel.report_loading(s), panel.report_shown_signal(side),
                                 lambda s=side: panel.scroll_to_section(s, key))

    # The panel's list comes from the window's announcement (at once when built after it).
    context.wait_for(window.models_known, window.models_ready, apply)


_UNHANDLED = set(ACTIONS) - set(REGISTRY)
if _UNHANDLED:  # a lesson file could name an action the loader accepts and nothing here carries out
    raise ImportError(f"lesson actions without a handler: {', '.join(sorted(_UNHANDLED))}")

__all__ = ["ActionContext", "ActionError", "REGISTRY", "action", "run_action"]
