"""The "Change Log" dock: who changed what in which plan, when and why; filterable, notes
editable in place (undoable), exported to Excel."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_designer.core.change_log import COLUMNS, AddNote, ChangeEntry, SetChangeNote
from territory_designer.ui.session import Session

HEADERS = ("Time", "User", "Plan", "Kind", "What", "Units", "From", "To", "Note")
NOTE = COLUMNS.index("note")
ALL = "(all)"
#: Newest entries listed (a long history stays quick to show; Export writes them all).
MAX_ROWS = 2000


class ChangeLogDock(QDockWidget):
    """The project's change log, newest first, refreshed after edits (at most every 300 ms).

    Parameters
    ----------
    session : Session
        Whose project's log is shown; note edits run as undoable commands.
    export : callable, optional
        Called with the entries shown when the user clicks "Export…".
    """

    def __init__(self, session: Session, parent: QWidget | None = None, export=None) -> None:
        super().__init__("Change Log", parent)
        self.setObjectName("change_log_dock")
        self.session = session
        self._export = export
        self.entries: list[ChangeEntry] = []  # the rows shown, newest first
        self.matching: list[ChangeEntry] = []  # every entry the filters keep, oldest first
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter: unit, territory, user, note…")
        self.search.setClearButtonEnabled(True)
        self.plan_filter = QComboBox()
        self.plan_filter.setToolTip("Only this plan's changes")
        self.kind_filter = QComboBox()
        self.kind_filter.addItems([ALL, "edit", "engine", "plan", "review", "note"])
        self.kind_filter.setToolTip("Only this kind of change")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("change_log_table")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.horizontalHeader().setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(200)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Add a note about this plan…")
        self.note_edit.returnPressed.connect(self.add_note)
        export_button = QPushButton("Export…")
        export_button.setToolTip("Write the changes shown to an Excel workbook")
        export_button.clicked.connect(lambda _=False: self.export())
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.plan_filter)
        filters.addWidget(self.kind_filter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note_edit, 1)
        bottom.addWidget(export_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addLayout(bottom)
        self.setWidget(body)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.plan_filter.currentIndexChanged.connect(self.refresh)
        self.kind_filter.currentIndexChanged.connect(self.refresh)
        self.table.itemChanged.connect(self._on_item_changed)
        session.sig_revision_changed.connect(self._schedule)
        session.sig_project_replaced.connect(self.refresh)
        self.refresh()

    def _schedule(self, *_args: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _refresh_plans(self) -> None:
        combo = self.plan_filter
        chosen = combo.currentText()
        log = self.session.project.change_log
        names = list(dict.fromkeys([*self.session.project.plans, *(e.plan for e in log.entries)]))
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItems([ALL, *names])
            combo.setCurrentIndex(max(0, combo.findText(chosen)))
        finally:
            combo.blockSignals(False)

    def refresh(self, *_args: object) -> None:
        """Show the entries matching the filters, newest first."""
        self._refresh_plans()
        plan = self.plan_filter.currentText()
        kind = self.kind_filter.currentText()
        log = self.session.project.change_log
        self.matching = log.filtered(
            self.search.text(),
            plan=None if plan == ALL else plan,
            kind=None if kind == ALL else kind,
        )
        self.entries = self.matching[::-1][:MAX_ROWS]
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(len(self.entries))
            for r, entry in enumerate(self.entries):
                row = entry.row()
                row["time"] = row["time"][:19].replace("T", " ")
                for c, key in enumerate(COLUMNS):
                    item = QTableWidgetItem(str(row[key]))
                    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                    if c == NOTE:
                        flags |= Qt.ItemFlag.ItemIsEditable
                    item.setFlags(flags)
                    if key == "units" and len(entry.units) > 3:
                        item.setToolTip(row["units"])
                    self.table.setItem(r, c, item)
        finally:
            self.table.blockSignals(False)
        shown, total = len(self.matching), len(log)
        self.setWindowTitle(
            f"Change Log ({shown} of {total})" if shown != total else f"Change Log ({total})"
        )

    def set_note(self, row: int, note: str) -> bool:
        """Set the note of the entry shown in ``row`` (one undoable step)."""
        entry = self.entries[row]
        if entry.note == note.strip():
            return False
        return self.session.execute(SetChangeNote(entry, note))

    def add_note(self) -> bool:
        """Log the note typed below the table for the active plan."""
        text = self.note_edit.text()
        if self.session.execute(AddNote(text)):
            self.note_edit.clear()
            return True
        return False

    def export(self) -> object:
        """Hand the entries shown (oldest first) to the export callback."""
        if self._export is None:
            return None
        self.refresh()  # edits of the last 300 ms included
        return self._export(list(self.matching))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == NOTE and 0 <= item.row() < len(self.entries):
            self.set_note(item.row(), item.text())
