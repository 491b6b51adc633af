"""Every model the app can run: the ONNX files in the shipped and the user's model folders.

Models are data, not code: any file that follows the contract shows up, and one that does not
(corrupt, wrong input shape, missing metadata, fails its dry run) is reported as a
:class:`ModelProblem` with the reason, never raised, so one bad download cannot stop the app.
Opening a file creates an onnxruntime session: call :meth:`ModelRegistry.scan` off the GUI thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Sequence

from desktop.core.contract import IMAGE_KIND, META_INPUT_KIND, STROKES_KIND, shipped_models_dir
from desktop.core.model_check import DEFAULT_TIMEOUT_S, check_model_file, is_trusted
from desktop.core.onnx_metadata import MetadataError, read_metadata
from desktop.core.onnx_model import ModelContractError, OnnxModel, open_checked

#: Shipped character models, best first: the residual CNN when it exists, then the course CNN; then
#: the 3,755-character model (the first of its vocabulary, where only its models are listed).
PREFERRED_CHARACTER_MODELS = ("casia55-best.onnx", "casia55-cnn.onnx", "hanzi3755-best.onnx")
#: The shipped stroke model (ink + the pen's directions): what drawings and stroke files go to first.
PREFERRED_STROKE_MODELS = ("casia55-online.onnx",)


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    title: str
    task: str
    output_kind: str
    class_names: list[str]
    feature_names: list[str]
    metrics: dict[str, Any]
    input_kind: str = IMAGE_KIND  # what a character model reads: image, or strokes (the pen's directions too)

    @property
    def label(self) -> str:
        """One line for a list: ``title (file name)``."""
        return f"{self.title} ({self.path.name})"

    @classmethod
    def of(cls, model: OnnxModel) -> "ModelInfo":
        return cls(model.path, model.title, model.task, model.output_kind, model.class_names,
                   model.feature_names, model.metrics, model.input_kind)

    @classmethod
    def from_metadata(cls, path: Path, meta: dict[str, str]) -> "ModelInfo":
        """A listing from the metadata alone (no session): feature outputs are not known."""
        return cls(path, meta["title"], meta["task"], meta["output"], list(json.loads(meta["class_names"])), [],
                   dict(json.loads(meta.get("metrics") or "{}")), meta.get(META_INPUT_KIND, IMAGE_KIND))


@dataclass(frozen=True)
class ModelProblem:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


@dataclass
class RegistryScan:
    models: list[ModelInfo]
    problems: list[ModelProblem]
    #: The opened, warmed engines by path, so the caller need not open each file twice.
    loaded: dict[Path, OnnxModel] = field(default_factory=dict, repr=False, compare=False)

    def character_models(self) -> list[ModelInfo]:
        return [m for m in self.models if m.task == "characters"]


def default_character_model_path(input_kind: str = IMAGE_KIND) -> Path:
    """The shipped character model the command line uses without ``--model``: the first of
    :data:`PREFERRED_CHARACTER_MODELS` present (the last one's path, to be reported, if none is).
    For stroke input (``input_kind="strokes"``) a shipped stroke model comes first when present."""
    names = (*PREFERRED_STROKE_MODELS, *PREFERRED_CHARACTER_MODELS) if input_kind == STROKES_KIND \
        else PREFERRED_CHARACTER_MODELS
    shipped = [shipped_models_dir() / name for name in names]
    return next((p for p in shipped if p.is_file()), shipped[-1])


def default_model_folders(user_models_dir: str | Path | None = None) -> list[Path]:
    """The shipped models first, then the user's own folder (when there is one)."""
    folders = [shipped_models_dir()]
    if user_models_dir is not None:
        folders.append(Path(user_models_dir))
    return folders


def _first_named(models: list[ModelInfo], names: Sequence[str]) -> ModelInfo | None:
    """The model whose file is the first of ``names`` present."""
    by_name = {m.path.name: m for m in reversed(models)}  # the first listed wins a shared name
    return next((by_name[n] for n in names if n in by_name), None)


def preferred_character_model(models: Sequence[ModelInfo]) -> ModelInfo | None:
    """The image model to show first: the shipped CNN (tuned one preferred), else any CNN-like one."""
    chars = [m for m in models if m.task == "characters" and m.input_kind == IMAGE_KIND]
    with_features = [m for m in chars if m.feature_names]
    return _first_named(chars, PREFERRED_CHARACTER_MODELS) or (with_features or chars or [None])[0]


def preferred_stroke_model(models: Sequence[ModelInfo]) -> ModelInfo | None:
    """The stroke model to show first (a shipped one preferred), or None when none reads strokes."""
    strokes = [m for m in models if m.task == "characters" and m.input_kind == STROKES_KIND]
    return _first_named(strokes, PREFERRED_STROKE_MODELS) or (strokes or [None])[0]


class ModelRegistry:
    """The ONNX files in ``folders`` (missing folders are simply empty).

    A file outside ``trusted_folders`` (by default the shipped ``assets/models``) is a user's model:
    it is first opened in a separate process (:func:`desktop.core.model_check.check_model_file`), so
    a file that crashes or hangs onnxruntime becomes a :class:`ModelProblem` instead of taking the
    app down. Shipped models skip that check to keep start-up fast.
    """

    def __init__(self, folders: Sequence[str | Path], *, trusted_folders: Sequence[str | Path] | None = None,
                 check_timeout_s: float = DEFAULT_TIMEOUT_S):
        self.folders = [Path(f) for f in folders]
        self.trusted_folders = [shipped_models_dir()] if trusted_folders is None else [Path(f) for f in trusted_folders]
        self.check_timeout_s = check_timeout_s

    def files(self) -> list[Path]:
        found: list[Path] = []
        for folder in self.folders:
            if folder.is_dir():
                found += sorted(p for p in folder.glob("*.onnx") if p.is_file())
        return list(dict.fromkeys(found))  # a folder named twice lists its files once

    def scan(self, warm_up: bool = True, load_tasks: Collection[str] | None = None,
             threads: int | None = None) -> RegistryScan:
        """Open, check and (by default) warm every file; sort the good from the bad.

        With ``load_tasks``, models of other tasks are only listed from their metadata (read
        without loading weights), so a worker that runs character models does not hold an
        ImageNet network in memory; the worker that runs those checks them fully. ``threads``: each
        opened model's onnxruntime threads for one inference (None: onnxruntime's default).
        """
        result = RegistryScan([], [])
        for path in self.files():
            if not is_trusted(path, self.trusted_folders):
                verdict = check_model_file(path, self.check_timeout_s)
                if not verdict.ok:
                    result.problems.append(ModelProblem(path, verdict.reason))
                    continue
            if load_tasks is not None:
                listed = _listing_only(path, load_tasks)
                if listed is not None:
                    result.models.append(listed)
                    continue
            try:
                model = open_checked(path, warm_up=warm_up, threads=threads)
            except ModelContractError as exc:
                result.problems.append(ModelProblem(path, exc.reason))
                continue
            except Exception as exc:  # noqa: BLE001 - anything else a strange file provokes must not stop the scan
                result.problems.append(ModelProblem(path, f"cannot be opened ({exc})"))
                continue
            result.models.append(ModelInfo.of(model))
            result.loaded[path] = model
        return result


def _listing_only(path: Path, load_tasks: Collection[str]) -> ModelInfo | None:
    """A metadata-only listing for a model of another task, or None to open it fully."""
    try:
        meta = read_metadata(path)
        if meta.get("task") in load_tasks:
            return None
        return ModelInfo.from_metadata(path, meta)
    except (OSError, MetadataError, KeyError, ValueError, TypeError):
        return None  # let the full check name the problem
