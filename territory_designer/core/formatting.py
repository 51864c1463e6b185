"""How figures and field names read, the same in the dock, the toolbar and every report.

The balance dock, the Excel, PDF and HTML reports all label a metric with
:func:`field_label` and print a figure with :func:`format_number`, so a planner finds the
heading and the number shown while painting again, as typed, in what was handed over.
"""

from __future__ import annotations

import math

from territory_designer.core.criterion import criterion_label


def field_label(name: object) -> str:
    """A heading for a metric name or a weighted mix key.

    Parameters
    ----------
    name : object
        A weight field (``visits_per_year``) or a mix key (``accounts=0.6,revenue=0.4``);
        anything else is read as its text.

    Returns
    -------
    str
        ``Visits per year``; ``Accounts 60% + revenue 40%``.
    """
    return criterion_label(str(name))


def format_number(value: float) -> str:
    """A figure as planners read it: thousands separators, two decimals only when small.

    Parameters
    ----------
    value : float
        The figure.

    Returns
    -------
    str
        ``12,346`` for 12345.6, ``7`` for 7.0, ``3.14`` for 3.14159.
    """
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def format_figure(value: object, kind: str = "float") -> str:
    """A table cell of a report: text as it is, blank for a missing value, else a figure.

    Parameters
    ----------
    value : object
        Text, None, or a number (NaN reads as missing).
    kind : {"float", "int", "pct", "ratio"}
        ``pct`` takes a fraction (0.052 -> ``+5.2%``), ``ratio`` keeps three decimals
        (a Polsby-Popper score), ``int`` never shows decimals, ``float`` reads as
        :func:`format_number`.

    Returns
    -------
    str
        The cell's text.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    v = float(value)  # type: ignore[arg-type]
    if v != v:
        return ""
    if kind == "pct":
        return f"{v * 100:+.1f}%"
    if kind == "ratio":
        return f"{v:.3f}"
    if kind == "int":
        return f"{v:,.0f}"
    return format_number(v)


def clipped(text: object, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in "…" when it was cut.

    A bare cut can read as something else: "Accounts moved vs Baseline 2026" cut to
    "… Baseline 202" looks like a count of 202.
    """
    s = str(text)
    return s if len(s) <= width else s[: max(width - 1, 0)] + "…"


def round_length(limit: float) -> float:
    """The longest round length (1, 2 or 5 times a power of ten) not above ``limit``.

    Scale bars on the map window and in the reports take their length from it.
    """
    limit = max(float(limit), 1e-9)
    power = 10 ** math.floor(math.log10(limit))
    return float(max(m * power for m in (1, 2, 5) if m * power <= limit))
