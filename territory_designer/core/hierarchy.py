"""Territory hierarchy: territories grouped into districts, districts into regions, any depth.

Level names come from ``settings["hierarchy_levels"]`` (``["territory", "district",
"region"]`` by default; a template may name more, e.g. ``area``). Each territory stores the
id of its parent at level 1 (:attr:`~territory_designer.core.plan.Territory.parent`);
the nodes above the territories live in ``settings["hierarchy_nodes"]``::

    {"D1": {"level": "district", "name": "Triangle", "parent": "R1"},
     "R1": {"level": "region", "name": "East", "parent": None}}

Figures roll up by summing the territories' figures (:func:`rollup`), so a node's figures
always equal the sums of its children's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from territory_designer.core.errors import EditError
from territory_designer.core.operation_base import Operation, territory_of

if TYPE_CHECKING:
    from territory_designer.core.plan import Plan, Territory
    from territory_designer.core.project import Project

LEVELS_KEY = "hierarchy_levels"
NODES_KEY = "hierarchy_nodes"
DEFAULT_LEVELS = ("territory", "district", "region")
#: Roll-up row of territories (or nodes) without a parent at a level.
NO_PARENT = ""


def hierarchy_levels(project: Project) -> list[str]:
    """Level names, the territories' level first."""
    levels = [str(v) for v in project.settings.get(LEVELS_KEY) or DEFAULT_LEVELS if str(v)]
    return levels if len(levels) >= 2 else list(DEFAULT_LEVELS)


def nodes(project: Project) -> dict[str, dict[str, Any]]:
    """The nodes above the territories, by id (see the module docstring)."""
    return dict(project.settings.get(NODES_KEY) or {})


def level_index(project: Project, level: str | int) -> int:
    """Index of a level given by name or index (0 = territory)."""
    levels = hierarchy_levels(project)
    if isinstance(level, int) or str(level).isdigit():
        i = int(level)
    elif level in levels:
        i = levels.index(level)
    else:
        raise EditError(f"No hierarchy level {level!r}; the levels are {', '.join(levels)}.")
    if not 0 <= i < len(levels):
        raise EditError(f"No hierarchy level {level!r}; the levels are {', '.join(levels)}.")
    return i


def chain(project: Project, territory: Territory) -> list[str]:
    """Node ids above a territory, level 1 first ('' where it has none)."""
    levels = hierarchy_levels(project)
    table = nodes(project)
    out = []
    node = territory.parent or NO_PARENT
    for _ in levels[1:]:
        out.append(node)
        node = (table.get(node) or {}).get("parent") or NO_PARENT if node else NO_PARENT
    return out


def node_name(project: Project, node: str) -> str:
    """A node's display name (its id when it has none)."""
    return str((nodes(project).get(node) or {}).get("name") or node)


def node_of_territories(project: Project, plan: Plan, level: str | int) -> dict[int, str]:
    """The node at ``level`` of every territory of ``plan`` (by code; the territory's own id
    at level 0, '' without a parent there)."""
    i = level_index(project, level)
    out = {}
    for code, t in plan.territories.items():
        out[code] = t.id if i == 0 else chain(project, t)[i - 1]
    return out


def hierarchy_columns(project: Project, plan: Plan) -> pd.DataFrame:
    """One row per territory code: the node id at each level above it (for exports), named
    after the levels; empty columns are kept so files have a stable layout."""
    levels = hierarchy_levels(project)
    rows = {code: chain(project, t) for code, t in plan.territories.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=levels[1:])


def has_hierarchy(project: Project, plan: Plan | None = None) -> bool:
    """True when any territory of the plan has a parent."""
    plan = plan or project.plan
    return any(t.parent for t in plan.territories.values())


def rollup(project: Project, level: str | int, plan: Plan | None = None) -> pd.DataFrame:
    """Figures of every node at ``level``: the sums of its territories' figures.

    Columns: ``node``, ``name``, the levels above (ids), ``territories``, then every weight
    field (units, accounts, ...). Territories without a node at that level sum into the
    row whose ``node`` is ''.
    """
    plan = plan or project.plan
    i = level_index(project, level)
    levels = hierarchy_levels(project)
    metrics = project.metrics if plan is project.plan else project.metrics_for(plan)
    totals = metrics.totals()
    fields = list(metrics.field_names)
    node_of = node_of_territories(project, plan, i)
    rows: dict[str, dict[str, Any]] = {}
    for code, t in plan.territories.items():
        key = node_of[code]
        row = rows.get(key)
        if row is None:
            above = chain(project, t)[i:] if i else chain(project, t)
            row = {"node": key, "name": node_name(project, key) if i else t.name}
            row.update(dict(zip(levels[i + 1 :], above, strict=False)))
            row.update({"territories": 0, **dict.fromkeys(fields, 0.0)})
            rows[key] = row
        row["territories"] += 1
        for k, f in enumerate(fields):
            row[f] += float(totals[code + 1, k])
    columns = ["node", "name", *levels[i + 1 :], "territories", *fields]
    return pd.DataFrame(list(rows.values()), columns=columns).fillna(NO_PARENT)


class SetParents(Operation):
    """Place a territory in the hierarchy: its parent at each level above it.

    ``path`` lists node ids from level 1 up (``["D1", "R1"]``); a ``None`` entry keeps
    what is there, ``""`` clears the link. Node names may be given with ``names``.
    """

    def __init__(
        self, code: int, path: list[str | None], names: dict[str, str] | None = None
    ) -> None:
        self.code = int(code)
        self.path = [None if p is None else str(p).strip() for p in path]
        self.names = dict(names or {})
        self.before_parent: str | None = None
        self.before_nodes: dict[str, Any] | None = None
        self.text = "Set parents"

    def apply(self, project: Project) -> None:
        """Set the links, creating nodes as needed; refuse a cycle or too many levels."""
        levels = hierarchy_levels(project)
        if len(self.path) > len(levels) - 1:
            raise EditError(
                f"{len(self.path)} parents given but the hierarchy has "
                f"{len(levels) - 1} levels above territories ({', '.join(levels[1:])})."
            )
        t = territory_of(project.plan, self.code)
        table = {k: dict(v) for k, v in nodes(project).items()}
        self.before_nodes = project.settings.get(NODES_KEY)
        self.before_parent = t.parent
        given = self.path + [None] * (len(levels) - 1 - len(self.path))
        path: list[str] = []
        for i, node in enumerate(given):
            level = levels[i + 1]
            if node is None:  # keep: the territory's parent, else the node below's parent
                below = path[i - 1] if i else None
                node = (
                    (t.parent or NO_PARENT)
                    if i == 0
                    else ((table.get(below) or {}).get("parent") or NO_PARENT if below else "")
                )
            elif i and path[i - 1]:
                table[path[i - 1]]["parent"] = node or None
            if node:
                entry = table.setdefault(node, {"level": level, "name": node, "parent": None})
                if entry.get("level") != level:
                    raise EditError(f"{node!r} is a {entry.get('level')}, not a {level}.")
                if node in self.names:
                    entry["name"] = self.names[node]
            path.append(node)
        project.settings[NODES_KEY] = table
        t.parent = path[0] or None if path else None
        self.text = f"Place {t.name} under {' / '.join(p for p in path if p) or 'no parent'}"
        project.notify_territories([self.code])
        project.events.emit("settings_changed", key=NODES_KEY)

    def undo(self, project: Project) -> None:
        """Restore the territory's parent and the node table."""
        project.plan.territories[self.code].parent = self.before_parent
        if self.before_nodes is None:
            project.settings.pop(NODES_KEY, None)
        else:
            project.settings[NODES_KEY] = self.before_nodes
        project.notify_territories([self.code])
        project.events.emit("settings_changed", key=NODES_KEY)


def unit_nodes(project: Project, level: str | int, plan: Plan | None = None) -> np.ndarray:
    """The node id at ``level`` of every unit's territory ('' when unassigned or none)."""
    plan = plan or project.plan
    node_of = node_of_territories(project, plan, level)
    lookup = np.array([NO_PARENT] * (plan.next_code + 1), dtype=object)
    for code, node in node_of.items():
        lookup[code] = node
    return np.where(plan.assignment >= 0, lookup[np.maximum(plan.assignment, 0)], NO_PARENT)
