"""The QApplication and what every run needs around it: names, high DPI, a log file, a crash handler.

An unexpected error anywhere (GUI thread, model thread, plain Python threads) is written with its
traceback to a rotating log file and shown in a non-modal dialog that names the log, so a teacher
can send the file instead of describing the problem from memory.
"""

from __future__ import annotations

import logging
import logging.handlers
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QSocketNotifier, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.ui.app_data import app_data_dir

APP_NAME = "CNN Classroom"
ORGANISATION_NAME = "CNN Classroom"
LOG_FILE_NAME = "cnn-classroom.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3

log = logging.getLogger("desktop")


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (reused when it exists), named and high-DPI aware."""
    app = QApplication.instance()
    if app is None:
        # Fractional scale factors (150 %) as they are, not rounded: crisp text on classroom projectors.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION_NAME)
    app.setApplicationVersion(__version__)
    from desktop.ui import gui_garbage
    from desktop.ui.fonts import load_bundled_fonts

    gui_garbage.install(app)  # reference cycles holding Qt objects are destroyed in the GUI thread only

    load_bundled_fonts()  # the installers ship a CJK font in assets/fonts; nothing to do in a checkout
    return app


def setup_logging(log_dir: Path | None = None) -> Path:
    """Send the ``desktop`` loggers to a rotating file; returns its path. Safe to call twice."""
    log_dir = log_dir if log_dir is not None else app_data_dir() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    for handler in list(log.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            if Path(handler.baseFilename) == path:
                return path
            log.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.info("%s %s starting (Python %s)", APP_NAME, __version__, sys.version.split()[0])
    return path


class CrashReporter(QObject):
    """Logs uncaught exceptions and shows them in the GUI thread, whatever thread raised them."""

    _show_requested = Signal(str)

    def __init__(self, log_path: Path):
        super().__init__()
        self.log_path = log_path
        self._handling = threading.local()  # an error while reporting an error must not loop
        self._open_dialogs: list[QMessageBox] = []
        self._show_requested.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, exc_type, exc_value, exc_traceback) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc_value, exc_traceback)
            return
        if getattr(self._handling, "active", False):
            sys.__excepthook__(exc_type, exc_value, exc_traceback)
            return
        self._handling.active = True
        try:
            text = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
            log.critical("unexpected error\n%s", text)
            sys.__stderr__.write(text) if sys.__stderr__ else None
            summary = "".join(traceback.format_exception_only(exc_type, exc_value)).strip()
            self._show_requested.emit(summary)  # queued: the dialog is always made in the GUI thread
        except Exception:  # noqa: BLE001 - a failure while reporting falls back to Python's own hook
            sys.__excepthook__(exc_type, exc_value, exc_traceback)
        finally:
            self._handling.active = False

    @Slot(str)
    def _show(self, summary: str) -> None:
        if QApplication.instance() is None:
            return
        from desktop.ui.i18n import tr

        box = QMessageBox(QMessageBox.Icon.Critical, tr("CNN Classroom"),
                          tr("Something went wrong. The app keeps running, but the last action may not have finished."))
        box.setObjectName("crashDialog")
        box.setInformativeText(summary + "\n\n" + tr("The details are in the log file:\n{path}", path=self.log_path))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)  # non-blocking: a stream of errors must not stack modal loops
        box.finished.connect(lambda _=0, b=box: self._open_dialogs.remove(b) if b in self._open_dialogs else None)
        self._open_dialogs.append(box)
        box.show()


def install_crash_handler(log_path: Path) -> CrashReporter:
    reporter = CrashReporter(log_path)
    reporter.install()
    return reporter


class SignalCloser(QObject):
    """Ctrl+C in the terminal (SIGINT) or a SIGTERM closes the window like the Quit command.

    Python runs signal handlers only when it gets control, which it does not while Qt's event
    loop waits; the C-level handler therefore writes to a socket that Qt watches, so the window
    closes (settings saved, threads stopped) at once instead of at the next Python call.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, close: Callable[[], object], parent: QObject | None = None):
        super().__init__(parent)
        self._close = close
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for number in self.SIGNALS:
            signal.signal(number, self._on_signal)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _on_signal(self, number, _frame) -> None:
        log.info("signal %d: closing the window", number)
        QTimer.singleShot(0, self._close)

    def _drain(self, *_args) -> None:
        # The byte only wakes Qt up; the Python handler above does the work.
        try:
            while self._reader.recv(64):
                pass
        except OSError:
            pass



def install_signal_handlers(close: Callable[[], object]) -> SignalCloser | None:
    """Close the app through ``close`` on SIGINT/SIGTERM (main thread only; None elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return SignalCloser(close, QApplication.instance())
