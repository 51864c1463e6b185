"""Pages of the account-import wizard after the file page: mapping (over the shared
:class:`~territory_designer.ui.dialogs.column_mapping.ColumnMappingPage`) and import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from territory_designer.core.feedback import Feedback
from territory_designer.io.accounts_import import (
    PreparedImport,
    RepeatedIdsError,
    WouldRemoveAllError,
    prepare_import,
)
from territory_designer.io.accounts_import.headers import LOCATION_FIELDS
from territory_designer.io.accounts_import.reading import Preview
from territory_designer.ui.dialogs.column_mapping import ColumnMappingPage
from territory_designer.ui.dialogs.import_aggregation import AggregationBox
from territory_designer.ui.dialogs.import_widgets import (  # noqa: F401 - re-exported
    ERROR_STYLE,
    FIELD_LABELS,
    NOT_MAPPED,
    error_label,
    read_only_table,
)
from territory_designer.ui.workers import Task

if TYPE_CHECKING:
    from territory_designer.ui.dialogs.import_wizard import ImportWizard

GROUPS = (
    ("Account", ("account_id", "name", "segment", "product_line", "owner")),
    ("Location", LOCATION_FIELDS),
    ("Measures", ("revenue", "potential", "visits_per_year", "order_date")),
)


class MappingPage(ColumnMappingPage):
    """One combo per account field (guessed, every one changeable) and aggregation."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard, GROUPS)
        self.setTitle("Map the columns")
        self.setSubTitle(
            "Columns were matched to account fields by their headers; change any of them. "
            "Columns not mapped are kept as account attributes."
        )
        self.aggregation = AggregationBox()
        self.aggregation.sig_changed.connect(self._on_mapping_changed)
        self.aggregate_check = self.aggregation.aggregate_check
        self.aggregate_combo = self.aggregation.aggregate_combo
        self.sites_check = self.aggregation.sites_check
        self.keep_check = QCheckBox("Keep accounts that are not in this file")
        options = QGroupBox("Options")
        lay = QVBoxLayout(options)
        lay.addWidget(self.keep_check)
        lay.addStretch(1)
        self.grid.addWidget(options, 1, 1)
        self.grid.addWidget(self.aggregation, 2, 0, 1, 2)
        self.grid.setRowStretch(2, 1)  # the per-column rules take the room left

    def reset(self, pv: Preview) -> None:
        """A newly previewed file: aggregation guessed again, "keep" unticked."""
        guess = pv.mapping.get("account_id") or pv.mapping.get("name")
        self.aggregation.reset(pv.columns, pv.rows, guess)
        has_accounts = len(self.wiz.session.project.accounts) > 0
        self.keep_check.setVisible(has_accounts)
        self.keep_check.setChecked(False)

    def choices(self) -> dict:
        """``mapping``, ``keep_removed`` and the aggregation choices for ``prepare_import``."""
        return {
            "mapping": self.mapping(),
            **self.aggregation.choices(),
            "keep_removed": self.keep_check.isChecked(),
        }

    def propose_aggregation(self, column: str, message: str) -> None:
        """The import found repeated ids in ``column``: offer to aggregate by it here."""
        self.aggregation.set_proposal(
            f"{message}\nAggregate the rows into one account per customer?", column, sticky=True
        )

    def field_problems(self, mapping: dict[str, str | None]) -> tuple[list[str], list[str]]:
        """Latitude without longitude (or the reverse); no location column at all."""
        errors, warnings = [], []
        if (mapping["latitude"] is None) != (mapping["longitude"] is None):
            errors.append("Map both latitude and longitude, or neither.")
        if not any(mapping[f] for f in ("latitude", "postal_code", "city")):
            warnings.append(
                "No location column is mapped: every account will be listed as unlocated."
            )
        return errors, warnings

    def _on_mapping_changed(self, *_args: object) -> None:
        if self.sender() is not self.aggregation:
            self.aggregation.set_mapping(self.mapping())
        super()._on_mapping_changed()


class RunPage(QWizardPage):
    """Runs the import in a worker with progress; Stop or Cancel abandon it."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Importing")
        self.setSubTitle("Reading, locating and joining the accounts to units.")
        self.task: Task | None = None
        self.label = QLabel("Starting…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self._on_stop_clicked)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.stop_button)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self._start(replace_all=False)

    def _start(self, replace_all: bool) -> None:
        self.wiz.prepared = None
        self.error.hide()
        self.bar.setValue(0)
        self.bar.show()
        self.stop_button.show()
        self.label.setText("Starting…")
        self.stop_button.setEnabled(True)
        opts = self.wiz.import_options()
        project = self.wiz.session.project
        path = opts.pop("path")

        def work(fb: Feedback) -> PreparedImport | RepeatedIdsError | WouldRemoveAllError:
            try:
                return prepare_import(project, path, feedback=fb, replace_all=replace_all, **opts)
            except (RepeatedIdsError, WouldRemoveAllError) as exc:
                return exc  # answered on the GUI thread: a proposal or a confirmation

        task = Task(work, self)
        task.sig_progress.connect(self._on_progress)
        task.sig_finished.connect(self._on_finished)
        task.sig_failed.connect(self._on_failed)
        task.sig_canceled.connect(self._on_canceled)
        task.sig_done.connect(self._on_done)
        self.task = task
        task.start()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        self.stop(wait=True)  # Back while running

    def stop(self, wait: bool = False) -> None:
        """Cancel a running import (and with ``wait``, block until its thread ends)."""
        task = self.task
        if task is not None:
            task.cancel()
            if wait:
                task.wait()
                self.task = None

    @property
    def running(self) -> bool:
        """True while the worker runs."""
        return self.task is not None

    def _stale(self) -> bool:
        # A task stopped by Back may report after a new one started: ignore it.
        return self.sender() is not self.task

    def _on_progress(self, percent: float, message: str) -> None:
        if self._stale():
            return
        self.bar.setValue(int(percent))
        if message:
            self.label.setText(message)

    def _on_finished(self, result: PreparedImport | RepeatedIdsError | WouldRemoveAllError) -> None:
        if self._stale() or self.wiz.currentPage() is not self:
            return
        if isinstance(result, RepeatedIdsError):
            self.task = None
            self.wiz.mapping_page.propose_aggregation(result.column, str(result))
            self.wiz.back()
            return
        if isinstance(result, WouldRemoveAllError):
            self.task = None
            if self.wiz.prompts.confirm_replace_all_accounts(self.wiz, str(result)):
                self._start(replace_all=True)
            else:
                self._show_failure(f"{result}\n\nNothing was imported.")
            return
        self.wiz.prepared = result
        self.completeChanged.emit()
        self.wiz.next()

    def _on_failed(self, message: str) -> None:
        if not self._stale():
            self._show_failure(message)

    def _show_failure(self, message: str) -> None:
        self.label.setText("The import stopped; the project is unchanged.")
        self.bar.hide()
        self.stop_button.hide()
        self.error.setText(message + "\n\nGo Back to change the file, sheet or mapping.")
        self.error.show()

    def _on_canceled(self) -> None:
        if self._stale():
            return
        self.label.setText("Stopped; the project is unchanged. Go Back to start again.")
        self.bar.hide()

    def _on_done(self) -> None:
        if self._stale():
            return
        self.task = None
        self.stop_button.setEnabled(False)
        self.stop_button.setVisible(self.bar.isVisibleTo(self))

    def _on_stop_clicked(self) -> None:
        self.label.setText("Stopping…")
        self.stop_button.setEnabled(False)
        self.stop()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.wiz.prepared is not None
