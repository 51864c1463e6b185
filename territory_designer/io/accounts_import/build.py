"""Turn a :class:`RawTable` and a column mapping into a complete account table.

Nothing here touches the project: the caller swaps the finished table in (see
:func:`territory_designer.io.accounts_import.importer.import_accounts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.core.feedback import Feedback
from territory_designer.core.units import UnitLayer
from territory_designer.io.accounts_import.aggregate import (
    CUSTOMER_COLUMN,
    aggregate,
    aggregation_rules,
    order_id_column,
)
from territory_designer.io.accounts_import.column_kinds import is_measure_header
from territory_designer.io.accounts_import.degrees import degrees_as_numbers
from territory_designer.io.accounts_import.gazetteer import Gazetteer
from territory_designer.io.accounts_import.headers import (
    FIELDS,
    NUMERIC_FIELDS,
    contradicted_guesses,
    guess_mapping,
    unmapping_note,
)
from territory_designer.io.accounts_import.locate import LocateInput, LocateResult, locate
from territory_designer.io.accounts_import.reading import RawTable
from territory_designer.io.accounts_import.totals import drop_totals_rows
from territory_designer.io.accounts_import.values import (
    as_text,
    normalize_city,
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
LOCATION_TEXT = ("postal_code", "city", "state", "country")
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


@dataclass
class Built:
    """The finished accounts and everything the report needs."""

    accounts: pd.DataFrame
    located: LocateResult
    transactions: pd.DataFrame | None
    mapping: dict[str, str | None]
    issues: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: File column -> how it was combined over a customer's rows (aggregated imports).
    aggregation: dict[str, str] = field(default_factory=dict)
    customers: int = 0
    multi_location: int = 0


class RepeatedIdsError(InputError):
    """Account ids repeat: the sheet holds one row per order line, not per account.

    ``column`` is the id column; front ends add how to aggregate (a flag, a checkbox).
    """

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.column = column


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


def _check_ids(raw: RawTable, parsed: pd.DataFrame, mapping: dict, issues: list) -> None:
    col = mapping["account_id"]
    if col is None:
        parsed["account_id"] = [f"row-{r}" for r in parsed["source_row"]]
        return
    ids = parsed["account_id"]
    blank = (ids == "").to_numpy()
    for k in np.flatnonzero(blank)[:1000]:
        r = int(parsed["source_row"].iloc[k])
        issues.append(RowIssue(r, col, f"no account id; given the id row-{r}"))
    if blank.any():
        parsed.loc[blank, "account_id"] = [f"row-{r}" for r in parsed["source_row"][blank]]
    dup = parsed["account_id"].duplicated(keep=False).to_numpy()
    if dup.any():
        first_id = parsed["account_id"][dup].iloc[0]
        rows = parsed["source_row"][parsed["account_id"] == first_id].tolist()
        n_ids = parsed["account_id"][dup].nunique()
        raise RepeatedIdsError(
            f"{raw.where(column=col)}: account id {first_id!r} appears on rows "
            f"{', '.join(map(str, rows[:5]))}"
            + (f" ({n_ids - 1} more ids are repeated)" if n_ids > 1 else "")
            + ". Each row must be one account; a sheet with one row per order line needs "
            "its rows aggregated by the customer column.",
            col,
        )


def build_accounts(
    raw: RawTable,
    units: UnitLayer,
    gazetteer: Gazetteer,
    mapping: dict[str, str | None] | None = None,
    aggregate_by: str | None = None,
    strict: bool = False,
    units_are_postal: bool | None = None,
    feedback: Feedback | None = None,
    aggregation: dict[str, str] | None = None,
    sites: bool = False,
) -> Built:
    """Parse, optionally aggregate, locate and join: a complete account table.

    ``aggregation`` (file column -> sum, mean, first or ignore) overrides the rules
    guessed from the headers; ``sites`` makes one account per customer and location.
    Both apply only with ``aggregate_by``.
    """
    feedback = feedback or Feedback()
    issues = [RowIssue(row, col, message) for row, col, message in raw.cell_issues]
    notes: list[str] = []
    mapping = resolve_mapping(raw, mapping, notes)
    if aggregate_by is not None:
        if aggregate_by not in raw.columns:
            raise InputError(f"{raw.where()}: no column {aggregate_by!r} to aggregate by.")
        mapping = {f: (None if c == aggregate_by else c) for f, c in mapping.items()}
        mapping["account_id"] = aggregate_by
    raw, totals = drop_totals_rows(raw, mapping)
    issues += [RowIssue(row, col, message) for row, col, message in totals]
    feedback.set_progress(62, "Parsing values")
    sources: dict[str, str] = {}
    parsed = parse_rows(raw, mapping, strict, issues, sources, notes)
    feedback.check_canceled()
    for f in ("account_id", "name", *LOCATION_TEXT):
        if f not in parsed:
            parsed[f] = ""
    transactions = None
    rules_by_column: dict[str, str] = {}
    customers = multi_location = 0
    if aggregate_by is not None:
        _blank_ids_to_rows(parsed, issues, aggregate_by)
        transactions = parsed.copy()
        rules, rules_by_column = aggregation_rules(raw, parsed, sources, aggregation or {})
        order_col = order_id_column(sources)
        rolled = aggregate(parsed, "account_id", rules, sites, order_col)
        if sites:  # order lines point at their site and keep their customer
            transactions[CUSTOMER_COLUMN] = transactions["account_id"]
            transactions["account_id"] = rolled.row_accounts
        parsed, customers, multi_location = rolled.accounts, rolled.customers, rolled.multi_location
    elif aggregation or sites:
        raise InputError(
            f"{raw.where()}: aggregation rules and sites apply only when rows are "
            "aggregated by a customer column."
        )
    else:
        _check_ids(raw, parsed, mapping, issues)
    feedback.set_progress(70, "Locating accounts")
    lat = (
        parsed["latitude"].to_numpy(float) if "latitude" in parsed else np.full(len(parsed), np.nan)
    )
    lon = (
        parsed["longitude"].to_numpy(float)
        if "longitude" in parsed
        else np.full(len(parsed), np.nan)
    )
    given = np.zeros(len(parsed), dtype=bool)
    for f in ("latitude", "longitude"):
        if mapping.get(f) and aggregate_by is None:
            given |= (as_text(raw.data[mapping[f]]) != "").to_numpy()
        elif f in parsed:
            given |= np.isfinite(parsed[f].to_numpy(float))
    country = parsed["country"].replace("", "US")
    inp = LocateInput(
        lat,
        lon,
        parsed["postal_code"],
        normalize_city(parsed["city"]),
        parsed["state"],
        country,
        given,
        parsed.get("postal_raw"),
    )
    loc = locate(inp, units, gazetteer, units_are_postal)
    feedback.check_canceled()
    feedback.set_progress(85, "Building accounts")
    if aggregate_by is None and mapping.get("latitude") and mapping.get("longitude"):
        n_before = len(issues)
        _coordinate_issues(parsed, loc, mapping, issues)
        if strict and len(issues) > n_before:
            first = issues[n_before]
            raise InputError(f"{raw.where(first.row, first.column)}: {first.message}.")
    accounts = _assemble(parsed, loc)
    if loc.swapped:
        notes.append("Latitude and longitude columns were swapped in the file; corrected.")
    if loc.rows_swapped is not None and loc.rows_swapped.size:
        rows = parsed["source_row"].to_numpy()[loc.rows_swapped]
        listed = ", ".join(str(int(r)) for r in rows[:10])
        more = f" and {rows.size - 10} more" if rows.size > 10 else ""
        notes.append(
            f"Latitude and longitude were swapped on {rows.size} row(s) ({listed}{more}); "
            "corrected."
        )
    if loc.used_unit_codes:
        notes.append("Postal codes matched the units' own codes (units are postal areas).")
    return Built(
        accounts,
        loc,
        transactions,
        mapping,
        issues,
        notes,
        rules_by_column,
        customers,
        multi_location,
    )


def _coordinate_issues(
    parsed: pd.DataFrame, loc: LocateResult, mapping: dict, issues: list
) -> None:
    lat = parsed["latitude"].to_numpy(float)
    lon = parsed["longitude"].to_numpy(float)
    if loc.swapped:
        lat, lon = lon, lat
    if loc.rows_swapped is not None and loc.rows_swapped.size:
        # Rows typed the wrong way round were corrected: not a problem to report.
        lat, lon = lat.copy(), lon.copy()
        lat[loc.rows_swapped], lon[loc.rows_swapped] = np.nan, np.nan
    rows = parsed["source_row"].to_numpy()
    for k in np.flatnonzero(np.isfinite(lat) & (np.abs(lat) > 90))[:1000]:
        issues.append(
            RowIssue(
                int(rows[k]), mapping["latitude"], f"latitude {lat[k]:g} is out of range -90..90"
            )
        )
    for k in np.flatnonzero(np.isfinite(lon) & (np.abs(lon) > 180))[:1000]:
        issues.append(
            RowIssue(
                int(rows[k]),
                mapping["longitude"],
                f"longitude {lon[k]:g} is out of range -180..180",
            )
        )


def _blank_ids_to_rows(parsed: pd.DataFrame, issues: list, col: str) -> None:
    blank = (parsed["account_id"] == "").to_numpy()
    for k in np.flatnonzero(blank)[:1000]:
        r = int(parsed["source_row"].iloc[k])
        issues.append(RowIssue(r, col, f"no customer; kept as its own account row-{r}"))
    if blank.any():
        parsed.loc[blank, "account_id"] = [f"row-{r}" for r in parsed["source_row"][blank]]


def _assemble(parsed: pd.DataFrame, loc: LocateResult) -> pd.DataFrame:
    t = parsed.drop(columns=[c for c in ("latitude", "longitude", "postal_raw") if c in parsed])
    name = t["name"].where(t["name"] != "", t["account_id"])
    for col in ("first_order", "last_order", "order_date"):
        if col in t:  # dates as ISO text: portable through the GeoPackage
            t[col] = t[col].dt.strftime("%Y-%m-%d").fillna("").astype(object)
    head = pd.DataFrame(
        {
            "account_id": t["account_id"].astype(str).to_numpy(),
            "name": name.astype(str).to_numpy(),
            "x": loc.x,
            "y": loc.y,
            "unit": loc.unit,
            "located_by": loc.located_by.astype(str),
        }
    )
    rest = t.drop(columns=["account_id", "name"]).reset_index(drop=True)
    rest["source_row"] = rest["source_row"].astype(str)
    rest["unlocated_reason"] = loc.reason.astype(str)
    return pd.concat([head, rest], axis=1)
