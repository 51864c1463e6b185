"""The change log as an Excel workbook: one row per entry, filterable in Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from territory_designer.core.change_log import COLUMNS, ChangeEntry
from territory_designer.io.atomic import atomic_target

HEADERS = {
    "time": "Time",
    "user": "User",
    "plan": "Plan",
    "kind": "Kind",
    "action": "What",
    "units": "Units",
    "from": "From",
    "to": "To",
    "note": "Note",
}


def write_change_log_xlsx(entries: list[ChangeEntry], path: Path | str) -> Path:
    """Write ``entries`` (oldest first) to the workbook ``path`` (sheet "Change log")."""
    from openpyxl import Workbook

    from territory_designer.reports.xlsx_tables import frame_columns, write_table

    path = Path(path)
    df = pd.DataFrame([e.row() for e in entries], columns=list(COLUMNS))
    wb = Workbook()
    ws = wb.active
    ws.title = "Change log"
    write_table(ws, frame_columns(df.astype(str), HEADERS))
    for col in ("F", "I"):  # units and notes can be long: wrap them in a wide column
        ws.column_dimensions[col].width = 50
    with atomic_target(path) as tmp:
        wb.save(tmp)
    return path
