"""Pinyin and a short English gloss of a character (for the candidate list and the character search).

Two tables, both derived from CC-CEDICT (CC BY-SA 4.0; see the README beside them): the course
characters' ``assets/characters/course55.json``, read once, and ``gb2312-1.json.gz`` for the 3,755
characters of GB2312 level 1, read once too but only when a character outside the course table is
asked for, so start-up never pays for it. A course character always answers from the course table.
Characters in neither simply have no info.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .contract import assets_dir
from .vocabulary import VOCABULARIES

GB2312_LEVEL1 = frozenset(VOCABULARIES["gb2312-1"])


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


def level1_table_path() -> Path:
    return assets_dir() / "characters" / "gb2312-1.json.gz"


def read_table(path: str | Path) -> dict[str, CharacterInfo]:
    """Parse a character table file: ``{"characters": {char: {"pinyin", "gloss", "traditional"?}}}``,
    as JSON or, for a name ending in ``.gz``, gzip-compressed JSON."""
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
        rows = data["characters"]
        return {
            char: CharacterInfo(char, str(row["pinyin"]), str(row["gloss"]), str(row.get("traditional", "")))
            for char, row in rows.items()
        }
    except FileNotFoundError:
        raise CharacterTableError(f"{path}: the character table is missing") from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            AttributeError) as exc:
        raise CharacterTableError(f"{path}: not a valid character table ({exc})") from None


@lru_cache(maxsize=1)
def _shipped_table() -> dict[str, CharacterInfo]:
    return read_table(table_path())


@lru_cache(maxsize=1)
def _level1_table() -> dict[str, CharacterInfo] | str:
    """The big table, or why it could not be read (kept, so a broken file is read only once)."""
    try:
        return read_table(level1_table_path())
    except CharacterTableError as exc:
        return str(exc)


def character_info(char: str) -> CharacterInfo | None:
    """Pinyin and gloss of ``char``, or None for a character neither table covers."""
    info = _shipped_table().get(char)
    if info is not None or char not in GB2312_LEVEL1:
        return info
    table = _level1_table()
    if isinstance(table, str):
        raise CharacterTableError(table)
    return table.get(char)
