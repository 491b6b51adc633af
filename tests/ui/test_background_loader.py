"""The request-id loader behind the Results views: expected errors pass through, others are worded."""

from __future__ import annotations

from desktop.core.contract import report_path
from desktop.core.experiments import ExperimentError
from desktop.ui.results import report_loader
from desktop.ui.workers import BackgroundLoader


def broken(kind: type[Exception]):
    def read(path):
        raise kind(f"{path}: exploded")
    return read


def test_expected_errors_keep_their_message_and_others_are_worded(qtbot):
    loader = BackgroundLoader(None, (KeyError, ExperimentError), lambda args, exc: f"custom {args[0]} {exc}")
    with qtbot.waitSignal(loader.failed, timeout=10_000) as expected:
        first = loader.load(broken(ExperimentError), "a.json")
    assert expected.args == [first, "a.json: exploded"]
    with qtbot.waitSignal(loader.failed, timeout=10_000) as other:
        second = loader.load(broken(RuntimeError), "b.json")
    assert second == first + 1 and other.args == [second, "custom b.json b.json: exploded"]
    with qtbot.waitSignal(loader.loaded, timeout=10_000) as good:
        third = loader.load(len, "abc")
    assert good.args == [third, 3]
    assert loader.wait()


def test_default_wording_names_the_first_argument(qtbot):
    loader = BackgroundLoader()
    with qtbot.waitSignal(loader.failed, timeout=10_000) as failed:
        loader.load(broken(RuntimeError), "c.json")
    assert failed.args[1] == "c.json: cannot be shown (c.json: exploded)"


def test_report_loader_names_the_report_when_reading_fails_unexpectedly(qtbot, tmp_path, monkeypatch):
    model = tmp_path / "m.onnx"  # never opened: the report beside it is missing
    monkeypatch.setattr(report_loader, "read_everything", broken(RuntimeError))
    loader = report_loader.ReportLoader()
    with qtbot.waitSignal(loader.failed, timeout=10_000) as failed:
        request = loader.load(str(model))
    assert failed.args == [request, f"{report_path(model)}: cannot be shown ({model}: exploded)"]
    with qtbot.waitSignal(loader.failed, timeout=10_000) as missing:
        monkeypatch.undo()
        loader.load(model)
    assert "m.onnx has no report" in missing.args[1]
    assert loader.wait()
