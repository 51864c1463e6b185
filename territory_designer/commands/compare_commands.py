"""``compare``: what changes from one plan to another (moves, territories, disruption)."""

from __future__ import annotations

import argparse
import json

from territory_designer.commands.common import load, out_path
from territory_designer.core.formatting import field_label

#: Moved units listed in the text output (all are in --json, --excel and --pdf).
TEXT_MOVES = 20


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register ``compare``."""
    p = sub.add_parser("compare", help="compare two plans: moves, territories, disruption")
    p.add_argument("project")
    p.add_argument("plan_a", metavar="PLAN_A", help="the plan before (e.g. the baseline)")
    p.add_argument("plan_b", metavar="PLAN_B", help="the plan after")
    p.add_argument("--field", help="figure moves are weighed in (default: revenue if any)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--excel", metavar="X.xlsx", help="write the comparison workbook")
    p.add_argument("--pdf", metavar="X.pdf", help="write the comparison PDF")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    p.set_defaults(handler=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    """Print (and optionally write) the comparison of two plans."""
    from territory_designer.core.comparison import compare_plans
    from territory_designer.reports.comparison_export import (
        disruption_rows,
        write_comparison_pdf,
        write_comparison_xlsx,
    )

    project = load(args.project)
    c = compare_plans(project, args.plan_a, args.plan_b, args.field)
    written = []
    if args.excel:
        written.append(write_comparison_xlsx(c, out_path(args.excel, "workbook")))
    if args.pdf:
        written.append(write_comparison_pdf(c, out_path(args.pdf, "PDF"), args.paper))
    if args.json:
        data = c.to_dict()
        data["written"] = [str(p) for p in written]
        print(json.dumps(data, indent=2))
        return 0
    v = field_label(c.value_field)
    print(f"Changes from {c.plan_a!r} to {c.plan_b!r} (weighed in {v})")
    for label, value, pct in disruption_rows(c):
        share = "" if pct is None else f" ({pct:.1f}%)"
        print(f"  {label}: {value:,.0f}{share}")
    before = v[:12] + " before"
    print(f"  {'id':<6}{'name':<24}{'units':>14}{before:>20}{'after':>12}{'change':>12}")
    value = c.value_field if f"{c.value_field}_before" in c.territories else "accounts"
    for r in c.territories.to_dict(orient="records"):
        units = f"{r['units_before']:,.0f} -> {r['units_after']:,.0f}"
        print(
            f"  {r['territory'][:5]:<6}{r['name'][:23]:<24}{units:>14}"
            f"{r[f'{value}_before']:>20,.0f}{r[f'{value}_after']:>12,.0f}"
            f"{r[f'{value}_change']:>+12,.0f}"
        )
    if len(c.units):
        print(f"  units moved{' (first 20)' if len(c.units) > TEXT_MOVES else ''}:")
        for r in c.units.head(TEXT_MOVES).to_dict(orient="records"):
            print(
                f"    {r['unit_id']} {r['unit_name']}: {r['from_name'] or '(unassigned)'} -> "
                f"{r['to_name'] or '(unassigned)'} ({r['reason']})"
            )
    for path in written:
        print(f"Wrote {path}")
    return 0
