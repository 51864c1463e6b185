"""A read-only table model over rows of plain values (previews, report lists)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


def display_text(value: object) -> str:
    """A cell value as the user typed it: no ``nan``/``None``, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class RowsModel(QAbstractTableModel):
    """Rows of values under column titles, optionally with row labels.

    Parameters
    ----------
    columns : sequence of str
        Column titles.
    rows : sequence of sequences
        Cell values (shorter rows are padded with blanks).
    row_labels : sequence of str, optional
        Vertical header texts (row numbers in the file, for example).
    """

    def __init__(
        self,
        columns: Sequence[str] = (),
        rows: Sequence[Sequence[object]] = (),
        row_labels: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        self._columns: list[str] = []
        self._rows: list[Sequence[object]] = []
        self._labels: list[str] | None = None
        self.set_rows(columns, rows, row_labels)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, titles: dict[str, str] | None = None) -> RowsModel:
        """A model over a DataFrame; ``titles`` renames columns for display."""
        model = cls()
        model.set_frame(frame, titles)
        return model

    def set_rows(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
        row_labels: Sequence[str] | None = None,
    ) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._columns = [str(c) for c in columns]
        self._rows = list(rows)
        self._labels = None if row_labels is None else [str(r) for r in row_labels]
        self.endResetModel()

    def set_frame(self, frame: pd.DataFrame, titles: dict[str, str] | None = None) -> None:
        """Replace every row with those of ``frame``."""
        titles = titles or {}
        self.set_rows(
            [titles.get(str(c), str(c)) for c in frame.columns],
            frame.to_numpy(dtype=object).tolist(),
        )

    def cell(self, row: int, column: int) -> str:
        """Text shown in a cell."""
        values = self._rows[row]
        return display_text(values[column]) if column < len(values) else ""

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(index.row(), index.column())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if section < len(self._columns) else None
        if self._labels is not None and section < len(self._labels):
            return self._labels[section]
        return str(section + 1)
