"""Fuzz Teach projects: ``project.json`` documents and project archives.

Opening either works (every sample inside the folder, every setting in range) or raises
``ProjectError`` saying what is wrong; an archive that fails leaves nothing behind.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.teach.project import FORMAT_NAME, FORMAT_VERSION, ProjectError, open_archive, open_project
from tests.fuzz.fuzzing import fuzz_settings, mutate

scalars = (st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=8))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=25)
sample_paths = st.sampled_from(["images/c1/00001.png", "images/c1/missing.png", "../outside.png", "/etc/passwd",
                                "images", "", "images/c1/00001.png/..", "C:\\x.png", "images/c1/./00001.png"])
settings_values = st.dictionaries(
    st.sampled_from(["epochs", "batch_size", "learning_rate", "augment", "holdout", "seed", "other"]),
    scalars | st.integers(-3, 300) | st.floats(-1, 2), max_size=6)
class_entries = st.fixed_dictionaries(
    {"id": st.sampled_from(["c1", "c2", "bad id", "../x", ""]) | st.text(max_size=4),
     "name": st.sampled_from(["apple", "Apple", " ", "pear"]) | st.text(max_size=4),
     "samples": st.lists(sample_paths, max_size=3)},
    optional={"extra": scalars})
documents = st.fixed_dictionaries(
    {"format": st.sampled_from([FORMAT_NAME, "other"]), "version": st.sampled_from([FORMAT_VERSION, 2, "1", None]),
     "name": st.text(max_size=6) | scalars, "classes": st.lists(class_entries | json_values, max_size=3)},
    optional={"settings": settings_values | json_values})


@pytest.fixture(scope="module")
def project_folder():
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "images" / "c1").mkdir(parents=True)
        ok, png = cv2.imencode(".png", np.full((8, 8, 3), 200, np.uint8))
        (root / "images" / "c1" / "00001.png").write_bytes(png.tobytes())
        yield root


def open_checked(folder: Path) -> None:
    try:
        project = open_project(folder)
    except ProjectError as exc:
        assert str(exc)
        return
    for teach_class in project.classes:
        for sample in teach_class.samples:
            assert sample.is_file() and sample.resolve().is_relative_to(folder.resolve())
    s = project.settings
    assert s.epochs >= 1 and s.batch_size >= 1 and 0 < s.learning_rate and 0 <= s.holdout < 1


@fuzz_settings(1500)
@given(document=documents)
def test_generated_project_documents(project_folder, document):
    (project_folder / "project.json").write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    open_checked(project_folder)


@fuzz_settings(600)
@given(document=json_values)
def test_any_json_document(project_folder, document):
    (project_folder / "project.json").write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    open_checked(project_folder)


VALID = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "name": "Fruit",
                    "settings": {"epochs": 5}, "classes": [{"id": "c1", "name": "apple",
                                                            "samples": ["images/c1/00001.png"]}]}).encode()


@fuzz_settings(1000)
@given(changes=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)), max_size=5))
def test_mutated_project_file(project_folder, changes):
    (project_folder / "project.json").write_bytes(mutate(VALID, changes))
    open_checked(project_folder)


def test_settings_out_of_range_are_refused(project_folder):
    for bad in ({"learning_rate": float("nan")}, {"holdout": 5.0}, {"epochs": 0}, {"batch_size": -1}):
        document = json.loads(VALID)
        document["settings"] = bad
        (project_folder / "project.json").write_text(json.dumps(document, allow_nan=True))
        with pytest.raises(ProjectError, match=f"setting '{next(iter(bad))}' must be"):
            open_project(project_folder)


def _archive(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` with fixed dates: the same bytes every run, so the mutations below are too."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


ARCHIVE = _archive({"project.json": VALID, "images/c1/00001.png": cv2.imencode(".png", np.zeros((4, 4, 3), np.uint8))[1].tobytes()})


@fuzz_settings(200)
@given(data=st.binary(max_size=300) | st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)),
                                               min_size=1, max_size=4).map(lambda e: mutate(ARCHIVE, e)))
def test_project_archives(data):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "in.zip").write_bytes(data)
        try:
            project = open_archive(root / "in.zip", root / "out")
        except ProjectError:
            assert not (root / "out").exists() or not any((root / "out").iterdir())
            assert [p.name for p in root.iterdir()] in (["in.zip"], ["in.zip", "out"], ["out", "in.zip"])
            return
        assert project.folder == root / "out"


def test_an_archive_entry_with_an_empty_name_is_refused_not_a_crash(tmp_path):
    # Found by the mutation test above: zipfile's own extractall raises IndexError on such an entry.
    (tmp_path / "in.zip").write_bytes(_archive({"project.json": VALID, "": b"x"}))
    with pytest.raises(ProjectError, match="an entry has no name"):
        open_archive(tmp_path / "in.zip", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.zip"]


def test_an_archive_claiming_more_than_the_free_disk_is_refused(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    monkeypatch.setattr(shutil, "disk_usage", lambda p: namedtuple("U", "total used free")(10**6, 0, 1000))
    (tmp_path / "in.zip").write_bytes(_archive({"project.json": VALID, "big.bin": b"\0" * 100_000}))
    with pytest.raises(ProjectError, match="unpacking needs"):
        open_archive(tmp_path / "in.zip", tmp_path / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["in.zip"]
