"""Each habit of a synthetic writer does what its name says; a writer is consistent; streams match disk."""

from __future__ import annotations

import math
from dataclasses import fields, replace

import cv2
import numpy as np
import pytest

from desktop.core import strokes as render_strokes
from training import casia
from training.strokedata import load_medians
from training.synth import SynthParams, distort
from training.synth_stream import (
    frame_for_training,
    stream_sample_rng,
    stream_writer,
    writer_stream,
)
from training.writers import (
    LIGATURE_PRESSURE,
    WRITER_VARIATION,
    WriterRanges,
    WriterStyle,
    components,
    draw_character,
    find_boxes,
    pen_strokes,
    sample_writer,
    writer_samples,
)

from tests.stroke_geometry import direction, length, size_of

N = 30  # samples per statistic
NEAT = SynthParams.neat()  # no per-character variation: only the writer's habits change the skeleton
NEUTRAL = WriterStyle.neutral()


def rngs(n=N, seed=0):
    return [np.random.default_rng([seed, i]) for i in range(n)]


def written(char, style, params=NEAT, n=N, seed=0):
    medians = load_medians(char)
    return [pen_strokes(medians, style, r, params) for r in rngs(n, seed)]


def habit(**changes):
    return replace(NEUTRAL, **changes)


def bbox_centre(strokes):
    pts = np.concatenate([s[:, :2] for s in strokes])
    return (pts.min(axis=0) + pts.max(axis=0)) / 2


# ------------------------------------------------------------------------------ the style


def test_neutral_writer_reproduces_the_skeleton():
    medians = load_medians("国")
    out = pen_strokes(medians, NEUTRAL, np.random.default_rng(0), NEAT)
    assert len(out) == len(medians)
    for m, s in zip(medians, out):
        assert np.allclose(s[0, :2], m[0]) and np.allclose(s[-1, :2], m[-1])
        assert np.all(s[:, 2] == 1.0)


def test_sample_writer_is_deterministic_and_within_the_training_ranges():
    ranges = WriterRanges.training()
    writers = [sample_writer(np.random.default_rng(i)) for i in range(50)]
    assert sample_writer(np.random.default_rng(3)) == writers[3]
    assert len(set(writers)) == 50
    for w in writers:
        assert abs(w.slant) <= ranges.slant[1] and abs(math.log(w.aspect)) <= ranges.aspect[1]
        for name in ("climb", "ligature", "run_together", "box_collapse", "hook", "crowding", "dot_tick",
                     "dot_vanish", "haste", "pen_width"):
            lo, hi = getattr(ranges, name)
            assert lo <= getattr(w, name) <= hi, name
    assert min(w.slant for w in writers) < 0 < max(w.slant for w in writers)
    assert min(w.aspect for w in writers) < 1 < max(w.aspect for w in writers)


def test_held_out_writers_lie_outside_the_training_ranges():
    train = WriterRanges.training()
    for i in range(50):
        w = sample_writer(np.random.default_rng(i), WriterRanges.held_out())
        assert abs(w.slant) > train.slant[1]
        assert abs(math.log(w.aspect)) > train.aspect[1]
        assert w.climb > train.climb[1]
        assert w.ligature > train.ligature[1] and w.run_together > train.run_together[1]
    same = [f.name for f in fields(WriterRanges)
            if getattr(WriterRanges.held_out(), f.name) == getattr(train, f.name)]
    assert same == ["box_collapse", "hook", "crowding", "dot_tick", "dot_vanish", "haste", "pen_width"]


def fitted_shear(skeleton, strokes):
    """Least-squares affine map of the strokes' end points; its shear x += -s * y, as a slant s."""
    p = np.array([pt for s in skeleton for pt in (s[0, :2], s[-1, :2])])
    q = np.array([pt for s in strokes for pt in (s[0, :2], s[-1, :2])])
    design = np.hstack([p, np.ones((len(p), 1))])
    coef_x = np.linalg.lstsq(design, q[:, 0], rcond=None)[0]
    return -coef_x[1] / coef_x[0]


def test_slant_shears_the_whole_character():
    medians = load_medians("工")
    for strokes in written("工", habit(slant=0.2), n=5):
        assert fitted_shear(medians, strokes) == pytest.approx(0.2, abs=1e-9)


def test_a_writer_keeps_one_slant_across_characters_and_writers_differ():
    chars = "工日川木国山王"
    # Habits that add, drop or merge strokes are off so each stroke pairs with its skeleton stroke.
    structural = dict(ligature=0.0, run_together=0.0, box_collapse=0.0, hook=0.0, dot_tick=0.0, dot_vanish=0.0)
    a = replace(sample_writer(np.random.default_rng(1)), **structural)
    b = replace(sample_writer(np.random.default_rng(6)), **structural)
    assert abs(a.slant - b.slant) > 0.2, (a.slant, b.slant)

    def shears(write):
        return np.array([fitted_shear(load_medians(c), write(load_medians(c))) for c in chars for _ in range(3)])

    rng = np.random.default_rng(10)
    sa = shears(lambda medians: pen_strokes(medians, a, rng, WRITER_VARIATION))
    sb = shears(lambda medians: pen_strokes(medians, b, rng, WRITER_VARIATION))
    # synth draws a new writer for every sample: its slants scatter far more.
    no_joins = SynthParams(join=0.0, cursive=0.0, short_stroke_reduce=0.0, short_stroke_merge=0.0)
    independent = shears(lambda medians: distort(medians, no_joins, rng))
    for shear, writer in ((sa, a), (sb, b)):
        assert abs(np.mean(shear) - writer.slant) < 0.04
        assert np.std(shear) < 0.6 * np.std(independent), (np.std(shear), np.std(independent))
    assert abs(np.mean(sa) - np.mean(sb)) > 2 * max(np.std(sa), np.std(sb))


def test_aspect_makes_characters_wider_or_narrower():
    def ratio(strokes):
        pts = np.concatenate([s[:, :2] for s in strokes])
        return np.ptp(pts[:, 0]) / np.ptp(pts[:, 1])

    base = ratio(written("国", NEUTRAL, n=1)[0])
    assert ratio(written("国", habit(aspect=1.4), n=1)[0]) == pytest.approx(1.4 * base)
    assert ratio(written("国", habit(aspect=0.7), n=1)[0]) == pytest.approx(0.7 * base)
    # The rendered crop follows (the pen's margin blurs the ratio a little).
    wide = draw_character("国", habit(aspect=1.4), np.random.default_rng(0), NEAT)
    narrow = draw_character("国", habit(aspect=0.7), np.random.default_rng(0), NEAT)
    assert (wide.shape[1] / wide.shape[0]) / (narrow.shape[1] / narrow.shape[0]) == pytest.approx(2.0, rel=0.1)


def test_climb_turns_horizontal_strokes_up_and_leaves_verticals():
    base = [direction(s) for s in load_medians("工")]
    turns = np.array([[direction(s) - b for s, b in zip(strokes, base)] for strokes in written("工", habit(climb=10.0))])
    # y points down: a rising right end is a negative angle.
    assert np.mean(turns[:, 0]) == pytest.approx(-10.0, abs=1.0)
    assert np.mean(turns[:, 2]) == pytest.approx(-10.0, abs=1.0)
    assert np.std(turns[:, 0]) > 0.5  # the habit varies a little from character to character
    assert np.all(np.abs(turns[:, 1]) < 1e-9)  # the vertical stays


# ------------------------------------------------------------------------------ pen lifts


def ink_between(cov, strokes, pen, gaps):
    """Coverage sampled along the middle of each gap, in the pixel frame ``coverage`` drew with."""
    x0, y0, x1, y1 = render_strokes.bounds(strokes)
    scale = (cov.shape[0] - pen) / max(y1 - y0, 0.05 * (x1 - x0))
    values = []
    for a, b in gaps:
        for t in np.linspace(0.25, 0.75, 11):
            x, y = (a + t * (b - a) - (x0, y0)) * scale + pen / 2
            values.append(cov[int(y), int(x)])
    return np.array(values)


def test_ligature_draws_a_thin_visible_line_from_a_stroke_to_the_next():
    pen, height = 8.0, 120
    for r in range(5):  # the same seed with and without the habit: only the ligatures differ
        plain = pen_strokes(load_medians("川"), NEUTRAL, np.random.default_rng(r), NEAT)
        joined = pen_strokes(load_medians("川"), habit(ligature=1.0), np.random.default_rng(r), NEAT)
        assert len(plain) == 3 and len(joined) == 1
        # From the foot of the middle stroke to the top of the right one, across empty paper.
        gaps = [(plain[1][-1, :2], plain[2][0, :2])]
        without = ink_between(render_strokes.coverage(plain, height=height, pen_width=pen), plain, pen, gaps)
        with_lines = ink_between(render_strokes.coverage(joined, height=height, pen_width=pen), plain, pen, gaps)
        assert without.max() < 0.05 and with_lines.min() > 0.5, (without, with_lines)
        thin = joined[0][joined[0][:, 2] < 1.0, 2]
        assert len(thin) > 10 and LIGATURE_PRESSURE[0] <= thin.min() and thin.max() <= LIGATURE_PRESSURE[1]


def test_run_together_writes_nearby_strokes_in_one_full_ink_movement():
    runs = written("王", habit(run_together=1.0))
    assert np.mean([len(s) for s in runs]) < len(load_medians("王"))
    assert all(np.all(p[:, 2] == 1.0) for s in runs for p in s)
    assert [len(s) for s in written("王", habit(run_together=0.0))] == [4] * N


# ------------------------------------------------------------------------------ boxes


def test_boxes_are_found_in_the_stroke_medians():
    assert find_boxes(load_medians("口")) == [(0, 1, 2)]
    assert find_boxes(load_medians("日")) == [(0, 1, 3)]
    assert find_boxes(load_medians("国")) == [(0, 1, 7)]
    assert find_boxes(load_medians("吗")) == [(0, 1, 2)]
    for char in "大川工人木":
        assert find_boxes(load_medians(char)) == []


def test_box_collapse_writes_a_box_in_fewer_movements():
    neat_extent = np.ptp(np.concatenate(load_medians("口")), axis=0)
    counts = []
    for strokes in written("口", habit(box_collapse=1.0)):
        counts.append(len(strokes))
        # The same box, only fewer pen movements.
        extent = np.ptp(np.concatenate([s[:, :2] for s in strokes]), axis=0)
        assert np.allclose(extent, neat_extent, rtol=0.01)  # corners inside a movement are resampled
    assert set(counts) == {1, 2}  # one loop, or the left side then the rest in one movement
    assert [len(s) for s in written("口", NEUTRAL)] == [3] * N
    assert {len(s) for s in written("日", habit(box_collapse=1.0))} == {3}
    assert {len(s) for s in written("国", habit(box_collapse=1.0))} == {7}


# ------------------------------------------------------------------------------ strokes


def test_hook_cuts_long_falling_strokes_short_and_turns_them_up():
    medians = load_medians("大")
    size = size_of(medians)
    for k in (1, 2):  # the left- and right-falling strokes
        kept = []
        for strokes in written("大", habit(hook=0.3)):
            s = strokes[k]
            lowest = int(np.argmax(s[:, 1]))
            kept.append(length(s[: lowest + 1]) / length(medians[k]))
            assert s[lowest, 1] - s[-1, 1] > 0.03 * size  # the hook goes back up
        assert np.mean(kept) == pytest.approx(0.7, abs=0.05)
    # 工 has no falling strokes: nothing changes.
    assert all(np.allclose(s[-1, :2], m[-1]) for s, m in zip(written("工", habit(hook=0.3), n=1)[0], load_medians("工")))


def test_crowding_pulls_components_together():
    medians = load_medians("林")
    groups = components(medians)
    assert groups == [[0, 1, 2, 3], [4, 5, 6, 7]]

    def apart(strokes):
        a, b = (bbox_centre([strokes[i] for i in g]) for g in groups)
        return float(np.linalg.norm(a - b))

    ratios = [apart(s) / apart(medians) for s in written("林", habit(crowding=0.3))]
    assert np.mean(ratios) == pytest.approx(0.7, abs=0.03)
    assert np.std(ratios) > 0.01


def turn_after_farthest_point(s):
    """Degrees the pen turns at the point farthest from the start (0 when that point is the end)."""
    far = int(np.argmax(np.linalg.norm(s[:, :2] - s[0, :2], axis=1)))
    if far >= len(s) - 1:
        return 0.0
    a, b = s[far, :2] - s[0, :2], s[-1, :2] - s[far, :2]
    return math.degrees(math.acos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1)))


def test_dot_tick_writes_a_dot_as_a_tick():
    # 火 starts with a dot.
    assert turn_after_farthest_point(load_medians("火")[0]) == 0.0
    ticks = written("火", habit(dot_tick=1.0))
    assert all(len(s) == 4 for s in ticks)
    assert min(turn_after_farthest_point(s[0]) for s in ticks) > 90
    assert all(np.allclose(s[2][-1, :2], load_medians("火")[2][-1]) for s in ticks)  # long strokes untouched


def test_dot_vanish_leaves_dots_out():
    # 羊 starts with two dots.
    medians = load_medians("羊")
    for strokes in written("羊", habit(dot_vanish=1.0)):
        assert len(strokes) == len(medians) - 2
        assert all(length(s) > 0.3 * size_of(medians) for s in strokes)
    assert len(pen_strokes([medians[0]], habit(dot_vanish=1.0), np.random.default_rng(0), NEAT)) == 1  # never all


def test_haste_makes_stroke_errors_larger():
    def spread(haste):
        gaps = [s[1][:, :2].mean(0) - s[0][:, :2].mean(0)
                for s in written("工", habit(haste=haste), SynthParams.only(stroke_shift=0.035))]
        return float(np.std(np.array(gaps), axis=0).mean())

    assert spread(1.0) > 2.0 * spread(0.0) > 0


def test_pen_width_is_the_writers_pen():
    def ink(pen):
        images = [draw_character("国", habit(pen_width=pen), r, NEAT) for r in rngs(8)]
        return np.mean([(i < 128).mean() for i in images])

    assert ink(0.1) > 3 * ink(0.015)


def test_writer_samples_are_one_writer_writing_each_character():
    writer = sample_writer(np.random.default_rng(0))
    samples = writer_samples("口大", writer, np.random.default_rng(1), per_char=2)
    assert [c for c, _ in samples] == ["口", "口", "大", "大"]
    assert all(img.dtype == np.uint8 and img.ndim == 2 for _, img in samples)
    assert len({img.tobytes() for _, img in samples}) == 4
    again = writer_samples("口大", writer, np.random.default_rng(1), per_char=2)
    assert all(np.array_equal(x, y) for (_, x), (_, y) in zip(samples, again))


# ------------------------------------------------------------------------------ streams


def test_writer_stream_is_deterministic_and_changes_writer():
    chars = "口大国"
    a = list(writer_stream(chars, seed=4, count=5, chars_per_writer=2))
    b = list(writer_stream(chars, seed=4, count=5, chars_per_writer=2))
    assert all(np.array_equal(x, y) and i == j for (x, i), (y, j) in zip(a, b))
    for image, label in a:
        assert image.shape == (80, 60, 1) and image.dtype == np.float32 and 0 <= label < 3
        assert np.array_equal(image, np.rint(image)) and image.min() >= 0 and image.max() <= 255
    assert stream_writer(4, 0) != stream_writer(4, 1)


def test_a_streamed_sample_equals_the_same_sample_read_from_disk(tmp_path):
    chars = "口大国"
    streamed = list(writer_stream(chars, seed=7, count=3, chars_per_writer=2))
    for n, (image, label) in enumerate(streamed):
        writer_index, k = divmod(n, 2)
        rng = stream_sample_rng(7, writer_index, k)
        assert int(rng.integers(len(chars))) == label
        crop = draw_character(chars[label], stream_writer(7, writer_index), rng)
        folder = tmp_path / str(n) / chars[label]
        folder.mkdir(parents=True)
        (folder / "1.png").write_bytes(cv2.imencode(".png", crop)[1].tobytes())
        disk = casia.load_folder(tmp_path / str(n), [chars[label]])
        assert np.array_equal(disk.images[0].astype(np.float32), image)
        assert np.array_equal(frame_for_training(crop), image)


def test_writer_dataset_feeds_tf_data():
    from training.synth_stream import writer_dataset

    ds = writer_dataset("口大", batch_size=2, seed=1, count=3, chars_per_writer=2)
    assert ds.class_names == ["口", "大"]
    batches = [(x.numpy(), y.numpy()) for x, y in ds]
    assert [x.shape for x, _ in batches] == [(2, 80, 60, 1), (1, 80, 60, 1)]
    expected = list(writer_stream("口大", seed=1, count=3, chars_per_writer=2))
    images = np.concatenate([x for x, _ in batches])
    labels = np.concatenate([y for _, y in batches])
    assert np.array_equal(images, np.stack([x for x, _ in expected]))
    assert labels.tolist() == [y for _, y in expected]


def test_neat_writers_are_careful_hands_close_to_print():
    """The polish's careful writers: nothing joined, dropped or climbing, pens up to bolder than any
    training writer's, and their strokes stray from the skeleton far less than a training writer's."""
    from training.writers import NEAT_VARIATION

    train = [sample_writer(np.random.default_rng(i)) for i in range(50)]
    neat = [sample_writer(np.random.default_rng(i), WriterRanges.neat()) for i in range(50)]
    for w in neat:
        assert w.ligature == w.run_together == w.box_collapse == w.hook == w.dot_vanish == 0.0
        assert abs(w.slant) <= 0.04 and w.climb <= 2.0 and w.haste <= 0.1
    assert max(w.pen_width for w in neat) > WriterRanges.training().pen_width[1]

    def stray(writers, params):
        medians = load_medians("国")
        gaps = []
        for i, w in enumerate(writers):
            out = pen_strokes(medians, w, np.random.default_rng([9, i]), params)
            if len(out) == len(medians):  # joined strokes cannot be paired with the skeleton's
                gaps += [np.linalg.norm(s[0, :2] - m[0]) for s, m in zip(out, medians)]
        return float(np.mean(gaps)) / size_of(medians)

    assert stray(neat, NEAT_VARIATION) < 0.5 * stray(train, WRITER_VARIATION)
