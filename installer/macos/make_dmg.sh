#!/bin/sh
# Make a .dmg of the macOS application bundle (run on a Mac, after the build):
#     python3 installer/dev.py build          # writes dist/TerritoryDesigner.app
#     installer/macos/make_dmg.sh             # writes dist/TerritoryDesigner-VERSION.dmg
# The .app opens .tdproj files (CFBundleDocumentTypes in the spec). Users drag it to
# Applications (or anywhere in their home folder: no administrator rights needed).
# Signing and notarisation (optional, needs an Apple developer account):
#     codesign --deep --force --options runtime --sign "Developer ID Application: NAME" dist/TerritoryDesigner.app
#     xcrun notarytool submit dist/TerritoryDesigner-VERSION.dmg --keychain-profile PROFILE --wait
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
APP="$ROOT/dist/TerritoryDesigner.app"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/territory_designer/__init__.py")"
DMG="$ROOT/dist/TerritoryDesigner-$VERSION.dmg"
[ -d "$APP" ] || { echo "missing $APP: run python3 installer/dev.py build first" >&2; exit 1; }
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Territory Designer $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
echo "wrote $DMG"
"$APP/Contents/MacOS/TerritoryDesigner" --selftest && echo "self-test passed"
