"""Teach projects on disk: classes, samples, atomic saves, damaged projects, archives, data set export."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.teach.project import (
    ProjectError,
    add_class,
    add_files,
    add_image,
    delete_class,
    export_dataset,
    move_class,
    new_project,
    open_archive,
    open_project,
    remove_sample,
    rename_class,
    save_archive,
    save_project,
    training_samples,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def colour(value, size=(40, 50)):
    return np.full((*size, 3), value, np.uint8)


@pytest.fixture
def project(tmp_path):
    project = new_project(tmp_path / "proj", "Fruit")
    for name, value in (("apple", (200, 20, 20)), ("pear", (20, 200, 20))):
        add_class(project, name)
        for shade in range(3):
            add_image(project, name, colour(np.add(value, shade * 10)))
    project.settings.epochs = 7
    save_project(project)
    return project


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_round_trip_keeps_classes_samples_and_settings(project):
    reopened = open_project(project.folder)
    assert reopened.name == "Fruit" and reopened.class_names == ["apple", "pear"]
    assert reopened.settings.epochs == 7
    assert [len(c.samples) for c in reopened.classes] == [3, 3]
    first = cv2.cvtColor(cv2.imread(str(reopened.classes[0].samples[0])), cv2.COLOR_BGR2RGB)
    assert first.shape == (40, 50, 3) and tuple(first[0, 0]) == (200, 20, 20)


def test_class_editing(project):
    with pytest.raises(ProjectError, match="already a class named 'apple'"):
        add_class(project, " Apple ")
    with pytest.raises(ProjectError, match="already a class named 'pear'"):
        rename_class(project, "apple", "pear")
    with pytest.raises(ProjectError, match="cannot be empty"):
        add_class(project, "  ")
    rename_class(project, "apple", "red apple")
    add_class(project, "plum")
    move_class(project, 2, 0)
    assert project.class_names == ["plum", "red apple", "pear"]
    delete_class(project, "pear")
    removed = remove_sample(project, "red apple", 0)
    save_project(project)
    assert not removed.exists()  # deleted files go once the new project.json is in place
    reopened = open_project(project.folder)
    assert reopened.class_names == ["plum", "red apple"]
    assert [len(c.samples) for c in reopened.classes] == [0, 2]
    assert len(list((project.folder / "images").rglob("*.png"))) == 2


def test_unsaved_delete_loses_nothing(project):
    sample = project.classes[0].samples[0]
    remove_sample(project, "apple", sample)
    add_image(project, "apple", colour(1))  # must not reuse the removed sample's file name
    assert sample.exists()
    assert len(open_project(project.folder).classes[0].samples) == 3


def test_add_files_reports_unreadable_images_and_keeps_the_others(project, tmp_path):
    good = tmp_path / "good.png"
    cv2.imwrite(str(good), colour(90))
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not an image at all")
    folder = tmp_path / "more"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.png"), colour(30))
    (folder / "notes.txt").write_text("ignored: not an image suffix")
    added, problems = add_files(project, "pear", [good, bad, tmp_path / "missing.png", folder])
    assert len(added) == 2 and len(project.classes[1].samples) == 5
    assert [(p.name, "not a readable image" in r or "cannot read the file" in r) for p, r in problems] == [
        ("broken.jpg", True), ("missing.png", True)]


def test_training_needs_two_samples_per_class(project):
    add_class(project, "plum")
    add_image(project, "plum", colour(5))
    with pytest.raises(ProjectError, match="class 'plum' needs at least 2 samples"):
        training_samples(project)
    add_image(project, "plum", colour(6))
    paths, labels = training_samples(project)
    assert len(paths) == 8 and labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2]


@pytest.mark.parametrize("damage, message", [
    (lambda f: (f / "project.json").write_text('{"format": "cnn-classroom-teach", "vers'), "not valid JSON"),
    (lambda f: (f / "project.json").write_text(json.dumps(
        {**json.loads((f / "project.json").read_text()), "version": 99})), "version 99 is not supported"),
    (lambda f: next((f / "images").rglob("*.png")).unlink(), "1 sample image(s) are missing"),
    (lambda f: (f / "project.json").unlink(), "not found"),
])
def test_damaged_project_says_what_is_wrong_and_changes_nothing(project, damage, message):
    damage(project.folder)
    before = snapshot(project.folder)
    with pytest.raises(ProjectError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        open_project(project.folder)
    assert "proj" in str(error.value)
    assert snapshot(project.folder) == before


def test_a_crash_mid_save_leaves_the_old_project_intact(project):
    """A second process adds a class and samples, then dies just before project.json is replaced."""
    before = open_project(project.folder)
    script = textwrap.dedent(f"""
        import os, sys
        import numpy as np
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from desktop.core.teach import project as p
        proj = p.open_project({str(project.folder)!r})
        p.add_class(proj, "quince")
        for v in range(3):
            p.add_image(proj, "quince", np.full((30, 30, 3), v, np.uint8))
        p.remove_sample(proj, "apple", 0)
        real_replace = os.replace
        def die_before_json(src, dst):
            if str(dst).endswith("project.json"):
                os._exit(1)  # power cut: the new JSON is written to a temp file, never renamed
            real_replace(src, dst)
        os.replace = die_before_json
        p.save_project(proj)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    after = open_project(project.folder)
    assert after.class_names == before.class_names == ["apple", "pear"]
    assert after.classes[0].samples == before.classes[0].samples
    assert all(s.is_file() for c in after.classes for s in c.samples)
    # The interrupted save's temp file never counts as the project.
    assert json.loads((project.folder / "project.json").read_text())["name"] == "Fruit"


def test_archive_round_trip_and_bad_archives(project, tmp_path):
    archive = save_archive(project, tmp_path / "fruit.zip")
    opened = open_archive(archive, tmp_path / "unpacked")
    assert opened.class_names == ["apple", "pear"] and opened.settings.epochs == 7
    assert [len(c.samples) for c in opened.classes] == [3, 3]
    with pytest.raises(ProjectError, match="not empty"):
        open_archive(archive, tmp_path / "unpacked")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK garbage")
    with pytest.raises(ProjectError, match="junk.zip: not a readable project archive"):
        open_archive(junk, tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".nothing")]


def test_export_dataset_as_class_folders(project, tmp_path):
    rename_class(project, "pear", "pear/green")
    out = export_dataset(project, tmp_path / "data")
    assert sorted(p.name for p in out.iterdir()) == ["apple", "pear_green"]
    assert len(list((out / "apple").glob("*.png"))) == 3


def test_save_as_copies_into_a_new_folder(project, tmp_path):
    save_project(project, tmp_path / "copy")
    assert project.folder == tmp_path / "copy"
    reopened = open_project(tmp_path / "copy")
    assert all(str(s).startswith(str(tmp_path / "copy")) for c in reopened.classes for s in c.samples)
    assert len(open_project(tmp_path / "proj").classes[0].samples) == 3
