"""Where every polygon and line of the bundled basemap files lies, indexed once per machine.

Cutting a project's basemap needs the bounding box of every part of each bundled file;
the GSHHS index alone is 41,000 text lines. They are parsed once (in small pieces: the
cut runs on a worker thread of the window, and one long parse would hold Python's
interpreter lock, freezing the window's thread as surely as running on it) and kept in
a small file under the user's cache folder, so later cuts skip the parsing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from territory_designer.core.feedback import Feedback

#: Bump when what is indexed changes.
SOURCES_VERSION = 1
FILES = ("gshhs", "countries", "states")
#: Meta lines parsed per piece (each piece holds the interpreter lock briefly).
_LINES_PER_PIECE = 2000
_FIELDS = ("kind", "npts", "start", "bounds")


@dataclass
class PartIndex:
    """Where each polygon or line of one bundled file lies.

    Attributes
    ----------
    kind, npts, start : numpy.ndarray
        GSHHS type (1 land, 2 lake, …; -1 for borders), vertex count and first vertex.
    bounds : numpy.ndarray
        ``(n, 4)`` longitude/latitude boxes ``(west, south, east, north)``.
    """

    kind: np.ndarray
    npts: np.ndarray
    start: np.ndarray
    bounds: np.ndarray


_memo: dict[str, dict[str, PartIndex]] = {}


def part_indexes(data: Path, cache: Path, feedback: Feedback | None = None) -> dict[str, PartIndex]:
    """The part index of each of :data:`FILES` in ``data``.

    Read from ``cache`` (a folder) when indexed before, else built and written there;
    kept in memory for the rest of the session either way.
    """
    key = str(data)
    if key in _memo:
        return _memo[key]
    path = cache / f"sources-v{SOURCES_VERSION}.npz"
    found = None
    if path.is_file():
        with contextlib.suppress(OSError, ValueError, KeyError):
            found = _read(path)
    if found is None:
        feedback = feedback or Feedback()
        found = {}
        for name in FILES:
            feedback.check_canceled()
            found[name] = index_parts(data, name)
        with contextlib.suppress(OSError):
            _write(path, found)
    _memo[key] = found
    return found


def index_parts(data: Path, name: str) -> PartIndex:
    """Bounding boxes of every part of ``<name>_i.dat``, from its meta file."""
    lines = (data / f"{name}meta_i.dat").read_text().splitlines()
    pieces = [
        np.loadtxt(lines[i : i + _LINES_PER_PIECE], usecols=(0, 2, 5), dtype=np.int64, ndmin=2)
        for i in range(0, len(lines), _LINES_PER_PIECE)
    ]
    meta = np.concatenate(pieces) if pieces else np.empty((0, 3), dtype=np.int64)
    coords = np.fromfile(data / f"{name}_i.dat", dtype="<f4").reshape(-1, 2)
    kind, npts, start = meta[:, 0], meta[:, 1], meta[:, 2] // 8
    bounds = np.empty((0, 4))
    if len(meta):
        lon, lat = coords[:, 0], coords[:, 1]
        bounds = np.column_stack(
            [
                np.minimum.reduceat(lon, start),
                np.minimum.reduceat(lat, start),
                np.maximum.reduceat(lon, start),
                np.maximum.reduceat(lat, start),
            ]
        ).astype(float)
    return PartIndex(kind=kind, npts=npts, start=start, bounds=bounds)


def _write(path: Path, parts: dict[str, PartIndex]) -> None:
    """Write atomically: a file beside the target, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"{n}_{f}": getattr(index, f) for n, index in parts.items() for f in _FIELDS}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read(path: Path) -> dict[str, PartIndex]:
    with np.load(path, allow_pickle=False) as z:
        return {name: PartIndex(*(z[f"{name}_{f}"] for f in _FIELDS)) for name in FILES}
