"""Autosave recovery files: a copy of unsaved work, offered again after a crash.

Recovery copies live in a per-user folder (``$TD_RECOVERY_DIR`` overrides it, which the
tests use). Each copy is a complete ``.tdproj`` written atomically plus a small JSON
sidecar naming the original file. A clean save or close discards the copy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from territory_designer.core.errors import ProjectFileError
from territory_designer.core.project import Project
from territory_designer.io.file_stamp import FileStamp
from territory_designer.io.project_file import save_project


@dataclass(frozen=True)
class RecoveryEntry:
    """One recovery copy on disk."""

    project_file: Path
    original: Path | None
    saved_at: float
    title: str

    @property
    def sidecar(self) -> Path:
        """The JSON file describing the copy."""
        return self.project_file.with_suffix(".json")


def recovery_dir() -> Path:
    """Folder holding recovery copies (created on demand)."""
    env = os.environ.get("TD_RECOVERY_DIR")
    if env:
        base = Path(env)
    else:
        from platformdirs import user_data_dir

        base = Path(user_data_dir("TerritoryDesigner", appauthor=False)) / "recovery"
    base.mkdir(parents=True, exist_ok=True)
    return base


def recovery_path_for(project: Project, owner: str | None = None) -> Path:
    """Recovery file of a project: keyed by its path, or by process for unsaved ones.

    ``owner`` keys the copy of a window that has the file open read-only, so it does not
    overwrite the copy of the window that writes the file.
    """
    if project.path and owner:
        base = recovery_path_for_original(project.path)
        return base.with_name(f"{base.stem}-{owner}.tdproj")
    if project.path:
        return recovery_path_for_original(project.path)
    key = f"unsaved-{os.getpid()}-{id(project)}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return recovery_dir() / f"untitled-{digest}.tdproj"


def write_recovery(project: Project, owner: str | None = None) -> Path:
    """Save a recovery copy of ``project`` (does not mark the project saved).

    The sidecar keeps the stamp of the original file as it was read, so saving the
    recovered work later refuses to overwrite a version someone saved in between.
    """
    target = recovery_path_for(project, owner)
    save_project(project, target, mark_saved=False)
    stamp = project.disk_stamp
    info = {
        "original": str(project.path) if project.path else None,
        "saved_at": time.time(),
        "title": project.path.name if project.path else "Untitled project",
        "original_stamp": dataclasses.asdict(stamp) if stamp else None,
    }
    target.with_suffix(".json").write_text(json.dumps(info))
    return target


def list_recoveries() -> list[RecoveryEntry]:
    """Recovery copies on disk, newest first (incomplete ones are skipped)."""
    entries = []
    for sidecar in recovery_dir().glob("*.json"):
        copy = sidecar.with_suffix(".tdproj")
        if not copy.exists():
            continue
        try:
            info = json.loads(sidecar.read_text())
        except (OSError, ValueError):
            continue
        original = Path(info["original"]) if info.get("original") else None
        entries.append(
            RecoveryEntry(copy, original, float(info.get("saved_at", 0)), info.get("title", ""))
        )
    return sorted(entries, key=lambda e: e.saved_at, reverse=True)


def discard_recovery(entry_or_project: RecoveryEntry | Project) -> None:
    """Delete a recovery copy (after a save, a clean close, or when the user declines)."""
    if isinstance(entry_or_project, RecoveryEntry):
        path = entry_or_project.project_file
    else:
        path = recovery_path_for(entry_or_project)
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)


def set_aside(entry: RecoveryEntry) -> RecoveryEntry:
    """Move a copy the user will decide on later out of the way of this session's autosave.

    The copy is keyed by its original file, so a session that reopens that file would
    overwrite it with its own autosave (and delete it on the next save). Renamed with its
    time, it stays on offer at the next start.
    """
    if entry.project_file != recovery_path_for_original(entry.original):
        return entry
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(entry.saved_at))
    target = entry.project_file.with_name(f"{entry.project_file.stem}-kept-{stamp}.tdproj")
    n = 2
    while target.exists():
        target = target.with_name(f"{entry.project_file.stem}-kept-{stamp}-{n}.tdproj")
        n += 1
    os.replace(entry.sidecar, target.with_suffix(".json"))
    os.replace(entry.project_file, target)
    return RecoveryEntry(target, entry.original, entry.saved_at, entry.title)


def recovery_path_for_original(original: Path | None) -> Path | None:
    """Where this session's autosave of ``original`` would go (None for unsaved work)."""
    if original is None:
        return None
    digest = hashlib.sha1(str(original.resolve()).encode()).hexdigest()[:12]
    return recovery_dir() / f"{original.stem}-{digest}.tdproj"


def load_recovery(entry: RecoveryEntry) -> Project:
    """Open a recovery copy; the project keeps pointing at its original file, unsaved."""
    from territory_designer.io.project_file import load_project

    try:
        project = load_project(entry.project_file)
    except ProjectFileError:
        raise
    project.path = entry.original
    project.saved_revision = -1  # recovered work is unsaved until the user saves it
    project.disk_stamp = _original_stamp(entry)
    return project


def _original_stamp(entry: RecoveryEntry) -> FileStamp | None:
    try:
        data = json.loads(entry.sidecar.read_text()).get("original_stamp")
        return FileStamp(**data) if data else None
    except (OSError, ValueError, TypeError):
        return None
