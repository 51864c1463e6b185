"""The ``.tdproj`` project file: a GeoPackage that QGIS opens as-is.

Layout
------
``units`` (polygon layer)
    ``unit_id``, ``name``, the unit attributes, and the active plan's ``territory_id``,
    ``territory`` (name) and ``owner`` so the file can be styled in QGIS directly.
``accounts`` (point layer)
    ``account_id``, ``name``, ``unit_id``, ``located_by`` and the account attributes.
``territories`` (point layer: home bases, empty geometry when none)
    One row per territory of every plan: ``plan``, ``code``, ``territory_id``, ``name``,
    ``color``, ``owner``, ``locked``, ``parent``, ``target``.
``td_meta``, ``td_plans``, ``td_assignments``, ``td_adjacency``, ``td_display``
    Attribute tables: format version and settings; plans; unit-to-territory codes and unit
    locks of every plan; the adjacency graph (unit row numbers and shared length in
    metres); the simplified display geometry (WKB) for the map's level of detail.

Saving writes a complete new file beside the target, flushes it and renames it over the
target (:mod:`territory_designer.io.atomic`), so a crash mid-save leaves the previous file
as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from territory_designer.core.accounts import AccountTable
from territory_designer.core.adjacency import Adjacency
from territory_designer.core.criterion import BalanceCriterion
from territory_designer.core.errors import CanceledError, ProjectFileError
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer
from territory_designer.io.atomic import atomic_target
from territory_designer.io.change_log_table import read_change_log
from territory_designer.io.file_image import FileImage, UnitSource
from territory_designer.io.file_stamp import check_unchanged, file_stamp, same_file
from territory_designer.io.project_lock import ProjectLock, check_not_locked
from territory_designer.io.project_write import (
    FORMAT_NAME,
    FORMAT_VERSION,
    PLAN_COLUMNS,
    patch_project_tables,
    read_unit_figures,
    write_project_tables,
)

EXTENSION = ".tdproj"
SQLITE_MAGIC = b"SQLite format 3\x00"

# GDAL warns that a GeoPackage should end in .gpkg; .tdproj is ours on purpose.
warnings.filterwarnings("ignore", message=r".*(conformant file extension|should be 'gpkg')")
# On worker threads (saves, exports) pyogrio's handler that turns GDAL messages into Python
# warnings is not installed, and GDAL prints them on stderr; send those to the null
# device. Errors still raise: pyogrio checks every GDAL return code.
pyogrio.set_gdal_config_options({"CPL_LOG": os.devnull})


# -- writing ------------------------------------------------------------------------------
def save_project(
    project: Project,
    path: Path | str,
    feedback: Feedback | None = None,
    mark_saved: bool = True,
    lock: ProjectLock | None = None,
) -> Path:
    """Write the project to ``path`` atomically.

    Refuses (and writes nothing) when another process or window holds the lock on
    ``path``, or when ``path`` is the project's own file and it changed on disk since it
    was read or last saved here (:mod:`territory_designer.io.project_lock`,
    :mod:`territory_designer.io.file_stamp`).

    Parameters
    ----------
    project : Project
        What to save.
    path : path-like
        Target file; ``.tdproj`` is the usual extension.
    feedback : Feedback, optional
        Progress and cancel (a cancelled save leaves the target untouched).
    mark_saved : bool
        Record the save (and the file's new stamp) in the project (False for
        autosave/recovery copies).
    lock : ProjectLock, optional
        The lock this writer holds on ``path`` (locks entered with
        :func:`~territory_designer.io.project_lock.holding` count too).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    SaveConflictError
        :class:`~territory_designer.io.project_lock.ProjectLockedError` or
        :class:`~territory_designer.io.file_stamp.ProjectChangedError`; the file is
        untouched and the work can be saved under another name.
    ProjectFileError
        When the file cannot be written (missing folder, full disk, ...).
    """
    feedback = feedback or Feedback()
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise ProjectFileError(f"Cannot save {path}: folder {path.parent} does not exist.")
    check_not_locked(path, lock)
    if same_file(path, project.path):
        check_unchanged(path, project.disk_stamp)
    try:
        with atomic_target(path) as tmp:
            # Only the plans changed since the file was read or saved: copy it, rewrite them.
            if not patch_project_tables(project, tmp, feedback):
                write_project_tables(project, tmp, feedback)
            # A cancel clicked while the last tables were written still wins: no rename.
            feedback.check_canceled()
    except CanceledError:
        raise
    except (OSError, sqlite3.Error, pyogrio.errors.DataSourceError) as exc:
        raise ProjectFileError(f"Could not save {path}: {exc}") from exc
    if mark_saved:
        project.mark_saved(path)
        project.disk_stamp = file_stamp(path)
        _remember_image(project)
    return path


def _remember_image(project: Project) -> None:
    """Record what the file just saved holds (see :mod:`~territory_designer.io.file_image`).

    Polygons not read yet are those of the new file too: their source moves there.
    """
    stamp = project.disk_stamp
    old = getattr(project, "file_image", None)
    source = old.source if old is not None else None
    if stamp is None:
        project.file_image = None
        return
    if source is not None and not project.units.geometry_loaded:
        source.path, source.stamp = Path(stamp.path), stamp
    project.file_image = FileImage.of(project, stamp, source)


# -- reading ------------------------------------------------------------------------------
def check_project_file(path: Path | str) -> Path:
    """Raise :class:`ProjectFileError` unless ``path`` looks like a project file."""
    path = Path(path)
    if not path.exists():
        raise ProjectFileError(f"{path}: no such file.")
    if path.is_dir():
        raise ProjectFileError(f"{path} is a folder, not a project file.")
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise ProjectFileError(
            f"{path} is not a Territory Designer project (not a GeoPackage/SQLite file)."
        )
    return path


def load_project(path: Path | str, feedback: Feedback | None = None, lazy: bool = False) -> Project:
    """Read a ``.tdproj`` file.

    Parameters
    ----------
    path : path-like
        The project file.
    feedback : Feedback, optional
        Progress and cancel.
    lazy : bool
        Leave the unit polygons and display levels on disk until first used (their
        figures are cached in the file): for work that needs none, such as a
        command-line build. They are read from this same file, which must not change
        in the meantime.

    Raises
    ------
    ProjectFileError
        When the file is missing, not a project, from a newer version, or damaged.
    """
    feedback = feedback or Feedback()
    path = check_project_file(path)
    # Stamped before reading: a change made while we read shows as a conflict at save.
    stamp = file_stamp(path)
    source = UnitSource(path, stamp)
    try:
        project = _read(path, feedback, source if lazy else None)
    except (ProjectFileError, CanceledError):
        raise
    except Exception as exc:  # noqa: BLE001 - any failure here means a damaged file
        raise ProjectFileError(f"{path} is damaged and cannot be opened: {exc}") from exc
    project.mark_saved(path)
    project.disk_stamp = stamp
    if stamp is not None:
        project.file_image = FileImage.of(project, stamp, source)
    return project


def _read_meta(con: sqlite3.Connection, path: Path) -> dict[str, str]:
    try:
        meta = dict(con.execute("SELECT key, value FROM td_meta").fetchall())
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            is_gpkg = con.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_contents'"
            ).fetchone()
            if not is_gpkg:
                raise ProjectFileError(
                    f"{path} is an SQLite database, not a Territory Designer project."
                ) from exc
            raise ProjectFileError(
                f"{path} is a GeoPackage but not a Territory Designer project "
                "(create one with File > New from its layer)."
            ) from exc
        raise ProjectFileError(f"{path} is damaged and cannot be opened: {exc}") from exc
    if meta.get("format") != FORMAT_NAME:
        raise ProjectFileError(f"{path} is not a Territory Designer project.")
    if int(meta.get("format_version", "0")) > FORMAT_VERSION:
        raise ProjectFileError(
            f"{path} was saved by a newer Territory Designer (format "
            f"{meta['format_version']}); please update the application."
        )
    return meta


def _read_units(
    con: sqlite3.Connection, path: Path, n: int, source: UnitSource | None
) -> UnitLayer:
    """The unit layer; with a ``source`` and cached figures, without its polygons."""
    figures = read_unit_figures(con, n)
    if source is not None and figures is not None:
        frame = pyogrio.read_dataframe(path, layer="units", read_geometry=False)
        crs_text = pyogrio.read_info(path, layer="units")["crs"]
        crs = CRS.from_user_input(crs_text) if crs_text else None
        geometry: object = partial(_read_polygons, source)
        lod: object = partial(_read_display, source, n)
    else:
        frame = pyogrio.read_dataframe(path, layer="units")
        crs, geometry = frame.crs, frame.geometry.values
        lod = _read_display(path, n, con)
    if len(frame) != n:
        raise ProjectFileError(f"{path} is damaged: expected {n} units.")
    attrs = frame.drop(columns=["unit_id", "name", "geometry", *PLAN_COLUMNS], errors="ignore")
    return UnitLayer(
        ids=frame["unit_id"].astype(str).values,
        names=frame["name"].astype(str).values,
        geometry=geometry,
        crs=crs,
        attributes=pd.DataFrame(attrs),
        lod=lod,
        figures=figures,
    )


def _read_polygons(source: UnitSource) -> np.ndarray:
    """The unit polygons of a lazily read project, from its (unchanged) file."""
    frame = pyogrio.read_dataframe(source.check(), layer="units", columns=[])
    return np.asarray(frame.geometry.values, dtype=object)


def _read_display(
    source: UnitSource | Path, n: int, con: sqlite3.Connection | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """The display levels stored in the file (None when absent: computed instead)."""
    own = con is None
    if own:
        path = source.check() if isinstance(source, UnitSource) else source
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        display = con.execute("SELECT coarse, fine FROM td_display ORDER BY fid").fetchall()
    finally:
        if own:
            con.close()
    if len(display) != n:
        return None
    coarse = shapely.from_wkb([r[0] for r in display])
    fine = shapely.from_wkb([r[1] for r in display])
    return coarse, fine


def _read(path: Path, feedback: Feedback, source: UnitSource | None = None) -> Project:
    uri = f"file:{path}?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        meta = _read_meta(con, path)
        feedback.set_progress(5, "Reading units")
        n = int(meta["n_units"])
        units = _read_units(con, path, n, source)
        feedback.check_canceled()
        feedback.set_progress(60, "Reading plans")
        adj = np.fromiter(
            con.execute("SELECT i, j, shared_m FROM td_adjacency"),
            dtype=[("i", np.int64), ("j", np.int64), ("length", float)],
        )
        adjacency = Adjacency(n, adj["i"].copy(), adj["j"].copy(), adj["length"].copy())
        del adj
        accounts = _read_accounts(path, units)
        plans = _read_plans(con, path, n)
        settings = json.loads(meta.get("settings", "{}"))
        transactions = _read_transactions(con)
        change_log = read_change_log(con)
    finally:
        con.close()
    feedback.set_progress(90, "Computing metrics")
    project = Project(
        units,
        adjacency,
        accounts,
        plans,
        active_plan=meta.get("active_plan") or None,
        baseline_plan=meta.get("baseline_plan") or None,
        settings=settings,
    )
    project.transactions = transactions
    project.change_log = change_log
    feedback.set_progress(100, "Opened")
    return project


def _read_transactions(con: sqlite3.Connection) -> pd.DataFrame | None:
    exists = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'td_transactions'"
    ).fetchone()
    return pd.read_sql("SELECT * FROM td_transactions", con) if exists else None


def _read_accounts(path: Path, units: UnitLayer) -> AccountTable:
    gdf = pyogrio.read_dataframe(path, layer="accounts")
    if len(gdf) == 0:
        return AccountTable.empty()
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    table = pd.DataFrame(gdf.drop(columns=["geometry", "unit_id"]))
    # Unlocated accounts have no point (empty or NULL geometry): NaN coordinates.
    none = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    xy = np.full((len(geoms), 2), np.nan)
    if (~none).any():
        xy[~none] = shapely.get_coordinates(geoms[~none])[:, :2]
    table["x"], table["y"] = xy[:, 0], xy[:, 1]
    table["unit"] = units.indices_of(gdf["unit_id"].fillna("").astype(str).values)
    return AccountTable(table)


def _read_plans(con: sqlite3.Connection, path: Path, n: int) -> list[Plan]:
    terr = pyogrio.read_dataframe(path, layer="territories")
    plans = []
    # Files written before plans recorded their balance criterion have no such column.
    columns = {row[1] for row in con.execute("PRAGMA table_info(td_plans)")}
    criterion_column = "criterion" if "criterion" in columns else "NULL"
    for name, next_code, overrides, criterion in con.execute(
        f"SELECT name, next_code, account_overrides, {criterion_column} FROM td_plans"
        " ORDER BY position"
    ):
        rows = con.execute(
            "SELECT unit_fid, territory_code, locked FROM td_assignments WHERE plan = ?"
            " ORDER BY unit_fid",
            (name,),
        )
        arr = np.fromiter(rows, dtype=(np.int64, 3))
        if arr.shape[0] != n:
            raise ProjectFileError(f"{path} is damaged: plan {name!r} is incomplete.")
        territories = {}
        for _, r in terr[terr["plan"] == name].iterrows():
            home = None if r.geometry is None else (float(r.geometry.x), float(r.geometry.y))
            target = None if pd.isna(r["target"]) else float(r["target"])
            territories[int(r["code"])] = Territory(
                id=str(r["territory_id"]),
                name=str(r["name"]),
                color=str(r["color"]),
                owner=str(r["owner"] or ""),
                home_base=home,
                locked=bool(r["locked"]),
                parent=str(r["parent"]) or None,
                target=target,
                # Files saved before definitions have no such column.
                definition=str(r.get("definition") or ""),
            )
        plans.append(
            Plan(
                name,
                territories,
                arr[:, 1].astype(np.int32),
                arr[:, 2].astype(bool),
                {str(k): int(v) for k, v in json.loads(overrides or "{}").items()},
                int(next_code),
                BalanceCriterion.from_json(criterion),
            )
        )
    if not plans:
        raise ProjectFileError(f"{path} is damaged: it holds no plan.")
    return plans
