"""A Teach project on disk: classes, their sample images and the training settings.

Layout of a project folder::

    project.json            name, settings, classes (id, name, sample paths relative to the folder)
    images/<class-id>/<n>.png

Why the writes are ordered the way they are: images are written (each one atomically) before the
``project.json`` that references them, and ``project.json`` itself is replaced in one
``os.replace``. Removed samples are only deleted from disk *after* the new ``project.json`` is in
place. So a crash or power cut at any moment leaves either the old project or the new one, both
complete. Opening a damaged project raises :class:`ProjectError` naming the problem and never
writes anything. Qt-free: numpy + OpenCV only.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
import uuid
import zipfile
import zlib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np

from desktop.core.atomic import atomic_path, write_bytes_atomic
from desktop.core.file_kinds import IMAGE_SUFFIXES
from desktop.core.images import ImageDecodeError, decode_rgb

PROJECT_FILE = "project.json"
IMAGES_DIR = "images"
FORMAT_NAME = "cnn-classroom-teach"
FORMAT_VERSION = 1
#: Stored samples are shrunk so their short side is at most this (the extractor sees 224x224;
#: the margin leaves room for crop augmentation) - thousands of webcam frames stay small.
MAX_SHORT_SIDE = 448
MIN_SAMPLES_PER_CLASS = 2


class ProjectError(ValueError):
    """A project that cannot be opened, saved or trained as asked; the message says why."""


class TeachCancelled(Exception):
    """The user cancelled a long Teach job (embedding or training)."""


@dataclass
class TrainSettings:
    epochs: int = 50
    batch_size: int = 16
    learning_rate: float = 0.01
    augment: bool = False
    holdout: float = 0.15
    seed: int = 0


@dataclass
class TeachClass:
    name: str
    samples: list[Path] = field(default_factory=list)
    #: Stable folder name under ``images/`` so renaming a class never moves files.
    id: str = field(default_factory=lambda: "c" + uuid.uuid4().hex[:10])


@dataclass
class TeachProject:
    name: str
    classes: list[TeachClass] = field(default_factory=list)
    settings: TrainSettings = field(default_factory=TrainSettings)
    folder: Path | None = None

    @property
    def class_names(self) -> list[str]:
        return [c.name for c in self.classes]

    def find_class(self, key: str | int) -> TeachClass:
        """The class with this name or index (ProjectError if there is none)."""
        if isinstance(key, int):
            if not 0 <= key < len(self.classes):
                raise ProjectError(f"there is no class number {key + 1} (the project has {len(self.classes)})")
            return self.classes[key]
        for teach_class in self.classes:
            if teach_class.name == key:
                return teach_class
        raise ProjectError(f"there is no class named {key!r}")


# -- classes ------------------------------------------------------------------------------------
def _clean_name(project: TeachProject, name: str, ignore: TeachClass | None = None) -> str:
    cleaned = str(name).strip()
    if not cleaned:
        raise ProjectError("a class name cannot be empty")
    for other in project.classes:
        # Case-insensitive: class folders of an exported data set must not collide on Windows/macOS.
        if other is not ignore and other.name.casefold() == cleaned.casefold():
            raise ProjectError(f"there is already a class named {other.name!r}; class names must be unique")
    return cleaned


def add_class(project: TeachProject, name: str) -> TeachClass:
    teach_class = TeachClass(_clean_name(project, name))
    project.classes.append(teach_class)
    return teach_class


def rename_class(project: TeachProject, key: str | int, new_name: str) -> TeachClass:
    teach_class = project.find_class(key)
    teach_class.name = _clean_name(project, new_name, ignore=teach_class)
    return teach_class


def delete_class(project: TeachProject, key: str | int) -> TeachClass:
    """Forget a class; its image files go at the next save (so an unsaved delete loses nothing)."""
    teach_class = project.find_class(key)
    project.classes.remove(teach_class)
    return teach_class


def move_class(project: TeachProject, index: int, new_index: int) -> None:
    teach_class = project.find_class(index)
    if not 0 <= new_index < len(project.classes):
        raise ProjectError(f"cannot move a class to position {new_index + 1} of {len(project.classes)}")
    project.classes.pop(index)
    project.classes.insert(new_index, teach_class)


# -- samples ------------------------------------------------------------------------------------
def _as_rgb_uint8(rgb: np.ndarray) -> np.ndarray:
    image = np.asarray(rgb)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] not in (3, 4) or min(image.shape[:2]) < 1:
        raise ProjectError(f"expected an RGB image [H, W, 3], got shape {list(image.shape)}")
    image = image[:, :, :3]
    if image.dtype != np.uint8:
        image = np.clip(np.asarray(image, dtype=np.float64), 0, 255).round().astype(np.uint8)
    return image


def _shrink(rgb: np.ndarray) -> np.ndarray:
    short = min(rgb.shape[:2])
    if short <= MAX_SHORT_SIDE:
        return rgb
    scale = MAX_SHORT_SIDE / short
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def _require_folder(project: TeachProject) -> Path:
    if project.folder is None:
        raise ProjectError("the project has no folder yet; create it with new_project(folder, name)")
    return Path(project.folder)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    write_bytes_atomic(path, data)


def _next_image_path(folder: Path) -> Path:
    # Numbers never reuse a file on disk: an unsaved delete must not overwrite an image the
    # saved project.json still references.
    numbers = [int(p.stem) for p in folder.glob("*.png") if p.stem.isdigit()] if folder.is_dir() else []
    return folder / f"{max(numbers, default=0) + 1:05d}.png"


def add_image(project: TeachProject, class_name: str | int, rgb: np.ndarray) -> Path:
    """Store an RGB image (camera frame, drawing) as a PNG sample of a class; returns its path."""
    folder = _require_folder(project)
    teach_class = project.find_class(class_name)
    image = _shrink(_as_rgb_uint8(rgb))
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ProjectError("could not encode the image as PNG")
    path = _next_image_path(folder / IMAGES_DIR / teach_class.id)
    atomic_write_bytes(path, encoded.tobytes())
    teach_class.samples.append(path)
    return path


def read_rgb(path: str | Path) -> np.ndarray:
    """An image file as RGB uint8 ``[H, W, 3]``; ProjectError naming the file if it cannot be read."""
    path = Path(path)
    try:
        data = np.fromfile(str(path), dtype=np.uint8)  # imdecode copes with non-ASCII paths on Windows
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        return decode_rgb(data, unreadable="not a readable image")
    except ImageDecodeError as exc:
        raise ProjectError(f"{path}: {exc}") from exc


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            files.append(path)
    return files


def add_files(project: TeachProject, class_name: str | int,
              paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Copy image files (folders are searched for images) into a class.

    Returns ``(added sample paths, problems)``; each problem is ``(file, reason)``. One bad file
    never stops the others.
    """
    project.find_class(class_name)  # fail early on an unknown class
    added: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for path in _expand(paths):
        try:
            added.append(add_image(project, class_name, read_rgb(path)))
        except ProjectError as exc:
            problems.append((path, str(exc).removeprefix(f"{path}: ")))
    return added, problems


def remove_sample(project: TeachProject, class_name: str | int, sample: Path | int) -> Path:
    """Forget one sample (by path or index); the file goes at the next save."""
    teach_class = project.find_class(class_name)
    if isinstance(sample, int):
        if not 0 <= sample < len(teach_class.samples):
            raise ProjectError(f"class {teach_class.name!r} has no sample number {sample + 1}")
        return teach_class.samples.pop(sample)
    sample = Path(sample)
    for i, existing in enumerate(teach_class.samples):
        if existing == sample:
            return teach_class.samples.pop(i)
    raise ProjectError(f"{sample} is not a sample of class {teach_class.name!r}")


def training_samples(project: TeachProject) -> tuple[list[Path], np.ndarray]:
    """All sample paths and their class indices, after checking the project can be trained."""
    if len(project.classes) < 2:
        raise ProjectError("training needs at least 2 classes")
    for teach_class in project.classes:
        if len(teach_class.samples) < MIN_SAMPLES_PER_CLASS:
            raise ProjectError(f"class {teach_class.name!r} needs at least {MIN_SAMPLES_PER_CLASS} samples "
                               f"(it has {len(teach_class.samples)})")
    paths = [p for c in project.classes for p in c.samples]
    labels = np.concatenate([np.full(len(c.samples), i, np.int64) for i, c in enumerate(project.classes)])
    return paths, labels


# -- saving and opening -------------------------------------------------------------------------
def new_project(folder: str | Path, name: str) -> TeachProject:
    """A new, empty project in ``folder`` (created; it must not hold a project already)."""
    folder = Path(folder)
    if (folder / PROJECT_FILE).exists():
        raise ProjectError(f"{folder} already holds a project; open it instead")
    if not str(name).strip():
        raise ProjectError("a project needs a name")
    project = TeachProject(str(name).strip(), [], TrainSettings(), folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_project(project)
    return project


def _relative(folder: Path, sample: Path) -> str:
    try:
        return Path(sample).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError as exc:
        raise ProjectError(f"{sample} is not inside the project folder {folder}") from exc


def project_document(project: TeachProject) -> dict:
    """The JSON document of a project (sample paths relative to its folder)."""
    folder = _require_folder(project)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": project.name,
        "settings": asdict(project.settings),
        "classes": [
            {"id": c.id, "name": c.name, "samples": [_relative(folder, s) for s in c.samples]}
            for c in project.classes
        ],
    }


def _copy_into(project: TeachProject, folder: Path) -> None:
    """Save as: copy every sample into ``folder`` and point the project there."""
    for teach_class in project.classes:
        copied = []
        for sample in teach_class.samples:
            target = _next_image_path(folder / IMAGES_DIR / teach_class.id)
            atomic_write_bytes(target, Path(sample).read_bytes())
            copied.append(target)
        teach_class.samples = copied
    project.folder = folder


def save_project(project: TeachProject, folder: str | Path | None = None) -> Path:
    """Write ``project.json`` atomically (a new ``folder`` = save as); returns its path."""
    if folder is not None and (project.folder is None or Path(folder).resolve() != Path(project.folder).resolve()):
        target = Path(folder)
        if (target / PROJECT_FILE).exists():
            raise ProjectError(f"{target} already holds a project; choose an empty folder")
        target.mkdir(parents=True, exist_ok=True)
        _copy_into(project, target)
    folder = _require_folder(project)
    missing = [s for c in project.classes for s in c.samples if not Path(s).is_file()]
    if missing:
        raise ProjectError(f"{len(missing)} sample image(s) are missing, e.g. {missing[0]}; nothing was saved")
    document = project_document(project)
    path = folder / PROJECT_FILE
    atomic_write_bytes(path, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    _remove_unreferenced_images(folder, document)
    return path


def _remove_unreferenced_images(folder: Path, document: dict) -> None:
    # Only after the new project.json is in place: until then the old one may still need them.
    referenced = {(folder / s).resolve() for c in document["classes"] for s in c["samples"]}
    images = folder / IMAGES_DIR
    if not images.is_dir():
        return
    for path in images.rglob("*"):
        if path.is_file() and path.resolve() not in referenced:
            path.unlink(missing_ok=True)
    for sub in sorted((p for p in images.iterdir() if p.is_dir()), reverse=True):
        if not any(sub.iterdir()):
            sub.rmdir()


def _fail(path: Path, reason: str) -> ProjectError:
    return ProjectError(f"{path}: {reason}")


def _settings_from(value: object, path: Path) -> TrainSettings:
    if not isinstance(value, dict):
        raise _fail(path, "'settings' must be an object")
    defaults = TrainSettings()
    kwargs = {}
    for f in fields(TrainSettings):
        if f.name not in value:
            continue
        raw, wanted = value[f.name], type(getattr(defaults, f.name))
        if wanted is float and isinstance(raw, int) and not isinstance(raw, bool):
            raw = float(raw)
        if type(raw) is not wanted:
            raise _fail(path, f"setting {f.name!r} must be a {wanted.__name__}, found {raw!r:.40}")
        if f.name in _SETTING_RANGES and not _SETTING_RANGES[f.name][0](raw):
            raise _fail(path, f"setting {f.name!r} must be {_SETTING_RANGES[f.name][1]}, found {raw!r}")
        kwargs[f.name] = raw
    return TrainSettings(**kwargs)


#: What a loaded setting must satisfy (JSON allows NaN, and a hand-edited file anything else).
_SETTING_RANGES = {
    "epochs": (lambda v: 1 <= v <= 100_000, "between 1 and 100000"),
    "batch_size": (lambda v: 1 <= v <= 100_000, "between 1 and 100000"),
    "learning_rate": (lambda v: math.isfinite(v) and 0 < v <= 10, "a number above 0 and at most 10"),
    "holdout": (lambda v: math.isfinite(v) and 0 <= v < 1, "at least 0 and below 1"),
    "seed": (lambda v: 0 <= v < 2**32, "between 0 and 2**32 - 1"),
}


def open_project(folder: str | Path) -> TeachProject:
    """Read a project folder, checking everything first; ProjectError says what is wrong."""
    folder = Path(folder)
    path = folder / PROJECT_FILE
    if not folder.is_dir():
        raise ProjectError(f"{folder}: no such folder")
    if not path.is_file():
        raise _fail(path, "not found - this folder is not a Teach project")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise _fail(path, f"damaged (not UTF-8 text: {exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise _fail(path, f"damaged (not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    except RecursionError:  # json nests on the C stack
        raise _fail(path, "damaged (JSON nested too deeply)") from None
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise _fail(path, "not a Teach project file")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise _fail(path, f"project format version {version!r} is not supported (this app reads version "
                          f"{FORMAT_VERSION}); it may come from a newer CNN Classroom")
    name = document.get("name")
    classes = document.get("classes")
    if not isinstance(name, str) or not isinstance(classes, list):
        raise _fail(path, "'name' must be text and 'classes' a list")
    settings = _settings_from(document.get("settings", {}), path)
    project = TeachProject(name, [], settings, folder)
    missing: list[str] = []
    for entry in classes:
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("id"), str)
                and isinstance(entry.get("samples"), list) and all(isinstance(s, str) for s in entry["samples"])):
            raise _fail(path, f"class entry {entry!r:.80} needs 'id', 'name' and a list of 'samples'")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", entry["id"]):
            raise _fail(path, f"class id {entry['id']!r} is not a plain folder name")
        try:
            _clean_name(project, entry["name"])
        except ProjectError as exc:
            raise _fail(path, str(exc)) from exc
        samples = []
        for relative in entry["samples"]:
            sample = folder / relative
            if Path(relative).is_absolute() or ".." in Path(relative).parts:
                raise _fail(path, f"sample path {relative!r} points outside the project")
            if not sample.is_file():
                missing.append(relative)
            samples.append(sample)
        project.classes.append(TeachClass(entry["name"].strip(), samples, entry["id"]))
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise _fail(path, f"{len(missing)} sample image(s) are missing: {shown}")
    return project


# -- archives and data set export ---------------------------------------------------------------
def save_archive(project: TeachProject, zip_path: str | Path) -> Path:
    """The whole project (JSON, images, settings) as one .zip, written atomically."""
    zip_path = Path(zip_path)
    folder = _require_folder(project)
    document = project_document(project)
    with atomic_path(zip_path) as temp:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
            archive.writestr(PROJECT_FILE, json.dumps(document, ensure_ascii=False, indent=1))
            for entry in document["classes"]:
                for relative in entry["samples"]:
                    archive.write(folder / relative, relative)
    return zip_path


def open_archive(zip_path: str | Path, folder: str | Path) -> TeachProject:
    """Unpack a project archive into ``folder`` (new or empty) and open it.

    The archive is unpacked beside ``folder`` and checked first; only a good project is renamed
    into place, so a bad archive leaves nothing behind.
    """
    zip_path, folder = Path(zip_path), Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise ProjectError(f"{folder} is not empty; choose an empty folder to unpack {zip_path.name} into")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        try:
            with zipfile.ZipFile(zip_path) as archive:
                for member in archive.namelist():
                    if not member:  # a damaged name field; zipfile itself fails on it with an IndexError
                        raise ProjectError(f"{zip_path}: not a readable project archive (an entry has no name)")
                    parts = Path(member).parts
                    if Path(member).is_absolute() or ".." in parts:
                        raise ProjectError(f"{zip_path}: entry {member!r} points outside the project")
                # A few kilobytes of zip can claim terabytes: check the room before unpacking.
                unpacked = sum(info.file_size for info in archive.infolist())
                free = shutil.disk_usage(staging).free
                if unpacked > free:
                    raise ProjectError(f"{zip_path}: unpacking needs {unpacked / 1e9:.1f} GB but only "
                                       f"{free / 1e9:.1f} GB are free")
                archive.extractall(staging)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
                ValueError) as exc:  # damaged, encrypted, or compressed in a way zipfile cannot read
            if isinstance(exc, ProjectError):
                raise
            raise ProjectError(f"{zip_path}: not a readable project archive ({exc})") from exc
        try:
            open_project(staging)
        except ProjectError as exc:
            raise ProjectError(f"{zip_path}: {str(exc).removeprefix(str(staging / PROJECT_FILE) + ': ')}") from exc
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return open_project(folder)


def _safe_folder_name(name: str) -> str:
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", name).strip(" .")
    return cleaned or "class"


def export_dataset(project: TeachProject, folder: str | Path) -> Path:
    """The samples as class folders ``folder/<class name>/<n>.png`` (for Keras or other tools)."""
    folder = Path(folder)
    for teach_class in project.classes:
        target = folder / _safe_folder_name(teach_class.name)
        target.mkdir(parents=True, exist_ok=True)
        for n, sample in enumerate(teach_class.samples, start=1):
            shutil.copyfile(sample, target / f"{n:05d}{Path(sample).suffix}")
    return folder


def samples_per_class(project: TeachProject) -> dict[str, int]:
    return {c.name: len(c.samples) for c in project.classes}


__all__: Sequence[str] = (
    "ProjectError", "TeachCancelled", "TrainSettings", "TeachClass", "TeachProject", "new_project", "add_class",
    "rename_class", "delete_class", "move_class", "add_image", "add_files", "remove_sample", "read_rgb",
    "training_samples", "save_project", "open_project", "save_archive", "open_archive", "export_dataset",
    "project_document", "samples_per_class",
)
