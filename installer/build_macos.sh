#!/usr/bin/env bash
# Build the macOS app and its disk image:
#   dist/CNN Classroom.app  and  dist/cnn-classroom-<version>-macos-<arch>.dmg
#
#   installer/build_macos.sh
#
# Needs the project installed with the installer extra (pip install -e ".[installer]") and the CJK
# font to ship (CNN_CLASSROOM_CJK_FONT=/path/to/NotoSansCJK-Regular.ttc, or the file in installer/fonts/).
# Build on the architecture you ship: an arm64 Mac makes an Apple-silicon app, an Intel Mac an x86_64 one.
#
# Signing and notarisation run only when their variables are set:
#   MACOS_SIGN_IDENTITY     a "Developer ID Application: NAME (TEAMID)" identity in the keychain:
#                           signs the app (hardened runtime, installer/macos/entitlements.plist) and the .dmg
#   MACOS_NOTARY_PROFILE    a keychain profile made once with `xcrun notarytool store-credentials`, or
#   MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_TEAM_ID, MACOS_NOTARY_PASSWORD (an app-specific password):
#                           submits the .dmg to Apple's notary service, waits, and staples the ticket
# Environment: PYTHON (default .venv/bin/python), DIST_DIR (default dist), BUILD_DIR (default build/pyinstaller).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DIST_DIR="${DIST_DIR:-dist}"
BUILD_DIR="${BUILD_DIR:-build/pyinstaller}"
started=$SECONDS

"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST_DIR" --workpath "$BUILD_DIR" installer/cnn-classroom.spec

app="$DIST_DIR/CNN Classroom.app"
version="$("$PYTHON" -c 'import sys; sys.path.insert(0, "installer"); import bundle_spec; print(bundle_spec.version())')"
/usr/libexec/PlistBuddy -c "Print :NSCameraUsageDescription" "$app/Contents/Info.plist" >/dev/null

if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
    # Re-sign everything PyInstaller signed ad hoc, with the hardened runtime notarisation requires.
    codesign --force --deep --timestamp --options runtime \
        --entitlements installer/macos/entitlements.plist --sign "$MACOS_SIGN_IDENTITY" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
fi

# The disk image: the app beside a link to /Applications, to drag it onto.
staging="$BUILD_DIR/dmg"
rm -rf "$staging"
mkdir -p "$staging"
ditto "$app" "$staging/CNN Classroom.app"
ln -s /Applications "$staging/Applications"
dmg="$DIST_DIR/cnn-classroom-$version-macos-$(uname -m).dmg"
rm -f "$dmg"
# ULFO: LZFSE-compressed (macOS 10.11+), smaller and faster to open than zlib's UDZO.
hdiutil create -volname "CNN Classroom" -srcfolder "$staging" -fs HFS+ -format ULFO -ov "$dmg"

if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
    notary=()
    if [[ -n "${MACOS_NOTARY_PROFILE:-}" ]]; then
        notary=(--keychain-profile "$MACOS_NOTARY_PROFILE")
    elif [[ -n "${MACOS_NOTARY_APPLE_ID:-}" ]]; then
        notary=(--apple-id "$MACOS_NOTARY_APPLE_ID" --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD")
    fi
    if [[ ${#notary[@]} -gt 0 ]]; then
        xcrun notarytool submit "$dmg" "${notary[@]}" --wait
        xcrun stapler staple "$dmg"
        spctl --assess --type open --context context:primary-signature --verbose "$dmg"
    fi
fi
minimum="$(/usr/libexec/PlistBuddy -c "Print :LSMinimumSystemVersion" "$app/Contents/Info.plist")"
echo "app: $app (needs macOS $minimum or newer on $(uname -m), read from its libraries)"
echo "disk image: $dmg ($(du -h "$dmg" | cut -f1), $(stat -f %z "$dmg") bytes), built in $((SECONDS - started)) s"
