"""Fuzz image decoding in every reader of the app and the training package.

Random bytes, mutated and truncated real files of each format, headers that claim any size
(decompression bombs), and every odd pixel mode. Each reader either returns a well-formed image
or raises its own error: ``InputFileError`` (Write panel, recognize CLI, evaluation),
``ProjectError`` (Teach), ``FrameSourceError`` (Camera), ``ValueError`` listed as a corrupt file
(dataset explorer, CASIA loader), ``DataError`` (transfer learning, ImageNet report).
"""

from __future__ import annotations

import io
import struct
import tempfile
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from desktop.core import dataset_scan, report
from desktop.core.images import MAX_IMAGE_PIXELS, ImageDecodeError, decode_image, decode_rgb, image_dimensions
from desktop.core.recognition import EmptyDrawing, InputFileError, image_to_input, read_image_file
from desktop.core.teach.project import ProjectError, read_rgb
from tests.fuzz.fuzzing import fuzz_settings, mutate
from training import casia
from training.errors import DataError
from training.imagenet.report import read_photo
from training.transfer import read_image as transfer_read_image

edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)), min_size=1, max_size=5)


def _encoded(fmt: str, mode: str = "RGB", size=(24, 16), **options) -> bytes:
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    image = rgb.convert(mode) if mode != "RGB" else rgb
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


SAMPLES = {
    "png": _encoded("PNG"), "jpeg": _encoded("JPEG"), "bmp": _encoded("BMP"), "gif": _encoded("GIF", "P"),
    "webp": _encoded("WEBP"), "tiff": _encoded("TIFF"), "ppm": _encoded("PPM"), "png-rgba": _encoded("PNG", "RGBA"),
    "jpeg-progressive": _encoded("JPEG", progressive=True),
}


def _png(width: int, height: int, bit_depth: int = 8, colour_type: int = 0, idat: bytes | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat or zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _image_ok(image: np.ndarray, channels: tuple[int, ...]) -> None:
    assert image.dtype == np.uint8 and image.shape[0] >= 1 and image.shape[1] >= 1
    assert (image.shape[2] if image.ndim == 3 else 1) in channels


def every_reader(path: Path) -> None:
    """Each reader returns a good image or its own clear error; nothing else."""
    from desktop.ui.sources import FrameSourceError, read_image_rgb

    try:
        grey = read_image_file(path)
        _image_ok(grey, (1,))
        assert image_to_input(grey).shape == (80, 60, 1)
    except (InputFileError, EmptyDrawing):
        pass
    for reader, errors, channels in ((read_rgb, ProjectError, (3,)), (read_image_rgb, FrameSourceError, (3,)),
                                     (transfer_read_image, DataError, (3,)), (read_photo, DataError, (3,)),
                                     (dataset_scan._read_grey, ValueError, (1,)),
                                     (casia.decode_grey, ValueError, (1,))):
        try:
            _image_ok(reader(path), channels)
        except errors as exc:
            assert str(exc)
    data = path.read_bytes()
    grey = report.read_grey_image(path)
    assert grey is None or grey.dtype == np.uint8
    try:
        import base64

        report.decode_png(base64.b64encode(data).decode("ascii"))
    except ValueError:
        pass


@fuzz_settings(1000)
@given(data=st.binary(max_size=200))
def test_random_bytes(workdir, data):
    path = workdir / "random.png"
    path.write_bytes(data)
    every_reader(path)


@fuzz_settings(1500)
@given(kind=st.sampled_from(sorted(SAMPLES)), changes=edits)
def test_mutated_real_files(workdir, kind, changes):
    path = workdir / f"mutated.{kind.split('-')[0]}"
    path.write_bytes(mutate(SAMPLES[kind], changes))
    every_reader(path)


@fuzz_settings(600)
@given(kind=st.sampled_from(sorted(SAMPLES)), cut=st.floats(0, 1))
def test_truncated_real_files(workdir, kind, cut):
    data = SAMPLES[kind]
    path = workdir / f"cut.{kind.split('-')[0]}"
    path.write_bytes(data[: int(len(data) * cut)])
    every_reader(path)


@fuzz_settings(600)
@given(width=st.integers(0, 2**32 - 1) | st.integers(0, 40), height=st.integers(0, 2**32 - 1) | st.integers(0, 40),
       depth=st.sampled_from([1, 2, 4, 8, 16, 3]), colour=st.sampled_from([0, 2, 3, 4, 6, 1]))
def test_png_headers_claiming_any_size(workdir, width, height, depth, colour):
    path = workdir / "header.png"
    path.write_bytes(_png(width, height, depth, colour))
    every_reader(path)


@pytest.fixture
def decodes(monkeypatch) -> list:
    """Counts OpenCV decodes: a refused bomb must be refused from its header, before any."""
    from desktop.core import images

    calls: list = []
    real = images.cv2.imdecode

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(images.cv2, "imdecode", counting)
    return calls


@pytest.mark.parametrize("claim", [(100_000, 100_000), (30_000, 30_000), (MAX_IMAGE_PIXELS + 1, 1)])
def test_decompression_bomb_is_refused_before_decoding(workdir, claim, decodes):
    # A real bomb: a valid 30000 x 30000 grey PNG would be 900 MB decoded (2.7 GB as colour).
    bomb = _png(*claim, idat=zlib.compress(b"\x00" * 1_000_000, 9))
    with pytest.raises(ImageDecodeError, match="more than the 120 million"):
        decode_image(bomb)
    assert decodes == []
    path = workdir / "bomb.png"
    path.write_bytes(bomb)
    with pytest.raises(InputFileError, match="pixels"):
        read_image_file(path)
    with pytest.raises(ProjectError, match="pixels"):
        read_rgb(path)


@pytest.mark.parametrize("fmt", ["JPEG", "BMP", "GIF", "WEBP", "TIFF", "PPM"])
def test_dimensions_are_read_from_every_header(fmt):
    mode = "P" if fmt == "GIF" else "RGB"
    assert image_dimensions(_encoded(fmt, mode, size=(37, 23))) == (37, 23)


def test_bombs_in_other_formats_are_refused(workdir, decodes):
    bmp = bytearray(_encoded("BMP"))
    bmp[18:26] = struct.pack("<ii", 40_000, -40_000)  # top-down rows, as BMP allows
    jpeg = bytearray(_encoded("JPEG"))
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 65_000, 65_000)
    gif = bytearray(_encoded("GIF", "P"))
    gif[6:10] = struct.pack("<HH", 65_535, 65_535)
    for data in (bmp, jpeg, gif, b"P5\n# comment\n20000 20000\n255\n" + b"\0" * 10):
        with pytest.raises(ImageDecodeError, match="more than"):
            decode_image(bytes(data))
    assert decodes == []  # each refused from its header


def test_zero_size_and_empty_images(workdir):
    empty = workdir / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_image_file(empty)
    zero = workdir / "zero.png"
    zero.write_bytes(_png(0, 0))
    with pytest.raises(ProjectError, match="no pixels"):
        read_rgb(zero)
    assert dataset_scan._read_grey.__name__  # the explorer lists it as corrupt:
    with pytest.raises(ValueError, match="no pixels"):
        dataset_scan._read_grey(zero)


@pytest.mark.parametrize("size", [(1, 1), (1, 57), (57, 1)])
def test_one_pixel_wide_images_work(workdir, size):
    path = workdir / "thin.png"
    path.write_bytes(_encoded("PNG", "L", size=size))
    assert read_rgb(path).shape == (size[1], size[0], 3)
    assert read_image_file(path).shape == (size[1], size[0])


def _ink_square(mode: str) -> Image.Image:
    """White paper with a dark square, in the given Pillow mode."""
    grey = np.full((20, 30), 255, np.uint8)
    grey[5:15, 10:12] = 0  # an L: its bounding box holds paper too
    grey[13:15, 10:20] = 0
    image = Image.fromarray(grey)
    if mode == "I;16":
        return Image.fromarray(grey.astype(np.uint16) * 257).convert("I;16")
    if mode == "LA":
        return Image.merge("LA", (image, Image.new("L", image.size, 255)))
    if mode == "RGBA-transparent":
        rgba = np.zeros((20, 30, 4), np.uint8)  # transparent paper stored as black, as many editors do
        rgba[5:15, 10:12] = (0, 0, 0, 255)
        rgba[13:15, 10:20] = (0, 0, 0, 255)
        return Image.fromarray(rgba, "RGBA")
    return image.convert(mode)


@pytest.mark.parametrize("mode,fmt", [("L", "PNG"), ("LA", "PNG"), ("RGBA", "PNG"), ("RGBA-transparent", "PNG"),
                                      ("I;16", "PNG"), ("P", "PNG"), ("1", "PNG"), ("CMYK", "JPEG"), ("CMYK", "TIFF"),
                                      ("RGB", "JPEG"), ("P", "GIF"), ("RGBA", "WEBP"), ("I;16", "TIFF")])
def test_every_pixel_mode_is_converted(workdir, mode, fmt):
    buffer = io.BytesIO()
    _ink_square(mode).save(buffer, fmt)
    path = workdir / f"mode.{fmt.lower()}"
    path.write_bytes(buffer.getvalue())
    tolerance = 40 if fmt == "JPEG" or mode == "CMYK" else 2
    rgb = read_rgb(path)
    assert rgb.shape == (20, 30, 3) and rgb.dtype == np.uint8
    assert abs(int(rgb[0, 0].mean()) - 255) <= tolerance, "paper must stay white (transparency too)"
    assert int(rgb[10, 10].mean()) <= tolerance, "ink must stay dark"
    grey = read_image_file(path)
    assert abs(int(grey[0, 0]) - 255) <= tolerance and int(grey[10, 10]) <= tolerance
    x = image_to_input(grey)
    assert x.shape == (80, 60, 1) and x.min() < 50 and x.max() > 200
    if mode not in ("RGBA-transparent",):  # the grey readers follow Keras and ignore alpha
        assert casia.decode_grey(path).shape == (20, 30)


def test_decode_rgb_matches_opencv_for_plain_images():
    for kind in ("png", "jpeg", "bmp", "webp", "tiff"):
        expected = cv2.cvtColor(cv2.imdecode(np.frombuffer(SAMPLES[kind], np.uint8), cv2.IMREAD_COLOR),
                                cv2.COLOR_BGR2RGB)
        np.testing.assert_array_equal(decode_rgb(SAMPLES[kind]), expected)
