"""Lessons as data: load, check and describe lesson files (no Qt).

A lesson is one JSON file: an id, a title in one or more interface languages and a list of steps.
Each step has a title, a short text (Markdown) and an optional action that puts a panel into a
state ("the Kernels panel, Sobel x on the cat photo, zero padding"). The format is documented in
``docs/lessons.md`` and as a JSON Schema in ``assets/lessons/lesson.schema.json``.

Checking is done here by hand rather than with a schema library so that every problem names the
file, the step and the field in words a teacher can act on, and the app needs no extra package.
The action vocabulary (:data:`ACTIONS`) lives here too, so a file is checked without the GUI; the
GUI keeps one handler per entry (``desktop/ui/lessons/actions.py``).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .contract import assets_dir
from .convolution import PADDINGS
from .kernels import PRESETS

SCHEMA_VERSION = 1
LESSON_SUFFIX = ".json"
SCHEMA_FILE = "lesson.schema.json"
#: Interface languages a lesson can be written in, in order of preference when one is missing.
LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "简体中文"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_FILE_BYTES = 1_000_000  # a lesson is text; anything bigger is the wrong file

LESSON_KEYS = {"$schema", "schema", "id", "title", "author", "steps"}  # "$schema": for editors, ignored
REQUIRED_LESSON_KEYS = ("id", "title", "steps")
STEP_KEYS = {"title", "text", "action"}
REQUIRED_STEP_KEYS = ("title", "text")


@dataclass(frozen=True)
class Param:
    """One parameter of an action: its JSON type and, where they are fixed, the allowed values."""

    kind: str  # "string", "boolean", "integer" or "string list"
    help: str
    choices: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None


KERNEL_PRESETS = (*PRESETS, "course_x")  # course_x: the course's 5x5 example kernel (Kernels panel)
RESULTS_TABS = ("models", "evaluate", "dataset", "architectures", "experiments")
REPORT_SECTIONS = ("curves", "metrics", "summary", "diagram", "confusion", "failed", "confidence", "per_class",
                   "least_legible", "features")

#: Action name (the ``panel`` field) -> its parameters. Every action first shows its panel.
ACTIONS: dict[str, dict[str, Param]] = {
    "write": {
        "character": Param("string", "draw this character from the stroke data on the canvas (\"\" clears it)",
                           max_length=1),
        "models": Param("string list", "the character models to compare, by file name without .onnx"),
        "grid": Param("boolean", "show the 米字格 guide grid"),
        "pen_width": Param("integer", "pen width in pixels", minimum=2, maximum=40),
        "why": Param("boolean", "show where the model looked: the \u201cWhy?\u201d heat map of the evidence"),
    },
    "camera": {
        "sample": Param("string", "a sample photo by name (chelsea, coffee…), or \"all\" to step through them"),
        "models": Param("string list", "the photo models to run side by side, by file name without .onnx"),
        "all_models": Param("boolean", "tick every photo model (the ImageNet model and your own exports)"),
        "mirror": Param("boolean", "mirror the picture"),
        "why": Param("boolean", "show live where the first model looks: the \u201cWhy?\u201d heat map"),
    },
    "teach": {},
    "kernels": {
        "tab": Param("string", "which view", choices=("image", "step", "density")),
        "input": Param("string", "\"course\" (the 5×5 example), \"drawing\" (the Write canvas) or a sample "
                                 "photo by name"),
        "grey": Param("boolean", "use one grey channel instead of red, green and blue"),
        "preset": Param("string", "a kernel preset", choices=KERNEL_PRESETS),
        "apply_to": Param("string", "how a 2-D preset covers a colour input",
                          choices=("per_channel", "all_channels")),
        "kernel_size": Param("integer", "kernel size k (k × k)", minimum=1, maximum=7),
        "cnn_filters": Param("boolean", "load the shipped CNN's first-layer filters"),
        "padding": Param("string", "padding", choices=PADDINGS),
        "stride": Param("integer", "stride in rows and columns", minimum=1, maximum=8),
        "dilation": Param("integer", "dilation in rows and columns", minimum=1, maximum=8),
        "relu": Param("boolean", "apply ReLU after the convolution"),
        "pooling": Param("string", "pooling after the convolution", choices=("none", "max", "average")),
        "pool_size": Param("integer", "pooling window size", minimum=1, maximum=8),
        "pool_stride": Param("integer", "pooling stride", minimum=1, maximum=8),
    },
    "results": {
        "tab": Param("string", "which tab", choices=RESULTS_TABS),
        "left": Param("string", "the model report on the left, by file name without .onnx"),
        "right": Param("string", "the model report on the right, by file name without .onnx"),
        "compare": Param("boolean", "show two reports side by side"),
        "section": Param("string", "scroll the report(s) to this section", choices=REPORT_SECTIONS),
        "sort": Param("string", "order of the failed predictions",
                      choices=("most_confident", "least_confident")),
    },
}


class LessonError(ValueError):
    """A lesson file that cannot be used; ``str()`` names the file, the step and the field."""

    def __init__(self, path: str | Path | None, reason: str, step: int | None = None, step_title: str = "",
                 field: str = ""):
        self.path = Path(path) if path is not None else None
        self.reason = reason
        self.step = step  # 1-based, None for the lesson itself
        self.field = field
        where = [self.path.name if self.path is not None else "lesson"]
        if step is not None:
            where.append(f"step {step}" + (f" (\u201c{step_title}\u201d)" if step_title else ""))
        if field:
            where.append(field)
        super().__init__(": ".join(where) + ": " + reason)


@dataclass(frozen=True)
class LessonStep:
    title: dict[str, str]
    text: dict[str, str]  # Markdown, paragraphs joined
    action: dict[str, Any] | None = None

    def title_in(self, language: str) -> str:
        return self.title[pick_language(self.title, language)]

    def text_in(self, language: str) -> str:
        return self.text[pick_language(self.text, language)]


@dataclass(frozen=True)
class Lesson:
    id: str
    title: dict[str, str]
    steps: tuple[LessonStep, ...]
    path: Path | None = None
    author: str = ""
    languages: tuple[str, ...] = field(default=("en",))

    def title_in(self, language: str) -> str:
        return self.title[pick_language(self.title, language)]


@dataclass(frozen=True)
class LessonProblem:
    """A lesson file that was skipped, and why (the lessons around it still load)."""

    path: Path
    reason: str


def pick_language(available: Iterable[str], wanted: str) -> str:
    """``wanted`` if the text has it, else the first of :data:`LANGUAGES` it has, else any."""
    available = list(available)
    if wanted in available:
        return wanted
    base = wanted.split("_")[0].split("-")[0]
    if base in available:
        return base
    for code in LANGUAGES:
        if code in available:
            return code
    return available[0]


def shipped_lessons_dir() -> Path:
    return assets_dir() / "lessons"


def schema_path() -> Path:
    return shipped_lessons_dir() / SCHEMA_FILE


# -- checking ----------------------------------------------------------------------------------
def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _unknown_key(key: str, allowed: Iterable[str]) -> str:
    allowed = sorted(allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean \u201c{close[0]}\u201d?)" if close else ""
    return f"unknown field \u201c{key}\u201d{hint}; allowed: {', '.join(allowed) or 'none'}"


class _Checker:
    def __init__(self, path: Path | None):
        self.path = path
        self.step: int | None = None
        self.step_title = ""

    def fail(self, reason: str, field: str = "") -> LessonError:
        return LessonError(self.path, reason, self.step, self.step_title, field)

    def languages(self, value: Any, field: str, languages: Sequence[str] | None, allow_list: bool = False
                  ) -> dict[str, str]:
        """A ``{"en": ..., "zh": ...}`` text; with ``languages``, exactly those languages."""
        if not isinstance(value, dict):
            example = '{"en": "…", "zh": "…"}'
            raise self.fail(f"expected one text per language such as {example}, got {_type_name(value)}", field)
        if not value:
            raise self.fail(f"needs a text in at least one language ({', '.join(LANGUAGES)})", field)
        out: dict[str, str] = {}
        for code, text in value.items():
            if code not in LANGUAGES:
                raise self.fail(f"unknown language \u201c{code}\u201d; use {' or '.join(LANGUAGES)}", field)
            if allow_list and isinstance(text, list):
                if not text or not all(isinstance(p, str) and p.strip() for p in text):
                    raise self.fail("a list of paragraphs must hold non-empty texts", f"{field}.{code}")
                text = "\n\n".join(p.strip() for p in text)
            if not isinstance(text, str):
                kinds = "text or a list of paragraphs" if allow_list else "text"
                raise self.fail(f"expected {kinds}, got {_type_name(text)}", f"{field}.{code}")
            if not text.strip():
                raise self.fail("is empty", f"{field}.{code}")
            out[code] = text.strip()
        if languages is not None:
            missing = [code for code in languages if code not in out]
            if missing:
                raise self.fail(f"missing the {', '.join(missing)} text (the lesson title is written in "
                                f"{', '.join(languages)}, so every step needs the same languages)", field)
        return out

    def action(self, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(f"expected an object such as {{\"panel\": \"kernels\", \"preset\": \"sobel_x\"}}, "
                            f"got {_type_name(value)}", "action")
        if "panel" not in value:
            raise self.fail(f"needs \u201cpanel\u201d: one of {', '.join(ACTIONS)}", "action")
        name = value["panel"]
        if not isinstance(name, str) or name not in ACTIONS:
            close = difflib.get_close_matches(str(name), list(ACTIONS), n=1)
            hint = f" (did you mean \u201c{close[0]}\u201d?)" if close else ""
            raise self.fail(f"unknown action \u201c{name}\u201d{hint}; known actions: {', '.join(ACTIONS)}",
                            "action.panel")
        params = ACTIONS[name]
        for key, given in value.items():
            if key == "panel":
                continue
            if key not in params:
                raise self.fail(_unknown_key(key, params) + f" for the {name} action", f"action.{key}")
            self.param(params[key], given, f"action.{key}")
        return dict(value)

    def param(self, spec: Param, value: Any, field: str) -> None:
        if spec.kind == "boolean":
            if not isinstance(value, bool):
                raise self.fail(f"expected true or false, got {_type_name(value)}", field)
        elif spec.kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.fail(f"expected a whole number from {spec.minimum} to {spec.maximum}, "
                                f"got {_type_name(value)}", field)
            if not spec.minimum <= value <= spec.maximum:
                raise self.fail(f"must be from {spec.minimum} to {spec.maximum}, got {value}", field)
        elif spec.kind == "string":
            if not isinstance(value, str):
                raise self.fail(f"expected text, got {_type_name(value)}", field)
            if spec.choices is not None and value not in spec.choices:
                close = difflib.get_close_matches(value, spec.choices, n=1)
                hint = f" (did you mean \u201c{close[0]}\u201d?)" if close else ""
                raise self.fail(f"\u201c{value}\u201d is not one of {', '.join(spec.choices)}{hint}", field)
            if spec.max_length is not None and len(value) > spec.max_length:
                raise self.fail(f"at most {spec.max_length} character(s), got \u201c{value}\u201d", field)
        elif spec.kind == "string list":
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise self.fail(f"expected a list of names, got {_type_name(value)}", field)
        else:  # pragma: no cover - a mistake in ACTIONS itself
            raise AssertionError(f"unknown parameter kind {spec.kind}")


def parse_lesson(data: Any, path: str | Path | None = None) -> Lesson:
    """A lesson from decoded JSON; raises :class:`LessonError` naming the first problem."""
    check = _Checker(Path(path) if path is not None else None)
    if not isinstance(data, dict):
        raise check.fail(f"a lesson file holds one JSON object {{\"id\": …, \"title\": …, \"steps\": […]}}, "
                         f"not {_type_name(data)}")
    for key in data:
        if key not in LESSON_KEYS:
            raise check.fail(_unknown_key(key, LESSON_KEYS), key)
    for key in REQUIRED_LESSON_KEYS:
        if key not in data:
            raise check.fail("is missing (every lesson needs id, title and steps)", key)
    schema = data.get("schema", SCHEMA_VERSION)
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise check.fail(f"expected the number {SCHEMA_VERSION}, got {_type_name(schema)}", "schema")
    if schema > SCHEMA_VERSION:
        raise check.fail(f"this lesson is for a newer version of the app (schema {schema}; this app reads "
                         f"schema {SCHEMA_VERSION})", "schema")
    if schema < 1:
        raise check.fail(f"must be {SCHEMA_VERSION}, got {schema}", "schema")
    lesson_id = data["id"]
    if not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        raise check.fail("expected a short name of lower-case letters, digits, - and _ (such as "
                         f"\u201cmy-kernels\u201d), got {json.dumps(lesson_id, ensure_ascii=False)}", "id")
    title = check.languages(data["title"], "title", None)
    languages = tuple(code for code in LANGUAGES if code in title)
    if not isinstance(data.get("$schema", ""), str):
        raise check.fail(f"expected the path or address of the schema file, got {_type_name(data['$schema'])}",
                         "$schema")
    author = data.get("author", "")
    if not isinstance(author, str):
        raise check.fail(f"expected text, got {_type_name(author)}", "author")
    steps_data = data["steps"]
    if not isinstance(steps_data, list):
        raise check.fail(f"expected a list of steps, got {_type_name(steps_data)}", "steps")
    if not steps_data:
        raise check.fail("a lesson needs at least one step", "steps")
    steps = []
    for number, step in enumerate(steps_data, start=1):
        check.step, check.step_title = number, ""
        if not isinstance(step, dict):
            raise check.fail(f"a step is an object with title, text and action, not {_type_name(step)}")
        raw_title = step.get("title")
        if isinstance(raw_title, dict):
            check.step_title = next((str(raw_title[c]) for c in LANGUAGES if isinstance(raw_title.get(c), str)), "")
        for key in step:
            if key not in STEP_KEYS:
                raise check.fail(_unknown_key(key, STEP_KEYS), key)
        for key in REQUIRED_STEP_KEYS:
            if key not in step:
                raise check.fail("is missing (every step needs a title and a text)", key)
        steps.append(LessonStep(
            title=check.languages(step["title"], "title", languages),
            text=check.languages(step["text"], "text", languages, allow_list=True),
            action=check.action(step.get("action")),
        ))
    return Lesson(lesson_id, title, tuple(steps), check.path, author, languages)


def load_lesson(path: str | Path) -> Lesson:
    """Read and check one lesson file; raises :class:`LessonError` with a clear reason."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise LessonError(path, f"is {path.stat().st_size:,} bytes; a lesson file is at most "
                                    f"{MAX_FILE_BYTES:,} bytes of text")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LessonError(path, "the file does not exist") from None
    except IsADirectoryError:
        raise LessonError(path, "is a folder, not a lesson file") from None
    except OSError as exc:
        raise LessonError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LessonError(path, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonError(path, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:  # json nests on the C stack: "[[[[..." thousands deep
        raise LessonError(path, "is not valid JSON: nested too deeply") from None
    return parse_lesson(data, path)


def lesson_files(folder: str | Path) -> list[Path]:
    """The lesson files of a folder, sorted by name (the schema file is not a lesson)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() == LESSON_SUFFIX and p.name != SCHEMA_FILE and not p.name.startswith("."))


def load_lessons(folders: Sequence[str | Path]) -> tuple[list[Lesson], list[LessonProblem]]:
    """Every lesson of ``folders`` in order; a lesson whose id comes again later is replaced by it.

    So a teacher's copy of a shipped lesson (same id, in their own folder) takes its place. Bad
    files are returned as problems and the rest still load.
    """
    lessons: dict[str, Lesson] = {}
    problems: list[LessonProblem] = []
    for folder in folders:
        for path in lesson_files(folder):
            try:
                lesson = load_lesson(path)
            except LessonError as exc:
                problems.append(LessonProblem(path, str(exc)))
                continue
            lessons.pop(lesson.id, None)  # a replacement goes where the new folder puts it
            lessons[lesson.id] = lesson
    return list(lessons.values()), problems


def action_summary(action: dict[str, Any] | None) -> str:
    """``kernels: preset=sobel_x, padding=zero`` (for tool tips and logs)."""
    if not action:
        return ""
    params = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in action.items() if k != "panel")
    return f"{action['panel']}: {params}" if params else str(action["panel"])
