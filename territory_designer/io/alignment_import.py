"""Read an existing alignment (unit → territory → district → region, with reps) from a
spreadsheet or CSV file, as a new plan with its hierarchy.

Columns are found by their headers (case, spaces and underscores ignored): the unit
(``unit``, ``zip``, ``postal code``, ``fips``…), the territory (``territory``,
``territory id``…) and optionally its name, its rep (``rep``, ``owner``…), the rep's
licensed states, and one column per hierarchy level above the territories named after the
level (``district``, ``region``… or ``<level> id``; ``<level> name`` names the node).

Every row is checked before anything changes: a unit the project does not have, a unit
given twice, a territory with two reps, a district in two regions… each is reported with
the file, sheet, row and column, and nothing is imported.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_designer.core.alignment import Alignment
from territory_designer.core.colors import palette_color
from territory_designer.core.errors import InputError
from territory_designer.core.hierarchy import hierarchy_levels, nodes
from territory_designer.core.plan import UNASSIGNED, Plan, Territory
from territory_designer.core.plan_operations import free_plan_name

if TYPE_CHECKING:
    from territory_designer.core.project import Project

UNIT_HEADERS = (
    "unit", "unit id", "unit code", "zip", "zip code", "zipcode", "zip5", "postal code",
    "postcode", "zcta", "geoid", "fips", "county fips", "area id",
)  # fmt: skip
TERRITORY_HEADERS = ("territory", "territory id", "territory code", "terr", "terr id")
TERRITORY_NAME_HEADERS = ("territory name", "terr name")
REP_HEADERS = ("rep", "rep name", "owner", "sales rep", "representative", "salesperson")
LICENCE_HEADERS = ("licensed states", "licensed state", "licences", "licenses", "licensed in")
MAX_LISTED = 20


@dataclass
class Table:
    """Cells of one sheet: where they came from, the header row and the data rows."""

    where: str  # "file.xlsx, sheet Alignment" or "file.csv"
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    letters: bool  # Excel column letters (else column numbers)

    def place(self, row: int, col: int) -> str:
        """``file, sheet S, row R, column C (header)``."""
        if self.letters:
            from openpyxl.utils import get_column_letter

            column = get_column_letter(col + 1)
        else:
            column = str(col + 1)
        return f"{self.where}, row {row}, column {column} ({self.headers[col]})"


def _norm(text: Any) -> str:
    return re.sub(r"[\s_\-.]+", " ", str(text or "")).strip().casefold()


def _cell_text(value: Any) -> str:
    """A cell as text: whole numbers without '.0', blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The first non-empty row as headers and the rows under it.

    Raises
    ------
    InputError
        A missing file, an unknown sheet, a file that is no table.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw, where = _read_xlsx(path, sheet)
        letters = True
    elif suffix in (".csv", ".txt", ".tsv"):
        raw, where = _read_csv(path), path.name
        letters = False
    else:
        raise InputError(f"{path}: not an alignment table (use .xlsx or .csv).")
    filled = [i for i, row in enumerate(raw) if any(_cell_text(v) for v in row)]
    if not filled:
        raise InputError(f"{where}: the sheet is empty.")
    # The header: the first row naming a unit or territory column (title lines may sit
    # above it), else the first row with anything in it.
    named = [
        i
        for i in filled[:30]
        if _find([_cell_text(v) for v in raw[i]], UNIT_HEADERS + TERRITORY_HEADERS) is not None
    ]
    i = named[0] if named else filled[0]
    headers = [_cell_text(v) for v in raw[i]]
    body = [(i + 1 + k + 1, list(r)) for k, r in enumerate(raw[i + 1 :])]
    return Table(where, i + 1, headers, body, letters)


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[list[Any]], str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise InputError(f"{path}: cannot read the workbook ({exc}).") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            names = ", ".join(wb.sheetnames)
            raise InputError(f"{path}: no sheet {sheet!r} (sheets: {names}).")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        return rows, f"{path.name}, sheet {ws.title}"
    finally:
        wb.close()


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(text.splitlines(), dialect)]


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    normed = [_norm(h) for h in headers]
    for name in names:
        if name in normed:
            return normed.index(name)
    return None


class _Problems(list):
    def add(self, message: str) -> None:
        self.append(message)


def read_alignment(
    project: Project,
    path: Path | str,
    sheet: str | None = None,
    plan_name: str | None = None,
    levels: list[str] | None = None,
) -> Alignment:
    """Read and check an alignment file against ``project`` (which is not changed).

    Parameters
    ----------
    project : Project
        Its units and existing hierarchy nodes.
    path : path-like
        ``.xlsx`` or ``.csv``.
    sheet : str, optional
        Worksheet (the first by default).
    plan_name : str, optional
        Name of the new plan (default ``Alignment <file name>``, made unique).
    levels : list of str, optional
        Hierarchy level names, territories first (default: the project's).

    Raises
    ------
    InputError
        Naming file, sheet, row and column of every bad row (up to 20); nothing is read then.
    """
    path = Path(path)
    table = read_table(path, sheet)
    levels = list(levels) if levels else hierarchy_levels(project)
    cols = _columns(table, levels)
    problems = _Problems()
    unit_of = _unit_lookup(project)
    n = len(project.units)
    assignment = np.full(n, UNASSIGNED, dtype=np.int32)
    seen_unit: dict[int, int] = {}
    terr: dict[str, dict[str, Any]] = {}
    node_table = {k: dict(v) for k, v in nodes(project).items()}
    new_nodes: dict[str, dict[str, Any]] = {}
    reps: dict[str, dict[str, Any]] = {}
    rows = 0
    width = len(table.headers)
    for r, values in table.rows:
        cells = [_cell_text(values[c]) if c < len(values) else "" for c in range(width)]
        if not any(cells):
            continue
        rows += 1
        u_text, t_id = cells[cols["unit"]], cells[cols["territory"]]
        if not u_text:
            problems.add(f"{table.place(r, cols['unit'])}: no unit.")
            continue
        unit = unit_of(u_text)
        if unit is None:
            problems.add(f"{table.place(r, cols['unit'])}: unit {u_text!r} is not in the project.")
            continue
        if not t_id:
            problems.add(f"{table.place(r, cols['territory'])}: no territory for unit {u_text!r}.")
            continue
        if unit in seen_unit:
            problems.add(
                f"{table.place(r, cols['unit'])}: unit {u_text!r} is also on row {seen_unit[unit]}."
            )
            continue
        seen_unit[unit] = r
        t = terr.setdefault(t_id, {"code": len(terr), "row": r, "id": t_id})
        assignment[unit] = t["code"]
        _same(t, "name", cells, cols.get("name"), table, r, problems, t_id)
        _same(t, "rep", cells, cols.get("rep"), table, r, problems, t_id)
        path_ids = [cells[c] if c is not None else "" for c in cols["levels"]]
        _check_path(t, path_ids, cells, cols, levels, (table, r, problems), node_table, new_nodes)
        if cols.get("licences") is not None and cells[cols["licences"]] and t.get("rep"):
            _same(reps.setdefault(t["rep"], {}), "licensed_states", cells, cols["licences"],
                  table, r, problems, t["rep"])  # fmt: skip
    if problems:
        listed = "\n  ".join(problems[:MAX_LISTED])
        more = f"\n  … and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise InputError(
            f"{table.where}: {len(problems)} problem(s); nothing was imported:\n  {listed}{more}"
        )
    if not terr:
        raise InputError(
            f"{table.where}: no alignment rows under the header on row {table.header_row}."
        )
    territories = {
        t["code"]: Territory(
            id=t_id,
            name=t.get("name") or t_id,
            color=palette_color(t["code"]),
            owner=t.get("rep") or "",
            parent=(t.get("path") or [""])[0] or None,
        )
        for t_id, t in terr.items()
    }
    name = plan_name or free_plan_name(project, f"Alignment {path.stem}")
    return Alignment(
        plan=Plan(name, territories, assignment),
        nodes={k: {f: v for f, v in e.items() if f != "row"} for k, e in new_nodes.items()},
        levels=list(levels) if levels != hierarchy_levels(project) else None,
        rep_attributes={rep: a for rep, a in reps.items() if a.get("licensed_states")},
        rows=rows,
        units_not_in_file=int((assignment == UNASSIGNED).sum()),
    )


def _columns(table: Table, levels: list[str]) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "unit": _find(table.headers, UNIT_HEADERS),
        "territory": _find(table.headers, TERRITORY_HEADERS),
        "name": _find(table.headers, TERRITORY_NAME_HEADERS),
        "rep": _find(table.headers, REP_HEADERS),
        "licences": _find(table.headers, LICENCE_HEADERS),
    }
    wanted = (("unit", "unit (unit, zip, postal code, fips…)"), ("territory", "territory"))
    for key, label in wanted:
        if cols[key] is None:
            found = ", ".join(repr(h) for h in table.headers if h) or "none"
            raise InputError(
                f"{table.where}, row {table.header_row}: no {label} column (headers: {found})."
            )
    cols["levels"] = [
        _find(table.headers, (_norm(lv), f"{_norm(lv)} id", f"{_norm(lv)} code"))
        for lv in levels[1:]
    ]
    cols["level_names"] = [_find(table.headers, (f"{_norm(lv)} name",)) for lv in levels[1:]]
    return cols


def _unit_lookup(project: Project):  # noqa: ANN202 - a small closure
    ids = [str(i) for i in project.units.ids]
    index = {u: k for k, u in enumerate(ids)}
    width = max((len(u) for u in ids if u.isdigit()), default=0)
    names: dict[str, int] = {}
    for k, name in enumerate(project.units.names):
        names.setdefault(str(name).casefold(), k)

    def find(text: str) -> int | None:
        if text in index:
            return index[text]
        if text.isdigit() and width and text.zfill(width) in index:
            return index[text.zfill(width)]  # a ZIP or FIPS code that lost its leading zeros
        return names.get(text.casefold())

    return find


def _same(
    entity: dict[str, Any],
    key: str,
    cells: list[str],
    col: int | None,
    table: Table,
    row: int,
    problems: _Problems,
    label: str,
) -> None:
    """Record ``entity[key]`` from this row, or a problem when an earlier row said else."""
    if col is None or not cells[col]:
        return
    value = cells[col]
    had = entity.get(key)
    if had is None:
        entity[key], entity[f"{key}_row"] = value, row
    elif had != value:
        problems.add(
            f"{table.place(row, col)}: {label} has {value!r} here but {had!r} on row "
            f"{entity[f'{key}_row']}."
        )


def _check_path(
    t: dict[str, Any],
    path_ids: list[str],
    cells: list[str],
    cols: dict[str, Any],
    levels: list[str],
    where: tuple[Table, int, _Problems],
    existing: dict[str, dict[str, Any]],
    new_nodes: dict[str, dict[str, Any]],
) -> None:
    """Check a row's district, region… against earlier rows and the project's nodes."""
    table, row, problems = where
    t_id = t["id"]
    if "path" not in t:
        t["path"], t["path_row"] = path_ids, row
    elif t["path"] != path_ids:
        col = next(c for c, a, b in zip(cols["levels"], t["path"], path_ids, strict=True) if a != b)
        here, before = " / ".join(filter(None, path_ids)), " / ".join(filter(None, t["path"]))
        problems.add(
            f"{table.place(row, col)}: territory {t_id} is under {here or 'nothing'} here "
            f"but {before or 'nothing'} on row {t['path_row']}."
        )
        return
    for i, node in enumerate(path_ids):
        col = cols["levels"][i]
        if not node:
            above = [j for j in range(i + 1, len(path_ids)) if path_ids[j]]
            if above:
                where = table.place(row, cols["levels"][above[0]])
                problems.add(f"{where}: a {levels[above[0] + 1]} without a {levels[i + 1]}.")
                return
            continue
        level = levels[i + 1]
        parent = next((p for p in path_ids[i + 1 : i + 2] if p), None)
        known = new_nodes.get(node) or existing.get(node)
        if known is not None and known.get("level") != level:
            what = f"{node!r} is a {known.get('level')}, not a {level}"
            problems.add(f"{table.place(row, col)}: {what}.")
            return
        entry = new_nodes.get(node)
        if entry is None:
            entry = {"level": level, "name": node, "parent": parent, "row": row}
            name_col = cols["level_names"][i]
            if name_col is not None and cells[name_col]:
                entry["name"] = cells[name_col]
            new_nodes[node] = entry
        elif parent and not entry.get("parent"):
            entry["parent"] = parent
        elif parent and entry["parent"] != parent:
            problems.add(
                f"{table.place(row, cols['levels'][i + 1])}: {level} {node} is in {parent} here "
                f"but in {entry['parent']} on row {entry['row']}."
            )
