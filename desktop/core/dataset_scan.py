"""What is in a character data set: images per class and split, image sizes, samples, corrupt files.

Reads a CASIA-style folder (``Train|Test/<char>/*.png``, split names in any case, or a single
folder of class folders, reported as the split ``all``), a ``.gnt`` file, or a folder of ``.gnt``
files (the split comes from the file or folder name when it says train/trn or test/tst).
Streaming: images are decoded one at a time and only a few small thumbnails per class are kept
(reservoir sampling, so they are a fair random pick however large the set), so the real CASIA
data (millions of images) can be scanned with bounded memory.

Qt-free: numpy + OpenCV.
"""

from __future__ import annotations

import os
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

from desktop.core.gnt import RecordFileError, iter_gnt
from desktop.core.images import decode_image

SAMPLES_PER_CLASS = 8
#: Thumbnails are shrunk to fit this many pixels a side (memory stays small for huge sets).
THUMBNAIL_SIZE = 64
ALL = "all"
SPLIT_ORDER = ("train", "test", ALL)
_TRAIN = re.compile(r"train|trn", re.IGNORECASE)
_TEST = re.compile(r"test|tst", re.IGNORECASE)
#: How often (in images) a long file checks for a cancel request and reports progress.
_CHECK_EVERY = 64

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class DatasetError(ValueError):
    """A path that is not a data set the explorer can read; the message names it."""


class ScanCancelled(Exception):
    """The user stopped the scan."""


@dataclass
class SplitSummary:
    """One split: images per class, every image's height and width, a few thumbnails per class."""

    counts: dict[str, int] = field(default_factory=dict)
    heights: list[int] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    samples: dict[str, list[np.ndarray]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class DatasetSummary:
    path: Path
    kind: str  # "folder" or "gnt"
    splits: dict[str, SplitSummary]
    corrupt: list[tuple[str, str]]

    @property
    def split_names(self) -> list[str]:
        return list(self.splits)

    @property
    def class_names(self) -> list[str]:
        """Every class of every split, sorted by code point (Keras' order)."""
        return sorted({name for split in self.splits.values() for name in split.counts})

    @property
    def total(self) -> int:
        return sum(split.total for split in self.splits.values())

    @property
    def heights(self) -> list[int]:
        return [h for split in self.splits.values() for h in split.heights]

    @property
    def widths(self) -> list[int]:
        return [w for split in self.splits.values() for w in split.widths]


def thumbnail(image: np.ndarray, size: int = THUMBNAIL_SIZE) -> np.ndarray:
    """A copy of a uint8 grey image shrunk (aspect kept) to fit ``size`` x ``size``."""
    h, w = image.shape[:2]
    scale = min(1.0, size / max(h, w))
    if scale >= 1.0:
        return image.copy()
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


class _Collector:
    """Adds images to the summary one at a time; keeps a reservoir of thumbnails per class."""

    def __init__(self, samples_per_class: int, seed: int):
        self.splits: dict[str, SplitSummary] = {}
        self.corrupt: list[tuple[str, str]] = []
        self.samples_per_class = samples_per_class
        self._random = random.Random(seed)

    def add(self, split: str, name: str, image: np.ndarray) -> None:
        summary = self.splits.setdefault(split, SplitSummary())
        seen = summary.counts.get(name, 0) + 1
        summary.counts[name] = seen
        summary.heights.append(int(image.shape[0]))
        summary.widths.append(int(image.shape[1]))
        reservoir = summary.samples.setdefault(name, [])
        # Algorithm R: the k-th image replaces a kept one with probability size / k.
        if len(reservoir) < self.samples_per_class:
            reservoir.append(thumbnail(image))
        else:
            slot = self._random.randrange(seen)
            if slot < self.samples_per_class:
                reservoir[slot] = thumbnail(image)

    def summary(self, path: Path, kind: str) -> DatasetSummary:
        ordered = {name: self.splits[name] for name in sorted(self.splits, key=_split_rank)}
        for split in ordered.values():
            split.counts = dict(sorted(split.counts.items()))
            split.samples = dict(sorted(split.samples.items()))
        return DatasetSummary(path, kind, ordered, self.corrupt)


def _split_rank(name: str) -> tuple[int, str]:
    return (SPLIT_ORDER.index(name) if name in SPLIT_ORDER else len(SPLIT_ORDER), name)


def split_of_name(name: str) -> str:
    """``train``, ``test`` or ``all`` from a file or folder name (``HWDB1.1trn_gnt`` -> ``train``)."""
    if _TRAIN.search(name):
        return "train"
    if _TEST.search(name):
        return "test"
    return ALL


def _visible(folder: Path) -> list[os.DirEntry]:
    return sorted((e for e in os.scandir(folder) if not e.name.startswith(".")), key=lambda e: e.name)


def _gnt_files(path: Path) -> list[Path]:
    """``.gnt`` files in ``path`` or in its direct subfolders (CASIA ships ``HWDB1.1trn_gnt/*.gnt``)."""
    found = []
    for entry in _visible(path):
        if entry.is_file() and entry.name.lower().endswith(".gnt"):
            found.append(Path(entry.path))
        elif entry.is_dir():
            found.extend(Path(e.path) for e in _visible(Path(entry.path))
                         if e.is_file() and e.name.lower().endswith(".gnt"))
    return found


def _class_folder_splits(path: Path) -> dict[str, Path]:
    """``{split: folder of class folders}``: ``Train``/``Test`` subfolders, else the folder itself."""
    subfolders = {e.name.lower(): Path(e.path) for e in _visible(path) if e.is_dir()}
    splits = {name: subfolders[name] for name in ("train", "test") if name in subfolders}
    return splits or {ALL: path}


def _image_files(split_folders: dict[str, Path]) -> Iterator[tuple[str, str, Path]]:
    for split, folder in split_folders.items():
        for class_entry in _visible(folder):
            if class_entry.is_dir():
                name = unicodedata.normalize("NFC", class_entry.name)
                for file_entry in _visible(Path(class_entry.path)):
                    if file_entry.is_file():
                        yield split, name, Path(file_entry.path)


def _read_grey(path: Path) -> np.ndarray:
    data = np.fromfile(str(path), dtype=np.uint8)  # + imdecode: non-ASCII paths work on Windows
    return decode_image(data, cv2.IMREAD_GRAYSCALE, unreadable="not a readable image", empty="empty file")


def _scan_folder(path, collector, progress, cancelled) -> None:
    split_folders = _class_folder_splits(path)
    files = list(_image_files(split_folders))  # paths only: cheap, and gives the progress total
    if not files:
        raise DatasetError(
            f"{path}: no images found; expected Train/<char>/*.png and Test/<char>/*.png, "
            "a folder of <char>/ folders, or .gnt files"
        )
    for done, (split, name, file) in enumerate(files):
        if done % _CHECK_EVERY == 0:
            _check(cancelled, path)
            if progress:
                progress(done, len(files))
        try:
            image = _read_grey(file)
        except (OSError, ValueError) as exc:
            collector.corrupt.append((str(file), str(exc)))
            continue
        collector.add(split, name, image)
    if progress:
        progress(len(files), len(files))


def _scan_gnt(files: list[Path], root: Path, collector, progress, cancelled) -> None:
    sizes = [f.stat().st_size for f in files]
    total, before = sum(sizes), 0
    for file, size in zip(files, sizes):
        relative = file.relative_to(root)
        split = split_of_name(relative.name)
        if split == ALL and len(relative.parts) > 1:
            split = split_of_name(relative.parts[0])
        read = 0
        try:
            for count, (_, char, bitmap) in enumerate(iter_gnt(file, skipped=collector.corrupt)):
                read += 10 + bitmap.size
                if count % _CHECK_EVERY == 0:
                    _check(cancelled, file)
                    if progress:
                        progress(before + read, total)
                collector.add(split, char, bitmap)
        except RecordFileError as exc:
            collector.corrupt.append((str(file), str(exc)))
        before += size
        if progress:
            progress(before, total)


def _check(cancelled: CancelCheck | None, where: Path) -> None:
    if cancelled and cancelled():
        raise ScanCancelled(f"scan of {where} cancelled")


def scan_dataset(
    path: str | Path,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    *,
    samples_per_class: int = SAMPLES_PER_CLASS,
    seed: int = 0,
) -> DatasetSummary:
    """Summarise a CASIA folder, a ``.gnt`` file or a folder of ``.gnt`` files.

    ``progress(done, total)`` counts files for a folder of images and bytes for ``.gnt`` data;
    ``cancelled()`` is checked often and raises :class:`ScanCancelled` when true. Unreadable
    images and corrupt records go to ``corrupt`` as ``(source, reason)``. Raises
    :class:`DatasetError` when the path holds nothing to scan.
    """
    path = Path(path)
    collector = _Collector(samples_per_class, seed)
    if not path.exists():
        raise DatasetError(f"{path} does not exist")
    if path.is_file():
        if path.suffix.lower() != ".gnt":
            raise DatasetError(f"{path}: not a .gnt file; choose a .gnt file or a folder of images")
        _scan_gnt([path], path.parent, collector, progress, cancelled)
        return collector.summary(path, "gnt")
    gnt_files = _gnt_files(path)
    if gnt_files:
        _scan_gnt(gnt_files, path, collector, progress, cancelled)
        return collector.summary(path, "gnt")
    _scan_folder(path, collector, progress, cancelled)
    return collector.summary(path, "folder")
