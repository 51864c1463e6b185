#!/bin/sh
# Remove what install.sh added (projects and settings are left alone).
set -eu
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
PREFIX="${PREFIX:-$DATA/territory-designer}"
BIN="${BIN:-$HOME/.local/bin}"
rm -rf "$PREFIX"
rm -f "$BIN/territory-designer" "$DATA/applications/territory-designer.desktop" \
      "$DATA/icons/hicolor/256x256/apps/territory-designer.png" "$DATA/mime/packages/territory-designer.xml"
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
echo "Territory Designer removed."
