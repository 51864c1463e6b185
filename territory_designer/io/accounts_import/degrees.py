"""Coordinates typed as people and GPS tools write them: ``35.7796° N``, ``78°38'17" W``.

Such cells are text, not numbers, so without this step every one of them was unlocated
("not numbers"). The hemisphere letter gives the sign (S and W negative); degrees,
minutes and seconds add up. A cell in any other form is left for the number parser.
"""

from __future__ import annotations

import re

import pandas as pd

_NUMBER = r"\d+(?:[.,]\d+)?"
_DEGREES = re.compile(
    rf"^\s*(?P<sign>[+-]?)\s*(?P<deg>{_NUMBER})\s*(?P<mark>°|º|deg)?\s*"
    rf"(?:(?P<min>{_NUMBER})\s*['′’]\s*(?:(?P<sec>{_NUMBER})\s*(?:\"|″|''|”)\s*)?)?"
    r"(?P<hemi>[NSEWnsew])?\s*$"
)


def degrees_as_numbers(values: pd.Series) -> pd.Series:
    """Text cells in degree notation as signed decimal degrees; other cells unchanged.

    Parameters
    ----------
    values : pandas.Series
        Raw latitude or longitude cells.

    Returns
    -------
    pandas.Series
        The same cells, with ``"35.7796° N"`` -> 35.7796 and ``"78°38'17.5\\" W"`` ->
        -78.638194.
    """
    s = pd.Series(values, dtype=object, copy=False)
    text = s.map(lambda v: isinstance(v, str)).astype(bool)
    if not text.any():
        return s
    parsed = {u: _parse(u) for u in pd.unique(s[text])}
    converted = s[text].map(parsed)
    out = s.copy()
    hit = converted.notna()
    out[converted.index[hit]] = converted[hit].astype(float)
    return out


def _parse(cell: str) -> float | None:
    m = _DEGREES.match(cell)
    # Plain numbers ("35.7796", "-78,6") are the number parser's: only a degree mark,
    # minutes or a hemisphere letter make a cell degree notation.
    if m is None or not (m["mark"] or m["min"] or m["hemi"]):
        return None
    value = _float(m["deg"]) + _float(m["min"]) / 60 + _float(m["sec"]) / 3600
    negative = m["sign"] == "-" or (m["hemi"] or "").upper() in ("S", "W")
    return -value if negative else value


def _float(text: str | None) -> float:
    return float(text.replace(",", ".")) if text else 0.0
