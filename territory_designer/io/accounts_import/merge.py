"""Merge a re-imported account list into the project's accounts, by account id.

The new file is the list in force: accounts missing from it are removed (or kept, on
request), and every account is reported as new, changed or removed. An account the new
file cannot locate keeps the location it had (a user's fix survives a re-import).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from territory_designer.core.accounts import AccountTable

_IGNORED = ("source_row",)


@dataclass
class MergeResult:
    """The merged table and what changed."""

    table: pd.DataFrame
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_absent: list[str] = field(default_factory=list)
    kept_location: list[str] = field(default_factory=list)


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
        av, bv = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        same = np.isclose(av, bv, rtol=1e-9, atol=1e-6) | (np.isnan(av) & np.isnan(bv))
        return ~same
    na, nb = a.isna().to_numpy(), b.isna().to_numpy()
    return ~((a.astype(str).to_numpy() == b.astype(str).to_numpy()) | (na & nb))


def merge_accounts(old: AccountTable, new: pd.DataFrame, keep_removed: bool = False) -> MergeResult:
    """Merge ``new`` (a complete account table) over ``old``.

    Parameters
    ----------
    old : AccountTable
        The project's current accounts.
    new : pandas.DataFrame
        The imported accounts (same required columns).
    keep_removed : bool
        Keep accounts absent from the new file instead of removing them (listed in
        ``kept_absent``, not ``removed``).
    """
    prev = old.table
    if len(prev) == 0:
        return MergeResult(new, new=new["account_id"].astype(str).tolist())
    old_ids = prev["account_id"].astype(str)
    new_ids = new["account_id"].astype(str)
    in_old = new_ids.isin(set(old_ids)).to_numpy()
    result = MergeResult(new.copy())
    result.new = new_ids[~in_old].tolist()
    removed_mask = ~old_ids.isin(set(new_ids)).to_numpy()
    # Accounts absent from the file are either removed or kept, never both in the report.
    absent = old_ids[removed_mask].tolist()
    if keep_removed:
        result.kept_absent = absent
    else:
        result.removed = absent
    if in_old.any():
        o = prev.set_index(old_ids).loc[new_ids[in_old]]
        n = new[in_old]
        # An account the new file cannot place keeps its previous location.
        keep = (n["unit"].to_numpy() < 0) & (o["unit"].to_numpy() >= 0)
        if keep.any():
            rows = np.flatnonzero(in_old)[keep]
            t = result.table
            for col in ("x", "y", "unit", "located_by"):
                t.loc[t.index[rows], col] = o[col].to_numpy()[keep]
            if "unlocated_reason" in t:
                t.loc[t.index[rows], "unlocated_reason"] = ""
            result.kept_location = new_ids[in_old][keep].tolist()
            n = result.table[in_old]
        changed = np.zeros(int(in_old.sum()), dtype=bool)
        for col in n.columns:
            if col in o.columns and col not in _IGNORED:
                changed |= _differs(o[col].reset_index(drop=True), n[col].reset_index(drop=True))
        result.changed = new_ids[in_old][changed].tolist()
    if keep_removed and removed_mask.any():
        result.table = pd.concat([result.table, prev[removed_mask]], ignore_index=True)
    return result
