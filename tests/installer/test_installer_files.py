"""The installer files that cannot run here: the CI workflow (checked against GitHub's workflow
schema with check-jsonschema), the Windows and macOS scripts, and what the spec puts in the bundle."""

from __future__ import annotations

import importlib.util
import os
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "installers.yml"
INSTALLER = REPO_ROOT / "installer"

_spec = importlib.util.spec_from_file_location("bundle_spec", INSTALLER / "bundle_spec.py")
bundle_spec = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_spec)


def lint_workflow(path: Path) -> subprocess.CompletedProcess:
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    if checker is None:
        message = 'check-jsonschema is not installed (pip install -e ".[dev]")'
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run([checker, "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120)


def load_workflow(text: str) -> dict:
    from ruamel.yaml import YAML  # comes with check-jsonschema

    return YAML(typ="safe").load(text)


def test_the_workflow_passes_the_github_workflow_schema() -> None:
    result = lint_workflow(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("old, new", [
    ("    steps:", "    step:"),  # a misspelt key
    ("  pull_request:", "  pull_requests:"),  # an event GitHub does not know
    ("      - uses: actions/checkout@v4", "      - usess: actions/checkout@v4"),
    ("    runs-on: windows-latest", "    runs-on: [windows-latest"),  # not YAML at all
])
def test_the_linter_rejects_a_broken_workflow(tmp_path: Path, old: str, new: str) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "installers.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = lint_workflow(broken)
    assert result.returncode != 0, f"{old!r} -> {new!r} passed the linter"


def test_the_workflow_builds_and_uploads_both_installers_with_our_scripts() -> None:
    workflow = load_workflow(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert jobs["windows"]["runs-on"].startswith("windows-")
    runners = {entry["runner"] for entry in jobs["macos"]["strategy"]["matrix"]["include"]}
    assert any(r.startswith("macos-") and "intel" not in r for r in runners)  # Apple silicon
    assert any("intel" in r or r == "macos-13" for r in runners)  # and Intel Macs
    for name, artifact in (("windows", "dist/installer/*.exe"), ("macos", "dist/*.dmg")):
        steps = jobs[name]["steps"]
        uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
        assert uploads and uploads[0]["with"]["path"] == artifact
        scripts = " ".join(str(s.get("run", "")) for s in steps)
        assert "check_bundle.py" in scripts
        for path in re.findall(r"installer[\\/][\w./\\-]+\.(?:ps1|sh|py)", scripts):
            assert (REPO_ROOT / path.replace("\\", "/")).is_file(), path


def test_the_windows_setup_script_matches_the_bundle() -> None:
    iss = (INSTALLER / "windows" / "cnn-classroom.iss").read_text(encoding="utf-8")
    assert f'#define AppExe "{bundle_spec.APP_NAME}.exe"' in iss
    assert "SetupIconFile=..\\icons\\cnn-classroom.ico" in iss and bundle_spec.icon("ico")
    ps1 = (INSTALLER / "build_windows.ps1").read_text(encoding="utf-8")
    assert "installer\\windows\\cnn-classroom.iss" in ps1 and "/DBundleDir=" in ps1 and "/DAppVersion=" in ps1
    # The setup's file name is what the workflow uploads.
    assert "OutputBaseFilename=cnn-classroom-{#AppVersion}-windows-setup" in iss


def test_the_macos_app_declares_the_camera_and_is_ready_for_signing() -> None:
    plist = bundle_spec.info_plist()
    assert plist["NSCameraUsageDescription"].strip() and plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleIdentifier"] == bundle_spec.BUNDLE_ID
    plistlib.dumps(plist)  # every value is one a plist can hold
    entitlements = plistlib.loads((INSTALLER / "macos" / "entitlements.plist").read_bytes())
    assert entitlements["com.apple.security.device.camera"] is True
    script = (INSTALLER / "build_macos.sh").read_text(encoding="utf-8")
    for needed in ("MACOS_SIGN_IDENTITY", "--options runtime", "notarytool submit", "stapler staple", "hdiutil create"):
        assert needed in script
    if shutil.which("bash"):
        for name in ("build_macos.sh", "build_linux.sh"):
            assert subprocess.run(["bash", "-n", str(INSTALLER / name)]).returncode == 0


def test_the_spec_lists_all_assets_and_package_data_and_excludes_the_training_stack(tmp_path: Path) -> None:
    shipped = {Path(src).resolve() for src, _ in bundle_spec.asset_datas()}
    on_disk = {p.resolve() for p in (REPO_ROOT / "assets").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")}
    assert shipped == on_disk  # a file added to assets/ later joins the bundle by itself
    for src, dest in bundle_spec.asset_datas():
        assert Path(dest) == Path("assets") / Path(src).resolve().parent.relative_to(REPO_ROOT / "assets")
    package = {Path(src).relative_to(REPO_ROOT).as_posix() for src, _ in bundle_spec.package_datas()}
    assert not any(p.endswith(".py") or p.endswith(".pyc") for p in package)
    for qm in (REPO_ROOT / "desktop").rglob("*.qm"):
        assert qm.relative_to(REPO_ROOT).as_posix() in package
    for name in ("tensorflow", "keras", "training", "torch", "matplotlib", "tkinter", "scipy"):
        assert name in bundle_spec.EXCLUDES
    assert not [m for m in bundle_spec.hidden_imports() if m.split(".")[0] in bundle_spec.FORBIDDEN_IN_BUNDLE]
    assert "desktop.ui.main_window" in bundle_spec.hidden_imports()


def test_the_font_is_found_from_the_environment_or_reported_clearly(tmp_path: Path, monkeypatch) -> None:
    font = tmp_path / "Some CJK.ttc"
    font.write_bytes(b"font")
    monkeypatch.setenv(bundle_spec.CJK_FONT_ENV, str(font))
    assert bundle_spec.find_cjk_font() == font
    monkeypatch.setenv(bundle_spec.CJK_FONT_ENV, str(tmp_path / "missing.ttc"))
    with pytest.raises(SystemExit, match="no such font file"):
        bundle_spec.find_cjk_font()
    monkeypatch.delenv(bundle_spec.CJK_FONT_ENV)
    monkeypatch.setattr(bundle_spec, "CJK_FONT_CANDIDATES", (str(tmp_path / "none.ttc"),))
    with pytest.raises(SystemExit, match="fonts-noto-cjk"):
        bundle_spec.find_cjk_font()


def test_unwanted_binaries_are_only_the_named_ones() -> None:
    assert bundle_spec.unwanted_binary("onnxruntime/capi/libonnxruntime.so.1.32.0")
    # The same C-API library on Windows and macOS: the Python extension does not link it either.
    assert bundle_spec.unwanted_binary("onnxruntime\\capi\\onnxruntime.dll")
    assert bundle_spec.unwanted_binary("onnxruntime/capi/libonnxruntime.1.32.0.dylib")
    assert bundle_spec.unwanted_binary("PySide6\\Qt\\plugins\\platformthemes\\libqgtk3.so")
    assert bundle_spec.unwanted_binary("libcairo.so.2") and bundle_spec.unwanted_binary("libpango-1.0.so.0")
    for kept in ("onnxruntime/capi/libonnxruntime_providers_shared.so",
                 "onnxruntime/capi/onnxruntime_pybind11_state.cpython-311-x86_64-linux-gnu.so",
                 "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/lib/libQt6Gui.so.6", "libxcb-cursor.so.0",
                 "cv2/cv2.abi3.so", "onnxruntime/capi/onnxruntime_providers_shared.dll",
                 "onnxruntime/capi/onnxruntime_pybind11_state.pyd"):
        assert not bundle_spec.unwanted_binary(kept), kept


def test_qt_plugins_for_devices_without_a_desktop_are_left_out_and_the_desktop_ones_kept() -> None:
    plugins = "PySide6/Qt/plugins/"
    for dropped in ("platforms/libqeglfs.so", "platforms/libqlinuxfb.so", "platforms/libqvnc.so",
                    "platforms/libqvkkhrdisplay.so", "platforms/libqminimalegl.so",
                    "egldeviceintegrations/libqeglfs-kms-egldevice-integration.so", "generic/libqevdevtouchplugin.so",
                    "generic/libqtuiotouchplugin.so"):
        assert bundle_spec.unwanted_binary(plugins + dropped), dropped
    for kept in ("platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so",
                 "platforms/libqminimal.so", "xcbglintegrations/libqxcb-egl-integration.so",
                 "wayland-shell-integration/libxdg-shell.so",
                 "wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
                 "platforminputcontexts/libibusplatforminputcontextplugin.so",
                 "platformthemes/libqxdgdesktopportal.so"):
        assert not bundle_spec.unwanted_binary(plugins + kept), kept


def test_only_the_qt_translations_the_app_loads_are_kept() -> None:
    # desktop/ui/i18n.py loads qtbase_<code>.qm for each language it has a catalogue of.
    catalogues = (REPO_ROOT / "desktop" / "ui" / "translations").glob("*.qm")
    codes = [p.stem.removeprefix("cnn_classroom_") for p in catalogues]
    assert "zh_CN" in codes
    for code in codes:
        assert not bundle_spec.unwanted_data(f"PySide6/Qt/translations/qtbase_{code}.qm")
        assert not bundle_spec.unwanted_data(f"PySide6\\translations\\qtbase_{code}.qm")  # the Windows wheel's place
    for dropped in ("qtbase_de.qm", "qt_zh_CN.qm", "qt_help_zh_CN.qm", "qtbase_zh_TW.qm", "qt_en.qm"):
        assert bundle_spec.unwanted_data(f"PySide6/Qt/translations/{dropped}"), dropped
    assert bundle_spec.unwanted_data("pyqtgraph/icons/peegee/peegee_512px.png")
    for kept in ("desktop/ui/translations/cnn_classroom_zh_CN.qm", "pyqtgraph/colors/maps/viridis.csv",
                 "pyqtgraph/icons/invisibleEye.svg", "assets/fonts/LICENSE-OFL.txt"):
        assert not bundle_spec.unwanted_data(kept), kept


def test_libraries_only_dropped_files_needed_are_left_out_with_their_links() -> None:
    loads = {  # what the loader maps for each binary, as ldd reports it (transitively)
        "/site/PySide6/QtGui.abi3.so": {"libQt6Gui.so.6", "libQt6Core.so.6", "libglib-2.0.so.0", "libxcb.so.1",
                                         "libXau.so.6"},
        "/site/PySide6/Qt/plugins/platforms/libqxcb.so": {"libQt6XcbQpa.so.6", "libQt6Gui.so.6"},
        "/site/onnxruntime/capi/libonnxruntime_providers_shared.so": set(),
        "/py/lib/libpython3.11.so.1.0": set(),
    }
    binaries = [
        ("PySide6/QtGui.abi3.so", "/site/PySide6/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/site/PySide6/Qt/plugins/platforms/libqxcb.so", "BINARY"),
        ("onnxruntime/capi/libonnxruntime_providers_shared.so",
         "/site/onnxruntime/capi/libonnxruntime_providers_shared.so", "BINARY"),  # dlopened: a root, kept
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/site/PySide6/Qt/lib/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/site/PySide6/Qt/lib/libQt6XcbQpa.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/site/PySide6/Qt/lib/libQt6Network.so.6", "BINARY"),  # only VNC used it
        ("libgssapi_krb5.so.2", "/usr/lib/libgssapi_krb5.so.2", "BINARY"),
        ("libglib-2.0.so.0", "/usr/lib/libglib-2.0.so.0", "BINARY"),
        ("libgio-2.0.so.0", "/usr/lib/libgio-2.0.so.0", "BINARY"),  # only the GTK theme used it
        ("libXau.so.6", "/usr/lib/libXau.so.6", "BINARY"),  # the system's libxcb needs it
        ("libpython3.11.so.1.0", "/py/lib/libpython3.11.so.1.0", "BINARY"),  # the bootloader loads it
    ]
    datas = [  # PyInstaller files its links to libraries among the datas
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("PySide6/Qt/lib/libQt6Network.so.6.11", "libQt6Network.so.6", "SYMLINK"),
        ("assets/fonts/LICENSE-OFL.txt", "/repo/installer/fonts/LICENSE-OFL.txt", "DATA"),
    ]
    kept_binaries, kept_datas = bundle_spec.drop_unreachable_libraries(binaries, datas, loaded=loads.__getitem__)
    assert {dest for dest, _, _ in kept_binaries} == {dest for dest, _, _ in binaries} - {
        "PySide6/Qt/lib/libQt6Network.so.6", "libgssapi_krb5.so.2", "libgio-2.0.so.0"}
    assert [dest for dest, _, _ in kept_datas] == ["libQt6Gui.so.6", "assets/fonts/LICENSE-OFL.txt"]
