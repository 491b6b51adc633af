"""The one error a Teachable Machine import raises for a file it cannot use."""

from __future__ import annotations


class TeachableImportError(ValueError):
    """A Teachable Machine export that cannot be imported; the message names the file and the problem."""
