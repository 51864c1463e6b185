"""Table model over the active plan's territories and their live metrics.

The model stores only the row order (territory codes); every cell is read from the
project and its incremental :class:`~territory_designer.core.metrics.PlanMetrics` when the
view asks, so painting a stroke costs a ``dataChanged`` for the touched rows.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from territory_designer.core.formatting import field_label, format_number
from territory_designer.core.operations import UpdateTerritory
from territory_designer.core.plan import UNASSIGNED, Territory
from territory_designer.core.project import ACCOUNTS_FIELD, UNITS_FIELD
from territory_designer.ui.session import Session

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
DEVIATION_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """Columns of :class:`TerritoryTableModel`."""

    COLOR = 0
    NAME = 1
    OWNER = 2
    LOCKED = 3
    UNITS = 4
    ACCOUNTS = 5
    METRIC = 6
    DEVIATION = 7


_HEADERS = {
    Column.COLOR: "",
    Column.NAME: "Territory",
    Column.OWNER: "Owner",
    Column.LOCKED: "Lock",
    Column.UNITS: "Units",
    Column.ACCOUNTS: "Accounts",
    Column.DEVIATION: "Deviation",
}
_NUMERIC = (Column.UNITS, Column.ACCOUNTS, Column.METRIC, Column.DEVIATION)


class TerritoryTableModel(QAbstractTableModel):
    """Rows: territories of the active plan (by code); columns: :class:`Column`.

    Parameters
    ----------
    session : Session
        Edits go through ``session.execute`` so each is one undo step.
    """

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._codes: list[int] = []
        self._deviations: dict[int, float] | None = None
        self._reload()
        session.sig_project_replaced.connect(self._on_structure_changed)
        session.sig_structure_changed.connect(self._on_structure_changed)
        session.sig_plan_changed.connect(self._on_structure_changed)
        session.sig_accounts_changed.connect(self._on_structure_changed)
        session.sig_assignment_changed.connect(self._on_assignment_changed)
        session.sig_territories_changed.connect(self._on_territories_changed)
        session.sig_settings_changed.connect(self._on_settings_changed)
        session.sig_active_territory_changed.connect(self._on_active_territory_changed)
        self._active = session.active_code

    # -- helpers --------------------------------------------------------------------------
    @property
    def project(self):  # noqa: ANN201 - the session's current project
        return self.session.project

    def _reload(self) -> None:
        self._codes = sorted(self.project.plan.territories)
        self._deviations = None

    def code_at(self, row: int) -> int:
        """Territory code shown in ``row`` (-1 when out of range)."""
        return self._codes[row] if 0 <= row < len(self._codes) else UNASSIGNED

    def row_of(self, code: int) -> int:
        """Row showing territory ``code`` (-1 when absent)."""
        try:
            return self._codes.index(int(code))
        except ValueError:
            return -1

    def territory(self, row: int) -> Territory:
        """The territory shown in ``row``."""
        return self.project.plan.territories[self._codes[row]]

    def deviation_pct(self, code: int) -> float:
        """Deviation of ``code`` from its target or the mean, in percent (cached)."""
        if self._deviations is None:
            self._deviations = self.project.metrics.deviations(self.project.balance_field)
        return self._deviations.get(code, 0.0) * 100

    def _sum(self, code: int, field: str) -> float:
        m = self.project.metrics
        if field not in m.field_names:  # a weighted mix: the territory's share
            return m.values(field).get(code, 0.0)
        return float(m.sums[code + 1, m.field_index(field)])

    def _rows_changed(self, rows: list[int], first: Column, last: Column) -> None:
        rows = [r for r in rows if r >= 0]
        if rows:
            self.dataChanged.emit(self.index(min(rows), first), self.index(max(rows), last))

    # -- model events ---------------------------------------------------------------------
    def _on_structure_changed(self) -> None:
        self.beginResetModel()
        self._reload()
        self._active = self.session.active_code
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.METRIC, Column.METRIC)

    def _on_assignment_changed(self, units: np.ndarray, codes: set[int]) -> None:
        self._deviations = None
        rows = [self.row_of(c) for c in codes if c != UNASSIGNED]
        self._rows_changed(rows, Column.UNITS, Column.METRIC)
        if self._codes:
            # The mean moves when units enter or leave the unassigned pool; one range signal.
            self._rows_changed([0, len(self._codes) - 1], Column.DEVIATION, Column.DEVIATION)

    def _on_territories_changed(self, codes: list[int]) -> None:
        self._deviations = None  # targets may have changed
        self._rows_changed([self.row_of(c) for c in codes], Column.COLOR, Column.DEVIATION)

    def _on_settings_changed(self, key: str) -> None:
        if key != "balance_field":
            return
        self._deviations = None
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.METRIC, Column.DEVIATION)
        if self._codes:
            self._rows_changed([0, len(self._codes) - 1], Column.METRIC, Column.DEVIATION)

    def _on_active_territory_changed(self, code: int) -> None:
        old, self._active = self._active, code
        for c in (old, code):
            self._rows_changed([self.row_of(c)], Column.COLOR, Column.DEVIATION)

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._codes)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == Column.METRIC:
                return field_label(self.project.balance_field)
            return _HEADERS.get(Column(section), "")
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.DEVIATION:
            return "Deviation of the balance metric from the target, or the plan mean"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (Column.NAME, Column.OWNER):
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == Column.LOCKED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._codes):
            return None
        code = self._codes[index.row()]
        t = self.project.plan.territories.get(code)
        if t is None:
            return None
        col = Column(index.column())
        if role == CODE_ROLE:
            return code
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._display(code, t, col, role == Qt.ItemDataRole.EditRole)
        if role == DEVIATION_ROLE and col == Column.DEVIATION:
            return self.deviation_pct(code)
        if role == Qt.ItemDataRole.DecorationRole and col == Column.COLOR:
            return QColor(t.color)
        if role == Qt.ItemDataRole.CheckStateRole and col == Column.LOCKED:
            return Qt.CheckState.Checked if t.locked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and code == self.session.active_code:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(code, t)
        return None

    def _display(self, code: int, t: Territory, col: Column, edit: bool) -> Any:
        if col == Column.NAME:
            return t.name
        if col == Column.OWNER:
            return t.owner
        if col == Column.UNITS:
            return format_number(self._sum(code, UNITS_FIELD))
        if col == Column.ACCOUNTS:
            return format_number(self._sum(code, ACCOUNTS_FIELD))
        if col == Column.METRIC:
            return format_number(self._sum(code, self.project.balance_field))
        if col == Column.DEVIATION:
            return f"{self.deviation_pct(code):+.1f}%"
        return None

    def _tooltip(self, code: int, t: Territory) -> str:
        lines = [f"{t.name} ({t.id})"]
        if t.owner:
            lines.append(f"Owner: {t.owner}")
        field = self.project.balance_field
        lines.append(f"{field_label(field)}: {format_number(self._sum(code, field))}")
        lines.append(f"Deviation: {self.deviation_pct(code):+.1f}%")
        if t.locked:
            lines.append("Locked: its units cannot change")
        return "\n".join(lines)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        code = self._codes[index.row()]
        col = index.column()
        if col in (Column.NAME, Column.OWNER) and role == Qt.ItemDataRole.EditRole:
            key = "name" if col == Column.NAME else "owner"
            value = str(value).strip()
            if getattr(self.territory(index.row()), key) == value:
                return False
            return self.session.execute(UpdateTerritory(code, **{key: value}))
        if col == Column.LOCKED and role == Qt.ItemDataRole.CheckStateRole:
            locked = Qt.CheckState(value) == Qt.CheckState.Checked
            if self.territory(index.row()).locked == locked:
                return False
            return self.session.execute(UpdateTerritory(code, locked=locked))
        return False
