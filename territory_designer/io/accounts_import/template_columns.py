"""The project's industry template in the account import: its header synonyms and fields.

A template lists account fields with header synonyms (``project.settings
["template_fields"]``, see :mod:`territory_designer.core.templates`). For the import's own
fields (``potential``, ``segment``, ...) a template synonym maps a column the built-in
synonyms missed ("TRx" -> potential in the pharmaceutical template); a template's own
fields (``decile``, ``consumption_mwh``, ...) keep their column under the field's name, as
numbers when the template says so, so the workload model and reports find them whatever
the client's header was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from territory_designer.io.accounts_import.headers import (
    FIELDS,
    SYNONYMS,
    _score,
    normalize_header,
)


@dataclass
class TemplateColumns:
    """How a file's columns meet the template's fields.

    Attributes
    ----------
    mapping : dict
        Import field -> column, to lay over the guessed mapping (None unmaps a guess
        that took a column the template names for one of its own fields).
    renames : dict
        Column -> template field name, for the template's own fields.
    numbers : set of str
        Template field names to read as numbers.
    """

    mapping: dict[str, str | None] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    numbers: set[str] = field(default_factory=set)


def template_fields(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The template fields stored in a project's settings ([] without a template)."""
    return [f for f in settings.get("template_fields") or [] if isinstance(f, dict)]


def _best_score(header: str, synonyms: Sequence[str]) -> int:
    return max((_score(header, normalize_header(s)) for s in synonyms), default=0)


def match_template_columns(
    fields: list[dict[str, Any]],
    columns: Sequence[str],
    guessed: dict[str, str | None],
) -> TemplateColumns:
    """Match the template's fields to the file's columns.

    Parameters
    ----------
    fields : list of dict
        ``{name, synonyms, kind}`` per template field.
    columns : sequence of str
        The file's header names.
    guessed : dict
        The import's own guess (field -> column), from
        :func:`~territory_designer.io.accounts_import.headers.guess_mapping`.
    """
    out = TemplateColumns()
    candidates = []
    for rank, f in enumerate(fields):
        name = str(f.get("name", ""))
        synonyms = [name, name.replace("_", " "), str(f.get("label") or ""),
                    *[str(s) for s in f.get("synonyms") or []]]  # fmt: skip
        synonyms = [s for s in synonyms if s]
        for k, col in enumerate(columns):
            score = _best_score(normalize_header(col), synonyms)
            if score:
                candidates.append((-score, rank, k, name, col))
    used: set[str] = set()
    done: set[str] = set()
    for neg_score, _, _, name, col in sorted(candidates):
        if name in done or col in used:
            continue
        if name in FIELDS:
            current = guessed.get(name)
            if current == col:
                done.add(name)
                used.add(col)
                continue
            exact_guess = (
                current is not None and _best_score(normalize_header(current), SYNONYMS[name]) == 3
            )
            if current is not None and (exact_guess or -neg_score < 3):
                continue  # the import's own exact guess stands
            out.mapping[name] = col
        else:
            out.renames[col] = name
            for other, c in guessed.items():
                if c == col:
                    out.mapping[other] = None
        done.add(name)
        used.add(col)
    # A column a standard field now takes is no longer guessed for another field.
    for name, col in list(out.mapping.items()):
        if col is None:
            continue
        for other, c in guessed.items():
            if c == col and other != name and other not in out.mapping:
                out.mapping[other] = None
    out.numbers = {str(f["name"]) for f in fields if f.get("kind") == "number"}
    return out


def preview_mapping(
    settings: dict[str, Any], columns: Sequence[str], guessed: dict[str, str | None]
) -> dict[str, str | None]:
    """The guessed mapping with the project's template laid over it (for the wizard)."""
    fields = template_fields(settings)
    if not fields:
        return dict(guessed)
    return {**guessed, **match_template_columns(fields, columns, guessed).mapping}


def rename_template_columns(
    accounts: pd.DataFrame, matched: TemplateColumns, user_mapped: set[str], notes: list[str]
) -> pd.DataFrame:
    """Keep the template's own fields under their names; numbers where the template says.

    A cell of a number field that is not a number is left blank and counted in
    ``notes`` with its rows (``source_row``, the row in the file).
    """
    renames: dict[str, str] = {}
    for col, name in matched.renames.items():
        if col in user_mapped:
            continue
        # A header clashing with the import's own columns was kept as "<header> (file)".
        kept = col if col in accounts.columns else f"{col} (file)"
        if kept not in accounts.columns:
            continue
        taken = {str(c).lower() for c in accounts.columns if c != kept}
        if name.lower() in taken:
            notes.append(f"Column {col!r} kept as is: the template's field {name!r} exists.")
            continue
        renames[kept] = name
    out = accounts.rename(columns=renames)
    for col, name in renames.items():
        notes.append(f"Column {col!r} kept as the template's field {name!r}.")
    for name in matched.numbers:
        if name not in out.columns or pd.api.types.is_numeric_dtype(out[name]):
            continue
        text = out[name].astype(str).str.strip().replace({"nan": "", "None": ""})
        values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        bad = (text != "").to_numpy() & values.isna().to_numpy()
        if bad.any():
            rows = out["source_row"].to_numpy()[bad] if "source_row" in out else np.flatnonzero(bad)
            shown = ", ".join(str(r) for r in rows[:5]) + (" …" if bad.sum() > 5 else "")
            notes.append(
                f"Column {name!r}: {int(bad.sum())} cells are not numbers, left blank "
                f"(rows {shown})."
            )
        out[name] = values.astype(float)
    return out
