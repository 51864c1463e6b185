"""What a project file on disk holds, so that a save rewrites only what changed.

A project read from a ``.tdproj`` file (or just saved to one) keeps a :class:`FileImage`:
the file's stamp, the very unit layer, adjacency and account table objects it was read
into, digests of what edits may change in place (unit attributes, the account table) and
one digest per plan. A later save compares the project with the image: when the units,
their adjacency and the accounts are still those of the file, the save copies the file
and rewrites only the plan tables, the territories layer and the active plan's columns
of the units layer (:func:`~territory_designer.io.project_write.patch_project_tables`)
instead of encoding a million polygons again. Any doubt (the file changed on disk, an
attribute edited, a new layer) means a full write.

:class:`UnitSource` lets a project read for work that needs no polygon (a command-line
build) read them later from the same file, and refuses when the file has changed since.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from territory_designer.core.errors import ProjectFileError
from territory_designer.io.file_stamp import FileStamp, file_stamp


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a table's column names, types and values (row order counts)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    if len(frame) and len(frame.columns):
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def plan_digest(plan: object) -> str:
    """A digest of a plan's assignment and unit locks (what ``td_assignments`` holds)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(np.ascontiguousarray(plan.assignment, dtype=np.int64).tobytes())  # type: ignore[attr-defined]
    h.update(np.ascontiguousarray(plan.locked_units, dtype=bool).tobytes())  # type: ignore[attr-defined]
    return h.hexdigest()


@dataclass
class UnitSource:
    """Where a lazily read unit layer finds its polygons: the file as it was stamped.

    A patched save (same polygons) moves it to the file just written.
    """

    path: Path
    stamp: FileStamp | None

    def check(self) -> Path:
        """The file to read, after checking it is still the one stamped."""
        now = file_stamp(self.path)
        if self.stamp is None or now is None or not now.same_content(self.stamp):
            raise ProjectFileError(
                f"{self.path} changed on disk since it was read; open it again to use its"
                " unit polygons."
            )
        return self.path


@dataclass
class FileImage:
    """What the project file ``stamp`` describes holds, as read into this project."""

    stamp: FileStamp
    units: object
    units_version: int
    attributes: str
    adjacency: tuple
    accounts: object
    accounts_digest: str
    plans: dict[str, str] = field(default_factory=dict)
    source: UnitSource | None = None

    @classmethod
    def of(cls, project: object, stamp: FileStamp, source: UnitSource | None) -> FileImage:
        """The image of ``project`` as just read from or written to the file ``stamp``."""
        units, adj = project.units, project.adjacency  # type: ignore[attr-defined]
        accounts = project.accounts  # type: ignore[attr-defined]
        return cls(
            stamp,
            units,
            units.version,
            frame_digest(units.attributes),
            (adj, adj.ei, adj.ej, adj.length),
            accounts,
            frame_digest(accounts.table),
            {name: plan_digest(p) for name, p in project.plans.items()},  # type: ignore[attr-defined]
            source,
        )

    def same_layers(self, project: object) -> bool:
        """True when the project's units, adjacency and accounts are the file's."""
        units, adj = project.units, project.adjacency  # type: ignore[attr-defined]
        accounts = project.accounts  # type: ignore[attr-defined]
        graph = (adj, adj.ei, adj.ej, adj.length)
        return (
            units is self.units
            and units.version == self.units_version
            and all(a is b for a, b in zip(graph, self.adjacency, strict=True))
            and accounts is self.accounts
            and frame_digest(units.attributes) == self.attributes
            and frame_digest(accounts.table) == self.accounts_digest
        )

    def file_unchanged(self) -> bool:
        """True when the file is still on disk as stamped."""
        now = file_stamp(self.stamp.path)
        return now is not None and now.same_content(self.stamp)
