"""What a project file looked like when it was read, and the check a save makes against it.

A stamp holds the file's modification time, size and the ``save_id`` each save writes
into ``td_meta``. A save over the same file first checks the stamp, so a change made by a
copy or a tool that ignores the lock (:mod:`territory_designer.io.project_lock`) is not
overwritten blindly, as editors check a file's modification time before saving over it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from territory_designer.core.errors import ProjectFileError


class SaveConflictError(ProjectFileError):
    """A save refused to protect someone else's work; saving under another name keeps ours."""


class ProjectChangedError(SaveConflictError):
    """The file on disk changed since it was read."""


@dataclass(frozen=True)
class FileStamp:
    """What a project file looked like when it was read or written."""

    path: str
    mtime_ns: int
    size: int
    save_id: str
    saved_by: str = ""
    saved_at: str = ""

    def same_content(self, other: FileStamp) -> bool:
        """True when ``other`` describes the same version of the file."""
        return (self.mtime_ns, self.size, self.save_id) == (
            other.mtime_ns,
            other.size,
            other.save_id,
        )


def file_stamp(path: Path | str) -> FileStamp | None:
    """The stamp of ``path`` as it is on disk now (None when there is no such file)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return None
    meta: dict[str, str] = {}
    with contextlib.suppress(sqlite3.Error, OSError):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(
                con.execute(
                    "SELECT key, value FROM td_meta WHERE key IN ('save_id', 'saved_by',"
                    " 'saved_at')"
                ).fetchall()
            )
        finally:
            con.close()
    return FileStamp(
        str(path.resolve()),
        st.st_mtime_ns,
        st.st_size,
        meta.get("save_id", ""),
        meta.get("saved_by", ""),
        meta.get("saved_at", ""),
    )


def same_file(a: Path | str, b: Path | str | None) -> bool:
    """True when ``a`` and ``b`` name the same file (``b`` None: False)."""
    if b is None:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def check_unchanged(path: Path | str, stamp: FileStamp | None) -> None:
    """Raise :class:`ProjectChangedError` when ``path`` is no longer what ``stamp`` saw.

    Nothing is checked without a stamp for that very file, or when the file is gone
    (writing it then loses nothing).
    """
    if stamp is None or not same_file(path, stamp.path):
        return
    now = file_stamp(path)
    if now is None or now.same_content(stamp):
        return
    by = f" by {now.saved_by}" if now.saved_by and now.save_id != stamp.save_id else ""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(now.mtime_ns / 1e9))
    raise ProjectChangedError(
        f"{path} was changed on disk{by} at {when}, after it was opened here; it was not "
        "overwritten. Save under another name to keep both versions."
    )
