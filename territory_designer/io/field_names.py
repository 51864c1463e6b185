"""Attribute names that a GeoPackage layer can hold beside the project's own fields.

GeoPackage (SQLite) column names ignore case, so a file's ``NAME`` clashes with the
project's ``name``, an Esri export's ``FID`` with the layer's ``fid`` key and ``Notes``
with ``notes`` beside it; GDAL then refuses to write the layer. Units and accounts both
come from the user's files, so both pass their attribute names through
:func:`non_clashing_names` before they reach the project: a clashing column is kept under
a new name and the rename is reported, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Columns every GeoPackage layer the project writes holds (key and geometry).
GPKG_COLUMNS = ("fid", "geom", "geometry")
#: Fields of the ``units`` layer (besides the attributes).
UNIT_FIELDS = ("unit_id", "name", "territory_id", "territory", "owner", *GPKG_COLUMNS)
#: Fields of the ``accounts`` layer and of the account table in memory.
ACCOUNT_FIELDS = (
    "account_id",
    "name",
    "unit_id",
    "located_by",
    "x",
    "y",
    "unit",
    *GPKG_COLUMNS,
)
#: A GeoPackage table holds at most this many columns (SQLite's default limit).
MAX_COLUMNS = 2000
#: Columns an imported table may have: the project's own fields need the rest.
MAX_IMPORT_COLUMNS = 1950


def too_many_columns(where: str, width: int) -> str:
    """The message refusing a table of ``width`` columns (``where`` names file and row)."""
    return (
        f"{where}: {width:,} columns; a project keeps at most {MAX_IMPORT_COLUMNS:,} "
        f"columns of a file (its file format holds {MAX_COLUMNS:,} per table). Remove the "
        "columns you do not need, or check that the file is a table."
    )


def non_clashing_names(
    columns: Sequence[str],
    reserved: Iterable[str],
    existing: Iterable[str] = (),
    suffix: str = "file",
) -> dict[str, str]:
    """New names for the columns that clash, ignoring case, with ``reserved`` or each other.

    Parameters
    ----------
    columns : sequence of str
        Attribute names in file order; the first of two names equal but for case keeps
        its name.
    reserved : iterable of str
        Names never available (the layer's own fields).
    existing : iterable of str
        Attribute names the layer holds already: a column named exactly like one of them
        (as is, or once renamed) continues it; any other clash with them is renamed.
    suffix : str
        Word put in brackets after a renamed column (``"NAME"`` -> ``"NAME (file)"``).

    Returns
    -------
    dict
        Old name -> new name, only for the columns renamed.

    Examples
    --------
    >>> non_clashing_names(["NAME", "FID", "Notes", "notes"], ["name", "fid"])
    {'NAME': 'NAME (file)', 'FID': 'FID (file)', 'notes': 'notes (file)'}
    >>> non_clashing_names(["NAME", "pop"], ["name"], existing=["NAME (file)", "POP"])
    {'NAME': 'NAME (file)', 'pop': 'pop (file)'}
    """
    reserved_keys = {str(r).casefold() for r in reserved}
    continuing = {str(e) for e in existing if str(e).casefold() not in reserved_keys}
    taken = reserved_keys | {e.casefold() for e in continuing}
    own = [str(c).casefold() for c in columns]
    renamed: dict[str, str] = {}
    for k, col in enumerate(columns):
        if col in continuing:
            continuing.discard(col)
            continue
        if own[k] not in taken:
            taken.add(own[k])
            continue
        new, n = f"{col} ({suffix})", 1
        # Later columns keep their own names where they can: skip those too.
        while new not in continuing and (new.casefold() in taken or new.casefold() in own[k + 1 :]):
            n += 1
            new = f"{col} ({suffix} {n})"
        continuing.discard(new)
        taken.add(new.casefold())
        renamed[col] = new
    return renamed


def renaming_note(renamed: dict[str, str], what: str) -> list[str]:
    """One line telling the user which columns were renamed ([] when none)."""
    if not renamed:
        return []
    shown = ", ".join(f"{old!r} -> {new!r}" for old, new in list(renamed.items())[:10])
    more = f" and {len(renamed) - 10} more" if len(renamed) > 10 else ""
    return [
        f"{what} renamed because they clash with the project's own fields or each other "
        f"(names ignore case in the project file): {shown}{more}."
    ]
