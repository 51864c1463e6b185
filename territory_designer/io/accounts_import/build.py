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
from territory_designer.io.accounts_import.gazetteer import Gazetteer
from territory_designer.io.accounts_import.locate import LocateInput, LocateResult, locate
from territory_designer.io.accounts_import.parsing import RowIssue, parse_rows, resolve_mapping
from territory_designer.io.accounts_import.reading import RawTable
from territory_designer.io.accounts_import.totals import drop_totals_rows
from territory_designer.io.accounts_import.values import as_text, normalize_city

#: Text fields the locator reads (blank when the file has no such column).
LOCATION_TEXT = ("postal_code", "city", "state", "country")


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
    inp = _locate_input(raw, parsed, mapping, aggregated=aggregate_by is not None)
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
    notes += _location_notes(parsed, loc)
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


def _locate_input(
    raw: RawTable, parsed: pd.DataFrame, mapping: dict, aggregated: bool
) -> LocateInput:
    """The location columns of the parsed rows, as :func:`locate` reads them.

    A coordinate counts as given when its cell held anything, even text that is not a
    number (the row is then listed as invalid, not as having no location); after
    aggregation only the rolled-up numbers are left to tell.
    """
    n = len(parsed)
    lat = parsed["latitude"].to_numpy(float) if "latitude" in parsed else np.full(n, np.nan)
    lon = parsed["longitude"].to_numpy(float) if "longitude" in parsed else np.full(n, np.nan)
    given = np.zeros(n, dtype=bool)
    for f in ("latitude", "longitude"):
        if mapping.get(f) and not aggregated:
            given |= (as_text(raw.data[mapping[f]]) != "").to_numpy()
        elif f in parsed:
            given |= np.isfinite(parsed[f].to_numpy(float))
    return LocateInput(
        lat,
        lon,
        parsed["postal_code"],
        normalize_city(parsed["city"]),
        parsed["state"],
        parsed["country"].replace("", "US"),
        given,
        parsed.get("postal_raw"),
    )


def _location_notes(parsed: pd.DataFrame, loc: LocateResult) -> list[str]:
    """What the locator corrected or decided on its own, for the import summary."""
    notes = []
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
    return notes


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
