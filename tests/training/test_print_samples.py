"""Printed training samples: drawn from real font files, framed as the app frames a picture, reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.core.vocabulary import gb2312_level1
from installer.bundle_spec import find_cjk_font
from training.errors import DataError
from training.print_samples import PRINT_FACES, PrintFace, locate_faces, print_samples

CHARS = gb2312_level1()[:6]
NOTO_SC = (str(find_cjk_font()), 2)  # fonts-noto-cjk's collection: face 2 is Simplified Chinese


def test_every_character_is_drawn_in_every_variant_as_model_input() -> None:
    data = print_samples(CHARS, [NOTO_SC], variants=3, seed=1)
    assert data.images.shape == (18, 80, 60, 1) and data.images.dtype == np.uint8
    assert list(data.labels) == [k for k in range(6) for _ in range(3)]
    assert data.class_names == CHARS and len(data.sources) == 18
    # dark ink on white paper, as an opened picture is framed
    assert (data.images.min(axis=(1, 2, 3)) < 64).all() and (data.images.max(axis=(1, 2, 3)) == 255).all()
    # a character's variants differ (size, weight) and different characters differ more
    first = data.images[:3].astype(int)
    assert not np.array_equal(first[0], first[1]) or not np.array_equal(first[1], first[2])


def test_the_samples_are_reproducible_and_each_character_has_its_own_random_stream() -> None:
    whole = print_samples(CHARS, [NOTO_SC], variants=2, seed=7)
    assert np.array_equal(whole.images, print_samples(CHARS, [NOTO_SC], variants=2, seed=7).images)
    assert not np.array_equal(whole.images, print_samples(CHARS, [NOTO_SC], variants=2, seed=8).images)
    # drawing the same characters of a longer list gives the same pictures for them
    longer = print_samples(gb2312_level1()[:8], [NOTO_SC], variants=2, seed=7)
    assert np.array_equal(longer.images[:12], whole.images)


def test_a_face_without_a_character_skips_it() -> None:
    latin_only = "A啊"  # the CJK face has both; a character no face has is simply not drawn
    data = print_samples(list(latin_only) + ["\U000e0100"], [NOTO_SC], variants=1, seed=0)
    assert list(data.labels) == [0, 1]


def test_faces_are_found_by_fontconfig_or_by_file() -> None:
    assert locate_faces([PrintFace("Noto Sans CJK SC", "Regular", "fonts-noto-cjk")])[0][0].endswith(".ttc")
    assert locate_faces([f"{NOTO_SC[0]}:2", NOTO_SC[0]]) == [NOTO_SC, (NOTO_SC[0], 0)]


def test_missing_faces_are_named_with_the_packages_that_install_them() -> None:
    with pytest.raises(DataError, match=r"No Such Face Bold .*apt-get install fonts-nothing"):
        locate_faces([PrintFace("No Such Face", "Bold", "fonts-nothing")])
    with pytest.raises(DataError, match="missing.ttf"):
        locate_faces(["/nowhere/missing.ttf:1"])


def test_the_shipped_faces_come_from_debian_packages_apart_from_the_benchmark_faces() -> None:
    from benchmarks.fonts import MORE_FONTS, _trained_on

    assert all(face.package.startswith("fonts-") for face in PRINT_FACES)
    assert not {face.package for face in PRINT_FACES} & set(MORE_FONTS.split() + ["fonts-noto-cjk"])
    assert _trained_on("LXGW WenKai Mono") and not _trained_on("Noto Serif CJK SC")
