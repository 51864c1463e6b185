"""Account import: customer lists from Excel and CSV, located offline, joined to units.

Public API::

    preview(path, sheet=None, rows=20) -> Preview          # fast, for the wizard
    list_sheets(path) -> list[str]
    read_table(path, sheet=None, header_row=None) -> RawTable
    guess_mapping(columns) -> {field: column or None}
    prepare_import(project, path, ...) -> PreparedImport   # no project change
    import_accounts(project, path, sheet=None, mapping=None, aggregate_by=None,
                    feedback=None, **options) -> ImportReport
    column_kind(header) -> "amount" | "rate" | "identifier" | "year" | "other"
    export_unlocated(report_or_project, path)              # .xlsx
"""

from __future__ import annotations

from territory_designer.io.accounts_import.build import RepeatedIdsError
from territory_designer.io.accounts_import.column_kinds import AGGREGATIONS, column_kind
from territory_designer.io.accounts_import.gazetteer import Gazetteer, gazetteer_for, us_gazetteer
from territory_designer.io.accounts_import.headers import FIELDS, guess_mapping
from territory_designer.io.accounts_import.importer import (
    ImportReport,
    PreparedImport,
    WouldRemoveAllError,
    export_unlocated,
    import_accounts,
    prepare_import,
)
from territory_designer.io.accounts_import.locate import METHODS, REASONS
from territory_designer.io.accounts_import.reading import (
    Preview,
    RawTable,
    list_sheets,
    preview,
    read_table,
)

__all__ = [
    "AGGREGATIONS",
    "FIELDS",
    "METHODS",
    "REASONS",
    "Gazetteer",
    "ImportReport",
    "PreparedImport",
    "Preview",
    "RawTable",
    "RepeatedIdsError",
    "WouldRemoveAllError",
    "column_kind",
    "export_unlocated",
    "gazetteer_for",
    "guess_mapping",
    "import_accounts",
    "list_sheets",
    "prepare_import",
    "preview",
    "read_table",
    "us_gazetteer",
]
