"""Recognising Qt's log messages in tests."""

from __future__ import annotations

import re

# Qt's own words when an object is used from a thread that does not own it: a widget (status bar,
# label) touched from a worker thread. Such an access can crash the app much later and far away,
# so the test that caused it fails at once, wherever it happened.
CROSS_THREAD_WARNING = re.compile(
    r"different thread|another thread|outside the (GUI|main) thread|not safe to use pixmaps|"
    r"Cannot send events to objects owned by", re.IGNORECASE)


def cross_thread_warnings(messages) -> list[str]:
    """The messages among ``messages`` that report an object used from a thread that does not own it."""
    return [m for m in messages if CROSS_THREAD_WARNING.search(m)]
