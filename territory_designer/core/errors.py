"""Exceptions raised by the model and the file layers.

Every error a user can cause carries a message that can be shown as-is: it names the
file (and where it applies the sheet, row and column) and says what to do.
"""

from __future__ import annotations


class TerritoryDesignerError(Exception):
    """Base class of every error meant to be shown to the user."""


class TerritoryDesignerWarning(UserWarning):
    """Warnings issued by the package (tests turn them into errors)."""


class LockedError(TerritoryDesignerError):
    """An edit touched a locked territory or unit."""


class EditError(TerritoryDesignerError):
    """An edit that cannot be applied (unknown territory, empty merge, ...)."""


class ProjectFileError(TerritoryDesignerError):
    """A project file that cannot be read or written."""


class InputError(TerritoryDesignerError):
    """Bad input data (geography or accounts)."""


class CrsError(InputError):
    """A units layer's CRS is missing or wrong: the user has to give it.

    ``str()`` says how on the command line (``--crs``); :attr:`in_dialog` says it for the
    window, where the layer dialogs have a "Layer CRS" field instead of a flag.
    """

    def __init__(self, message: str, example: str = "EPSG:4326") -> None:
        super().__init__(f"{message} Give it with --crs {example}.")
        self.in_dialog = f"{message} Give it in the Layer CRS field (for example {example})."


class CanceledError(TerritoryDesignerError):
    """Long work was cancelled by the user; nothing was changed."""


class _ChoiceError(InputError):
    """Bad input the user can resolve by a choice: ``detail`` states the facts only.

    The message adds how to choose on the command line; a dialog shows ``detail`` and
    offers the choice itself.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail or message


class OverlapError(_ChoiceError):
    """Units that would overlap others; the caller may offer to allow or replace them."""


class IdClashError(_ChoiceError):
    """A new layer's unit ids clash with the project's; a prefix would resolve it."""


class CoveredUnitsError(OverlapError):
    """New units overlap the project's; replacing the covered units would resolve it."""
