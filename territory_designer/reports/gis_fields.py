"""Shapefile field names: unique and readable within dBASE's 10 characters.

dBASE cuts a field name at 10 characters, so plain truncation turns ``births_1974`` and
``births_1979`` into ``births_197`` and ``births_1_1``, and ``territory_name`` into
``territory_``. Names are shortened word by word instead — known words by their usual
abbreviation (``territory`` -> ``terr``, ``deviation`` -> ``dev``), small words dropped,
then vowels and letters taken from the longest word — and a sidecar CSV beside each
shapefile gives every short name its full name and label.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from territory_designer.reports.safety import safe_text
from territory_designer.reports.tables import field_label

#: dBASE field names hold at most this many characters.
DBF_NAME_LIMIT = 10

#: Whole names with a customary short form.
_WHOLE = {"postal_code": "postcode", "polsby_popper": "polsby_pp", "visits_per_year": "visits_yr"}
#: Words with a customary abbreviation (applied only when a name is too long).
_WORDS = {
    "territory": "terr",
    "territories": "terrs",
    "deviation": "dev",
    "percent": "pct",
    "account": "acct",
    "accounts": "accts",
    "revenue": "rev",
    "potential": "pot",
    "number": "num",
    "population": "pop",
    "year": "yr",
    "previous": "prev",
    "district": "dist",
    "region": "reg",
}
_SMALL_WORDS = {"per", "of", "the", "and", "in", "by"}


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [w for w in re.split(r"[^0-9A-Za-z]+", spaced) if w]


def _drop_vowels(word: str) -> str:
    return word[0] + re.sub(r"[aeiouAEIOU]", "", word[1:]) if len(word) > 1 else word


def short_name(name: str, limit: int = DBF_NAME_LIMIT) -> str:
    """A readable name of at most ``limit`` characters for field ``name``."""
    if len(name) <= limit:
        return name
    if name.lower() in _WHOLE:
        return _WHOLE[name.lower()]
    words = [_WORDS.get(w.lower(), w) for w in _words(name) if w.lower() not in _SMALL_WORDS]
    words = words or [name]
    # Vowels go first, then letters from the longest word; figures (years) are kept.
    for shorten in (_drop_vowels, lambda w: w[:-1]):
        while len("_".join(words)) > limit:
            alpha = [i for i, w in enumerate(words) if not w.isdigit() and shorten(w) != w]
            if not alpha:
                break
            longest = max(alpha, key=lambda i: len(words[i]))
            words[longest] = shorten(words[longest])
    words = [w for w in words if w]
    joined = "_".join(words)
    if len(joined) > limit:
        joined = "".join(words)
    return joined[:limit]


def shapefile_names(columns: list[str], limit: int = DBF_NAME_LIMIT) -> dict[str, str]:
    """Full name -> short name for ``columns``, unique ignoring case (as dBASE compares)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        base = short_name(str(column), limit)
        name, k = base, 1
        while name.lower() in used:
            suffix = str(k)
            name, k = base[: limit - len(suffix)] + suffix, k + 1
        used.add(name.lower())
        names[column] = name
    return names


def write_field_key(path: Path, names: dict[str, str]) -> None:
    """Write the sidecar CSV: ``field`` (short), ``full_name``, ``label`` per column."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["field", "full_name", "label"])
        for full, short in names.items():
            writer.writerow([safe_text(short), safe_text(full), safe_text(field_label(full))])
