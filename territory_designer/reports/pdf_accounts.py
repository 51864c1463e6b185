"""Every account of a territory in the PDF report, continued over as many pages as needed.

The list a rep takes into the field: account id and name, city and segment where the
accounts have them, and the figures that matter (the balanced field first, then revenue,
potential, visits…), largest first. The rows of a page are one multi-line text in a
monospaced font, columns padded with spaces: a PDF text run per row rather than per cell
keeps a 10,000-account report within its time budget, and so do the PDF core fonts
(Helvetica, Courier: no glyph embedding; see :mod:`~.pdf_fonts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.formatting import clipped
from territory_designer.reports.tables import ReportData, field_label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

#: Text columns shown when the accounts have them.
TEXT_FIELDS = ("city", "segment")
#: Numeric account fields shown at most (the balanced one first).
MAX_FIGURES = 3
#: Figures preferred, in order, after the balanced field.
PREFERRED = ("revenue", "potential", "visits_per_year", "visits")
FONT_SIZE = 6.5
#: Smallest font the list shrinks to when its columns are wide for the box.
MIN_FONT_SIZE = 5.0
LINE_SPACING = 1.3
#: The distance of the rows that matplotlib draws at :data:`LINE_SPACING`, in font sizes:
#: it spaces lines by the height of "lp" in the font, 0.985 in the PDF's Courier (counting
#: 1.3 left a quarter of every list page empty) but 1.3 in the embedded DejaVu Sans Mono
#: that a list with a name outside Windows-1252 is drawn in (:func:`row_pitch`).
ROW_PITCH = 1.02
#: Width of a character of the monospaced font, as a fraction of the font size.
CHAR_WIDTH = 0.602
MONO = "monospace"
DARK = "#1f4e78"


@dataclass
class AccountList:
    """The account rows of one territory, ready to draw: headers, cells, alignment."""

    headers: list[str]
    cells: list[list[str]]  # one list per column
    numeric: list[bool]
    widths: list[int]  # characters per column, gap included

    def __len__(self) -> int:
        return len(self.cells[0]) if self.cells else 0


def figure_fields(data: ReportData) -> list[str]:
    """The numeric account fields listed, the balanced field first."""
    numeric = [
        c
        for c in data.accounts.columns
        if c not in ("pinned",) and data.accounts[c].dtype.kind in "iuf"
    ]
    order = [data.balance_field] + [f for f in PREFERRED] + numeric
    out: list[str] = []
    for f in order:
        if f in numeric and f not in out:
            out.append(f)
    return out[:MAX_FIGURES]


def _number(v: object) -> str:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if f != f:
        return ""
    return f"{f:,.0f}" if abs(f) >= 100 or f.is_integer() else f"{f:,.2f}"


def account_list(data: ReportData, code: int) -> AccountList:
    """Every account of territory ``code``, largest (first figure) first."""
    mine = np.flatnonzero(data.account_code == code)
    acc: pd.DataFrame = data.accounts.iloc[mine]
    figures = figure_fields(data)
    if figures and len(acc):
        acc = acc.sort_values(figures[0], ascending=False, kind="stable")
    texts = [f for f in TEXT_FIELDS if f in acc.columns]
    headers = ["Account", "Name", *[field_label(f) for f in texts]]
    headers += [field_label(f) for f in figures]
    cells = [
        [str(v)[:12] for v in acc["account_id"]],
        [clipped(v, 30) for v in acc["account_name"]],
        *[[("" if str(v) in ("nan", "None") else str(v))[:20] for v in acc[f]] for f in texts],
        *[[_number(v) for v in acc[f]] for f in figures],
    ]
    numeric = [False] * (2 + len(texts)) + [True] * len(figures)
    widths = [
        max(len(h), *(len(c) for c in col)) if len(col) else len(h)
        for h, col in zip(headers, cells, strict=True)
    ]
    return AccountList(headers, cells, numeric, [max(w, 5) + 2 for w in widths])


def font_size(table: AccountList, width_in: float) -> float:
    """The list's font size: :data:`FONT_SIZE`, smaller when its columns are wide."""
    chars = sum(table.widths) * CHAR_WIDTH
    return max(MIN_FONT_SIZE, min(FONT_SIZE, width_in * 72 / max(chars, 1.0)))


def territory_table(data: ReportData) -> AccountList:
    """The cover's table of all territories: rep, units, accounts, the balanced figure,
    its deviation, and the workload where there is one."""
    t = data.territories
    bf = data.balance_field
    headers = ["Territory", "Rep", "Units", "Accounts"]
    cells = [
        [clipped(f"{i} {n}", 26) for i, n in zip(t["id"], t["name"], strict=True)],
        [clipped(o or "", 18) for o in t["owner"]],
        [_number(v) for v in t["units"]],
        [_number(v) for v in t["accounts"]],
    ]
    if bf not in ("units", "accounts") and bf in t.columns:
        headers.append(clipped(field_label(bf), 18))
        cells.append([_number(v) for v in t[bf]])
    headers.append("Dev.")
    cells.append([f"{v:+.1f}%" for v in t["deviation_pct"]])
    numeric = [False, False] + [True] * (len(headers) - 2)
    workload = next((f for f in data.metric_fields if "workload" in f.lower()), None)
    if workload and workload != bf:
        headers.append(clipped(field_label(workload), 14))
        cells.append([_number(v) for v in t[workload]])
        numeric.append(True)
    widths = [
        max(len(h), *(len(c) for c in col)) if len(col) else len(h)
        for h, col in zip(headers, cells, strict=True)
    ]
    return AccountList(headers, cells, numeric, [w + 2 for w in widths])


def row_pitch(table: AccountList) -> float:
    """The distance of ``table``'s rows in font sizes: :data:`ROW_PITCH` in the PDF core
    fonts, :data:`LINE_SPACING` when a cell needs the embedded font (see
    :mod:`~.pdf_fonts`; a page of such rows is drawn in it)."""
    from territory_designer.reports.pdf_fonts import in_core_fonts

    text = "\n".join(["".join(table.headers), *("".join(col) for col in table.cells)])
    return ROW_PITCH if in_core_fonts(text) else LINE_SPACING


def rows_fitting(table: AccountList, width_in: float, height_in: float) -> int:
    """How many account rows fit in a box of ``width_in`` x ``height_in`` inches."""
    line_pt = font_size(table, width_in) * row_pitch(table)
    return max(1, int(height_in * 72 / line_pt) - 4)  # title and header lines


def draw_accounts(
    ax: Axes, table: AccountList, start: int, stop: int, title: str, shrink: bool = False
) -> None:
    """Rows ``start:stop`` of ``table`` in ``ax``, under ``title``; with ``shrink`` the font
    gets smaller (down to 4 pt) until all of those rows fit the height."""
    ax.set_axis_off()
    tr = ax.transAxes
    fig_w, fig_h = ax.figure.get_size_inches()
    box = ax.get_position()
    size = font_size(table, box.width * fig_w)
    if shrink:
        lines = min(stop, len(table)) - start + 4
        size = min(size, max(4.0, box.height * fig_h * 72 / (lines * row_pitch(table))))
    line = size * LINE_SPACING / (box.height * fig_h * 72)  # one line in axes fractions
    ax.text(0, 1, title, fontsize=FONT_SIZE + 3, weight="bold", color=DARK, va="top", transform=tr)
    top = 1 - 2.2 * line
    header = _line(table.headers, table)
    ax.text(0, top, header, fontsize=size, family=MONO, weight="bold", va="top", transform=tr)
    rows = [
        _line([col[i] for col in table.cells], table) for i in range(start, min(stop, len(table)))
    ]
    if rows:
        ax.text(
            0,
            top - 1.3 * line,
            "\n".join(rows),
            fontsize=size,
            family=MONO,
            va="top",
            linespacing=LINE_SPACING,
            transform=tr,
        )
    rule = top - 1.15 * line
    ax.plot([0, 1], [rule, rule], color="#999999", linewidth=0.5, transform=tr)


def _line(values: list[str], table: AccountList) -> str:
    """One row: text left-aligned and figures right-aligned in their column widths."""
    parts = []
    for v, numeric, width in zip(values, table.numeric, table.widths, strict=True):
        w = int(width)
        parts.append(v[:w].rjust(w) if numeric else v[: w - 1].ljust(w))
    return "".join(parts).rstrip()
