"""Roll order-level rows up into accounts (one customer on many rows).

Amounts (revenue) are summed, orders counted, first and last order dates kept; every other
field takes the customer's first non-blank value. The rows themselves are kept as the
transactions table for later performance analysis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUMMED = ("revenue",)


def aggregate(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per distinct ``key`` value (in order of first appearance).

    Parameters
    ----------
    rows : pandas.DataFrame
        Parsed rows with an ``account_id``-like ``key`` column; numeric columns in
        :data:`SUMMED` are summed; ``order_date`` (datetime) gives ``first_order`` and
        ``last_order``; ``source_row`` keeps the first row's number.

    Returns
    -------
    pandas.DataFrame
        Accounts with the extra columns ``orders``, ``first_order``, ``last_order``.
    """
    g = rows.groupby(key, sort=False)
    out = g.first()  # first non-null value per column, the customer's attributes
    # groupby.first skips NaN but not "": take the first non-blank text explicitly.
    for col in rows.columns:
        # pandas 3 reads text as the "str" dtype, not object: test for both.
        text = pd.api.types.is_object_dtype(rows[col]) or pd.api.types.is_string_dtype(rows[col])
        if col != key and text:
            nonblank = rows[col].where(rows[col].astype(str) != "")
            out[col] = nonblank.groupby(rows[key], sort=False).first().fillna("")
    for col in SUMMED:
        if col in rows:
            out[col] = g[col].sum(min_count=1)
    out["orders"] = g.size().astype(np.int64)
    if "order_date" in rows:
        out["first_order"] = g["order_date"].min()
        out["last_order"] = g["order_date"].max()
        out = out.drop(columns=["order_date"])
    return out.reset_index()
