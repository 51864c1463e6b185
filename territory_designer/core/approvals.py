"""Approvals, offline: a proposal's moves, who reviews each, and the answers reconciled.

A *proposal* is the set of moves from a base plan (the baseline, the plan in force) to a
proposed plan: every unit that changes territory, and every account that changes
territory on its own (a pin). Each move is reviewed by the *groups* of the two
territories it touches — their district (the territory's parent) when the plan has a
hierarchy, else their rep (owner), else the territory itself — so a move between two
districts goes to both managers.

Answers come back per group (:class:`Response`). :func:`reconcile` applies a move when at
least one reviewer accepted it and none rejected it; a move accepted by one and rejected
by another is a conflict and is not applied. The result is a NEW plan (a copy of the base
plan with the accepted moves), added in one undoable step with the reviewers' rejections
and comments in the change log (:class:`AddReviewedPlan`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from territory_designer.core.change_log import ChangeEntry, now_text, os_user
from territory_designer.core.comparison import compare_plans
from territory_designer.core.errors import EditError
from territory_designer.core.hierarchy import node_name
from territory_designer.core.operation_base import Operation
from territory_designer.core.plan import Plan, Territory
from territory_designer.core.plan_operations import AddGeneratedPlan, free_plan_name

if TYPE_CHECKING:
    from territory_designer.core.project import Project

ACCEPT, REJECT = "Accept", "Reject"
DECISIONS = (ACCEPT, REJECT)


@dataclass
class ProposedMove:
    """One move of a proposal, in the words of the plans (ids, names, reps)."""

    move_id: str
    kind: str  # "unit" or "account"
    item_id: str
    item_name: str
    from_id: str
    from_name: str
    from_rep: str
    to_id: str
    to_name: str
    to_rep: str
    accounts: float
    value: float
    reason: str
    groups: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """``unit 37185 Warren: Triangle → Charlotte Metro``."""
        src, dst = self.from_name or "(unassigned)", self.to_name or "(unassigned)"
        return f"{self.kind} {self.item_id} {self.item_name}: {src} → {dst}"


@dataclass
class Proposal:
    """The moves from ``base`` to ``plan`` and the groups that review them."""

    plan: str
    base: str
    value_field: str
    moves: list[ProposedMove]
    grouping: str  # "district", "rep" or "territory"

    @property
    def fingerprint(self) -> str:
        """A short hash of the moves: a response file for other moves does not match."""
        text = "\n".join(f"{m.move_id}|{m.from_id}|{m.to_id}" for m in self.moves)
        return hashlib.sha1(f"{self.plan}|{self.base}|{text}".encode()).hexdigest()[:16]

    def groups(self) -> list[str]:
        """Every reviewing group, in order of first appearance."""
        return list(dict.fromkeys(g for m in self.moves for g in m.groups))

    def moves_of(self, group: str) -> list[ProposedMove]:
        """The moves ``group`` reviews."""
        return [m for m in self.moves if group in m.groups]


def _grouping(base: Plan, plan: Plan) -> str:
    terr = [*base.territories.values(), *plan.territories.values()]
    if any(t.parent for t in terr):
        return "district"
    if any(t.owner for t in terr):
        return "rep"
    return "territory"


def group_of(
    t: Territory | None, grouping: str, district_names: dict[str, str] | None = None
) -> str:
    """The reviewing group of territory ``t`` ('' for none): its district's name (the
    hierarchy node above it), else its rep, else the territory itself."""
    if t is None:
        return ""
    if grouping == "district" and t.parent:
        return (district_names or {}).get(t.parent, t.parent)
    if grouping in ("district", "rep") and t.owner:
        return t.owner
    return f"{t.id} {t.name}"


def build_proposal(project: Project, plan: str, base: str | None = None) -> Proposal:
    """The moves from ``base`` (default: the baseline) to ``plan``.

    Raises
    ------
    EditError
        When a plan is unknown, there is no base plan, or nothing moves.
    """
    base = base or project.baseline_plan_name
    if not base:
        raise EditError("No baseline plan to propose changes against: set one, or name it.")
    if base == plan:
        raise EditError(f"Plan {plan!r} is the base plan itself: nothing to propose.")
    c = compare_plans(project, base, plan)
    a, b = project.plans[base], project.plans[plan]
    grouping = _grouping(a, b)
    by_id_a = {t.id: t for t in a.territories.values()}
    by_id_b = {t.id: t for t in b.territories.values()}

    districts = {
        t.parent: node_name(project, t.parent)
        for t in [*a.territories.values(), *b.territories.values()]
        if t.parent
    }

    def groups(from_id: str, to_id: str) -> list[str]:
        found = [
            group_of(by_id_a.get(from_id), grouping, districts),
            group_of(by_id_b.get(to_id), grouping, districts),
        ]
        return list(dict.fromkeys(g for g in found if g))

    moves = []
    vf = c.value_field
    for r in c.units.to_dict(orient="records"):
        fa, tb = by_id_a.get(r["from_territory"]), by_id_b.get(r["to_territory"])
        moves.append(
            ProposedMove(
                f"U:{r['unit_id']}",
                "unit",
                str(r["unit_id"]),
                str(r["unit_name"]),
                r["from_territory"],
                r["from_name"],
                fa.owner if fa else "",
                r["to_territory"],
                r["to_name"],
                tb.owner if tb else "",
                float(r["accounts"]),
                float(r[vf]),
                str(r["reason"]),
                groups(r["from_territory"], r["to_territory"]),
            )
        )
    moved_units = set(c.units["unit_id"].astype(str))
    table = project.accounts.table
    unit_of = (
        dict(
            zip(
                table["account_id"].astype(str),
                np.where(table["unit"] >= 0, project.units.ids[table["unit"].clip(lower=0)], ""),
                strict=True,
            )
        )
        if len(table)
        else {}
    )
    for r in c.accounts.to_dict(orient="records"):
        if unit_of.get(str(r["account_id"])) in moved_units:
            continue  # it follows its unit: reviewed with the unit's move
        moves.append(
            ProposedMove(
                f"A:{r['account_id']}",
                "account",
                str(r["account_id"]),
                str(r["account_name"]),
                r["from_territory"],
                r["from_name"],
                r["from_owner"],
                r["to_territory"],
                r["to_name"],
                r["to_owner"],
                1.0,
                float(r[vf]),
                str(r["reason"]),
                groups(r["from_territory"], r["to_territory"]),
            )
        )
    if not moves:
        raise EditError(f"Plan {plan!r} moves nothing against {base!r}: nothing to propose.")
    return Proposal(plan, base, vf, moves, grouping)


@dataclass
class Answer:
    """One reviewer's answer to one move (``row`` in their file, for messages)."""

    move_id: str
    decision: str  # "Accept", "Reject" or "" (no answer)
    comment: str = ""
    row: int = 0


@dataclass
class Response:
    """The answers of one group, read from one file."""

    source: str
    group: str
    plan: str
    base: str
    fingerprint: str
    answers: list[Answer] = field(default_factory=list)
    #: Problems found in the file (edited protected cells, bad decisions): reported.
    problems: list[str] = field(default_factory=list)


@dataclass
class Reconciliation:
    """What the responses decide (see :func:`reconcile`)."""

    proposal: Proposal
    accepted: list[ProposedMove]
    rejected: list[tuple[ProposedMove, Response, Answer]]
    comments: list[tuple[ProposedMove, Response, Answer]]
    unanswered: list[ProposedMove]
    conflicts: list[str]
    problems: list[str]
    files_used: list[str]
    #: Who accepted each accepted move (groups, in file order).
    accepted_by: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: accepted, rejected, conflicts, unanswered."""
        return (
            f"{len(self.accepted)} moves accepted, {len(self.rejected)} rejections, "
            f"{len(self.conflicts)} conflicts, {len(self.unanswered)} unanswered"
        )


def reconcile(project: Project, responses: list[Response]) -> Reconciliation:
    """Decide each move from the responses.

    A file for another plan or base, or for moves that no longer match the project (the
    plan was edited since), is a conflict and its answers are not used. Within the
    files used, a move accepted by one reviewer and rejected by another is a conflict
    and is not applied.

    Raises
    ------
    EditError
        When no response file matches a plan of the project.
    """
    usable: list[Response] = []
    conflicts: list[str] = []
    problems: list[str] = [p for r in responses for p in r.problems]
    proposal: Proposal | None = None
    for r in responses:
        if r.plan not in project.plans or r.base not in project.plans:
            conflicts.append(
                f"{r.source}: a file for another plan ({r.plan!r} against {r.base!r}), "
                "not in this project: ignored."
            )
            continue
        p = proposal if proposal and (proposal.plan, proposal.base) == (r.plan, r.base) else None
        p = p or build_proposal(project, r.plan, r.base)
        if proposal is not None and (p.plan, p.base) != (proposal.plan, proposal.base):
            conflicts.append(
                f"{r.source}: a file for another plan ({r.plan!r}; the other files answer "
                f"{proposal.plan!r}): ignored."
            )
            continue
        if p.fingerprint != r.fingerprint:
            conflicts.append(
                f"{r.source}: plan {r.plan!r} has changed since this proposal was sent "
                "(its moves differ): ignored."
            )
            continue
        proposal = p
        usable.append(r)
    if proposal is None:
        raise EditError("No response file answers a proposal of this project.")
    by_id = {m.move_id: m for m in proposal.moves}
    votes: dict[str, list[tuple[Response, Answer]]] = {}
    comments = []
    for r in usable:
        for ans in r.answers:
            move = by_id.get(ans.move_id)
            if move is None:
                problems.append(f"{r.source}, row {ans.row}: no move {ans.move_id!r}: ignored.")
                continue
            if ans.decision:
                votes.setdefault(ans.move_id, []).append((r, ans))
            if ans.comment:
                comments.append((move, r, ans))
    accepted, rejected, unanswered = [], [], []
    accepted_by: dict[str, list[str]] = {}
    for move in proposal.moves:
        vs = votes.get(move.move_id, [])
        yes = [r for r, a in vs if a.decision == ACCEPT]
        no = [(r, a) for r, a in vs if a.decision == REJECT]
        rejected += [(move, r, a) for r, a in no]
        if yes and no:
            conflicts.append(
                f"{move.describe()}: accepted by {', '.join(r.group for r in yes)}, rejected "
                f"by {', '.join(r.group for r, _ in no)}: not applied."
            )
        elif yes:
            accepted.append(move)
            accepted_by[move.move_id] = list(dict.fromkeys(r.group for r in yes))
        elif not no:
            unanswered.append(move)
    return Reconciliation(
        proposal,
        accepted,
        rejected,
        comments,
        unanswered,
        conflicts,
        problems,
        [r.source for r in usable],
        accepted_by,
    )


def reviewed_plan(project: Project, rec: Reconciliation, name: str | None = None) -> Plan:
    """A copy of the base plan with the accepted moves made (a new plan, not added)."""
    p = rec.proposal
    base, proposed = project.plans[p.base], project.plans[p.plan]
    plan = base.copy(name or free_plan_name(project, f"{p.plan} approved"))
    plan.criterion = None

    def code_for(tid: str) -> int:
        if not tid:
            return -1
        for code, t in plan.territories.items():
            if t.id == tid:
                return code
        src = proposed.territories[proposed.code_of(tid)]  # new in the proposal: add it
        code = plan.next_code
        plan.territories[code] = Territory(**{**src.__dict__})
        plan.next_code += 1
        return code

    index = {str(u): i for i, u in enumerate(project.units.ids)}
    for m in rec.accepted:
        if m.kind == "unit":
            plan.assignment[index[m.item_id]] = code_for(m.to_id)
        else:
            code = code_for(m.to_id)
            if code >= 0:
                plan.account_overrides[m.item_id] = code
            else:
                plan.account_overrides.pop(m.item_id, None)
    return plan


def review_entries(rec: Reconciliation, plan_name: str) -> list[ChangeEntry]:
    """Log entries for the reviewers' rejections and comments (the new plan's)."""
    entries = []
    user, when = os_user(), now_text()
    seen = set()

    def entry(verb: str, move: ProposedMove, r: Response, ans: Answer) -> ChangeEntry:
        return ChangeEntry(
            when,
            user,
            plan_name,
            f"{verb} by {r.group}: {move.describe()}",
            kind="review",
            units=[move.item_id] if move.kind == "unit" else [],
            from_territories=[move.from_id],
            to_territory=move.to_id,
            note=ans.comment,
            details={"file": r.source, "row": str(ans.row)},
        )

    for move, r, ans in rec.rejected:
        seen.add((move.move_id, r.source))
        entries.append(entry("Rejected", move, r, ans))
    for move, r, ans in rec.comments:
        if (move.move_id, r.source) not in seen:
            verb = {ACCEPT: "Accepted", REJECT: "Rejected"}.get(ans.decision, "Commented")
            entries.append(entry(verb, move, r, ans))
    for text in rec.conflicts:
        entries.append(ChangeEntry(when, user, plan_name, f"Conflict: {text}", kind="review"))
    return entries


class AddReviewedPlan(Operation):
    """Add the plan the reviewers approved, with their answers in the change log."""

    def __init__(self, plan: Plan, rec: Reconciliation) -> None:
        reasons = {
            m.item_id: f"accepted by {', '.join(rec.accepted_by.get(m.move_id, m.groups))}"
            for m in rec.accepted
            if m.kind == "unit"
        }
        reasons["*"] = f"as in {rec.proposal.base} (not accepted)"
        self.inner = AddGeneratedPlan(plan, reasons)
        self.reasons = self.inner.reasons  # logged with the plan (core.change_log)
        self.entries = review_entries(rec, plan.name)
        self.plan = plan
        self.text = f"Add reviewed plan {plan.name} ({rec.summary()})"

    def apply(self, project: Project) -> None:
        """Add the plan and its review entries."""
        self.inner.apply(project)
        for e in self.entries:
            project.change_log.add(e)

    def undo(self, project: Project) -> None:
        """Remove them again."""
        for e in self.entries:
            project.change_log.discard(e)
        self.inner.undo(project)
