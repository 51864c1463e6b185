"""Read a :class:`RawTable`'s cells into typed columns under a column mapping.

The first step of :func:`territory_designer.io.accounts_import.build.build_accounts`: the
mapping is resolved (guessed, checked against the values, overridden by the user's), each
mapped column parsed to numbers, dates or normalised text, and unmapped columns kept as
attributes. A cell that cannot be used is blanked and listed as a :class:`RowIssue`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.io.accounts_import.column_kinds import is_measure_header
from territory_designer.io.accounts_import.degrees import degrees_as_numbers
from territory_designer.io.accounts_import.headers import (
    FIELDS,
    NUMERIC_FIELDS,
    contradicted_guesses,
    guess_mapping,
    unmapping_note,
)
from territory_designer.io.accounts_import.reading import RawTable
from territory_designer.io.accounts_import.values import (
    as_text,
    normalize_country,
    normalize_postal,
    normalize_state,
    parse_dates,
    parse_numbers,
    postal_text,
)
from territory_designer.io.field_names import ACCOUNT_FIELDS, non_clashing_names, renaming_note

#: A mapped numeric column with more unparsable text than this is a wrong mapping.
MAX_BAD_SHARE = 0.5
#: Rows whose values check a guessed column mapping.
GUESS_SAMPLE = 1000
#: Columns the import itself adds to the account table (aggregation included).
_INTERNAL_COLUMNS = (
    "source_row",
    "postal_raw",
    "unlocated_reason",
    "orders",
    "first_order",
    "last_order",
)


@dataclass
class RowIssue:
    """A problem with one cell that did not stop the import."""

    row: int
    column: str | None
    message: str


def resolve_mapping(
    raw: RawTable, mapping: dict[str, str | None] | None, notes: list[str] | None = None
) -> dict:
    """Guessed mapping overridden by the user's (None unmaps a field); columns checked.

    A guess the column's values contradict is dropped (said in ``notes``); what the user
    maps is always used.
    """
    result = guess_mapping(raw.columns)
    wrong = contradicted_guesses(result, lambda col: raw.data[col].head(GUESS_SAMPLE).tolist())
    wrong = {f: c for f, c in wrong.items() if f not in (mapping or {})}
    for f in wrong:
        result[f] = None
    if notes is not None:
        notes += unmapping_note(wrong)
    for f, col in (mapping or {}).items():
        if f not in FIELDS:
            raise InputError(f"Unknown account field {f!r}; fields: {', '.join(FIELDS)}.")
        if col is not None and col not in raw.columns:
            raise InputError(
                f"{raw.where()}: no column {col!r} (for {f}); columns: {', '.join(raw.columns)}."
            )
        for other, c in list(result.items()):
            if c == col and other != f:
                result[other] = None
        result[f] = col
    return result


def _fail_or_note(raw, strict, issues, rows, bad, col, field_name, values) -> None:  # noqa: ANN001
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    sample = values.iloc[first]
    what = field_name.replace("_", " ")
    msg = f"{raw.where(int(rows[first]), col)}: {_shown(sample)} is not a {what}"
    nonblank = (as_text(values) != "").sum()
    if strict or bad.sum() > MAX_BAD_SHARE * max(nonblank, 1):
        more = f" ({int(bad.sum())} such cells)" if bad.sum() > 1 else ""
        raise InputError(f"{msg}{more}; check the column mapping or fix the cells.")
    for k in np.flatnonzero(bad)[:1000]:
        issues.append(
            RowIssue(int(rows[k]), col, f"{_shown(values.iloc[k])} is not a {what}; left blank")
        )


def _shown(value: object) -> str:
    """A cell as quoted text for messages (a date as ``'2021-01-01 00:00:00'``)."""
    return repr(value if isinstance(value, str) else str(value))


def parse_rows(
    raw: RawTable,
    mapping: dict,
    strict: bool,
    issues: list[RowIssue],
    sources: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """One parsed column per mapped field, plus unmapped columns as attributes.

    ``sources``, when given, receives parsed column -> file column. Unmapped columns
    whose names clash, ignoring case, with the account fields or with each other are kept
    under new names, listed in ``notes``.
    """
    sources = {} if sources is None else sources
    d, rows = raw.data, raw.row_numbers
    out = pd.DataFrame(index=d.index)
    out["source_row"] = rows
    country = normalize_country(d[mapping["country"]]) if mapping["country"] else None
    for f in FIELDS:
        col = mapping.get(f)
        if col is None:
            continue
        v = d[col]
        if f in NUMERIC_FIELDS or f in ("latitude", "longitude"):
            if f in ("latitude", "longitude"):
                v = degrees_as_numbers(v)
            num, bad = parse_numbers(v, hint=raw.decimal)
            if f in NUMERIC_FIELDS:
                _fail_or_note(raw, strict, issues, rows, bad, col, "number", v)
            elif strict and bad.any():
                _fail_or_note(raw, True, issues, rows, bad, col, f, v)
            out[f] = num
        elif f == "order_date":
            dates, bad = parse_dates(v)
            _fail_or_note(raw, strict, issues, rows, bad, col, "date", v)
            out[f] = dates.to_numpy()
        elif f == "postal_code":
            out[f] = normalize_postal(v, country).to_numpy()
            out["postal_raw"] = postal_text(v).to_numpy()
        elif f == "country":
            out[f] = country.to_numpy()
        elif f == "state":
            out[f] = normalize_state(v).to_numpy()
        else:
            out[f] = as_text(v).to_numpy()
        sources[f] = col
    used = {c for c in mapping.values() if c}
    unmapped = [c for c in raw.columns if c not in used]
    renamed = non_clashing_names(unmapped, (*ACCOUNT_FIELDS, *FIELDS, *_INTERNAL_COLUMNS))
    for col in unmapped:
        name = renamed.get(col, col)
        out[name] = _attribute(d[col], col, raw.decimal, rows, issues)
        sources[name] = col
    if notes is not None:
        notes += renaming_note(renamed, "Columns")
    return out


def _attribute(
    v: pd.Series, col: str, decimal: str, rows: np.ndarray, issues: list[RowIssue]
) -> np.ndarray:
    """Unmapped column: numbers when it clearly holds measures, else text.

    A measure column's cells holding ``inf``, ``NaN`` or ``1e309`` are left blank and
    listed in ``issues`` (as numbers they would break every sum).
    """
    text = as_text(v)
    nonblank = (text != "").to_numpy()
    if nonblank.any() and is_measure_header(col):
        num, bad = parse_numbers(v, hint=decimal)
        not_finite = bad & text.map(_is_python_float).to_numpy()
        numbers = nonblank & ~bad & np.isfinite(num)
        leading_zero = text.str.match(r"^0\d").any()
        if numbers.any() and not leading_zero and (bad == not_finite).all():
            for k in np.flatnonzero(not_finite)[:1000]:
                issues.append(
                    RowIssue(int(rows[k]), col, f"{text.iloc[k]!r} is not a number; left blank")
                )
            return num
    return text.to_numpy()


def _is_python_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
