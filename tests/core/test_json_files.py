"""The shared JSON-object reader: every problem raises the caller's error, naming the file."""

from __future__ import annotations

import pytest

from desktop.core.json_files import read_json_object


class DemoError(ValueError):
    pass


@pytest.mark.parametrize("content, message", [
    ("", "the demo file is empty"),
    ("  \n", "the demo file is empty"),
    ('{"a": ', "the demo file is not valid JSON (line 1: Expecting value)"),
    ("[" * 100_000 + "]" * 100_000, "the demo file is not valid JSON (nested too deeply)"),
    ("[1, 2]", "the demo file is not a JSON object"),
    (b"\xff\xfe\x00", "the demo file cannot be read"),
])
def test_problems_raise_the_callers_error_with_the_path(tmp_path, content, message):
    path = tmp_path / "x.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DemoError) as info:
        read_json_object(path, "demo file", DemoError)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)


def test_missing_file_folder_and_a_good_object(tmp_path):
    with pytest.raises(DemoError, match=r"absent\.json: no such demo file$"):
        read_json_object(tmp_path / "absent.json", "demo file", DemoError)
    with pytest.raises(DemoError, match=r"absent\.json: no such thing$"):
        read_json_object(tmp_path / "absent.json", "demo file", DemoError, missing="thing")
    with pytest.raises(DemoError, match="is a folder, not a demo file"):
        read_json_object(tmp_path, "demo file", DemoError)
    (tmp_path / "ok.json").write_text('{"名": [1, 2]}', encoding="utf-8")
    assert read_json_object(tmp_path / "ok.json", "demo file", DemoError) == {"名": [1, 2]}
