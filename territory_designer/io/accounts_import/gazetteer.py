"""Offline postal-code and city centroids.

US ZIP centroids come from the ``zipcodes`` package (about 42,000 codes, every type),
loaded once per process. City + state centroids are the mean of the centroids of the
city's ZIP codes. Other countries can be added from a user CSV with the columns
``postal_code, lat, lon`` and optionally ``country`` (and ``city``, ``state``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError
from territory_designer.io.accounts_import.values import (
    as_text,
    normalize_city,
    normalize_country,
    normalize_postal,
    normalize_state,
)


def _key(country: pd.Series, *parts: pd.Series) -> pd.Series:
    out = country.astype(str)
    for p in parts:
        out = out + "|" + p.astype(str).str.replace(" ", "", regex=False)
    return out


@dataclass
class Gazetteer:
    """Centroids (lat, lon) by postal code and by city, keyed per country."""

    postal: pd.DataFrame  # index "US|01040", columns lat, lon
    city: pd.DataFrame  # index "US|MA|HOLYOKE", columns lat, lon

    def lookup_postal(self, country: pd.Series, code: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude per row (NaN where unknown)."""
        return self._lookup(self.postal, _key(country, code))

    def lookup_city(
        self, country: pd.Series, state: pd.Series, city: pd.Series
    ) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude of city + state per row (NaN where unknown)."""
        return self._lookup(self.city, _key(country, state, city))

    @staticmethod
    def _lookup(table: pd.DataFrame, keys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        pos = table.index.get_indexer(keys.to_numpy())
        lat = np.where(pos >= 0, table["lat"].to_numpy()[pos], np.nan)
        lon = np.where(pos >= 0, table["lon"].to_numpy()[pos], np.nan)
        return lat, lon

    def with_csv(self, path: Path | str, country: str = "US") -> Gazetteer:
        """A gazetteer extended (and overridden) by a user CSV of postal centroids."""
        extra = read_gazetteer_csv(path, country)
        pk = _key(extra["country"], extra["postal_code"])
        postal = pd.DataFrame({"lat": extra["lat"].values, "lon": extra["lon"].values}, index=pk)
        postal = pd.concat([postal, self.postal])
        postal = postal[~postal.index.duplicated(keep="first")]
        city = self.city
        if "city" in extra and "state" in extra:
            ck = _key(extra["country"], extra["state"], extra["city"])
            c = extra.assign(_k=ck.values)[extra["city"] != ""].groupby("_k")[["lat", "lon"]]
            city = pd.concat([c.mean(), self.city])
            city = city[~city.index.duplicated(keep="first")]
        return Gazetteer(postal, city)


def read_gazetteer_csv(path: Path | str, country: str = "US") -> pd.DataFrame:
    """Read ``postal_code, lat, lon[, country, city, state]`` rows (codes kept as text)."""
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name}: cannot read the postal-code file ({exc}).") from exc
    df.columns = [c.strip().lower() for c in df.columns]
    missing = {"postal_code", "lat", "lon"} - set(df.columns)
    if missing:
        raise InputError(
            f"{path.name}: the postal-code file needs the columns postal_code, lat, lon "
            f"(missing {', '.join(sorted(missing))})."
        )
    out = pd.DataFrame(
        {
            "country": normalize_country(df["country"]) if "country" in df else country.upper(),
            "lat": pd.to_numeric(df["lat"], errors="coerce"),
            "lon": pd.to_numeric(df["lon"], errors="coerce"),
        }
    )
    out["country"] = out["country"].replace("", country.upper())
    out["postal_code"] = normalize_postal(df["postal_code"], out["country"])
    if "city" in df and "state" in df:
        out["city"] = normalize_city(df["city"])
        out["state"] = normalize_state(df["state"])
    bad = out["lat"].isna() | out["lon"].isna() | ~out["lat"].between(-90, 90)
    bad |= ~out["lon"].between(-180, 180)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InputError(f"{path.name}, row {row}: latitude/longitude missing or out of range.")
    return out


def _has_centroid(lat: str, lon: str) -> bool:
    """Whether a ``zipcodes`` record has coordinates (not blank, not 0, 0)."""
    try:
        return not (float(lat) == 0.0 and float(lon) == 0.0)
    except (TypeError, ValueError):
        return False


@functools.lru_cache(maxsize=1)
def us_gazetteer() -> Gazetteer:
    """US ZIP and city centroids from the ``zipcodes`` package (built once, cached)."""
    import zipcodes

    # About 870 codes (military, some PO boxes, and Livingston TX's 77352) have no centroid
    # and are stored at 0, 0: placed there they fall in the Gulf of Guinea, and averaged
    # into a city they drag it into the ocean (Livingston TX at 15°N 47°W). Left out, the
    # code is reported unknown and the row can still be placed by city.
    records = [z for z in zipcodes.list_all() if _has_centroid(z["lat"], z["long"])]
    df = pd.DataFrame(
        {
            "zip": [z["zip_code"] for z in records],
            "city": [z["city"] for z in records],
            "state": [z["state"] for z in records],
            "lat": np.array([z["lat"] for z in records], dtype=float),
            "lon": np.array([z["long"] for z in records], dtype=float),
            "standard": [z["zip_code_type"] == "STANDARD" for z in records],
        }
    )
    us = pd.Series("US", index=df.index)
    postal = pd.DataFrame(
        {"lat": df["lat"].values, "lon": df["lon"].values}, index=_key(us, df["zip"])
    )
    postal = postal[~postal.index.duplicated()]
    # City centroids from standard ZIPs where the city has some (PO boxes sit downtown).
    df["ckey"] = _key(us, df["state"], normalize_city(df["city"])).values
    has_std = df.groupby("ckey")["standard"].transform("any")
    use = df[df["standard"] | ~has_std]
    city = use.groupby("ckey")[["lat", "lon"]].mean()
    return Gazetteer(postal, city)


def gazetteer_for(extra_csv: Path | str | None = None) -> Gazetteer:
    """The US gazetteer, extended by a user CSV when given."""
    g = us_gazetteer()
    return g.with_csv(extra_csv) if extra_csv else g


__all__ = ["Gazetteer", "as_text", "gazetteer_for", "read_gazetteer_csv", "us_gazetteer"]
