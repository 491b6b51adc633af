"""Reading classics.json, compare.json and tuning.json: good files load, every kind of bad file is named."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from desktop.core.experiments import (
    ExperimentError,
    best_so_far,
    best_trial_id,
    experiment_file,
    find_experiments,
    format_value,
    hyperparameter_names,
    ilsvrc_entries,
    load_classics,
    load_compare,
    load_experiment,
    load_tuning,
    scored_trials,
)
from tests import experiment_examples as examples

LOADERS = {"classics": (load_classics, examples.classics), "compare": (load_compare, examples.compare),
           "tuning": (load_tuning, examples.tuning)}


def test_good_files_load(tmp_path):
    classics = load_classics(examples.write(tmp_path / "classics.json", examples.classics()))
    assert [a["key"] for a in classics["architectures"]] == ["lenet5", "alexnet", "resnet50"]
    assert len(classics["datasets"]) == 4
    compare = load_compare(examples.write(tmp_path / "c" / "compare.json", examples.compare()))
    assert [r["model"] for r in compare["rows"]] == ["logistic", "cnn", "lenet5", "resnet"]
    tuning = load_tuning(examples.write(tmp_path / "t" / "tuning.json", examples.tuning()))
    assert len(tuning["trials"]) == 5 and tuning["best"]["trial_id"] == "03"


def test_a_running_search_without_best_and_optional_parts_loads(tmp_path):
    document = examples.tuning(finished=False)
    del document["search_space"], document["direction"]
    tuning = load_tuning(examples.write(tmp_path / "tuning.json", document))
    assert tuning["best"] is None and tuning["direction"] == "max" and tuning["search_space"] == []
    classics = examples.classics()
    del classics["datasets"]
    assert load_classics(examples.write(tmp_path / "classics.json", classics))["datasets"] == []


def test_chinese_texts_are_optional_and_load(tmp_path):
    classics = examples.classics()
    lenet = classics["architectures"][0]
    lenet.update(summary_zh="两级卷积与池化。", facts_zh=["为银行读取支票。", "约 6 万个参数。"])
    classics["architectures"][2].update(facts_zh=[])  # no facts, no Chinese facts
    classics["datasets"][0].update(image_size_zh="28×28 灰度", description_zh="手写数字")
    loaded = load_classics(examples.write(tmp_path / "classics.json", classics))
    assert loaded["architectures"][0]["facts_zh"] == ["为银行读取支票。", "约 6 万个参数。"]
    assert loaded["datasets"][0]["image_size_zh"] == "28×28 灰度"
    assert "summary_zh" not in loaded["architectures"][1]  # English only is still a good file


def test_load_experiment_dispatches_on_kind_and_accepts_a_folder(tmp_path):
    compare = examples.write(tmp_path / "a" / "compare.json", examples.compare())
    tuning = examples.write(tmp_path / "b" / "tuning.json", examples.tuning())
    assert load_experiment(compare).kind == "compare"
    found = load_experiment(tmp_path / "b")
    assert found.kind == "tuning" and found.path == tuning
    assert experiment_file(tmp_path / "a") == compare
    with pytest.raises(ExperimentError, match="holds neither compare.json nor tuning.json"):
        load_experiment(tmp_path)


def test_find_experiments_lists_the_subfolders(tmp_path):
    assert find_experiments(tmp_path / "absent") == []
    examples.write(tmp_path / "tune-x" / "tuning.json", examples.tuning())
    examples.write(tmp_path / "compare-y" / "compare.json", examples.compare())
    (tmp_path / "empty").mkdir()
    (tmp_path / "stray.json").write_text("{}", encoding="utf-8")
    assert find_experiments(tmp_path) == [tmp_path / "compare-y" / "compare.json",
                                          tmp_path / "tune-x" / "tuning.json"]


@pytest.mark.parametrize("which", sorted(LOADERS))
@pytest.mark.parametrize("content, message", [
    (None, "no such"),
    ("", "is empty"),
    ("   \n", "is empty"),
    ('{"schema": 1, ', "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    (b"\xff\xfe\x00garbage", "cannot be read"),
])
def test_unreadable_files_name_the_file(tmp_path, which, content, message):
    path = tmp_path / f"{which}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    load, _ = LOADERS[which]
    with pytest.raises(ExperimentError, match=message) as caught:
        load(path)
    assert str(caught.value).startswith(str(path))


def _broken(document, change):
    document = copy.deepcopy(document)
    change(document)
    return document


CLASSICS_BREAKS = [
    (lambda d: d.pop("architectures"), "lacks architectures"),
    (lambda d: d.pop("schema"), "lacks schema"),
    (lambda d: d.update(schema="one"), "schema is not a positive whole number"),
    (lambda d: d.update(architectures=[]), "architecture list is empty"),
    (lambda d: d.update(architectures={"lenet5": {}}), "architectures is not a list of objects"),
    (lambda d: d["architectures"][0].pop("layers"), "architecture 1 lacks layers"),
    (lambda d: d["architectures"][1].update(name=""), "'alexnet': name is not a non-empty text"),
    (lambda d: d["architectures"][1].update(ilsvrc_top5_error="15.3"), "ilsvrc_top5_error is not a number"),
    (lambda d: d["architectures"][0].update(total_params=True), "total_params is not a number"),
    (lambda d: d["architectures"][0].update(facts="one fact"), "facts is not a list of texts"),
    (lambda d: d["architectures"][0].update(facts_zh=["只有一条。"]),
     "'lenet5': facts_zh has 1 entries but facts has 2 \\(they must match one for one\\)"),
    (lambda d: d["architectures"][2].update(facts_zh=["多出来的一条。"]),
     "'resnet50': facts_zh has 1 entries but facts has 0"),
    (lambda d: d["architectures"][0].update(facts_zh="两条事实"), "'lenet5': facts_zh is not a list of texts"),
    (lambda d: d["architectures"][0].update(facts_zh=["一", 2]), "'lenet5': facts_zh is not a list of texts"),
    (lambda d: d["architectures"][1].update(summary_zh=["摘要"]), "'alexnet': summary_zh is not text"),
    (lambda d: d["datasets"][1].update(image_size_zh=32), "data set 'CIFAR-10': image_size_zh is not text"),
    (lambda d: d["datasets"][0].update(description_zh={"zh": "手写数字"}), "'MNIST': description_zh is not text"),
    (lambda d: d["architectures"][0]["layers"][2].pop("type"), "layer 3 lacks name or type"),
    (lambda d: d["architectures"][0]["layers"][1].update(params="156"), "layer 'conv1'.*params is not a number"),
    (lambda d: d["architectures"][2].update(key="lenet5"), "two architectures share a key"),
    (lambda d: d.update(datasets="MNIST"), "datasets is not a list of objects"),
    (lambda d: d["datasets"][0].pop("name"), "data set 1 lacks name"),
]


@pytest.mark.parametrize("change, message", CLASSICS_BREAKS)
def test_bad_classics_files_are_refused(tmp_path, change, message):
    path = examples.write(tmp_path / "classics.json", _broken(examples.classics(), change))
    with pytest.raises(ExperimentError, match=message) as caught:
        load_classics(path)
    assert str(caught.value).startswith(str(path))


COMPARE_BREAKS = [
    (lambda d: d.pop("kind"), "not a model comparison"),
    (lambda d: d.update(kind="tuning"), "not a model comparison \\(it is a hyperparameter search"),
    (lambda d: d.pop("rows"), "lacks rows"),
    (lambda d: d.pop("schema"), "lacks schema"),
    (lambda d: d.update(rows=[1, 2]), "rows is not a list of objects"),
    (lambda d: d["rows"][1].pop("model"), "row 2 lacks model"),
    (lambda d: d["rows"][1].update(test_accuracy="94 %"), "row 'cnn': test_accuracy is not a number"),
    (lambda d: d["rows"][0].update(params=float("nan")), "row 'logistic': params is not a number"),
    (lambda d: d.update(settings=[10]), "settings is not an object"),
]


@pytest.mark.parametrize("change, message", COMPARE_BREAKS)
def test_bad_comparisons_are_refused(tmp_path, change, message):
    path = examples.write(tmp_path / "compare.json", _broken(examples.compare(), change))
    with pytest.raises(ExperimentError, match=message) as caught:
        load_compare(path)
    assert str(caught.value).startswith(str(path))


TUNING_BREAKS = [
    (lambda d: d.update(kind="compare"), "not a hyperparameter search \\(it is a model comparison"),
    (lambda d: d.update(kind="report"), "its kind is 'report'"),
    (lambda d: d.pop("trials"), "lacks trials"),
    (lambda d: d.update(trials={"00": {}}), "trials is not a list of objects"),
    (lambda d: d["trials"][0].pop("status"), "trial 1 lacks status"),
    (lambda d: d["trials"][1].update(trial_id="00"), "trial id '00' appears twice"),
    (lambda d: d["trials"][0].update(hyperparameters=[1]), "trial '00': hyperparameters is not an object"),
    (lambda d: d["trials"][3].update(score="0.95"), "trial '03': score is not a number"),
    (lambda d: d.update(direction="up"), "direction is neither max nor min"),
    (lambda d: d.update(best=[]), "best is neither an object nor null"),
    (lambda d: d["best"].pop("trial_id"), "best lacks trial_id"),
    (lambda d: d["best"].update(test_accuracy="high"), "best: test_accuracy is not a number"),
    (lambda d: d.update(search_space=[{"type": "Int"}]), "search space entry 1 lacks name"),
]


@pytest.mark.parametrize("change, message", TUNING_BREAKS)
def test_bad_searches_are_refused(tmp_path, change, message):
    path = examples.write(tmp_path / "tuning.json", _broken(examples.tuning(), change))
    with pytest.raises(ExperimentError, match=message) as caught:
        load_tuning(path)
    assert str(caught.value).startswith(str(path))


def test_load_experiment_refuses_a_foreign_json(tmp_path):
    path = examples.write(tmp_path / "other.json", {"schema": 1, "class_names": ["a"]})
    with pytest.raises(ExperimentError, match="lacks kind"):
        load_experiment(path)
    path = examples.write(tmp_path / "other.json", {"schema": 1, "kind": "report"})
    with pytest.raises(ExperimentError, match="neither compare nor tuning"):
        load_experiment(path)


def test_helpers_for_the_charts():
    tuning = examples.tuning()
    assert hyperparameter_names(tuning) == ["conv_blocks", "filters_1", "learning_rate"]
    tuning["trials"][0]["hyperparameters"]["tuner/epochs"] = 3
    assert hyperparameter_names(tuning)[-1] == "tuner/epochs"
    assert [n for n, _ in scored_trials(tuning)] == [1, 2, 4, 5]
    assert best_so_far([0.8, 0.9, 0.85, 0.95], "max") == [0.8, 0.9, 0.9, 0.95]
    assert best_so_far([3.0, 2.0, 2.5], "min") == [3.0, 2.0, 2.0]
    assert best_trial_id(tuning) == "03"
    running = examples.tuning(finished=False)
    assert best_trial_id(running) == "03"  # best so far while the search runs
    running["direction"] = "min"
    assert best_trial_id(running) == "00"
    running["trials"] = [t for t in running["trials"] if t["score"] is None]
    assert best_trial_id(running) is None
    assert ilsvrc_entries(examples.classics()) == [("AlexNet", 2012, 15.3), ("ResNet-50", 2015, 3.57)]
    assert [format_value(v) for v in (16, 0.001, 2.5e-05, "relu", True, None)] == \
        ["16", "0.001", "2.5e-05", "relu", "True", "–"]


def test_the_shipped_files_load_when_present():
    assets = Path(__file__).resolve().parents[2] / "assets"
    classics = assets / "architectures" / "classics.json"
    if classics.is_file():
        assert load_classics(classics)["architectures"]
    for path in find_experiments(assets / "experiments"):
        assert load_experiment(path).kind in ("compare", "tuning")
