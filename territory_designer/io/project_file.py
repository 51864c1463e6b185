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
import time
import uuid
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from territory_designer import __version__
from territory_designer.core.accounts import REQUIRED_COLUMNS, AccountTable
from territory_designer.core.adjacency import Adjacency
from territory_designer.core.criterion import BalanceCriterion
from territory_designer.core.errors import CanceledError, ProjectFileError
from territory_designer.core.feedback import Feedback
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.core.units import UnitLayer
from territory_designer.io.atomic import atomic_target
from territory_designer.io.field_names import ACCOUNT_FIELDS, UNIT_FIELDS, non_clashing_names
from territory_designer.io.project_lock import (
    ProjectLock,
    check_not_locked,
    check_unchanged,
    file_stamp,
    same_file,
    writer_label,
)

FORMAT_NAME = "territory-designer-project"
FORMAT_VERSION = 1
EXTENSION = ".tdproj"
SQLITE_MAGIC = b"SQLite format 3\x00"
_PLAN_COLUMNS = ("territory_id", "territory", "owner")

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
    was read or last saved here (:mod:`territory_designer.io.project_lock`).

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
        :class:`~territory_designer.io.project_lock.ProjectChangedError`; the file is
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
            _write(project, tmp, feedback)
            # A cancel clicked while the last tables were written still wins: no rename.
            feedback.check_canceled()
    except CanceledError:
        raise
    except (OSError, sqlite3.Error, pyogrio.errors.DataSourceError) as exc:
        raise ProjectFileError(f"Could not save {path}: {exc}") from exc
    if mark_saved:
        project.mark_saved(path)
        project.disk_stamp = file_stamp(path)
    return path


def _write(project: Project, tmp: Path, feedback: Feedback) -> None:
    units = project.units
    plan = project.plan
    feedback.set_progress(5, "Writing units")
    # Imports rename clashing attributes already; this keeps any other path from losing
    # a column or failing the save (GeoPackage names ignore case).
    attrs = units.attributes.rename(
        columns=non_clashing_names(list(units.attributes.columns), UNIT_FIELDS)
    )
    names = {c: t.name for c, t in plan.territories.items()}
    owners = {c: t.owner for c, t in plan.territories.items()}
    codes = plan.assignment
    gdf = gpd.GeoDataFrame(
        {"unit_id": units.ids, "name": units.names, **{c: attrs[c].values for c in attrs}},
        geometry=units.geometry,
        crs=units.crs,
    )
    gdf["territory_id"] = plan.territory_ids()
    gdf["territory"] = [names.get(int(c), "") for c in codes]
    gdf["owner"] = [owners.get(int(c), "") for c in codes]
    pyogrio.write_dataframe(gdf, tmp, layer="units", driver="GPKG", promote_to_multi=True)
    feedback.check_canceled()
    feedback.set_progress(50, "Writing accounts")
    _write_accounts(project, tmp)
    _write_territories(project, tmp)
    feedback.check_canceled()
    feedback.set_progress(70, "Writing plans")
    con = sqlite3.connect(tmp)
    try:
        with con:
            _write_tables(project, con)
    finally:
        con.close()
    feedback.set_progress(100, "Saved")


def _write_accounts(project: Project, tmp: Path) -> None:
    table = project.accounts.table
    crs = project.units.crs
    extra = [c for c in table.columns if c not in REQUIRED_COLUMNS]
    names = non_clashing_names(extra, ACCOUNT_FIELDS)
    unit_ids = np.where(
        table["unit"].to_numpy() >= 0,
        project.units.ids[np.clip(table["unit"].to_numpy(), 0, None)] if len(table) else "",
        "",
    )
    data = {
        "account_id": table["account_id"].astype(str).values,
        "name": table["name"].astype(str).values,
        "unit_id": unit_ids,
        "located_by": table["located_by"].astype(str).values,
        **{names.get(c, c): table[c].values for c in extra},
    }
    geom = shapely.points(table[["x", "y"]].to_numpy(dtype=float)) if len(table) else []
    gdf = gpd.GeoDataFrame(data, geometry=list(geom), crs=crs)
    pyogrio.write_dataframe(gdf, tmp, layer="accounts", driver="GPKG", geometry_type="Point")


def _write_territories(project: Project, tmp: Path) -> None:
    rows, geoms = [], []
    for plan in project.plans.values():
        for code, t in plan.territories.items():
            rows.append(
                {
                    "plan": plan.name,
                    "code": code,
                    "territory_id": t.id,
                    "name": t.name,
                    "color": t.color,
                    "owner": t.owner,
                    "locked": int(t.locked),
                    "parent": t.parent or "",
                    "target": np.nan if t.target is None else float(t.target),
                }
            )
            geoms.append(shapely.Point(t.home_base) if t.home_base else None)
    cols = ["plan", "code", "territory_id", "name", "color", "owner", "locked", "parent", "target"]
    df = pd.DataFrame(rows, columns=cols)
    gdf = gpd.GeoDataFrame(df, geometry=geoms, crs=project.units.crs)
    pyogrio.write_dataframe(gdf, tmp, layer="territories", driver="GPKG", geometry_type="Point")


def _register(con: sqlite3.Connection, table: str, description: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description,"
        " last_change) VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
        (table, table, description),
    )


def _write_tables(project: Project, con: sqlite3.Connection) -> None:
    units = project.units
    con.execute("CREATE TABLE td_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    meta = {
        "format": FORMAT_NAME,
        "format_version": str(FORMAT_VERSION),
        "app_version": __version__,
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        # Tells this save from any other, even one with the same size and time.
        "save_id": uuid.uuid4().hex,
        "saved_by": writer_label(),
        "n_units": str(len(units)),
        "active_plan": project.active_plan_name,
        "baseline_plan": project.baseline_plan_name or "",
        "settings": json.dumps(project.settings),
    }
    con.executemany("INSERT INTO td_meta VALUES (?, ?)", list(meta.items()))
    _register(con, "td_meta", "Territory Designer: format and settings")
    con.execute(
        "CREATE TABLE td_plans (name TEXT PRIMARY KEY, position INTEGER, next_code INTEGER,"
        " account_overrides TEXT, criterion TEXT)"
    )
    con.execute(
        "CREATE TABLE td_assignments (plan TEXT NOT NULL, unit_fid INTEGER NOT NULL,"
        " territory_code INTEGER NOT NULL, locked INTEGER NOT NULL)"
    )
    fids = np.arange(1, len(units) + 1)
    for pos, plan in enumerate(project.plans.values()):
        con.execute(
            "INSERT INTO td_plans VALUES (?, ?, ?, ?, ?)",
            (
                plan.name,
                pos,
                plan.next_code,
                json.dumps(plan.account_overrides),
                plan.criterion.to_json() if plan.criterion else None,
            ),
        )
        con.executemany(
            "INSERT INTO td_assignments VALUES (?, ?, ?, ?)",
            zip(
                [plan.name] * len(units),
                fids.tolist(),
                plan.assignment.tolist(),
                plan.locked_units.astype(int).tolist(),
                strict=True,
            ),
        )
    _register(con, "td_plans", "Territory Designer: plans (scenarios)")
    _register(con, "td_assignments", "Territory Designer: unit to territory code per plan")
    adj = project.adjacency
    con.execute("CREATE TABLE td_adjacency (i INTEGER, j INTEGER, shared_m REAL)")
    con.executemany(
        "INSERT INTO td_adjacency VALUES (?, ?, ?)",
        zip(adj.ei.tolist(), adj.ej.tolist(), adj.length.tolist(), strict=True),
    )
    _register(con, "td_adjacency", "Territory Designer: unit adjacency (row numbers)")
    coarse, fine = units.lod
    con.execute("CREATE TABLE td_display (fid INTEGER PRIMARY KEY, coarse BLOB, fine BLOB)")
    con.executemany(
        "INSERT INTO td_display VALUES (?, ?, ?)",
        zip(fids.tolist(), shapely.to_wkb(coarse), shapely.to_wkb(fine), strict=True),
    )
    _register(con, "td_display", "Territory Designer: simplified display geometry")
    transactions = getattr(project, "transactions", None)
    if transactions is not None and len(transactions):
        transactions.to_sql("td_transactions", con, index=False)
        _register(con, "td_transactions", "Territory Designer: imported order lines")


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


def load_project(path: Path | str, feedback: Feedback | None = None) -> Project:
    """Read a ``.tdproj`` file.

    Raises
    ------
    ProjectFileError
        When the file is missing, not a project, from a newer version, or damaged.
    """
    feedback = feedback or Feedback()
    path = check_project_file(path)
    # Stamped before reading: a change made while we read shows as a conflict at save.
    stamp = file_stamp(path)
    try:
        project = _read(path, feedback)
    except (ProjectFileError, CanceledError):
        raise
    except Exception as exc:  # noqa: BLE001 - any failure here means a damaged file
        raise ProjectFileError(f"{path} is damaged and cannot be opened: {exc}") from exc
    project.mark_saved(path)
    project.disk_stamp = stamp
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


def _read(path: Path, feedback: Feedback) -> Project:
    uri = f"file:{path}?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        meta = _read_meta(con, path)
        feedback.set_progress(5, "Reading units")
        gdf = pyogrio.read_dataframe(path, layer="units")
        feedback.check_canceled()
        n = len(gdf)
        if n != int(meta["n_units"]):
            raise ProjectFileError(f"{path} is damaged: expected {meta['n_units']} units.")
        display = con.execute("SELECT coarse, fine FROM td_display ORDER BY fid").fetchall()
        lod = None
        if len(display) == n:
            coarse = shapely.from_wkb([r[0] for r in display])
            fine = shapely.from_wkb([r[1] for r in display])
            lod = (coarse, fine)
        attrs = gdf.drop(columns=["unit_id", "name", "geometry", *_PLAN_COLUMNS], errors="ignore")
        units = UnitLayer(
            ids=gdf["unit_id"].astype(str).values,
            names=gdf["name"].astype(str).values,
            geometry=gdf.geometry.values,
            crs=gdf.crs,
            attributes=pd.DataFrame(attrs),
            lod=lod,
        )
        feedback.set_progress(60, "Reading plans")
        adj_rows = np.array(
            con.execute("SELECT i, j, shared_m FROM td_adjacency").fetchall(), dtype=float
        ).reshape(-1, 3)
        adjacency = Adjacency(
            n, adj_rows[:, 0].astype(np.int64), adj_rows[:, 1].astype(np.int64), adj_rows[:, 2]
        )
        accounts = _read_accounts(path, units)
        plans = _read_plans(con, path, n)
        settings = json.loads(meta.get("settings", "{}"))
        transactions = _read_transactions(con)
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
        ).fetchall()
        arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
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
