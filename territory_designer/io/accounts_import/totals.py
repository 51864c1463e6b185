"""Totals rows under a list ("Total", "Grand Total", "Sum"): listed and left out.

Lists exported from reports end with a row adding up the amounts above. Imported as an
account it would double every sum. Such a row sits at the bottom, names itself in its id,
name or one of the first three columns, and has no location of its own; an account
named "Total Wine & More" has a postal code and is kept.
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
    tail = raw.data.iloc[max(0, n - 20) :]  # a list ends with a few totals rows at most
    labels = {c: as_text(tail[c]).to_numpy() for c in label_cols}
    located = np.zeros(len(tail), dtype=bool)
    for c in where_cols:
        located |= (as_text(tail[c]) != "").to_numpy()
    issues: list[tuple[int, str, str]] = []
    k = len(tail)
    while k > 0:
        hit = next((c for c in label_cols if _TOTAL.match(labels[c][k - 1])), None)
        if hit is None or located[k - 1]:
            break
        k -= 1
        row = int(raw.row_numbers[n - len(tail) + k])
        text = labels[hit][k]
        issues.append((row, hit, f"{text!r} row is a totals row, not an account; left out"))
    if not issues or len(issues) == n:  # a table of nothing but totals is not this case
        return raw, []
    keep = n - len(issues)
    table = dataclasses.replace(
        raw, data=raw.data.iloc[:keep].copy(), row_numbers=raw.row_numbers[:keep].copy()
    )
    return table, issues[::-1]
