#!/bin/sh
# Install Territory Designer for the current user: no root, no network.
#   ./install.sh            installs into ~/.local/share/territory-designer
#   PREFIX=/opt/td ./install.sh   (an IT department can choose another folder)
# Adds a launcher (menu entry), the icon, the .tdproj file type and ~/.local/bin/territory-designer.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
PREFIX="${PREFIX:-$DATA/territory-designer}"
BIN="${BIN:-$HOME/.local/bin}"

echo "Installing Territory Designer into $PREFIX"
rm -rf "$PREFIX.new"
mkdir -p "$(dirname "$PREFIX")"
cp -R "$HERE/TerritoryDesigner" "$PREFIX.new"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"

mkdir -p "$BIN" "$DATA/applications" "$DATA/icons/hicolor/256x256/apps" "$DATA/mime/packages"
ln -sf "$PREFIX/TerritoryDesigner" "$BIN/territory-designer"
sed "s|@APPDIR@|$PREFIX|g" "$HERE/territory-designer.desktop" > "$DATA/applications/territory-designer.desktop"
cp "$HERE/territory-designer.png" "$DATA/icons/hicolor/256x256/apps/territory-designer.png"
cp "$HERE/territory-designer-mime.xml" "$DATA/mime/packages/territory-designer.xml"
# Refresh the desktop's caches where the tools exist (all optional).
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$DATA/applications" >/dev/null 2>&1 || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$DATA/icons/hicolor" >/dev/null 2>&1 || true
command -v xdg-mime >/dev/null 2>&1 && xdg-mime default territory-designer.desktop application/x-territory-designer-project >/dev/null 2>&1 || true

echo "Done. Start it from the applications menu, or run: $BIN/territory-designer"
echo "Check the installation with: $BIN/territory-designer --selftest"
