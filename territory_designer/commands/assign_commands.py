"""``assign``, ``lock`` and ``unlock``: edit the active plan by attribute, headless.

``main.py assign P.tdproj --where "state = NC" --territory "Triangle"`` does what
Territory › Assign by Attribute… does in the window (locked units and units of locked
territories are skipped and counted); ``lock``/``unlock`` set single units' locks, chosen
by ``--where`` or by ``--units ID,ID``.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from territory_designer.commands.common import load, save_project_file
from territory_designer.core.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from territory_designer.core.project import Project

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"assign", "lock", "unlock"})

_WHERE_HELP = (
    'units to change: FIELD OPERATOR VALUE, e.g. "state = NC", "revenue > 10000", '
    '"county in (Wake, Durham)"; operators = != < > <= >= in, not in, contains; '
    "join conditions with 'and'"
)


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the attribute edits."""
    p = sub.add_parser("assign", help="assign every unit where a field matches to a territory")
    p.add_argument("project")
    p.add_argument("--where", required=True, help=_WHERE_HELP)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--territory", help="territory id or name to assign the units to")
    target.add_argument("--unassign", action="store_true", help="take the units out of theirs")
    _common(p)
    p.set_defaults(handler=run_assign)
    for name, text in (
        ("lock", "lock single units: no paint, fill or engine run moves them"),
        ("unlock", "unlock single units"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("project")
        chosen = p.add_mutually_exclusive_group(required=True)
        chosen.add_argument("--where", help=_WHERE_HELP)
        chosen.add_argument("--units", help="unit ids, comma-separated")
        _common(p)
        p.set_defaults(handler=run_lock, locked=name == "lock")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plan", help="plan to edit (default: the active plan)")
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.add_argument("--dry-run", action="store_true", help="report only, save nothing")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def territory_code(project: Project, key: str) -> int:
    """Code of the territory whose id or name is ``key`` (ids first, any case)."""
    plan = project.plan
    for match in (
        lambda t: t.id == key,
        lambda t: t.id.casefold() == key.casefold(),
        lambda t: t.name.casefold() == key.strip().casefold(),
    ):
        found = [code for code, t in plan.territories.items() if match(t)]
        if found:
            return found[0]
    known = ", ".join(f"{t.id} ({t.name})" for t in plan.territories.values()) or "none"
    raise InputError(f"No territory {key!r} in plan {plan.name!r}; territories: {known}.")


def _save(project: Project, args: argparse.Namespace, changed: bool) -> str | None:
    return None if args.dry_run or not changed else save_project_file(project, args)


def _saved_note(saved: str | None, args: argparse.Namespace) -> str:
    if saved:
        return f"saved to {saved}"
    return "not saved: --dry-run" if args.dry_run else "nothing changed, not saved"


def run_assign(args: argparse.Namespace) -> int:
    """Assign the units where ``--where`` holds; print what changed and what was skipped."""
    from territory_designer.core.attribute_operations import AssignWhere
    from territory_designer.core.plan import UNASSIGNED

    project = load(args.project, args.plan)
    code = UNASSIGNED if args.unassign else territory_code(project, args.territory)
    op = AssignWhere(args.where, code)
    project.apply(op)
    saved = _save(project, args, bool(op.units.size))
    if args.json:
        out = {
            "plan": project.plan.name,
            "where": str(op.query),
            "territory": None if code == UNASSIGNED else project.plan.territories[code].id,
            "matched": op.matched,
            "assigned": int(op.units.size),
            "already": op.already,
            "skipped_locked": op.skipped_locked,
            "saved_to": saved,
        }
        print(json.dumps(out, indent=2))
    else:
        print(op.describe(project))
        print(f"  {_saved_note(saved, args)}")
    return 0


def _units_by_id(project: Project, text: str) -> np.ndarray:
    import numpy as np

    ids = [u.strip() for u in text.split(",") if u.strip()]
    if not ids:
        raise InputError("--units: give unit ids, comma-separated.")
    index = project.units.indices_of(ids)
    unknown = [u for u, k in zip(ids, index, strict=True) if k < 0]
    if unknown:
        more = f" (and {len(unknown) - 10} more)" if len(unknown) > 10 else ""
        raise InputError(f"--units: no unit with id {', '.join(unknown[:10])}{more}.")
    return np.unique(index)


def run_lock(args: argparse.Namespace) -> int:
    """Lock or unlock the chosen units."""
    import numpy as np

    from territory_designer.core.attribute_operations import units_where
    from territory_designer.core.operations import SetUnitsLocked

    project = load(args.project, args.plan)
    units = units_where(project, args.where) if args.where else _units_by_id(project, args.units)
    was = project.plan.locked_units[units]
    to_change = units[was != args.locked]
    if to_change.size:
        project.apply(SetUnitsLocked(to_change, args.locked))
    saved = _save(project, args, bool(to_change.size))
    verb = "Locked" if args.locked else "Unlocked"
    state = "locked" if args.locked else "unlocked"
    if args.json:
        out = {
            "plan": project.plan.name,
            "matched": int(units.size),
            "changed": int(to_change.size),
            "locked_units": int(np.count_nonzero(project.plan.locked_units)),
            "saved_to": saved,
        }
        print(json.dumps(out, indent=2))
        return 0
    if not units.size:
        print(f"No unit matches {args.where}.")
    else:
        already = units.size - to_change.size
        tail = f"; {already:,} already {state}" if already else ""
        print(f"{verb} {to_change.size:,} of {units.size:,} matching units{tail}.")
    print(f"  {_saved_note(saved, args)}")
    return 0
