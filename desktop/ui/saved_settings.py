"""Reading values back from QSettings without trusting them.

A settings file may come from another version of the app, be edited by hand or be damaged; every
value read through here falls back to its default (and says so in the log) instead of raising.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)


def whole_number_setting(settings: QSettings, key: str, lowest: int, highest: int, *, default: int) -> int:
    """A saved whole number in ``lowest..highest``, or ``default`` when it is missing or unusable."""
    try:
        value = int(str(settings.value(key, default)).strip())
    except ValueError:
        log.warning("setting %s=%r is not a whole number; using %d", key, settings.value(key), default)
        return default
    if not lowest <= value <= highest:
        log.warning("setting %s=%d is outside %d..%d; using %d", key, value, lowest, highest, default)
        return default
    return value
