"""Roll order-level rows up into accounts (one customer on many rows).

Each column is combined by its rule (see :mod:`.column_kinds`): amounts summed, rates
averaged weighted by revenue, identifiers kept when the customer has a single value and
otherwise left out; distinct orders are counted and first and last order dates kept. The figures
equal a pivot table of the same rows.

Order-line exports ship one customer to several places. An account is either one per
customer, placed at the location that carries most of its revenue, or one per customer and
location (a *site*), so revenue lands where it ships. The rows themselves are kept as the
transactions table for later performance analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.io.accounts_import.column_kinds import (
    AGGREGATIONS,
    column_kind,
    default_aggregation,
)
from territory_designer.io.accounts_import.headers import normalize_header
from territory_designer.io.accounts_import.reading import RawTable
from territory_designer.io.accounts_import.values import parse_numbers

#: Parsed columns that say where a row is; they travel together, from one row.
LOCATION_COLUMNS = (
    "latitude",
    "longitude",
    "postal_code",
    "postal_raw",
    "city",
    "state",
    "country",
)
#: The weight of revenue-weighted means and of the largest-revenue location.
WEIGHT = "revenue"
#: Column holding the customer of a site account.
CUSTOMER_COLUMN = "customer_id"


@dataclass
class Aggregated:
    """Accounts rolled up from rows, and how many customers span several locations."""

    accounts: pd.DataFrame
    customers: int
    multi_location: int
    #: The account id of each input row (the site's id with ``sites``).
    row_accounts: np.ndarray


def location_keys(rows: pd.DataFrame) -> pd.Series:
    """Where each row ships: its postal code, else its coordinates, else city and state.

    Blank when a row carries none of them.
    """
    key = pd.Series("", index=rows.index, dtype=object)
    if "postal_code" in rows:
        key = rows["postal_code"].astype(str).where(rows["postal_code"].notna(), "")
    if "latitude" in rows and "longitude" in rows:
        lat = pd.to_numeric(rows["latitude"], errors="coerce")
        lon = pd.to_numeric(rows["longitude"], errors="coerce")
        ok = (key == "") & lat.notna() & lon.notna()
        key = key.where(~ok, lat.round(5).astype(str) + "," + lon.round(5).astype(str))
    city = rows["city"].astype(str) if "city" in rows else pd.Series("", index=rows.index)
    state = rows["state"].astype(str) if "state" in rows else pd.Series("", index=rows.index)
    place = (city.str.strip() + ", " + state.str.strip()).str.strip(", ")
    return key.where(key != "", place).fillna("").astype(str)


def _weights(rows: pd.DataFrame) -> np.ndarray | None:
    if WEIGHT not in rows or not pd.api.types.is_numeric_dtype(rows[WEIGHT]):
        return None
    return rows[WEIGHT].to_numpy(dtype=float)


def _weighted_mean(values: pd.Series, weights: np.ndarray | None, groups: pd.Series) -> pd.Series:
    """Mean per group weighted by revenue; a plain mean where a group has no revenue."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    plain = pd.Series(v).groupby(groups.to_numpy(), sort=False).mean()
    if weights is None:
        return plain
    ok = np.isfinite(v) & np.isfinite(weights)
    num = pd.Series(np.where(ok, v * weights, 0.0)).groupby(groups.to_numpy(), sort=False).sum()
    den = pd.Series(np.where(ok, weights, 0.0)).groupby(groups.to_numpy(), sort=False).sum()
    weighted = num / den.where(den != 0)
    return weighted.where(weighted.notna(), plain)


def _first_nonblank(values: pd.Series, groups: pd.Series) -> pd.Series:
    # pandas 3 reads text as the "str" dtype, not object: test for both.
    text = pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)
    if text:
        values = values.where(values.astype(str) != "")  # "" is blank, as NaN is
    out = values.groupby(groups.to_numpy(), sort=False).first()
    return out.fillna("") if text else out


def _main_location_rows(rows: pd.DataFrame, key: pd.Series, loc: pd.Series) -> np.ndarray:
    """For each customer, the first row at the location with its largest revenue.

    Rows with no location lose to any located row, whatever their revenue.
    """
    w = _weights(rows)
    weight = np.ones(len(rows)) if w is None else np.nan_to_num(w)
    frame = pd.DataFrame(
        {"k": key.to_numpy(), "l": loc.to_numpy(), "w": weight, "i": np.arange(len(rows))}
    )
    per = frame.groupby(["k", "l"], sort=False).agg(w=("w", "sum"), i=("i", "first"))
    per = per.reset_index()
    per["w"] = per["w"].where(per["l"] != "", -np.inf)
    # idxmax keeps the first of equal maxima: the location seen first wins a tie.
    best = per.loc[per.groupby("k", sort=False)["w"].idxmax(), ["k", "i"]]
    order = pd.unique(key.to_numpy())
    return best.set_index("k").loc[order, "i"].to_numpy()


#: Parsed columns combined by their own logic, never by a rule.
_NOT_RULED = ("account_id", "source_row", "order_date", *LOCATION_COLUMNS)


def aggregation_rules(
    raw: RawTable, parsed: pd.DataFrame, sources: dict[str, str], overrides: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """How each parsed column is combined over a customer's rows.

    Defaults come from the header's kind (:func:`.column_kinds.default_aggregation`);
    ``overrides`` (file column -> rule) win. A column summed or averaged by request is
    parsed as numbers (``parsed`` is updated in place).

    Returns
    -------
    rules : dict
        Parsed column -> rule, for :func:`.aggregate.aggregate`.
    by_file_column : dict
        File column -> rule, for the report and the wizard.
    """
    ruled = {sources.get(c, c): c for c in parsed.columns if c not in _NOT_RULED}
    fixed = {sources[c] for c in _NOT_RULED if c in sources}
    for col, how in overrides.items():
        if how not in AGGREGATIONS:
            raise InputError(f"{col!r}: {how!r} is not one of {', '.join(AGGREGATIONS)}.")
        if col in fixed:
            raise InputError(
                f"{raw.where(column=col)}: this column gives the customer, its location or "
                "its order dates; it cannot be summed, averaged or left out."
            )
        if col not in ruled:
            raise InputError(
                f"{raw.where()}: no column {col!r} to aggregate; columns: {', '.join(raw.columns)}."
            )
    groups = parsed["account_id"].to_numpy()
    rules: dict[str, str] = {}
    by_file: dict[str, str] = {}
    for src, col in ruled.items():
        v = parsed[col]
        numeric = pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v)
        how = overrides.get(src)
        if how is None:
            # A mapped revenue column is an amount whatever its header ("Value", "CA").
            kind = "amount" if col == "revenue" else column_kind(src)
            constant = bool((v.groupby(groups, sort=False).nunique() <= 1).all())
            how = default_aggregation(kind, numeric, constant)
        if how in ("sum", "mean") and not numeric:
            num, bad = parse_numbers(raw.data[src], hint=raw.decimal)
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                verb = "summed" if how == "sum" else "averaged"
                raise InputError(
                    f"{raw.where(int(raw.row_numbers[k]), src)}: "
                    f"{raw.data[src].iloc[k]!r} is not a number, so the column cannot be "
                    f"{verb}; choose first or ignore for it."
                )
            parsed[col] = num
        rules[col] = how
        by_file[src] = how
    return rules, by_file


_ORDER_HEADER = re.compile(r"^(order|invoice|transaction)( (id|no|nr|number|num|code|ref))?$")


def order_id_column(sources: dict[str, str]) -> str | None:
    """The parsed column naming each row's order ("Order ID", "Invoice No"), if any."""
    for col, src in sources.items():
        if _ORDER_HEADER.match(normalize_header(src)):
            return col
    return None


def aggregate(
    rows: pd.DataFrame,
    key: str,
    rules: dict[str, str],
    sites: bool = False,
    order_column: str | None = None,
) -> Aggregated:
    """One row per customer (or per customer and location), in order of first appearance.

    Parameters
    ----------
    rows : pandas.DataFrame
        Parsed rows with the customer in column ``key``; ``order_date`` (datetime) gives
        ``first_order`` and ``last_order``; ``source_row`` keeps the first row's number.
    key : str
        The customer column.
    rules : dict
        Column -> ``"sum"``, ``"mean"``, ``"first"`` or ``"ignore"`` for every column
        other than ``key``, ``source_row``, ``order_date`` and the location columns.
        Means are weighted by ``revenue`` when the rows have it.
    sites : bool
        One account per customer and location, with the customer in ``customer_id``
        and the location appended to the account id (``"C1 @ 27601"``).
    order_column : str, optional
        Column naming each row's order: ``orders`` counts its distinct values (an order
        has several lines); without it every row counts as an order.

    Returns
    -------
    Aggregated
        Accounts with the extra columns ``orders``, ``first_order``, ``last_order``.
    """
    rows = rows.reset_index(drop=True)
    loc = location_keys(rows)
    customer = rows[key].astype(str)
    per_customer = pd.Series(loc[loc != ""].to_numpy()).groupby(
        customer[loc != ""].to_numpy(), sort=False
    )
    multi = int((per_customer.nunique() > 1).sum())
    n_customers = int(customer.nunique())
    if sites:
        rows = rows.copy()
        rows[CUSTOMER_COLUMN] = customer
        rows[key] = customer.where(loc == "", customer + " @ " + loc)
    groups = rows[key]
    g = rows.groupby(groups.to_numpy(), sort=False)
    out = pd.DataFrame(index=pd.Index(pd.unique(groups.to_numpy()), name=key))
    out["source_row"] = g["source_row"].first()
    weights = _weights(rows)
    for col, how in rules.items():
        if col not in rows or how == "ignore":
            continue
        if how == "sum":
            out[col] = g[col].sum(min_count=1)
        elif how == "mean":
            # Revenue itself is averaged plainly: weighting it by itself means nothing.
            out[col] = _weighted_mean(rows[col], None if col == WEIGHT else weights, groups)
        else:
            out[col] = _first_nonblank(rows[col], groups)
    if sites:
        out[CUSTOMER_COLUMN] = g[CUSTOMER_COLUMN].first()
        first_rows = g.cumcount().to_numpy() == 0
        take = np.flatnonzero(first_rows)
    else:
        take = _main_location_rows(rows, groups, loc)
    for col in LOCATION_COLUMNS:
        if col in rows:
            out[col] = rows[col].to_numpy()[take]
    if order_column in rows:
        order = rows[order_column].where(rows[order_column].astype(str) != "")
        out["orders"] = order.groupby(groups.to_numpy(), sort=False).nunique().astype(np.int64)
    else:
        out["orders"] = g.size().astype(np.int64)
    if "order_date" in rows:
        out["first_order"] = g["order_date"].min()
        out["last_order"] = g["order_date"].max()
    return Aggregated(out.reset_index(), n_customers, multi, groups.to_numpy())
