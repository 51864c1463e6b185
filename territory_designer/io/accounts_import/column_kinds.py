"""What kind of figure a column holds, judged by its header: amount, rate, identifier, year.

Rolling order lines up into customers needs to know how each column combines: amounts and
counts (sales, profit, quantity, cost) add up; rates and percentages (discount, margin %)
are averaged, weighted by revenue where there is one; identifiers, row numbers, codes and
years neither add up nor make a territory metric. Headers are the only reliable signal:
a discount of 0.2 and a quantity of 2 look alike as numbers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from territory_designer.io.accounts_import.headers import normalize_header

if TYPE_CHECKING:
    from territory_designer.core.accounts import AccountTable

#: How a column is combined over a customer's rows.
AGGREGATIONS = ("sum", "mean", "first", "ignore")

_IDENTIFIER = re.compile(
    r"\b(id|ids|code|codes|zip|zipcode|plz|postal|postcode|phone|tel|fax|no|nr|num|number|"
    r"npi|row|rownum|index|idx|key|sku|ref|reference|ean|upc|gtin|isbn|serial|duns|vat|"
    r"iban|account|invoice|order|po|ticket|line)\b"
)
_YEAR = re.compile(r"\b(year|years|fy|fiscal|jahr|annee|ano|anno|yyyy)\b")
_DATE = re.compile(r"\b(date|dates|datum|fecha|timestamp)\b")
_RATE = re.compile(
    r"\b(rate|rates|discount|disc|pct|percent|percentage|ratio|share|margin pct|"
    r"avg|average|mean|median|score|rating|price|unit price|probability|prob|"
    r"rabatt|remise|descuento|sconto|quote|taux|tasa)\b|%"
)
_AMOUNT = re.compile(
    r"\b(sales|revenue|amount|profit|quantity|qty|cost|costs|total|value|turnover|units|"
    r"count|volume|margin|spend|tax|freight|shipping cost|weight|hours|visits|calls|"
    r"umsatz|menge|betrag|gewinn|kosten|ventas|cantidad|chiffre|quantite|fatturato)\b"
)


def column_kind(header: str) -> str:
    """``"rate"``, ``"identifier"``, ``"year"``, ``"date"``, ``"amount"`` or ``"other"``.

    Parameters
    ----------
    header : str
        The column's name as written in the file.

    Examples
    --------
    >>> [column_kind(h) for h in ("Discount", "Row ID", "Order Year", "Profit", "Segment")]
    ['rate', 'identifier', 'year', 'amount', 'other']
    >>> column_kind("Margin %"), column_kind("Account Revenue"), column_kind("Sales Year")
    ('rate', 'amount', 'year')
    """
    raw = str(header)
    h = normalize_header(raw)
    if "%" in raw or _RATE.search(h):
        return "rate"
    if _AMOUNT.search(h):
        # "Sales Order No" names an order, "Account Revenue" an amount: the last word decides.
        last = h.split()[-1] if h.split() else ""
        if _AMOUNT.fullmatch(last) or " per " in f" {h} ":  # "Visits per year" is a count
            return "amount"
        if _YEAR.fullmatch(last):
            return "year"
        if _IDENTIFIER.fullmatch(last):
            return "identifier"
        return "amount"
    if _YEAR.search(h):
        return "year"
    if _DATE.search(h):
        return "date"
    if _IDENTIFIER.search(h):
        return "identifier"
    return "other"


def is_measure_header(header: str) -> bool:
    """False for headers naming identifiers, codes, row numbers or years (kept as text)."""
    return column_kind(header) not in ("identifier", "year")


def default_aggregation(kind: str, numeric: bool, constant_in_groups: bool) -> str:
    """How a column of ``kind`` is combined over a customer's rows by default.

    Parameters
    ----------
    kind : str
        From :func:`column_kind`.
    numeric : bool
        The column holds numbers.
    constant_in_groups : bool
        Every customer has a single value in this column (a customer attribute).

    Returns
    -------
    str
        One of :data:`AGGREGATIONS`: amounts are summed, rates averaged; identifiers,
        years and dates keep the customer's value when it has one, else are left out (an
        order id, a row number or a ship date says nothing about the customer); other
        columns are summed when numeric and varying, else keep the first value.
    """
    if kind == "amount" and numeric:
        return "sum"
    if kind == "rate" and numeric:
        return "mean"
    if kind in ("identifier", "year", "date"):
        return "first" if constant_in_groups else "ignore"
    if numeric and not constant_in_groups:
        return "sum"
    return "first"


def parse_aggregation_overrides(pairs: list[str]) -> dict[str, str]:
    """``["Discount=mean", "Row ID=ignore"]`` -> ``{"Discount": "mean", "Row ID": "ignore"}``.

    Raises
    ------
    ValueError
        With a message fit for the user when a pair is malformed.
    """
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, how = pair.rpartition("=")
        column, how = column.strip(), how.strip().lower()
        if not sep or not column:
            raise ValueError(f"--agg {pair!r}: write COLUMN=sum|mean|first|ignore.")
        if how not in AGGREGATIONS:
            raise ValueError(f"--agg {pair!r}: {how!r} is not one of {', '.join(AGGREGATIONS)}.")
        out[column] = how
    return out


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def guess_rules(
    columns: list[str], rows: list[list[object]], key: str, skip: set[str]
) -> dict[str, str]:
    """The rule each column would get, judged from a few preview rows (for the wizard).

    Parameters
    ----------
    columns : list of str
        Header names.
    rows : list of lists
        Preview rows, cells in the order of ``columns``.
    key : str
        The customer column rows are grouped by.
    skip : set of str
        Columns that are not combined by a rule (location, order date).

    Returns
    -------
    dict
        Column -> rule, for every column but ``key`` and ``skip``. The import decides
        on the whole file, so a column constant in these rows may still be summed there.
    """
    k = columns.index(key)
    out: dict[str, str] = {}
    for j, col in enumerate(columns):
        if col == key or col in skip:
            continue
        cells = [r[j] for r in rows if j < len(r) and r[j] not in (None, "")]
        numeric = bool(cells) and all(_is_number(v) for v in cells)
        seen: dict[object, set] = {}
        for r in rows:
            if j < len(r) and k < len(r):
                seen.setdefault(r[k], set()).add(r[j])
        constant = all(len(v) <= 1 for v in seen.values())
        out[col] = default_aggregation(column_kind(col), numeric, constant)
    return out


def repeated_values(rows: list[list[object]], index: int) -> list[object]:
    """Values of column ``index`` that appear on more than one of ``rows`` (first-seen order)."""
    counts: dict[object, int] = {}
    for r in rows:
        v = r[index] if index < len(r) else None
        if v not in (None, ""):
            counts[v] = counts.get(v, 0) + 1
    return [v for v, n in counts.items() if n > 1]


def averaged_columns(
    table: AccountTable, mapping: dict[str, str | None], rules: dict[str, str]
) -> list[str]:
    """Numeric account columns that hold averages or rates rather than amounts.

    A column averaged over a customer's rows, or (unless summed by request) one whose
    header names a rate, discount or percentage.
    """
    out = []
    for col in table.numeric_fields():
        source = mapping.get(col) or col.removesuffix(" (file)")
        rule = rules.get(source)
        if rule == "mean" or (rule is None and column_kind(source) == "rate"):
            out.append(col)
    return out
