"""Evaluate your own test set: a character model on a folder of ``<char>/<image>`` files.

The student picks a model and a folder (dialog or drag and drop), the evaluation runs on a worker
thread with a progress bar and Cancel, and the result appears in the same :class:`ReportView` as a
trained model's report: accuracy, top-5, failures, per-class accuracy, confusion matrix. Folders
that are not classes of the model and files that cannot be read are listed above it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop.core.evaluation import evaluate_folder
from desktop.core.onnx_model import OnnxModel
from desktop.core.registry import ModelInfo, ModelProblem
from desktop.ui.fonts import cjk_font
from desktop.ui.file_drop import dropped_path
from desktop.ui.i18n import tr, tr_noop, translated, translated_label
from desktop.ui.results.report_view import ReportView
from desktop.ui.widgets import push_button, wrapping_label
from desktop.ui.workers import JobRunner

#: Problems listed one per line beneath the summary; more are counted, not listed.
MAX_LISTED_PROBLEMS = 500


def run_evaluation(model_path: str | Path, folder: str | Path):
    """The worker's job: open the model on the worker thread, then evaluate the folder."""

    def job(progress, cancelled) -> dict[str, Any]:
        return evaluate_folder(OnnxModel(model_path), folder, progress, cancelled)

    return job


def summary_text(result: dict[str, Any]) -> str:
    """One paragraph: the scores, then what was left out and why."""
    metrics = result["metrics"]["test"]
    lines = [
        tr("{title}: accuracy {accuracy:.1%}, top-5 {top5:.1%}, loss {loss:.3f} on {n} images of {classes} "
           "characters in {folder}.", title=result["model"]["title"], accuracy=metrics["accuracy"],
           top5=metrics["top5"], loss=metrics["loss"], n=metrics["n"], classes=len(result["evaluated_classes"]),
           folder=result["folder"])
    ]
    ignored = result.get("ignored_classes") or {}
    if ignored:
        listing = ", ".join(tr("{name} ({n} files)", name=name, n=count) for name, count in ignored.items())
        lines.append(tr("Ignored {n} folders that are not characters of this model: {listing}.", n=len(ignored),
                        listing=listing))
    unreadable = result.get("unreadable") or []
    if unreadable:
        lines.append(tr("Could not read {n} files (listed below); they were left out.", n=len(unreadable)))
    return "\n".join(lines)


class EvaluateView(QWidget):
    """Choose a model and a folder, Run, watch the progress, read the report.

    ``evaluation_finished(result)`` is emitted with the result dict of
    :func:`desktop.core.evaluation.evaluate_folder`; ``evaluation_failed(message)`` on errors.
    """

    evaluation_finished = Signal(object)
    evaluation_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("evaluateView")
        self.setAccessibleName("Evaluate a test set")
        self.setAcceptDrops(True)
        self.result: dict[str, Any] | None = None
        self._build_inputs()
        self._build_run_controls()
        self._build_outputs()
        self._lay_out()
        self.runner = JobRunner(self, self.progress_bar)
        self.runner.status.connect(self.status_label.setText)
        self.runner.busy_changed.connect(self._update_buttons)
        self._update_buttons()

    def _build_inputs(self) -> None:
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("evaluateModelCombo")
        self.model_combo.setAccessibleName("Model to evaluate")
        self.model_combo.setMinimumContentsLength(24)
        self.model_combo.currentIndexChanged.connect(self._update_buttons)
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("evaluateFolderEdit")
        self.folder_edit.setAccessibleName("Test set folder")
        translated(self.folder_edit.setPlaceholderText,
                   "A folder of <character>/<image> files, e.g. the course's mandarin set")
        self.folder_edit.textChanged.connect(self._update_buttons)
        self.choose_button = push_button(tr_noop("Choose folder…"), name="evaluateChooseFolder",
                                         accessible="Choose the test set folder", on_click=self.choose_folder)

    def _build_run_controls(self) -> None:
        self.run_button = push_button(tr_noop("Run"), name="evaluateRunButton", accessible="Run the evaluation",
                                      on_click=self.run)
        self.cancel_button = push_button(tr_noop("Cancel"), name="evaluateCancelButton",
                                         accessible="Cancel the evaluation", on_click=self.cancel)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("evaluateProgress")
        self.progress_bar.setAccessibleName("Evaluation progress")
        translated(self.progress_bar.setFormat, "%v of %m images", owner=self.progress_bar)

    def _build_outputs(self) -> None:
        self.status_label = wrapping_label(
            name="evaluateStatus", accessible="Evaluation summary", selectable=True,
            text=tr("Choose a model and a folder of <character>/<image> files, or drop a folder here."))
        self.status_label.setFont(cjk_font())
        self.problems = QListWidget()
        self.problems.setObjectName("evaluateProblems")
        self.problems.setAccessibleName("Files that could not be read")
        self.problems.hide()
        self.report_view = ReportView(name="evaluateReport")
        self.report_view.show_status(tr("The accuracy, mistakes and confusion matrix appear here after Run."))
        self.report_view.setAccessibleName("Evaluation result")

    def _lay_out(self) -> None:
        choose_row = QHBoxLayout()
        choose_row.addWidget(translated_label("Model:"))
        choose_row.addWidget(self.model_combo, stretch=1)
        choose_row.addWidget(translated_label("Folder:"))
        choose_row.addWidget(self.folder_edit, stretch=2)
        choose_row.addWidget(self.choose_button)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress_bar, stretch=1)
        layout = QVBoxLayout(self)
        layout.addLayout(choose_row)
        layout.addLayout(run_row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problems)
        layout.addWidget(self.report_view, stretch=1)

    # -- inputs ------------------------------------------------------------------------------
    def set_models(self, models: Sequence[ModelInfo], problems: Sequence[ModelProblem] | None = None) -> None:
        """Offer the character models (other tasks cannot read character images); keeps the choice."""
        chosen = self.model_combo.currentData()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for info in models:
            if info.task == "characters":
                self.model_combo.addItem(info.label, str(info.path))
        index = self.model_combo.findData(chosen) if chosen else -1
        self.model_combo.setCurrentIndex(max(index, 0) if self.model_combo.count() else -1)
        self.model_combo.blockSignals(False)
        self._update_buttons()

    def set_folder(self, folder: str | Path) -> None:
        self.folder_edit.setText(str(folder))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Choose a folder of <character>/<image> files"),
                                                  self.folder_edit.text())
        if folder:
            self.set_folder(folder)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if dropped_path(event, Path.is_dir) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        folder = dropped_path(event, Path.is_dir)
        if folder is not None:
            self.set_folder(folder)
            event.acceptProposedAction()

    # -- running -----------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.runner.running

    def run(self) -> None:
        """Start the evaluation of the chosen folder with the chosen model on a worker thread."""
        model_path = self.model_combo.currentData()
        folder = self.folder_edit.text().strip()
        if self.runner.running or not model_path or not folder:
            return
        self.problems.clear()
        self.problems.hide()
        self.runner.start(run_evaluation(model_path, folder),
                          tr("Evaluating {name} on {folder}…", name=Path(model_path).name, folder=folder),
                          self._on_finished, self._on_failed, self._on_cancelled)

    def cancel(self) -> None:
        self.runner.cancel()

    def shutdown(self) -> None:
        """Stop a running evaluation and wait for its thread (the app is closing)."""
        self.runner.shutdown()

    def _on_finished(self, result: dict[str, Any]) -> None:
        self.result = result
        self._show_status(summary_text(result))
        self._list_problems(result.get("unreadable") or [])
        self.report_view.set_report(result, None)
        self.evaluation_finished.emit(result)

    def _list_problems(self, unreadable: list) -> None:
        for path, reason in unreadable[:MAX_LISTED_PROBLEMS]:
            self.problems.addItem(f"{path}: {reason}")
        if len(unreadable) > MAX_LISTED_PROBLEMS:
            self.problems.addItem(tr("… and {n:,} more", n=len(unreadable) - MAX_LISTED_PROBLEMS))
        # As tall as its lines, up to a few: one unreadable file should not take half the view.
        rows = min(self.problems.count(), 5)
        self.problems.setFixedHeight(self.problems.sizeHintForRow(0) * rows + 2 * self.problems.frameWidth() + 4
                                     if rows else 0)
        self.problems.setVisible(bool(unreadable))

    def _on_failed(self, message: str) -> None:
        self._show_status(tr("Could not evaluate: {reason}", reason=message))
        self.evaluation_failed.emit(message)

    def _on_cancelled(self) -> None:
        self._show_status(tr("Evaluation cancelled."))

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _update_buttons(self, *_args) -> None:
        running = self.runner.running
        ready = bool(self.model_combo.currentData()) and bool(self.folder_edit.text().strip())
        self.run_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)
        self.model_combo.setEnabled(not running)
        self.choose_button.setEnabled(not running)
        self.folder_edit.setEnabled(not running)
