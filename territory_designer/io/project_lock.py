"""One writer per project file: a lock while it is open for writing, and a stamp of what was read.

Two writers on one file (two windows, or a window and a command-line build) would both
report "saved" while the second silently replaced the first one's plan. Two guards stop it:

* **Lock**: whoever opens a project to write it creates ``.NAME.tdproj.lock`` beside it,
  naming the user, host, process id, program and time. Another writer is refused with
  that information. A lock left by a process that has ended (same host, process gone) is
  taken over, with a note. The lock file is created complete in one step (written under a
  temporary name, then hard-linked into place), so nobody ever reads half a lock.
* **Stamp**: what the file looked like when it was read; a save over the same file first
  checks it (:mod:`territory_designer.io.file_stamp`).

This follows the scheme of LibreOffice's ``.~lock.NAME#`` files (user, host, pid, time)
and of editors that check a file's modification time before saving over it.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import getpass
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from territory_designer.core.errors import ProjectFileError
from territory_designer.io.atomic import pid_alive
from territory_designer.io.file_stamp import SaveConflictError

#: A lock file that cannot be read yet may be being written; older than this it is junk.
UNREADABLE_GRACE_S = 10.0

_HELD: dict[str, str] = {}  # lock file -> token of the lock this process holds on it
_HELD_GUARD = threading.Lock()
_CONTEXT_LOCKS: contextvars.ContextVar[tuple[ProjectLock, ...]] = contextvars.ContextVar(
    "td_project_locks", default=()
)


class ProjectLockedError(SaveConflictError):
    """The project is open for writing elsewhere (another window, another program)."""

    def __init__(
        self, path: Path, holder: LockHolder | None, lock_file: Path, hint: str = ""
    ) -> None:
        who = holder.describe() if holder else "another program (its lock file is unreadable)"
        super().__init__(
            f"{path} is open for writing by {who}; it was not changed. Close it there first "
            f"or save under another name{f' ({hint})' if hint else ''}. If that program is "
            f"no longer running, delete {lock_file}."
        )
        self.path = path
        self.holder = holder
        self.lock_file = lock_file


@dataclass(frozen=True)
class LockHolder:
    """Who holds a lock: user, host, process id, program and since when (local time)."""

    user: str
    host: str
    pid: int
    program: str
    since: str
    token: str = ""

    def describe(self) -> str:
        """``"ana on laptop-3 (Territory Designer window, process 4711) since 2026-12-01 09:30"``"""
        return f"{self.user} on {self.host} ({self.program}, process {self.pid}) since {self.since}"

    def is_this_host(self) -> bool:
        """True when the holder runs on this machine (only then can its process be checked)."""
        return self.host == socket.gethostname()


# -- who and where ------------------------------------------------------------------------
def current_user() -> str:
    """Login name of this process's user (``"unknown"`` when the system cannot tell)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def writer_label() -> str:
    """``user@host (process N)``: what a save records in ``td_meta`` as ``saved_by``."""
    return f"{current_user()}@{socket.gethostname()} (process {os.getpid()})"


def lock_path_for(path: Path | str) -> Path:
    """The lock file of a project: a hidden sibling, ``.NAME.tdproj.lock``."""
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


def _key(lock_file: Path) -> str:
    return str(lock_file.parent.resolve() / lock_file.name)


# -- reading a lock -----------------------------------------------------------------------
def _read_holder(lock_file: Path) -> LockHolder | None:
    try:
        data = json.loads(lock_file.read_text(encoding="utf-8"))
        return LockHolder(
            str(data["user"]),
            str(data["host"]),
            int(data["pid"]),
            str(data.get("program", "Territory Designer")),
            str(data["since"]),
            str(data.get("token", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _is_stale(lock_file: Path, holder: LockHolder | None) -> bool:
    if holder is None:  # unreadable: being written right now, or junk left by a crash
        try:
            age = time.time() - lock_file.stat().st_mtime
        except OSError:
            return True
        return age > UNREADABLE_GRACE_S
    if not holder.is_this_host():
        return False  # cannot check another machine's processes: respect the lock
    if holder.pid == os.getpid():
        with _HELD_GUARD:
            return _HELD.get(_key(lock_file)) != holder.token
    return not pid_alive(holder.pid)


def lock_holder(path: Path | str) -> LockHolder | None:
    """Who holds a live lock on ``path`` (None when the file is free or the lock is stale)."""
    lock_file = lock_path_for(path)
    if not lock_file.exists():
        return None
    holder = _read_holder(lock_file)
    if _is_stale(lock_file, holder):
        return None
    return holder or LockHolder("unknown", "unknown", 0, "unknown program", "just now")


# -- holding a lock -----------------------------------------------------------------------
class ProjectLock:
    """A lock held on a project file by this process; :meth:`release` when done.

    Attributes
    ----------
    path : pathlib.Path
        The project file.
    lock_file : pathlib.Path
        The lock beside it.
    note : str or None
        Set when a stale lock (its process had ended) was taken over.
    """

    def __init__(self, path: Path, lock_file: Path, holder: LockHolder, note: str | None) -> None:
        self.path = path
        self.lock_file = lock_file
        self.holder = holder
        self.note = note
        self.released = False

    def covers(self, path: Path | str) -> bool:
        """True when this lock is for ``path``."""
        return not self.released and _key(lock_path_for(path)) == _key(self.lock_file)

    def release(self) -> None:
        """Remove the lock file if it is still ours (a no-op the second time)."""
        if self.released:
            return
        self.released = True
        with _HELD_GUARD:
            if _HELD.get(_key(self.lock_file)) == self.holder.token:
                del _HELD[_key(self.lock_file)]
        current = _read_holder(self.lock_file)
        if current is not None and current.token == self.holder.token:
            with contextlib.suppress(OSError):
                self.lock_file.unlink()

    def __enter__(self) -> ProjectLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _create(lock_file: Path, holder: LockHolder) -> bool:
    """Create ``lock_file`` holding ``holder``, complete, unless it exists; False if it does."""
    text = json.dumps(holder.__dict__)
    tmp = lock_file.with_name(f"{lock_file.name}.{os.getpid()}-{holder.token[:8]}")
    tmp.write_text(text, encoding="utf-8")
    try:
        os.link(tmp, lock_file)  # atomic, and fails when the lock exists
        return True
    except FileExistsError:
        return False
    except OSError:
        # Filesystems without hard links (FAT, some network shares): exclusive create.
        try:
            fd = os.open(lock_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return True
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def acquire_lock(path: Path | str, program: str = "Territory Designer") -> ProjectLock:
    """Lock ``path`` for writing by this process.

    Parameters
    ----------
    path : path-like
        The project file (it need not exist yet).
    program : str
        What holds it, as other writers are told (``"Territory Designer window"``,
        ``"main.py build"``).

    Returns
    -------
    ProjectLock
        The held lock; its ``note`` says when a stale lock was taken over.

    Raises
    ------
    ProjectLockedError
        When another live process (or another window of this one) holds the lock.
    ProjectFileError
        When the folder does not allow a lock file to be created.
    """
    path = Path(path)
    lock_file = lock_path_for(path)
    holder = LockHolder(
        current_user(),
        socket.gethostname(),
        os.getpid(),
        program,
        time.strftime("%Y-%m-%d %H:%M"),
        uuid.uuid4().hex,
    )
    note = None
    for _attempt in range(3):
        try:
            created = _create(lock_file, holder)
        except OSError as exc:
            raise ProjectFileError(f"Cannot lock {path} for writing: {exc.strerror}.") from exc
        if created:
            with _HELD_GUARD:
                _HELD[_key(lock_file)] = holder.token
            return ProjectLock(path, lock_file, holder, note)
        previous = _read_holder(lock_file)
        if not _is_stale(lock_file, previous):
            raise ProjectLockedError(path, previous, lock_file)
        if previous is None:
            note = f"Took over an unreadable lock on {path.name} left by a program that ended."
        else:
            note = (
                f"Took over the lock on {path.name} left by {previous.describe()}, "
                "whose process has ended."
            )
        # Remove only the stale lock we judged, not one another process just created.
        if _read_holder(lock_file) == previous:
            with contextlib.suppress(FileNotFoundError):
                lock_file.unlink()
    raise ProjectLockedError(path, _read_holder(lock_file), lock_file)


@atexit.register
def _release_all_at_exit() -> None:
    """Locks still held when the interpreter ends (a window not closed) are let go."""
    with _HELD_GUARD:
        held = dict(_HELD)
        _HELD.clear()
    for key, token in held.items():
        holder = _read_holder(Path(key))
        if holder is not None and holder.token == token:
            with contextlib.suppress(OSError):
                Path(key).unlink()


@contextlib.contextmanager
def holding(lock: ProjectLock | None) -> Iterator[ProjectLock | None]:
    """Let saves in this context write the file ``lock`` holds (the command line uses it)."""
    if lock is None:
        yield None
        return
    token = _CONTEXT_LOCKS.set((*_CONTEXT_LOCKS.get(), lock))
    try:
        yield lock
    finally:
        _CONTEXT_LOCKS.reset(token)
        lock.release()


def check_not_locked(path: Path | str, lock: ProjectLock | None = None) -> None:
    """Raise :class:`ProjectLockedError` when someone other than ``lock`` holds ``path``.

    Locks entered with :func:`holding` in the current context count as ours too.
    """
    for mine in (lock, *_CONTEXT_LOCKS.get()):
        if mine is not None and mine.covers(path):
            return
    holder = lock_holder(path)
    if holder is not None:
        raise ProjectLockedError(Path(path), holder, lock_path_for(path))
