"""The hierarchy and the rules in reports: hierarchy columns on the territory, unit and
account tables (so Excel and every GIS export carry them), roll-up sheets per level, and a
Rules sheet saying which rules and soft targets the plan meets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from openpyxl import Workbook

    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project
    from territory_designer.reports.tables import ReportData


def add_hierarchy_and_rules(data: ReportData, view: Project, plan: Plan) -> ReportData:
    """Add the hierarchy columns, roll-ups and rule checks of ``plan`` to ``data``.

    Nothing is added for a plan without any parent or a project without rules, so
    reports of such projects keep their layout.
    """
    from territory_designer.core.hierarchy import (
        has_hierarchy,
        hierarchy_columns,
        hierarchy_levels,
        rollup,
    )
    from territory_designer.core.rules import check_plan, constraints_of
    from territory_designer.core.soft_targets import check_soft_targets

    if has_hierarchy(view, plan):
        levels = hierarchy_levels(view)[1:]
        cols = hierarchy_columns(view, plan)
        data.hierarchy = [lv for lv in levels if lv not in ("territory", "unit", "owner")]
        t = data.territories
        for lv in data.hierarchy:
            by_code = cols[lv].to_dict()
            if len(t):
                t[lv] = [by_code.get(int(c), "") for c in t["code"]]
            data.units[lv] = _per_code(by_code, data.assignment)
            if len(data.accounts):
                data.accounts[lv] = _per_code(by_code, data.account_code)
        data.rollups = {lv: rollup(view, lv, plan) for lv in data.hierarchy}
    rules = constraints_of(view)
    if rules.any_hard or rules.soft_targets:
        data.rule_checks = {
            "violations": check_plan(view, plan),
            "soft_targets": check_soft_targets(view, plan),
        }
    return data


def node_names(data: ReportData) -> dict[str, dict[str, str]]:
    """Display name of every hierarchy node, by level then node id."""
    out: dict[str, dict[str, str]] = {}
    for level, table in data.rollups.items():
        out[level] = {str(n): str(m) for n, m in zip(table["node"], table["name"], strict=True)}
    return out


def _per_code(by_code: dict[int, str], codes: np.ndarray) -> np.ndarray:
    lookup = np.array([by_code.get(c, "") for c in range(max(by_code, default=0) + 1)] + [""])
    codes = np.asarray(codes, dtype=np.int64)
    return np.where(codes >= 0, lookup[np.clip(codes, 0, lookup.size - 1)], "")


def write_rule_sheets(wb: Workbook, data: ReportData) -> None:
    """One roll-up sheet per hierarchy level and a Rules sheet, when the plan has them."""
    from territory_designer.reports.xlsx_tables import Column, frame_columns, write_table

    for level, table in data.rollups.items():
        frame = table.rename(columns={"node": level, "name": f"{level} name"})
        ws = wb.create_sheet(f"By {level}"[:31])
        write_table(ws, frame_columns(frame))
    checks = data.rule_checks
    if not checks:
        return
    ws = wb.create_sheet("Rules")
    broken = checks["violations"]
    rows = [(v.rule, v.territory, v.message) for v in broken] or [("every rule", "", "holds")]
    last, _ = write_table(
        ws,
        [
            Column("Rule", [r[0] for r in rows]),
            Column("Territory", [r[1] for r in rows]),
            Column("Broken" if broken else "Status", [r[2] for r in rows]),
        ],
    )
    soft = pd.DataFrame([c.as_dict() for c in checks["soft_targets"]])
    if len(soft):
        soft = soft.rename(columns={"miss_pct": "weighted miss %", "met": "met"})
        write_table(ws, frame_columns(soft), row=last + 3, filter_and_freeze=False)
