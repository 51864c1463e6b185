"""Who the territories of a build are: pairing with the plan in force, reps, ids, colours.

A build continues the active plan: each new territory is paired with the active one it
shares most accounts with, a rep's home base counting for more than all of them
(:func:`pair_with_active`), and may take that territory's id, name, rep and colour
(:func:`new_territories`); the notes say how moves were counted and which reps were left
without a territory or with their home outside it.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.balance.project_inputs import unit_field
from territory_designer.balance.quality import pair_territories
from territory_designer.core.accounts import locate_points
from territory_designer.core.colors import neighbour_distinct_colors
from territory_designer.core.plan import Plan, Territory

if TYPE_CHECKING:
    from territory_designer.core.project import Project


def pairing_note(plan_name: str, reps: bool, inherited: bool) -> str:
    """The note saying how units and accounts moved were counted against ``plan_name``."""
    if reps:
        how = "each rep's new territory compared with their territory there"
    elif inherited:
        how = (
            "each new territory taking the name, rep and colour of the territory whose rep's "
            "home it holds, or else that it shares most accounts with"
        )
    else:
        how = "each new territory paired with the territory it shares most accounts with"
    return f"Units and accounts moved are counted against the plan '{plan_name}', {how}."


def pair_with_active(
    project: Project, carried: list[int], continues: list[int], labels: np.ndarray
) -> dict[int, int]:
    """Active plan's territory code -> the new territory index continuing it.

    Pairs share as many accounts as possible, and a rep's home base counts for more than
    all of them: the new territory around a rep's home goes to that rep when it can.
    """
    fixed = {c: i for i, c in enumerate(carried)}
    fixed.update({c: len(carried) + j for j, c in enumerate(continues)})
    accounts = unit_field(project, "accounts")
    kept = np.ones(len(labels)) * 1e-3  # units break ties, and pair account-less layers
    if accounts is not None:
        kept = kept + accounts
    old = project.plan.assignment
    homes = home_units(project, project.plan)
    if homes:  # one extra "unit" per rep: their old territory, their home's new territory
        codes, units = np.array(list(homes)), np.array(list(homes.values()))
        old = np.r_[old, codes]
        labels = np.r_[labels, labels[units]]
        kept = np.r_[kept, np.full(len(units), kept.sum() + 1.0)]
    return pair_territories(old, labels, kept, fixed)


def home_units(project: Project, plan: Plan) -> dict[int, int]:
    """Territory code -> the unit holding its home base (the nearest unit when none does)."""
    codes = [c for c, t in sorted(plan.territories.items()) if t.home_base]
    if not codes:
        return {}
    xy = np.array([plan.territories[c].home_base for c in codes], dtype=float)
    units = locate_points(xy, project.units.geometry)
    for i in np.flatnonzero(units < 0):
        units[i] = int(np.argmin(np.hypot(*(project.units.centroid - xy[i]).T)))
    return dict(zip(codes, units.tolist(), strict=True))


def rep_notes(project: Project, plan: Plan, inherit: dict[int, Territory]) -> list[str]:
    """Reps of the active plan left without a territory, or whose home is outside theirs."""
    active = project.plan
    kept = {id(t) for t in inherit.values()}
    # Locked territories are carried into the new plan as they are: never "dropped".
    dropped = [
        t for t in active.territories.values() if t.owner and not t.locked and id(t) not in kept
    ]
    notes = []
    if dropped:
        notes.append(
            "Without a territory in the new plan: "
            + ", ".join(f"{t.name} ({t.owner})" for t in dropped)
            + "."
        )
    homes = home_units(project, plan)
    away = [
        f"{t.name} ({t.owner or t.id})"
        for c, t in sorted(plan.territories.items())
        if c in homes and plan.assignment[homes[c]] != c
    ]
    if away:
        notes.append(f"Home base outside its territory: {', '.join(away)}.")
    return notes


def new_territories(
    project: Project,
    k: int,
    carried: list[int],
    labels: np.ndarray,
    inherit: dict[int, Territory],
    home: np.ndarray | None,
) -> dict[int, Territory]:
    """Territories of a build: carried ones as they were, inherited identities, new ones.

    Colours stay where they can (carried, then inherited, unless two neighbours would
    share one); the rest are picked to differ from their neighbours. New territories are
    numbered ``T01``... by position, or, next to inherited ones, with the lowest free
    numbers.
    """
    active = project.plan
    adj = project.adjacency
    colors = neighbour_distinct_colors(
        labels,
        adj.ei,
        adj.ej,
        k,
        fixed={i: active.territories[c].color for i, c in enumerate(carried)},
        preferred={i: t.color for i, t in inherit.items()},
    )
    fixed = {i: active.territories[c].id for i, c in enumerate(carried)}
    fixed.update({i: t.id for i, t in inherit.items()})
    # With inherited identities, a new T04 must not pose as the active plan's T04.
    avoid = {t.id for t in active.territories.values()} if inherit else None
    slots = numbered_slots(k, fixed, avoid)
    territories: dict[int, Territory] = {}
    for i, (tid, default_name) in enumerate(slots):
        if i < len(carried):
            territories[i] = replace(copy.deepcopy(active.territories[carried[i]]), id=tid)
        elif i in inherit:
            t = copy.deepcopy(inherit[i])
            territories[i] = replace(t, id=tid, locked=False, target=None, color=colors[i])
        else:
            territories[i] = Territory(id=tid, name=default_name, color=colors[i])
            if home is not None:
                territories[i].home_base = (float(home[i, 0]), float(home[i, 1]))
    return territories


def numbered_slots(
    k: int, fixed: dict[int, str], avoid: set[str] | None = None
) -> list[tuple[str, str]]:
    """Id and default name of each of the ``k`` territories of a build, in build order.

    This is the one rule for naming the territories a build makes (the engine and the
    front ends' capacity lists both use it).

    Parameters
    ----------
    k : int
        Number of territories.
    fixed : dict of int to str
        Positions whose territory keeps an id (carried over or inherited).
    avoid : set of str, optional
        Ids new territories must not take. Without it, a new territory is numbered by its
        position (``T03`` third); with it, new territories take the lowest free numbers.

    Returns
    -------
    list of (id, name)
        ``("T03", "Territory 03")`` for a new territory (``name`` is ``""`` for fixed
        positions). An id already taken by an earlier position gets a suffix: a carried
        ``T03`` makes the new third territory ``T03-2``.
    """
    free_numbers = (n for n in range(1, 10_000) if avoid is None or f"T{n:02d}" not in avoid)
    slots = []
    for i in range(k):
        if i in fixed:
            slots.append((fixed[i], ""))
        else:
            number = next(free_numbers) if avoid is not None else i + 1
            slots.append((f"T{number:02d}", f"Territory {number:02d}"))
    used: set[str] = set()
    for i, (tid, name) in enumerate(slots):
        base, n = tid, 2
        while tid in used:
            tid, n = f"{base}-{n}", n + 1
        used.add(tid)
        slots[i] = (tid, name)
    return slots
