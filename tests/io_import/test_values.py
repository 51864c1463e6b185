"""Values as people type them, parsed a column at a time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from territory_designer.io.accounts_import.headers import detect_header_row, guess_mapping
from territory_designer.io.accounts_import.values import (
    normalize_postal,
    normalize_state,
    parse_dates,
    parse_numbers,
)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["$1,234.50", "2,000", "17"], [1234.5, 2000.0, 17.0]),
        (["1.234,50", "12,5", "3"], [1234.5, 12.5, 3.0]),
        (["12%", "7.5 %"], [0.12, 0.075]),
        (["(300)", "€ 1 200"], [-300.0, 1200.0]),
        ([5, 2.5, None, ""], [5.0, 2.5, np.nan, np.nan]),
        (["1 234,5", "9,75"], [1234.5, 9.75]),
    ],
)
def test_numbers_as_people_type_them(cells: list, expected: list) -> None:
    values, bad = parse_numbers(pd.Series(cells, dtype=object))
    np.testing.assert_allclose(values, expected, equal_nan=True)
    assert not bad.any()


def test_text_in_a_number_column_is_flagged_by_row() -> None:
    values, bad = parse_numbers(pd.Series(["10", "n/a", "call me", 4], dtype=object))
    assert bad.tolist() == [False, True, True, False]
    assert np.isnan(values[1])


def test_dates_real_serial_and_text() -> None:
    cells = [dt.datetime(2024, 3, 1), 45000, "45001", "2024-01-05", "", "soon"]
    dates, bad = parse_dates(pd.Series(cells, dtype=object))
    assert dates[0] == pd.Timestamp("2024-03-01")
    assert dates[1] == pd.Timestamp("2023-03-15")
    assert dates[2] == pd.Timestamp("2023-03-16")
    assert dates[3] == pd.Timestamp("2024-01-05")
    assert pd.isna(dates[4]) and not bad[4]
    assert bad[5]


def test_day_first_dates_are_recognised() -> None:
    dates, _ = parse_dates(pd.Series(["13/01/2024", "05/02/2024"], dtype=object))
    assert list(dates) == [pd.Timestamp("2024-01-13"), pd.Timestamp("2024-02-05")]


def test_postal_codes_regain_leading_zeros_and_lose_plus4() -> None:
    cells = [1040, 1040.0, "02134-1234", "021341234", "SW1A 1AA", 27601, "501", None]
    assert normalize_postal(pd.Series(cells, dtype=object)).tolist() == [
        "01040", "01040", "02134", "02134", "SW1A 1AA", "27601", "00501", "",
    ]  # fmt: skip


def test_non_us_postal_codes_are_not_padded() -> None:
    country = pd.Series(["CH", "US"])
    assert normalize_postal(pd.Series(["8001", "8001"]), country).tolist() == ["8001", "08001"]


def test_state_names_become_codes() -> None:
    assert normalize_state(pd.Series(["North Carolina", "nc", "N.C."])).tolist() == ["NC"] * 3


def test_mapping_by_header_meaning_in_several_languages() -> None:
    m = guess_mapping(["Kundennummer", "Firma", "PLZ", "Ort", "Umsatz", "Vertreter"])
    assert m["account_id"] == "Kundennummer"
    assert m["name"] == "Firma"
    assert m["postal_code"] == "PLZ"
    assert m["city"] == "Ort"
    assert m["revenue"] == "Umsatz"
    assert m["owner"] == "Vertreter"
    m = guess_mapping(["N° client", "Raison sociale", "Code postal", "Ville", "Latitude", "Lng"])
    assert (m["account_id"], m["postal_code"], m["latitude"], m["longitude"]) == (
        "N° client", "Code postal", "Latitude", "Lng",
    )  # fmt: skip


def test_header_found_under_title_rows_and_absent_from_data() -> None:
    rows = [["Sales report 2026"], [None], ["ID", "Name", "Revenue"], ["A1", "x", 5]]
    assert detect_header_row(rows) == 2
    assert detect_header_row([["A1", "Acme", "Raleigh"], ["A2", "Beta", "Durham"]]) is None
    assert detect_header_row([[1, 2, 3], [4, 5, 6]]) is None


def test_a_value_with_both_separators_keeps_its_own_decimal_in_a_mixed_column():
    values = pd.Series(["$12,345.00", "1.234,50", 5000, "2,000.5"], dtype=object)
    numbers, bad = parse_numbers(values)
    assert numbers.tolist() == [12345.0, 1234.5, 5000.0, 2000.5]
    assert not bad.any()
