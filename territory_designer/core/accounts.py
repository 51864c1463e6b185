"""Accounts: customers, stores or providers as points located in units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

REQUIRED_COLUMNS = ("account_id", "name", "x", "y", "unit", "located_by")
#: Project setting listing account columns that are averages or rates (a discount): kept
#: per account but never summed into territory metrics.
AVERAGED_FIELDS_KEY = "averaged_account_fields"


@dataclass
class AccountTable:
    """Accounts as a table with coordinates in the project CRS.

    Columns ``account_id`` (str), ``name``, ``x``, ``y``, ``unit`` (row index of the unit
    that contains the account, -1 if unlocated), ``located_by`` (how it was located), and
    any further attribute columns (numeric ones are summed into territory metrics).
    """

    table: pd.DataFrame

    def __post_init__(self) -> None:
        for col in REQUIRED_COLUMNS:
            if col not in self.table.columns:
                raise ValueError(f"accounts table lacks column {col!r}")
        self.table = self.table.reset_index(drop=True)
        self.table["account_id"] = self.table["account_id"].astype(str)
        self.table["unit"] = self.table["unit"].astype(np.int64)

    @classmethod
    def empty(cls) -> AccountTable:
        """A table with no accounts."""
        return cls(pd.DataFrame({c: pd.Series(dtype=object) for c in REQUIRED_COLUMNS}))

    def __len__(self) -> int:
        return len(self.table)

    @property
    def xy(self) -> np.ndarray:
        """Coordinates as an (n, 2) float array."""
        return self.table[["x", "y"]].to_numpy(dtype=float)

    def numeric_fields(self) -> list[str]:
        """Numeric attribute columns (coordinates and unit index excluded)."""
        skip = set(REQUIRED_COLUMNS)
        return [
            c
            for c in self.table.columns
            if c not in skip
            and pd.api.types.is_numeric_dtype(self.table[c])
            and not pd.api.types.is_bool_dtype(self.table[c])
        ]

    def per_unit(self, n_units: int, fields: list[str]) -> np.ndarray:
        """Count and sums of ``fields`` per unit: an (n_units, 1 + len(fields)) array."""
        out = np.zeros((n_units, 1 + len(fields)))
        unit = self.table["unit"].to_numpy()
        ok = unit >= 0
        out[:, 0] = np.bincount(unit[ok], minlength=n_units)
        for k, f in enumerate(fields):
            w = self.table[f].to_numpy(dtype=float)[ok]
            out[:, 1 + k] = np.bincount(unit[ok], weights=np.nan_to_num(w), minlength=n_units)
        return out


def locate_points(xy: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point, -1 where none does.

    A point inside several polygons is given to the smallest one.
    """
    points = shapely.points(xy)
    geoms = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(geoms)
    pi, gi = tree.query(points, predicate="intersects")
    unit = np.full(len(xy), -1, dtype=np.int64)
    # A point in two units (on a shared edge, or where overlapping units were accepted)
    # counts once, in the smallest of them (a district rather than the city drawn over
    # it), ties to the lowest index: deterministic for a given layer.
    order = np.lexsort((gi, shapely.area(geoms[gi]), pi))
    pi, gi = pi[order], gi[order]
    first = np.r_[True, pi[1:] != pi[:-1]] if pi.size else np.empty(0, bool)
    unit[pi[first]] = gi[first]
    return unit
