"""Load CASIA-style handwriting into :class:`~training.data.CharacterData`.

Three sources, one result (uint8 ``[N, 80, 60, 1]``, paper 255):

* class folders ``folder/<char>/*.png`` (the course's layout, ``root/Train|Test/<char>/``), read
  exactly as ``keras.utils.image_dataset_from_directory(color_mode="grayscale",
  image_size=(80, 60), shuffle=False)`` reads them (same grey conversion for PNG, same bilinear
  stretch), rounded to uint8;
* ``.gnt`` files (HWDB offline bitmaps), stretched the same way;
* ``.pot`` files (OLHWDB pen strokes), drawn with the app's own stroke renderer first.

Differences from Keras, on purpose: files within a class are in natural order (``2.png`` before
``10.png``) rather than string order; every picture type of :data:`desktop.core.file_kinds.IMAGE_SUFFIXES`
loads, as in the app (Keras lists only BMP, GIF, JPEG and PNG, and its grayscale mode refuses BMPs
and GIFs); JPEGs may differ by a grey level or two (a different JPEG decoder).

For the full database (3,755 classes, over a million images) use :func:`stream_split`, a
``tf.data`` pipeline that never holds the whole set in memory.

Progress bars use ``keras.utils.Progbar`` (already a dependency of training), loaded only when
``progress=True``.
"""

from __future__ import annotations

import logging
import os
import warnings
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import cv2
import numpy as np

from desktop.core.contract import CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH
from desktop.core.file_kinds import IMAGE_SUFFIXES
from desktop.core.framing import stretch_to_input
from desktop.core.images import check_dimensions, decode_image
from desktop.core.strokes import render

from .data import CharacterData
from .errors import DataError, UnknownCharacterError
from .gnt import iter_gnt
from .pot import iter_pot

if TYPE_CHECKING:
    import tensorflow as tf

logger = logging.getLogger(__name__)

#: Folder names that mark a dataset root split into training and test data.
SPLIT_NAMES = ("Train", "Test")
_SHOW_AT_MOST = 10  # characters named in a message before "…"


# ----------------------------------------------------------------------------- small helpers


def natural_key(path: Path | str) -> tuple:
    """Sort key that puts ``2.png`` before ``10.png`` (digits compare as numbers)."""
    parts = Path(path).parts
    return tuple(
        (tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", part)), part) for part in parts
    )


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOW_AT_MOST])
    return shown + (f", … ({len(names)} in all)" if len(names) > _SHOW_AT_MOST else "")


def _requested(classes: Iterable[str] | None) -> list[str] | None:
    if classes is None:
        return None
    names = list(classes)
    if not names:
        raise DataError("the class list is empty")
    repeated = sorted(c for c, n in Counter(names).items() if n > 1)
    if repeated:
        raise DataError(f"the class list names {_listing(repeated)} more than once")
    return names


def _to_uint8_input(grey: np.ndarray) -> np.ndarray:
    """Grey uint8 image -> the model's 80x60 input, rounded back to uint8 ``[80, 60, 1]``."""
    return np.clip(np.rint(stretch_to_input(grey)), 0, 255).astype(np.uint8)


def _stack(images: list[np.ndarray]) -> np.ndarray:
    if not images:
        return np.zeros((0, CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH, 1), np.uint8)
    return np.stack(images)


class _Progress:
    """A ``keras.utils.Progbar`` when asked for, else nothing; updates are throttled."""

    def __init__(self, total: int, unit: str, enabled: bool):
        self._bar = None
        self._last = 0
        self._step = max(total // 200, 1)
        if enabled and total > 0:
            from keras.utils import Progbar

            self._bar = Progbar(total, unit_name=unit)

    def update(self, done: int, final: bool = False) -> None:
        if self._bar is not None and (final or done - self._last >= self._step):
            self._last = done
            self._bar.update(done, finalize=final)


# ----------------------------------------------------------------------------- class folders


def _existing_folder(folder: str | Path) -> Path:
    folder = Path(folder)
    if not folder.exists():
        raise DataError(f"{folder} does not exist")
    if not folder.is_dir():
        raise DataError(f"{folder} is a file, not a folder of class folders")
    return folder


def _subfolders(folder: Path) -> list[str]:
    """Non-hidden subfolders, sorted by code point (Keras ``class_names`` order)."""
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))


def _image_files(class_dir: Path) -> list[Path]:
    """Every image under a class folder (subfolders too, like Keras), in natural order."""
    found = []
    for root, dirs, files in os.walk(class_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(root, f) for f in files if f.lower().endswith(IMAGE_SUFFIXES)]
    return sorted(found, key=lambda p: natural_key(p.relative_to(class_dir)))


def _split_names_in(names: Sequence[str]) -> list[str]:
    lowered = {n.lower() for n in names}
    return [s for s in SPLIT_NAMES if s.lower() in lowered]


def list_class_folder(folder: str | Path, classes: Iterable[str] | None = None) -> tuple[list[str], list[Path], list[int]]:
    """Check a ``folder/<class>/<images>`` layout; return ``(class_names, files, labels)``.

    ``classes=None`` takes every subfolder in code-point order; otherwise the given classes in
    the given order, ignoring other subfolders. Raises :class:`DataError` (naming the folder)
    for a layout that is not class folders, a missing class folder or one without images.
    """
    folder = _existing_folder(folder)
    wanted = _requested(classes)
    present = _subfolders(folder)
    if not present:
        loose = [p.name for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES]
        if loose:
            raise DataError(
                f"{folder} holds {len(loose)} images but no class folders: put each class's images "
                f"in a folder named after it, e.g. {folder / 'class_name' / loose[0]}"
            )
        raise DataError(f"{folder} holds no class folders (expected {folder / '<character>' / '1.png'} ...)")
    splits = _split_names_in(present)
    if splits and len(splits) == len(present):
        raise DataError(
            f"{folder} holds the {' and '.join(splits)} splits, not class folders: choose a split "
            f"(e.g. {folder / SPLIT_NAMES[0]})"
        )
    if wanted is None:
        class_names = present
    else:
        missing = [c for c in wanted if c not in present]
        extra = [p for p in present if p not in wanted]
        if missing:
            message = f"{folder}: no class folder for {len(missing)} requested class(es): {_listing(missing)}"
            if extra:
                message += f"; {len(extra)} other folder(s) there were ignored: {_listing(extra)}"
            raise UnknownCharacterError(message)
        if extra:
            logger.info("%s: ignored %d folder(s) not in the class list: %s", folder, len(extra), _listing(extra))
        class_names = wanted
    files: list[Path] = []
    labels: list[int] = []
    for label, name in enumerate(class_names):
        found = _image_files(folder / name)
        if not found:
            raise DataError(f"class folder {folder / name} holds no images ({', '.join(IMAGE_SUFFIXES)})")
        files += found
        labels += [label] * len(found)
    return list(class_names), files, labels


def decode_grey(path: Path) -> np.ndarray:
    """Read an image file as grey uint8 (paper 255); ValueError with the reason if unreadable.

    PNG/JPEG/BMP go through OpenCV, whose grey conversion matches TensorFlow's
    ``decode_image(channels=1)`` for PNG; GIF (which OpenCV cannot read) goes through Pillow.
    Bytes are read first so non-ASCII paths work on every OS.
    """
    data = np.fromfile(path, dtype=np.uint8)
    if data.size == 0:
        raise ValueError("the file is empty")
    check_dimensions(data)  # a decompression bomb is refused before anything is decoded (ImageDecodeError)
    if data[:4].tobytes() == b"GIF8":
        from PIL import Image

        try:
            # A frame may be larger than the header says: Pillow's own bomb warning becomes a refusal.
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(path) as im:
                    return np.asarray(im.convert("L"))
        except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValueError(f"not a readable GIF ({exc})") from None
    return decode_image(data, cv2.IMREAD_GRAYSCALE, unreadable="not a readable image (corrupt or truncated)")


def _load_files(
    origin: Path, class_names: list[str], files: list[Path], labels: list[int], strict: bool, progress: bool
) -> CharacterData:
    images, kept_labels, sources, skipped = [], [], [], []
    bar = _Progress(len(files), "image", progress)
    for i, (path, label) in enumerate(zip(files, labels)):
        try:
            grey = decode_grey(path)
        except (ValueError, OSError) as exc:
            if strict:
                raise DataError(f"{path}: {exc}") from None
            skipped.append((str(path), str(exc)))
        else:
            images.append(_to_uint8_input(grey))
            kept_labels.append(label)
            sources.append(str(path))
        bar.update(i + 1, final=i + 1 == len(files))
    if skipped:
        logger.warning("%s: skipped %d unreadable image(s) of %d", origin, len(skipped), len(files))
    if not images:
        raise DataError(f"{origin}: none of the {len(files)} images could be read")
    return CharacterData(_stack(images), np.asarray(kept_labels, np.int32), class_names, sources, skipped)


def load_folder(
    folder: str | Path, classes: list[str] | None = None, *, strict: bool = False, progress: bool = False
) -> CharacterData:
    """Images in ``folder/<class>/`` -> CharacterData, as Keras would read them (see module doc).

    Samples come class by class (in ``class_names`` order), files in natural order within a
    class. Unreadable images are skipped and listed in ``skipped`` (``strict=False``) or raise a
    DataError naming the file (``strict=True``).
    """
    class_names, files, labels = list_class_folder(folder, classes)
    return _load_files(Path(folder), class_names, files, labels, strict, progress)


def split_folder(root: str | Path, split: str) -> Path:
    """``root/<split>``, matching the split's name without regard to case (``train`` finds ``Train``)."""
    root = _existing_folder(root)
    exact = root / split
    if exact.is_dir():
        return exact
    present = _subfolders(root)
    for name in present:
        if name.lower() == split.lower():
            return root / name
    raise DataError(f"{root} has no {split!r} folder (it has: {_listing(present) or 'no folders'})")


def load_split(
    root: str | Path, split: str, classes: list[str] | None = None, *, strict: bool = False, progress: bool = False
) -> CharacterData:
    """One split of a course-style dataset: ``root/<split>/<char>/*.png`` (split ``Train`` or ``Test``)."""
    return load_folder(split_folder(root, split), classes, strict=strict, progress=progress)


# ----------------------------------------------------------------------------- .gnt / .pot files


def _record_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    files = [Path(paths)] if isinstance(paths, (str, os.PathLike)) else [Path(p) for p in paths]
    if not files:
        raise DataError("no files given")
    return files


def _load_records(
    files: list[Path],
    classes: list[str] | None,
    records: Callable[[Path, list[tuple[str, str]]], Iterator[tuple[int, str, object]]],
    to_image: Callable[[object], np.ndarray],
    record_bytes: Callable[[object], int],
    strict: bool,
    progress: bool,
) -> CharacterData:
    wanted = _requested(classes)
    index = {c: i for i, c in enumerate(wanted)} if wanted is not None else None
    images, chars, sources, skipped = [], [], [], []
    ignored: dict[str, int] = {}
    sizes = [f.stat().st_size if f.is_file() else 0 for f in files]
    bar = _Progress(sum(sizes), "byte", progress)
    done = 0
    for number, (path, size) in enumerate(zip(files, sizes), start=1):
        count_before = len(images)
        for record, char, payload in records(path, skipped):
            done += record_bytes(payload)  # one file may hold a million records: move within it
            bar.update(done)
            if index is not None and char not in index:
                ignored[char] = ignored.get(char, 0) + 1
                continue
            source = f"{path}#{record}"
            try:
                images.append(to_image(payload))
            except ValueError as exc:  # e.g. strokes with no extent
                if strict:
                    raise DataError(f"{path}: record {record}: {exc}") from None
                skipped.append((source, str(exc)))
                continue
            chars.append(char)
            sources.append(source)
        if len(images) == count_before and index is None:
            logger.warning("%s: no usable records", path)
        done = sum(sizes[:number])
        bar.update(done, final=number == len(files))
    where = str(files[0]) if len(files) == 1 else f"{len(files)} files in {files[0].parent}"
    if ignored:
        logger.info("%s: ignored %d sample(s) of %d character(s) not in the class list",
                    where, sum(ignored.values()), len(ignored))
    if wanted is None:
        class_names = sorted(set(chars))
        index = {c: i for i, c in enumerate(class_names)}
    else:
        class_names = wanted
        found = set(chars)
        missing = [c for c in wanted if c not in found]
        if missing:
            raise UnknownCharacterError(
                f"{where}: no samples of {len(missing)} requested character(s): {_listing(missing)} "
                f"({len(found) + len(ignored)} characters were found)"
            )
    if not images:
        raise DataError(f"{where}: no readable samples")
    labels = np.asarray([index[c] for c in chars], np.int32)
    return CharacterData(_stack(images), labels, list(class_names), sources, skipped)


def load_gnt(
    paths: str | Path | Iterable[str | Path],
    classes: list[str] | None = None,
    *,
    strict: bool = False,
    progress: bool = False,
) -> CharacterData:
    """Offline ``.gnt`` bitmaps, stretched to the model input; ``sources`` are ``file.gnt#record``.

    ``classes=None`` keeps every character found (code-point order); otherwise only those, with
    :class:`UnknownCharacterError` if one never occurs.
    """
    return _load_records(
        _record_files(paths), classes,
        lambda path, skipped: iter_gnt(path, strict=strict, skipped=skipped),
        _to_uint8_input, lambda bitmap: 10 + bitmap.size, strict, progress,
    )


def load_pot(
    paths: str | Path | Iterable[str | Path],
    classes: list[str] | None = None,
    *,
    strict: bool = False,
    pen_width: float = 3.0,
    height: int = 96,
    progress: bool = False,
    input_kind: str = "image",
) -> CharacterData:
    """Online ``.pot`` strokes drawn with the app's renderer (``pen_width`` px on a ``height``
    px tall tight crop), then stretched to the model input like any other image.

    ``input_kind="strokes"``: each sample is a stroke model's uint8 ``[80, 60, 9]`` instead, the
    ink and its eight pen directions from :func:`desktop.core.direction_map.strokes_to_channels`
    (the Write panel's function), the strokes scaled to ``height`` px with the same pen."""
    if input_kind not in ("image", "strokes"):
        raise DataError(f"input kind must be image or strokes, not {input_kind!r}")

    def to_image(strokes: object) -> np.ndarray:
        if input_kind == "strokes":
            from desktop.core.direction_map import strokes_to_channels

            from .stroke_input import canvas_strokes

            scaled, pen = canvas_strokes(strokes, pen_width / height, float(height))
            return np.clip(np.rint(strokes_to_channels(scaled, pen_width=pen)), 0, 255).astype(np.uint8)
        return _to_uint8_input(render(strokes, height=height, pen_width=pen_width))

    return _load_records(
        _record_files(paths), classes,
        lambda path, skipped: iter_pot(path, strict=strict, skipped=skipped),
        to_image, lambda strokes: 8 + 4 * (sum(map(len, strokes)) + len(strokes) + 1), strict, progress,
    )


# ----------------------------------------------------------------------------- any of the above

_RECORD_LOADERS = {".gnt": load_gnt, ".pot": load_pot}


def load_any(
    path: str | Path,
    *,
    split: str | None = None,
    classes: list[str] | None = None,
    strict: bool = False,
    progress: bool = False,
    input_kind: str = "image",
) -> CharacterData:
    """Whatever CASIA-style data ``path`` holds.

    A ``.gnt``/``.pot`` file; a folder of such files; a folder of class folders; or a dataset
    root with ``Train``/``Test`` folders, which needs ``split`` (then ``root/<split>`` may be any
    of the other kinds). ``input_kind="strokes"`` reads ``.pot`` pen data as the stroke models'
    nine channels (:func:`load_pot`); pictures hold no pen strokes, so other data is refused.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path} does not exist")
    if path.is_file():
        loader = _RECORD_LOADERS.get(path.suffix.lower())
        if loader is None:
            raise DataError(f"{path}: unknown data file type {path.suffix!r} (expected .gnt, .pot or a folder)")
        return _load_records_of(loader, path, classes, strict, progress, input_kind)
    if split is not None:
        return load_any(split_folder(path, split), classes=classes, strict=strict, progress=progress,
                        input_kind=input_kind)
    subfolders = _subfolders(path)
    splits = _split_names_in(subfolders)
    if splits and len(splits) == len(subfolders):
        raise DataError(f"{path} holds the {' and '.join(splits)} splits: choose one with split=…")
    by_kind = {s: sorted((p for p in path.iterdir() if p.suffix.lower() == s and p.is_file()), key=natural_key)
               for s in _RECORD_LOADERS}
    kinds = [s for s, found in by_kind.items() if found]
    if len(kinds) > 1:
        raise DataError(f"{path} holds both .gnt and .pot files: point at one kind (e.g. a single file)")
    if kinds and not subfolders:
        return _load_records_of(_RECORD_LOADERS[kinds[0]], by_kind[kinds[0]], classes, strict, progress, input_kind)
    if input_kind != "image":
        raise DataError(f"{path}: stroke input needs .pot pen data, and a folder of pictures has no pen strokes")
    return load_folder(path, classes, strict=strict, progress=progress)


def _load_records_of(loader, paths, classes, strict: bool, progress: bool, input_kind: str) -> CharacterData:
    if input_kind == "image":
        return loader(paths, classes, strict=strict, progress=progress)
    if loader is not load_pot:
        raise DataError(f"{paths if isinstance(paths, Path) else paths[0].parent}: stroke input needs .pot pen "
                        f"data, and .gnt files hold pictures")
    return load_pot(paths, classes, strict=strict, progress=progress, input_kind=input_kind)


# ----------------------------------------------------------------------------- streaming


def stream_split(
    root: str | Path,
    split: str,
    class_names: list[str],
    *,
    batch_size: int = 64,
    shuffle: bool = False,
    seed: int = 0,
) -> "tf.data.Dataset":
    """``root/<split>/<char>/*`` as batches of (float32 ``[B, 80, 60, 1]`` 0..255, int32 labels).

    Decoded and resized by TensorFlow on the fly (the same ops Keras uses), so the full database
    never sits in memory. Files come in :func:`load_split` order unless ``shuffle`` (a fresh
    order each epoch, reproducible from ``seed``). Corrupt images are dropped with a logged
    warning. The dataset carries ``class_names`` and ``file_paths`` like Keras' datasets.
    """
    names, files, labels = list_class_folder(split_folder(root, split), class_names)
    return stream_files(files, labels, names, batch_size=batch_size, shuffle=shuffle, seed=seed)


def stream_files(
    files: Sequence[str | Path],
    labels: Sequence[int],
    class_names: list[str],
    *,
    batch_size: int = 64,
    shuffle: bool = False,
    seed: int = 0,
) -> "tf.data.Dataset":
    """Image files and their labels as a streaming dataset (see :func:`stream_split`).

    Files TensorFlow's decoders cannot read (TIFF, PGM, PPM, and corrupt ones) are skipped with a
    logged warning; load such data in memory (:func:`load_split`) instead.
    """
    import tensorflow as tf

    names = list(class_names)
    paths = [str(p) for p in files]
    ds = tf.data.Dataset.from_tensor_slices((tf.constant(paths), tf.constant(list(labels), tf.int32)))
    if shuffle:
        ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)

    def load(path: tf.Tensor, label: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        data = tf.io.read_file(path)
        # PNG/JPEG decode straight to grey like Keras; TF refuses channels=1 for BMP/GIF.
        is_png_or_jpeg = tf.logical_or(tf.strings.substr(data, 0, 4) == b"\x89PNG", tf.io.is_jpeg(data))
        grey = tf.cond(
            is_png_or_jpeg,
            lambda: tf.io.decode_image(data, channels=1, expand_animations=False),
            lambda: tf.cast(tf.round(tf.image.rgb_to_grayscale(
                tf.cast(tf.io.decode_image(data, channels=3, expand_animations=False), tf.float32))), tf.uint8),
        )
        grey.set_shape([None, None, 1])
        image = tf.image.resize(grey, (CHAR_INPUT_HEIGHT, CHAR_INPUT_WIDTH), method="bilinear")
        return image, label

    ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE).ignore_errors(log_warning=True)
    ds = ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    ds.class_names = names
    ds.file_paths = paths
    return ds
