"""A training run folder (``model.keras``, ``run.json``, ``history.json``) read back in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.contract import LOGITS

from .errors import DataError


@dataclass
class Run:
    folder: Path
    model: Any  # keras.Model
    info: dict[str, Any]
    history: dict[str, Any] | None

    @property
    def class_names(self) -> list[str]:
        return list(self.info["class_names"])

    @property
    def output_kind(self) -> str:
        return self.info.get("output", LOGITS)

    @property
    def name(self) -> str:
        return self.info.get("model", self.model.name)

    @property
    def title(self) -> str:
        return self.info.get("title") or f"{self.name} ({len(self.class_names)} characters)"

    @property
    def model_file(self) -> Path:
        return self.folder / "model.keras"


def load_run(folder: str | Path) -> Run:
    """Load a run folder written by ``training.train.train``; clear errors for anything missing."""
    import keras

    from .report import read_json

    folder = Path(folder)
    model_file = folder / "model.keras"
    if not model_file.is_file():
        raise DataError(f"{model_file}: no trained model here (is {folder} a training run folder?)")
    info = read_json(folder / "run.json")
    history = read_json(folder / "history.json") if (folder / "history.json").is_file() else None
    try:
        # safe_mode: a Lambda layer's pickled Python code in a shared model file is refused, never run.
        model = keras.models.load_model(model_file, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds for a file it cannot (or will not) load
        raise DataError(f"{model_file}: Keras cannot load this model ({exc})") from exc
    return Run(folder, model, info, history)
