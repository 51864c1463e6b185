"""The project: units, adjacency, accounts, plans and settings, with change events.

Events (keyword arguments in brackets):

``assignment_changed`` (units, codes)
    Units of the active plan changed territory; ``codes`` are the territories touched.
``territories_changed`` (codes)
    Territory properties changed (name, colour, owner, lock, ...).
``structure_changed`` ()
    Territories were added or removed in the active plan.
``locks_changed`` (units)
    Unit locks changed.
``plan_changed`` ()
    The active plan was switched, or plans were added or removed.
``settings_changed`` (key)
    A project setting changed (for example the balance field).
``accounts_changed`` ()
    The account table was replaced (an import); weights and metrics were rebuilt.
``revision_changed`` (revision)
    Anything changed; the UI uses it for the title bar and autosave.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territory_designer.core.accounts import AVERAGED_FIELDS_KEY, AccountTable
from territory_designer.core.adjacency import Adjacency, min_shared_length
from territory_designer.core.change_log import ChangeLog, record
from territory_designer.core.colors import next_free_color
from territory_designer.core.criterion import criterion_label, parse_mix
from territory_designer.core.errors import EditError
from territory_designer.core.events import EventEmitter
from territory_designer.core.metrics import PlanMetrics, PlanSummary
from territory_designer.core.operations import Operation
from territory_designer.core.plan import UNASSIGNED, Plan, Territory
from territory_designer.core.units import UnitLayer

UNITS_FIELD = "units"
ACCOUNTS_FIELD = "accounts"


class Project:
    """Everything a ``.tdproj`` file holds.

    Parameters
    ----------
    units : UnitLayer
        The polygons.
    adjacency : Adjacency
        Their graph.
    accounts : AccountTable
        Customers located in units.
    plans : list of Plan
        At least one plan.
    active_plan : str, optional
        Name of the active plan (the first plan by default).
    baseline_plan : str, optional
        Plan used for comparisons ("units moved").
    settings : dict, optional
        Free-form project settings; ``balance_field`` names the balanced metric.
    """

    def __init__(
        self,
        units: UnitLayer,
        adjacency: Adjacency,
        accounts: AccountTable | None = None,
        plans: list[Plan] | None = None,
        active_plan: str | None = None,
        baseline_plan: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.units = units
        self.adjacency = adjacency
        adjacency.set_min_shared(min_shared_length(units.crs))
        self.accounts = accounts if accounts is not None else AccountTable.empty()
        plans = plans or [Plan.empty("Plan 1", len(units))]
        for p in plans:
            if p.assignment.size != len(units):
                raise EditError(f"Plan {p.name!r} does not match the units layer.")
        self.plans: dict[str, Plan] = {p.name: p for p in plans}
        self.active_plan_name = active_plan or plans[0].name
        self.baseline_plan_name = baseline_plan
        self.settings: dict[str, Any] = dict(settings or {})
        self.events = EventEmitter()
        self.path: Path | None = None
        #: How the file looked when read or last saved (set by io; a save over the file
        #: refuses when it changed on disk since).
        self.disk_stamp: Any = None
        #: What that file holds, as read or last saved here (set by io: a save rewrites
        #: only what changed, see :mod:`territory_designer.io.file_image`).
        self.file_image: Any = None
        #: Order-level rows kept by the last aggregating import (None if none).
        self.transactions: pd.DataFrame | None = None
        #: Who changed what, when and why (see :mod:`territory_designer.core.change_log`).
        self.change_log = ChangeLog()
        self.revision = 0
        self.saved_revision = 0
        #: (revision, earlier state): an exact undo or redo made this revision's content
        #: that of the earlier state (see :meth:`restore_state`).
        self._same_as: tuple[int, int] | None = None
        #: (plan name, metric) chosen in the view while that plan was active.
        self._shown_field: tuple[str | None, str | None] = (None, None)
        self._build_weights()
        self.settings.setdefault("balance_field", self.default_balance_field())
        self.metrics = self.metrics_for(self.plan)

    # -- weights and metrics ------------------------------------------------------------
    @property
    def averaged_account_fields(self) -> list[str]:
        """Account columns holding averages or rates (a discount): never summed as metrics."""
        return list(self.settings.get(AVERAGED_FIELDS_KEY, []))

    def _build_weights(self) -> None:
        unit_fields = self.units.numeric_fields()
        averaged = set(self.averaged_account_fields)
        acct_fields = [f for f in self.accounts.numeric_fields() if f not in averaged]
        n = len(self.units)
        attrs = self.units.attributes
        per_unit = self.accounts.per_unit(n, acct_fields)  # count, then each field's sum
        account_count = per_unit[:, 0]
        if not len(self.accounts) and ACCOUNTS_FIELD in unit_fields:
            # A layer without an account list may carry its account count per unit.
            account_count = pd.to_numeric(attrs[ACCOUNTS_FIELD], errors="coerce").fillna(0.0)
            unit_fields = [f for f in unit_fields if f != ACCOUNTS_FIELD]
        cols = [np.ones(n), account_count]
        names = [UNITS_FIELD, ACCOUNTS_FIELD]
        for f in unit_fields:
            cols.append(pd.to_numeric(attrs[f], errors="coerce").fillna(0.0))
            names.append(f if f not in names else f"{f} (units layer)")
        for k, f in enumerate(acct_fields):
            cols.append(per_unit[:, 1 + k])
            names.append(f if f not in names else f"{f} (accounts)")
        self.weight_fields: list[str] = names
        # One weight row per account (count 1 plus its numeric fields), for overrides.
        table = self.accounts.table
        self.account_weights = np.zeros((len(table), len(names)))
        self.account_weights[:, 1] = 1.0
        for k, f in enumerate(acct_fields):
            col = 2 + len(unit_fields) + k  # account fields are the last columns
            self.account_weights[:, col] = pd.to_numeric(table[f], errors="coerce").fillna(0.0)
        self.account_index = {a: i for i, a in enumerate(table["account_id"].astype(str))}
        self.weights = np.column_stack([np.asarray(c, dtype=float) for c in cols])
        self.unit_fields = unit_fields
        self.account_fields = acct_fields
        # Product-line fields of overlay plans (``accounts [Devices]``…), last.
        from territory_designer.core.overlays import add_overlay_weights

        add_overlay_weights(self)

    def default_balance_field(self) -> str:
        """Account revenue, workload or potential if present, else account count."""
        for pref in ("workload", "revenue", "potential"):
            if pref in self.weight_fields:
                return pref
        return ACCOUNTS_FIELD if len(self.accounts) else UNITS_FIELD

    def metrics_for(self, plan: Plan) -> PlanMetrics:
        """Fresh metrics of ``plan``, any plan of this project (not only the active one).

        The plan is kept, not copied: edits of it must go through the returned
        :class:`PlanMetrics` to keep its figures in step.
        """
        return PlanMetrics(
            plan,
            self.weights,
            self.weight_fields,
            self.units.area,
            self.units.perimeter,
            self.adjacency,
            self.account_weights,
            self.accounts.table["unit"].to_numpy(dtype=np.int64),
            self.account_index,
        )

    @property
    def plan(self) -> Plan:
        """The active plan."""
        return self.plans[self.active_plan_name]

    @property
    def balance_field(self) -> str:
        """The metric balanced and shown as deviation.

        The metric last chosen while this plan was active, else the criterion the plan was
        built or rebalanced on, else the project's default (a hand-painted plan). A
        weighted mix is named by its key (``"accounts=0.6,revenue=0.4"``).
        """
        shown_plan, shown = self._shown_field
        if shown_plan == self.active_plan_name and self.is_metric(shown):
            return shown
        criterion = self.plan.criterion
        if criterion is not None and self.is_metric(criterion.key):
            return criterion.key
        f = self.settings.get("balance_field", UNITS_FIELD)
        return f if self.is_metric(f) else UNITS_FIELD

    def is_metric(self, key: str | None) -> bool:
        """True for a weight field, or a mix key of weight fields."""
        if not key:
            return False
        mix = parse_mix(key) if key not in self.weight_fields else None
        return key in self.weight_fields or bool(mix) and all(f in self.weight_fields for f in mix)

    def unit_values(self, key: str) -> np.ndarray:
        """Per-unit values of a weight field, or of a mix key (each field as its share of
        the layer's total, times its coefficient, as the engine balances it)."""
        if key in self.weight_fields:
            return self.weights[:, self.weight_fields.index(key)]
        out = np.zeros(len(self.units))
        for name, coef in (parse_mix(key) or {}).items():
            col = np.clip(np.nan_to_num(self.weights[:, self.weight_fields.index(name)]), 0, None)
            if col.sum() > 0:
                out += coef * (col / col.sum())
        return out

    def balance_criterion(self) -> str:
        """The shown metric as reports state it: with the plan's tolerance when the plan was
        balanced on it, else marked as the project's default metric."""
        field = self.balance_field
        criterion = self.plan.criterion
        if criterion is not None and criterion.key == field:
            return criterion.describe()
        return criterion_label(field)

    def set_balance_field(self, field: str) -> None:
        """Choose the metric shown (and the project's default for hand-painted plans)."""
        if not self.is_metric(field):
            raise EditError(f"Unknown metric {field!r}; choose one of {self.weight_fields}.")
        if field in self.weight_fields:
            self.settings["balance_field"] = field
        self._shown_field = (self.active_plan_name, field)
        self.events.emit("settings_changed", key="balance_field")
        self._touch()

    def set_active_plan(self, name: str) -> None:
        """Switch the active plan."""
        if name not in self.plans:
            raise EditError(f"No plan named {name!r}.")
        self.active_plan_name = name
        self.metrics = self.metrics_for(self.plan)
        self.notify_plans()

    def replace_accounts(self, accounts: AccountTable) -> AccountTable:
        """Swap in a complete new account table (an import) and return the old one.

        Weights and metrics are rebuilt; listeners get ``accounts_changed`` and, because
        the metric fields may change, ``settings_changed(key="weight_fields")``.
        """
        old = self.accounts
        self.accounts = accounts
        self._build_weights()
        self.metrics = self.metrics_for(self.plan)
        self.events.emit("accounts_changed")
        self.events.emit("settings_changed", key="weight_fields")
        self._touch()
        return old

    def set_unit_field(self, name: str, values: Any) -> Any:
        """Set a numeric unit attribute (None removes it) and rebuild the metrics.

        Returns the previous column (None when there was none), for undo. Listeners get
        ``settings_changed(key="weight_fields")``: the field is a metric from now on.
        """
        attrs = self.units.attributes
        old = attrs[name].to_numpy().copy() if name in attrs.columns else None
        if values is None:
            self.units.attributes = attrs.drop(columns=[name], errors="ignore")
        else:
            attrs[name] = np.asarray(values, dtype=float)
        self._build_weights()
        self.metrics = self.metrics_for(self.plan)
        self.events.emit("settings_changed", key="weight_fields")
        self._touch()
        return old

    # -- edits --------------------------------------------------------------------------
    def apply(self, op: Operation) -> Operation:
        """Apply an edit, log it in :attr:`change_log`, and return it (for undo)."""
        op.apply(self)
        record(self, op)
        return op

    def default_territory(self) -> Territory:
        """A new territory with a free id, a name and an unused colour."""
        plan = self.plan
        tid = plan.new_territory_id()
        used = {t.color for t in plan.territories.values()}
        return Territory(
            id=tid, name=f"Territory {tid[1:]}", color=next_free_color(used, len(plan.territories))
        )

    # -- notifications (called by operations) -------------------------------------------
    def _touch(self) -> None:
        self.revision += 1
        self.events.emit("revision_changed", revision=self.revision)

    def notify_assignment(self, units: np.ndarray, codes: set[int]) -> None:
        """Tell listeners that units changed territory."""
        self.events.emit("assignment_changed", units=units, codes=codes)
        self._touch()

    def notify_territories(self, codes: list[int]) -> None:
        """Tell listeners that territory properties changed."""
        self.events.emit("territories_changed", codes=codes)
        self._touch()

    def notify_structure(self) -> None:
        """Tell listeners that territories were added or removed."""
        self.events.emit("structure_changed")
        self._touch()

    def notify_locks(self, units: np.ndarray) -> None:
        """Tell listeners that unit locks changed."""
        self.events.emit("locks_changed", units=units)
        self._touch()

    def notify_settings(self, key: str) -> None:
        """Tell listeners that a project setting changed."""
        self.events.emit("settings_changed", key=key)
        self._touch()

    def notify_plans(self) -> None:
        """Tell listeners that the active plan or the plan list changed."""
        self.events.emit("plan_changed")
        self._touch()

    def snapshot(self) -> Project:
        """A copy safe to save on another thread while editing goes on.

        Units, adjacency and accounts are never mutated in place (edits replace them), so
        they are shared; plans and settings are copied. The copy has no listeners.
        """
        snap = copy.copy(self)
        snap.plans = {name: plan.copy(name) for name, plan in self.plans.items()}
        snap.settings = copy.deepcopy(self.settings)
        snap.change_log = self.change_log.copy()
        snap.events = EventEmitter()
        return snap

    @property
    def state(self) -> int:
        """Which content the project holds: the revision, or the earlier state an exact
        undo or redo returned to (so undoing back to the save is not a change)."""
        if self._same_as is not None and self._same_as[0] == self.revision:
            return self._same_as[1]
        return self.revision

    def restore_state(self, state: int) -> None:
        """Record that an exact undo or redo brought the content back to ``state``.

        Parameters
        ----------
        state : int
            A value of :attr:`state` taken when the project held this same content.
        """
        self._same_as = (self.revision, state)
        self.events.emit("revision_changed", revision=self.revision)

    @property
    def is_dirty(self) -> bool:
        """True when the content differs from the last save."""
        return self.state != self.saved_revision

    def mark_saved(self, path: Path) -> None:
        """Record a successful save."""
        self.path = Path(path)
        self.saved_revision = self.state

    # -- reports ------------------------------------------------------------------------
    def territory_table(self, field: str | None = None) -> pd.DataFrame:
        """One row per territory of the active plan with its figures.

        Columns: code, id, name, owner, locked, color, units, accounts, every weight
        field, area_km2, polsby_popper, pieces, extra_pieces, deviation_pct.
        """
        field = field or self.balance_field
        m = self.metrics
        devs = m.deviations(field)
        totals = m.totals()
        mixed = m.values(field) if field not in m.field_names else {}
        rows = []
        for code, t in self.plan.territories.items():
            s = code + 1
            pieces, extra = m.pieces(code)
            row = {
                "code": code,
                "id": t.id,
                "name": t.name,
                "owner": t.owner,
                "locked": t.locked,
                "color": t.color,
                "definition": t.definition,
            }
            for k, f in enumerate(m.field_names):
                row[f] = float(totals[s, k])
            if field not in m.field_names:  # a weighted mix: its share per territory
                row[field] = mixed[code]
            row["units"] = int(m.count[s])
            row["area_km2"] = float(m.area_sum[s] / 1e6)
            row["polsby_popper"] = m.polsby_popper(code)
            row["pieces"] = pieces
            row["extra_pieces"] = extra
            row["deviation_pct"] = devs.get(code, 0.0) * 100
            rows.append(row)
        return pd.DataFrame(rows)

    def summary(self, field: str | None = None) -> PlanSummary:
        """Plan-level figures of the active plan."""
        field = field or self.balance_field
        summary = self.metrics.summary(field)
        criterion = self.plan.criterion
        if criterion is not None and criterion.key == field and criterion.tolerance is not None:
            summary.tolerance_pct = criterion.tolerance * 100
        return summary

    def units_moved_vs_baseline(self) -> int | None:
        """Units whose territory id differs from the baseline plan (None without one)."""
        base = self.plans.get(self.baseline_plan_name or "")
        if base is None or base is self.plan:
            return None
        return int(np.count_nonzero(base.territory_ids() != self.plan.territory_ids()))

    def unassigned_units(self) -> np.ndarray:
        """Indices of units of the active plan that belong to no territory."""
        return np.flatnonzero(self.plan.assignment == UNASSIGNED)
