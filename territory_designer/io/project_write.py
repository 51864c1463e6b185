"""Writing a ``.tdproj`` file's layers and tables (the layout is in
:mod:`territory_designer.io.project_file`, which also reads them back).

:func:`write_project_tables` fills a fresh file; :func:`~.project_file.save_project`
checks the lock and the file on disk first and renames the file over the target.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import time
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from territory_designer import __version__
from territory_designer.core.accounts import REQUIRED_COLUMNS
from territory_designer.core.feedback import Feedback
from territory_designer.core.project import Project
from territory_designer.core.units import FIGURE_NAMES
from territory_designer.io.change_log_table import write_change_log
from territory_designer.io.field_names import ACCOUNT_FIELDS, UNIT_FIELDS, non_clashing_names
from territory_designer.io.file_image import plan_digest
from territory_designer.io.project_lock import writer_label

FORMAT_NAME = "territory-designer-project"
FORMAT_VERSION = 1
#: Columns of the units layer that show the active plan in QGIS (not unit attributes).
PLAN_COLUMNS = ("territory_id", "territory", "owner")


def write_project_tables(project: Project, tmp: Path, feedback: Feedback) -> None:
    """Write every layer and table of the project into the new GeoPackage ``tmp``.

    Parameters
    ----------
    project : Project
        What to write.
    tmp : pathlib.Path
        A file that does not exist yet (the save renames it over the target).
    feedback : Feedback
        Progress, and cancel between layers.
    """
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
                    "definition": t.definition,
                }
            )
            geoms.append(shapely.Point(t.home_base) if t.home_base else None)
    cols = [
        "plan",
        "code",
        "territory_id",
        "name",
        "color",
        "owner",
        "locked",
        "parent",
        "target",
        "definition",
    ]
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
    _write_meta(project, con)
    _write_plans(project, con, list(project.plans))
    adj = project.adjacency
    con.execute("CREATE TABLE td_adjacency (i INTEGER, j INTEGER, shared_m REAL)")
    con.executemany(
        "INSERT INTO td_adjacency VALUES (?, ?, ?)",
        zip(adj.ei.tolist(), adj.ej.tolist(), adj.length.tolist(), strict=True),
    )
    _register(con, "td_adjacency", "Territory Designer: unit adjacency (row numbers)")
    coarse, fine = units.lod
    fids = np.arange(1, len(units) + 1)
    con.execute("CREATE TABLE td_display (fid INTEGER PRIMARY KEY, coarse BLOB, fine BLOB)")
    con.executemany(
        "INSERT INTO td_display VALUES (?, ?, ?)",
        zip(fids.tolist(), shapely.to_wkb(coarse), shapely.to_wkb(fine), strict=True),
    )
    _register(con, "td_display", "Territory Designer: simplified display geometry")
    _write_unit_figures(units, con)
    _write_logs(project, con)


def _write_meta(project: Project, con: sqlite3.Connection) -> None:
    con.execute("CREATE TABLE td_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    meta = {
        "format": FORMAT_NAME,
        "format_version": str(FORMAT_VERSION),
        "app_version": __version__,
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        # Tells this save from any other, even one with the same size and time.
        "save_id": uuid.uuid4().hex,
        "saved_by": writer_label(),
        "n_units": str(len(project.units)),
        "active_plan": project.active_plan_name,
        "baseline_plan": project.baseline_plan_name or "",
        "settings": json.dumps(project.settings),
    }
    con.executemany("INSERT INTO td_meta VALUES (?, ?)", list(meta.items()))
    _register(con, "td_meta", "Territory Designer: format and settings")


def _write_plans(project: Project, con: sqlite3.Connection, assign: list[str]) -> None:
    """``td_plans`` for every plan and ``td_assignments`` rows for the plans ``assign``
    (the others' rows are in the table already)."""
    con.execute(
        "CREATE TABLE td_plans (name TEXT PRIMARY KEY, position INTEGER, next_code INTEGER,"
        " account_overrides TEXT, criterion TEXT)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS td_assignments (plan TEXT NOT NULL,"
        " unit_fid INTEGER NOT NULL, territory_code INTEGER NOT NULL, locked INTEGER NOT NULL)"
    )
    n = len(project.units)
    fids = np.arange(1, n + 1)
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
        if plan.name not in assign:
            continue
        con.executemany(
            "INSERT INTO td_assignments VALUES (?, ?, ?, ?)",
            zip(
                [plan.name] * n,
                fids.tolist(),
                plan.assignment.tolist(),
                plan.locked_units.astype(int).tolist(),
                strict=True,
            ),
        )
    _register(con, "td_plans", "Territory Designer: plans (scenarios)")
    _register(con, "td_assignments", "Territory Designer: unit to territory code per plan")


def _write_logs(project: Project, con: sqlite3.Connection) -> None:
    write_change_log(project.change_log, con)
    transactions = getattr(project, "transactions", None)
    if transactions is not None and len(transactions):
        transactions.to_sql("td_transactions", con, index=False)
        _register(con, "td_transactions", "Territory Designer: imported order lines")


# -- figures cache ------------------------------------------------------------------------
def _npy(value: object) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.asarray(value), allow_pickle=False)
    return buf.getvalue()


def _units_changed_at(con: sqlite3.Connection) -> str:
    """When GDAL (this save, or QGIS editing the file) last changed the units layer."""
    row = con.execute("SELECT last_change FROM gpkg_contents WHERE table_name = 'units'").fetchone()
    return str(row[0]) if row else ""


def _write_unit_figures(units: object, con: sqlite3.Connection) -> None:
    """Cache the units' figures (:meth:`UnitLayer.figures`) as ``.npy`` blobs, with the
    units layer's ``last_change``: an edit of the layer in a GIS makes the cache stale."""
    con.execute("CREATE TABLE td_unit_figures (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    rows = [(k, _npy(v)) for k, v in units.figures().items()]  # type: ignore[attr-defined]
    rows.append(("units_last_change", _units_changed_at(con).encode()))
    con.executemany("INSERT INTO td_unit_figures VALUES (?, ?)", rows)
    _register(con, "td_unit_figures", "Territory Designer: unit areas, points and perimeters")


def read_unit_figures(con: sqlite3.Connection, n: int) -> dict[str, np.ndarray] | None:
    """The cached unit figures of the file open on ``con``; None when absent (files
    saved before the cache) or stale (the units layer changed since, or another size)."""
    try:
        rows = dict(con.execute("SELECT key, value FROM td_unit_figures").fetchall())
    except sqlite3.DatabaseError:
        return None
    if bytes(rows.pop("units_last_change", b"")).decode() != _units_changed_at(con):
        return None
    if set(rows) != set(FIGURE_NAMES):
        return None
    figures = {k: np.load(io.BytesIO(v), allow_pickle=False) for k, v in rows.items()}
    if any(figures[k].shape[0] != n for k in FIGURE_NAMES if k != "bounds"):
        return None
    return figures


# -- saving only what changed -------------------------------------------------------------
def patch_project_tables(project: Project, tmp: Path, feedback: Feedback) -> bool:
    """Write the project into ``tmp`` as a copy of its file with only the plans changed.

    Possible when the project's :class:`~territory_designer.io.file_image.FileImage`
    says its units, adjacency and accounts are still those of its file and the file is
    unchanged on disk: the file is copied, and the plan tables, the territories layer,
    the metadata, the logs and the active plan's columns of the units layer are
    rewritten (the polygons, display levels, adjacency and accounts are kept as they
    are). Returns False, having written nothing, when a full write is needed.
    """
    image = getattr(project, "file_image", None)
    if image is None or not image.same_layers(project) or not image.file_unchanged():
        return False
    src = Path(image.stamp.path)
    feedback.set_progress(5, "Writing units")  # and accounts: copied as they are
    shutil.copyfile(src, tmp)
    feedback.check_canceled()
    feedback.set_progress(50, "Writing plans")
    keep = [
        name for name, plan in project.plans.items() if image.plans.get(name) == plan_digest(plan)
    ]
    con = sqlite3.connect(tmp)
    try:
        with con:
            _write_plan_columns(project, con)
            for table in ("td_meta", "td_plans", "td_change_log", "td_transactions"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
            holders = ", ".join("?" * len(keep))
            con.execute(f"DELETE FROM td_assignments WHERE plan NOT IN ({holders})", keep)
            _write_meta(project, con)
            _write_plans(project, con, [n for n in project.plans if n not in keep])
            _write_logs(project, con)
            if read_unit_figures(con, len(project.units)) is None:  # a file saved before
                con.execute("DROP TABLE IF EXISTS td_unit_figures")
                _write_unit_figures(project.units, con)
    finally:
        con.close()
    feedback.check_canceled()
    _write_territories(project, tmp)
    return True


def _write_plan_columns(project: Project, con: sqlite3.Connection) -> None:
    """Set the active plan's ``territory_id``, ``territory`` and ``owner`` of every unit.

    GDAL's R-tree triggers on the units layer call spatial SQL functions that plain
    SQLite lacks, so the update triggers are dropped and made again around the update
    (the polygons, hence the R-tree, do not change).
    """
    terr = project.plan.territories
    codes, slot = np.unique(project.plan.assignment, return_inverse=True)
    per_code = [
        (t.id, t.name, t.owner) if (t := terr.get(int(c))) is not None else ("", "", "")
        for c in codes
    ]
    con.execute(
        "CREATE TEMP TABLE td_plan_columns (code INTEGER PRIMARY KEY, territory_id TEXT,"
        " territory TEXT, owner TEXT)"
    )
    con.executemany(
        "INSERT INTO td_plan_columns VALUES (?, ?, ?, ?)",
        [(k, *row) for k, row in enumerate(per_code)],
    )
    con.execute("CREATE TEMP TABLE td_unit_slot (fid INTEGER PRIMARY KEY, slot INTEGER)")
    con.executemany(
        "INSERT INTO td_unit_slot VALUES (?, ?)",
        zip(range(1, slot.size + 1), slot.tolist(), strict=True),
    )
    triggers = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'units'"
        " AND sql LIKE '%UPDATE%ON%'"
    ).fetchall()
    for name, _ in triggers:
        con.execute(f'DROP TRIGGER "{name}"')
    con.execute(
        "UPDATE units SET territory_id = c.territory_id, territory = c.territory,"
        " owner = c.owner FROM td_unit_slot AS s JOIN td_plan_columns AS c ON c.code = s.slot"
        " WHERE units.fid = s.fid"
    )
    for _, sql in triggers:
        con.execute(sql)
    con.execute("DROP TABLE td_unit_slot")
    con.execute("DROP TABLE td_plan_columns")
