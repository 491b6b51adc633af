"""The user's own handwriting: samples kept in their data folder and handed to the model host.

When the top answer is wrong the user says which character they wrote; the drawing (the model
input and the strokes) is kept as ``<folder>/<char>/<n>.png`` (:class:`PersonalSamples`), and
the whole set goes to the :class:`ModelHost`, which fits a personal layer on top of each model
before its next answer. Nothing leaves the computer. Every file operation (reading the set at
start, adding, forgetting, exporting) runs in order on one background thread: the GUI thread never
waits on the disk.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.personal import PersonalSamples
from desktop.ui.app_data import handwriting_dir
from desktop.ui.i18n import tr, tr_noop
from desktop.ui.workers import BackgroundLoader
from desktop.ui.write.model_host import ModelHost

log = logging.getLogger(__name__)

#: The folder an export makes inside a chosen folder that already holds files.
EXPORT_NAME = "my-handwriting"
NO_SAMPLES = tr_noop("No samples of your handwriting are kept yet: when an answer is wrong, use "
                     "\u201cNot right? Teach it\u2026\u201d.")

def _describe(args: tuple, exc: Exception) -> str:
    return tr("Your handwriting samples could not be used ({reason})", reason=exc)


class PersonalHandwriting(QObject):
    """The samples of one user's handwriting (``folder``, default :func:`handwriting_dir`).

    Signals, all in the GUI thread: ``count_changed(n)`` once the set on disk is known and after each
    change; ``message(text)`` for the status line (added, forgotten, exported, failures);
    ``exported(n)`` and ``forgotten(n)`` when those finish.
    """

    count_changed = Signal(int)
    message = Signal(str)
    exported = Signal(int)
    forgotten = Signal(int)

    def __init__(self, host: ModelHost, folder: str | Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._host = host
        self.samples = PersonalSamples(Path(folder) if folder is not None else handwriting_dir())
        self._count = 0
        self._known = False
        self._loader = BackgroundLoader(self, expected=(ValueError, OSError), describe=_describe)
        self._loader.loaded.connect(self._on_done)
        self._loader.failed.connect(self._on_failed)
        self._callbacks: dict[int, Callable[[object], None]] = {}

    @property
    def folder(self) -> Path:
        return self.samples.folder

    def count(self) -> int:
        """Samples kept (0 until the folder has been read)."""
        return self._count

    def is_known(self) -> bool:
        """The folder has been read at least once."""
        return self._known

    # -- commands --------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the kept samples and hand them to the host."""
        self._run(self._on_set, _read_all, self.samples)

    def add(self, char: str, image: np.ndarray, strokes: Sequence[np.ndarray] | None,
            pen_width: float | None = None) -> None:
        """Keep ``image`` (the model input [80, 60, 1]) and its strokes (drawn ``pen_width`` wide) as a
        sample of ``char``."""
        image = np.array(image, dtype=np.float32, copy=True)
        strokes = [np.array(s, copy=True) for s in strokes] if strokes is not None else None
        self._run(lambda result: self._on_added(char, result), _add_and_read, self.samples, char, image, strokes,
                  pen_width)

    def forget(self) -> None:
        """Delete every kept sample; the models answer on their own again."""
        self._run(self._on_forgotten, self.samples.forget)

    def export(self, folder: str | Path) -> None:
        """Write the samples as ``<char>/<n>.png`` (what ``python -m training`` reads) into ``folder`` when
        it is empty or new, else into a new folder inside it."""
        self._run(self._on_exported, _export_into, self.samples, Path(folder))

    def confirm_forget(self, parent: QWidget) -> None:
        """Ask before forgetting (a status line instead when nothing is kept)."""
        count = self.count()
        if not count:
            self.message.emit(tr(NO_SAMPLES))
            return
        answer = QMessageBox.question(
            parent, tr("Forget my handwriting"),
            tr("Delete the {n} samples of your handwriting kept on this computer? The models then answer on "
               "their own again.", n=count))
        if answer == QMessageBox.StandardButton.Yes:
            self.forget()

    def export_dialog(self, parent: QWidget) -> None:
        """Ask for a folder and export there (a status line instead when nothing is kept)."""
        if not self.count():
            self.message.emit(tr(NO_SAMPLES))
            return
        folder = QFileDialog.getExistingDirectory(parent, tr("Export my handwriting (a <char>/<n>.png folder)"))
        if folder:
            self.export(folder)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the file work in flight (on exit)."""
        return self._loader.wait(timeout_ms)

    # -- results (GUI thread) -----------------------------------------------------------------
    def _run(self, on_done: Callable[[object], None], function: Callable, *args) -> None:
        self._callbacks[self._loader.load(function, *args)] = on_done

    @Slot(int, object)
    def _on_done(self, request_id: int, result: object) -> None:
        callback = self._callbacks.pop(request_id, None)
        if callback is not None:
            callback(result)

    @Slot(int, str)
    def _on_failed(self, request_id: int, text: str) -> None:
        self._callbacks.pop(request_id, None)
        log.warning("%s", text)
        self.message.emit(text)

    def _on_set(self, result: object) -> None:
        images, labels, stroke_inputs, stroke_labels = result
        self._host.set_personal(images, labels, stroke_inputs, stroke_labels)
        self._known = True
        self._count = len(labels)
        self.count_changed.emit(self._count)

    def _on_added(self, char: str, result: object) -> None:
        self._on_set(result)
        self.message.emit(tr("Kept this drawing as your {char}: the models now learn from {n} samples of your "
                             "handwriting", char=char, n=self._count))

    def _on_forgotten(self, result: object) -> None:
        self._on_set((np.zeros((0, 80, 60, 1), np.float32), [], None, []))
        self.message.emit(tr("Forgot your handwriting ({n} samples deleted)", n=result))
        self.forgotten.emit(int(result))

    def _on_exported(self, result: object) -> None:
        count, folder = result
        self.message.emit(tr("Exported {n} samples of your handwriting to {folder}", n=count, folder=folder))
        self.exported.emit(int(count))


def _read_all(samples: PersonalSamples) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """The samples as pictures and, those written on the canvas, as stroke-model inputs."""
    return (*samples.load(), *samples.load_strokes())


def _add_and_read(samples: PersonalSamples, char: str, image: np.ndarray, strokes: Sequence[np.ndarray] | None,
                  pen_width: float | None) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    samples.add(char, image, strokes, pen_width)
    return _read_all(samples)


def _export_into(samples: PersonalSamples, folder: Path) -> tuple[int, Path]:
    """Export into ``folder`` if it is empty or new, else into the first free ``folder/EXPORT_NAME[-n]``."""
    target = folder
    number = 1
    while target.exists() and any(target.iterdir()):
        target = folder / (EXPORT_NAME if number == 1 else f"{EXPORT_NAME}-{number}")
        number += 1
    return samples.export(target), target
