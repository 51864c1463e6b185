"""Hard territory rules (constraints) a project may set, and how a plan is checked against them.

The rules live in ``project.settings["constraints"]`` (all keys optional; an old project
without them has no rule)::

    {"stay_within": "state",              # units of a territory share this unit field
     "licensed_states_field": "licences", # territory/rep attribute: "NC;SC"
     "state_field": "state",              # unit field giving the unit's state
     "max_accounts": 120,                 # at most this many accounts per territory
     "max_distance_km": 150.0,            # from the territory's home base
     "within_level": "district",          # build/rebalance inside each district
     "soft_targets": [{"metric": "revenue", "min": ..., "max": ..., "ideal": ...,
                       "weight": 1.0}]}

Licences are attributes of a territory (``settings["territory_attributes"][territory id]``)
or of its rep (``settings["rep_attributes"][owner]``), the territory's own value first.

The same checks serve painting (:func:`screen_assignment`: which units may join a
territory, and why not), the engine (:func:`territory_designer.balance.rules_repair.
forbidden_matrix`) and reports (:func:`check_plan`). Soft targets are in
:mod:`territory_designer.core.soft_targets`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_designer.core.errors import EditError
from territory_designer.core.plan import UNASSIGNED, Plan, Territory

if TYPE_CHECKING:
    from territory_designer.core.project import Project

CONSTRAINTS_KEY = "constraints"
TERRITORY_ATTRIBUTES_KEY = "territory_attributes"
REP_ATTRIBUTES_KEY = "rep_attributes"
_SPLIT = re.compile(r"[;,|/\s]+")


class ConstraintError(EditError):
    """An edit that would break one of the project's hard rules (the message says which)."""


@dataclass
class Constraints:
    """The project's rules, read from its settings (see the module docstring)."""

    stay_within: str | None = None
    licensed_states_field: str | None = None
    state_field: str | None = None
    max_accounts: int | None = None
    max_distance_km: float | None = None
    soft_targets: list[dict[str, Any]] = field(default_factory=list)
    #: Hierarchy level (``"district"``) whose nodes build and rebalance keep units inside.
    within_level: str | None = None

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Constraints:
        """The rules of a settings dict (absent or empty keys: no rule)."""
        raw = settings.get(CONSTRAINTS_KEY) or {}
        max_accounts = raw.get("max_accounts")
        distance = raw.get("max_distance_km")
        return cls(
            stay_within=raw.get("stay_within") or None,
            licensed_states_field=raw.get("licensed_states_field") or None,
            state_field=raw.get("state_field") or None,
            max_accounts=int(max_accounts) if max_accounts not in (None, "") else None,
            max_distance_km=float(distance) if distance not in (None, "") else None,
            soft_targets=list(raw.get("soft_targets") or []),
            within_level=raw.get("within_level") or None,
        )

    @property
    def licences_apply(self) -> bool:
        """True when both the licence attribute and the unit state field are set."""
        return bool(self.licensed_states_field and self.state_field)

    @property
    def any_hard(self) -> bool:
        """True when at least one hard rule is set."""
        return bool(
            self.stay_within
            or self.licences_apply
            or self.max_accounts is not None
            or self.max_distance_km is not None
        )


def constraints_of(project: Project) -> Constraints:
    """The project's rules."""
    return Constraints.from_settings(project.settings)


def territory_attribute(project: Project, territory: Territory, name: str) -> Any:
    """A territory's attribute ``name``: its own value, else its rep's, else None."""
    own = (project.settings.get(TERRITORY_ATTRIBUTES_KEY) or {}).get(territory.id) or {}
    if own.get(name) not in (None, ""):
        return own[name]
    rep = (project.settings.get(REP_ATTRIBUTES_KEY) or {}).get(territory.owner or "") or {}
    value = rep.get(name)
    return None if value in (None, "") else value


def parse_states(value: Any) -> set[str]:
    """``"NC; SC"`` → ``{"NC", "SC"}`` (case kept, blanks dropped)."""
    if value is None:
        return set()
    items = value if isinstance(value, list | tuple | set) else _SPLIT.split(str(value))
    return {str(s).strip() for s in items if str(s).strip()}


def licensed_states(project: Project, territory: Territory | None) -> set[str] | None:
    """States a territory's rep may work in; None when no licence rule applies to it
    (the rule is off, or the territory and its rep list no state: a vacant territory)."""
    rules = constraints_of(project)
    if territory is None or not rules.licences_apply:
        return None
    states = parse_states(territory_attribute(project, territory, rules.licensed_states_field))
    return states or None


def unit_text(project: Project, name: str) -> np.ndarray:
    """Unit attribute ``name`` as text per unit (KeyError naming the field when absent)."""
    # Painting asks at every brush move: keep the text per units layer (layers are
    # replaced, never changed in place, so the layer's identity is the key).
    cache = project.__dict__.setdefault("_rule_unit_text", {})
    hit = cache.get(name)
    if hit is not None and hit[0] is project.units and hit[2] is project.units.attributes:
        return hit[1]
    attrs = project.units.attributes
    if name not in attrs.columns:
        raise EditError(
            f"The rules name unit field {name!r}, which the units layer does not have "
            f"(it has: {', '.join(map(str, attrs.columns)) or 'none'})."
        )
    text = attrs[name].astype(str).str.strip().to_numpy(dtype=object)
    cache[name] = (project.units, text, attrs)
    return text


def unit_text_if_any(project: Project, name: str | None) -> np.ndarray | None:
    """Unit attribute ``name`` as text, or None when the layer lacks it: a rule naming a
    field the units do not have (a template made for other data) does not apply."""
    if not name or name not in project.units.attributes.columns:
        return None
    return unit_text(project, name)


def inactive_rules(project: Project) -> list[str]:
    """Rules that name a unit field the layer does not have (so they do not apply)."""
    rules = constraints_of(project)
    out = []
    for key in ("stay_within", "state_field"):
        name = getattr(rules, key)
        if name and unit_text_if_any(project, name) is None:
            out.append(f"{key} names unit field {name!r}, which the units layer does not have")
    return out


def _home_distance_km(project: Project, units: np.ndarray, home: tuple[float, float]) -> np.ndarray:
    from territory_designer.core.geodesy import distance_matrix

    xy = project.units.centroid[units]
    return distance_matrix(xy, np.asarray([home], dtype=float), project.units.crs)[:, 0] / 1000


def within_value(project: Project, plan: Plan, code: int, field_values: np.ndarray) -> str | None:
    """The ``stay_within`` value a territory holds: that of most of its units (None empty)."""
    units = plan.units_of(code)
    if units.size == 0:
        return None
    values, counts = np.unique(field_values[units].astype(str), return_counts=True)
    return str(values[int(np.argmax(counts))])


def screen_assignment(
    project: Project, units: np.ndarray, code: int, plan: Plan | None = None
) -> tuple[np.ndarray, str | None]:
    """Which of ``units`` may join territory ``code`` without breaking a rule.

    Parameters
    ----------
    project : Project
        Its rules and figures.
    units : numpy.ndarray
        Unit indices about to be assigned to ``code``.
    code : int
        The receiving territory (``-1`` unassigns: always allowed).
    plan : Plan, optional
        The plan edited (the active plan by default).

    Returns
    -------
    (numpy.ndarray, str or None)
        A mask over ``units`` of those allowed, and why the others are refused.
    """
    plan = plan or project.plan
    units = np.asarray(units, dtype=np.int64)
    ok = np.ones(units.size, dtype=bool)
    if code == UNASSIGNED or units.size == 0 or code not in plan.territories:
        return ok, None
    rules = constraints_of(project)
    if not rules.any_hard:
        return ok, None
    t = plan.territories[code]
    reasons: list[str] = []
    values = unit_text_if_any(project, rules.stay_within)
    if values is not None:
        held = within_value(project, plan, code, values)
        held = held if held is not None else str(values[units[0]])
        bad = values[units] != held
        if bad.any():
            ok &= ~bad
            other = sorted(set(values[units[bad]].tolist()))
            reasons.append(
                f"{t.name} stays within {rules.stay_within} {held}; "
                f"{int(bad.sum())} unit(s) are in {', '.join(other[:5])}"
            )
    states = licensed_states(project, t)
    unit_states = unit_text_if_any(project, rules.state_field)
    if states is not None and unit_states is not None:
        bad = ~np.isin(unit_states[units], list(states)) & ok
        if bad.any():
            ok &= ~bad
            other = sorted(set(unit_states[units[bad]].tolist()))
            who = t.owner or t.name
            reasons.append(
                f"{who} is licensed only in {', '.join(sorted(states))}; "
                f"{int(bad.sum())} unit(s) are in {', '.join(other[:5])}"
            )
    if rules.max_distance_km is not None and t.home_base is not None and ok.any():
        d = _home_distance_km(project, units, t.home_base)
        bad = (d > rules.max_distance_km) & ok
        if bad.any():
            ok &= ~bad
            reasons.append(
                f"{int(bad.sum())} unit(s) lie more than {rules.max_distance_km:g} km from "
                f"{t.name}'s home base (farthest {float(d[bad].max()):,.0f} km)"
            )
    if rules.max_accounts is not None and ok.any():
        ok &= _fits_accounts(project, plan, units, code, ok, rules.max_accounts, t, reasons)
    return ok, ("; ".join(reasons) + ".") if reasons else None


def _fits_accounts(
    project: Project,
    plan: Plan,
    units: np.ndarray,
    code: int,
    ok: np.ndarray,
    limit: int,
    t: Territory,
    reasons: list[str],
) -> np.ndarray:
    """Mask of ``units`` (already ``ok``) that fit under the account limit, in order."""
    per_unit = unit_accounts(project)
    metrics = project.metrics if plan is project.plan else project.metrics_for(plan)
    have = metrics.values("accounts").get(code, 0.0)
    incoming = np.where(ok & (plan.assignment[units] != code), per_unit[units], 0.0)
    fits = have + np.cumsum(incoming) <= limit + 1e-9
    bad = ok & ~fits
    if bad.any():
        reasons.append(
            f"{t.name} may hold at most {limit:,} accounts (it holds {have:,.0f}; "
            f"{int(bad.sum())} unit(s) would take it over)"
        )
    return fits


def unit_accounts(project: Project) -> np.ndarray:
    """Accounts located in each unit."""
    from territory_designer.core.project import ACCOUNTS_FIELD

    return project.weights[:, project.weight_fields.index(ACCOUNTS_FIELD)]


@dataclass
class Violation:
    """A territory that breaks a rule."""

    rule: str
    territory: str
    units: int
    message: str


def check_plan(project: Project, plan: Plan | None = None) -> list[Violation]:
    """Every hard rule a plan breaks, territory by territory (empty when all hold)."""
    plan = plan or project.plan
    rules = constraints_of(project)
    out: list[Violation] = []
    if not rules.any_hard:
        return out
    all_values = unit_text_if_any(project, rules.stay_within)
    all_states = unit_text_if_any(project, rules.state_field)
    for code, t in plan.territories.items():
        units = plan.units_of(code)
        if all_values is not None and units.size:
            values = all_values[units]
            found = sorted(set(values.tolist()))
            if len(found) > 1:
                held = within_value(project, plan, code, all_values)
                n = int((values != held).sum())
                out.append(
                    Violation(
                        "stay_within",
                        t.id,
                        n,
                        f"{t.name} crosses {rules.stay_within}: {', '.join(found[:6])}",
                    )
                )
        states = licensed_states(project, t)
        if states is not None and all_states is not None and units.size:
            unit_states = all_states[units]
            bad = ~np.isin(unit_states, list(states))
            if bad.any():
                where = ", ".join(sorted(set(unit_states[bad].tolist()))[:6])
                out.append(
                    Violation(
                        "licensed_states",
                        t.id,
                        int(bad.sum()),
                        f"{t.owner or t.name} is licensed in {', '.join(sorted(states))} "
                        f"but {t.name} holds {int(bad.sum())} unit(s) in {where}",
                    )
                )
        if rules.max_distance_km is not None and t.home_base is not None and units.size:
            d = _home_distance_km(project, units, t.home_base)
            bad = d > rules.max_distance_km
            if bad.any():
                out.append(
                    Violation(
                        "max_distance",
                        t.id,
                        int(bad.sum()),
                        f"{t.name} holds {int(bad.sum())} unit(s) more than "
                        f"{rules.max_distance_km:g} km from its home base",
                    )
                )
    from territory_designer.core.pin_rules import pin_violations

    out += pin_violations(project, plan)
    if rules.max_accounts is not None:
        metrics = project.metrics if plan is project.plan else project.metrics_for(plan)
        for code, value in metrics.values("accounts").items():
            if value > rules.max_accounts + 1e-9:
                t = plan.territories[code]
                out.append(
                    Violation(
                        "max_accounts",
                        t.id,
                        0,
                        f"{t.name} holds {value:,.0f} accounts (at most {rules.max_accounts:,})",
                    )
                )
    return out


def set_constraints(project: Project, **changes: Any) -> dict[str, Any]:
    """Change rules in the project's settings (None removes one); returns the new rules.

    Checks that named unit fields exist, so a typo is refused at once.
    """
    current = dict(project.settings.get(CONSTRAINTS_KEY) or {})
    for key, value in changes.items():
        if key not in Constraints.__dataclass_fields__:
            raise EditError(f"Unknown rule {key!r}.")
        if key in ("stay_within", "state_field") and value:
            unit_text(project, value)
        if key == "within_level" and value:
            from territory_designer.core.hierarchy import level_index

            if level_index(project, value) == 0:
                raise EditError("Build inside a level above the territories (a district).")
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    Constraints.from_settings({CONSTRAINTS_KEY: current})  # refuses bad numbers
    project.settings[CONSTRAINTS_KEY] = current
    project.events.emit("settings_changed", key=CONSTRAINTS_KEY)
    project._touch()
    return current


def set_licences(project: Project, who: str, states: str, by_rep: bool = True) -> None:
    """Record the states a rep (or a territory id, ``by_rep=False``) is licensed in."""
    rules = constraints_of(project)
    name = rules.licensed_states_field or "licensed_states"
    key = REP_ATTRIBUTES_KEY if by_rep else TERRITORY_ATTRIBUTES_KEY
    table = project.settings.setdefault(key, {})
    table.setdefault(who, {})[name] = ";".join(sorted(parse_states(states)))
    project.events.emit("settings_changed", key=key)
    project._touch()
