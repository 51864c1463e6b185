"""Where the application's data files are, from a checkout and from an installed build.

Running from a checkout, files live in the repository's top-level ``resources/`` folder.
In the frozen application built by ``installer/build.py`` (PyInstaller), they live in
the bundle's ``resources/`` folder (``sys._MEIPASS``), next to files the build prepares
once so the app need not carry the packages they come from: the demo project already
built (``demo.tdproj``) and the trimmed city list of the basemap (``cities.tsv``).
"""

from __future__ import annotations

import sys
from pathlib import Path

#: Folder of the bundle's data, relative to the frozen application's root.
BUNDLE_FOLDER = "resources"


def is_frozen() -> bool:
    """True inside the application built by the installer (PyInstaller)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    """The folder of the application's data files (it may not exist in a plain wheel)."""
    if is_frozen():
        return Path(sys._MEIPASS) / BUNDLE_FOLDER  # type: ignore[attr-defined]
    return Path(__file__).resolve().parents[2] / BUNDLE_FOLDER


def resource_path(*parts: str) -> Path | None:
    """The data file ``parts`` (e.g. ``"icons", "territory-designer.png"``), or None if absent."""
    path = resources_dir().joinpath(*parts)
    return path if path.exists() else None


def bundled_file(name: str) -> Path | None:
    """A file the installer build prepared (``demo.tdproj``, ``cities.tsv``), frozen app only.

    From a checkout this is always None: the app builds the same data from the packages.
    """
    return resource_path(name) if is_frozen() else None
