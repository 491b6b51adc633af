"""Class-folder loading (the course's layout), load_any's dispatch and the streaming pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core.contract import COURSE_CHARACTERS
from desktop.core.framing import stretch_to_input
from training.casia import load_any, load_folder, load_split, stream_split
from training.data import resolve_classes
from training.errors import DataError, UnknownCharacterError
from training.gnt import write_gnt
from training.pot import write_pot

CLASSES = ["东", "人", "鸟"]  # already in code-point order
NAMES = ["1.png", "2.png", "10.png"]  # string order would put 10 before 2
SIZES = [(97, 71), (40, 33), (120, 58)]


def drawing(seed: int, height: int, width: int) -> np.ndarray:
    """A grey 'character': paper, a few strokes of varying darkness, some scanner noise."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width), 255, np.uint8)
    for _ in range(4):
        p, q = rng.integers(0, [width, height], size=(2, 2))
        cv2.line(img, tuple(map(int, p)), tuple(map(int, q)), int(rng.integers(0, 120)), int(rng.integers(1, 6)))
    noise = rng.integers(-20, 1, img.shape)
    return np.clip(img.astype(int) + noise, 0, 255).astype(np.uint8)


def make_class_folders(folder: Path, classes=CLASSES, seed: int = 0) -> dict[Path, np.ndarray]:
    """folder/<char>/{1,2,10}.png; the middle class's first file is colour (RGB) on purpose."""
    written = {}
    for c, char in enumerate(classes):
        (folder / char).mkdir(parents=True)
        for i, (name, (h, w)) in enumerate(zip(NAMES, SIZES)):
            grey = drawing(seed + 10 * c + i, h + c, w - c)
            path = folder / char / name
            image = cv2.merge([grey, grey, grey]) if (c, i) == (1, 0) else grey
            ok, encoded = cv2.imencode(".png", image)
            encoded.tofile(path)  # non-ASCII paths work on every OS this way
            written[path] = grey
    return written


@pytest.fixture()
def dataset(tmp_path):
    root = tmp_path / "casia"
    train = make_class_folders(root / "Train", seed=0)
    test = make_class_folders(root / "Test", seed=100)
    return root, train, test


def expected_input(grey: np.ndarray) -> np.ndarray:
    return np.rint(stretch_to_input(grey)).astype(np.uint8)


def test_order_labels_and_pixels(dataset):
    root, train, _ = dataset
    data = load_folder(root / "Train")
    assert data.class_names == CLASSES
    assert data.images.shape == (9, 80, 60, 1) and data.images.dtype == np.uint8
    assert data.labels.dtype == np.int32 and data.labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert data.sources == [str(root / "Train" / c / n) for c in CLASSES for n in NAMES]
    for image, source in zip(data.images, data.sources):
        np.testing.assert_array_equal(image, expected_input(train[Path(source)]))
    assert data.skipped == []


def test_matches_keras_image_dataset_from_directory(dataset):
    keras = pytest.importorskip("keras")
    root, _, _ = dataset
    ours = load_folder(root / "Train")
    ds = keras.utils.image_dataset_from_directory(
        root / "Train", color_mode="grayscale", image_size=(80, 60), shuffle=False, batch_size=None, verbose=False
    )
    assert ds.class_names == ours.class_names
    position = {s: i for i, s in enumerate(ours.sources)}
    seen = 0
    for path, (image, label) in zip(ds.file_paths, ds.as_numpy_iterator()):
        i = position[path]
        assert int(label) == ours.labels[i]
        assert np.abs(image - ours.images[i].astype(np.float32)).max() <= 0.5 + 1e-3
        seen += 1
    assert seen == len(ours) == 9


def test_class_restriction(dataset):
    root, _, _ = dataset
    few = load_split(root, "Train", resolve_classes("鸟,东"))
    assert few.class_names == ["东", "鸟"]
    assert few.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert all("人" not in s for s in few.sources)
    given_order = load_split(root, "Train", ["鸟", "东"])  # a caller's order is kept, like Keras
    assert given_order.class_names == ["鸟", "东"]
    assert given_order.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert given_order.sources[:3] == [s.replace("东", "鸟") for s in few.sources[:3]]
    everything = load_split(root, "Train", resolve_classes("all"))
    assert everything.class_names == CLASSES and len(everything) == 9
    with pytest.raises(UnknownCharacterError) as error:
        load_split(root, "Train", resolve_classes("course"))
    message = str(error.value)
    assert f"no class folder for {len(COURSE_CHARACTERS) - 3} requested class(es): 主, 从, 众" in message
    assert str(root / "Train") in message and "人" not in message.split(":")[-1]


def test_missing_classes_name_the_ignored_folders(tmp_path):
    make_class_folders(tmp_path / "d", classes=["东", "人", "山", "川"])
    with pytest.raises(UnknownCharacterError, match=r"for 1 requested class\(es\): 鸟; 2 other folder\(s\) there were ignored: 山, 川"):
        load_folder(tmp_path / "d", ["东", "人", "鸟"])


def test_split_names_are_matched_without_case(dataset):
    root, _, test = dataset
    data = load_split(root, "test")
    assert set(map(Path, data.sources)) == set(test)
    with pytest.raises(DataError, match=r"has no 'Val' folder \(it has: Test, Train\)"):
        load_split(root, "Val")


def test_corrupt_image_is_skipped_or_fatal_when_strict(dataset, caplog):
    root, _, _ = dataset
    broken = root / "Train" / "人" / "2.png"
    broken.write_bytes(broken.read_bytes()[:40])
    (root / "Train" / "人" / "notes.txt").write_text("not an image, not listed")
    with caplog.at_level(logging.WARNING, logger="training.casia"):
        data = load_folder(root / "Train")
    assert len(data) == 8 and str(broken) not in data.sources
    assert data.skipped == [(str(broken), "not a readable image (corrupt or truncated)")]
    assert data.labels.tolist() == [0, 0, 0, 1, 1, 2, 2, 2]
    assert "skipped 1 unreadable image(s) of 9" in caplog.text
    with pytest.raises(DataError, match=r"人.2\.png: not a readable image"):
        load_folder(root / "Train", strict=True)


@pytest.mark.parametrize(
    "arrange, pattern",
    [
        (lambda p: None, r"missing does not exist"),
        (lambda p: p.write_bytes(b"x"), r"missing is a file, not a folder"),
        (lambda p: p.mkdir(), r"missing holds no class folders"),
        (lambda p: (p.mkdir(), cv2.imwrite(str(p / "1.png"), np.zeros((5, 5), np.uint8))),
         r"missing holds 1 images but no class folders"),
        (lambda p: (p.mkdir(), (p / "Train").mkdir(), (p / "Test").mkdir()),
         r"missing holds the Train and Test splits, not class folders"),
        (lambda p: (make_class_folders(p), (p / "空").mkdir(), (p / "空" / "readme.txt").write_text("")),
         r"class folder .*空 holds no images"),
    ],
    ids=["missing", "file", "empty", "loose-images", "splits", "empty-class"],
)
def test_layout_errors_name_the_folder(tmp_path, arrange, pattern):
    path = tmp_path / "missing"
    arrange(path)
    with pytest.raises(DataError, match=pattern):
        load_folder(path)


def test_bad_class_lists(dataset):
    root, _, _ = dataset
    with pytest.raises(DataError, match="names 东 more than once"):
        load_split(root, "Train", ["东", "人", "东"])
    with pytest.raises(DataError, match="class list is empty"):
        load_split(root, "Train", [])


def test_other_image_types_load(tmp_path):
    grey = drawing(7, 50, 40)
    (tmp_path / "d" / "x").mkdir(parents=True)
    cv2.imwrite(str(tmp_path / "d" / "x" / "a.bmp"), grey)
    cv2.imwrite(str(tmp_path / "d" / "x" / "b.jpg"), grey, [cv2.IMWRITE_JPEG_QUALITY, 100])
    from PIL import Image

    Image.fromarray(grey).save(tmp_path / "d" / "x" / "c.gif")
    data = load_folder(tmp_path / "d")
    assert [Path(s).name for s in data.sources] == ["a.bmp", "b.jpg", "c.gif"]
    np.testing.assert_array_equal(data.images[0], expected_input(grey))
    assert np.abs(data.images[1].astype(int) - expected_input(grey)).max() <= 8  # lossy JPEG
    np.testing.assert_array_equal(data.images[2], expected_input(grey))  # GIF palette holds every grey


def test_progress_bar(dataset, capsys):
    root, _, _ = dataset
    load_split(root, "Train", progress=True)
    assert "9/9" in capsys.readouterr().out


def test_load_any_dispatch(dataset, tmp_path):
    root, _, _ = dataset
    with pytest.raises(DataError, match="holds the Train and Test splits: choose one"):
        load_any(root)
    assert load_any(root, split="Train").sources == load_split(root, "Train").sources
    assert len(load_any(root / "Test")) == 9

    gnt_dir = tmp_path / "gnt"
    gnt_dir.mkdir()
    write_gnt(gnt_dir / "2.gnt", [("鸟", drawing(1, 30, 20))])
    write_gnt(gnt_dir / "10.gnt", [("东", drawing(2, 30, 20))])
    data = load_any(gnt_dir)
    assert data.sources == [f"{gnt_dir / '2.gnt'}#0", f"{gnt_dir / '10.gnt'}#0"]
    assert load_any(gnt_dir / "10.gnt").class_names == ["东"]

    pot = tmp_path / "w.pot"
    write_pot(pot, [("人", [np.array([(0, 0), (10, 30)])])])
    assert load_any(pot).class_names == ["人"]
    (gnt_dir / "w.pot").write_bytes(pot.read_bytes())
    with pytest.raises(DataError, match="holds both .gnt and .pot files"):
        load_any(gnt_dir)
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(DataError, match=r"notes\.txt: unknown data file type '.txt'"):
        load_any(tmp_path / "notes.txt")
    with pytest.raises(DataError, match="nothing does not exist"):
        load_any(tmp_path / "nothing")


def test_stream_split_matches_load_split_and_survives_a_corrupt_png(dataset):
    tf = pytest.importorskip("tensorflow")
    root, _, _ = dataset
    broken = root / "Test" / "东" / "10.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    loaded = load_split(root, "Test", CLASSES)
    ds = stream_split(root, "Test", CLASSES, batch_size=4)
    assert ds.class_names == CLASSES and len(ds.file_paths) == 9
    batches = list(ds.as_numpy_iterator())
    assert [len(y) for _, y in batches] == [4, 4]
    images = np.concatenate([x for x, _ in batches])
    labels = np.concatenate([y for _, y in batches])
    assert images.dtype == np.float32 and images.shape == (8, 80, 60, 1) and labels.dtype == np.int32
    np.testing.assert_array_equal(labels, loaded.labels)
    assert np.abs(images - loaded.images).max() <= 0.5 + 1e-3

    shuffled = stream_split(root, "Test", CLASSES, batch_size=16, shuffle=True, seed=3)
    first = next(iter(shuffled))[1].numpy()
    again = next(iter(stream_split(root, "Test", CLASSES, batch_size=16, shuffle=True, seed=3)))[1].numpy()
    np.testing.assert_array_equal(first, again)
    assert sorted(first.tolist()) == sorted(labels.tolist()) and first.tolist() != labels.tolist()
    assert isinstance(ds, tf.data.Dataset)


def test_stream_split_checks_the_layout(dataset):
    root, _, _ = dataset
    with pytest.raises(UnknownCharacterError, match="大"):
        stream_split(root, "Train", ["东", "大"])
