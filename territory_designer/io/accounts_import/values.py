"""Parse cell values the way people type them, a whole column at a time (vectorised).

Numbers: ``"$1,234.50"``, ``"1.234,50"``, ``"12%"``, ``"(300)"``, numbers stored as text.
Dates: real dates, Excel serial numbers, text in the common orders. Postal codes: US ZIPs
that lost their leading zero when Excel turned them into numbers (1040 means 01040), and
ZIP+4. Each parser returns the parsed values and a mask of cells that held something that
could not be parsed, so the caller can name the rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

_CURRENCY = r"[$€£¥₹]|\b(?:USD|EUR|GBP|CAD|AUD|CHF|JPY)\b"
_SPACES = r"[\s\u00a0\u202f\u2009']"
# 1.234,56 / 1234,5 / 1.234.567 (thousands dots) -> decimal comma
_EU_DECIMAL = r"^-?\d{1,3}(?:\.\d{3})*,\d+$|^-?\d+,(?:\d{1,2}|\d{4,})$|^-?\d{1,3}(?:\.\d{3}){2,}$"
# 1,234.56 / 1234.5 / 1,234,567 -> decimal point
_US_DECIMAL = r"^-?\d{1,3}(?:,\d{3})*\.\d+$|^-?\d+\.(?:\d{1,2}|\d{4,})$|^-?\d{1,3}(?:,\d{3}){2,}$"
_FLOATS = [float, np.float64, np.float32]
_NUMBERS = [int, float, bool, np.int64, np.float64, np.int32, np.float32]
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Microseconds reach 9999-12-31 (a common "no end date"); nanoseconds stop in 2262.
_DATES = "datetime64[us]"
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M",
)


def on_uniques(fn):  # noqa: ANN001, ANN201 - decorator
    """Apply a column parser to the distinct values only, then spread the result back.

    Customer lists repeat values a lot (postal codes, cities, states, amounts); parsing
    the distinct values keeps a million-row import to seconds without pyarrow.
    """

    def wrapper(values: pd.Series, *args: object, **kwargs: object):  # noqa: ANN202
        s = pd.Series(values, dtype=object, copy=False)
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        if len(uniques) > 0.5 * len(s) or len(s) < 1000:
            return fn(s, *args, **kwargs)
        u = pd.Series(np.r_[np.asarray(uniques, dtype=object), [None]], dtype=object)
        out = fn(u, *args, **kwargs)
        codes = np.where(codes < 0, len(u) - 1, codes)
        if isinstance(out, tuple):
            return tuple(_take(o, codes, s.index) for o in out)
        return _take(out, codes, s.index)

    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = fn.__name__
    return wrapper


def _take(out: object, codes: np.ndarray, index: pd.Index) -> object:
    if isinstance(out, pd.Series):
        return pd.Series(out.to_numpy()[codes], index=index, dtype=out.dtype)
    return np.asarray(out)[codes]


@on_uniques
def as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped text; blanks become ``""``; whole floats lose their ``.0``."""
    s = pd.Series(values, dtype=object, copy=False)
    out = s.astype(object).where(s.notna(), "")
    is_float = out.map(type).isin(_FLOATS)
    if is_float.any():
        f = out[is_float].astype(float)
        whole = np.isfinite(f) & (f == np.round(f))
        out.loc[f.index[whole]] = f[whole].astype(np.int64).astype(str)
    return out.astype(str).str.strip()


def detect_decimal(text: pd.Series, hint: str = ".") -> str:
    """``","`` when the column's unambiguous values use a decimal comma, else ``"."``."""
    sample = text[text != ""].head(5000).str.replace(_CURRENCY, "", regex=True)
    sample = sample.str.replace(_SPACES, "", regex=True).str.strip("%()")
    eu = int(sample.str.match(_EU_DECIMAL).sum())
    us = int(sample.str.match(_US_DECIMAL).sum())
    if eu == us:
        return hint
    return "," if eu > us else "."


@on_uniques
def parse_numbers(values: pd.Series, decimal: str | None = None, hint: str = ".") -> tuple:
    """Parse a column of numbers as people type them.

    Parameters
    ----------
    values : pandas.Series
        Raw cells (numbers, text or blanks).
    decimal : {".", ","}, optional
        Decimal separator; detected from the column when None.
    hint : str
        Separator assumed when the column does not tell (``","`` for ``;``-separated CSV).

    Returns
    -------
    numbers : numpy.ndarray of float
        NaN for blanks, unparsable cells and values that are not finite.
    bad : numpy.ndarray of bool
        Cells that held text that is not a number, a value that is not finite
        (``inf``, ``Infinity``, ``1e309``, ``NaN``) or something else (a date).
    """
    s = pd.Series(values, dtype=object, copy=False)
    kinds = s.map(type)
    is_number = kinds.isin(_NUMBERS).to_numpy()
    numeric = pd.to_numeric(s.where(is_number), errors="coerce")
    out = np.array(numeric.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    # inf, NaN and 1e309 are numbers to Python but no amount: sums and means break on them.
    not_finite = is_number & ~np.isfinite(out)
    out[not_finite] = np.nan
    is_text = kinds.isin([str])
    # A date or a time where a number belongs is a wrong cell too, not a blank one.
    not_finite |= ~(is_number | is_text.to_numpy() | s.isna().to_numpy())
    if not is_text.any():
        return out, not_finite
    text = s[is_text].str.strip()
    blank = text == ""
    t = text[~blank]
    pct = t.str.endswith("%")
    neg = t.str.match(r"^\(.*\)$") | t.str.endswith("-")
    t = t.str.replace(_CURRENCY, "", regex=True).str.replace(_SPACES, "", regex=True)
    t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.rstrip("%").str.rstrip("-")
    dec = decimal or detect_decimal(t, hint)
    # A value with both separators says which one is its decimal (the last one), whatever
    # the column's majority: "1.234,50" next to "$12,345.00" is 1234.5, not 1.2345.
    both = t.str.contains(",", regex=False) & t.str.contains(".", regex=False)
    comma_last = both & (t.str.rfind(",") > t.str.rfind("."))
    eu = comma_last | (~both & (dec == ","))
    t = t.where(~eu, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    t = t.where(eu, t.str.replace(",", "", regex=False))
    parsed = pd.to_numeric(t, errors="coerce")
    parsed = parsed.where(~pct, parsed / 100.0).where(~neg, -parsed.abs())
    pos = np.flatnonzero(is_text.to_numpy())
    nonblank_pos = pos[~blank.to_numpy()]
    parsed_values = parsed.to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(parsed_values)
    out[nonblank_pos] = np.where(finite, parsed_values, np.nan)
    bad = not_finite.copy()
    bad[nonblank_pos] = ~finite
    return out, bad


@on_uniques
def parse_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse dates: real dates, Excel serials (1900 system) and text in common orders.

    Returns the dates (``NaT`` for blanks and failures) and the mask of unparsable cells.
    """
    s = pd.Series(values, dtype=object, copy=False).reset_index(drop=True)
    out = pd.Series(pd.NaT, index=s.index, dtype=_DATES)
    kinds = s.map(type)
    is_date = kinds.isin([dt.datetime, dt.date, pd.Timestamp])
    if is_date.any():
        out[is_date] = pd.to_datetime(s[is_date], errors="coerce")
    is_num = kinds.isin(_NUMBERS)
    if is_num.any():
        serial = pd.to_numeric(s[is_num], errors="coerce")
        ok = serial.between(1, 2958465)
        out[serial.index[ok]] = EXCEL_EPOCH + pd.to_timedelta(serial[ok], unit="D")
    is_text = kinds.isin([str]) & (s.astype(str).str.strip() != "")
    if is_text.any():
        text = s[is_text].astype(str).str.strip()
        out[text.index] = _parse_text_dates(text)
    bad = ((is_text | is_num) & out.isna()).to_numpy()
    return out, bad


def _parse_text_dates(text: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=text.index, dtype=_DATES)
    numeric = pd.to_numeric(text, errors="coerce")
    serial = numeric.between(1, 2958465) & text.str.fullmatch(r"\d+(\.\d+)?")
    if serial.any():
        result[serial] = EXCEL_EPOCH + pd.to_timedelta(numeric[serial], unit="D")
    rest = text[~serial & result.isna()]
    sample = rest.head(500)
    scores = []
    for fmt in _DATE_FORMATS:
        ok = pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum()
        scores.append((int(ok), fmt))
    for _, fmt in sorted(scores, key=lambda p: -p[0]):
        if rest.empty or _ == 0:
            break
        parsed = pd.to_datetime(rest, format=fmt, errors="coerce")
        result[parsed.index[parsed.notna()]] = parsed[parsed.notna()]
        rest = rest[parsed.isna()]
    return result


def normalize_postal(values: pd.Series, country: pd.Series | None = None) -> pd.Series:
    """Postal codes as text; US ZIPs padded to five digits and ZIP+4 cut to five.

    A value counts as a US ZIP when the row's country is blank or the United States
    (``country`` already normalised with :func:`normalize_country`).
    """
    us_codes = _postal_us(values)
    if country is None:
        return us_codes
    us = pd.Series(country, copy=False).isin(["", "US"]).to_numpy()
    if us.all():
        return us_codes
    other = postal_text(values)
    return pd.Series(np.where(us, us_codes.to_numpy(), other.to_numpy()), index=us_codes.index)


@on_uniques
def postal_text(values: pd.Series) -> pd.Series:
    """Postal codes as upper-case text; a code saved as a float (``"27217.0"``) loses ``.0``.

    Excel and database exports write number-typed ZIP columns as ``27217.0``; no postal
    code ends in a decimal part.
    """
    return as_text(values).str.upper().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


@on_uniques
def _postal_us(values: pd.Series) -> pd.Series:
    text = postal_text(values)
    out = text.copy()
    pad = text.str.fullmatch(r"\d{3,5}")
    out[pad] = text[pad].str.zfill(5)
    cut = text.str.fullmatch(r"\d{5}[- ]?\d{4}") | text.str.fullmatch(r"\d{8}")
    out[cut] = text[cut].str.replace(r"[- ]", "", regex=True).str.zfill(9).str[:5]
    return out


_COUNTRIES = {
    "US": "US",
    "USA": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "UNITED STATES": "US",
    "UNITED STATES OF AMERICA": "US",
    "AMERICA": "US",
    "ETATS-UNIS": "US",
    "ESTADOS UNIDOS": "US",
    "VEREINIGTE STAATEN": "US",
}


@on_uniques
def normalize_country(values: pd.Series) -> pd.Series:
    """Country names and codes as upper-case codes (United States variants become US)."""
    text = as_text(values).str.upper()
    return text.map(lambda v: _COUNTRIES.get(v, v))


US_STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
    "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI",
    "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND",
    "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA",
    "PUERTO RICO": "PR", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA",
    "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
}  # fmt: skip


@on_uniques
def normalize_state(values: pd.Series) -> pd.Series:
    """State names as upper-case text; US state names become their two-letter codes."""
    text = as_text(values).str.upper().str.replace(".", "", regex=False)
    return text.map(lambda v: US_STATES.get(v, v))


@on_uniques
def normalize_city(values: pd.Series) -> pd.Series:
    """City names upper-cased with spacing and the abbreviations people type (``St.``,
    ``Mt.``, ``Ft.``, ``Pt.``, ``Ste``) folded into the words, for matching."""
    text = as_text(values).str.upper().str.replace(r"[.,']", "", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True)
    return text.str.replace(
        r"^(ST|MT|FT|PT|STE) ", lambda m: _CITY_WORDS[m.group(1)] + " ", regex=True
    )


_CITY_WORDS = {"ST": "SAINT", "MT": "MOUNT", "FT": "FORT", "PT": "POINT", "STE": "SAINTE"}
