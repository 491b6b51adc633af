"""The course's plots as PNG files: learning curves, failed predictions, confidence, least legible.

matplotlib with the Agg backend and plain ``Figure`` objects (no pyplot state), so plotting works
headless and from any thread. Only the training package uses this module; the app draws its own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from desktop.core.atomic import atomic_path  # noqa: E402

log = logging.getLogger(__name__)

#: Fonts with Chinese glyphs, most likely first (Linux, then macOS/Windows names).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",  # matplotlib reads only the first face of the Noto .ttc collection
    "Noto Sans CJK TC",
    "Noto Sans SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "SimHei",
    "Arial Unicode MS",
)
#: File-name hints of CJK fonts, for fonts installed after matplotlib built its font cache.
_CJK_FILE_HINTS = ("cjk", "wqy", "droidsansfallback", "sourcehansans", "msyh", "pingfang", "simhei", "stheiti")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed CJK font family, or None (warned about once)."""
    for attempt in range(2):
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for name in CJK_FONTS:
            if name in installed:
                return name
        if attempt == 0:
            _register_new_cjk_files()
    log.warning(
        "no Chinese font found (tried %s); characters in plots will show as boxes. "
        "On Debian/Ubuntu: apt-get install fonts-noto-cjk",
        ", ".join(CJK_FONTS),
    )
    return None


def _register_new_cjk_files() -> None:
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for file in font_manager.findSystemFonts():
        if file not in known and any(h in Path(file).name.lower().replace("-", "") for h in _CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(file)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file is simply skipped
                continue


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _rc() -> dict[str, Any]:
    font = cjk_font()
    # A family list makes matplotlib fall back glyph by glyph: Latin from DejaVu, hanzi from the CJK font.
    return {"font.family": ["DejaVu Sans", font] if font else ["DejaVu Sans"], "axes.unicode_minus": False}


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    with atomic_path(path) as temp:
        fig.savefig(temp, format=path.suffix.lstrip(".") or "png")
    return path


def failure_title(item: dict[str, Any]) -> str:
    """The label of a failed prediction, e.g. ``东 not 炎 (63%)``."""
    return item["label"]


def learning_curves(history: dict[str, Sequence[float]], best_epoch: int | None, path: str | Path) -> Path:
    """Loss, accuracy and top-5 per epoch, training vs validation, best (restored) epoch marked."""
    metrics = [m for m in ("loss", "accuracy", "top5") if m in history]
    titles = {"loss": "Loss", "accuracy": "Accuracy", "top5": "Top-5 accuracy"}
    with matplotlib.rc_context(_rc()):
        fig = _figure(4.2 * max(1, len(metrics)), 3.6)
        axes = fig.subplots(1, max(1, len(metrics)), squeeze=False)[0]
        for ax, metric in zip(axes, metrics):
            epochs = np.arange(1, len(history[metric]) + 1)
            ax.plot(epochs, history[metric], "o-", ms=3, label="training")
            if f"val_{metric}" in history:
                ax.plot(
                    epochs[: len(history[f"val_{metric}"])], history[f"val_{metric}"], "o-", ms=3, label="validation"
                )
            if best_epoch:
                ax.axvline(best_epoch, color="grey", ls="--", lw=1, label=f"best epoch ({best_epoch})")
            ax.set_title(titles[metric])
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        return _save(fig, path)


def failed_predictions_grid(
    images: np.ndarray, failures: Sequence[dict[str, Any]], path: str | Path, *, limit: int = 30
) -> Path:
    """The most confident mistakes as a grid of images titled "predicted not true (confidence)".

    ``images`` is the evaluated set; each failure's ``index`` points into it.
    """
    shown = list(failures[:limit])
    cols = 6
    rows = max(1, -(-len(shown) // cols))
    with matplotlib.rc_context(_rc()):
        fig = _figure(cols * 1.45, rows * 1.85)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax in axes:
            ax.axis("off")
        for ax, item in zip(axes, shown):
            ax.imshow(np.asarray(images[item["index"]]).squeeze(), cmap="gray", vmin=0, vmax=255)
            ax.set_title(failure_title(item), fontsize=10)
        if not shown:
            axes[0].text(0.5, 0.5, "no failed predictions", ha="center", va="center")
        return _save(fig, path)


def confidence_histograms(confidence: dict[str, Any], path: str | Path) -> Path:
    """How sure the model was when right vs when wrong (from the report's histogram counts)."""
    bins = np.asarray(confidence["bins"], dtype=float)
    centres, widths = (bins[:-1] + bins[1:]) / 2, np.diff(bins)
    with matplotlib.rc_context(_rc()):
        fig = _figure(8, 3.4)
        axes = fig.subplots(1, 2, sharex=True)
        for ax, key, colour in zip(axes, ("correct", "wrong"), ("tab:green", "tab:red")):
            counts = confidence[key]
            ax.bar(centres, counts, width=widths * 0.95, color=colour)
            ax.set_title(f"{key.capitalize()} predictions ({sum(counts)})")
            ax.set_xlabel("confidence (top probability)")
            ax.set_xlim(bins[0], bins[-1])
        axes[0].set_ylabel("images")
        return _save(fig, path)


def least_legible(per_class_accuracy: dict[str, float | None], path: str | Path, *, count: int = 15) -> Path:
    """The characters with the lowest accuracy, worst first."""
    scored = sorted(((acc, c) for c, acc in per_class_accuracy.items() if acc is not None))[:count]
    with matplotlib.rc_context(_rc()):
        fig = _figure(max(4.0, 0.45 * len(scored) + 1.5), 3.4)
        ax = fig.subplots()
        ax.bar(range(len(scored)), [a for a, _ in scored], color="tab:orange")
        ax.set_xticks(range(len(scored)), [c for _, c in scored], fontsize=12)
        ax.set_ylim(0, 1)
        ax.set_ylabel("accuracy")
        ax.set_title("Least legible characters")
        ax.grid(axis="y", alpha=0.3)
        return _save(fig, path)


def plot_report(report: dict[str, Any], out_dir: str | Path, *, detail_images: np.ndarray | None = None) -> list[Path]:
    """Every plot the report has data for; ``detail_images`` are the images of the detail split."""
    out = Path(out_dir)
    written = []
    if report.get("history"):
        written.append(learning_curves(report["history"], report.get("best_epoch"), out / "learning_curves.png"))
    if detail_images is not None and report.get("failed_predictions") is not None:
        written.append(
            failed_predictions_grid(detail_images, report["failed_predictions"], out / "failed_predictions.png")
        )
    if report.get("confidence"):
        written.append(confidence_histograms(report["confidence"], out / "confidence.png"))
    if report.get("per_class_accuracy"):
        written.append(least_legible(report["per_class_accuracy"], out / "least_legible.png"))
    return written
