"""The fields of units and accounts as columns: what the attribute table shows and what
an attribute query (:mod:`territory_designer.core.attribute_query`) can test.

Each :class:`Field` wraps an array the project already holds (a view where it can), so
listing 30,000 units builds a few column arrays and no per-cell objects. The
``territory`` column is rebuilt from the active plan on every call, so call again after
an edit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from territory_designer.core.account_territories import account_codes
from territory_designer.core.plan import UNASSIGNED, Plan
from territory_designer.core.project import ACCOUNTS_FIELD, UNITS_FIELD, Project
from territory_designer.core.templates import template_labels

#: Field kinds: how values compare and how the table aligns them.
NUMBER, TEXT, FLAG = "number", "text", "flag"
#: Account columns that are plumbing, not attributes a planner reads.
_HIDDEN_ACCOUNT_COLUMNS = ("x", "y", "unit")


@dataclass(frozen=True)
class Field:
    """One column of the attribute table.

    Attributes
    ----------
    name : str
        Column title and the name an attribute query uses (matched case-insensitively).
    values : numpy.ndarray
        One value per row: floats or integers for numbers, objects for text, bools for
        flags.
    kind : str
        ``"number"``, ``"text"`` or ``"flag"``.
    aliases : tuple of numpy.ndarray
        Other texts a row also answers to (a territory's id beside its name).
    label : str
        The heading the project's industry template gives the field ("Rx decile" for
        ``decile``), shown over the column; '' shows ``name``. A query may use either.
    """

    name: str
    values: np.ndarray
    kind: str
    aliases: tuple[np.ndarray, ...] = ()
    label: str = ""

    @property
    def heading(self) -> str:
        """What the column is titled: the template's label, else the name."""
        return self.label or self.name


def _kind_of(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return FLAG
    if pd.api.types.is_numeric_dtype(series):
        return NUMBER
    return TEXT


def _unique_name(name: str, taken: set[str], suffix: str) -> str:
    out = name if name.casefold() not in taken else f"{name} ({suffix})"
    taken.add(out.casefold())
    return out


def territory_lookup(plan: Plan, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Territory names and ids of territory ``codes``, vectorised (unassigned: no name,
    and the id ``unassigned`` so that ``territory = unassigned`` finds them)."""
    top = max([UNASSIGNED, *plan.territories]) + 2
    names = np.full(top, "", dtype=object)
    ids = np.full(top, "", dtype=object)
    ids[0] = "unassigned"
    for code, t in plan.territories.items():
        names[code + 1], ids[code + 1] = t.name, t.id
    slots = np.clip(np.asarray(codes, dtype=np.int64) + 1, 0, top - 1)
    return names[slots], ids[slots]


def _labelled(field: Field, labels: dict[str, str], source: str) -> Field:
    """``field`` with the template's label of ``source`` (unchanged when it has none or
    the label only repeats the name)."""
    label = labels.get(source, "")
    if not label or label == field.name:
        return field
    return replace(field, label=label)


def unit_fields(project: Project) -> list[Field]:
    """Columns of the units table: id, name, territory, locked (the unit's own lock), the
    layer's attributes, then the account count and the account sums per unit."""
    plan = project.plan
    units = project.units
    names, ids = territory_lookup(plan, plan.assignment)
    fields = [
        Field("id", units.ids, TEXT),
        Field("name", units.names, TEXT),
        Field("territory", names, TEXT, (ids,)),
        Field("locked", plan.locked_units, FLAG),
    ]
    taken = {f.name for f in fields}
    attrs = units.attributes
    for col in attrs.columns:
        series = attrs[col]
        name = _unique_name(str(col), taken, "units layer")
        kind = _kind_of(series)
        values = series.to_numpy(dtype=object) if kind == TEXT else series.to_numpy()
        fields.append(Field(name, values, kind))
    # What the accounts add to each unit (count and sums), as territory metrics see it.
    # What the accounts add to each unit (count and sums), as territory metrics see it;
    # titled as the template labels the account field summed.
    labels = template_labels(project)
    layer = set(project.unit_fields) | {UNITS_FIELD}
    for k, weight in enumerate(project.weight_fields):
        if weight in layer or (weight == ACCOUNTS_FIELD and not len(project.accounts)):
            continue
        name = _unique_name(weight, taken, "accounts")
        fields.append(_labelled(Field(name, project.weights[:, k], NUMBER), labels, weight))
    return fields


def account_units(project: Project) -> np.ndarray:
    """Unit index of each account (-1 where it lies in no unit)."""
    return project.accounts.table["unit"].to_numpy(dtype=np.int64)


def _pinned(project: Project) -> np.ndarray:
    """Whether each account is pinned to a territory of the active plan."""
    pinned = np.zeros(len(project.accounts), dtype=bool)
    plan = project.plan
    for account_id, code in plan.account_overrides.items():
        row = project.account_index.get(account_id)
        if row is not None and code in plan.territories:
            pinned[row] = True
    return pinned


def account_fields(project: Project) -> list[Field]:
    """Columns of the accounts table: id, name, unit, territory (a pin wins over the
    unit's), pinned, then the account's own columns (coordinates and the internal unit
    index left out)."""
    table = project.accounts.table
    units = account_units(project)
    located = units >= 0
    unit_ids = np.full(units.size, "", dtype=object)
    unit_ids[located] = project.units.ids[units[located]]
    names, ids = territory_lookup(project.plan, account_codes(project))
    labels = template_labels(project)
    fields = [
        _labelled(
            Field("id", table["account_id"].to_numpy(dtype=object), TEXT), labels, "account_id"
        ),
        _labelled(Field("name", table["name"].to_numpy(dtype=object), TEXT), labels, "name"),
        Field("unit", unit_ids, TEXT),
        Field("territory", names, TEXT, (ids,)),
        Field("pinned", _pinned(project), FLAG),
    ]
    taken = {f.name for f in fields}
    skip = {"account_id", "name", *_HIDDEN_ACCOUNT_COLUMNS}
    for col in table.columns:
        if col in skip:
            continue
        series = table[col]
        name = _unique_name(str(col), taken, "account")
        values = series.to_numpy(dtype=object) if _kind_of(series) == TEXT else series.to_numpy()
        fields.append(_labelled(Field(name, values, _kind_of(series)), labels, str(col)))
    return fields
