"""Interface languages: English and Simplified Chinese switch live, and nothing visible stays English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from desktop.ui import i18n
from desktop.ui.fonts import ui_font_has_cjk
from desktop.ui.main_window import PANELS, WINDOW_TITLE, MainWindow
from desktop.ui.translations import update

CJK = re.compile(r"[\u3400-\u9fff]")
TAGS = re.compile(r"<[^>]+>")
#: Texts that read the same in every language: numbers and units, symbols, keys, file and format names.
KEEP = [
    re.compile(p) for p in (
        r"[\d\s.,:;%×x+\-−–—/()\[\]{}<>=…·→↓↑⌊⌋^|#]*",  # numbers, sizes, ranges, formulas
        r"[\d.,\s]*(px|ms|fps|%|/s|KB|MB|GB|B)?",
        r"[◀▶▲▼⏸✕\s]+", r"[+−-]",  # arrows and symbols on buttons
        r"(R|G|B|H|W|C|f|g|a|b|μ|σ|k|s|x|x, s|xⱼ|f\(xⱼ\)|g\(s − xⱼ\)|f·g·Δx|ReLU|Top-5|Sobel [xy])",
        r"(CNN|ONNX|ImageNet|English|简体中文|CNN Classroom)",
        r".*\.(onnx|png|jpe?g|json|zip|gnt|csv|avi|mp4)\b.*",  # file names (model files, samples)
        r"(uint8|float32)[^a-z]*",
    )
]


def _visible_texts(root: QWidget) -> list[tuple[str, str, str]]:
    """(text, where, object name) of every piece of wording a user can see in ``root`` and below."""
    found = []

    def add(text: str, where: str, widget) -> None:
        if text and text.strip():
            found.append((text, where, f"{type(widget).__name__}#{widget.objectName()}"))

    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        add(widget.toolTip(), "toolTip", widget)
        if widget.isWindow():
            add(widget.windowTitle(), "windowTitle", widget)
        if isinstance(widget, QLabel):
            add(widget.text(), "text", widget)
        elif isinstance(widget, QAbstractButton):
            add(widget.text(), "text", widget)
        elif isinstance(widget, QGroupBox):
            add(widget.title(), "title", widget)
        elif isinstance(widget, QLineEdit):
            add(widget.placeholderText(), "placeholder", widget)
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget.itemText(i), f"item {i}", widget)
        elif isinstance(widget, QMenu):
            add(widget.title(), "title", widget)
            for action in widget.actions():
                add(action.text(), f"action {action.objectName()}", widget)
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                add(widget.tabText(i), f"tab {i}", widget)
        if isinstance(widget, QTableWidget):
            for i in range(widget.columnCount()):
                item = widget.horizontalHeaderItem(i)
                if item is not None:
                    add(item.text(), f"header {i}", widget)
    return found


def _stays_as_is(text: str, data_words: set[str]) -> bool:
    plain = TAGS.sub("", text).replace("&amp;", "&").replace("&", "").strip()
    if not plain or CJK.search(plain):
        return True
    if any(p.fullmatch(plain) for p in KEEP):
        return True
    # Data, not wording: model titles and class names from the models' metadata, file names, paths.
    leftover = plain
    for word in sorted(data_words, key=len, reverse=True):
        leftover = leftover.replace(word, "")
    return any(p.fullmatch(leftover.strip()) for p in KEEP)


@pytest.fixture
def language():
    """Switch the interface language inside a test; English again afterwards."""
    yield i18n.set_language
    i18n.set_language("en")


@pytest.fixture
def window(qtbot):
    made = MainWindow()
    qtbot.addWidget(made)
    with qtbot.waitSignal(made.models_ready, timeout=30_000):
        made.show()
        qtbot.waitExposed(made)
    return made


def _menu_texts(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def test_both_languages_load_and_switch_live(window, language) -> None:
    assert i18n.current_language() == "en"
    english_menus = _menu_texts(window)
    english_panels = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert window.windowTitle() == WINDOW_TITLE and english_panels == list(PANELS)
    tabs = window.kernels_panel.view.tabs
    english_tab = tabs.tabText(0)
    changes = []
    i18n.notifier().language_changed.connect(changes.append)

    assert language("zh_CN") == "zh_CN" and i18n.current_language() == "zh_CN"
    assert changes == ["zh_CN"]
    assert window.windowTitle() == "CNN 课堂"
    assert _menu_texts(window) == ["文件(&F)", "编辑(&E)", "视图(&V)", *_menu_texts(window)[3:]]
    assert all(CJK.search(t) for t in _menu_texts(window)), _menu_texts(window)
    assert [window.sidebar.item(i).text() for i in range(5)] == ["书写", "摄像头", "教学", "卷积核", "结果"]
    assert window.menus.panel_actions[0].text() == "&1 书写"
    assert tabs.tabText(0) == "图像" != english_tab
    assert window.current_panel() == "Write"  # identifiers stay English
    assert ui_font_has_cjk() or not i18n_cjk_family_available()

    assert language("en") == "en"
    assert window.windowTitle() == WINDOW_TITLE
    assert _menu_texts(window) == english_menus
    assert [window.sidebar.item(i).text() for i in range(5)] == english_panels
    assert tabs.tabText(0) == english_tab


def i18n_cjk_family_available() -> bool:
    from desktop.ui.fonts import cjk_family

    return cjk_family() is not None


def test_the_view_menu_switches_and_remembers_the_language(window, language) -> None:
    assert set(window.menus.language_actions) == {"en", "zh_CN", "system"}
    assert window.menus.language_actions["system"].isChecked()  # the default: follow the system
    window.menus.language_actions["zh_CN"].trigger()
    assert i18n.current_language() == "zh_CN" and window.menus.language_menu.title() == "语言(&L)"
    assert QSettings().value(i18n.SETTINGS_KEY) == "zh_CN"
    assert i18n.language_setting() == "zh_CN"
    window.menus.language_actions["en"].trigger()
    assert i18n.current_language() == "en" and window.menus.language_menu.title() == "&Language"
    assert QSettings().value(i18n.SETTINGS_KEY) == "en"
    window.menus.language_actions["system"].trigger()
    assert i18n.current_language() == i18n.system_language()
    assert i18n.apply_saved_language() == i18n.system_language()


def test_saved_language_applies_before_the_window_is_built(qtbot, language) -> None:
    i18n.save_language_setting("zh_CN")
    assert i18n.apply_saved_language() == "zh_CN"
    made = MainWindow()
    qtbot.addWidget(made)
    assert made.windowTitle() == "CNN 课堂"
    assert made.menus.language_actions["zh_CN"].isChecked()
    made.host.shutdown()
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_no_visible_string_is_left_untranslated(qtbot, language) -> None:
    language("zh_CN")
    made = MainWindow()
    qtbot.addWidget(made)
    with qtbot.waitSignal(made.models_ready, timeout=30_000):
        made.show()
        qtbot.waitExposed(made)
    panels = [made.write_panel, made.kernels_panel, made.teach_panel, made.results_panel]
    camera = made._pages["Camera"]
    camera._factory = lambda f=camera._factory: _camera_without_devices(f)
    panels.append(made.camera_panel)
    for index in range(len(PANELS)):
        made.show_panel(index)
        qtbot.wait(20)
    data_words = {m.title for m in made.models} | {m.label for m in made.models}
    data_words |= {m.path.name for m in made.models} | {m.path.stem for m in made.models}
    from desktop.ui.sources import sample_image_paths

    data_words |= {p.stem for p in sample_image_paths()} | {p.name for p in sample_image_paths()}
    teach = made.teach_panel
    data_words |= {teach.project.name, str(teach.project.folder)}
    texts = _visible_texts(made)
    assert len(texts) > 200  # every panel was walked
    left = sorted({f"{where} of {name}: {text!r}" for text, where, name in texts
                   if not _stays_as_is(text, data_words)})
    assert not left, "visible texts left in English:\n" + "\n".join(left)
    made.close()


def _camera_without_devices(factory):
    panel = factory()
    panel._probe_cameras = False  # no camera search on a test machine
    return panel


def test_catalogue_is_complete_and_up_to_date() -> None:
    found = update.extract()
    messages = update.read_ts(update.ts_path("zh_CN"))
    missing = [s for s in found if s not in messages or messages[s].kind == "obsolete"]
    assert not missing, f"strings in the code but not in the .ts: {missing[:20]}"
    current = [m for m in messages.values() if m.kind != "obsolete"]
    assert len(current) > 500
    assert not update.problems(current)  # no unfinished or empty entries; placeholders and & kept
    assert update.qm_is_current(update.ts_path("zh_CN"), update.qm_path("zh_CN"))


def test_extractor_check_mode_fails_when_out_of_date(tmp_path: Path, monkeypatch) -> None:
    assert update.run(check=True) == 0
    ts = tmp_path / "cnn_classroom_zh_CN.ts"
    text = update.ts_path("zh_CN").read_text(encoding="utf-8")
    ts.write_text(text.replace("<source>Write</source>", "<source>Written</source>"), encoding="utf-8")
    monkeypatch.setattr(update, "ts_path", lambda language: ts)
    out = []
    assert update.run(check=True, out=type("Out", (), {"write": lambda self, s: out.append(s)})()) == 1
    assert "out of date" in "".join(out)
    result = subprocess.run([sys.executable, "-m", "desktop.ui.translations.update", "--check"],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stdout + result.stderr


def test_placeholder_check_catches_a_broken_translation() -> None:
    good = update.Message("{n} images", "{n} 张图像")
    broken = update.Message("{n} images", "{count} 张图像")
    lost = update.Message("&File", "文件")
    assert not update.problems([good])
    assert update.problems([broken]) and update.problems([lost])
    assert update.problems([update.Message("Run", "", "unfinished")])


def test_qt_dialog_buttons_are_translated_too(qtbot, language) -> None:
    """Qt's own texts (a dialog's standard buttons) follow the interface language, and back."""
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtWidgets import QDialogButtonBox

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if not (folder / "qtbase_zh_CN.qm").is_file():
        pytest.skip("this PySide6 ships no qtbase_zh_CN.qm")

    def cancel_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        return box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")

    english = cancel_text()
    language("zh_CN")
    assert cancel_text() == "取消"
    language("en")
    assert cancel_text() == english != "取消"


def test_bindings_go_with_their_window(qtbot) -> None:
    """A closed window leaves no bound texts behind: none pile up, none outlive the widgets they set."""
    from PySide6.QtCore import QCoreApplication, QEvent

    before = i18n.binding_count()
    window = MainWindow()
    assert i18n.binding_count() > before + 20  # menus, panel names, the Write panel's texts
    window.host.shutdown()
    window.deleteLater()
    del window
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert i18n.binding_count() <= before + 5  # what other panels' singletons may keep
    i18n.retranslate_all()  # nothing left refers to a deleted widget
