"""The character sets a model can be trained on and the app can offer: named, ordered lists.

* ``"course"``: the 55 course characters (``COURSE_CHARACTERS``), in Keras ``class_names`` order.
* ``"gb2312-1"``: the 3,755 characters of GB2312-80 level 1 (the commonly used characters; what
  CASIA-HWDB1.1 and OLHWDB1.1 cover), in GB2312 code order: rows 16 to 55, i.e. the two-byte codes
  0xB0A1 to 0xD7F9, as Python's ``gb2312`` codec decodes them (row 55 has 89 characters, the others
  94). It starts 啊阿埃 and ends with 座.

The two sets overlap but neither contains the other: 53 course characters are in level 1, while
啖 and 囡 are GB2312 level-2 characters (rows 56 to 87), so a level-1 model cannot answer them.

No Qt, no TensorFlow: the app, the training package and the tests share these lists.
"""

from __future__ import annotations

from .contract import COURSE_CHARACTERS

#: GB2312 level 1: lead bytes 0xB0..0xD7 (rows 16..55), trail bytes 0xA1..0xFE (cells 1..94).
LEVEL1_ROWS = range(0xB0, 0xD8)
CELLS = range(0xA1, 0xFF)
GB2312_LEVEL1_COUNT = 3755


def _decode_gb2312_level1() -> tuple[str, ...]:
    chars = []
    for row in LEVEL1_ROWS:
        for cell in CELLS:
            try:
                chars.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # the five unassigned cells at the end of row 55
    if len(chars) != GB2312_LEVEL1_COUNT or len(set(chars)) != len(chars):
        raise RuntimeError(f"this Python's gb2312 codec gives {len(chars)} level-1 characters, "
                           f"not {GB2312_LEVEL1_COUNT}")
    return tuple(chars)


#: Vocabulary name -> its characters, in order (a millisecond to decode, so made at import).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "course": tuple(COURSE_CHARACTERS),
    "gb2312-1": _decode_gb2312_level1(),
}


def gb2312_level1() -> list[str]:
    """The 3,755 characters of GB2312-80 level 1 in GB2312 code order (啊 阿 埃 ... 座)."""
    return list(VOCABULARIES["gb2312-1"])


def vocabulary(name: str) -> list[str]:
    """The characters of the vocabulary called ``name`` (one of ``VOCABULARIES``), in order."""
    try:
        return list(VOCABULARIES[name])
    except (KeyError, TypeError):
        known = ", ".join(repr(k) for k in VOCABULARIES)
        raise ValueError(f"unknown vocabulary {name!r}: choose one of {known}") from None


def vocabulary_of(class_names) -> str:
    """The vocabulary a model's classes make: a named whole vocabulary other than the course's when
    the model tells apart every one of its characters (in any order), else ``"course"`` (the course
    models, and any other model, such as one a user trained on a few characters)."""
    names = set(class_names)
    for name, chars in _WHOLE_VOCABULARIES.items():
        if len(names) >= len(chars) and names >= chars:
            return name
    return "course"


_WHOLE_VOCABULARIES = {name: frozenset(chars) for name, chars in VOCABULARIES.items() if name != "course"}
