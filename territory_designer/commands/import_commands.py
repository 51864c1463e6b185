"""``import-accounts`` and ``import-units``: bring customer lists and more geography in."""

from __future__ import annotations

import argparse
import json

from territory_designer.commands.common import load, out_path
from territory_designer.core.errors import InputError

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"import-accounts", "import-units"})


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the import commands."""
    p = sub.add_parser("import-accounts", help="import a customer list (xlsx, xls, csv, txt)")
    p.add_argument("project")
    p.add_argument("file", help="workbook or text file")
    p.add_argument("--sheet", help="sheet name (default: the first holding a table)")
    p.add_argument("--header-row", type=int, help="row number of the header (0: no header)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="map a field (id or account_id, name, latitude, longitude, postal_code, city, "
        "state, country, revenue, potential, visits_per_year, segment, product_line, owner, "
        "order_date) to a column; FIELD= unmaps it; repeatable",
    )
    p.add_argument("--aggregate-by", metavar="COLUMN", help="one row per order: group by COLUMN")
    p.add_argument(
        "--agg",
        action="append",
        default=[],
        metavar="COLUMN=RULE",
        help="with --aggregate-by: combine COLUMN by sum, mean (revenue-weighted), first or "
        "ignore instead of the rule its header suggests; repeatable",
    )
    p.add_argument(
        "--sites",
        action="store_true",
        help="with --aggregate-by: one account per customer and location (postal code, else "
        "coordinates, else city) instead of one per customer at its largest-revenue location",
    )
    p.add_argument(
        "--replace-all",
        action="store_true",
        help="accept a file that locates nothing although it removes every existing account",
    )
    p.add_argument("--gazetteer", metavar="CSV", help="extra postal centroids: postal_code,lat,lon")
    p.add_argument("--keep-removed", action="store_true", help="keep accounts absent from FILE")
    p.add_argument("--strict", action="store_true", help="refuse the file on any bad row")
    p.add_argument("--unlocated", metavar="X.xlsx", help="write the unlocated rows to Excel")
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.add_argument("--dry-run", action="store_true", help="report only, save nothing")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(handler=run_import_accounts)
    p = sub.add_parser("import-units", help="add units from a second polygon layer")
    p.add_argument("project")
    p.add_argument("file", help="GeoPackage, shapefile (also .zip), GeoJSON…")
    p.add_argument("--id-field", required=True)
    p.add_argument("--name-field")
    p.add_argument("--layer")
    p.add_argument(
        "--crs",
        help="CRS of the layer, e.g. EPSG:4326: sets a missing one or overrides a wrong .prj",
    )
    p.add_argument("--skip-empty", action="store_true", help="leave out features with no shape")
    p.add_argument(
        "--id-prefix",
        default="",
        metavar="P",
        help="put P in front of every new unit id (when ids clash with the project's)",
    )
    p.add_argument(
        "--replace-covered",
        action="store_true",
        help="where new units overlap existing ones, the new win: units covered 90%% or more "
        "are removed, others cut back, their accounts and territories go to the new units",
    )
    p.add_argument(
        "--allow-overlaps", action="store_true", help="accept new units that overlap each other"
    )
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_import_units)


#: Short names accepted by ``--map`` (the wizard and the README call it the id column).
FIELD_ALIASES = {"id": "account_id"}


def _mapping(pairs: list[str]) -> dict[str, str | None] | None:
    from territory_designer.io.accounts_import import FIELDS

    if not pairs:
        return None
    mapping: dict[str, str | None] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field = FIELD_ALIASES.get(field.strip(), field.strip())
        if not sep or not field:
            raise InputError(f"--map {pair!r}: write FIELD=COLUMN (or FIELD= to unmap).")
        if field not in FIELDS:
            raise InputError(
                f"--map {pair!r}: unknown field {field!r}; fields: {', '.join(FIELDS)}"
            )
        mapping[field] = column.strip() or None
    return mapping


def _aggregation(pairs: list[str], aggregate_by: str | None, sites: bool) -> dict[str, str]:
    from territory_designer.io.accounts_import.column_kinds import parse_aggregation_overrides

    if (pairs or sites) and not aggregate_by:
        flag = "--agg" if pairs else "--sites"
        raise InputError(f"{flag} needs --aggregate-by COLUMN (the customer column).")
    try:
        return parse_aggregation_overrides(pairs)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def run_import_accounts(args: argparse.Namespace) -> int:
    """Import accounts into a project and save it."""
    from territory_designer.io.accounts_import import (
        RepeatedIdsError,
        WouldRemoveAllError,
        export_unlocated,
        import_accounts,
    )
    from territory_designer.io.geography import accounts_in_overlaps, overlap_accounts_line
    from territory_designer.io.project_file import save_project

    target = out_path(args.out, "project file") if args.out else args.project
    aggregation = _aggregation(args.agg, args.aggregate_by, args.sites)
    project = load(args.project)
    try:
        report = import_accounts(
            project,
            args.file,
            sheet=args.sheet,
            mapping=_mapping(args.map),
            aggregate_by=args.aggregate_by,
            header_row=args.header_row,
            strict=args.strict,
            keep_removed=args.keep_removed,
            gazetteer_csv=args.gazetteer,
            aggregation=aggregation,
            sites=args.sites,
            replace_all=args.replace_all,
        )
    except RepeatedIdsError as exc:
        raise InputError(f"{exc} Use --aggregate-by {_quoted(exc.column)}.") from None
    except WouldRemoveAllError as exc:
        raise InputError(f"{exc} To import it anyway, add --replace-all.") from None
    if args.unlocated:
        export_unlocated(report, out_path(args.unlocated, ".xlsx file"))
    saved = None
    if not args.dry_run:
        save_project(project, target)
        saved = str(target)
    in_overlaps = accounts_in_overlaps(project)
    if args.json:
        data = {**report.to_dict(), "saved_to": saved}
        if in_overlaps is not None:
            data["accounts_in_overlaps"] = in_overlaps
        print(json.dumps(data, indent=2, default=str))
    else:
        for line in report.summary_lines():
            print(line)
        for line in _issue_lines(report.issues):
            print(line)
        if in_overlaps:
            print(overlap_accounts_line(in_overlaps))
        if report.multi_location and not report.sites:
            print("(--sites imports one account per customer and location)")
        print(f"saved to {saved}" if saved else "(not saved: --dry-run)")
    return 0


#: Cell problems printed under the summary (``--json`` lists the first 100).
ISSUES_SHOWN = 10


def _issue_lines(issues: list) -> list[str]:
    """The first cell problems, each with its row and column, so a terminal user sees
    which totals row was left out or which amount was blank, not only how many."""
    lines = [
        f"  row {i.row}" + (f", column {i.column!r}" if i.column else "") + f": {i.message}"
        for i in issues[:ISSUES_SHOWN]
    ]
    if len(issues) > ISSUES_SHOWN:
        lines.append(f"  ... and {len(issues) - ISSUES_SHOWN:,} more (--json lists up to 100)")
    return lines


def _quoted(column: str) -> str:
    return f'"{column}"' if " " in column else column


def run_import_units(args: argparse.Namespace) -> int:
    """Add units from a second layer and save the project."""
    from territory_designer.io.field_names import renaming_note
    from territory_designer.io.project_file import save_project
    from territory_designer.io.units_import import add_units

    target = out_path(args.out, "project file") if args.out else args.project
    project = load(args.project)
    new_project, report = add_units(
        project,
        args.file,
        args.id_field,
        args.name_field,
        args.layer,
        args.crs,
        args.skip_empty,
        id_prefix=args.id_prefix,
        replace_covered=args.replace_covered,
        allow_overlaps=args.allow_overlaps,
    )
    save_project(new_project, target)
    data = {
        "added": report.added,
        "repaired": report.repaired,
        "skipped_empty": report.skipped_empty,
        "accounts_joined": report.accounts_joined,
        "replaced": report.replaced,
        "trimmed": report.trimmed,
        "accounts_moved": report.accounts_moved,
        "renamed": report.renamed,
        "units": len(new_project.units),
        "saved_to": str(target),
    }
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(f"{report.summary(len(new_project.units))}; saved to {target}")
        for line in renaming_note(report.renamed, "Unit attributes"):
            print(line)
    return 0
