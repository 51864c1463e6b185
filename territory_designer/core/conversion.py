"""Conversion: opportunities (status open / won / lost, value) per unit and territory.

Win rate = opportunities won ÷ opportunities closed (won + lost), in count and in value;
open opportunities are counted apart (the pipeline). Undefined (NaN) where nothing closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_designer.core.attribution import account_codes

_WON = re.compile(r"^(closed[\s/_-]*)?(won|win|booked|signed)$")
_LOST = re.compile(r"^(closed[\s/_-]*)?(lost|loss|lose|dead|rejected)$")


def status_kind(values: pd.Series) -> np.ndarray:
    """``"won"``, ``"lost"`` or ``"open"`` per status text (case and spacing ignored)."""
    text = values.astype(str).str.strip().str.lower()
    out = np.full(len(text), "open", dtype=object)
    out[text.str.match(_WON.pattern).to_numpy()] = "won"
    out[text.str.match(_LOST.pattern).to_numpy()] = "lost"
    return out


@dataclass
class Conversion:
    """Opportunity figures per unit and per territory of the active plan."""

    per_unit: pd.DataFrame
    per_territory: pd.DataFrame
    unplaced: int


def _figures(key: np.ndarray, kind: np.ndarray, value: np.ndarray, n: int) -> pd.DataFrame:
    ok = key >= 0
    out = {}
    for k in ("won", "lost", "open"):
        m = ok & (kind == k)
        out[k] = np.bincount(key[m], minlength=n)
        out[f"{k}_value"] = np.bincount(key[m], weights=value[m], minlength=n)
    frame = pd.DataFrame(out)
    closed = frame["won"] + frame["lost"]
    closed_value = frame["won_value"] + frame["lost_value"]
    frame["win_rate_pct"] = np.where(closed > 0, 100.0 * frame["won"] / closed.clip(1), np.nan)
    frame["value_win_rate_pct"] = np.where(
        closed_value > 0,
        100.0 * frame["won_value"] / closed_value.where(closed_value > 0, 1),
        np.nan,
    )
    return frame


def conversion(
    project: object, accounts: pd.Series, status: pd.Series, value: pd.Series
) -> Conversion:
    """Win rate and won value per unit and territory (active plan) of opportunities.

    ``accounts``, ``status`` and ``value`` are per opportunity; an opportunity counts where
    its account is (a named-account pin included for territories).
    """
    table = project.accounts.table  # type: ignore[attr-defined]
    plan = project.plan  # type: ignore[attr-defined]
    row = pd.Index(table["account_id"].astype(str)).get_indexer(accounts.astype(str))
    kind = status_kind(status)
    amount = np.nan_to_num(pd.to_numeric(value, errors="coerce").to_numpy(dtype=float))
    unit_of = table["unit"].to_numpy(dtype=np.int64)
    unit = np.where(row >= 0, unit_of[np.maximum(row, 0)], -1)
    n_units = len(project.units)  # type: ignore[arg-type]
    per_unit = _figures(unit, kind, amount, n_units)
    per_unit.insert(0, "unit_id", project.units.ids)  # type: ignore[attr-defined]
    codes = sorted(plan.territories)
    to_group = {c: i for i, c in enumerate(codes)}
    acct_terr = account_codes(project, plan, to_group)  # type: ignore[arg-type]
    terr = np.where(row >= 0, acct_terr[np.maximum(row, 0)], -1)
    per_terr = _figures(terr, kind, amount, len(codes))
    per_terr.insert(0, "territory_id", [plan.territories[c].id for c in codes])
    per_terr.insert(1, "name", [plan.territories[c].name for c in codes])
    return Conversion(per_unit, per_terr, int((row < 0).sum()))


#: Project setting holding the opportunities kept by ``conversion --save`` (columns).
OPPORTUNITIES_KEY = "opportunities"


def opportunities_edit(accounts: pd.Series, status: pd.Series, value: pd.Series) -> object:
    """The edit keeping opportunities in the project (account, won/lost/open, value), so
    the map can show conversion without the file; undoable."""
    from territory_designer.core.history_operations import SetSetting

    amount = np.nan_to_num(pd.to_numeric(value, errors="coerce").to_numpy(dtype=float))
    columns = {
        "account_id": [str(a) for a in accounts],
        "status": [str(s) for s in status_kind(status)],
        "value": [float(v) for v in amount],
    }
    return SetSetting(OPPORTUNITIES_KEY, columns, "Keep opportunities")


def stored_conversion(project: object) -> Conversion | None:
    """Conversion of the opportunities kept in the project (None when there are none)."""
    data = project.settings.get(OPPORTUNITIES_KEY)  # type: ignore[attr-defined]
    if not data:
        return None
    return conversion(
        project,
        pd.Series(data["account_id"], dtype=object),
        pd.Series(data["status"], dtype=object),
        pd.Series(data["value"], dtype=float),
    )
