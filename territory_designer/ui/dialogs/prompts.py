"""Questions the main window asks the user, gathered in one replaceable object.

The window never calls ``QMessageBox``/``QFileDialog`` directly: it calls a
:class:`Prompts`. Tests (and the offscreen screenshot) pass a subclass with canned
answers, so no modal dialog ever blocks a headless run.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLabel, QMessageBox, QWidget

from territory_designer.io.recovery import RecoveryEntry

PROJECT_FILTER = "Territory Designer projects (*.tdproj);;All files (*)"
UNITS_FILTER = "Polygon layers (*.gpkg *.shp *.geojson *.json *.fgb *.gml *.kml);;All files (*)"
ACCOUNTS_FILTER = (
    "Customer lists (*.xlsx *.xlsm *.xls *.csv *.txt *.tsv);;Excel workbooks (*.xlsx *.xlsm *.xls)"
    ";;Text files (*.csv *.txt *.tsv);;All files (*)"
)
XLSX_FILTER = "Excel workbooks (*.xlsx)"


class SaveChoice(Enum):
    """Answer to "save your changes?"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class RecoveryChoice(Enum):
    """Answer to "recover autosaved work?"."""

    RECOVER = "recover"
    DISCARD = "discard"
    LATER = "later"


def _open_file(parent: QWidget | None, title: str, folder: str, file_filter: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, file_filter)
    return path or None


def _save_file(
    parent: QWidget | None,
    title: str,
    suggested: str,
    file_filter: str,
    suffixes: tuple[str, ...] = (),
) -> str | None:
    """A file name to write; the first of ``suffixes`` is added when none is typed."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    if path and suffixes and not path.lower().endswith(tuple(suffixes)):
        path += suffixes[0]
    return path or None


def _confirm(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    question: str,
    action: str,
    default: str | None = "action",
    role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole,
) -> bool:
    """Ask ``question`` about ``text`` with an ``action`` button and Cancel.

    ``default`` ("action", "cancel" or None for Qt's choice) is what Enter picks; with
    "cancel" Escape cancels too, so a destructive action needs a deliberate click.
    Returns True when ``action`` was clicked.
    """
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(question)
    chosen = box.addButton(action, role)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    if default == "action":
        box.setDefaultButton(chosen)
    elif default == "cancel":
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is chosen


class Prompts:
    """Standard dialogs (override any method to answer without a dialog)."""

    def ask_save_changes(self, parent: QWidget | None, title: str) -> SaveChoice:
        """Ask whether to save changes to ``title`` before they are lost."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"Save the changes to “{title}” before closing it?")
        box.setInformativeText("Your changes will be lost if you don't save them.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return SaveChoice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return SaveChoice.DISCARD
        return SaveChoice.CANCEL

    def ask_recover(self, parent: QWidget | None, entry: RecoveryEntry) -> RecoveryChoice:
        """Offer an autosaved copy found at start."""
        import time

        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.saved_at))
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Recover unsaved work")
        box.setText(f"Unsaved work on “{entry.title}” was autosaved at {when}.")
        box.setInformativeText("Recover it, or discard the autosaved copy?")
        recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Decide later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(recover)
        box.exec()
        clicked = box.clickedButton()
        if clicked is recover:
            return RecoveryChoice.RECOVER
        if clicked is discard:
            return RecoveryChoice.DISCARD
        return RecoveryChoice.LATER

    def ask_open_locked(self, parent: QWidget | None, message: str) -> bool:
        """The project is open for writing elsewhere: True opens it read-only, False cancels."""
        return _confirm(
            parent,
            QMessageBox.Icon.Warning,
            "Project in use",
            message,
            "Open it read-only? You can still edit and keep your work with Save As…",
            "Open read-only",
        )

    def ask_save_conflict(self, parent: QWidget | None, message: str) -> bool:
        """Saving would overwrite someone else's work: True saves under another name."""
        return _confirm(
            parent,
            QMessageBox.Icon.Warning,
            "Not saved",
            message,
            "Save your work under another name, so both versions are kept?",
            "Save As…",
        )

    def ask_open_path(self, parent: QWidget | None, folder: str = "") -> str | None:
        """A project file to open."""
        return _open_file(parent, "Open project", folder, PROJECT_FILTER)

    def ask_save_path(self, parent: QWidget | None, suggested: str = "") -> str | None:
        """Where to save the project (``.tdproj`` added when missing)."""
        return _save_file(parent, "Save project as", suggested, PROJECT_FILTER, (".tdproj",))

    def ask_units_file(self, parent: QWidget | None, folder: str = "") -> str | None:
        """A polygon file to build a new project from."""
        return _open_file(parent, "New project from units file", folder, UNITS_FILTER)

    def ask_accounts_file(
        self, parent: QWidget | None, folder: str = "", title: str = "Import accounts"
    ) -> str | None:
        """A customer list or sales file (workbook or text file) to import."""
        return _open_file(parent, title, folder, ACCOUNTS_FILTER)

    def ask_units_layer(self, parent: QWidget | None, folder: str = "") -> str | None:
        """A polygon file whose units are added to the project."""
        return _open_file(parent, "Add units from a layer", folder, UNITS_FILTER)

    def ask_xlsx_path(self, parent: QWidget | None, suggested: str = "") -> str | None:
        """Where to write an Excel file (``.xlsx`` added when missing)."""
        return _save_file(parent, "Export to Excel", suggested, XLSX_FILTER, (".xlsx",))

    def ask_response_files(self, parent: QWidget | None, folder: str = "") -> list[str]:
        """Answered proposal workbooks to import (empty: cancelled)."""
        paths, _ = QFileDialog.getOpenFileNames(
            parent, "Import responses", folder, "Proposal workbooks (*.xlsx);;All files (*)"
        )
        return list(paths)

    def ask_unit(self, parent: QWidget | None, choices: list[str]) -> int | None:
        """Index of the unit chosen from ``choices`` (an editable, searchable list)."""
        text, ok = QInputDialog.getItem(
            parent, "Place accounts", "Unit (type to search):", choices, 0, True
        )
        return choices.index(text) if ok and text in choices else None

    def ask_export_path(
        self,
        parent: QWidget | None,
        label: str,
        suffixes: tuple[str, ...] = (),
        suggested: str = "",
        is_folder: bool = False,
    ) -> str | None:
        """Where to export: a file ending in one of ``suffixes`` (added if missing) or a folder."""
        if is_folder:
            path = QFileDialog.getExistingDirectory(parent, f"Export {label} to folder", suggested)
            return path or None
        patterns = " ".join(f"*{s}" for s in suffixes) or "*"
        file_filter = f"{label} ({patterns});;All files (*)"
        return _save_file(parent, f"Export {label}", suggested, file_filter, suffixes)

    def ask_replace_covered(self, parent: QWidget | None, detail: str) -> bool:
        """New units overlap the project's: replace the covered units, or cancel?"""
        return _confirm(
            parent,
            QMessageBox.Icon.Question,
            "New units overlap existing ones",
            detail,
            "Replace the units they cover? Units covered 90% or more are removed, others "
            "are cut back, and their accounts and territories go to the new units.",
            "Replace covered units",
            default=None,
        )

    def ask_allow_overlaps(self, parent: QWidget | None, detail: str) -> bool:
        """Units of one layer overlap: accept them, or cancel?"""
        return _confirm(
            parent,
            QMessageBox.Icon.Warning,
            "Units overlap",
            detail,
            "Accept the overlaps? An account inside two units then counts once, in the "
            "smaller unit.",
            "Accept overlaps",
            default=None,
        )

    def ask_id_prefix(self, parent: QWidget | None, detail: str, suggested: str) -> str | None:
        """Ids clash: a prefix for the new layer's ids (None = cancel)."""
        dialog = QInputDialog(parent)
        dialog.setWindowTitle("Unit ids already in use")
        dialog.setLabelText(f"{detail}\n\nPrefix for the new layer's unit ids:")
        dialog.setTextValue(suggested)
        # The detail names the file's full path and up to 20 ids: unwrapped, a national
        # layer's question is wider than the screen and its buttons fall off the edge.
        for label in dialog.findChildren(QLabel):
            label.setWordWrap(True)
        text = dialog.textValue() if dialog.exec() == QDialog.DialogCode.Accepted else ""
        return text.strip() or None

    def confirm_replace_all_accounts(self, parent: QWidget | None, message: str) -> bool:
        """Ask before an import that locates nothing replaces every account (default: no)."""
        return _confirm(
            parent,
            QMessageBox.Icon.Warning,
            "Replace every account?",
            message,
            "Replace all the project's accounts with this file anyway?",
            "Replace all accounts",
            default="cancel",
            role=QMessageBox.ButtonRole.DestructiveRole,
        )

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        """Show one clear error message."""
        QMessageBox.critical(parent, title, message)

    def show_about(self, parent: QWidget | None, title: str, text: str) -> None:
        """The About box."""
        QMessageBox.about(parent, title, text)

    def show_help(self, parent: QWidget | None, title: str, html: str) -> None:
        """A help page (rich text) in a box the user closes."""
        box = QMessageBox(parent)
        box.setWindowTitle(title)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(html)
        box.exec()


class ScriptedPrompts(Prompts):
    """Prompts with canned answers and a record of what was asked (tests, screenshots).

    Parameters
    ----------
    save_choice, recovery_choice
        Answers to the two questions.
    open_path, save_path, units_file, export_path
        Answers to the file dialogs (None = the user cancelled).
    replace_all_accounts : bool
        Answer to :meth:`confirm_replace_all_accounts` (False, as the dialog's default).
    """

    def __init__(
        self,
        save_choice: SaveChoice = SaveChoice.DISCARD,
        recovery_choice: RecoveryChoice = RecoveryChoice.LATER,
        open_path: str | None = None,
        save_path: str | None = None,
        units_file: str | None = None,
        export_path: str | None = None,
        replace_all_accounts: bool = False,
    ) -> None:
        self.save_choice = save_choice
        self.replace_all_accounts = replace_all_accounts
        self.recovery_choice = recovery_choice
        self.open_path = open_path
        self.save_path = save_path
        self.units_file = units_file
        self.export_path = export_path
        self.errors: list[tuple[str, str]] = []
        self.asked: list[str] = []
        self.help_pages: list[tuple[str, str]] = []  # (title, html) of the help shown

    def ask_save_changes(self, parent: QWidget | None, title: str) -> SaveChoice:
        self.asked.append(f"save:{title}")
        return self.save_choice

    def ask_recover(self, parent: QWidget | None, entry: RecoveryEntry) -> RecoveryChoice:
        self.asked.append(f"recover:{entry.title}")
        return self.recovery_choice

    #: Answers to "open read-only?" and "save under another name?" after a conflict.
    open_locked_read_only: bool = True
    conflict_save_as: bool = True

    def ask_open_locked(self, parent: QWidget | None, message: str) -> bool:
        self.asked.append(f"locked:{message}")
        return self.open_locked_read_only

    def ask_save_conflict(self, parent: QWidget | None, message: str) -> bool:
        self.asked.append(f"conflict:{message}")
        return self.conflict_save_as

    def ask_open_path(self, parent: QWidget | None, folder: str = "") -> str | None:
        return self.open_path

    def ask_save_path(self, parent: QWidget | None, suggested: str = "") -> str | None:
        return self.save_path

    def ask_units_file(self, parent: QWidget | None, folder: str = "") -> str | None:
        return self.units_file

    #: Answers of the import dialogs (set them on the instance; None = cancelled).
    unit_choice: str | None = None
    accounts_file: str | None = None
    units_layer: str | None = None
    xlsx_path: str | None = None

    def ask_accounts_file(
        self, parent: QWidget | None, folder: str = "", title: str = "Import accounts"
    ) -> str | None:
        return self.accounts_file

    def ask_unit(self, parent: QWidget | None, choices: list[str]) -> int | None:
        self.asked.append("unit")
        return choices.index(self.unit_choice) if self.unit_choice in choices else None

    def ask_units_layer(self, parent: QWidget | None, folder: str = "") -> str | None:
        return self.units_layer

    def ask_xlsx_path(self, parent: QWidget | None, suggested: str = "") -> str | None:
        return self.xlsx_path

    #: Answer to "import responses from which files?" (empty: cancelled).
    response_files: tuple[str, ...] = ()

    def ask_response_files(self, parent: QWidget | None, folder: str = "") -> list[str]:
        return list(self.response_files)

    def ask_export_path(
        self,
        parent: QWidget | None,
        label: str,
        suffixes: tuple[str, ...] = (),
        suggested: str = "",
        is_folder: bool = False,
    ) -> str | None:
        self.asked.append(f"export:{label}")
        return self.export_path

    #: Answers to the overlap and id-clash questions.
    replace_covered: bool = False
    allow_overlaps: bool = False
    id_prefix: str | None = None

    def ask_replace_covered(self, parent: QWidget | None, detail: str) -> bool:
        self.asked.append(f"replace_covered:{detail}")
        return self.replace_covered

    def ask_allow_overlaps(self, parent: QWidget | None, detail: str) -> bool:
        self.asked.append(f"allow_overlaps:{detail}")
        return self.allow_overlaps

    def ask_id_prefix(self, parent: QWidget | None, detail: str, suggested: str) -> str | None:
        self.asked.append(f"id_prefix:{detail}")
        return self.id_prefix

    def confirm_replace_all_accounts(self, parent: QWidget | None, message: str) -> bool:
        self.asked.append(f"replace_all:{message}")
        return self.replace_all_accounts

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        self.errors.append((title, message))

    def show_about(self, parent: QWidget | None, title: str, text: str) -> None:
        self.asked.append("about")
        self.about_text = text

    def show_help(self, parent: QWidget | None, title: str, html: str) -> None:
        self.asked.append(f"help:{title}")
        self.help_pages.append((title, html))
