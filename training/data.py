"""In-memory character datasets and the course's train/validation split."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from desktop.core.contract import COURSE_CHARACTERS

#: The course's split: 80 % train / 20 % validation with ``random_state=123``.
VALIDATION_FRACTION = 0.2
SPLIT_SEED = 123


@dataclass
class CharacterData:
    """Images ready for a character model plus where each came from.

    ``images`` is uint8 ``[N, 80, 60, 1]`` (paper 255, dark ink; models cast to float32),
    ``labels`` int32 indices into ``class_names``; ``sources[i]`` names the file (or
    ``file.gnt#record``) of sample ``i``; ``skipped`` lists ``(source, reason)`` of corrupt input.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: list[str]
    sources: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return int(len(self.labels))

    def subset(self, index: np.ndarray) -> "CharacterData":
        index = np.asarray(index)
        src = [self.sources[i] for i in index] if self.sources else []
        return CharacterData(self.images[index], self.labels[index], list(self.class_names), src, [])

    def float_images(self) -> np.ndarray:
        return self.images.astype(np.float32)


def resolve_classes(spec: str | None, available: list[str] | None = None) -> list[str] | None:
    """Class list from a command-line spec.

    ``None``/``"course"`` -> the 55 course characters; ``"all"`` -> ``None`` (every class
    present, sorted); otherwise the characters of the string (commas and spaces ignored),
    returned sorted by code point like Keras ``class_names``.
    """
    if spec is None or spec == "course":
        return list(COURSE_CHARACTERS)
    if spec == "all":
        return sorted(available) if available is not None else None
    chars = [c for c in spec if c not in ", \t\n"]
    if not chars:
        raise ValueError("the class list is empty")
    return sorted(dict.fromkeys(chars))


def train_validation_split(data: CharacterData) -> tuple[CharacterData, CharacterData]:
    """The course's 80/20 split (scikit-learn ``train_test_split``, ``random_state=123``)."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(data))
    train_idx, val_idx = train_test_split(idx, test_size=VALIDATION_FRACTION, random_state=SPLIT_SEED)
    return data.subset(train_idx), data.subset(val_idx)


def concatenate(parts: Sequence[CharacterData]) -> CharacterData:
    """One dataset of several with the same classes, in order (their skipped lists joined too)."""
    if not parts:
        raise ValueError("nothing to concatenate")
    names = list(parts[0].class_names)
    if any(list(p.class_names) != names for p in parts):
        raise ValueError("datasets with different class lists cannot be joined")
    return CharacterData(
        np.concatenate([p.images for p in parts]),
        np.concatenate([p.labels for p in parts]).astype(np.int32),
        names,
        [s for p in parts for s in p.sources] if all(len(p.sources) == len(p) for p in parts) else [],
        [s for p in parts for s in p.skipped],
    )
