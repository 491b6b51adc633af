"""Honest confidence: temperature scaling of an exported model, measured before and after.

A network trained to near-zero loss says "99 %" when it is wrong too. Temperature scaling (Guo et
al. 2017) divides the logits by one number T > 0 before the softmax: the ranking, and so every
answer, stays the same; only the percentages change. T is the value that minimises the negative
log-likelihood of the right answers on a calibration set the model never trained on, unless the
model's wrong answers would still be shown at more than :data:`WRONG_LIMIT` on average there: then
T is raised until they are not, as long as the expected calibration error on that set stays within
:data:`ECE_LIMIT` (:func:`choose_temperature`). A model right 97 % of the time and calibrated for
likelihood alone shows its few mistakes at 66-69 %; a class reads such a bar as "sure". Softening it
to 60 % costs about one point of calibration error, the right answers shown slightly below how often
they are right: the safer error in a classroom.

Here the calibration set is drawn from synthetic writers with the training ranges
(:meth:`WriterRanges.training`) under a seed no training data uses, and the result is checked on
a second set of writers from the held-out ranges (:meth:`WriterRanges.held_out`), styles no
training writer had. :func:`calibrate_file` stores T in the ONNX metadata (``temperature``; the
app's ``OnnxModel`` applies it) and adds a ``calibration`` section to the sidecar report with,
for both sets, the expected calibration error, the mean confidence when wrong, the top-1 accuracy
and the reliability diagram's bins, before and after. Everything here is numpy + onnx; the model
is run through the app's own ``OnnxModel``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from desktop.core.atomic import atomic_path
from desktop.core.contract import META_LIKELIHOOD_TEMPERATURE, META_TEMPERATURE, report_path
from desktop.core.onnx_model import ModelContractError, OnnxModel, softmax
from training.errors import DataError

#: Equal-width confidence bins of the expected calibration error and the reliability diagram.
BINS = 15
#: Where the search for T looks (a model this far off is broken, not over-confident).
T_RANGE = (0.01, 100.0)
#: Seeds of the two writer sets: the training data of the shipped models uses seeds 0..N of
#: :func:`training.synth.write_dataset`; the writer stream with these seeds draws other writers.
CALIBRATION_SEED = 7_000
EVALUATION_SEED = 8_000
#: The most the wrong answers of the calibration set may be shown at, on average (1: never soften).
WRONG_LIMIT = 0.60
#: Softening stops short of this expected calibration error on the calibration set.
ECE_LIMIT = 0.05
_BATCH = 256
_GOLDEN = (math.sqrt(5) - 1) / 2

Progress = Callable[[str], None]


@dataclass
class LabelledImages:
    """Images ``[N, h, w, c]`` float32, labels ``[N]`` (the model's class indices) and what they are."""

    images: np.ndarray
    labels: np.ndarray
    description: dict[str, Any] = field(default_factory=dict)


# -- the measures -------------------------------------------------------------------------------
def softmax_with_temperature(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """softmax(scores / T) in float64 (the app's softmax, at the precision fitting T needs)."""
    return softmax(np.asarray(scores, dtype=np.float64) / temperature, dtype=np.float64)


def negative_log_likelihood(scores: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean -log softmax(scores / T)[label] (computed in log space, so a sure mistake stays finite)."""
    z = np.asarray(scores, dtype=np.float64) / temperature
    top = z.max(axis=-1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(z - top).sum(axis=-1))
    return float(np.mean(log_norm - z[np.arange(len(z)), np.asarray(labels)]))


def fit_temperature(scores: np.ndarray, labels: np.ndarray, *, bounds: tuple[float, float] = T_RANGE,
                    tolerance: float = 1e-6) -> float:
    """The T > 0 minimising :func:`negative_log_likelihood`: golden-section search on log T.

    The NLL is convex in 1/T, so it has one minimum along log T and the search finds it (or the
    bound nearest to it).
    """
    if len(scores) == 0:
        raise ValueError("calibration needs at least one image")
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels)
    lo, hi = math.log(bounds[0]), math.log(bounds[1])

    def loss(log_t: float) -> float:
        return negative_log_likelihood(scores, labels, math.exp(log_t))

    a, b = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
    loss_a, loss_b = loss(a), loss(b)
    while hi - lo > tolerance:
        if loss_a <= loss_b:
            hi, b, loss_b = b, a, loss_a
            a = hi - _GOLDEN * (hi - lo)
            loss_a = loss(a)
        else:
            lo, a, loss_a = a, b, loss_b
            b = lo + _GOLDEN * (hi - lo)
            loss_b = loss(b)
    return math.exp((lo + hi) / 2)


def softened_temperature(scores: np.ndarray, labels: np.ndarray, limit: float, *, start: float,
                         bounds: tuple[float, float] = T_RANGE, tolerance: float = 1e-6) -> float:
    """The smallest T >= ``start`` at which the mean confidence of the wrong answers is at most ``limit``.

    Raising T lowers every top probability and changes no answer, so that mean only falls as T
    rises: bisection on log T (the upper bound when even it is not enough).
    """
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels)

    def wrong_at(t: float) -> float:
        return mean_confidence_when_wrong(softmax_with_temperature(scores, t), labels) or 0.0

    lo, hi = math.log(start), math.log(bounds[1])
    if wrong_at(start) <= limit:
        return start
    if wrong_at(bounds[1]) > limit:
        return bounds[1]
    while hi - lo > tolerance:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if wrong_at(math.exp(mid)) <= limit else (mid, hi)
    return math.exp(hi)


class Temperature(NamedTuple):
    value: float  # the T the app applies
    rule: str  # "likelihood" (the likelihood's T) or "softened" (raised for the wrong answers)
    likelihood: float  # the T that minimises the negative log-likelihood


def choose_temperature(scores: np.ndarray, labels: np.ndarray, *, wrong_limit: float = WRONG_LIMIT,
                       ece_limit: float = ECE_LIMIT, bins: int = BINS) -> Temperature:
    """T for these calibration scores, and the rule that chose it.

    The likelihood's T (:func:`fit_temperature`), raised just enough to show the wrong answers at
    ``wrong_limit`` or less on average (:func:`softened_temperature`), unless that would put the
    expected calibration error above ``ece_limit``.
    """
    likely = fit_temperature(scores, labels)
    softened = softened_temperature(scores, labels, wrong_limit, start=likely)
    if softened == likely or expected_calibration_error(softmax_with_temperature(scores, softened), labels,
                                                        bins) > ece_limit:
        return Temperature(likely, "likelihood", likely)
    return Temperature(softened, "softened", likely)


def _bin_index(confidence: np.ndarray, bins: int) -> np.ndarray:
    """Bin m holds confidences in ((m-1)/bins, m/bins]; a confidence of 0 goes to the first bin."""
    return np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)


def reliability_bins(probs: np.ndarray, labels: np.ndarray, bins: int = BINS) -> list[dict[str, Any]]:
    """Per equal-width confidence bin: ``lower``, ``upper``, ``count``, mean ``confidence`` and ``accuracy``.

    Confidence is the top probability; an empty bin has ``None`` for both means.
    """
    probs, labels = np.asarray(probs, dtype=np.float64), np.asarray(labels)
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    index = _bin_index(confidence, bins)
    rows = []
    for m in range(bins):
        members = index == m
        count = int(members.sum())
        rows.append({
            "lower": m / bins,
            "upper": (m + 1) / bins,
            "count": count,
            "confidence": float(confidence[members].mean()) if count else None,
            "accuracy": float(correct[members].mean()) if count else None,
        })
    return rows


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = BINS) -> float:
    """Σ over bins of (images in the bin / all images) × |accuracy − mean confidence| (Naeini et al. 2015)."""
    total = len(np.asarray(labels))
    if total == 0:
        return 0.0
    return float(sum(row["count"] / total * abs(row["accuracy"] - row["confidence"])
                     for row in reliability_bins(probs, labels, bins) if row["count"]))


def mean_confidence_when_wrong(probs: np.ndarray, labels: np.ndarray) -> float | None:
    """The average top probability of the wrong answers (None when there are none)."""
    probs = np.asarray(probs, dtype=np.float64)
    wrong = probs.argmax(axis=1) != np.asarray(labels)
    return float(probs.max(axis=1)[wrong].mean()) if wrong.any() else None


def calibration_figures(scores: np.ndarray, labels: np.ndarray, temperature: float = 1.0,
                        bins: int = BINS) -> dict[str, Any]:
    """``n``, ``accuracy``, ``nll``, ``ece``, ``mean_confidence_wrong`` and ``reliability`` at temperature T."""
    probs = softmax_with_temperature(scores, temperature)
    labels = np.asarray(labels)
    return {
        "n": int(len(labels)),
        "accuracy": float(np.mean(probs.argmax(axis=1) == labels)) if len(labels) else None,
        "nll": negative_log_likelihood(scores, labels, temperature) if len(labels) else None,
        "ece": expected_calibration_error(probs, labels, bins),
        "mean_confidence_wrong": mean_confidence_when_wrong(probs, labels),
        "reliability": reliability_bins(probs, labels, bins),
    }


# -- the calibration sets -----------------------------------------------------------------------
def writer_set(chars: Sequence[str], class_names: Sequence[str], *, per_class: int, seed: int, held_out: bool,
               strokes_dir=None, input_kind: str = "image") -> LabelledImages:
    """``per_class × len(chars)`` samples of synthetic writers, labelled with indices into ``class_names``.

    ``held_out`` draws the writers from :meth:`WriterRanges.held_out`, otherwise from the training
    ranges. Each writer writes 20 characters at random, so a character's count varies around
    ``per_class``. ``input_kind="strokes"`` gives a stroke model's ``[80, 60, 9]`` inputs.
    """
    from training.synth_stream import CHARS_PER_WRITER, writer_stream
    from training.writers import WriterRanges

    unknown = [c for c in chars if c not in class_names]
    if unknown:
        raise DataError(f"the model has no class for {''.join(unknown)}")
    ranges = WriterRanges.held_out() if held_out else WriterRanges.training()
    count = per_class * len(chars)
    images, labels = [], []
    for image, label in writer_stream(list(chars), seed=seed, count=count, ranges=ranges, strokes_dir=strokes_dir,
                                      input_kind=input_kind):
        images.append(image)
        labels.append(class_names.index(chars[label]))
    description = {
        "source": "synthetic writers (training.synth_stream.writer_stream)",
        "ranges": "held_out" if held_out else "training",
        "writer_ranges": asdict(ranges),
        "seed": seed,
        "writers": math.ceil(count / CHARS_PER_WRITER),
        "characters": "".join(chars),
        "per_class": per_class,
        "n": count,
        **({} if input_kind == "image" else {"input_kind": input_kind}),
    }
    return LabelledImages(np.stack(images) if images else np.zeros((0, 80, 60, 9 if input_kind == "strokes" else 1),
                                                                      np.float32),
                          np.asarray(labels, dtype=np.int64), description)


def model_scores(model: OnnxModel, images: np.ndarray) -> np.ndarray:
    """The model's uncalibrated class scores for ``images``, in batches."""
    parts = [model.predict_scores(images[i : i + _BATCH]) for i in range(0, len(images), _BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, len(model.class_names)))


# -- calibrating a file -------------------------------------------------------------------------
def write_temperature(path: str | Path, temperature: float, likelihood: float | None = None) -> None:
    """Set the ``temperature`` metadata of ``path`` in place (atomically), and ``likelihood_temperature``
    when the likelihood's T differs from it (else that key goes); graph and other props untouched."""
    import onnx

    path = Path(path)
    proto = onnx.load(str(path))
    wanted = {META_TEMPERATURE: repr(float(temperature))}
    if likelihood is not None and likelihood != temperature:
        wanted[META_LIKELIHOOD_TEMPERATURE] = repr(float(likelihood))
    kept = [(p.key, p.value) for p in proto.metadata_props
            if p.key not in (META_TEMPERATURE, META_LIKELIHOOD_TEMPERATURE)]
    del proto.metadata_props[:]
    for key, value in [*kept, *wanted.items()]:
        proto.metadata_props.add(key=key, value=value)
    with atomic_path(path) as temp:
        onnx.save(proto, str(temp))
        OnnxModel(temp)  # the app must still open it, and read this temperature


def _set_section(scores: np.ndarray, data: LabelledImages, temperature: float, bins: int) -> dict[str, Any]:
    return {
        "data": data.description,
        "before": calibration_figures(scores, data.labels, 1.0, bins),
        "after": calibration_figures(scores, data.labels, temperature, bins),
    }


def calibrate_file(path: str | Path, calibration: LabelledImages, evaluation: LabelledImages | None = None, *,
                   bins: int = BINS, wrong_limit: float = WRONG_LIMIT,
                   progress: Progress | None = print) -> dict[str, Any]:
    """Choose T on ``calibration`` (:func:`choose_temperature`), store it in ``path`` and the
    ``calibration`` section in its report.

    "Before" is the model without a temperature (as trained), so calibrating again replaces T
    rather than stacking one on another. ``evaluation`` (writers the calibration never saw) is
    measured with the same T. Returns the section.
    """
    path = Path(path)
    say = progress or (lambda _text: None)
    model = OnnxModel(path)
    if model.output_kind not in ("logits", "probabilities"):
        raise ModelContractError(path, f"a {model.output_kind} model has no class scores to calibrate")
    sets = {"calibration": calibration, **({"held_out_writers": evaluation} if evaluation is not None else {})}
    scores = {}
    for name, data in sets.items():
        say(f"running {path.name} on the {name.replace('_', ' ')} set ({len(data.labels)} images) ...")
        scores[name] = model_scores(model, data.images)
    chosen = choose_temperature(scores["calibration"], calibration.labels, wrong_limit=wrong_limit, bins=bins)
    temperature, rule = chosen.value, chosen.rule
    section = {
        "temperature": temperature,
        "likelihood_temperature": chosen.likelihood,
        "rule": rule,
        "method": ("temperature scaling: T minimises the negative log-likelihood of softmax(logits / T) on the "
                   "calibration set" + (f", then is raised until the wrong answers there are shown at "
                                        f"{wrong_limit:.0%} or less on average (their calibration error kept "
                                        f"within {ECE_LIMIT:.0%})" if rule == "softened" else "")
                   + "; the app divides the logits by T"),
        "wrong_limit": wrong_limit,
        "bins": bins,
        "sets": {name: _set_section(scores[name], data, temperature, bins) for name, data in sets.items()},
    }
    write_temperature(path, temperature, chosen.likelihood)
    _write_report_section(path, model, section)
    for name, figures in section["sets"].items():
        say(f"{name.replace('_', ' ')}: {summary_line(figures, temperature)}")
    return section


def _write_report_section(path: Path, model: OnnxModel, section: dict[str, Any]) -> Path:
    from training.report import SCHEMA, read_json, write_json_atomic

    sidecar = report_path(path)
    if sidecar.is_file():
        report = read_json(sidecar)
    else:  # a bare model still gets a report the Results panel can show
        report = {"schema": SCHEMA, "model": {"name": path.stem, "title": model.title, "output": model.output_kind},
                  "class_names": model.class_names}
    report["calibration"] = section
    report["size_bytes"] = path.stat().st_size
    return write_json_atomic(sidecar, report)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def summary_line(figures: dict[str, Any], temperature: float) -> str:
    """``T 1.84: ECE 12.0% -> 2.1%, mean confidence when wrong 87.0% -> 55.2%, top-1 80.1%``."""
    before, after = figures["before"], figures["after"]
    return (f"T {temperature:.3f}: ECE {_percent(before['ece'])} -> {_percent(after['ece'])}, mean confidence when "
            f"wrong {_percent(before['mean_confidence_wrong'])} -> {_percent(after['mean_confidence_wrong'])}, "
            f"top-1 {_percent(after['accuracy'])} (n={after['n']})")


def calibrate_with_writers(path: str | Path, *, chars: Sequence[str] | None = None, per_class: int = 40,
                           evaluation_per_class: int = 40, seed: int = CALIBRATION_SEED,
                           evaluation_seed: int = EVALUATION_SEED, bins: int = BINS,
                           wrong_limit: float = WRONG_LIMIT, progress: Progress | None = print) -> dict[str, Any]:
    """:func:`calibrate_file` on synthetic writers: training-range writers to fit, held-out writers to check.

    ``chars`` (default: every class of the model) must have stroke data. The seeds fix both sets,
    so the same call gives the same T.
    """
    if seed == evaluation_seed:
        raise DataError("the calibration and evaluation sets need different seeds")
    say = progress or (lambda _text: None)
    model = OnnxModel(path)
    names, kind = model.class_names, model.input_kind
    chars = list(chars) if chars is not None else names
    say(f"drawing {per_class} calibration samples per character (training-range writers, seed {seed}) ...")
    calibration = writer_set(chars, names, per_class=per_class, seed=seed, held_out=False, input_kind=kind)
    evaluation = None
    if evaluation_per_class > 0:
        say(f"drawing {evaluation_per_class} evaluation samples per character (held-out writers, "
            f"seed {evaluation_seed}) ...")
        evaluation = writer_set(chars, names, per_class=evaluation_per_class, seed=evaluation_seed, held_out=True,
                                input_kind=kind)
    return calibrate_file(path, calibration, evaluation, bins=bins, wrong_limit=wrong_limit, progress=progress)
