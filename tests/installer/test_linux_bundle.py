"""The Linux bundle from ``installer/build_linux.sh``: it opens, recognises, and carries no TensorFlow.

The bundle is built once per test session into a temporary folder (about a minute on two cores).
``CNN_CLASSROOM_BUNDLE=dist/cnn-classroom`` tests an existing build instead. Without PyInstaller
these tests are skipped, except in CI (``CI=true``), where a missing PyInstaller is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bundle_spec", REPO_ROOT / "installer" / "bundle_spec.py")
bundle_spec = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_spec)

BUNDLE_ENV = "CNN_CLASSROOM_BUNDLE"
#: Unpacked size limit: the measured 446 MB (422 MB before the residual model, the 3,755
#: characters' strokes and dictionary and larger reports) plus 5 %. It catches regressions, such as
#: TensorFlow slipping in (+1 GB). The issue's target of 300 MB cannot be met with the app's dependencies:
#: OpenCV 151 MB (its 70 MB module, FFmpeg and codecs, a second OpenBLAS of 37 MB), Qt/PySide6 94 MB
#: (31 MB of it ICU data; QtOpenGL stays, pyqtgraph imports it unconditionally), numpy 41 MB (its
#: OpenBLAS 24 MB), onnxruntime 35 MB make 321 MB before the models and assets (38 MB), the CJK font
#: (19 MB), system libraries (17 MB), Python (12 MB) and onnx/protobuf (9 MB). See installer/README.md.
SIZE_LIMIT_MB = 468
COLD_START_TARGET_S = 2.0

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle is built and run on Linux")


def bundle_dir_size(folder: Path) -> int:
    """Bytes of the files under ``folder``, links counted once (as ``du`` does)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="session")
def linux_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get(BUNDLE_ENV)
    if given:
        return Path(given).resolve()
    if importlib.util.find_spec("PyInstaller") is None:
        message = 'PyInstaller is not installed (pip install -e ".[installer]")'
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI must build the bundle")
        pytest.skip(message)
    from PyInstaller.depend.bindepend import get_python_library_path

    if get_python_library_path() is None:
        # Debian's python3 is linked statically; its shared library is a package of its own.
        message = "this Python has no shared libpython for PyInstaller (Debian/Ubuntu: apt-get install libpython3-dev)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": .ci/run installs it")
        pytest.skip(message)
    work = tmp_path_factory.mktemp("linux-bundle")
    env = {**os.environ, "PYTHON": sys.executable, "DIST_DIR": str(work / "dist"), "BUILD_DIR": str(work / "build")}
    started = time.perf_counter()
    result = subprocess.run(["bash", str(REPO_ROOT / "installer" / "build_linux.sh")], env=env, cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, f"build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    print(f"\nLinux bundle built in {time.perf_counter() - started:.0f} s")
    return work / "dist" / "cnn-classroom"


def app_env(tmp_path: Path) -> dict[str, str]:
    """Headless, with home and config folders of the test's own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "PYTHONPATH")}
    return {**env, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_the_bundled_app_opens_its_window_and_exits_cleanly(linux_bundle: Path, tmp_path: Path) -> None:
    binary = linux_bundle / bundle_spec.CLI_NAME
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run([str(binary), "--smoke-test"], env=app_env(tmp_path), cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
        seconds.append(time.perf_counter() - started)
        assert result.returncode == 0, result.stderr[-4000:]
        assert result.stdout.strip().splitlines()[-1] == "ok"
        assert "Traceback" not in result.stderr
    print(f"\nbundle cold start with --smoke-test: median {statistics.median(seconds):.2f} s "
          f"(target {COLD_START_TARGET_S:.0f} s; benchmarks/bench_bundle.py measures it properly)")


def test_the_bundle_recognises_a_stroke_file(linux_bundle: Path, tmp_path: Path) -> None:
    from tests.ui.drawing import course_strokes

    strokes = tmp_path / "da.json"
    strokes.write_text(json.dumps([s.tolist() for s in course_strokes("大")]))
    result = subprocess.run([str(linux_bundle / bundle_spec.CLI_NAME), "recognize", str(strokes), str(tmp_path / "no.png")],
                            env=app_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr  # the missing file fails, the stroke file does not
    good, missing = (json.loads(line) for line in result.stdout.splitlines())
    assert good["file"] == str(strokes) and good["top5"][0][0] == "大", good
    assert missing == {"file": str(tmp_path / "no.png"), "error": "file not found"}

    alone = subprocess.run([str(linux_bundle / bundle_spec.CLI_NAME), "recognize", str(strokes)],
                           env=app_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert alone.returncode == 0, alone.stderr


def test_a_users_model_is_checked_in_a_child_of_the_frozen_app(linux_bundle: Path, tmp_path: Path) -> None:
    # A model from outside the bundle is opened first in a child process: in a frozen app that child
    # is the app's own executable with its check-model command, not "python -m".
    from tests.tiny_onnx import linear_character_model

    model = linear_character_model(tmp_path / "tiny.onnx", ["大", "天", "太"])
    strokes = tmp_path / "s.json"
    strokes.write_text(json.dumps([[[0, 0], [100, 100]], [[100, 0], [0, 100]]]))
    result = subprocess.run([str(linux_bundle / bundle_spec.CLI_NAME), "recognize", str(strokes), "--model", str(model),
                             "--top", "2"], env=app_env(tmp_path), cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    (line,) = (json.loads(text) for text in result.stdout.splitlines())
    assert {c for c, _ in line["top2"]} <= {"大", "天", "太"}
    assert (tmp_path / ".cnn-classroom-model-checks.json").is_file()  # the child's verdict, cached beside the model
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    refused = subprocess.run([str(linux_bundle / bundle_spec.CLI_NAME), "recognize", str(strokes), "--model", str(broken)],
                             env=app_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "cannot use the model" in refused.stderr


def test_the_bundle_carries_no_training_stack(linux_bundle: Path) -> None:
    from PyInstaller.archive.readers import CArchiveReader

    internal = linux_bundle / "_internal"
    for path in internal.rglob("*"):
        top = path.relative_to(internal).parts[0].split(".")[0].split("-")[0].lower()
        assert top not in bundle_spec.FORBIDDEN_IN_BUNDLE, path
        assert "tensorflow" not in path.name.lower() and "keras" not in path.name.lower(), path
    # Pure-Python modules live in the archive inside the executable.
    modules = CArchiveReader(str(linux_bundle / bundle_spec.CLI_NAME)).open_embedded_archive("PYZ.pyz").toc
    assert "desktop.ui.main_window" in modules and "onnxruntime" in modules
    leaked = sorted(m for m in modules if m.split(".")[0].lower() in bundle_spec.FORBIDDEN_IN_BUNDLE)
    assert not leaked, leaked[:20]


def test_the_bundle_holds_every_asset_the_native_libraries_and_the_font(linux_bundle: Path) -> None:
    internal = linux_bundle / "_internal"
    for source, dest in bundle_spec.asset_datas() + bundle_spec.package_datas():
        assert (internal / dest / Path(source).name).is_file(), f"{source} is not in the bundle"
    assert list((internal / "onnxruntime" / "capi").glob("onnxruntime_pybind11_state*.so"))
    assert (internal / "onnxruntime" / "capi" / "libonnxruntime_providers_shared.so").is_file()
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for name in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
                 "imageformats/libqjpeg.so", "xcbglintegrations/libqxcb-glx-integration.so"):
        assert (plugins / name).is_file(), name
    assert list((internal / "cv2").glob("cv2*.so"))
    fonts = internal / "assets" / "fonts"
    assert (fonts / bundle_spec.find_cjk_font().name).is_file()
    assert "SIL OPEN FONT LICENSE" in (fonts / "LICENSE-OFL.txt").read_text(encoding="utf-8")


def test_every_library_in_the_bundle_is_loaded_by_something_in_it(linux_bundle: Path) -> None:
    # Libraries collected only as dependencies (the top level, Qt's lib folder) must be mapped by the
    # loader for some extension module, Qt plugin or libpython; the rest is dead weight left behind
    # by a dropped plugin (e.g. Qt Network and Kerberos for the VNC platform).
    internal = linux_bundle / "_internal"
    def is_elf(path: Path) -> bool:
        with path.open("rb") as file:
            return file.read(4) == b"\x7fELF"

    elves = [p for p in internal.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    loaded: set[str] = set()
    for root in (p for p in elves if not bundle_spec._dependency_only(p.relative_to(internal).as_posix())):
        out = subprocess.run(["ldd", str(root)], env=env, capture_output=True, text=True, timeout=60).stdout
        loaded |= {Path(line.split()[0]).name for line in out.splitlines() if line.strip()}
    unused = sorted(p.relative_to(internal).as_posix() for p in elves
                    if bundle_spec._dependency_only(p.relative_to(internal).as_posix()) and p.name not in loaded)
    assert not unused, unused
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert not list(plugins.glob("platforms/libqvnc*")) and not list(plugins.glob("platforms/libqeglfs*"))
    assert not (plugins / "generic").exists() and not (plugins / "egldeviceintegrations").exists()
    assert not list(internal.rglob("libQt6Network.so*"))


def test_the_bundle_keeps_only_the_qt_translations_the_app_loads(linux_bundle: Path) -> None:
    from PySide6.QtCore import QTranslator

    folder = linux_bundle / "_internal" / "PySide6" / "Qt" / "translations"
    catalogues = (REPO_ROOT / "desktop" / "ui" / "translations").glob("*.qm")
    codes = [p.stem.removeprefix("cnn_classroom_") for p in catalogues]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"qtbase_{code}.qm" for code in codes)
    translator = QTranslator()  # as desktop/ui/i18n.py loads it: by name, from Qt's translations folder
    assert translator.load("qtbase_zh_CN", str(folder))
    assert translator.translate("QPlatformTheme", "Cancel") == "取消"


def test_the_bundle_size_and_its_tarball(linux_bundle: Path) -> None:
    size_mb = bundle_dir_size(linux_bundle) / 2**20
    tarballs = sorted(linux_bundle.parent.glob("cnn-classroom-*-linux-*.tar.gz"))
    report = f"\nLinux bundle: {size_mb:.0f} MB unpacked (limit {SIZE_LIMIT_MB} MB, issue target 300 MB)"
    if tarballs:
        report += f", tarball {tarballs[-1].stat().st_size / 2**20:.0f} MB"
    print(report)
    assert size_mb <= SIZE_LIMIT_MB
    if os.environ.get(BUNDLE_ENV) and not tarballs:
        pytest.skip("the given bundle was built without a tarball")
    tarballs = [t for t in tarballs if t.name.startswith(f"cnn-classroom-{bundle_spec.version()}-linux-")]
    assert len(tarballs) == 1
    with tarfile.open(tarballs[0]) as archive:
        names = set(archive.getnames())
    assert f"cnn-classroom/{bundle_spec.CLI_NAME}" in names
    assert "cnn-classroom/cnn-classroom.desktop" in names


def test_the_bundled_font_writes_chinese_on_a_system_without_cjk_fonts(linux_bundle: Path, tmp_path: Path) -> None:
    # The app's own start-up code, pointed at the bundle's files (as the frozen app sees them), on a
    # fontconfig that knows no font at all: the bundled Noto Sans CJK must be the one that draws 大.
    (tmp_path / "fonts.conf").write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{tmp_path / "none"}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    probe = (
        "import sys; sys._MEIPASS = sys.argv[1]\n"
        "from PySide6.QtGui import QFontMetrics\n"
        "from desktop.ui.app import create_application\n"
        "from desktop.ui.fonts import cjk_family, cjk_font\n"
        "app = create_application([])\n"
        "print(cjk_family()); print(QFontMetrics(cjk_font(20)).inFont('大'))\n")
    env = {**app_env(tmp_path), "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-c", probe, str(linux_bundle / "_internal")], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    family, has_glyph = result.stdout.strip().splitlines()
    assert family == "Noto Sans CJK SC" and has_glyph == "True", result.stdout


def test_the_ci_check_script_passes_on_the_bundle(linux_bundle: Path, tmp_path: Path) -> None:
    # installer/check_bundle.py is what the Windows and macOS CI jobs run on their bundles.
    result = subprocess.run([sys.executable, str(REPO_ROOT / "installer" / "check_bundle.py"),
                             str(linux_bundle / bundle_spec.CLI_NAME)], env=app_env(tmp_path), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "recognize: exit 0" in result.stdout
    broken = subprocess.run([sys.executable, str(REPO_ROOT / "installer" / "check_bundle.py"), str(tmp_path / "nothing")],
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == 2 and "no such executable" in broken.stderr


def test_the_benchmark_times_the_bundle_against_the_source(linux_bundle: Path, tmp_path: Path, capsys) -> None:
    from benchmarks import bench_bundle

    assert bench_bundle.main(["--bundle", str(tmp_path)]) == 2  # no bundle there: a clear line, no traceback
    assert "build it with installer/build_linux.sh" in capsys.readouterr().err
    text = bench_bundle.report(linux_bundle, starts=1)
    assert "bundle cold start (--smoke-test)" in text and "bundle/source = " in text and "MB" in text
