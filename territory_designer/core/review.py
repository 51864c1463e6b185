"""The monthly review: which territories drifted out of band in a period.

Checked per territory of the active plan, for the review period:

* revenue: sales in the year to the period (12 months, 4 quarters or 1 year) against the
  mean territory, out of band when more than ``band`` (10 %) off;
* workload and potential (account or unit fields, when the project has them): the
  territory's total against the mean, same band;
* retention: the period's retention more than ``retention_drop`` points below the
  territory's mean over the year before.

The proposal that fixes the drift is built by :mod:`territory_designer.balance.review`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.errors import InputError
from territory_designer.core.performance import PER_YEAR, PerformanceTable, project_performance
from territory_designer.core.sales_history import SalesHistory, parse_period, period_label

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Account field the review stores: each account's sales in the year to the period.
YEAR_SALES_FIELD = "sales_12m"
STATIC_FIELDS = ("workload", "potential")


@dataclass
class Drift:
    """One territory out of band on one measure."""

    territory_id: str
    name: str
    measure: str
    value: float
    reference: float
    deviation_pct: float
    message: str


@dataclass
class Review:
    """Everything the review pack shows (plain data, no engine objects)."""

    project_title: str
    period: str
    kind: str
    band: float
    plan: str
    territories: list[dict]
    drifts: list[Drift]
    notes: list[str] = field(default_factory=list)
    proposal_plan: str | None = None
    proposal_message: str = ""
    balance_on: str | None = None
    moves: list[dict] = field(default_factory=list)
    curve: list[dict] = field(default_factory=list)
    trajectory: dict[str, list[float]] = field(default_factory=dict)
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)

    @property
    def drifted(self) -> list[str]:
        """Territory ids with at least one drift, in table order."""
        seen = {d.territory_id for d in self.drifts}
        return [t["territory_id"] for t in self.territories if t["territory_id"] in seen]

    def to_dict(self) -> dict:
        """JSON-ready figures."""
        from dataclasses import asdict

        out = asdict(self)
        out["drifted"] = self.drifted
        return out


def year_sales_per_account(
    project: Project, history: SalesHistory, kind: str, period: int
) -> np.ndarray:
    """Each project account's sales in the year to ``period`` (0 without lines)."""
    import pandas as pd

    from territory_designer.core.sales_history import period_index

    per = period_index(history.month, kind)
    recent = (per <= period) & (per > period - PER_YEAR[kind])
    sums = np.bincount(
        history.account[recent], weights=history.amount[recent], minlength=history.account_ids.size
    )
    row = pd.Index(history.account_ids).get_indexer(project.accounts.table["account_id"])
    return np.where(row >= 0, sums[np.maximum(row, 0)], 0.0)


def _band_drifts(
    ids: list[str], names: list[str], values: np.ndarray, measure: str, band: float, what: str
) -> list[Drift]:
    mean = float(values.mean()) if values.size else 0.0
    out = []
    if mean <= 0:
        return out
    for tid, name, v in zip(ids, names, values, strict=True):
        dev = 100.0 * (v - mean) / mean
        if abs(dev) > 100.0 * band:
            out.append(
                Drift(
                    tid,
                    name,
                    measure,
                    float(v),
                    mean,
                    dev,
                    f"{what} {v:,.0f} is {dev:+.0f}% from the mean territory ({mean:,.0f}); "
                    f"band ±{100 * band:.0f}%",
                )
            )
    return out


def find_drift(
    project: Project, period: str, band: float = 0.10, retention_drop: float = 10.0
) -> Review:
    """Territories of the active plan out of band in ``period`` (``2026-11``)."""
    index, kind = parse_period(period)
    history = SalesHistory.of_project(project)
    table = project_performance(project, kind, history=history)
    labels = table.periods
    label = period_label(index, kind)
    if label not in labels:
        raise InputError(
            f"No order lines in {label}: the history runs from {labels[0]} to {labels[-1]}."
        )
    p = labels.index(label)
    year = PER_YEAR[kind]
    groups = table.groups
    ids = [g.id for g in groups]
    names = [g.name for g in groups]
    year_sales = table.revenue[:, max(0, p - year + 1) : p + 1].sum(axis=1)
    drifts = _band_drifts(ids, names, year_sales, "revenue", band, f"Sales in the year to {label}")
    metric_values = {}
    for f in STATIC_FIELDS:
        if f in project.weight_fields:
            values = project.metrics.values(f)
            per_id = {project.plan.territories[c].id: v for c, v in values.items()}
            col = np.array([per_id.get(t, 0.0) for t in ids])
            metric_values[f] = col
            drifts += _band_drifts(ids, names, col, f, band, f.capitalize())
    retention = table.retention_pct()
    drifts += _retention_drifts(table, p, retention, retention_drop)
    territories = _territory_rows(table, p, year_sales, retention, metric_values)
    notes = list(table.notes)
    if p + 1 < year:
        notes.append(
            f"The history starts {p + 1} period(s) before {label}: 'year' sales cover only those."
        )
    return Review(
        project_title=str(project.settings.get("title") or getattr(project.path, "stem", "")),
        period=label,
        kind=kind,
        band=band,
        plan=project.plan.name,
        territories=territories,
        drifts=drifts,
        notes=notes,
    )


def _retention_drifts(
    table: PerformanceTable, p: int, retention: np.ndarray, drop: float
) -> list[Drift]:
    out = []
    year = PER_YEAR[table.kind]
    for g, group in enumerate(table.groups):
        now = retention[g, p]
        before = retention[g, max(1, p - year) : p]
        before = before[np.isfinite(before)]
        if not np.isfinite(now) or not before.size:
            continue
        ref = float(before.mean())
        if now < ref - drop:
            out.append(
                Drift(
                    group.id,
                    group.name,
                    "retention",
                    float(now),
                    ref,
                    float(now - ref),
                    f"Retention {now:.0f}% is {ref - now:.0f} points below its mean of the "
                    f"year before ({ref:.0f}%)",
                )
            )
    return out


def _territory_rows(
    table: PerformanceTable,
    p: int,
    year_sales: np.ndarray,
    retention: np.ndarray,
    metric_values: dict[str, np.ndarray],
) -> list[dict]:
    growth = table.growth_pct()
    mean = year_sales.mean() if year_sales.size else 0.0
    rows = []
    for g, group in enumerate(table.groups):
        row = {
            "territory_id": group.id,
            "name": group.name,
            "revenue": float(table.revenue[g, p]),
            "growth_pct": _finite(growth[g, p]),
            "year_sales": float(year_sales[g]),
            "year_sales_dev_pct": _finite(100 * (year_sales[g] - mean) / mean) if mean else None,
            "customers": int(table.customers[g, p]),
            "retention_pct": _finite(retention[g, p]),
        }
        for f, col in metric_values.items():
            row[f] = float(col[g])
        rows.append(row)
    return rows


def _finite(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def year_sales_edit(project: Project, period: str) -> object:
    """The edit storing each account's sales in the year to ``period`` as the account field
    ``sales_12m`` (a metric to rebalance on); undoable like an import."""
    from territory_designer.core.account_operations import ReplaceAccounts
    from territory_designer.core.accounts import AccountTable

    index, kind = parse_period(period)
    history = SalesHistory.of_project(project)
    table = project.accounts.table.copy()
    table[YEAR_SALES_FIELD] = year_sales_per_account(project, history, kind, index)
    return ReplaceAccounts(
        AccountTable(table),
        project.transactions,
        f"Store sales in the year to {period_label(index, kind)}",
    )
