"""The polish towards print of a finished training run, and the weight blend it ends with.

Synthetic writers hold a round pen, so a model trained on them reads print less well than hands
(serifs, thin horizontals and heavy ink are nothing a pen makes). The polish starts from the run's
model with batch norm folded into the convolutions and frozen (:func:`training.models.fold_batch_norm`:
the function the ONNX file computes), trains a short while on some of the training writers mixed
with every character printed in free faces that no benchmark reads (:mod:`training.print_samples`),
then blends the weights back towards the start (:func:`blend_weights`).

The whole-vocabulary build runs the same steps resumably (:mod:`training.vocabulary_build`); the
course build polishes ``casia55-best`` with :func:`polish_run` after it has trained.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .data import CharacterData, concatenate
from .print_samples import PRINT_FACES, PrintFace, locate_faces, print_samples
from .resumable_fit import ResumableSettings, fit_resumable

PRINT_SEED = 404  # the printed samples' sizes and weights (the vocabulary build's too)
VALIDATION_SEED = 101  # the polish's validation writers (training ranges), apart from the training writers' 100
VALIDATION_PER_CHAR = 5
MAIN_MODEL = "model-main.keras"  # the run's model before the polish, kept beside the polished model.keras
FOLDER = "polish"


@dataclass(frozen=True)
class PrintPolish:
    """How a trained run is polished towards print (the defaults are ``casia55-best``'s)."""

    #: the first training writers per character, and each face's drawings of every character
    writers_per_char: int = 150
    print_variants: int = 10
    faces: tuple[PrintFace | str, ...] = PRINT_FACES
    #: one epoch from a tenth of the course networks' learning rate (the folded weights are bigger)
    fit: ResumableSettings = field(default_factory=lambda: ResumableSettings(epochs=1, learning_rate=1e-4, seed=301))
    #: how far the polished weights are kept from the run's (:func:`blend_weights`; 1: the polish alone)
    blend: float = 0.7

    def describe(self) -> str:
        return (f"polished towards print: batch norm folded, {self.fit.epochs} epoch(s) from "
                f"{self.fit.learning_rate:g} on the first {self.writers_per_char} training writers per character and "
                f"every character printed {self.print_variants} times in {len(self.faces)} font faces "
                f"(training.print_samples, seed {PRINT_SEED}), weights blended {self.blend:g} of the way from the "
                f"unpolished model's (training.polish)")


def blend_weights(polished, main, share: float) -> None:
    """``polished``'s weights moved back towards ``main``'s: ``main + share * (polished - main)``.

    The weight-space ensemble of a fine-tuned network and its start (Wortsman et al., "Robust
    fine-tuning of zero-shot models", 2022): the blend keeps most of what the polish learnt (print)
    and most of what the main phase knew (hurried writers), which the polished weights alone partly
    lose. Both hold batch norm folded, so every weight blends linearly.
    """
    polished.set_weights([m + share * (p - m) for p, m in zip(polished.get_weights(), main.get_weights())])


def polish_data(writers: CharacterData, per_char: int, faces: list[tuple[str, int]], variants: int) -> CharacterData:
    """The first ``per_char`` writers' samples per character (on average) and the printed ones."""
    chars = list(writers.class_names)
    parts = [writers.subset(np.arange(min(len(writers), per_char * len(chars))))]
    if faces and variants > 0:
        parts.append(print_samples(chars, faces, variants, PRINT_SEED))
    return concatenate(parts)


def polish_run(run_dir: str | Path, writers: CharacterData, polish: PrintPolish, *,
               workers: int | None = None) -> dict[str, Any]:
    """Polish ``run_dir/model.keras`` towards print and write it back; the polish's ``history.json`` content.

    The unpolished model stays beside it as ``model-main.keras``; ``run.json`` says what was done.
    ``writers`` are the run's training writers (their stream's first samples are taken). A polish
    left from an earlier run of the folder is discarded: the model under it has been trained again.
    """
    import keras

    from .models import fold_batch_norm
    from .writer_pool import writer_data

    run_dir = Path(run_dir)
    faces = locate_faces(polish.faces)  # a missing face is named before anything is changed
    main_file = run_dir / MAIN_MODEL
    shutil.copyfile(run_dir / "model.keras", main_file)
    shutil.rmtree(run_dir / FOLDER, ignore_errors=True)

    def load_main():
        return fold_batch_norm(keras.models.load_model(main_file, compile=False))

    chars = list(writers.class_names)
    validation = writer_data(chars, VALIDATION_PER_CHAR * len(chars), seed=VALIDATION_SEED, workers=workers)
    model, history = fit_resumable(load_main, polish_data(writers, polish.writers_per_char, faces, polish.print_variants),
                                   validation, run_dir / FOLDER, polish.fit,
                                   key={"polish": asdict(polish) | {"faces": [str(f) for f in polish.faces]}})
    blend_weights(model, load_main(), polish.blend)
    _write_polished(run_dir, model, polish)
    return history


def _write_polished(run_dir: Path, model, polish: PrintPolish) -> None:
    from desktop.core import atomic

    with atomic.atomic_path(run_dir / "model.keras", temp_suffix=".keras") as temp:  # Keras wants the suffix
        model.save(temp)
    info_file = run_dir / "run.json"
    info = json.loads(info_file.read_text(encoding="utf-8"))
    info["trained_on"] = f"{info.get('trained_on') or info.get('data', '')}; then {polish.describe()}"
    info["polish"] = {"writers_per_char": polish.writers_per_char, "print_variants": polish.print_variants,
                      "faces": [str(f) for f in polish.faces], "settings": asdict(polish.fit), "blend": polish.blend,
                      "print_seed": PRINT_SEED, "validation_seed": VALIDATION_SEED}
    atomic.write_json_atomic(info_file, info)
