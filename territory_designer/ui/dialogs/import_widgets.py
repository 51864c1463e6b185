"""Small widgets and names the import wizards' pages share (no page imports another)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

from territory_designer.ui.qt_models.table_model import RowsModel

NOT_MAPPED = "(not mapped)"
ERROR_STYLE = "color: #b00020;"
#: How the mapping pages name the import's fields.
FIELD_LABELS = {
    "account_id": "Account id",
    "name": "Name",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "postal_code": "Postal code",
    "city": "City",
    "state": "State / region",
    "country": "Country",
    "revenue": "Revenue",
    "potential": "Potential",
    "visits_per_year": "Visits per year",
    "segment": "Segment",
    "product_line": "Product line",
    "owner": "Owner",
    "order_date": "Order date",
}


def error_label() -> QLabel:
    """A red, wrapping, selectable label for one clear error message."""
    label = QLabel()
    label.setObjectName("error_label")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def read_only_table(model: RowsModel) -> QTableView:
    """A table view fit for lists the user reads and selects from."""
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view
