"""The change log: who changed what in which plan, when, and why.

Every edit applied to a project (:meth:`Project.apply`, a painting stroke) adds one
:class:`ChangeEntry`: the time, the OS account, the plan, what was done, the units moved
with their territories before and after, and an optional note. An undone edit leaves the
log with it (the log tells what the plans hold); a redo puts it back. Engine results keep
the engine's reason per unit; approval responses keep the reviewers' answers.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from territory_designer.core.errors import EditError
from territory_designer.core.operation_base import Operation

if TYPE_CHECKING:
    from territory_designer.core.project import Project

#: Operations that change nothing a plan holds (switching plans): not logged.
UNLOGGED = frozenset({"SetActivePlan", "SetChangeNote", "AddNote"})
#: Columns of :meth:`ChangeLog.to_frame`, as the dock and the Excel export show them.
COLUMNS = ("time", "user", "plan", "kind", "action", "units", "from", "to", "note")


def os_user() -> str:
    """The OS account name ('' when it cannot be told)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service, a container): unknown
        return ""


def now_text() -> str:
    """Local time with its UTC offset, to the second (ISO 8601)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class ChangeEntry:
    """One logged edit.

    Attributes
    ----------
    time, user, plan, action : str
        When (ISO 8601 local time), who (OS account), which plan and what (the edit's text).
    kind : str
        ``edit`` (a hand edit), ``engine`` (build/rebalance), ``plan`` (plan list),
        ``review`` (an approval answer) or ``note``.
    units : list of str
        Ids of the units moved.
    from_territories : list of str
        Territory ids the units left ('' = unassigned), distinct, in order.
    to_territory : str
        Territory id the units joined.
    note : str
        Why (free text; the user may add it later).
    details : dict
        Per-unit reasons (engine moves) or a reviewer's answers: ``{key: text}``.
    """

    time: str
    user: str
    plan: str
    action: str
    kind: str = "edit"
    units: list[str] = field(default_factory=list)
    from_territories: list[str] = field(default_factory=list)
    to_territory: str = ""
    note: str = ""
    details: dict[str, str] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """The entry as a table row (see :data:`COLUMNS`)."""
        return {
            "time": self.time,
            "user": self.user,
            "plan": self.plan,
            "kind": self.kind,
            "action": self.action,
            "units": ", ".join(self.units),
            "from": ", ".join(t or "(unassigned)" for t in self.from_territories),
            "to": self.to_territory,
            "note": self.note,
        }


class ChangeLog:
    """The entries of a project, oldest first."""

    def __init__(self, entries: list[ChangeEntry] | None = None) -> None:
        self.entries: list[ChangeEntry] = list(entries or [])

    def __len__(self) -> int:
        return len(self.entries)

    def copy(self) -> ChangeLog:
        """A copy whose list can change independently (entries are shared)."""
        return ChangeLog(self.entries)

    def add(self, entry: ChangeEntry) -> ChangeEntry:
        """Append ``entry`` (or put an undone entry back in its place by time)."""
        if entry in self.entries:
            return entry
        at = len(self.entries)
        while at > 0 and self.entries[at - 1].time > entry.time:
            at -= 1
        self.entries.insert(at, entry)
        return entry

    def discard(self, entry: ChangeEntry | None) -> None:
        """Remove ``entry`` (an undone edit); no error if absent."""
        if entry is not None and entry in self.entries:
            self.entries.remove(entry)

    def rename_plan(self, old: str, new: str) -> None:
        """Entries of plan ``old`` now belong to ``new`` (the plan was renamed)."""
        for e in self.entries:
            if e.plan == old:
                e.plan = new

    def to_frame(self) -> pd.DataFrame:
        """All entries as a table with :data:`COLUMNS`."""
        return pd.DataFrame([e.row() for e in self.entries], columns=list(COLUMNS))

    def filtered(
        self,
        text: str = "",
        plan: str | None = None,
        user: str | None = None,
        kind: str | None = None,
    ) -> list[ChangeEntry]:
        """Entries matching every criterion given (``text`` anywhere, case-insensitive)."""
        needle = text.casefold().strip()
        out = []
        for e in self.entries:
            if plan and e.plan != plan or user and e.user != user or kind and e.kind != kind:
                continue
            if needle and needle not in " ".join(map(str, e.row().values())).casefold():
                continue
            out.append(e)
        return out


def entry_for(project: Project, op: Operation, note: str = "") -> ChangeEntry | None:
    """The log entry describing ``op``, just applied to ``project`` (None: not logged)."""
    kinds = {c.__name__ for c in type(op).__mro__}  # AssignWhere is an AssignUnits
    name = type(op).__name__
    if name in UNLOGGED:
        return None
    if "AssignUnits" in kinds:
        name = "AssignUnits"
    elif "AddGeneratedPlan" in kinds:
        name = "AddGeneratedPlan"
    entry = ChangeEntry(now_text(), os_user(), project.active_plan_name, op.text, note=note)
    units = getattr(op, "units", None)
    code = getattr(op, "code", None)
    plan = project.plan
    if name == "AssignUnits" and units is not None and len(units):
        ids = {c: t.id for c, t in plan.territories.items()}
        entry.units = [str(u) for u in project.units.ids[np.asarray(units, dtype=np.int64)]]
        entry.from_territories = list(dict.fromkeys(ids.get(int(c), "") for c in op.old))
        entry.to_territory = ids.get(int(code), "") if code is not None else ""
    elif name in ("AddGeneratedPlan", "AddReviewedPlan"):
        entry.kind = "engine" if name == "AddGeneratedPlan" else "review"
        entry.plan = op.plan.name
        entry.details = dict(getattr(op, "reasons", {}) or {})
        entry.units = [u for u in entry.details if u != "*"]
    elif name in ("AddPlan", "RenamePlan", "DeletePlan", "SetBaselinePlan"):
        entry.kind = "plan"
    return entry


def record(project: Project, op: Operation, note: str = "") -> ChangeEntry | None:
    """Log ``op`` (just applied) in ``project``'s change log; kept on ``op.log_entry``."""
    entry = entry_for(project, op, note)
    op.log_entry = entry  # type: ignore[attr-defined]
    if entry is not None:
        project.change_log.add(entry)
    return entry


def move_reasons(project: Project, plan: str) -> dict[str, str]:
    """Why each unit holds its territory in ``plan``: the last logged move of it there.

    A note wins; an engine move gives the engine's reason; a hand edit without a note
    says who made it and when. Key ``"*"``: the reason of any other unit (the engine's
    general one, when the plan came from the engine).
    """
    reasons: dict[str, str] = {}
    for e in getattr(project, "change_log", ChangeLog()).entries:
        if e.plan != plan:
            continue
        if e.kind in ("engine", "review") and "*" in e.details:
            reasons["*"] = e.details["*"]
        for unit in e.units:
            if e.note:
                reasons[unit] = e.note
            elif unit in e.details:
                reasons[unit] = e.details[unit]
            elif e.kind == "edit":
                who = f" by {e.user}" if e.user else ""
                reasons[unit] = f"{e.action}{who} on {e.time[:10]}"
    return reasons


class SetChangeNote(Operation):
    """Set the note of a logged entry (why an edit was made); undo restores the old note.
    Not logged itself."""

    def __init__(self, entry: ChangeEntry, note: str) -> None:
        self.entry = entry
        self.note = str(note).strip()
        self.before = entry.note
        self.text = "Edit change note"

    def apply(self, project: Project) -> None:
        """Set the note and mark the project changed."""
        self.before = self.entry.note
        self.entry.note = self.note
        project._touch()

    def undo(self, project: Project) -> None:
        """Put the previous note back."""
        self.entry.note = self.before
        project._touch()


class AddNote(Operation):
    """A free note in the log about the active plan (no unit moved); undo removes it."""

    def __init__(self, note: str) -> None:
        self.note = str(note).strip()
        self.entry: ChangeEntry | None = None
        self.text = "Add note"

    def apply(self, project: Project) -> None:
        """Append the note entry."""
        if not self.note:
            raise EditError("A note cannot be empty.")
        if self.entry is None:
            self.entry = ChangeEntry(
                now_text(), os_user(), project.active_plan_name, "Note", kind="note", note=self.note
            )
        project.change_log.add(self.entry)
        project._touch()

    def undo(self, project: Project) -> None:
        """Remove the note entry."""
        project.change_log.discard(self.entry)
        project._touch()
