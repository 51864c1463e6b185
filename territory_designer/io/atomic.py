"""Atomic file replacement: write beside the target, flush to disk, then rename."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path


def temp_path_for(target: Path) -> Path:
    """A hidden sibling of ``target`` unique to this process."""
    return target.with_name(f".{target.name}.saving-{os.getpid()}")


def fsync_file(path: Path) -> None:
    """Flush a file's data to disk."""
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a directory entry (rename durability); a no-op where unsupported."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but not ours (PermissionError), or unknown: keep its file
    return True


def remove_stale_temp_files(target: Path) -> None:
    """Delete temp files left beside ``target`` by saves whose process died."""
    for leftover in target.parent.glob(f".{target.name}.saving-*"):
        match = re.search(r"\.saving-(\d+)", leftover.name)
        if match and not _pid_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                leftover.unlink()


@contextlib.contextmanager
def atomic_target(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target`` atomically.

    If the body raises, the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    remove_stale_temp_files(target)
    tmp = temp_path_for(target)
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        # Cleaning up must not hide why the write failed (a folder that is now a file
        # makes the unlink fail too).
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in ("-journal", "-wal", "-shm"))):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
