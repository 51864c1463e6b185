"""``performance``, ``import-sales``, ``plan-start`` and ``quota``: sales figures over time."""

from __future__ import annotations

import argparse
import json
import math

from territory_designer.commands.common import load, out_path, save_project_file
from territory_designer.core.errors import InputError

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"import-sales", "plan-start", "quota"})


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the performance commands."""
    p = sub.add_parser(
        "performance", help="revenue, growth, customers, retention and quota per period"
    )
    p.add_argument("project")
    p.add_argument("--period", choices=("month", "quarter", "year"), default="month")
    p.add_argument(
        "--by",
        default="territory",
        help="territory (default), rep, or a level of the hierarchy (district, region, ...)",
    )
    p.add_argument(
        "--plans",
        choices=("active", "in-force"),
        default="active",
        help="count every order line under the active plan (default), or under the plan "
        "in force at the time (plans dated with plan-start)",
    )
    p.add_argument("--plan", help="plan to use as the active plan")
    p.add_argument(
        "--score",
        action="append",
        default=[],
        metavar="FIELD",
        help="account field (satisfaction, NPS) averaged per territory; repeatable",
    )
    p.add_argument("--last", type=int, metavar="N", help="print only the last N periods")
    p.add_argument("--excel", metavar="X.xlsx", help="write the figures by quarter to Excel")
    p.add_argument("--pdf", metavar="X.pdf", help="write the charts by quarter to a PDF")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_performance)

    p = sub.add_parser("import-sales", help="import order lines (account, date, amount)")
    p.add_argument("project")
    p.add_argument("file", help="workbook or text file, one row per order line")
    p.add_argument("--sheet")
    p.add_argument("--header-row", type=int)
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="map account_id, order_date, revenue or product_line to a column; repeatable",
    )
    p.add_argument("--strict", action="store_true", help="refuse the file on any bad cell")
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.add_argument("--dry-run", action="store_true", help="report only, save nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_import_sales)

    p = sub.add_parser("plan-start", help="record the day a plan came into force")
    p.add_argument("project")
    p.add_argument("plan")
    p.add_argument("date", help="YYYY-MM-DD")
    p.set_defaults(handler=run_plan_start)

    p = sub.add_parser("quota", help="set annual quotas per territory (ID=AMOUNT)")
    p.add_argument("project")
    p.add_argument("quotas", nargs="*", metavar="ID=AMOUNT", help="ID= removes a quota")
    p.add_argument("--clear", action="store_true", help="remove every quota")
    p.set_defaults(handler=run_quota)


def _number(value: float | None, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:+.1f}%" if pct else f"{value:,.0f}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def run_performance(args: argparse.Namespace) -> int:
    """Print the performance table."""
    from territory_designer.core.attribution import level_key
    from territory_designer.core.performance import group_scores, project_performance

    project = load(args.project, args.plan)
    table = project_performance(project, args.period, args.by, args.plans)
    rows = table.rows()
    periods = table.periods
    if args.last:
        shown = set(periods[-args.last :])
        rows = [r for r in rows if r["period"] in shown]
    scores = group_scores(project, table.attribution, args.score) if args.score else []
    written = _write_reports(project, args)
    if args.json:
        out = {
            "period": args.period,
            "level": args.by,
            "basis": args.plans,
            "basis_statement": table.attribution.statement,
            "quota_source": table.quota_source,
            "periods": periods,
            "rows": rows,
            "scores": scores,
            "notes": table.notes,
            "written": written,
        }
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    for note in table.notes:
        print(note)
    print(f"Quota: {table.quota_source}.")
    key = level_key(args.by)
    print(
        f"{args.by:<14} {'period':<8} {'revenue':>12} {'growth':>8} {'YoY':>8} {'cust':>5} "
        f"{'new':>4} {'lost':>4} {'retain':>7} {'per rep':>10} {'attain':>7}"
    )
    for r in rows:
        print(
            f"{str(r[key])[:14]:<14} {r['period']:<8} {_number(r['revenue']):>12} "
            f"{_number(r['growth_pct'], True):>8} {_number(r['yoy_pct'], True):>8} "
            f"{r['customers']:>5} {_number(r['new_customers']):>4} "
            f"{_number(r['lost_customers']):>4} {_share(r['retention_pct']):>7} "
            f"{_number(r['revenue_per_rep']):>10} {_share(r['attainment_pct']):>7}"
        )
    for s in scores:
        mean = "—" if s["mean"] is None else f"{s['mean']:.2f}"
        print(f"{s[key]}: mean {s['field']} {mean} over {s['accounts']} accounts")
    for path in written:
        print(f"wrote {path}")
    return 0


def _write_reports(project: object, args: argparse.Namespace) -> list[str]:
    """The Excel and PDF performance reports asked for (by quarter, the active plan)."""
    if not (args.excel or args.pdf):
        return []
    from territory_designer.io.atomic import atomic_target
    from territory_designer.reports.performance_report import (
        performance_pages,
        performance_section,
        write_performance_sheets,
    )
    from territory_designer.reports.registry import PAPER_SIZES

    section = performance_section(project)
    written = []
    if args.excel:
        import openpyxl

        target = out_path(args.excel)
        wb = openpyxl.Workbook()
        write_performance_sheets(wb, section)
        wb.remove(wb.worksheets[0])
        with atomic_target(target) as tmp:
            wb.save(tmp)
        written.append(str(target))
    if args.pdf:
        from matplotlib.backends.backend_pdf import PdfPages

        target = out_path(args.pdf)
        with atomic_target(target) as tmp, PdfPages(tmp) as pdf:
            for fig in performance_pages(section, PAPER_SIZES["a4"]):
                pdf.savefig(fig)
        written.append(str(target))
    return written


def _save(project: object, args: argparse.Namespace) -> str | None:
    return None if getattr(args, "dry_run", False) else save_project_file(project, args)


def run_import_sales(args: argparse.Namespace) -> int:
    """Read order lines and store them in the project (replacing earlier ones)."""
    from territory_designer.core.history_operations import ReplaceOrderLines
    from territory_designer.io.sales_import import read_sales

    project = load(args.project)
    mapping: dict[str, str | None] = {}
    for item in args.map:
        field, sep, column = item.partition("=")
        if not sep:
            raise InputError(f"--map {item!r}: give FIELD=COLUMN.")
        mapping[field.strip()] = column.strip() or None
    result = read_sales(project, args.file, args.sheet, mapping, args.header_row, args.strict)
    project.apply(ReplaceOrderLines(result.lines))
    saved = _save(project, args)
    summary = {**result.summary(), "saved_to": saved}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    s = summary
    print(
        f"{s['file']}: {s['lines']:,} order lines, {s['accounts']:,} accounts, "
        f"{s['first_month']} to {s['last_month']}, revenue {s['revenue']:,.2f}"
    )
    if s["unknown_accounts"]:
        print(
            f"  {s['unknown_accounts']:,} accounts are not in the project "
            f"(revenue {s['unknown_revenue']:,.2f}): their lines count for no territory"
        )
    for text in s["issues"][:20]:
        print(f"  {text}")
    for note in s["notes"]:
        print(f"  note: {note}")
    print(f"  saved to {saved}" if saved else "  (not saved: --dry-run)")
    return 0


def run_plan_start(args: argparse.Namespace) -> int:
    """Record a plan's start date (used by ``performance --plans in-force``)."""
    from territory_designer.core.attribution import plan_start_edit

    project = load(args.project)
    project.apply(plan_start_edit(project, args.plan, args.date))
    saved = _save(project, args)
    print(f"Plan {args.plan!r} in force from {args.date}; saved to {saved}")
    return 0


def run_quota(args: argparse.Namespace) -> int:
    """Set, remove or list annual quotas per territory."""
    from territory_designer.core.history_operations import SetSetting
    from territory_designer.core.performance import QUOTAS_KEY, quota_value

    project = load(args.project)
    quotas = {} if args.clear else dict(project.settings.get(QUOTAS_KEY, {}) or {})
    known = {t.id for p in project.plans.values() for t in p.territories.values()}
    for item in args.quotas:
        tid, sep, amount = item.partition("=")
        if not sep:
            raise InputError(f"{item!r}: give TERRITORY_ID=AMOUNT.")
        if tid not in known:
            raise InputError(f"{item!r}: no territory {tid!r} in any plan.")
        value = quota_value(amount, repr(item))
        if value is None:
            quotas.pop(tid, None)
        else:
            quotas[tid] = value
    if args.quotas or args.clear:
        project.apply(SetSetting(QUOTAS_KEY, quotas or None, "Set quotas"))
        _save(project, args)
    for tid, value in sorted(quotas.items()):
        print(f"{tid}: {value:,.2f} a year")
    if not quotas:
        print("No quotas set: attainment is measured against a share of revenue by potential.")
    return 0
