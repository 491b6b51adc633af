"""Errors the training package raises for bad input; the CLI prints them without a traceback."""


class TrainingError(Exception):
    """Base class: a problem the user can fix, described in plain words."""


class DataError(TrainingError):
    """Missing, empty, corrupt or mismatched data. The message names the file or folder."""


class UnknownCharacterError(DataError):
    """A requested character has no stroke data / no class folder."""


class ExportError(TrainingError):
    """An ONNX export failed or did not match Keras closely enough."""
