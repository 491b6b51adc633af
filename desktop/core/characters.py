"""Pinyin and a short English gloss for the course characters (for the candidate list).

Read once from ``assets/characters/course55.json`` (derived from CC-CEDICT, CC BY-SA 4.0; see the
README beside it). Characters outside the table simply have no info.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .contract import assets_dir


@dataclass(frozen=True)
class CharacterInfo:
    char: str
    pinyin: str  # with tone marks, the most common reading
    gloss: str  # a few English senses, "; "-separated
    traditional: str = ""  # the traditional form, where it differs or not


class CharacterTableError(ValueError):
    """The character table file is missing or malformed."""


def table_path() -> Path:
    return assets_dir() / "characters" / "course55.json"


def read_table(path: str | Path) -> dict[str, CharacterInfo]:
    """Parse a character table file: ``{"characters": {char: {"pinyin", "gloss", "traditional"?}}}``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["characters"]
        return {
            char: CharacterInfo(char, str(row["pinyin"]), str(row["gloss"]), str(row.get("traditional", "")))
            for char, row in rows.items()
        }
    except FileNotFoundError:
        raise CharacterTableError(f"{path}: the character table is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise CharacterTableError(f"{path}: not a valid character table ({exc})") from None


@lru_cache(maxsize=1)
def _shipped_table() -> dict[str, CharacterInfo]:
    return read_table(table_path())


def character_info(char: str) -> CharacterInfo | None:
    """Pinyin and gloss of ``char``, or None for a character the table does not cover."""
    return _shipped_table().get(char)
