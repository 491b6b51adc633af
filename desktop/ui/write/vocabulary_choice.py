"""Which character models the Write panel lists: those of the vocabulary chosen under "Characters".

The 55 course characters (the course models, and any other model) or all 3,755 common characters
(a model over GB2312 level 1, when one is installed; ``desktop.core.vocabulary.vocabulary_of``).
A choice no installed model covers (a saved setting from another machine) shows the course's
models, and is kept in case such a model arrives.
"""

from __future__ import annotations

from desktop.core.registry import ModelInfo, preferred_character_model, preferred_stroke_model
from desktop.core.vocabulary import VOCABULARIES, vocabulary_of
from desktop.ui.model_checklist import add_model_item
from desktop.ui.write.view import WriteView


class VocabularyChoice:
    """Every character model, the vocabulary wanted and the one shown; fills the view's model list."""

    def __init__(self, view: WriteView):
        self._view = view
        self._character_models: list[ModelInfo] = []
        self._wanted = "course"
        self.shown = "course"

    def set_character_models(self, models: list[ModelInfo]) -> None:
        self._character_models = list(models)

    def want(self, name: str) -> None:
        """Choose vocabulary ``name`` (an unknown name means the course)."""
        self._wanted = name if name in VOCABULARIES else "course"

    def available(self) -> set[str]:
        """The vocabularies some installed model covers (always ``course``)."""
        return {"course"} | {vocabulary_of(m.class_names) for m in self._character_models}

    def fill_model_list(self) -> tuple[dict[str, ModelInfo], bool]:
        """List the shown vocabulary's models, two ticked: the stroke model (it reads the pen's directions)
        beside the preferred image CNN (which also answers opened pictures) when there is one, else that
        CNN beside the logistic regression.

        Returns the listed models by path, and whether the vocabulary shown changed.
        """
        available = self.available()
        vocabulary = self._wanted if self._wanted in available else "course"
        chars = [m for m in self._character_models if vocabulary_of(m.class_names) == vocabulary]
        first, second = preferred_stroke_model(chars), preferred_character_model(chars)
        if first is None:
            first, second = second, next((m for m in chars if "logistic" in (m.title + m.path.name).lower()), None)
        ticked = {str(m.path) for m in (first, second) if m is not None}
        model_list = self._view.model_list
        model_list.blockSignals(True)
        model_list.clear()
        for m in sorted(chars, key=lambda m: (m is not first, m is not second, m.path.name)):
            add_model_item(model_list, m.label, m.path, str(m.path) in ticked, f"{m.title}\n{m.path}")
        model_list.blockSignals(False)
        self._view.show_vocabularies(available, vocabulary)
        changed, self.shown = vocabulary != self.shown, vocabulary
        return {str(m.path): m for m in chars}, changed
