"""Performance figures per unit, for colouring the map (a choropleth of the figures)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_designer.core.sales_history import SalesHistory, period_index

if TYPE_CHECKING:
    from territory_designer.core.performance import PerformanceTable
    from territory_designer.core.project import Project


def unit_sales(project: Project, history: SalesHistory, kind: str, period: int) -> np.ndarray:
    """Each unit's sales in one period (``period`` numbered as
    :func:`~territory_designer.core.sales_history.period_index`); accounts count in the
    unit they are located in."""
    table = project.accounts.table
    row = pd.Index(table["account_id"].astype(str)).get_indexer(history.account_ids)
    unit_of = table["unit"].to_numpy(dtype=np.int64)
    unit = np.where(row >= 0, unit_of[np.maximum(row, 0)], -1)[history.account]
    on = (period_index(history.month, kind) == period) & (unit >= 0)
    return np.bincount(unit[on], weights=history.amount[on], minlength=len(project.units))


def territory_figure_on_units(
    project: Project, table: PerformanceTable, values: np.ndarray, period: int = -1
) -> np.ndarray:
    """A territory figure (rows of ``values`` as ``table.groups``) painted on each unit of
    the active plan's territories; NaN for units in no territory or without the figure."""
    by_id = {g.id: float(values[k, period]) for k, g in enumerate(table.groups)}
    ids = project.plan.territory_ids()
    return np.array([by_id.get(t, np.nan) if t else np.nan for t in ids], dtype=float)
