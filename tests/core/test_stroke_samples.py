"""The shipped stroke data: the course's per-character files and the GB2312 level-1 bundle agree."""

from __future__ import annotations

import gzip
import importlib.util
import json
import tarfile

import numpy as np
import pytest

from desktop.core.contract import COURSE_CHARACTERS
from desktop.core.stroke_samples import (
    StrokeDataError,
    bundled_characters,
    bundled_strokes,
    character_strokes,
    medians_bundle_path,
    read_medians_bundle,
    read_stroke_file,
    strokes_dir,
)
from desktop.core.vocabulary import gb2312_level1

LEVEL1 = set(gb2312_level1())
COURSE_IN_LEVEL1 = [c for c in COURSE_CHARACTERS if c in LEVEL1]


@pytest.fixture(scope="module")
def bundle() -> dict:
    with gzip.open(medians_bundle_path(), "rt", encoding="utf-8") as text:
        return json.load(text)


def test_the_bundle_holds_the_3755_level1_characters_in_gb2312_order(bundle):
    assert bundled_characters() == gb2312_level1()
    assert list(bundle["medians"]) == gb2312_level1()
    assert "hanzi-writer-data 2.0.1" in bundle["source"] and "Arphic" in bundle["licence"]
    assert medians_bundle_path().stat().st_size < 3_000_000
    assert (strokes_dir() / "ARPHICPL.TXT").is_file()
    readme = (strokes_dir() / "README.md").read_text(encoding="utf-8")
    assert medians_bundle_path().name in readme and "make_gb2312_medians.py" in readme


def test_course_characters_have_the_same_medians_in_file_and_bundle(bundle):
    assert len(COURSE_IN_LEVEL1) == 53
    for char in COURSE_IN_LEVEL1:
        in_file = json.loads((strokes_dir() / f"{char}.json").read_text(encoding="utf-8"))["medians"]
        assert bundle["medians"][char] == in_file, char
        from_file, from_bundle = read_stroke_file(strokes_dir() / f"{char}.json"), bundled_strokes(char)
        assert len(from_file) == len(from_bundle)
        assert all(np.array_equal(a, b) for a, b in zip(from_file, from_bundle)), char


def test_a_level1_character_without_a_file_comes_from_the_bundle(tmp_path):
    assert not (strokes_dir() / "我.json").exists()
    strokes = character_strokes("我")
    assert len(strokes) == 7 and all(s.shape[1] == 2 for s in strokes)
    points = np.concatenate(strokes)
    assert points.min() >= -200 and points.max() <= 1100
    assert [s.tolist() for s in strokes] == [s.tolist() for s in bundled_strokes("我")]
    with pytest.raises(StrokeDataError, match="no stroke data for “我”"):
        character_strokes("我", tmp_path)  # a folder of one's own is read without the bundle
    for missing in ("龍", "啊啊", ""):
        with pytest.raises(StrokeDataError, match="no stroke data"):
            character_strokes(missing)


@pytest.mark.parametrize(("content", "reason"), [
    (b"not gzip at all", "BadGzipFile"),
    (gzip.compress(b'{"medians": {"a": []}}')[:-12], "EOFError"),
    (gzip.compress(b"{not json"), "JSONDecodeError"),
    (gzip.compress(b'{"characters": "x"}'), "KeyError"),
    (gzip.compress(b'{"medians": [1, 2]}'), "TypeError"),
], ids=["not-gzip", "truncated", "not-json", "no-medians", "medians-not-an-object"])
def test_a_broken_bundle_is_a_stroke_data_error(tmp_path, content, reason):
    path = tmp_path / "bundle.json.gz"
    path.write_bytes(content)
    with pytest.raises(StrokeDataError, match=f"bundle.json.gz: not a readable stroke data bundle .*{reason}"):
        read_medians_bundle(path)


def test_a_missing_bundle_is_a_stroke_data_error(tmp_path):
    with pytest.raises(StrokeDataError, match="missing.json.gz: .*FileNotFoundError"):
        read_medians_bundle(tmp_path / "missing.json.gz")


def load_builder():
    path = strokes_dir() / "make_gb2312_medians.py"
    spec = importlib.util.spec_from_file_location("make_gb2312_medians", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_builder_writes_exactly_the_shipped_bundle(bundle):
    builder = load_builder()
    package = {"package.json": json.dumps({"name": "hanzi-writer-data", "version": "2.0.1"}).encode()}
    package.update({f"{c}.json": json.dumps({"strokes": [], "medians": m}).encode() for c, m in bundle["medians"].items()})
    rebuilt = builder.build_bundle(package.get)
    assert rebuilt == bundle
    data = builder.bundle_bytes(rebuilt)
    assert gzip.decompress(data) == gzip.decompress(medians_bundle_path().read_bytes())
    assert data[4:8] == b"\0\0\0\0"  # no time stamp in the gzip header: the same package, the same bytes


def test_the_builder_reads_a_package_folder_and_names_the_characters_it_lacks(tmp_path):
    builder = load_builder()
    (tmp_path / "package.json").write_text('{"name": "hanzi-writer-data", "version": "9"}', encoding="utf-8")
    (tmp_path / "座.json").write_text('{"medians": [[[0, 0], [1, 1]]]}', encoding="utf-8")
    read_file = builder.package_reader(tmp_path)
    assert json.loads(read_file("座.json"))["medians"] == [[[0, 0], [1, 1]]] and read_file("啊.json") is None
    with pytest.raises(SystemExit, match="lacks 3754 of the 3,755 GB2312 level-1 characters: 啊阿埃"):
        builder.build_bundle(read_file)
    (tmp_path / "package.json").write_text('{"name": "left-pad"}', encoding="utf-8")
    with pytest.raises(SystemExit, match="not the hanzi-writer-data package"):
        builder.build_bundle(builder.package_reader(tmp_path))
    with pytest.raises(SystemExit, match="nowhere: no such file or folder"):
        builder.package_reader(tmp_path / "nowhere")


def test_the_builder_reads_an_npm_pack_tarball(tmp_path):
    builder = load_builder()
    tarball = tmp_path / "hanzi-writer-data-2.0.1.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(strokes_dir() / "大.json", arcname="package/大.json")
    read_file = builder.package_reader(tarball)
    assert read_file("大.json") == (strokes_dir() / "大.json").read_bytes() and read_file("package.json") is None
