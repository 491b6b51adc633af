"""The dataset explorer's scan of generated CASIA folders and .gnt files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.dataset_scan import (
    THUMBNAIL_SIZE,
    DatasetError,
    ScanCancelled,
    scan_dataset,
    split_of_name,
)
from desktop.core.strokes import render
from training.gnt import write_gnt
from training.strokedata import load_medians


def character_image(char: str, height: int, pen: float = 8.0) -> np.ndarray:
    return render(load_medians(char), height=height, pen_width=pen)


def write_png(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cv2.imencode(".png", image)[1].tobytes())


def make_casia_folder(root: Path, counts: dict[str, dict[str, int]]) -> Path:
    """``root/<Split>/<char>/<n>.png`` with ``counts[split][char]`` images of growing height."""
    for split, per_class in counts.items():
        for char, n in per_class.items():
            for i in range(n):
                write_png(root / split / char / f"{i}.png", character_image(char, height=40 + 3 * i))
    return root


def test_casia_folder_counts_sizes_samples_and_corrupt_file(tmp_path):
    root = make_casia_folder(tmp_path / "数据", {"Train": {"山": 3, "木": 2}, "TEST": {"山": 1, "木": 1}})
    (root / "Train" / "木" / "broken.png").write_bytes(b"\x89PNG not really")
    steps = []
    summary = scan_dataset(root, progress=lambda d, t: steps.append((d, t)))

    assert summary.kind == "folder" and summary.split_names == ["train", "test"]
    assert summary.splits["train"].counts == {"木": 2, "山": 3}
    assert summary.splits["test"].counts == {"木": 1, "山": 1}
    assert summary.class_names == ["山", "木"] and summary.total == 7  # code point order, like Keras
    assert summary.corrupt == [(str(root / "Train" / "木" / "broken.png"), "not a readable image")]
    # Heights and widths of every image, as written.
    expected = {}
    for file in root.rglob("*.png"):
        if file.name != "broken.png":
            expected[file] = cv2.imread(str(file), cv2.IMREAD_GRAYSCALE).shape
    assert sorted(summary.heights) == sorted(h for h, _ in expected.values())
    assert sorted(summary.widths) == sorted(w for _, w in expected.values())
    # Every image is a sample while a class has fewer than 8.
    assert {c: len(s) for c, s in summary.splits["train"].samples.items()} == {"山": 3, "木": 2}
    assert all(s.dtype == np.uint8 and s.ndim == 2 for s in summary.splits["test"].samples["山"])
    assert steps[-1] == (8, 8)


def test_a_plain_folder_of_class_folders_is_one_split(tmp_path):
    root = make_casia_folder(tmp_path, {"mandarin": {"口": 2}}) / "mandarin"
    summary = scan_dataset(root)
    assert summary.split_names == ["all"] and summary.splits["all"].counts == {"口": 2}


def test_reservoir_keeps_a_bounded_fair_sample_of_thumbnails(tmp_path):
    image = character_image("山", height=200)
    write_gnt(tmp_path / "big.gnt", [("山", image)] * 40)
    summary = scan_dataset(tmp_path / "big.gnt", samples_per_class=5)
    samples = summary.splits["all"].samples["山"]
    assert len(samples) == 5 and summary.splits["all"].counts == {"山": 40}
    assert all(max(s.shape) <= THUMBNAIL_SIZE for s in samples)  # shrunk, not the 200-pixel original


def test_gnt_file_and_folder_of_gnt_files_with_a_corrupt_record(tmp_path):
    folder = tmp_path / "HWDB1.1"
    (folder / "HWDB1.1trn_gnt").mkdir(parents=True)
    (folder / "HWDB1.1tst_gnt").mkdir(parents=True)
    train = [("大", character_image("大", 50)), ("大", character_image("大", 60)), ("人", character_image("人", 45))]
    write_gnt(folder / "HWDB1.1trn_gnt" / "1001-c.gnt", train)
    write_gnt(folder / "HWDB1.1tst_gnt" / "1241-c.gnt", [("人", character_image("人", 52))])
    # A record whose size disagrees with its bitmap, appended to the test file.
    with open(folder / "HWDB1.1tst_gnt" / "1241-c.gnt", "ab") as f:
        f.write(np.array([999], "<u4").tobytes() + "人".encode("gb2312") + np.array([3, 3], "<u2").tobytes())

    steps = []
    summary = scan_dataset(folder, progress=lambda d, t: steps.append((d, t)))
    assert summary.kind == "gnt" and summary.split_names == ["train", "test"]
    assert summary.splits["train"].counts == {"人": 1, "大": 2}
    assert summary.splits["test"].counts == {"人": 1}
    assert sorted(summary.splits["train"].heights) == sorted(img.shape[0] for _, img in train)
    assert len(summary.corrupt) == 1
    source, reason = summary.corrupt[0]
    assert source.endswith("1241-c.gnt#1") and "inconsistent record" in reason
    total = sum(p.stat().st_size for p in folder.rglob("*.gnt"))
    assert steps[-1] == (total, total)

    single = scan_dataset(folder / "HWDB1.1trn_gnt" / "1001-c.gnt")
    assert single.split_names == ["all"] and single.splits["all"].counts == {"人": 1, "大": 2}


def test_cancel_and_bad_paths(tmp_path):
    write_gnt(tmp_path / "x.gnt", [("山", character_image("山", 30))] * 200)
    with pytest.raises(ScanCancelled):
        scan_dataset(tmp_path / "x.gnt", cancelled=lambda: True)
    with pytest.raises(DatasetError, match="does not exist"):
        scan_dataset(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DatasetError, match=r"notes\.txt: not a \.gnt file"):
        scan_dataset(tmp_path / "notes.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no images found"):
        scan_dataset(tmp_path / "empty")


@pytest.mark.parametrize(
    ("name", "split"),
    [("HWDB1.1trn_gnt", "train"), ("Test", "test"), ("1241-c.gnt", "all"), ("my_TRAIN.gnt", "train")],
)
def test_split_of_name(name, split):
    assert split_of_name(name) == split
