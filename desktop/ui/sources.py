"""Live picture sources for the app: a camera, a looping video file, a single image file.

Every source captures in its own worker thread (a :class:`~desktop.ui.workers.StreamWorker`) and
hands RGB uint8 ``[H, W, 3]`` frames to the GUI thread with *newest frame wins*: the worker
overwrites one shared slot and posts at most one notification at a time, and the GUI side takes
whatever frame is in the slot when it gets there. A slow consumer (a big convolution on every
frame) therefore sees fewer frames, never older ones, and no queue of stale pictures builds up.

A camera and a video file go through the same ``cv2.VideoCapture`` read loop, which is why the
tests can exercise the camera path with a generated video file.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from desktop.core.contract import assets_dir
from desktop.core.images import ImageDecodeError, decode_rgb
from desktop.ui.constants import IMAGE_SUFFIXES
from desktop.ui.i18n import tr
from desktop.ui.workers import StreamWorker

log = logging.getLogger(__name__)

# A camera whose read() fails this many times in a row (about a second) is gone: unplugged,
# taken by another program, or its driver crashed.
FAILED_READS_BEFORE_ERROR = 20
_RETRY_PAUSE_S = 0.05
STOP_TIMEOUT_MS = 1000
DEFAULT_VIDEO_FPS = 25.0
_MAX_FPS = 240.0
#: Hands one frame to the GUI thread (newest wins); called in the capture thread.
Publish = Callable[[np.ndarray], None]


class FrameSourceError(RuntimeError):
    """A picture source could not deliver: the message says which file or camera and why."""


def to_rgb(frame: np.ndarray) -> np.ndarray:
    """An OpenCV frame (BGR, BGRA or grey) -> contiguous RGB uint8 [H, W, 3]."""
    if frame.ndim == 2 or frame.shape[2] == 1:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def read_image_rgb(path: str | Path) -> np.ndarray:
    """Decode an image file to RGB uint8 [H, W, 3]; raises FrameSourceError naming the file.

    The bytes are read by Python and decoded by ``cv2.imdecode`` so that paths with non-ASCII
    characters (a student's name, a Chinese folder) work on every OS.
    """
    path = Path(path)
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except FileNotFoundError:
        raise FrameSourceError(tr("Cannot open the image {path}: the file does not exist.", path=path)) from None
    except OSError as exc:
        raise FrameSourceError(tr("Cannot open the image {path}: {reason}.", path=path,
                                  reason=exc.strerror or exc)) from None
    try:
        return decode_rgb(data, unreadable=tr("the file is damaged or not an image format this app can read "
                                              "(JPEG, PNG, BMP, TIFF, WebP)"))
    except ImageDecodeError as exc:
        raise FrameSourceError(tr("Cannot read the image {path}: {reason}.", path=path, reason=exc)) from None


def sample_image_paths() -> list[Path]:
    """The demo photos and character images shipped in ``assets/samples``, sorted by name."""
    folder = assets_dir() / "samples"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _camera_backend() -> int:
    # DirectShow opens (and fails to open) cameras in a fraction of the time Media Foundation
    # needs on Windows; elsewhere OpenCV's default choice (V4L2, AVFoundation) is the right one.
    return cv2.CAP_DSHOW if sys.platform == "win32" else cv2.CAP_ANY


def list_cameras(max_index: int = 5) -> list[int]:
    """Indexes 0..max_index (inclusive) of cameras that open and deliver a picture.

    Opening a camera can take a moment, so run this in a worker (see :class:`CameraProbe`),
    never in the GUI thread.
    """
    found = []
    for index in range(max_index + 1):
        capture = cv2.VideoCapture(index, _camera_backend())
        try:
            # Some systems list metadata-only device nodes that open but never deliver a frame.
            if capture.isOpened() and capture.read()[0]:
                found.append(index)
        finally:
            capture.release()
    return found


class FrameSource(QObject):
    """Base of all picture sources; create one, connect its signals, then :meth:`start`.

    Signals, all delivered in the thread that owns the source (the GUI thread):
    ``frame(np.ndarray)`` RGB uint8 [H, W, 3], always the newest captured;
    ``error(str)`` a message for the user, after which the source has stopped itself;
    ``ended()`` a finite source (an image, a video without looping) delivered everything;
    ``stopped()`` the source is no longer running, for whatever reason.
    """

    frame = Signal(object)
    error = Signal(str)
    ended = Signal()
    stopped = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        # The capture loop waits on this event between frames, so a stop wakes it at once.
        self._stop_requested = threading.Event()
        self._worker: StreamWorker | None = None
        self._running = False
        self._frames_captured = 0
        self._frames_delivered = 0
        self.setObjectName(type(self).__name__)
        app = QCoreApplication.instance()
        if app is not None:  # never leave a capture thread running while Qt shuts down
            app.aboutToQuit.connect(self.stop)

    # -- GUI-thread side ---------------------------------------------------------------------
    @property
    def description(self) -> str:
        """Human words for the source, used in messages: "the camera 0", "the video clip.avi"."""
        return tr("the picture source")

    @property
    def frames_captured(self) -> int:
        """Frames the worker read since :meth:`start` (delivered or overwritten)."""
        return self._frames_captured

    @property
    def frames_delivered(self) -> int:
        """Frames emitted through ``frame`` since :meth:`start`."""
        return self._frames_delivered

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Start capturing in a worker thread (a second call while running does nothing)."""
        if self._running:
            return
        self._stop_requested.clear()
        self._frames_captured = self._frames_delivered = 0
        # The last good picture before a failure or the end is delivered before error or ended.
        worker = StreamWorker(self._capture, f"{type(self).__name__}Thread", stop=self._stop_requested,
                              expected=FrameSourceError, describe=self._failure_message, parent=self)
        worker.delivered.connect(self._deliver)
        worker.failed.connect(self._on_failed)
        worker.ended.connect(self._on_ended)
        self._worker = worker
        self._running = True
        worker.start()

    @Slot()
    def stop(self) -> None:
        """Stop capturing and join the worker (within about a second); safe to call any time."""
        self._stop_requested.set()
        worker, self._worker = self._worker, None
        was_running, self._running = self._running, False
        if worker is not None and not worker.stop(STOP_TIMEOUT_MS):
            # A driver stuck inside read(): the loop ends on its own once read() returns.
            log.warning("%s did not stop within %d ms", self.description, STOP_TIMEOUT_MS)
        if was_running:
            self.stopped.emit()

    @Slot(object)
    def _deliver(self, frame: np.ndarray) -> None:
        if self._running:
            self._frames_delivered += 1
            self.frame.emit(frame)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if not self._running:
            return
        log.warning("%s", message)
        self.stop()
        self.error.emit(message)

    @Slot()
    def _on_ended(self) -> None:
        if not self._running:
            return
        self.stop()
        self.ended.emit()

    # -- worker-thread side ------------------------------------------------------------------
    def _capture(self, publish: Publish) -> None:
        def count_and_publish(frame: np.ndarray) -> None:
            self._frames_captured += 1
            publish(frame)

        self._produce(count_and_publish)

    def _failure_message(self, exc: Exception) -> str:
        """Words for an unexpected failure (a driver or codec error; the worker logs it)."""
        return tr("{source} failed: {reason}", source=self.description, reason=exc)

    def _stopping(self) -> bool:
        return self._stop_requested.is_set()

    def _produce(self, publish: Publish) -> None:
        """The capture loop, run in the worker: ``publish`` each frame, return at the end (or
        when :meth:`_stopping`); raise FrameSourceError to report a failure."""
        raise NotImplementedError


class _VideoCaptureSource(FrameSource):
    """The ``cv2.VideoCapture`` read loop shared by cameras and video files."""

    loop = False
    fps: float | None = None  # None: read as fast as the device delivers (a camera paces itself)

    def _open(self) -> cv2.VideoCapture:
        raise NotImplementedError

    def _ended_early(self, frames_this_pass: int, capture: cv2.VideoCapture) -> str | None:
        """The message when reads stopped before the stream should have ended, else None."""
        return None

    def _produce(self, publish: Publish) -> None:
        capture = self._open()
        try:
            self._read_loop(publish, capture)
        finally:
            capture.release()

    def _read_loop(self, publish: Publish, capture: cv2.VideoCapture) -> None:
        period = 1.0 / self.fps if self.fps else 0.0
        next_due = time.monotonic()
        failures = 0
        frames_this_pass = 0
        while not self._stopping():
            ok, bgr = capture.read()
            if ok and bgr is not None:
                failures = 0
                frames_this_pass += 1
                publish(to_rgb(bgr))
                if period:
                    next_due += period
                    delay = next_due - time.monotonic()
                    if delay > 0:
                        self._stop_requested.wait(delay)
                    elif delay < -period:  # fell behind (busy machine): do not rush to catch up
                        next_due = time.monotonic()
                continue
            if self.fps is not None:  # a file: a failed read is its end (or where it breaks)
                problem = self._ended_early(frames_this_pass, capture)
                if problem:
                    raise FrameSourceError(problem)
                if not self.loop:
                    return  # the end: ``ended`` follows
                capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                frames_this_pass = 0
                next_due = time.monotonic()
                continue
            failures += 1
            if failures >= FAILED_READS_BEFORE_ERROR:
                text = tr("{source} stopped sending pictures. Is it unplugged, or in use by another program?",
                          source=self.description)
                raise FrameSourceError(text[:1].upper() + text[1:])
            self._stop_requested.wait(_RETRY_PAUSE_S)


class CameraSource(_VideoCaptureSource):
    """A live camera by OpenCV index (0 is usually the built-in one)."""

    def __init__(self, index: int = 0, parent: QObject | None = None):
        super().__init__(parent)
        self.index = int(index)

    @property
    def description(self) -> str:
        return tr("the camera {index}", index=self.index)

    def _open(self) -> cv2.VideoCapture:
        capture = cv2.VideoCapture(self.index, _camera_backend())
        if not capture.isOpened():
            capture.release()
            raise FrameSourceError(tr("No camera found at index {index}. Check that it is plugged in "
                                      "and not in use by another program, or choose another camera.", index=self.index))
        return capture


class VideoFileSource(_VideoCaptureSource):
    """A video file played at its own frame rate (or ``fps``), looping unless ``loop=False``."""

    def __init__(self, path: str | Path, loop: bool = True, fps: float | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.loop = bool(loop)
        self._requested_fps = fps
        self.fps = float(fps) if fps else DEFAULT_VIDEO_FPS
        self._expected_frames = 0

    @property
    def description(self) -> str:
        return tr("the video {path}", path=self.path)

    def _open(self) -> cv2.VideoCapture:
        if not self.path.is_file():
            raise FrameSourceError(tr("Cannot open the video {path}: the file does not exist.", path=self.path))
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            raise FrameSourceError(tr("Cannot open the video {path}: the file is damaged or not a "
                                      "video format this app can read.", path=self.path))
        if not self._requested_fps:
            own_fps = capture.get(cv2.CAP_PROP_FPS)
            self.fps = own_fps if math.isfinite(own_fps) and own_fps > 0 else DEFAULT_VIDEO_FPS
        self.fps = min(max(self.fps, 1.0), _MAX_FPS)
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        self._expected_frames = int(count) if math.isfinite(count) and count > 0 else 0
        return capture

    def _ended_early(self, frames_this_pass: int, capture: cv2.VideoCapture) -> str | None:
        if frames_this_pass == 0:
            return tr("The video {path} contains no picture this app can decode.", path=self.path)
        # Containers announce their length; stopping well short of it means a damaged or
        # truncated file (or a stream that broke off), which the user should hear about.
        if self._expected_frames and frames_this_pass < self._expected_frames - 1:
            return tr("The video {path} ended after {n} of {total} frames: the file is damaged or incomplete.",
                      path=self.path, n=frames_this_pass, total=self._expected_frames)
        return None


class ImageFileSource(FrameSource):
    """One image file, delivered as a single frame; ``ended`` follows."""

    def __init__(self, path: str | Path, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)

    @property
    def description(self) -> str:
        return tr("the image {path}", path=self.path)

    def _produce(self, publish: Publish) -> None:
        publish(read_image_rgb(self.path))


class CameraProbe(QObject):
    """Finds the available cameras in a worker thread: :meth:`start`, then ``found(list[int])``."""

    found = Signal(object)

    def __init__(self, max_index: int = 5, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("CameraProbe")
        self.max_index = max_index
        self._worker: StreamWorker | None = None
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.wait)

    def start(self) -> None:
        if self.is_running():
            return
        if self._worker is not None:
            self._worker.deleteLater()  # the last look, done and delivered
        self._worker = StreamWorker(self._probe, "CameraProbeThread", parent=self)
        self._worker.delivered.connect(self.found)
        self._worker.start()

    def _probe(self, publish: Callable[[list[int]], None]) -> None:
        try:
            cameras = list_cameras(self.max_index)
        except Exception:  # a misbehaving driver means "no cameras", not a crash
            log.exception("probing for cameras failed")
            cameras = []
        publish(cameras)

    def is_running(self) -> bool:
        return self._worker is not None and self._worker.is_running()

    @Slot()
    def wait(self, timeout_ms: int = 5000) -> bool:
        """Wait for the probe to finish (at exit); True if it did."""
        return self._worker is None or self._worker.wait(timeout_ms)
