"""Sales history: order lines as compact columns (account, day, amount, product).

The lines come from the order rows an aggregating import keeps (``project.transactions``,
see :mod:`territory_designer.io.accounts_import.aggregate`) or from a separate sales import
(``import-sales``); both store the same table. Here they become numpy columns that the
period figures (:mod:`territory_designer.core.performance`) group with ``bincount`` and
``unique``, fast enough for millions of lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_designer.core.errors import InputError

#: Columns of a stored order-line table that the history reads.
ACCOUNT_COLUMN = "account_id"
DATE_COLUMN = "order_date"
AMOUNT_COLUMN = "revenue"
PRODUCT_COLUMN = "product_line"

#: Period kinds and how many months one period spans.
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass
class SalesHistory:
    """Order lines as columns.

    Attributes
    ----------
    account : numpy.ndarray
        Per line, the index of its account in ``account_ids`` (int32).
    account_ids : numpy.ndarray
        Distinct account ids (object array of str).
    month : numpy.ndarray
        Per line, months since January 1970 (int32): the period every figure builds on.
    amount : numpy.ndarray
        Per line, the amount (float64; a credit note is negative).
    product : numpy.ndarray or None
        Per line, the index of its product in ``products`` (-1 when blank).
    products : list of str
        Distinct products.
    skipped : int
        Lines left out because their date or amount was missing.
    """

    account: np.ndarray
    account_ids: np.ndarray
    month: np.ndarray
    amount: np.ndarray
    product: np.ndarray | None = None
    products: list[str] | None = None
    skipped: int = 0

    def __len__(self) -> int:
        return int(self.amount.size)

    @classmethod
    def from_frame(
        cls,
        lines: pd.DataFrame,
        account: str = ACCOUNT_COLUMN,
        date: str = DATE_COLUMN,
        amount: str = AMOUNT_COLUMN,
        product: str | None = PRODUCT_COLUMN,
        source: str = "order lines",
    ) -> SalesHistory:
        """Columns from a table of order lines (dates as datetimes or ISO text).

        Raises
        ------
        InputError
            When a needed column is missing (named, with the ``source``).
        """
        for col, what in ((account, "account"), (date, "order date"), (amount, "amount")):
            if col not in lines.columns:
                raise InputError(
                    f"{source}: no {what} column {col!r} (columns: "
                    f"{', '.join(map(str, lines.columns))})."
                )
        day = _as_datetime(lines[date])
        value = pd.to_numeric(lines[amount], errors="coerce").to_numpy(dtype=float)
        ids = lines[account].astype(str).to_numpy()
        ok = ~np.isnat(day) & np.isfinite(value) & (ids != "")
        months = day[ok].astype("datetime64[M]").astype(np.int64).astype(np.int32)
        codes, uniques = pd.factorize(ids[ok])
        prod = names = None
        if product and product in lines.columns:
            p_codes, p_uniques = pd.factorize(
                lines[product].astype(str).to_numpy()[ok], use_na_sentinel=True
            )
            prod = p_codes.astype(np.int32)
            names = [str(u) for u in p_uniques]
        return cls(
            codes.astype(np.int32),
            np.asarray(uniques, dtype=object),
            months,
            value[ok],
            prod,
            names,
            int((~ok).sum()),
        )

    @classmethod
    def of_project(cls, project: object) -> SalesHistory:
        """The history stored in a project (order lines of an import).

        Raises
        ------
        InputError
            When the project holds no order lines, or they have no dates or amounts.
        """
        lines = getattr(project, "transactions", None)
        if lines is None or not len(lines):
            raise InputError(
                "The project holds no order lines: import a sales file with `import-sales`, "
                "or an order-level customer file with --aggregate-by."
            )
        return cls.from_frame(lines, source="the project's order lines")

    def first_month(self) -> int:
        """Earliest month index (months since 1970-01)."""
        return int(self.month.min()) if len(self) else 0

    def last_month(self) -> int:
        """Latest month index."""
        return int(self.month.max()) if len(self) else 0


def _as_datetime(values: pd.Series) -> np.ndarray:
    """datetime64[D] per value, NaT where it is not a date (text, Excel serial or datetime)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy().astype("datetime64[D]")
    text = values.astype(str).str.slice(0, 10)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return parsed.to_numpy().astype("datetime64[D]")


def period_index(months: np.ndarray | int, kind: str) -> np.ndarray:
    """Period number of month indices: months, quarters or years since 1970."""
    return np.asarray(months) // PERIOD_MONTHS[kind]


def period_label(index: int, kind: str) -> str:
    """``2019-12``, ``2019-Q4`` or ``2019`` for a period number of ``kind``."""
    months = int(index) * PERIOD_MONTHS[kind]
    year, month = 1970 + months // 12, months % 12 + 1
    if kind == "month":
        return f"{year:04d}-{month:02d}"
    if kind == "quarter":
        return f"{year:04d}-Q{(month - 1) // 3 + 1}"
    return f"{year:04d}"


def parse_period(text: str) -> tuple[int, str]:
    """``2026-11`` -> (period number, "month"); also ``2026-Q4`` and ``2026``.

    Raises
    ------
    InputError
        When ``text`` is none of these forms.
    """
    t = text.strip().upper()
    try:
        if len(t) == 4 and t.isdigit():
            return int(t) - 1970, "year"
        year, rest = t.split("-")
        if rest.startswith("Q") and rest[1:] in {"1", "2", "3", "4"}:
            return (int(year) - 1970) * 4 + int(rest[1:]) - 1, "quarter"
        if rest.isdigit() and 1 <= int(rest) <= 12:
            return (int(year) - 1970) * 12 + int(rest) - 1, "month"
    except ValueError:
        pass
    raise InputError(f"Period {text!r}: give a month (2026-11), a quarter (2026-Q4) or a year.")


def month_of_date(text: str) -> int:
    """Month index of an ISO date (``2025-01-01``); InputError when not a date."""
    day = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    if pd.isna(day):
        raise InputError(f"{text!r} is not a date (give YYYY-MM-DD).")
    return (day.year - 1970) * 12 + day.month - 1
