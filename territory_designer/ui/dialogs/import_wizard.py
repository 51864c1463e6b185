"""The account-import wizard: file and preview, column mapping, import, summary.

The pages only gather choices and show results; the work is the Qt-free engine in
:mod:`territory_designer.io.accounts_import`. The full import runs in a worker
(:class:`~territory_designer.ui.workers.Task`) and builds a complete table without
touching the project; **Finish** swaps it in as one undoable
:class:`~territory_designer.core.operations.ReplaceAccounts`, and **Cancel** at any point
leaves the project exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget, QWizard

from territory_designer.io.accounts_import import PreparedImport
from territory_designer.ui.dialogs.file_import_wizard import (  # noqa: F401 - re-exported
    PREVIEW_ROWS,
    FileImportWizard,
    FilePage,
)
from territory_designer.ui.dialogs.import_pages import MappingPage, RunPage
from territory_designer.ui.dialogs.import_summary import SummaryPage
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.session import Session


class ImportWizard(FileImportWizard):
    """Import a customer list into the session's project (one undo step).

    Parameters
    ----------
    session : Session
        Receives the accounts on Finish.
    prompts : Prompts
        File dialogs (tests pass ScriptedPrompts).
    path : path-like, optional
        File to preview at once.

    Attributes
    ----------
    prepared : PreparedImport or None
        The finished import shown on the summary page.
    applied : bool
        True once Finish swapped the accounts in.
    """

    def __init__(
        self,
        session: Session,
        prompts: Prompts,
        path: str | Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, prompts, parent)
        self.setObjectName("import_wizard")
        self.setWindowTitle("Import accounts")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.prepared: PreparedImport | None = None
        self.mapping_page = MappingPage(self)
        self.run_page = RunPage(self)
        self.summary_page = SummaryPage(self)
        self.add_pages(self.mapping_page, self.run_page, self.summary_page)
        self.resize(900, 720)
        self.open_file(path)

    # -- choices --------------------------------------------------------------------------
    def import_options(self) -> dict:
        """Arguments of ``prepare_import`` from the pages' choices."""
        return {**self.file_choices(), **self.mapping_page.choices()}

    # -- closing --------------------------------------------------------------------------
    def accept(self) -> None:
        """Finish: swap the prepared accounts in as one undo step."""
        prepared = self.prepared
        if prepared is not None and not self.applied:
            name = Path(prepared.report.file).name
            op = prepared.operation(f"Import accounts from {name}")
            if not self.session.execute(op):
                return
            self.applied = True
            r = prepared.report
            self.session.sig_status.emit(
                f"Imported {r.accounts:,} accounts from {name}: {r.located_total:,} located, "
                f"{r.unlocated_total:,} unlocated"
            )
        super().accept()

    def done(self, result: int) -> None:
        """Stop a running import before the dialog closes (nothing is applied)."""
        self.run_page.stop(wait=True)
        super().done(result)
