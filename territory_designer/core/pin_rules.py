"""The project's rules on pinned (named) accounts: a pin places an account regardless of
geography, so the geographic rules (stay within, distance) do not apply to it; the rep's
licence and the account limit do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from territory_designer.core.rules import (
    Violation,
    constraints_of,
    licensed_states,
    unit_text_if_any,
)

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan
    from territory_designer.core.project import Project


def screen_pin(project: Project, account_id: str, code: int) -> str | None:
    """Why pinning an account to territory ``code`` would break a rule (None if it may).

    A pin places a named account regardless of geography, so the geographic rules (stay
    within, distance) do not apply to it; the rep's licence and the account limit do.
    """
    plan = project.plan
    t = plan.territories.get(code)
    if t is None or account_id not in project.account_index:
        return None
    rules = constraints_of(project)
    a = project.account_index[account_id]
    unit = int(project.accounts.table["unit"].iloc[a])
    states = licensed_states(project, t)
    unit_states = unit_text_if_any(project, rules.state_field)
    known = states is not None and unit_states is not None and unit >= 0
    if known and unit_states[unit] not in states:
        who = t.owner or t.name
        return (
            f"{who} is licensed only in {', '.join(sorted(states))}; account "
            f"{account_id} is in {unit_states[unit]}."
        )
    if rules.max_accounts is not None and plan.account_overrides.get(account_id) != code:
        have = project.metrics.values("accounts").get(code, 0.0)
        here = (
            unit >= 0 and plan.assignment[unit] == code and account_id not in plan.account_overrides
        )
        if not here and have + 1 > rules.max_accounts + 1e-9:
            return (
                f"{t.name} may hold at most {rules.max_accounts:,} accounts (it holds {have:,.0f})."
            )
    return None


def pin_violations(project: Project, plan: Plan) -> list[Violation]:
    """Pinned accounts whose territory's rep is not licensed in the account's state."""
    rules = constraints_of(project)
    unit_states = unit_text_if_any(project, rules.state_field)
    if unit_states is None or not rules.licences_apply or not plan.account_overrides:
        return []
    units = project.accounts.table["unit"].to_numpy()
    out = []
    for account_id, code in plan.account_overrides.items():
        t = plan.territories.get(code)
        a = project.account_index.get(account_id)
        states = licensed_states(project, t)
        if a is None or states is None or units[a] < 0 or unit_states[units[a]] in states:
            continue
        out.append(
            Violation(
                "licensed_states",
                t.id,
                0,
                f"{t.owner or t.name} is licensed in {', '.join(sorted(states))} but account "
                f"{account_id} pinned to {t.name} is in {unit_states[units[a]]}",
            )
        )
    return out
