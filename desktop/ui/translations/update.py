"""Extract the interface strings into the Qt Linguist file and compile it.

``python -m desktop.ui.translations.update``  collects every literal passed to ``tr("…")``,
``translated(setter, "…")`` and ``tr_noop("…")`` in ``desktop/ui/**/*.py`` (with ``ast``, so
nothing is imported), merges them into ``cnn_classroom_<lang>.ts`` keeping existing translations
(strings no longer in the code are kept, marked ``obsolete``, and come back if the code uses them
again), then compiles the ``.qm`` with ``pyside6-lrelease``.

``--check`` writes nothing and exits 1 when the ``.ts`` or ``.qm`` is out of date with the code, or
a translation is missing, or a translation's ``{placeholders}`` or ``&`` accelerator differ from
its source's. Translators edit the ``.ts`` in Qt Linguist (``pyside6-linguist``) and run this again.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

HERE = Path(__file__).resolve().parent
UI_DIR = HERE.parent
CONTEXT = "CNNClassroom"  # desktop.ui.i18n.CONTEXT (not imported: extraction needs no Qt)
CATALOGUE = "cnn_classroom"
LANGUAGES = ("zh_CN",)
# function name -> positions of the source texts (desktop.ui.i18n's functions)
MARKERS = {"tr": (0,), "tr_noop": (0,), "translated": (1,), "translated_label": (0,), "translated_tab": (2,),
           "translated_item": (2,), "translated_headers": (1,),
           # desktop.ui.results' charts take English sources and translate them themselves.
           "make_plot": (0, 1, 2), "PlotCard": (0,), "ClassBarChart": (1,)}
# Qt-free modules whose texts the interface shows through tr(): module -> {function: positions}.
CORE_SOURCES = {"core/kernels.py": {"_preset": (1, 3)}}
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)?(?:[!:][^{}]*)?\}(?!\})")


@dataclass
class Message:
    source: str
    translation: str = ""
    kind: str = ""  # "", "unfinished" or "obsolete" (the .ts translation type)
    files: list[str] = field(default_factory=list)


def ts_path(language: str) -> Path:
    return HERE / f"{CATALOGUE}_{language}.ts"


def qm_path(language: str) -> Path:
    return HERE / f"{CATALOGUE}_{language}.qm"


# -- extraction ----------------------------------------------------------------------------------
def _marker_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "i18n":
        return func.attr
    return None


def strings_in(path: Path, markers: dict[str, tuple[int, ...]] = MARKERS) -> list[str]:
    """The marked literal strings of one module, in order of appearance."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _marker_name(node.func)
        if name not in markers:
            continue
        for position in markers[name]:
            args = [node.args[position] if len(node.args) > position else None]
            if position == markers[name][0]:
                args += [k.value for k in node.keywords if k.arg == "source"]
            for item in [e for a in args for e in (a.elts if isinstance(a, (ast.List, ast.Tuple)) else [a])]:
                if isinstance(item, ast.Constant) and isinstance(item.value, str) and item.value:
                    found.append((item.lineno, item.col_offset, item.value))
    return [text for _, _, text in sorted(found)]


def extract(ui_dir: Path = UI_DIR) -> dict[str, list[str]]:
    """Source string -> the modules (relative to the .ts folder) that use it, in file order."""
    result: dict[str, list[str]] = {}
    modules = [(path, MARKERS) for path in sorted(ui_dir.rglob("*.py")) if HERE not in path.parents]
    modules += [(ui_dir.parent / name, markers) for name, markers in CORE_SOURCES.items()
                if (ui_dir.parent / name).is_file()]
    for path, markers in modules:
        relative = Path(os.path.relpath(path, HERE)).as_posix()
        for text in strings_in(path, markers):
            files = result.setdefault(text, [])
            if relative not in files:
                files.append(relative)
    return result


# -- the .ts file --------------------------------------------------------------------------------
def read_ts(path: Path) -> dict[str, Message]:
    if not path.is_file():
        return {}
    root = ElementTree.parse(path).getroot()
    messages: dict[str, Message] = {}
    for context in root.iter("context"):
        if context.findtext("name") != CONTEXT:
            continue
        for element in context.iter("message"):
            source = element.findtext("source") or ""
            translation = element.find("translation")
            text = "" if translation is None else (translation.text or "")
            kind = "" if translation is None else translation.get("type", "")
            files = [loc.get("filename", "") for loc in element.iter("location")]
            messages[source] = Message(source, text, kind, files)
    return messages


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def render_ts(messages: list[Message], language: str) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             f'<TS version="2.1" language="{language}" sourcelanguage="en">', "<context>",
             f"    <name>{CONTEXT}</name>"]
    for message in messages:
        lines.append("    <message>")
        for filename in message.files:
            lines.append(f'        <location filename="{_escape(filename)}"/>')
        lines.append(f"        <source>{_escape(message.source)}</source>")
        kind = f' type="{message.kind}"' if message.kind else ""
        lines.append(f"        <translation{kind}>{_escape(message.translation)}</translation>")
        lines.append("    </message>")
    lines += ["</context>", "</TS>", ""]
    return "\n".join(lines)


def merge(found: dict[str, list[str]], existing: dict[str, Message]) -> list[Message]:
    """Messages of the code in code order, then vanished ones (kept as obsolete) in source order."""
    merged = []
    for source, files in found.items():
        old = existing.get(source)
        translation = old.translation if old else ""
        kind = "" if translation.strip() else "unfinished"
        if old and old.kind == "unfinished" and translation.strip():
            kind = "unfinished"  # a translator's draft stays a draft until marked done
        merged.append(Message(source, translation, kind, list(files)))
    for source in sorted(set(existing) - set(found)):
        old = existing[source]
        if old.translation.strip():
            merged.append(Message(source, old.translation, "obsolete", []))
    return merged


# -- checks ----------------------------------------------------------------------------------------
def placeholders(text: str) -> list[str]:
    return sorted({match.group(0).split(":")[0].split("!")[0].strip("{}") for match in PLACEHOLDER.finditer(text)})


def problems(messages: list[Message]) -> list[str]:
    """Untranslated entries and translations whose placeholders or accelerators differ from the source."""
    found = []
    for message in messages:
        if message.kind == "obsolete":
            continue
        if message.kind == "unfinished" or not message.translation.strip():
            found.append(f"untranslated: {message.source!r}")
            continue
        if placeholders(message.source) != placeholders(message.translation):
            found.append(f"placeholders differ: {message.source!r} -> {message.translation!r}")
        if _accelerator(message.source) and not _accelerator(message.translation):
            found.append(f"keyboard accelerator lost: {message.source!r} -> {message.translation!r}")
    return found


def _accelerator(text: str) -> bool:
    return re.search(r"&[^&\s]", text.replace("&&", "")) is not None and "<" not in text


# -- compiling ----------------------------------------------------------------------------------
def lrelease_command() -> list[str]:
    """``pyside6-lrelease`` next to this Python (a virtual environment), else on PATH, else PySide6's own."""
    names = ("pyside6-lrelease.exe", "pyside6-lrelease") if os.name == "nt" else ("pyside6-lrelease",)
    for folder in (Path(sys.executable).parent, Path(sys.executable).parent / "Scripts"):
        for name in names:
            if (folder / name).is_file():
                return [str(folder / name)]
    on_path = shutil.which("pyside6-lrelease")
    if on_path:
        return [on_path]
    try:
        import PySide6

        for name in ("lrelease", "lrelease.exe"):
            candidate = Path(PySide6.__file__).parent / name
            if candidate.is_file():
                return [str(candidate)]
    except ImportError:
        pass
    raise SystemExit("pyside6-lrelease not found: install PySide6 (the app's own dependency)")


def compile_ts(ts: Path, qm: Path) -> None:
    result = subprocess.run([*lrelease_command(), "-silent", str(ts), "-qm", str(qm)],
                            capture_output=True, text=True)
    if result.returncode != 0 or not qm.is_file():
        raise SystemExit(f"lrelease failed on {ts.name}: {result.stdout}{result.stderr}")


def qm_is_current(ts: Path, qm: Path) -> bool:
    if not qm.is_file():
        return False
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / qm.name
        compile_ts(ts, fresh)
        return fresh.read_bytes() == qm.read_bytes()


# -- command line --------------------------------------------------------------------------------
def run(check: bool, languages: tuple[str, ...] = LANGUAGES, out=sys.stdout) -> int:
    found = extract()
    status = 0
    for language in languages:
        ts = ts_path(language)
        merged = merge(found, read_ts(ts))
        text = render_ts(merged, language)
        current = [m for m in merged if m.kind != "obsolete"]
        issues = problems(merged)
        if check:
            if not ts.is_file() or ts.read_text(encoding="utf-8") != text:
                new = [m.source for m in current if m.source not in read_ts(ts)]
                print(f"{ts.name} is out of date with the code ({len(new)} new strings); run "
                      "python -m desktop.ui.translations.update", file=out)
                for source in new[:50]:
                    print(f"  new: {source!r}", file=out)
                status = 1
            elif not qm_is_current(ts, qm_path(language)):
                print(f"{qm_path(language).name} is not compiled from the current {ts.name}", file=out)
                status = 1
        else:
            ts.write_text(text, encoding="utf-8")
            compile_ts(ts, qm_path(language))
        for issue in issues:
            print(f"{ts.name}: {issue}", file=out)
        if issues and check:
            status = 1
        done = len(current) - sum(1 for i in issues if i.startswith("untranslated"))
        print(f"{ts.name}: {len(current)} strings, {done} translated, "
              f"{len(merged) - len(current)} obsolete", file=out)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.ui.translations.update", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when a .ts/.qm is out of date or a translation is missing or wrong")
    args = parser.parse_args(argv)
    return run(args.check)


if __name__ == "__main__":
    sys.exit(main())
