"""The tables every report renders, built once from the core model.

:func:`build_report_data` takes a snapshot of one plan — its territory figures
(``Project.territory_table``), plan-level figures (``Project.summary``), unit and account
assignments and the comparison with the baseline plan — so that exporters render plain
tables and never touch the live project (which the user may keep editing).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.core import units as unit_layer
from territory_designer.core.account_territories import account_codes, territory_attribute
from territory_designer.core.formatting import field_label
from territory_designer.core.metrics import PlanSummary
from territory_designer.core.plan import Plan
from territory_designer.reports.comparison import comparison_plan
from territory_designer.reports.rules_tables import add_hierarchy_and_rules
from territory_designer.reports.workload_sheet import full_time_hours, workload_figures

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Unit attribute names taken for a postal code (CRM territory rules key on it).
POSTAL_NAMES = ("postal_code", "postcode", "zip", "zipcode", "zip_code", "zcta", "plz", "cp")
#: territory_table columns that are not figures.
_ID_COLUMNS = ("code", "id", "name", "owner", "locked", "color", "definition")


def plan_view(project: Project, plan_name: str | None) -> Project:
    """The project seen through plan ``plan_name``, without switching the active plan.

    A shallow copy whose metrics belong to that plan: no event is emitted and the
    user's project is left as it is.
    """
    if plan_name is None or plan_name == project.active_plan_name:
        return project
    view = copy.copy(project)
    view.active_plan_name = plan_name
    view.metrics = project.metrics_for(project.plans[plan_name])
    return view


def postal_column(attributes: pd.DataFrame) -> str | None:
    """Name of the unit attribute holding a postal code, if any."""
    lower = {str(c).lower(): c for c in attributes.columns}
    for name in POSTAL_NAMES:
        if name in lower:
            return lower[name]
    return None


@dataclass
class Changes:
    """What moved between the baseline plan and the reported plan."""

    baseline: str
    units: pd.DataFrame
    accounts: pd.DataFrame
    by_territory: pd.DataFrame
    value_field: str
    units_moved: int = 0
    accounts_moved: int = 0
    value_moved: float = 0.0


@dataclass
class ReportData:
    """A snapshot of one plan, as tables (see module docstring)."""

    project_title: str
    plan_name: str
    date: dt.date
    template: str | None
    balance_field: str
    summary: PlanSummary
    territories: pd.DataFrame
    metric_fields: list[str]
    units: pd.DataFrame
    accounts: pd.DataFrame
    changes: Changes | None
    assignment: np.ndarray
    account_code: np.ndarray
    account_xy: np.ndarray
    geometry: np.ndarray
    lod: tuple[np.ndarray, np.ndarray]
    crs: object
    extent: float
    colors: dict[int, str] = field(default_factory=dict)
    #: The display levels may part neighbours: layers over
    #: :data:`~territory_designer.core.units.LARGE_LAYER_UNITS` units have them simplified
    #: polygon by polygon, so territories are dissolved from ``geometry`` (:meth:`shapes`).
    lod_parts_neighbours: bool = False
    #: The balance criterion as stated in reports (with the plan's tolerance when built).
    criterion: str = ""
    _shapes: dict[str, dict[int, object]] = field(default_factory=dict, repr=False)
    #: Hierarchy levels above the territories present as columns (reports.rules_tables).
    hierarchy: list[str] = field(default_factory=list)
    #: Figures rolled up per hierarchy level, and the plan's rule checks (or None).
    rollups: dict[str, pd.DataFrame] = field(default_factory=dict)
    rule_checks: dict | None = None
    #: Workload per territory (reports.workload_sheet) when the project has a model.
    workload: pd.DataFrame | None = None
    full_time_hours: float = 1200.0

    @property
    def mean_value(self) -> float:
        """Mean of the balance field over the territories."""
        vals = self.territories[self.balance_field]
        return float(vals.mean()) if len(vals) else 0.0

    def _tolerance_figure(self) -> list[tuple[str, object, str]]:
        """The tolerance the plan was built or rebalanced within (none for a hand-made one)."""
        tol = self.summary.tolerance_pct
        return [] if tol is None else [("Tolerance", f"±{tol:g}%", "text")]

    def _pieces_figures(self) -> list[tuple[str, object, str]]:
        """Why a plan is not contiguous: territories in pieces, island or avoidable pieces."""
        s = self.summary
        if s.contiguous:
            return []
        return [
            ("Territories in several pieces", s.territories_in_pieces, "int"),
            ("Island pieces (cannot be joined)", s.island_pieces, "int"),
            ("Avoidable extra pieces", s.extra_pieces, "int"),
        ]

    def figures(self) -> list[tuple[str, object, str]]:
        """Plan-level figures as (label, value, kind); kind is int, pct, ratio or text."""
        s = self.summary
        rows: list[tuple[str, object, str]] = [
            ("Territories", s.territories, "int"),
            ("Balance criterion", field_label(self.balance_field), "text"),
            *self._tolerance_figure(),
            ("Mean per territory", self.mean_value, "float"),
            ("Max |deviation|", s.max_abs_deviation_pct / 100, "pct"),
            (
                "Deviation range",
                f"from {s.min_deviation_pct:+.1f}% to {s.max_deviation_pct:+.1f}%",
                "text",
            ),
            ("Coefficient of variation", s.cv, "ratio"),
            ("Contiguous", "yes" if s.contiguous else "no", "text"),
            *self._pieces_figures(),
            ("Compactness (mean Polsby-Popper)", s.pp_mean, "ratio"),
            ("Compactness (min Polsby-Popper)", s.pp_min, "ratio"),
            ("Unassigned units", s.unassigned_units, "int"),
        ]
        if self.changes is not None:
            c = self.changes
            rows += [
                (f"Units moved vs {c.baseline}", c.units_moved, "int"),
                (f"Accounts moved vs {c.baseline}", c.accounts_moved, "int"),
                (f"{field_label(c.value_field)} moved", c.value_moved, "float"),
            ]
        return rows

    def shapes(self, detail: str = "coarse") -> dict[int, object]:
        """Dissolved territory polygons by code (``coarse`` or ``fine`` display detail).

        The units' display level of that detail is dissolved, except on layers whose
        levels part neighbours (:attr:`lod_parts_neighbours`): dissolving those would
        leave a sliver or a speck at every unit edge (measured on 29,380 ZIP areas
        simplified that way, 20 territories: 7,177 pieces and 5,725 holes instead of 81
        and 25), so the exact polygons are dissolved and the territories are then
        simplified together, as a coverage, to the level's tolerance.
        """
        if detail not in self._shapes:
            if self.lod_parts_neighbours:
                self._shapes[detail] = self._simplified_exact_shapes(detail)
            else:
                geoms = self.lod[0] if detail == "coarse" else self.lod[1]
                self._shapes[detail] = dissolve(geoms, self.assignment, list(self.colors))
        return self._shapes[detail]

    def _simplified_exact_shapes(self, detail: str) -> dict[int, object]:
        """Territories dissolved from the exact polygons, simplified to ``detail``."""
        from territory_designer.core.units import LOD_FRACTIONS, simplify_coverage

        if "exact" not in self._shapes:
            self._shapes["exact"] = dissolve(self.geometry, self.assignment, list(self.colors))
        exact = self._shapes["exact"]
        fraction = LOD_FRACTIONS[0 if detail == "coarse" else 1]
        shapes = np.empty(len(exact), dtype=object)
        shapes[:] = list(exact.values())
        return dict(zip(exact, simplify_coverage(shapes, self.extent * fraction), strict=True))


def dissolve(geoms: np.ndarray, assignment: np.ndarray, codes: list[int]) -> dict[int, object]:
    """Union of the units of each territory code (empty territories are left out)."""
    import shapely

    order = np.argsort(assignment, kind="stable")
    sorted_codes = assignment[order]
    out: dict[int, object] = {}
    for code in codes:
        lo, hi = np.searchsorted(sorted_codes, [code, code + 1])
        if hi <= lo:
            continue
        part = geoms[order[lo:hi]]
        try:
            shape = shapely.coverage_union_all(part)
            if not shape.is_valid:
                raise ValueError("not a coverage")
        except Exception:  # noqa: BLE001 - simplified shapes that overlap: plain union
            shape = shapely.union_all(shapely.make_valid(part))
        out[code] = shape
    return out


def _reasons(project: Project, plan_name: str, unit_ids: np.ndarray) -> list[str]:
    """Why each unit moved: from the change log (core.change_log.move_reasons)."""
    from territory_designer.core.change_log import move_reasons

    reasons = move_reasons(project, plan_name)
    other = reasons.get("*", "")
    return [reasons.get(str(u), other) for u in unit_ids]


def _changes(project: Project, plan: Plan, field_name: str) -> Changes | None:
    base = comparison_plan(project, plan)  # the baseline, else the previous plan
    if base is None:
        return None
    units = project.units
    if field_name not in project.weight_fields:
        # A weighted mix is no column of its own: moves are counted in its first part.
        parts = [f for f in project.weight_fields if f in str(field_name).lower()]
        field_name = parts[0] if parts else project.weight_fields[0]
    k = project.weight_fields.index(field_name)
    old_ids, new_ids = base.territory_ids(), plan.territory_ids()
    moved = np.flatnonzero(old_ids != new_ids)
    u = pd.DataFrame(
        {
            "unit_id": units.ids[moved],
            "unit_name": units.names[moved],
            "from_territory": old_ids[moved],
            "from_name": territory_attribute(base, base.assignment[moved], "name"),
            "to_territory": new_ids[moved],
            "to_name": territory_attribute(plan, plan.assignment[moved], "name"),
            field_name: project.weights[moved, k],
            "reason": _reasons(project, plan.name, units.ids[moved]),
        }
    )
    table = project.accounts.table
    old_c, new_c = account_codes(project, base), account_codes(project, plan)
    old_a, new_a = territory_attribute(base, old_c, "id"), territory_attribute(plan, new_c, "id")
    am = np.flatnonzero(old_a != new_a)
    a = pd.DataFrame(
        {
            "account_id": table["account_id"].to_numpy()[am],
            "account_name": table["name"].astype(str).to_numpy()[am],
            "from_territory": old_a[am],
            "from_name": territory_attribute(base, old_c[am], "name"),
            "to_territory": new_a[am],
            "to_name": territory_attribute(plan, new_c[am], "name"),
            field_name: project.account_weights[am, k] if len(table) else np.zeros(0),
        }
    )
    flows = []
    for t in plan.territories.values():
        gained = u[u["to_territory"] == t.id]
        lost = u[u["from_territory"] == t.id]
        flows.append(
            {
                "territory": t.id,
                "territory_name": t.name,
                "units_gained": len(gained),
                "units_lost": len(lost),
                f"{field_name}_gained": float(gained[field_name].sum()),
                f"{field_name}_lost": float(lost[field_name].sum()),
                f"{field_name}_net": float(gained[field_name].sum() - lost[field_name].sum()),
            }
        )
    return Changes(
        baseline=base.name,
        units=u,
        accounts=a,
        by_territory=pd.DataFrame(flows),
        value_field=field_name,
        units_moved=len(u),
        accounts_moved=len(a),
        value_moved=float(u[field_name].sum()),
    )


def build_report_data(project: Project, plan_name: str | None = None) -> ReportData:
    """Snapshot plan ``plan_name`` (default: the active plan) of ``project`` as tables."""
    view = plan_view(project, plan_name)
    plan = view.plan
    bf = view.balance_field
    terr = view.territory_table()
    if len(terr):
        terr["target"] = [plan.territories[c].target for c in terr["code"]]
    metric = [f for f in view.weight_fields if f not in ("units", "accounts")]
    kpis = [f for f in project.settings.get("report_kpis") or [] if f in metric]
    metric = kpis + [f for f in metric if f not in kpis]  # a template's KPIs first
    units = project.units
    codes = plan.assignment.copy()
    udf = pd.DataFrame({"unit_id": units.ids, "unit_name": units.names})
    pc = postal_column(units.attributes)
    if pc is not None:
        udf["postal_code"] = units.attributes[pc].astype(str).to_numpy()
    udf["territory"] = plan.territory_ids()
    udf["territory_name"] = territory_attribute(plan, codes, "name")
    udf["owner"] = territory_attribute(plan, codes, "owner")
    udf["locked"] = plan.locked_units.copy()
    for f in units.numeric_fields():
        udf[f] = units.attributes[f].to_numpy()
    table = project.accounts.table
    acode = account_codes(project, plan)
    unit_idx = table["unit"].to_numpy(dtype=np.int64)
    ok = unit_idx >= 0
    adf = pd.DataFrame(
        {
            "account_id": table["account_id"].to_numpy(),
            "account_name": table["name"].astype(str).to_numpy(),
            "unit_id": np.where(ok, units.ids[np.where(ok, unit_idx, 0)], ""),
            "unit_name": np.where(ok, units.names[np.where(ok, unit_idx, 0)], ""),
            "territory": territory_attribute(plan, acode, "id"),
            "territory_name": territory_attribute(plan, acode, "name"),
            "owner": territory_attribute(plan, acode, "owner"),
            "located_by": _how_located(table["located_by"].astype(str).to_numpy(), ok),
            "pinned": table["account_id"].isin(list(plan.account_overrides)).to_numpy(),
        }
    )
    report_columns = [str(c) for c in project.settings.get("report_columns") or []]
    for extra in ("postal_code", "city", "segment", *report_columns):  # a template's too
        if extra in table.columns and extra not in adf.columns:
            if pd.api.types.is_numeric_dtype(table[extra]):
                continue  # numeric fields follow below
            adf[extra] = table[extra].astype(str).to_numpy()
    for f in project.accounts.numeric_fields():
        adf[f] = table[f].to_numpy()
    title = project.settings.get("title") or (project.path.stem if project.path else "")
    data = ReportData(
        project_title=str(title or "Territory plan"),
        plan_name=plan.name,
        date=dt.date.today(),
        template=project.settings.get("template"),
        balance_field=bf,
        summary=view.summary(),
        territories=terr,
        metric_fields=metric,
        units=udf,
        accounts=adf,
        changes=_changes(project, plan, bf),
        assignment=codes,
        account_code=acode,
        account_xy=project.accounts.xy if len(table) else np.zeros((0, 2)),
        geometry=units.geometry,
        lod=units.lod,
        lod_parts_neighbours=len(units) > unit_layer.LARGE_LAYER_UNITS,
        crs=units.crs,
        extent=units.extent,
        colors={c: t.color for c, t in plan.territories.items()},
        criterion=view.balance_criterion(),
    )
    data.workload = workload_figures(view, plan)
    data.full_time_hours = full_time_hours(view)
    return add_hierarchy_and_rules(data, view, plan)


def _how_located(located_by: np.ndarray, in_unit: np.ndarray) -> np.ndarray:
    """How each account was located; an account whose point lies outside every unit says
    so (its method alone, "coordinates" beside a blank unit, reads as located)."""
    return np.where(
        in_unit,
        located_by,
        np.where(
            located_by == "",
            "not located",
            np.char.add(located_by.astype(str), ", outside every unit"),
        ),
    ).astype(object)
