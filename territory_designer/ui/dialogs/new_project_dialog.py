"""Dialog choosing the id and name fields of a units file for File > New (and, for a new
project, the working CRS) or for File > Import > Units layer (and an id prefix)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from territory_designer.core.errors import InputError
from territory_designer.core.working_crs import parse_working_crs

#: Field names that usually hold a unit id, most likely first.
ID_HINTS = ("geoid", "zcta5ce20", "zcta5ce10", "zip", "zipcode", "postcode", "fips", "id", "code")
NAME_HINTS = ("name", "namelsad", "label", "title")
NO_NAME = "(use the id)"
NO_TEMPLATE = "(none)"
FROM_DATA = "(chosen from the data)"
#: Offered in the working-CRS box; any other EPSG code or PROJ string can be typed.
CRS_CHOICES = (
    FROM_DATA,
    "EPSG:5070 NAD83 / Conus Albers (lower 48)",
    "EPSG:3338 NAD83 / Alaska Albers",
    "EPSG:3035 ETRS89 / LAEA Europe",
    "EPSG:3577 GDA94 / Australian Albers",
)


def read_fields(path: str | Path) -> list[str]:
    """Attribute field names of the first layer of a GIS file.

    Raises
    ------
    InputError
        When the file cannot be read as a GIS layer.
    """
    import pyogrio

    try:
        info = pyogrio.read_info(str(path))
    except Exception as exc:  # noqa: BLE001 - GDAL's messages vary by driver
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc}).") from exc
    return [str(f) for f in info["fields"]]


def _best(fields: list[str], hints: tuple[str, ...]) -> int:
    lower = [f.lower() for f in fields]
    for hint in hints:
        if hint in lower:
            return lower.index(hint)
    return 0


class NewProjectDialog(QDialog):
    """Pick the id field (required) and name field (optional) of a units file.

    With ``with_prefix`` (adding a layer) it offers a prefix for the new unit ids; it always
    takes an optional CRS for a file that has none or a wrong ``.prj``. With
    ``ask_working_crs`` (a new project) it also offers the projected CRS the project is
    measured and drawn in; a CRS that is not projected in metres is refused in place.
    """

    def __init__(
        self,
        path: str | Path,
        fields: list[str],
        parent: QWidget | None = None,
        with_prefix: bool = False,
        ask_working_crs: bool = False,
    ):
        super().__init__(parent)
        self.setWindowTitle("New project from units file")
        self.setMinimumWidth(380)
        self.id_combo = QComboBox()
        self.id_combo.addItems(fields)
        self.id_combo.setCurrentIndex(_best(fields, ID_HINTS))
        self.name_combo = QComboBox()
        self.name_combo.addItems([NO_NAME, *fields])
        lower = [f.lower() for f in fields]
        if any(h in lower for h in NAME_HINTS):
            self.name_combo.setCurrentIndex(1 + _best(fields, NAME_HINTS))
        form = QFormLayout(self)
        form.addRow(QLabel(f"Units file: <b>{Path(path).name}</b>"))
        form.addRow("Unit id field:", self.id_combo)
        form.addRow("Unit name field:", self.name_combo)
        self.prefix_edit = QLineEdit()
        self.prefix_edit.setPlaceholderText("optional, e.g. ZIP-")
        self.prefix_edit.setToolTip("Put in front of every new unit id, to keep them apart")
        if with_prefix:  # adding a layer: its ids may clash with the project's
            form.addRow("Prefix for unit ids:", self.prefix_edit)
        self.crs_edit = QLineEdit()
        self.crs_edit.setPlaceholderText("from the file, e.g. EPSG:4326")
        self.crs_edit.setToolTip(
            "The layer's coordinate reference system, when the file has none or a wrong one"
        )
        form.addRow("Layer CRS:", self.crs_edit)
        self.crs_combo: QComboBox | None = None
        self.crs_error = QLabel()
        self.crs_error.setStyleSheet("color: #b00020")
        self.crs_error.setWordWrap(True)
        self.crs_error.hide()
        if ask_working_crs:
            self.crs_combo = QComboBox()
            self.crs_combo.setEditable(True)
            self.crs_combo.addItems(CRS_CHOICES)
            self.crs_combo.setToolTip(
                "Projected CRS in metres for areas, compactness and the map, e.g. EPSG:5070. "
                "By default an equal-area projection centred on the data."
            )
            form.addRow("Working CRS:", self.crs_combo)
            form.addRow(self.crs_error)
        self.template_combo: QComboBox | None = None
        self.accounts_edit = QLineEdit()
        self.alignment_edit = QLineEdit()
        if ask_working_crs:  # a new project: its industry template, then its accounts
            self._add_template_rows(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _add_template_rows(self, form: QFormLayout) -> None:
        from territory_designer.io.templates import TemplateFileError, load_template
        from territory_designer.io.templates import template_names as names

        self.template_combo = QComboBox()
        self.template_combo.setObjectName("template_combo")
        self.template_combo.addItem(NO_TEMPLATE, None)
        for name in names():
            try:
                self.template_combo.addItem(load_template(name).title, name)
            except TemplateFileError:
                continue  # listed with its error in File > Industry Templates…
        self.template_combo.setToolTip(
            "Fields, workload model, balance criterion, constraints and hierarchy of an "
            "industry (File › Industry Templates… shows and edits them)"
        )
        form.addRow("Industry template:", self.template_combo)
        self.accounts_edit.setObjectName("accounts_file")
        self.accounts_edit.setPlaceholderText("optional: customer workbook to import next")
        form.addRow(
            "Accounts file:",
            self._file_row(
                self.accounts_edit, "Accounts file", "Tables (*.xlsx *.xlsm *.xls *.csv *.txt)"
            ),
        )
        self.alignment_edit.setObjectName("alignment_file")
        self.alignment_edit.setPlaceholderText(
            "optional: today's alignment (unit, territory, district, region, rep)"
        )
        form.addRow(
            "Existing alignment:",
            self._file_row(self.alignment_edit, "Existing alignment", "Tables (*.xlsx *.csv)"),
        )

    def _file_row(self, edit: QLineEdit, title: str, file_filter: str) -> QHBoxLayout:
        """``edit`` with a Browse… button that puts the chosen file's path in it."""

        def browse() -> None:
            path, _ = QFileDialog.getOpenFileName(self, title, "", file_filter)
            if path:
                edit.setText(path)

        button = QPushButton("Browse…")
        button.clicked.connect(browse)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        return row

    def alignment_path(self) -> str | None:
        """The alignment table to import as the plan in force (None: none)."""
        return self.alignment_edit.text().strip() or None

    def template_name(self) -> str | None:
        """The chosen industry template (None: none)."""
        if self.template_combo is None:
            return None
        return self.template_combo.currentData()

    def accounts_path(self) -> str | None:
        """The accounts file to import once the project exists (None: none)."""
        return self.accounts_edit.text().strip() or None

    def id_prefix(self) -> str:
        """The prefix for new unit ids ("" for none)."""
        return self.prefix_edit.text().strip()

    def crs(self) -> str | None:
        """The CRS the user gave (None: the file's own)."""
        return self.crs_edit.text().strip() or None

    def working_crs(self) -> str | None:
        """The chosen working CRS (``EPSG:5070``…), None to choose it from the data."""
        if self.crs_combo is None:
            return None
        text = self.crs_combo.currentText().strip()
        if not text or text == FROM_DATA:
            return None
        # "EPSG:5070 NAD83 / Conus Albers" -> "EPSG:5070"; a PROJ string is kept whole.
        return text.split()[0] if text.upper().startswith("EPSG:") else text

    def accept(self) -> None:
        """Close unless the working CRS is one the project cannot use (said in place)."""
        value = self.working_crs()
        if value is not None:
            try:
                parse_working_crs(value, label="Working CRS")
            except InputError as exc:
                self.crs_error.setText(str(exc))
                self.crs_error.show()
                return
        super().accept()

    def choice(self) -> tuple[str, str | None]:
        """(id field, name field or None)."""
        name = self.name_combo.currentText()
        return self.id_combo.currentText(), (None if name == NO_NAME else name)


#: ``(path, fields, parent)`` -> the dialog's answers, None when cancelled.
FieldChooser = Callable[[str, list[str], QWidget], "tuple[str | None, ...] | None"]


def choose_new_project_fields(
    path: str, fields: list[str], parent: QWidget
) -> tuple[str, str | None, str | None, str | None, str | None, str | None, str | None] | None:
    """Ask for a new project's id and name fields, layer CRS, working CRS, industry
    template, accounts file and existing alignment."""
    dialog = NewProjectDialog(path, fields, parent, ask_working_crs=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return (
        *dialog.choice(),
        dialog.crs(),
        dialog.working_crs(),
        dialog.template_name(),
        dialog.accounts_path(),
        dialog.alignment_path(),
    )


def choose_layer_fields(
    path: str, fields: list[str], parent: QWidget
) -> tuple[str, str | None, str, str | None] | None:
    """Ask for an added layer's id and name fields, id prefix and layer CRS."""
    dialog = NewProjectDialog(path, fields, parent, with_prefix=True)
    dialog.setWindowTitle("Add units from a layer")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return (*dialog.choice(), dialog.id_prefix(), dialog.crs())
