"""The Teach panel's classifier: softmax regression on embeddings, trained in numpy with Adam.

Features are standardised for training (Adam then behaves the same whatever the extractor's
scale) and the standardisation is folded back into the returned weights, so a prediction is just
``softmax(x @ weights + bias)`` - the very MatMul + Add + Softmax appended to the ONNX export.
A stratified held-out split (``settings.holdout``, reproducible by ``settings.seed``) gives the
"Under the hood" numbers: loss and accuracy per epoch, per-class accuracy, confusion matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from desktop.core.teach.project import MIN_SAMPLES_PER_CLASS, ProjectError, TeachCancelled, TrainSettings

#: L2 penalty on the weights (keeps the head from trusting single embedding dimensions).
WEIGHT_DECAY = 1e-4
ADAM_BETAS = (0.9, 0.999)
ADAM_EPSILON = 1e-8

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
EpochCallback = Callable[[int, dict], None]


@dataclass
class HeadResult:
    weights: np.ndarray  # [D, C] float32
    bias: np.ndarray  # [C] float32
    history: dict[int, dict[str, float]]  # epoch (1-based) -> loss, accuracy, val_loss, val_accuracy
    per_class_accuracy: list[float | None]  # on the held-out samples; None for a class without any
    confusion_matrix: np.ndarray  # [C, C] int, rows = true class, columns = predicted, held-out samples
    holdout: np.ndarray  # indices into x of the held-out samples
    train: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # indices used for training

    def curves(self) -> dict[str, list[float]]:
        """History as ``{"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}``."""
        keys = ("loss", "accuracy", "val_loss", "val_accuracy")
        return {k: [self.history[e][k] for e in sorted(self.history)] for k in keys}

    def metrics(self) -> dict:
        """Final numbers for the exported model's ``metrics`` metadata."""
        last = self.history[max(self.history)] if self.history else {}
        last = {k: (None if v != v else v) for k, v in last.items()}  # NaN (no held-out set) is not JSON
        return {
            "train": {"loss": last.get("loss"), "accuracy": last.get("accuracy")},
            "holdout": {"loss": last.get("val_loss"), "accuracy": last.get("val_accuracy"),
                        "samples": int(len(self.holdout))},
            "per_class_accuracy": self.per_class_accuracy,
            "epochs": len(self.history),
        }


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def predict_head(result: HeadResult, x: np.ndarray) -> np.ndarray:
    """Class probabilities ``[N, C]`` (float32) for embeddings ``x [N, D]``."""
    x = np.asarray(x, dtype=np.float32)
    return _softmax(x @ result.weights + result.bias).astype(np.float32)


def stratified_split(y: np.ndarray, holdout: float, seed: int,
                     class_names: Sequence[str] | None = None, n_classes: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``(train, held_out)`` index arrays; each class keeps at least one training sample.

    Every class with samples sends ``round(holdout * n)`` (at least 1 when ``holdout > 0``) of them
    to the held-out set. The same ``seed`` gives the same split.
    """
    y = np.asarray(y)
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    rng = np.random.default_rng(seed)
    train, held = [], []
    for c in range(n_classes):
        members = np.flatnonzero(y == c)
        if len(members) < MIN_SAMPLES_PER_CLASS:
            name = class_names[c] if class_names is not None else str(c)
            raise ProjectError(f"class {name!r} needs at least {MIN_SAMPLES_PER_CLASS} samples "
                               f"(it has {len(members)})")
        members = rng.permutation(members)
        count = 0 if holdout <= 0 else min(len(members) - 1, max(1, round(holdout * len(members))))
        held.append(members[:count])
        train.append(members[count:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(held))


def _loss_and_accuracy(w, b, x, y) -> tuple[float, float]:
    if len(x) == 0:
        return float("nan"), float("nan")
    p = _softmax(x @ w + b)
    loss = -np.mean(np.log(p[np.arange(len(y)), y] + 1e-12))
    return float(loss) + 0.0, float(np.mean(p.argmax(1) == y))  # + 0.0 turns -0.0 into 0.0


def train_head(x: np.ndarray, y: np.ndarray, n_classes: int, settings: TrainSettings,
               progress: Progress | None = None, cancelled: Cancelled | None = None,
               class_names: Sequence[str] | None = None, on_epoch: EpochCallback | None = None,
               augmented: tuple[np.ndarray, np.ndarray] | None = None) -> HeadResult:
    """Train softmax regression on embeddings ``x [N, D]`` with labels ``y [N]`` in ``0..n_classes-1``.

    ``augmented = (x_aug [M, D], source [M])`` adds embeddings of augmented copies, ``source``
    being the index into ``x`` of the sample each was made from; only copies of training samples
    are used, so a held-out image never leaks into training through its copies.

    ``progress(epoch, epochs)`` after each epoch; ``on_epoch(epoch, metrics)`` for live curves;
    ``cancelled()`` is checked every epoch (raises :class:`TeachCancelled`).
    """
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    _check_training_input(x, y, n_classes, settings)
    train_idx, held_idx = stratified_split(y, settings.holdout, settings.seed, class_names, n_classes)
    x_fit, y_fit = _training_set(x, y, train_idx, augmented)
    mean = x_fit.mean(axis=0)
    std = x_fit.std(axis=0) + 1e-6
    x_train, y_train = (x_fit - mean) / std, y_fit
    x_held, y_held = (x[held_idx] - mean) / std, y[held_idx]

    w = np.zeros((x.shape[1], n_classes), np.float32)
    b = np.zeros(n_classes, np.float32)
    history = _fit_softmax(w, b, (x_train, y_train), (x_held, y_held), settings, progress=progress,
                           cancelled=cancelled, on_epoch=on_epoch)

    # Fold the standardisation into the layer: ((x - mean) / std) @ w + b == x @ w' + b'.
    weights = (w / std[:, None]).astype(np.float32)
    bias = (b - (mean / std) @ w).astype(np.float32)
    confusion = np.zeros((n_classes, n_classes), np.int64)
    if len(held_idx):
        predicted = _softmax(x_held @ w + b).argmax(1)
        np.add.at(confusion, (y_held, predicted), 1)
    per_class = [float(confusion[c, c] / confusion[c].sum()) if confusion[c].sum() else None
                 for c in range(n_classes)]
    return HeadResult(weights, bias, history, per_class, confusion, held_idx, train_idx)


def _check_training_input(x: np.ndarray, y: np.ndarray, n_classes: int, settings: TrainSettings) -> None:
    if x.ndim != 2 or len(x) != len(y):
        raise ValueError(f"expected embeddings [N, D] and N labels, got {list(x.shape)} and {len(y)}")
    if n_classes < 2:
        raise ProjectError("training needs at least 2 classes")
    if len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must be in 0..{n_classes - 1}")
    if settings.epochs < 1 or settings.batch_size < 1 or settings.learning_rate <= 0:
        raise ProjectError("epochs and batch size must be at least 1 and the learning rate above 0")
    if not 0 <= settings.holdout < 1:
        raise ProjectError("the held-out fraction must be between 0 and 1")


def _training_set(x: np.ndarray, y: np.ndarray, train_idx: np.ndarray,
                  augmented: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """The training samples plus the augmented copies made from them (never from held-out ones)."""
    x_fit, y_fit = x[train_idx], y[train_idx]
    if augmented is not None and len(augmented[0]):
        x_aug, source = np.asarray(augmented[0], dtype=np.float32), np.asarray(augmented[1], dtype=np.int64)
        keep = np.isin(source, train_idx)
        x_fit, y_fit = np.concatenate([x_fit, x_aug[keep]]), np.concatenate([y_fit, y[source[keep]]])
    return x_fit, y_fit


class _Adam:
    """Adam with the course's settings, updating the given arrays in place."""

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float):
        self.params = list(params)
        self.moments = [(np.zeros_like(p), np.zeros_like(p)) for p in self.params]
        self.learning_rate = learning_rate
        self.step = 0

    def update(self, grads: Sequence[np.ndarray]) -> None:
        beta1, beta2 = ADAM_BETAS
        self.step += 1
        for param, grad, (m, v) in zip(self.params, grads, self.moments):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            m_hat = m / (1 - beta1 ** self.step)
            v_hat = v / (1 - beta2 ** self.step)
            param -= self.learning_rate * m_hat / (np.sqrt(v_hat) + ADAM_EPSILON)


def _fit_softmax(w: np.ndarray, b: np.ndarray, train: tuple[np.ndarray, np.ndarray],
                 held: tuple[np.ndarray, np.ndarray], settings: TrainSettings, *, progress: Progress | None,
                 cancelled: Cancelled | None, on_epoch: EpochCallback | None) -> dict[int, dict[str, float]]:
    """Mini-batch Adam on cross-entropy plus weight decay, ``w`` and ``b`` in place; the per-epoch metrics."""
    (x_train, y_train), (x_held, y_held) = train, held
    one_hot = np.eye(w.shape[1], dtype=np.float32)
    rng = np.random.default_rng(settings.seed)
    adam = _Adam((w, b), settings.learning_rate)
    history: dict[int, dict[str, float]] = {}
    for epoch in range(1, settings.epochs + 1):
        if cancelled is not None and cancelled():
            raise TeachCancelled("training cancelled")
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), settings.batch_size):
            batch = order[start:start + settings.batch_size]
            xb, yb = x_train[batch], one_hot[y_train[batch]]
            grad_z = (_softmax(xb @ w + b) - yb) / len(batch)
            adam.update((xb.T @ grad_z + WEIGHT_DECAY * w, grad_z.sum(axis=0)))
        loss, accuracy = _loss_and_accuracy(w, b, x_train, y_train)
        val_loss, val_accuracy = _loss_and_accuracy(w, b, x_held, y_held)
        history[epoch] = {"loss": loss, "accuracy": accuracy, "val_loss": val_loss, "val_accuracy": val_accuracy}
        if on_epoch is not None:
            on_epoch(epoch, dict(history[epoch]))
        if progress is not None:
            progress(epoch, settings.epochs)
    return history
