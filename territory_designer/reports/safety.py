"""Make user strings safe to open: no formula in spreadsheets, no markup in HTML.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (also after
a tab or carriage return) as a formula, so a territory named ``=HYPERLINK(...)`` could
run when the report is opened ("CSV injection", OWASP). Following OWASP's advice, such
strings get a leading apostrophe, in .xlsx and in .csv alike; numbers stay numbers.
"""

from __future__ import annotations

import html
import math
import numbers
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """A cell value that cannot start a formula.

    Strings starting with a formula character are prefixed with ``'``; numbers, booleans
    and ``None`` are returned unchanged (NaN becomes ``None``, an empty cell).
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if not isinstance(value, str):
        value = str(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_text(value: Any) -> str:
    """``safe_cell`` for a text-only format (CSV): always a string."""
    v = safe_cell(value)
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def escape_html(value: Any) -> str:
    """HTML-escape any value for a page that must hold no markup and no web address.

    Quotes are escaped too, so the text is safe inside attributes; ``://`` becomes
    ``&#58;//``, so a name such as ``http://x`` still reads the same on screen but the page
    links nowhere (an offline page must not even look like it loads from the web).

    Parameters
    ----------
    value : Any
        User text or any value; None gives an empty string.

    Returns
    -------
    str
        Text that ``html.unescape`` turns back into ``str(value)``.
    """
    text = html.escape("" if value is None else str(value), quote=True)
    return text.replace("://", "&#58;//")
