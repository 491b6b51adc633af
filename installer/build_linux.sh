#!/usr/bin/env bash
# Build the Linux bundle: a one-folder app and a tarball of it.
#
#   installer/build_linux.sh            # -> dist/cnn-classroom/ and dist/cnn-classroom-<version>-linux-<arch>.tar.gz
#   installer/build_linux.sh --no-tarball
#
# Needs the project installed with the installer extra (pip install -e ".[installer]") and a CJK font
# to ship: Debian/Ubuntu's fonts-noto-cjk, or CNN_CLASSROOM_CJK_FONT=/path/to/NotoSansCJK-Regular.ttc.
# Environment: PYTHON (default .venv/bin/python), DIST_DIR (default dist), BUILD_DIR (default build/pyinstaller).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DIST_DIR="${DIST_DIR:-dist}"
BUILD_DIR="${BUILD_DIR:-build/pyinstaller}"
tarball=1
for arg in "$@"; do
    case "$arg" in
        --no-tarball) tarball=0 ;;
        *) echo "usage: $0 [--no-tarball]" >&2; exit 2 ;;
    esac
done

started=$SECONDS
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST_DIR" --workpath "$BUILD_DIR" installer/cnn-classroom.spec

bundle="$DIST_DIR/cnn-classroom"
# A Python built from source keeps its debug symbols (about 18 MB in libpython, 6 MB in its
# extension modules); the app never needs them.
for lib in "$bundle"/_internal/libpython3*.so* "$bundle"/_internal/python3*/lib-dynload/*.so; do
    if [[ -f "$lib" && ! -L "$lib" ]] && command -v strip >/dev/null; then
        strip --strip-debug "$lib"
    fi
done
# Not numpy.libs/libscipy_openblas64_ (1.9 MB of symbols): auditwheel's patchelf laid it out so that
# strip (GNU or LLVM) leaves an ELF the loader refuses ("ELF load command address/offset not
# page-aligned"). OpenCV's vendored libraries would save under 1 MB each.

# A menu entry and its icon, for users who want one (see installer/README.md).
cp installer/linux/cnn-classroom.desktop installer/icons/cnn-classroom.png "$bundle/"

if [[ "$tarball" -eq 1 ]]; then
    version="$("$PYTHON" -c 'import sys; sys.path.insert(0, "installer"); import bundle_spec; print(bundle_spec.version())')"
    archive="$DIST_DIR/cnn-classroom-$version-linux-$(uname -m).tar.gz"
    tar -C "$DIST_DIR" -czf "$archive" cnn-classroom
    echo "tarball: $archive ($(du -h "$archive" | cut -f1))"
fi
echo "bundle: $bundle ($(du -sh "$bundle" | cut -f1)), built in $((SECONDS - started)) s"
