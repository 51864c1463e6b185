"""Totals rows under a list ("Total", "Grand Total", "Sum"): listed and left out.

Lists exported from reports end with a row adding up the amounts above. Imported as an
account it would double every sum. Such a row sits at the bottom, names itself in its id,
name or one of the first three columns, and has no location of its own; an account
named "Total Wine & More" has a postal code and is kept. Excel's Data › Subtotal adds a
row after each group, labelled with the group ("North Total", "Raleigh Count"): such a
row, anywhere in the list, without an account id and without a location, goes too.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from territory_designer.io.accounts_import.reading import RawTable
from territory_designer.io.accounts_import.values import as_text

# Excel's pivot tables label the last row "Grand Total" (German "Gesamtergebnis", French
# "Total général", Italian "Totale complessivo"); a few words may follow ("Sum of Sales").
_TOTAL = re.compile(
    r"^(grand\s*total|sub-?total|totals?|sum|summe|gesamt(summe|ergebnis)?|insgesamt|totale?"
    r"|total\s+g[eé]n[eé]ral|totale\s+complessivo|suma\s+total)\b\W*(\w+\W*){0,3}$",
    re.IGNORECASE,
)
#: Columns that place a row: a row with any of them filled is an account, never a total.
WHERE_FIELDS = ("latitude", "longitude", "postal_code", "city")
# Excel's Data › Subtotal labels each group's row "<group> Total" ("<group> Count", …;
# German "<group> Ergebnis").
_SUBTOTAL = re.compile(
    r"^\S.*\s(total|count|sum|average|max|min|ergebnis|anzahl|summe|mittelwert)$",
    re.IGNORECASE,
)


def drop_totals_rows(
    raw: RawTable, mapping: dict[str, str | None]
) -> tuple[RawTable, list[tuple[int, str, str]]]:
    """``raw`` without the totals rows at its bottom, and one issue per row left out.

    Parameters
    ----------
    raw : RawTable
        The table as read.
    mapping : dict
        Account fields -> columns (the id, name and location columns are looked at).

    Returns
    -------
    (RawTable, list)
        The table to import and ``(row number, column, message)`` for each row left out.
    """
    candidates = (mapping.get("account_id"), mapping.get("name"), *raw.columns[:3])
    label_cols = list(dict.fromkeys(c for c in candidates if c))
    where_cols = [mapping[f] for f in WHERE_FIELDS if mapping.get(f)]
    n = len(raw.data)
    labels = {c: as_text(raw.data[c]).to_numpy() for c in label_cols}
    located = np.zeros(n, dtype=bool)
    for c in where_cols:
        located |= (as_text(raw.data[c]) != "").to_numpy()
    id_col = mapping.get("account_id")
    no_id = (as_text(raw.data[id_col]) == "").to_numpy() if id_col else np.ones(n, bool)
    found: dict[int, tuple[str, str]] = {}  # position -> (column, message)
    for i in np.flatnonzero(~located & no_id):
        hit = next((c for c in label_cols if _SUBTOTAL.match(labels[c][i])), None)
        if hit is not None and not _TOTAL.match(labels[hit][i]):  # "Grand Total": below
            found[int(i)] = (hit, f"{labels[hit][i]!r} row is a subtotal row, not an account")
    k = n
    while k > max(0, n - 20):  # a list ends with a few totals rows at most
        hit = next((c for c in label_cols if _TOTAL.match(labels[c][k - 1])), None)
        if k - 1 in found or (hit is not None and not located[k - 1]):
            k -= 1
            if k not in found:
                found[k] = (hit, f"{labels[hit][k]!r} row is a totals row, not an account")
            continue
        break
    if not found or len(found) == n:  # a table of nothing but totals is not this case
        return raw, []
    drop = np.zeros(n, dtype=bool)
    drop[list(found)] = True
    issues = [
        (int(raw.row_numbers[i]), found[i][0], f"{found[i][1]}; left out") for i in sorted(found)
    ]
    table = dataclasses.replace(
        raw, data=raw.data.iloc[~drop].copy(), row_numbers=raw.row_numbers[~drop].copy()
    )
    return table, issues
