"""The map's search box: a unit, a territory, an account or a city; Enter zooms to it.

Every name is offered as the user types (a completer over one list); Enter picks the
exact entry, else the first whose name starts with the text, else the first holding it.
A unit or an account's unit is selected and framed, a territory becomes the active one
and is framed, a city's unit is selected (or the map centred on it when it lies outside
every unit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from territory_designer.ui.session import Session

#: Words that end each entry, so the list says what each one is.
KINDS = {"unit": "unit", "territory": "territory", "account": "account", "city": "city"}


@dataclass(frozen=True)
class SearchEntry:
    """One thing the search box can find."""

    label: str
    kind: str
    key: object  # unit index, territory code, account id or (x, y)


def search_entries(session: Session, cities: tuple | None = None) -> list[SearchEntry]:
    """Everything findable in the session's project, territories first.

    Parameters
    ----------
    session : Session
        Its project's units, territories and accounts are listed.
    cities : (names, xy), optional
        Gazetteer cities in project coordinates (the basemap's), largest first.
    """
    project = session.project
    out = [
        SearchEntry(f"{t.name} — territory", "territory", code)
        for code, t in sorted(project.plan.territories.items())
    ]
    units = project.units
    out += [
        SearchEntry(f"{name} ({uid}) — unit", "unit", k)
        for k, (name, uid) in enumerate(zip(units.names, units.ids, strict=True))
    ]
    table = project.accounts.table
    if len(table):
        names = table["name"].astype(str) if "name" in table else table["account_id"].astype(str)
        out += [
            SearchEntry(f"{name} ({aid}) — account", "account", str(aid))
            for name, aid in zip(names, table["account_id"].astype(str), strict=True)
        ]
    if cities is not None:
        names, xy = cities
        out += [
            SearchEntry(f"{name} — city", "city", (float(x), float(y)))
            for name, (x, y) in zip(names, xy, strict=True)
        ]
    return out


def best_match(entries: list[SearchEntry], text: str) -> SearchEntry | None:
    """The entry ``text`` names: exact label, then name prefix, then anywhere (no case)."""
    needle = text.strip().casefold()
    if not needle:
        return None
    labels = [e.label.casefold() for e in entries]
    for test in (
        lambda lab: lab == needle,
        lambda lab: lab.rsplit(" — ", 1)[0] == needle,
        lambda lab: lab.startswith(needle),
        lambda lab: needle in lab,
    ):
        for entry, label in zip(entries, labels, strict=True):
            if test(label):
                return entry
    return None


class SearchBox(QLineEdit):
    """Type a name, press Enter: the map goes there.

    Signals
    -------
    sig_found(label: str)
        What was found (for the status bar).
    """

    sig_found = Signal(str)

    def __init__(self, session: Session, canvas: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search_box")
        self.session = session
        self.canvas = canvas
        self.setPlaceholderText("Find unit, territory, account, city…")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(220)
        self.entries: list[SearchEntry] = []
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self._stale = True
        for sig in (
            session.sig_structure_changed,
            session.sig_plan_changed,
            session.sig_project_replaced,
            session.sig_accounts_changed,
        ):
            sig.connect(self._mark_stale)
        session.sig_territories_changed.connect(self._mark_stale)
        self.returnPressed.connect(self.go)

    def _mark_stale(self, *_args: object) -> None:
        self._stale = True

    def focusInEvent(self, event: object) -> None:  # noqa: D102 - Qt override
        self.refresh()
        super().focusInEvent(event)

    def refresh(self) -> None:
        """Rebuild the list of names (done lazily, when the box is used)."""
        if not self._stale:
            return
        layer = getattr(getattr(self.canvas, "basemap", None), "layer", None)
        cities = None if layer is None else (layer.basemap.city_names, layer.basemap.city_xy)
        self.entries = search_entries(self.session, cities)
        self._model.setStringList([e.label for e in self.entries])
        self._stale = layer is None  # the basemap may still come: list its cities then

    def go(self, text: str | None = None) -> SearchEntry | None:
        """Find ``text`` (the box's text by default), zoom to it and select it."""
        self.refresh()
        entry = best_match(self.entries, self.text() if text is None else text)
        if entry is None:
            self.session.sig_status.emit(f"Nothing called “{self.text()}” in this project.")
            return None
        self._show(entry)
        self.sig_found.emit(entry.label)
        self.session.sig_status.emit(f"Found {entry.label}")
        return entry

    def _show(self, entry: SearchEntry) -> None:
        session, canvas, project = self.session, self.canvas, self.session.project
        if entry.kind == "territory":
            session.set_active_territory(int(entry.key))
            session.set_selection(project.plan.units_of(int(entry.key)))
            canvas.zoom_to_territory(int(entry.key))
            return
        if entry.kind == "unit":
            unit = int(entry.key)
        elif entry.kind == "account":
            unit = int(project.accounts.table["unit"].iloc[project.account_index[entry.key]])
            if unit < 0:
                session.sig_status.emit(f"{entry.label} has no unit: see Unlocated accounts.")
                return
        else:
            x, y = entry.key
            unit = int(canvas.index.unit_at(x, y))
            if unit < 0:
                session.set_selection(np.empty(0, dtype=np.int64))
                canvas.centerOn(canvas.scene_from_project_xy(x, y))
                return
        session.set_selection(np.array([unit]))
        canvas.zoom_to_selection()
