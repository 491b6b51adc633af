"""The print-like ink variations: each does what its name says, and they keep the random stream in step."""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np

from training.ink_augment import BOLD_SHARE, DRAWS, SIDEWAYS_SHARE, vary_ink
from training.resumable_fit import LATER_SETTINGS, ResumableSettings, distort, settings_key


def cross(grey: int = 40, paper: int = 230) -> np.ndarray:
    """A soft-edged plus sign, 3 px strokes: one horizontal and one vertical, on greyish paper."""
    image = np.full((80, 60), paper, np.uint8)
    image[38:41, 10:50] = grey
    image[15:65, 28:31] = grey
    image[37, 10:50] = image[41, 10:50] = (grey + paper) // 2
    return image[..., None]


def draws_for(kind: float, size: float = 0.0, heavier: float = 1.0, crisp: float = 1.0) -> np.ndarray:
    """The draws that pick one variation: ``kind`` in [0, 1) among the ink-weight changes."""
    return np.array([crisp, kind * 0.7, size, heavier])


def ink(image: np.ndarray) -> np.ndarray:
    return image[..., 0] < 128


def test_crisp_leaves_only_pure_ink_and_pure_paper() -> None:
    out = vary_ink(cross(), np.array([0.0, 1.0, 0.0, 0.0]), crisp=0.5, ink_weight=0.7)
    assert set(np.unique(out)) == {0, 255}
    assert np.all(ink(out)[ink(cross())])  # every stroke stays ink, and only marked pixels become ink
    assert not np.any(ink(out)[cross()[..., 0] == 230])
    assert np.array_equal(vary_ink(cross(), np.array([0.6, 1.0, 0.0, 0.0]), 0.5, 0.7), cross())  # not drawn


def test_bold_ink_grows_every_stroke() -> None:
    out = vary_ink(cross(), draws_for(BOLD_SHARE / 2), crisp=0.0, ink_weight=0.7)
    assert ink(out)[:, 20].sum() > ink(cross())[:, 20].sum()  # the horizontal is taller
    assert ink(out)[25].sum() > ink(cross())[25].sum()  # the vertical is wider


def test_serif_like_ink_thickens_verticals_and_keeps_horizontals_thin() -> None:
    out = vary_ink(cross(), draws_for(BOLD_SHARE + SIDEWAYS_SHARE / 2, size=0.9), crisp=0.0, ink_weight=0.7)
    assert ink(out)[25].sum() >= ink(cross())[25].sum() + 2  # the vertical is wider
    assert ink(out)[:, 20].sum() == ink(cross())[:, 20].sum()  # the horizontal keeps its height


def test_thin_ink_loses_weight() -> None:
    out = vary_ink(cross(), draws_for(0.95), crisp=0.0, ink_weight=0.7)
    assert 0 < ink(out).sum() < ink(cross()).sum()


def test_ink_variations_stay_in_step_with_the_random_stream() -> None:
    """Every image takes DRAWS numbers: a cluster worker's share of a batch is distorted as in one process."""
    settings = ResumableSettings(crisp=0.5, ink_weight=0.7)
    batch = np.concatenate([cross(40 + 10 * i)[None] for i in range(6)])
    whole = distort(batch, np.random.default_rng(3), settings)
    share = distort(batch, np.random.default_rng(3), settings, slice(1, None, 2))
    assert np.array_equal(whole[1::2], share)
    plain = distort(batch, np.random.default_rng(3), ResumableSettings())
    assert not np.array_equal(whole, plain)
    assert DRAWS == 4


def test_a_checkpoint_key_leaves_out_later_settings_at_their_defaults() -> None:
    """Checkpoints written before the ink settings existed still belong to the same run."""
    old = {k: v for k, v in asdict(ResumableSettings()).items() if k not in LATER_SETTINGS}
    assert settings_key(ResumableSettings()) == old
    assert settings_key(replace(ResumableSettings(), crisp=0.5))["crisp"] == 0.5
