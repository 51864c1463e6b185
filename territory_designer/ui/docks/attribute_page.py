"""One tab of the attribute table: a filter box, a line saying what is shown, the table."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from territory_designer.ui.qt_models.attribute_model import AttributeTableModel

#: Filtering waits this long after the last key so typing stays smooth on 30,000 rows.
FILTER_DELAY_MS = 250
FILTER_HINT = "Filter: text, or a query such as state = NC, revenue > 10000, county in (A, B)"


class AttributePage(QWidget):
    """One tab: a filter box, a line saying what is shown, and the table.

    Parameters
    ----------
    model : AttributeTableModel
        Rows of units or accounts.
    noun : str
        ``"units"`` or ``"accounts"`` (for the count line).
    """

    sig_selection_changed = Signal()
    sig_selected_only_toggled = Signal(bool)

    def __init__(self, model: AttributeTableModel, noun: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.noun = noun
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(FILTER_HINT)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setObjectName(f"{noun}_filter")
        self.selected_only = QCheckBox("Selected only")
        self.selected_only.setObjectName(f"{noun}_selected_only")
        self.selected_only.setToolTip(
            f"Show only the {noun} of the map's selection (follows the map, not clicks here)"
        )
        self.selected_only.toggled.connect(self.sig_selected_only_toggled.emit)
        self.status = QLabel()
        self.status.setObjectName(f"{noun}_status")
        self.view = QTableView()
        self.view.setObjectName(f"{noun}_table")
        self.view.setModel(model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 3)
        top.addWidget(self.selected_only)
        top.addWidget(self.status, 2)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._timer.start())
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.sig_selection_changed.emit()
        )
        copy = QAction("Copy Rows", self.view)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_rows)
        self.view.addAction(copy)
        self.copy_action = copy
        self.size_columns()
        self.update_status()

    def copy_rows(self) -> None:
        """Put the selected rows on the clipboard as tab-separated text (for a sheet)."""
        rows = self.selected_rows()
        if rows.size:
            QGuiApplication.clipboard().setText(self.model.rows_as_tsv(rows))

    def apply_filter(self) -> None:
        """Filter by the box's text now."""
        self._timer.stop()
        self.model.set_filter(self.filter_edit.text())
        self.update_status()

    def size_columns(self) -> None:
        """Fit each column to its widest text over all rows (measured once per column,
        not per row), between 48 and 280 pixels."""
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        title_metrics = header.fontMetrics()
        for col in range(self.model.columnCount()):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            width = max(
                metrics.horizontalAdvance(self.model.widest_text(col)) + 16,
                title_metrics.horizontalAdvance(title) + 28,  # room for the sort arrow
            )
            if title == "territory":
                width += 22  # the colour swatch
            header.resizeSection(col, min(max(width, 48), 280))

    def update_status(self) -> None:
        """Say how many rows are shown, and which query filters them."""
        shown, total = self.model.rowCount(), self.model.total
        selected = self.selected_rows().size
        text = f"{shown:,} of {total:,} {self.noun}" if shown != total else f"{total:,} {self.noun}"
        if self.model.subset is not None:
            text += " (selected only)"
        if selected:
            text += f" · {selected:,} selected"
        message = self.model.filter_message
        self.status.setText(f"{text} — {message}" if message else text)
        self.status.setToolTip(message)

    def selected_rows(self) -> np.ndarray:
        """Source rows (unit or account indices) selected in the table."""
        ranges = self.view.selectionModel().selection()
        if ranges.isEmpty():
            return np.empty(0, dtype=np.int64)
        view_rows = np.concatenate(
            [np.arange(r.top(), r.bottom() + 1, dtype=np.int64) for r in ranges]
        )
        return np.unique(self.model.source_rows(np.unique(view_rows)))

    def select_rows(self, source_rows: np.ndarray) -> None:
        """Select the rows showing ``source_rows`` (one range per run of rows)."""
        view_rows = self.model.view_rows_of(source_rows)
        selection = QItemSelection()
        if view_rows.size:
            breaks = np.flatnonzero(np.diff(view_rows) != 1)
            starts = np.r_[view_rows[0], view_rows[breaks + 1]]
            ends = np.r_[view_rows[breaks], view_rows[-1]]
            last = self.model.columnCount() - 1
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                selection.select(self.model.index(a, 0), self.model.index(b, last))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().select(selection, flags)
        self.scroll_to_selection()

    def scroll_to_selection(self) -> None:
        """Bring the first selected row into view."""
        ranges = self.view.selectionModel().selection()
        if not ranges.isEmpty():
            first = min(r.top() for r in ranges)
            self.view.scrollTo(
                self.model.index(first, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )
