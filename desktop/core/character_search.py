"""Finding a character by what a learner knows of it: the character, its pinyin or its meaning.

Pinyin matches with or without tone marks and with tone numbers: "ren", "rén" and "ren2" all find
人; "nu", "nv", "nü" and "nv3" find 女; the neutral tone takes "5" or "0" ("ma5" finds 吗). A
meaning matches at the start of a word of the English gloss ("pers" finds "person", "bark" finds
"to bark"). Qt-free, so the Write panel's character picker and its tests share it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from desktop.core.characters import CharacterInfo

#: Combining tone marks (after Unicode decomposition) -> tone number.
TONE_NUMBERS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
UMLAUT = "\u0308"
NEUTRAL_TONES = ("5", "0")
# How well an entry matches a query; lower ranks come first.
EXACT_CHARACTER, EXACT_PINYIN, PINYIN_PREFIX, MEANING = range(4)


@dataclass(frozen=True)
class SearchEntry:
    """One character with the forms a query is compared with."""

    char: str
    pinyin: str = ""
    gloss: str = ""
    traditional: str = ""
    pinyin_forms: tuple[str, ...] = ()  # lower case: marked, toneless and numbered spellings

    @classmethod
    def of(cls, char: str, info: CharacterInfo | None) -> "SearchEntry":
        if info is None:
            return cls(char)
        return cls(char, info.pinyin, info.gloss, info.traditional, pinyin_forms(info.pinyin))

    def rank(self, query: str) -> int | None:
        """How ``query`` matches (one of the ranks above), or None when it does not."""
        q = normalised_query(query)
        if not q:
            return MEANING
        if self.char in q or (self.traditional and self.traditional in q):
            return EXACT_CHARACTER
        if q in self.pinyin_forms:
            return EXACT_PINYIN
        if any(form.startswith(q) for form in self.pinyin_forms):
            return PINYIN_PREFIX
        if self.gloss and re.search(r"(?<![a-z])" + re.escape(q), self.gloss.lower()):
            return MEANING
        return None


def normalised_query(query: str) -> str:
    """Lower case, composed accents, no surrounding space; "u:" (a common typing of ü) -> "v"."""
    return unicodedata.normalize("NFC", query).strip().lower().replace("u:", "v")


def pinyin_forms(pinyin: str) -> tuple[str, ...]:
    """Every spelling a learner might type for ``pinyin`` ("rén" -> rén, ren, ren2)."""
    marked = unicodedata.normalize("NFC", pinyin.strip().lower())
    syllables = marked.split()
    toneless, numbered = [], []
    for syllable in syllables:
        letters, tone = _split_tone(syllable)
        toneless.append(letters)
        numbered.append(letters + tone)
    forms = {marked, marked.replace(" ", "")}
    for sep in (" ", ""):
        plain, with_numbers = sep.join(toneless), sep.join(numbered)
        for umlaut in ("ü", "u", "v"):
            forms.add(plain.replace("ü", umlaut))
            forms.add(with_numbers.replace("ü", umlaut))
            if len(syllables) == 1 and with_numbers == plain:  # the neutral tone
                forms.update(plain.replace("ü", umlaut) + tone for tone in NEUTRAL_TONES)
    return tuple(sorted(forms))


def _split_tone(syllable: str) -> tuple[str, str]:
    """"rén" -> ("ren", "2"); "nǚ" -> ("nü", "3"); "ma" -> ("ma", "")."""
    tone = ""
    letters = []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in TONE_NUMBERS:
            tone = TONE_NUMBERS[ch]
        else:
            letters.append(ch)
    return unicodedata.normalize("NFC", "".join(letters)), tone


def search(entries: Sequence[SearchEntry], query: str, first: Sequence[str] = ()) -> list[SearchEntry]:
    """The entries ``query`` matches, best match first; among equals, those in ``first`` (in its
    order), then the others in their own order. An empty query keeps every entry."""
    order = {char: i for i, char in enumerate(first)}
    ranked = []
    for index, entry in enumerate(entries):
        rank = entry.rank(query)
        if rank is not None:
            ranked.append(((rank, order.get(entry.char, len(order)), index), entry))
    return [entry for _, entry in sorted(ranked, key=lambda pair: pair[0])]
