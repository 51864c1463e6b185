"""``white-space`` and ``conversion``: where potential lies unserved, where deals close."""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from territory_designer.commands.common import load, save_project_file
from territory_designer.core.errors import InputError

#: Commands of this group that save the project they read.
SAVING_COMMANDS = frozenset({"white-space", "conversion"})
WHITE_SPACE_FIELD = "white_space"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the white-space and conversion commands."""
    p = sub.add_parser(
        "white-space", help="model each unit's potential; rank units by unsold potential"
    )
    p.add_argument("project")
    p.add_argument("--features", help="unit attributes to model on, comma-separated")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    p.add_argument("--top", type=int, default=15, help="units (accounts) listed (default 15)")
    p.add_argument(
        "--save-field",
        action="store_true",
        help=f"store white space per unit as the unit field {WHITE_SPACE_FIELD!r}, a metric "
        "the engine can balance on (build/rebalance --balance-on white_space)",
    )
    p.add_argument("--out", help="with --save-field: write to this project file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_white_space)

    p = sub.add_parser(
        "conversion", help="win rate and won value per territory from an opportunity list"
    )
    p.add_argument("project")
    p.add_argument(
        "file",
        nargs="?",
        help="workbook or text file, one row per opportunity (default: the "
        "opportunities kept in the project by --save)",
    )
    p.add_argument("--sheet")
    p.add_argument("--account-column", help="column holding the account id")
    p.add_argument("--status-column", help="column holding open / won / lost")
    p.add_argument("--value-column", help="column holding the opportunity value")
    p.add_argument("--units", action="store_true", help="also list every unit with opportunities")
    p.add_argument(
        "--save",
        action="store_true",
        help="keep the opportunities in the project (the window's Performance dock then "
        "colours the map by win rate or won value)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_conversion)


def _plain(value: float) -> float | None:
    v = float(value)
    return round(v, 6) if math.isfinite(v) else None


def _cell(v: object) -> object:
    if isinstance(v, float | np.floating):
        return _plain(float(v))
    return int(v) if isinstance(v, np.integer) else v


def run_white_space(args: argparse.Namespace) -> int:
    """Fit the potential model and list the white space."""
    from territory_designer.core.history_operations import SetUnitField
    from territory_designer.core.white_space import white_space

    project = load(args.project)
    features = [f.strip() for f in args.features.split(",")] if args.features else None
    ws = white_space(project, args.folds, features)
    fit = ws.fit
    gap = ws.white_space
    ids, names = project.units.ids, project.units.names
    territory = project.plan.territory_ids()
    order = np.argsort(-gap)[: args.top]
    units = [
        {
            "unit_id": str(ids[i]),
            "name": str(names[i]),
            "territory_id": territory[i] or None,
            "actual": _plain(ws.actual[i]),
            "potential": _plain(ws.potential[i]),
            "white_space": _plain(gap[i]),
        }
        for i in order
    ]
    accounts = _account_white_space(project, args.top)
    saved = None
    if args.save_field:
        project.apply(SetUnitField(WHITE_SPACE_FIELD, gap, "Store white space"))
        saved = save_project_file(project, args)
    if args.json:
        out = {
            "target": ws.target,
            "reliable": fit.reliable,
            "message": fit.message,
            "cv_r2": _plain(fit.cv_r2),
            "train_r2": _plain(fit.train_r2),
            "alpha": fit.alpha,
            "folds": fit.folds,
            "samples": fit.samples,
            "intercept": fit.intercept,
            "coefficients": fit.coefficient_rows(),
            "total_white_space": float(np.clip(gap, 0, None).sum()),
            "units": units,
            "accounts": accounts,
            "saved_to": saved,
        }
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    print(f"Model of unit sales ({ws.target}); ridge, {fit.folds}-fold cross-validation:")
    print(f"  {fit.message}")
    print(
        f"  cross-validated R² {fit.cv_r2:.3f}, in-sample {fit.train_r2:.3f}, penalty {fit.alpha:g}"
    )
    print(f"  intercept {fit.intercept:,.2f}")
    for c in fit.coefficient_rows():
        print(
            f"  {c['feature']:<24} {c['coefficient']:>14,.4f} per 1 of it"
            f"  ({c['per_std']:+,.1f} per standard deviation)"
        )
    print(f"Units with the most white space (potential − actual), of {len(gap):,}:")
    for u in units:
        print(
            f"  {u['unit_id']:<10} {u['name'][:24]:<25} {u['territory_id'] or '-':<6}"
            f" actual {u['actual']:>12,.0f}  potential {u['potential']:>12,.0f}"
            f"  white space {u['white_space']:>12,.0f}"
        )
    if accounts:
        print("Accounts with the most unsold potential (potential field − last 12 months):")
        for a in accounts:
            print(f"  {a['account_id']:<14} {a['name'][:30]:<31} {a['white_space']:>12,.0f}")
    if saved:
        print(f"White space stored as unit field {WHITE_SPACE_FIELD!r}; saved to {saved}")
    return 0


def _account_white_space(project: object, top: int) -> list[dict]:
    """Accounts ranked by potential field − actual sales (empty without a potential)."""
    import pandas as pd

    from territory_designer.core.sales_history import SalesHistory

    table = project.accounts.table  # type: ignore[attr-defined]
    if "potential" not in table.columns or not len(table):
        return []
    potential = pd.to_numeric(table["potential"], errors="coerce").fillna(0).to_numpy(float)
    actual = np.zeros(len(table))
    lines = getattr(project, "transactions", None)
    if lines is not None and len(lines):
        h = SalesHistory.from_frame(lines)
        recent = h.month > h.last_month() - 12
        per = np.bincount(h.account[recent], weights=h.amount[recent], minlength=h.account_ids.size)
        row = pd.Index(h.account_ids).get_indexer(table["account_id"].astype(str))
        actual = np.where(row >= 0, per[np.maximum(row, 0)], 0.0)
    elif "revenue" in table.columns:
        actual = pd.to_numeric(table["revenue"], errors="coerce").fillna(0).to_numpy(float)
    gap = potential - actual
    order = np.argsort(-gap)[:top]
    return [
        {
            "account_id": str(table["account_id"].iloc[i]),
            "name": str(table["name"].iloc[i]),
            "potential": float(potential[i]),
            "actual": float(actual[i]),
            "white_space": float(gap[i]),
        }
        for i in order
    ]


def _column(raw: object, given: str | None, words: tuple[str, ...], what: str) -> str:
    columns = raw.columns  # type: ignore[attr-defined]
    if given:
        if given not in columns:
            raise InputError(
                f"{raw.where()}: no column {given!r} (columns: {', '.join(columns)})."  # type: ignore[attr-defined]
            )
        return given
    for col in columns:
        low = str(col).strip().lower()
        if any(low == w or low.endswith(" " + w) for w in words):
            return col
    raise InputError(
        f"{raw.where()}: no {what} column found (columns: {', '.join(columns)}); "  # type: ignore[attr-defined]
        f"name it with --{what}-column."
    )


ACCOUNT_WORDS = ("account id", "account", "customer id", "id")


def run_conversion(args: argparse.Namespace) -> int:
    """Win rate and won value per territory (and unit) from an opportunity list."""
    import pandas as pd

    from territory_designer.core.conversion import (
        OPPORTUNITIES_KEY,
        conversion,
        opportunities_edit,
        stored_conversion,
    )
    from territory_designer.io.accounts_import.reading import read_table

    project = load(args.project)
    if args.file:
        raw = read_table(args.file, args.sheet)
        acct = _column(raw, args.account_column, ACCOUNT_WORDS, "account")
        status = _column(
            raw, args.status_column, ("status", "stage", "outcome", "result"), "status"
        )
        value = _column(
            raw, args.value_column, ("value", "amount", "revenue", "deal size"), "value"
        )
        data = raw.data
        accounts = data[acct].astype(str).str.strip()
        result = conversion(project, accounts, data[status], data[value])
        source, count = raw.path.name, len(data)
        if args.save:
            from territory_designer.io.project_file import save_project

            project.apply(opportunities_edit(accounts, data[status], data[value]))
            save_project(project, args.project)
    else:
        if args.save:
            raise InputError("--save needs the opportunity FILE to keep.")
        stored = stored_conversion(project)
        if stored is None:
            raise InputError(
                f"{args.project}: no opportunities kept in the project; give the opportunity "
                "FILE (and --save to keep it)."
            )
        result, source = stored, "opportunities kept in the project"
        count = len(project.settings[OPPORTUNITIES_KEY]["account_id"])
    terr = result.per_territory
    unit = result.per_unit[(result.per_unit[["won", "lost", "open"]].sum(axis=1) > 0)]

    def records(frame: pd.DataFrame) -> list[dict]:
        return [{k: _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]

    if args.json:
        out = {
            "file": source,
            "opportunities": count,
            "saved": bool(args.save),
            "not_in_project": result.unplaced,
            "territories": records(terr),
            "units": records(unit) if args.units else [],
        }
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    print(f"{source}: {count:,} opportunities" + (" (kept in the project)" if args.save else ""))
    if result.unplaced:
        print(f"  {result.unplaced:,} name an account not in the project (left out)")
    for r in records(terr):
        rate = "—" if r["win_rate_pct"] is None else f"{r['win_rate_pct']:.0f}%"
        print(
            f"  {r['territory_id']:<6} {str(r['name'])[:22]:<23} won {r['won']:>4} lost "
            f"{r['lost']:>4} open {r['open']:>4}  win rate {rate:>5}  won value "
            f"{r['won_value']:>12,.0f}"
        )
    if args.units:
        for r in records(unit):
            rate = "—" if r["win_rate_pct"] is None else f"{r['win_rate_pct']:.0f}%"
            won = f"{r['won_value']:>12,.0f}"
            print(f"    unit {r['unit_id']:<10} win rate {rate:>5}  won value {won}")
    return 0
