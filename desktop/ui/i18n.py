"""Interface language: translated strings that follow a language switch at run time.

Two calls cover the whole interface:

- ``tr("Clear")`` returns the text in the current language (Qt's translator, one context);
  ``tr("{n} samples", n=3)`` translates first and formats after, so the translation keeps the
  placeholder.
- ``translated(button.setText, "Clear", owner=button)`` sets the text now and sets it again after
  every language switch for as long as ``owner`` lives. Static texts (labels, buttons, tool tips,
  tab titles, menu items) use this; texts made on the fly (status messages) use ``tr`` when shown.
- ``tr_noop("Write")`` marks a constant for extraction without translating it (names kept as
  identifiers in code; their display goes through ``tr(name)``).

Languages: ``set_language("zh_CN")`` installs the compiled catalogue (``translations/*.qm``, made
from the Qt Linguist ``.ts`` beside it by ``python -m desktop.ui.translations.update``) and Qt's own
translations for standard dialogs, re-applies every bound text and emits ``language_changed``.
The choice ("system", "en" or "zh_CN") is kept in QSettings under ``language``.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QSettings, QTranslator, Signal

CONTEXT = "CNNClassroom"
SOURCE_LANGUAGE = "en"
SYSTEM = "system"
SETTINGS_KEY = "language"
LANGUAGES = (("en", "English"), ("zh_CN", "简体中文"))  # names in their own language, never translated
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
CATALOGUE = "cnn_classroom"  # translations/cnn_classroom_<code>.qm

log = logging.getLogger(__name__)


def tr(source: str, /, **fmt) -> str:
    """``source`` in the current language, then formatted; a callable value is called first, so
    ``translated(..., name=lambda: tr("Write"))`` follows a switch in its placeholders too."""
    text = QCoreApplication.translate(CONTEXT, source)
    if not fmt:
        return text
    return text.format(**{key: value() if callable(value) else value for key, value in fmt.items()})


class _Notifier(QObject):
    language_changed = Signal(str)


_notifier: _Notifier | None = None
# Bindings per owner, dropped the moment the owner is destroyed. Holding a binding past its owner
# would keep Python wrappers of C++ objects that are gone (list items made by Qt, say); shiboken
# could then hand out such a stale wrapper for a new object at the same address.
_bindings: dict[int, tuple[QObject, list[tuple[Callable[[str], None], str, dict]]]] = {}
_unowned: list[tuple[Callable[[str], None], str, dict]] = []


def notifier() -> _Notifier:
    """The object whose ``language_changed(code)`` signal fires after a switch."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def translated(setter: Callable[[str], None], source: str, owner: QObject | None = None, **fmt) -> None:
    """Call ``setter(tr(source))`` now and after every language switch while ``owner`` lives."""
    setter(tr(source, **fmt))
    if owner is None:
        owner = _qobject_owner(getattr(setter, "__self__", None))
    binding = (setter, source, fmt)
    if not isinstance(owner, QObject):
        _unowned.append(binding)
        return
    key = id(owner)
    entry = _bindings.get(key)
    if entry is None or entry[0] is not owner:
        entry = _bindings[key] = (owner, [])
        owner.destroyed.connect(functools.partial(_forget, key))
    entry[1].append(binding)


def _qobject_owner(obj):
    """``obj`` if it is a QObject, else the widget that holds it (a list, table or tree item's view)."""
    if obj is None or isinstance(obj, QObject):
        return obj
    for name in ("listWidget", "tableWidget", "treeWidget", "model"):
        holder = getattr(obj, name, None)
        if callable(holder):
            try:
                widget = holder()
            except RuntimeError:
                return None
            if isinstance(widget, QObject):
                return widget
    return None


def _forget(key: int, *_args) -> None:
    _bindings.pop(key, None)


def binding_count() -> int:
    """How many texts follow a language switch (a long session must not pile them up)."""
    return sum(len(entry[1]) for entry in _bindings.values()) + len(_unowned)


def translated_label(source: str, parent=None, /, **fmt):
    """A QLabel showing ``source`` in the current language, kept translated."""
    from PySide6.QtWidgets import QLabel

    label = QLabel(parent)
    translated(label.setText, source, owner=label, **fmt)
    return label


def translated_tab(tabs, page, source: str, /, **fmt) -> None:
    """Keep the title of ``page``'s tab in ``tabs`` (a QTabWidget) translated, wherever the tab moves."""
    def set_title(text: str) -> None:
        index = tabs.indexOf(page)
        if index >= 0:
            tabs.setTabText(index, text)

    translated(set_title, source, owner=page, **fmt)


def translated_item(combo, index: int, source: str, /, **fmt) -> None:
    """Keep item ``index`` of ``combo`` (a QComboBox) translated; its data is left alone."""
    translated(lambda text: combo.setItemText(index, text) if index < combo.count() else None,
               source, owner=combo, **fmt)


def translated_headers(table, sources, vertical: bool = False) -> None:
    """Keep the header labels of ``table`` (a QTableWidget) translated; ``sources`` is a literal list."""
    sources = list(sources)
    setter = table.setVerticalHeaderLabels if vertical else table.setHorizontalHeaderLabels
    if sources:  # one binding re-labels the whole header
        translated(lambda _text: setter([tr(s) for s in sources]), sources[0], owner=table)


def retranslate_all() -> None:
    """Re-apply every bound text (called after the translator changed); forgets dead owners."""
    from shiboken6 import isValid

    for key, (owner, bindings) in list(_bindings.items()):
        if not isValid(owner):
            _bindings.pop(key, None)
            continue
        for setter, source, fmt in bindings:
            try:
                setter(tr(source, **fmt))
            except RuntimeError:  # part of the owner (an item, a child) went away before it
                pass
    for setter, source, fmt in list(_unowned):
        try:
            setter(tr(source, **fmt))
        except RuntimeError:
            _unowned.remove((setter, source, fmt))


def tr_noop(source: str) -> str:
    """Mark ``source`` for extraction and return it unchanged (translate it later with ``tr``)."""
    return source


# -- languages ---------------------------------------------------------------------------------
_current = SOURCE_LANGUAGE
_translators: list[QTranslator] = []


def available_languages() -> tuple[tuple[str, str], ...]:
    """(code, name in that language) of every interface language, the source language first."""
    return LANGUAGES


def current_language() -> str:
    return _current


def system_language() -> str:
    """The interface language that fits the system locale: any Chinese locale reads Simplified Chinese."""
    locale = QLocale.system()
    if locale.language() == QLocale.Language.Chinese:
        return "zh_CN"
    return SOURCE_LANGUAGE


def catalogue_path(code: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{code}.qm"


def _resolve(code: str) -> str:
    if code == SYSTEM:
        return system_language()
    codes = [c for c, _ in LANGUAGES]
    if code in codes:
        return code
    # "zh", "zh-CN" or "zh_Hans_CN" from a command line or an old setting.
    for known in codes:
        if code.replace("-", "_").lower().split("_")[0] == known.lower().split("_")[0]:
            return known
    raise ValueError(f"unknown interface language {code!r}; choose from {', '.join([SYSTEM, *codes])}")


def set_language(code: str) -> str:
    """Switch the interface to ``code`` ("en", "zh_CN" or "system") now; returns the language used.

    A missing catalogue is logged and leaves the interface in English rather than failing.
    """
    global _current
    language = _resolve(code)
    app = QCoreApplication.instance()
    for translator in _translators:
        if app is not None:
            app.removeTranslator(translator)
    _translators.clear()
    if language != SOURCE_LANGUAGE and app is not None:
        ours = QTranslator(app)
        if ours.load(str(catalogue_path(language))):
            app.installTranslator(ours)
            _translators.append(ours)
        else:
            log.warning("no translation catalogue %s; the interface stays in English", catalogue_path(language))
            language = SOURCE_LANGUAGE
    if language != SOURCE_LANGUAGE and app is not None:
        # Qt's own strings: buttons of standard dialogs (OK, Cancel), file dialogs, context menus.
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        if qtbase.load(f"qtbase_{language}", qt_folder):
            app.installTranslator(qtbase)
            _translators.append(qtbase)
    _current = language
    QLocale.setDefault(QLocale(language))
    try:
        from desktop.ui.fonts import apply_language_font

        apply_language_font(language)
    except ImportError:  # QtGui missing (a core-only environment): texts still switch
        pass
    retranslate_all()
    notifier().language_changed.emit(language)
    return language


def language_setting() -> str:
    """The saved choice: "system" (the default), "en" or "zh_CN"."""
    value = str(QSettings().value(SETTINGS_KEY, SYSTEM))
    return value if value in (SYSTEM, *(c for c, _ in LANGUAGES)) else SYSTEM


def save_language_setting(choice: str) -> None:
    if choice != SYSTEM:
        choice = _resolve(choice)
    settings = QSettings()
    settings.setValue(SETTINGS_KEY, choice)
    settings.sync()


def apply_saved_language() -> str:
    """Set the saved language (start-up, before the window is built); returns the language used."""
    return set_language(language_setting())
