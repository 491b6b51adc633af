"""The About box's text: the app's and its libraries' versions, where models go, the bundled data's licences."""

from __future__ import annotations

import platform
from pathlib import Path

from desktop import __version__
from desktop.core.contract import assets_dir
from desktop.ui.i18n import tr


def _first_paragraphs(path: Path, limit: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    paragraphs = [p.strip().replace("\n", " ") for p in text.split("\n\n") if p.strip() and not p.startswith("#")]
    return " ".join(paragraphs[:limit])


def versions() -> dict[str, str]:
    """Versions of the app and of the libraries it runs on, for the About box and bug reports."""
    import cv2
    import numpy
    import onnxruntime
    import PySide6
    from PySide6 import QtCore

    return {
        "CNN Classroom": __version__,
        "Python": platform.python_version(),
        "Qt": QtCore.qVersion(),
        "PySide6": PySide6.__version__,
        "onnxruntime": onnxruntime.__version__,
        "NumPy": numpy.__version__,
        "OpenCV": cv2.__version__,
    }


def about_text(user_models: Path | None = None) -> str:
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in versions().items())
    strokes = assets_dir() / "strokes" / "hanzi-writer-data"
    characters = assets_dir() / "characters"
    licence_file = strokes / "ARPHICPL.TXT"
    return (
        f"<h2>{tr('CNN Classroom')} {__version__}</h2>"
        f"<p>{tr('An offline classroom for convolutional neural networks: draw, photograph, train and look inside.')}</p>"
        f"<table>{rows}</table>"
        f"<h3>{tr('Models')}</h3>"
        f"<p>{tr('Shipped:')} <code>{assets_dir() / 'models'}</code><br>"
        f"{tr('Yours (put exported <code>.onnx</code> files here):')} <code>{user_models or tr('none')}</code></p>"
        f"<h3>{tr('Bundled data')}</h3>"
        # The data READMEs are quoted as written (English): they carry the licences' exact wording.
        f"<p><b>{tr('Stroke data')}</b> (<code>assets/strokes/hanzi-writer-data</code>): {_first_paragraphs(strokes / 'README.md')}"
        f" {tr('The licence text is in {file}', file=f'<code>{licence_file.name}</code>')}"
        f"{'' if licence_file.is_file() else tr(' (missing from this installation)')}.</p>"
        f"<p><b>{tr('Character table')}</b> (<code>assets/characters</code>): {_first_paragraphs(characters / 'README.md', 4)}</p>"
    )
