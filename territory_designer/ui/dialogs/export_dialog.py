"""File ▸ Export: one dialog per registered exporter, run in a worker with progress and cancel.

The dialog shows only the choices its format reads (paper size for the PDF report, sheets
for Excel, layers for GIS files), the plan and the target path. :class:`ExportController`
runs :func:`territory_designer.reports.registry.export` off the GUI thread; exporters write
atomically, so a failed or cancelled export leaves nothing under the target name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from territory_designer.reports.registry import (
    Exporter,
    ExportError,
    ExportOptions,
    exporters,
    format_labels,
)
from territory_designer.ui.app_settings import AppSettings
from territory_designer.ui.dialogs.prompts import Prompts
from territory_designer.ui.session import Session
from territory_designer.ui.workers import Task, run_with_progress

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Excel sheets: option key -> label
SHEETS = {
    "summary": "Summary (figures, chart, map)",
    "territories": "Territories",
    "units": "Unit assignments",
    "accounts": "Account assignments",
    "changes": "Changes vs baseline",
}
LAYERS = {
    "territories": "Territories (dissolved, with figures)",
    "units": "Units with territory",
    "accounts": "Accounts with territory",
}
GIS_FORMATS = ("gpkg", "geojson", "shp")
TITLED_FORMATS = ("excel", "pdf", "html")
PAPERS = {"a4": "A4", "letter": "Letter"}
#: One line under the title of a format's dialog.
HINTS = {
    "excel": "A formatted workbook: summary with balance chart and map, plus data sheets.",
    "pdf": "A printable report: overview map, then each territory with every account.",
    "pdf-per-territory": "One PDF per territory in this folder (map, figures, every "
    "account): a handout for each rep.",
    "html": "One self-contained file that opens in any browser, with no network needed.",
    "gpkg": "The chosen layers in one GeoPackage file (opens in QGIS and ArcGIS).",
    "geojson": "Longitude/latitude (EPSG:4326); units and accounts go to sibling files.",
    "shp": "Writes territories.shp, units.shp and accounts.shp (with their side files and "
    "a CSV of full field names) into this folder.",
    "assignments": "One row per unit (unit id, territory, owner) for CRM territory rules; "
    "the file name ending (.csv or .xlsx) chooses the format.",
    "account-assignments": "One row per account (territory, owner, previous territory) "
    "for a CRM to import; the file name ending (.csv or .xlsx) chooses the format.",
}


def slug(text: str) -> str:
    """A file-name-safe version of ``text``."""
    return re.sub(r"[^\w.-]+", "-", text).strip("-") or "export"


class ExportDialog(QDialog):
    """Choices of one export of ``project`` in format ``exporter``.

    Parameters
    ----------
    project : Project
        Read only.
    exporter : Exporter
        The registered format.
    prompts : Prompts
        Answers the Browse… file dialog.
    suggested : str or Path
        Initial target path.
    """

    def __init__(
        self,
        project: Project,
        exporter: Exporter,
        prompts: Prompts,
        suggested: str | Path = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.exporter = exporter
        self.prompts = prompts
        self.setWindowTitle(f"Export {exporter.label}")
        name = exporter.name
        self.plan_combo = QComboBox()
        self.plan_combo.addItems(list(project.plans))
        self.plan_combo.setCurrentText(project.active_plan_name)
        form = QFormLayout()
        if name in HINTS:
            hint = QLabel(HINTS[name])
            hint.setWordWrap(True)
            form.addRow(hint)
        form.addRow("Plan:", self.plan_combo)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("The plan name")
        if name in TITLED_FORMATS:
            form.addRow("Title:", self.title_edit)
        self.paper = QComboBox()
        for key, label in PAPERS.items():
            self.paper.addItem(label, key)
        if name == "pdf":
            form.addRow("Paper size:", self.paper)
        self.sheets = {key: QCheckBox(label) for key, label in SHEETS.items()}
        for box in self.sheets.values():
            box.setChecked(True)
        self.include_map = QCheckBox("Map image on the summary sheet")
        self.include_map.setChecked(True)
        self.sheets["summary"].toggled.connect(self.include_map.setEnabled)
        if name == "excel":
            form.addRow("Sheets:", self._column(list(self.sheets.values())))
            form.addRow("Options:", self.include_map)
        self.include_accounts = QCheckBox("Account points")
        self.include_accounts.setChecked(True)
        self.include_units = QCheckBox("Unit outlines")
        self.include_units.setChecked(len(project.units) <= 5000)
        if name == "html":
            form.addRow("Show:", self._column([self.include_units, self.include_accounts]))
        elif name == "pdf":
            form.addRow("Show:", self._column([self.include_accounts]))
        self.layers = {key: QCheckBox(label) for key, label in LAYERS.items()}
        for box in self.layers.values():
            box.setChecked(True)
        if name in GIS_FORMATS:
            form.addRow("Layers:", self._column(list(self.layers.values())))
        self.path_edit = QLineEdit(str(suggested))
        self.path_edit.setMinimumWidth(360)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("Folder:" if exporter.is_folder else "Save to:", row)
        self._plan_slug = slug(self.plan_combo.currentText())
        self.plan_combo.currentTextChanged.connect(self._on_plan_changed)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    @staticmethod
    def _column(widgets: list[QWidget]) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        for w in widgets:
            col.addWidget(w)
        return box

    def _on_plan_changed(self, plan: str) -> None:
        # Keep the suggested file name in step with the plan unless the user renamed it.
        path = Path(self.path_edit.text())
        new = slug(plan)
        if path.name.startswith(self._plan_slug):
            self.path_edit.setText(str(path.with_name(new + path.name[len(self._plan_slug) :])))
        self._plan_slug = new

    def _on_browse_clicked(self) -> None:
        ex = self.exporter
        path = self.prompts.ask_export_path(
            self, ex.label, ex.suffixes, self.path_edit.text(), ex.is_folder
        )
        if path:
            self.path_edit.setText(path)

    def target(self) -> Path:
        """The file or folder to write (the format's suffix added when missing)."""
        text = self.path_edit.text().strip()
        if not text:
            raise ExportError("Choose where to save the export.")
        path = Path(text).expanduser()
        sfx = self.exporter.suffixes
        if sfx and path.suffix.lower() not in sfx:
            path = path.with_name(path.name + sfx[0])
        return path

    def options(self) -> ExportOptions:
        """The :class:`ExportOptions` the user chose."""
        sheets = {k for k, box in self.sheets.items() if box.isChecked()}
        layers = tuple(k for k, box in self.layers.items() if box.isChecked())
        if self.exporter.name == "excel" and not sheets:
            raise ExportError("Tick at least one sheet.")
        if self.exporter.name in GIS_FORMATS and not layers:
            raise ExportError("Tick at least one layer.")
        return ExportOptions(
            plan=self.plan_combo.currentText(),
            paper=self.paper.currentData(),
            title=self.title_edit.text().strip() or None,
            sheets=sheets if self.exporter.name == "excel" else None,
            include_map=self.include_map.isChecked(),
            include_units=self.include_units.isChecked(),
            include_accounts=self.include_accounts.isChecked(),
            layers=layers or ("territories", "units"),
        )

    def accept(self) -> None:
        """Close only when the choices are complete; otherwise say why in the dialog."""
        try:
            self.options()
            self.target()
        except ExportError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        super().accept()


class ExportController(QObject):
    """File ▸ Export: opens the dialog of a format and runs the export in a worker.

    Signals
    -------
    sig_status(message: str)
    sig_exported(path: str)
    """

    sig_status = Signal(str)
    sig_exported = Signal(str)

    def __init__(
        self,
        window: QWidget,
        session: Session,
        prompts: Prompts | None = None,
        settings: AppSettings | None = None,
    ):
        super().__init__(window)
        self.window = window
        self.session = session
        self.prompts = prompts or Prompts()
        self.dialog: ExportDialog | None = None
        self.task: Task | None = None
        self.settings = settings or AppSettings()
        self.show_after_ms = 400

    @staticmethod
    def formats() -> list[tuple[str, str]]:
        """(name, label) of every registered exporter, in registration order."""
        return format_labels()

    def suggested_path(self, exporter: Exporter, plan_name: str) -> Path:
        """Next to the project file (or the last export), named after the plan."""
        project_path = getattr(self.session.project, "path", None)
        last = self.settings.last_folder()
        folder = Path(last) if last else Path(project_path).parent if project_path else Path.home()
        base = slug(plan_name)
        return folder / (base + (exporter.suffixes[0] if exporter.suffixes else "-shapefiles"))

    def open_dialog(self, name: str) -> ExportDialog:
        """Show the (window-modal) dialog of format ``name``; Export starts the work."""
        ex = exporters()[name]
        project = self.session.project
        dialog = ExportDialog(
            project,
            ex,
            self.prompts,
            self.suggested_path(ex, project.active_plan_name),
            self.window,
        )
        dialog.accepted.connect(lambda: self.run(name, dialog.target(), dialog.options()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        return dialog

    def run(self, name: str, path: Path, options: ExportOptions) -> Task | None:
        """Export in the background behind a progress dialog with Cancel."""
        from territory_designer.reports.registry import export

        if self.task is not None:
            return None
        project = self.session.project
        label = exporters()[name].label
        self.task = run_with_progress(
            self.window,
            f"Exporting {label}…",
            lambda feedback: export(name, project, path, options, feedback),
            on_finished=lambda out: self._on_export_finished(label, out),
            on_failed=lambda message: self.prompts.show_error(
                self.window, f"Export {label}", message
            ),
            on_canceled=lambda: self.sig_status.emit("Export cancelled: no file was written."),
            show_after_ms=self.show_after_ms,
        )
        self.task.sig_done.connect(self._on_task_done)
        return self.task

    def _on_task_done(self) -> None:
        self.task = None

    def _on_export_finished(self, label: str, out: object) -> None:
        path = Path(str(out))
        self.settings.set_last_folder(path.parent)  # a shapefile folder's parent too
        self.sig_exported.emit(str(path))
        self.sig_status.emit(f"Exported {label} to {path}")
