"""Read the classic-architecture gallery, model comparisons and hyperparameter searches.

Three JSON files written by the training package (see README, "Experiments"):

- ``assets/architectures/classics.json``: famous CNNs with their real layer tables, and data sets
  (optional ``*_zh`` keys hold the Simplified Chinese texts);
- ``<out>/compare.json`` (``"kind": "compare"``): several models trained on one data set;
- ``<out>/tuning.json`` (``"kind": "tuning"``): the trials of a search, rewritten after every trial.

The loaders check what the Results panel cannot do without and tolerate extra keys, so a file from
a newer training run still opens. Every problem raises :class:`ExperimentError` whose message starts
with the file's path. Qt-free, so the views run these on a worker thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core import json_files

CLASSICS_SCHEMA = 1
COMPARE_NAME = "compare.json"
TUNING_NAME = "tuning.json"
KINDS = ("compare", "tuning")
DIRECTIONS = ("max", "min")
#: Numeric columns of a comparison row (each a number or null).
COMPARE_NUMBERS = ("params", "epochs", "best_epoch", "train_seconds", "val_accuracy", "test_accuracy",
                   "test_top5", "inference_ms")


class ExperimentError(ValueError):
    """A file that cannot be shown; the message starts with the file's path."""


@dataclass(frozen=True)
class Experiment:
    """A loaded ``compare.json`` or ``tuning.json``."""

    kind: str  # "compare" | "tuning"
    path: Path
    data: dict[str, Any]


# -- reading -------------------------------------------------------------------------------------
def read_json_object(path: str | Path, what: str = "file") -> dict[str, Any]:
    """The JSON object in ``path``; ExperimentError for a missing, empty, unreadable or non-object file."""
    return json_files.read_json_object(path, what, ExperimentError)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _Checker:
    """Small typed checks whose errors name the file and the place in it."""

    def __init__(self, path: Path, what: str):
        self.path, self.what = path, what

    def fail(self, text: str) -> ExperimentError:
        return ExperimentError(f"{self.path}: {text}")

    def require(self, data: dict[str, Any], keys: tuple[str, ...], where: str = "") -> None:
        missing = [key for key in keys if key not in data]
        if missing:
            place = f"{where} " if where else f"the {self.what} "
            raise self.fail(f"{place}lacks {', '.join(missing)}")

    def list_of_objects(self, data: dict[str, Any], key: str, where: str = "") -> list[dict[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(f"{where + ' ' if where else ''}{key} is not a list of objects")
        return value

    def number_or_null(self, data: dict[str, Any], key: str, where: str) -> None:
        value = data.get(key)
        if value is not None and not _is_number(value):
            raise self.fail(f"{where}: {key} is not a number ({value!r})")

    def text(self, data: dict[str, Any], key: str, where: str) -> None:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(f"{where}: {key} is not a non-empty text ({value!r})")

    def schema(self, data: dict[str, Any]) -> None:
        value = data.get("schema")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(f"schema is not a positive whole number ({value!r})")


def load_classics(path: str | Path) -> dict[str, Any]:
    """The architecture gallery (``classics.json``); ExperimentError when it cannot be shown."""
    path = Path(path)
    data = read_json_object(path, "architecture file")
    check = _Checker(path, "architecture file")
    check.require(data, ("schema", "architectures"))
    check.schema(data)
    architectures = check.list_of_objects(data, "architectures")
    if not architectures:
        raise check.fail("the architecture list is empty")
    for i, arch in enumerate(architectures):
        where = f"architecture {i + 1}"
        check.require(arch, ("key", "name", "layers"), where)
        check.text(arch, "key", where)
        where = f"architecture {arch['key']!r}"
        check.text(arch, "name", where)
        for key in ("year", "total_params", "ilsvrc_top5_error"):
            check.number_or_null(arch, key, where)
        for key in ("authors", "paper", "summary", "summary_zh"):
            if arch.get(key) is not None and not isinstance(arch[key], str):
                raise check.fail(f"{where}: {key} is not text")
        for key in ("facts", "facts_zh"):
            facts = arch.get(key)
            if facts is not None and (not isinstance(facts, list) or not all(isinstance(f, str) for f in facts)):
                raise check.fail(f"{where}: {key} is not a list of texts")
        # The Chinese facts replace the English ones one for one.
        if arch.get("facts_zh") is not None and len(arch["facts_zh"]) != len(arch.get("facts") or []):
            raise check.fail(f"{where}: facts_zh has {len(arch['facts_zh'])} entries but facts has "
                             f"{len(arch.get('facts') or [])} (they must match one for one)")
        layers = check.list_of_objects(arch, "layers", where)
        for j, layer in enumerate(layers):
            if "name" not in layer or "type" not in layer:
                raise check.fail(f"{where}: layer {j + 1} lacks name or type")
            check.number_or_null(layer, "params", f"{where}, layer {layer['name']!r}")
    keys = [arch["key"] for arch in architectures]
    if len(set(keys)) != len(keys):
        raise check.fail("two architectures share a key")
    datasets = data.get("datasets")
    if datasets is None:
        data["datasets"] = []
    else:
        for i, item in enumerate(check.list_of_objects(data, "datasets")):
            check.require(item, ("name",), f"data set {i + 1}")
            for key in ("year", "images", "train", "test", "classes"):
                check.number_or_null(item, key, f"data set {item['name']!r}")
            for key in ("image_size_zh", "description_zh"):
                if item.get(key) is not None and not isinstance(item[key], str):
                    raise check.fail(f"data set {item['name']!r}: {key} is not text")
    return data


def _check_kind(check: _Checker, data: dict[str, Any], kind: str) -> None:
    found = data.get("kind")
    if found != kind:
        other = {"compare": "a model comparison", "tuning": "a hyperparameter search"}.get(found)
        found_text = f"it is {other} ({'kind ' + repr(found)})" if other else f"its kind is {found!r}"
        raise check.fail(f"not a {'model comparison' if kind == 'compare' else 'hyperparameter search'} "
                         f"({found_text})")


def load_compare(path: str | Path) -> dict[str, Any]:
    """A model comparison (``compare.json``); ExperimentError when it cannot be shown."""
    path = Path(path)
    data = read_json_object(path)
    check = _Checker(path, "comparison")
    _check_kind(check, data, "compare")
    check.require(data, ("schema", "rows"))
    check.schema(data)
    for i, row in enumerate(check.list_of_objects(data, "rows")):
        check.require(row, ("model",), f"row {i + 1}")
        check.text(row, "model", f"row {i + 1}")
        for key in COMPARE_NUMBERS:
            check.number_or_null(row, key, f"row {row['model']!r}")
    if data.get("settings") is not None and not isinstance(data["settings"], dict):
        raise check.fail("settings is not an object")
    return data


def load_tuning(path: str | Path) -> dict[str, Any]:
    """A hyperparameter search (``tuning.json``); ExperimentError when it cannot be shown."""
    path = Path(path)
    data = read_json_object(path)
    check = _Checker(path, "search")
    _check_kind(check, data, "tuning")
    check.require(data, ("schema", "trials"))
    check.schema(data)
    direction = data.setdefault("direction", "max")
    if direction not in DIRECTIONS:
        raise check.fail(f"direction is neither max nor min ({direction!r})")
    check.number_or_null(data, "max_trials", "the search")
    space = data.get("search_space")
    if space is None:
        data["search_space"] = []
    else:
        for i, item in enumerate(check.list_of_objects(data, "search_space")):
            check.require(item, ("name",), f"search space entry {i + 1}")
    seen = set()
    for i, trial in enumerate(check.list_of_objects(data, "trials")):
        where = f"trial {i + 1}"
        check.require(trial, ("trial_id", "status"), where)
        trial_id = str(trial["trial_id"])
        if trial_id in seen:
            raise check.fail(f"trial id {trial_id!r} appears twice")
        seen.add(trial_id)
        where = f"trial {trial_id!r}"
        hyperparameters = trial.setdefault("hyperparameters", {})
        if not isinstance(hyperparameters, dict):
            raise check.fail(f"{where}: hyperparameters is not an object")
        for key in ("score", "seconds", "epochs"):
            check.number_or_null(trial, key, where)
    best = data.get("best")
    if best is not None:
        if not isinstance(best, dict):
            raise check.fail("best is neither an object nor null")
        check.require(best, ("trial_id",), "best")
        for key in ("score", "test_accuracy", "test_top5"):
            check.number_or_null(best, key, "best")
        if best.get("hyperparameters") is not None and not isinstance(best["hyperparameters"], dict):
            raise check.fail("best: hyperparameters is not an object")
    return data


def load_experiment(path: str | Path) -> Experiment:
    """A ``compare.json`` or ``tuning.json`` by its ``kind``; a folder holding one of them works too."""
    path = Path(path)
    if path.is_dir():
        path = experiment_file(path)
    data = read_json_object(path)
    kind = data.get("kind")
    if kind == "compare":
        return Experiment("compare", path, load_compare(path))
    if kind == "tuning":
        return Experiment("tuning", path, load_tuning(path))
    if "kind" not in data:
        raise ExperimentError(f"{path}: lacks kind (expected a compare.json or tuning.json of the training package)")
    raise ExperimentError(f"{path}: kind {kind!r} is neither compare nor tuning")


def experiment_file(folder: str | Path) -> Path:
    """The ``compare.json`` or ``tuning.json`` in ``folder``; ExperimentError when it has neither."""
    folder = Path(folder)
    for name in (COMPARE_NAME, TUNING_NAME):
        if (folder / name).is_file():
            return folder / name
    raise ExperimentError(f"{folder}: holds neither {COMPARE_NAME} nor {TUNING_NAME}")


def find_experiments(root: str | Path) -> list[Path]:
    """``root/*/compare.json`` and ``root/*/tuning.json``, sorted by folder (an absent root gives [])."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        found += [folder / name for name in (COMPARE_NAME, TUNING_NAME) if (folder / name).is_file()]
    return found


# -- what the views draw -------------------------------------------------------------------------
def ilsvrc_entries(classics: dict[str, Any]) -> list[tuple[str, int | None, float]]:
    """``(name, year, top-5 error %)`` of the architectures with an ILSVRC result, oldest first."""
    entries = [(a["name"], a.get("year"), float(a["ilsvrc_top5_error"]))
               for a in classics.get("architectures", []) if a.get("ilsvrc_top5_error") is not None]
    return sorted(entries, key=lambda e: (e[1] if e[1] is not None else math.inf, e[0]))


def hyperparameter_names(tuning: dict[str, Any]) -> list[str]:
    """The search space's names in its order, then any other name a trial has (Hyperband's own)."""
    names = [str(item["name"]) for item in tuning.get("search_space", [])]
    for trial in tuning.get("trials", []):
        names += [key for key in trial.get("hyperparameters", {}) if key not in names]
    return names


def scored_trials(tuning: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """``(number, trial)`` of every trial with a score; numbers count from 1 in the file's order."""
    return [(i, t) for i, t in enumerate(tuning.get("trials", []), start=1) if t.get("score") is not None]


def best_so_far(scores: list[float], direction: str = "max") -> list[float]:
    """The running best of ``scores`` (maximum or minimum by ``direction``)."""
    pick = max if direction == "max" else min
    result: list[float] = []
    for score in scores:
        result.append(score if not result else pick(result[-1], score))
    return result


def best_trial_id(tuning: dict[str, Any]) -> str | None:
    """The ``best`` entry's trial, else the best scored trial so far (a search still running)."""
    best = tuning.get("best")
    if best:
        return str(best["trial_id"])
    scored = scored_trials(tuning)
    if not scored:
        return None
    pick = max if tuning.get("direction", "max") == "max" else min
    return str(pick(scored, key=lambda pair: pair[1]["score"])[1]["trial_id"])


def format_value(value: Any) -> str:
    """A hyperparameter value as people write it: 16, 0.001, 2.5e-05, relu, True."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
