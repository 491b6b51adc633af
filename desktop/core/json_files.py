"""Read a JSON object from a file, with errors that name the file and say what is wrong.

Qt-free, so loaders run it on worker threads. Each caller passes its own error class, so its
callers keep catching the error they know.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_json_object(path: str | Path, what: str, error: type[Exception], *,
                     missing: str | None = None) -> dict[str, Any]:
    """The JSON object in ``path``; ``error(message)`` for a missing, empty, unreadable or non-object file.

    Every message starts with the path; ``what`` names the file in it ("the {what} is empty"), and
    ``missing`` replaces it in "no such {missing}" where that reads better.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {missing or what}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: the {what} cannot be read ({exc})") from exc
    if not text.strip():
        raise error(f"{path}: the {what} is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path}: the {what} is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    except RecursionError:  # json nests on the C stack: "[[[[..." thousands deep
        raise error(f"{path}: the {what} is not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise error(f"{path}: the {what} is not a JSON object")
    return data
