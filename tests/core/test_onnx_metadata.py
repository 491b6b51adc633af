"""Reading ONNX metadata without a session agrees with onnxruntime and refuses junk."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort
import pytest

from desktop.core.onnx_metadata import MetadataError, read_metadata

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "assets" / "models").glob("*.onnx"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_matches_onnxruntime_on_shipped_models(path):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert read_metadata(path) == dict(session.get_modelmeta().custom_metadata_map)


def test_reads_metadata_of_a_tiny_model(tmp_path):
    from tests.tiny_onnx import linear_character_model

    path = linear_character_model(tmp_path / "m.onnx", ["大", "天"])
    meta = read_metadata(path)
    assert meta["task"] == "characters" and "大" in meta["class_names"]


@pytest.mark.parametrize("junk", [b"", b"\xff\xff\xff", b"not a model at all" * 10, b"\x0a\xff\xff\xff\x7f"])
def test_junk_is_refused_or_empty(tmp_path, junk):
    path = tmp_path / "junk.onnx"
    path.write_bytes(junk)
    try:
        assert read_metadata(path) == {}
    except MetadataError:
        pass
