"""A table model over attribute columns (:class:`~territory_designer.core.attribute_fields.Field`).

Rows are read lazily: the model holds the columns as the project's own arrays and a
permutation ``rows`` (view row -> source row) that sorting (numpy argsort) and filtering
(a boolean mask) rebuild; a cell's text is made when Qt asks for it. No per-cell object
is built up front, so 30,000 units open at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from territory_designer.core.attribute_fields import FLAG, NUMBER, Field
from territory_designer.core.attribute_query import QueryError, match, parse_query

_Index = QModelIndex | QPersistentModelIndex
#: Columns an edit of the plan changes (the others change only with a reload).
EDITED_COLUMNS = frozenset({"territory", "locked", "pinned"})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


#: Columns whose largest number reaches this show thousands separators (money, counts);
#: smaller ones (years, ZIP codes kept as numbers) read better without.
GROUPED_FROM = 100_000


def cell_text(value: object, kind: str, grouped: bool = False) -> str:
    """A cell as the table shows it: numbers in full (no exponent; with thousands
    separators when ``grouped``), flags as ``yes``."""
    if kind == FLAG:
        return "yes" if bool(value) else ""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer() and abs(value) < 1e15:
            return f"{int(value):,}" if grouped else str(int(value))
        if grouped:  # money and counts in the thousands: cents only clutter
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"
        return f"{value:.12g}"
    if grouped and isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _large(values: np.ndarray) -> bool:
    v = pd.to_numeric(pd.Series(values), errors="coerce").abs()
    return bool(v.max() >= GROUPED_FROM) if v.notna().any() else False


def number_texts(values: np.ndarray) -> np.ndarray:
    """:func:`cell_text` of a whole numeric column, vectorised."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    out = np.full(v.size, "", dtype=object)
    finite = np.isfinite(v)
    whole = finite & (v == np.round(v)) & (np.abs(v) < 1e15)
    out[whole] = v[whole].astype(np.int64).astype(str)
    other = finite & ~whole
    out[other] = np.char.mod("%.12g", v[other])
    return out


def _cell_for_sheet(text: str) -> str:
    """One cell for a pasted table: no tabs or line breaks inside, and never a formula
    (user data starting with = + - @ is quoted, as the Excel exports do)."""
    text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    if text[:1] in ("=", "+", "@") or (text[:1] == "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class AttributeTableModel(QAbstractTableModel):
    """Rows of units or accounts under their field names, sortable and filterable.

    Parameters
    ----------
    read_fields : callable
        Returns the current columns; read by :meth:`reload` (the model is empty until
        then, so a table nobody opened costs nothing).
    colors : callable, optional
        Returns one ``#rrggbb`` (or '') per source row: the territory colour shown as a
        swatch in the ``territory`` column.
    """

    def __init__(
        self,
        read_fields: Callable[[], list[Field]],
        colors: Callable[[], np.ndarray] | None = None,
    ) -> None:
        super().__init__()
        self._read_fields = read_fields
        self._read_colors = colors
        self.fields: list[Field] = []
        self._colors: np.ndarray | None = None
        self._qcolors: dict[str, QColor] = {}
        self._n = 0
        self.rows = np.empty(0, dtype=np.int64)
        self._sort_key: str | None = None
        self._descending = False
        self._filter = ""
        self._subset: np.ndarray | None = None
        self.filter_message = ""
        self._texts: dict[str, pd.Series] = {}
        self._grouped: set[str] = set()

    # -- data -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the columns again and re-apply the sort and filter (after an edit)."""
        self.beginResetModel()
        self._read()
        self.rows = self._compute_rows()
        self.endResetModel()

    def refresh_values(self) -> None:
        """Read the columns again after an edit. Rows move only when sorted or filtered
        (a paint stroke on a plain table just repaints); the owner re-selects rows then."""
        # Edits change territories, locks and pins only: keep the other columns' texts
        # for the plain-text filter (rebuilt in full by reload()).
        kept = {k: v for k, v in self._texts.items() if k not in EDITED_COLUMNS}
        if self._filter or self._sort_key or self._subset is not None:
            self.layoutAboutToBeChanged.emit()
            self._read()
            self._texts = kept
            self.rows = self._compute_rows()
            self.layoutChanged.emit()
            return
        self._read()
        self._texts = kept
        if self.rows.size and self.fields:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rows.size - 1, len(self.fields) - 1)
            )

    def _read(self) -> None:
        self.fields = self._read_fields()
        self._colors = self._read_colors() if self._read_colors else None
        self._n = self.fields[0].values.size if self.fields else 0
        self._texts = {}
        self._grouped = {f.name for f in self.fields if f.kind == NUMBER and _large(f.values)}

    @property
    def total(self) -> int:
        """Rows before filtering."""
        return self._n

    def exact_text(self, row: int, column: int) -> str:
        """A cell's value in full (no thousands separators or rounding), as a query
        matches it."""
        field = self.fields[column]
        return cell_text(field.values[int(self.rows[row])], field.kind)

    def rows_as_tsv(self, source_rows: np.ndarray, limit: int = 100_000) -> str:
        """Tab-separated text of ``source_rows`` (in view order) under a header line, values
        in full, as a spreadsheet pastes it; at most ``limit`` rows."""
        wanted = np.isin(self.rows, np.asarray(source_rows, dtype=np.int64))
        rows = self.rows[wanted][:limit]
        lines = ["\t".join(f.heading for f in self.fields)]
        columns = [
            number_texts(f.values[rows])
            if f.kind == NUMBER
            else np.array([cell_text(v, f.kind) for v in f.values[rows]], dtype=object)
            for f in self.fields
        ]
        for k in range(rows.size):
            lines.append("\t".join(_cell_for_sheet(str(c[k])) for c in columns))
        return "\n".join(lines) + "\n"

    def widest_text(self, column: int) -> str:
        """The longest text of a column over every row (for its width), found without
        formatting each cell: the longest text, or the numbers furthest from zero."""
        field = self.fields[column]
        if not self._n:
            return field.heading
        grouped = field.name in self._grouped
        if field.kind == NUMBER:
            v = pd.to_numeric(pd.Series(field.values), errors="coerce").to_numpy(dtype=float)
            finite = v[np.isfinite(v)]
            if not finite.size:
                return field.heading
            picks = [finite.min(), finite.max()]
            fraction = finite[finite != np.round(finite)]
            if fraction.size:  # the most digits after the point
                picks.append(fraction[np.argmax(np.abs(fraction))])
            texts = [cell_text(float(x), NUMBER, grouped) for x in picks]
        elif field.kind == FLAG:
            texts = ["yes"]
        else:
            lengths = pd.Series(field.values, dtype=object).fillna("").astype(str).str.len()
            texts = [str(field.values[int(lengths.to_numpy().argmax())])]
        return max([field.heading, *texts], key=len)

    def field_names(self) -> list[str]:
        """Column titles."""
        return [f.name for f in self.fields]

    def source_rows(self, view_rows: np.ndarray) -> np.ndarray:
        """Source rows (unit or account indices) of view rows."""
        return self.rows[np.asarray(view_rows, dtype=np.int64)]

    def view_rows_of(self, source_rows: np.ndarray) -> np.ndarray:
        """View rows showing the given source rows, in view order (hidden ones left out)."""
        return np.flatnonzero(np.isin(self.rows, np.asarray(source_rows, dtype=np.int64)))

    # -- sort and filter ------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.fields):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort_key = self.fields[column].name
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.rows = self._compute_rows()
        self.layoutChanged.emit()

    def set_filter(self, text: str) -> None:
        """Show only rows matching ``text``: a query (``state = NC``) when it reads as one,
        else rows where any column contains the text (any case). :attr:`filter_message`
        says which, or why a query was not used."""
        self.beginResetModel()
        self._filter = text.strip()
        self.rows = self._compute_rows()
        self.endResetModel()

    def set_subset(self, rows: np.ndarray | None) -> None:
        """Show only these source rows (still filtered and sorted); None shows all."""
        self.beginResetModel()
        self._subset = None if rows is None else np.asarray(rows, dtype=np.int64)
        self.rows = self._compute_rows()
        self.endResetModel()

    @property
    def subset(self) -> np.ndarray | None:
        """The rows :meth:`set_subset` limits the table to (None: all)."""
        return self._subset

    def _compute_rows(self) -> np.ndarray:
        rows = np.arange(self._n, dtype=np.int64)
        mask = self._filter_mask()
        if mask is not None:
            rows = rows[mask]
        if self._subset is not None:
            rows = rows[np.isin(rows, self._subset)]
        if self._sort_key is not None:
            field = next((f for f in self.fields if f.name == self._sort_key), None)
            if field is not None:
                rows = rows[self._order(field, rows)]
        return rows

    def _order(self, field: Field, rows: np.ndarray) -> np.ndarray:
        """Stable order of ``rows`` by ``field``; blanks last either way."""
        values = field.values[rows]
        if field.kind in (NUMBER, FLAG):
            key = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
            blank = np.isnan(key)
        else:
            text = pd.Series(values, dtype=object).fillna("").astype(str).str.casefold()
            blank = (text == "").to_numpy()
            # Numbers kept as text (ZIP codes, ids) sort as numbers when every one is.
            numeric = pd.to_numeric(text[~blank], errors="coerce")
            key = (
                pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
                if numeric.notna().all() and (~blank).any()
                else text.to_numpy(dtype=str)
            )
        order = np.argsort(key, kind="stable")
        if self._descending:
            order = order[::-1]
        return np.r_[order[~blank[order]], order[blank[order]]]

    def _filter_mask(self) -> np.ndarray | None:
        text = self._filter
        self.filter_message = ""
        if not text:
            return None
        try:
            query = parse_query(text)
        except QueryError:
            query = None
        if query is not None:
            try:
                mask = match(query, self.fields, self._n)
            except QueryError as exc:
                self.filter_message = f"{exc} Showing rows containing the text instead."
            else:
                self.filter_message = f"Where {query}"
                return mask
        key = text.casefold()
        mask = np.zeros(self._n, dtype=bool)
        for field in self.fields:
            mask |= self._text_of(field).str.contains(key, regex=False).to_numpy(dtype=bool)
        return mask

    def _text_of(self, field: Field) -> pd.Series:
        """A column's text as shown, in lower case (kept until the next reload)."""
        cached = self._texts.get(field.name)
        if cached is None:
            if field.kind == FLAG:
                cached = pd.Series(np.where(field.values, "yes", ""))
            elif field.kind == NUMBER:
                cached = pd.Series(number_texts(field.values))
            else:
                cached = pd.Series(field.values, dtype=object).fillna("").astype(str)
            cached = cached.str.casefold()
            self._texts[field.name] = cached
        return cached

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else int(self.rows.size)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        field = self.fields[index.column()]
        row = int(self.rows[index.row()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(field.values[row], field.kind, field.name in self._grouped)
        if role == Qt.ItemDataRole.TextAlignmentRole and field.kind == NUMBER:
            return _RIGHT
        if (
            role == Qt.ItemDataRole.DecorationRole
            and field.name == "territory"
            and self._colors is not None
        ):
            hex_color = str(self._colors[row])
            if not hex_color:
                return None
            color = self._qcolors.get(hex_color)
            if color is None:
                color = self._qcolors[hex_color] = QColor(hex_color)
            return color
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and section >= len(self.fields):
            return None
        if role == Qt.ItemDataRole.ToolTipRole and horizontal and self.fields[section].label:
            f = self.fields[section]
            return f"{f.label} (field {f.name}; a query may use either)"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        # The industry template's label where it gives one ("Rx decile" for decile).
        return self.fields[section].heading if horizontal else str(section + 1)
