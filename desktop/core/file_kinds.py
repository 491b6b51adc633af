"""Which file names the app and the training code treat as what: one list each, used everywhere.

A leaf module (no imports from the project): the Camera and Kernels panels, the Teach project,
``recognize``, the data set readers in ``training`` and the file dialogs all read these, so a
picture one of them accepts is accepted by all of them.
"""

from __future__ import annotations

#: Pictures: what OpenCV's ``imdecode`` (the app) and Pillow (training) both read.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")
#: Videos the Camera and Kernels panels open as a stand-in for a camera (OpenCV's FFmpeg reader).
VIDEO_SUFFIXES = (".avi", ".mp4", ".mov", ".mkv", ".webm", ".m4v", ".wmv", ".mpg", ".mpeg")


def is_image(name: str) -> bool:
    """``name`` (a file name or path string) ends with a picture suffix, in any case."""
    return str(name).lower().endswith(IMAGE_SUFFIXES)


def is_video(name: str) -> bool:
    return str(name).lower().endswith(VIDEO_SUFFIXES)


def dialog_patterns(suffixes: tuple[str, ...]) -> str:
    """``"*.png *.jpg ..."`` for a file dialog's filter."""
    return " ".join(f"*{suffix}" for suffix in suffixes)
