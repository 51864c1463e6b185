"""Performance per territory (rep, region) and period: revenue, growth, customers, quota.

Definitions (each figure is ``NaN`` where it is undefined, ``null`` in JSON):

* ``revenue``: sum of the order lines' amounts in the period;
* ``growth_pct``: revenue against the period before (PoP), ``yoy_pct`` against the same
  period a year before; undefined when that revenue is not positive or before the history;
* ``customers``: accounts with at least one order line in the period;
* ``new_customers``: of those, accounts whose first line in the whole history falls in the
  period (undefined in the history's first period, where every account would be "new");
* ``retention_pct``: customers active in both the previous and this period ÷ customers of
  the group active in the previous period (a customer counts for the group that served it
  in the earlier period, so a re-alignment does not read as lost customers); ``lost`` is
  the previous period's customers not active now;
* ``revenue_per_rep``: revenue ÷ distinct reps (territory owners) of the group;
* ``quota`` and ``attainment_pct``: an annual quota per territory (project setting
  ``quotas``) pro-rated to the period, or, when none is set, the period's total revenue
  shared out in proportion to each group's potential under the active plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.attribution import Attribution, attribute, level_key
from territory_designer.core.errors import InputError
from territory_designer.core.sales_history import (
    PERIOD_MONTHS,
    SalesHistory,
    period_index,
    period_label,
)

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project

#: Project setting: ``{territory id: annual quota}``.
QUOTAS_KEY = "quotas"


def quota_value(text: str, where: str) -> float | None:
    """An annual quota as typed (None for a blank, which removes the quota).

    Raises
    ------
    InputError
        Naming ``where`` when ``text`` is not a number, or is negative or not finite.
    """
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number.") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{where}: a quota is a positive amount, not {text}.")
    return value


#: Periods in a year, per period kind (the lag of year-over-year growth).
PER_YEAR = {k: 12 // m for k, m in PERIOD_MONTHS.items()}


@dataclass
class PerformanceTable:
    """Figures per group (rows of the arrays) and period (columns)."""

    kind: str
    attribution: Attribution
    first_period: int
    revenue: np.ndarray
    customers: np.ndarray
    new_customers: np.ndarray
    lost_customers: np.ndarray
    retained: np.ndarray
    quota: np.ndarray
    quota_source: str
    notes: list[str] = field(default_factory=list)

    @property
    def groups(self) -> list:
        return self.attribution.groups

    @property
    def periods(self) -> list[str]:
        """Period labels in order (``2019-12``, ``2019-Q4``, ``2019``)."""
        n = self.revenue.shape[1]
        return [period_label(self.first_period + k, self.kind) for k in range(n)]

    def growth_pct(self, lag: int = 1) -> np.ndarray:
        """Revenue growth (%) against ``lag`` periods before; NaN where undefined."""
        return _growth(self.revenue, lag)

    def yoy_pct(self) -> np.ndarray:
        """Year-over-year revenue growth (%)."""
        return _growth(self.revenue, PER_YEAR[self.kind])

    def retention_pct(self) -> np.ndarray:
        """Customers kept from the previous period (%); NaN where none were active."""
        out = np.full(self.revenue.shape, np.nan)
        prev = self.customers[:, :-1].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, 1:] = np.where(prev > 0, 100.0 * self.retained[:, 1:] / prev, np.nan)
        return out

    def attainment_pct(self) -> np.ndarray:
        """Revenue as a percentage of quota; NaN without a positive quota."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.quota > 0, 100.0 * self.revenue / self.quota, np.nan)

    def revenue_per_rep(self) -> np.ndarray:
        """Revenue per distinct rep of the group; NaN for a group without a rep."""
        reps = np.array([g.reps for g in self.groups], dtype=float)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(reps > 0, self.revenue / reps, np.nan)

    def rows(self) -> list[dict]:
        """One plain dict per group and period (``None`` where undefined)."""
        key = level_key(self.attribution.level)
        figures = {
            "revenue": self.revenue,
            "growth_pct": self.growth_pct(),
            "yoy_pct": self.yoy_pct(),
            "customers": self.customers,
            "new_customers": self.new_customers,
            "lost_customers": self.lost_customers,
            "retention_pct": self.retention_pct(),
            "revenue_per_rep": self.revenue_per_rep(),
            "quota": self.quota,
            "attainment_pct": self.attainment_pct(),
        }
        out = []
        periods = self.periods
        for g, group in enumerate(self.groups):
            for p, label in enumerate(periods):
                row: dict = {key: group.id, "name": group.name, "period": label}
                for name, values in figures.items():
                    row[name] = _plain(values[g, p], name in _COUNTS)
                out.append(row)
        return out


_COUNTS = frozenset({"customers", "new_customers", "lost_customers"})


def _plain(value: float, count: bool = False) -> float | int | None:
    v = float(value)
    if not np.isfinite(v):
        return None
    return int(round(v)) if count else round(v, 6)


def _growth(revenue: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(revenue.shape, np.nan)
    if lag < revenue.shape[1]:
        prev, now = revenue[:, :-lag], revenue[:, lag:]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, lag:] = np.where(prev > 0, 100.0 * (now - prev) / prev, np.nan)
    return out


def summarise(
    history: SalesHistory,
    attribution: Attribution,
    kind: str = "month",
    annual_quota: np.ndarray | None = None,
    potential: np.ndarray | None = None,
) -> PerformanceTable:
    """Figures per group and period from order lines and their groups.

    Parameters
    ----------
    history : SalesHistory
        The order lines.
    attribution : Attribution
        Group per line (:func:`territory_designer.core.attribution.attribute`).
    kind : {"month", "quarter", "year"}
        Period length.
    annual_quota : numpy.ndarray, optional
        Annual quota per group (NaN: none); pro-rated to the period.
    potential : numpy.ndarray, optional
        Potential per group: without quotas, each period's total revenue is shared out in
        proportion to it.
    """
    if kind not in PERIOD_MONTHS:
        raise InputError(f"Period {kind!r}: choose month, quarter or year.")
    if not len(history):
        raise InputError("The order lines hold no dated amount: nothing to summarise.")
    n_groups = len(attribution.groups)
    per = period_index(history.month, kind)
    first = int(per.min())
    p = (per - first).astype(np.int64)
    n_periods = int(p.max()) + 1
    g = attribution.line_group.astype(np.int64)
    a = history.account.astype(np.int64)
    n_accounts = int(history.account_ids.size)
    inside = g >= 0
    cell = g[inside] * n_periods + p[inside]
    size = max(n_groups * n_periods, 1)
    revenue = np.bincount(cell, weights=history.amount[inside], minlength=size)
    # Distinct (group, period, account) and (account, period) pairs.
    gpa = np.unique(cell * n_accounts + a[inside])
    g_cell, g_acct = gpa // n_accounts, gpa % n_accounts
    customers = np.bincount(g_cell, minlength=size)
    ap = np.unique(a * n_periods + p)
    first_period = np.full(n_accounts, n_periods, dtype=np.int64)
    np.minimum.at(first_period, ap // n_periods, ap % n_periods)
    g_per = g_cell % n_periods
    new = np.bincount(g_cell[first_period[g_acct] == g_per], minlength=size).astype(float)
    # Retained: active for the group in p-1 and active anywhere in p (counted at p).
    nxt = g_acct * n_periods + g_per + 1
    kept = (g_per + 1 < n_periods) & np.isin(nxt, ap, assume_unique=False)
    retained = np.bincount(g_cell[kept] + 1, minlength=size + 1)[:size]
    shape = (n_groups, n_periods)
    revenue, customers = revenue[:size].reshape(shape), customers[:size].reshape(shape)
    new, retained = new.reshape(shape), retained.reshape(shape).astype(float)
    new[:, 0] = np.nan
    retained[:, 0] = np.nan
    lost = np.full(shape, np.nan)
    lost[:, 1:] = customers[:, :-1] - retained[:, 1:]
    quota, source = _quota(revenue, kind, annual_quota, potential)
    notes = _notes(history, inside, attribution)
    return PerformanceTable(
        kind, attribution, first, revenue, customers, new, lost, retained, quota, source, notes
    )


def _quota(
    revenue: np.ndarray, kind: str, annual: np.ndarray | None, potential: np.ndarray | None
) -> tuple[np.ndarray, str]:
    if annual is not None and np.isfinite(annual).any():
        share = PERIOD_MONTHS[kind] / 12.0
        return np.repeat(annual[:, None] * share, revenue.shape[1], axis=1), "set quotas"
    if potential is not None and np.nansum(potential) > 0:
        weights = np.nan_to_num(potential) / np.nansum(potential)
        return weights[:, None] * revenue.sum(axis=0)[None, :], (
            "derived: each period's revenue shared by potential under the active plan"
        )
    return np.full(revenue.shape, np.nan), "none (no quotas set, no potential field)"


def _notes(history: SalesHistory, inside: np.ndarray, attribution: Attribution) -> list[str]:
    notes = [f"Figures: {attribution.statement}."]
    out = ~inside
    if out.any():
        notes.append(
            f"{int(out.sum()):,} order lines ({history.amount[out].sum():,.2f}) count for no "
            "territory: their account is unknown to the project, unlocated or unassigned."
        )
    if history.skipped:
        notes.append(f"{history.skipped:,} order lines without a date or amount left out.")
    return notes


def group_quotas_and_potential(
    project: Project, attribution: Attribution
) -> tuple[np.ndarray, np.ndarray | None]:
    """Annual quota per group (sum of its territories' set quotas; NaN: none set) and
    potential per group under the active plan (None without a potential field)."""
    quotas = project.settings.get(QUOTAS_KEY, {}) or {}
    n = len(attribution.groups)
    annual = np.full(n, np.nan)
    for k, group in enumerate(attribution.groups):
        values = [float(quotas[t]) for t in group.territories if t in quotas]
        if values:
            annual[k] = sum(values)
    potential = None
    table = project.accounts.table
    if "potential" in table.columns:
        pot = np.nan_to_num(table["potential"].to_numpy(dtype=float))
        code = attribution.account_group
        ok = code >= 0
        potential = np.bincount(code[ok], weights=pot[ok], minlength=n)
    return annual, potential


def project_performance(
    project: Project,
    kind: str = "month",
    level: str = "territory",
    basis: str = "active",
    history: SalesHistory | None = None,
    plan: Plan | None = None,
) -> PerformanceTable:
    """The performance table of a project's order lines (see the module notes);
    ``plan`` stands in for the active plan."""
    history = history if history is not None else SalesHistory.of_project(project)
    attribution = attribute(project, history, level, basis, plan)
    annual, potential = group_quotas_and_potential(project, attribution)
    return summarise(history, attribution, kind, annual, potential)


def group_scores(project: Project, attribution: Attribution, fields: list[str]) -> list[dict]:
    """Mean of account score fields (satisfaction, NPS) per group under the active plan."""
    table = project.accounts.table
    key = level_key(attribution.level)
    out = []
    for f in fields:
        if f not in table.columns:
            raise InputError(
                f"No account field {f!r} to average (account fields: "
                f"{', '.join(map(str, table.columns))})."
            )
        values = np.asarray(table[f].to_numpy(), dtype=float)
        code = attribution.account_group
        ok = (code >= 0) & np.isfinite(values)
        n = len(attribution.groups)
        count = np.bincount(code[ok], minlength=n)
        total = np.bincount(code[ok], weights=values[ok], minlength=n)
        for k, group in enumerate(attribution.groups):
            out.append(
                {
                    key: group.id,
                    "field": f,
                    "mean": float(total[k] / count[k]) if count[k] else None,
                    "accounts": int(count[k]),
                }
            )
    return out


#: Words that mark an account field as a qualitative score (averaged, never summed).
SCORE_WORDS = ("nps", "csat", "satisfaction", "score")


def score_fields(project: Project) -> list[str]:
    """Numeric account fields named like a satisfaction or NPS score."""
    return [
        f
        for f in project.accounts.numeric_fields()
        if any(w in str(f).lower() for w in SCORE_WORDS)
    ]
