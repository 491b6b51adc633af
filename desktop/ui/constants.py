"""The UI's shared constants: a leaf module every part of the UI may import (it imports no panel).

Panel names are identifiers in code (lessons name them too); the sidebar and menus show them
through ``tr(name)``. File kinds come from :mod:`desktop.core.file_kinds`, the one list the app
and the training code share.
"""

from __future__ import annotations

from desktop.core.file_kinds import IMAGE_SUFFIXES, VIDEO_SUFFIXES, dialog_patterns
from desktop.ui.i18n import tr_noop

PANELS = (tr_noop("Write"), tr_noop("Camera"), tr_noop("Teach"), tr_noop("Kernels"), tr_noop("Results"))
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0)
DEFAULT_ZOOM_INDEX = ZOOM_STEPS.index(1.0)

#: For file dialogs: "*.png *.jpg ..." and "*.mp4 *.avi ...".
IMAGE_PATTERNS = dialog_patterns(IMAGE_SUFFIXES)
VIDEO_PATTERNS = dialog_patterns(VIDEO_SUFFIXES)

__all__ = ["PANELS", "ZOOM_STEPS", "DEFAULT_ZOOM_INDEX", "IMAGE_SUFFIXES", "VIDEO_SUFFIXES", "IMAGE_PATTERNS",
           "VIDEO_PATTERNS"]
