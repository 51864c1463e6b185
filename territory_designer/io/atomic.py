"""Atomic file replacement: write beside the target, flush to disk, then rename."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
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


@contextlib.contextmanager
def staged_folder(path: Path) -> Iterator[Path]:
    """A hidden folder beside ``path`` to write a set of files into.

    When the block ends normally the files move into ``path`` (created if needed), each
    move atomic, and the folder entry is flushed; on an error or a cancel nothing reaches
    ``path``. The staging folder is removed either way.
    """
    staging = path.with_name(f".{path.name}.saving-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
        path.mkdir(exist_ok=True)
        for f in sorted(staging.iterdir()):
            os.replace(f, path / f.name)
        fsync_dir(path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    """True when process ``pid`` runs on this machine (unknown counts as running)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but not ours (PermissionError), or unknown: keep its file
    return True


def _windows_pid_alive(pid: int) -> bool:
    # os.kill(pid, 0) would send CTRL_C_EVENT on Windows: ask the kernel instead.
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def remove_stale_temp_files(target: Path) -> None:
    """Delete temp files left beside ``target`` by saves whose process died."""
    for leftover in target.parent.glob(f".{target.name}.saving-*"):
        match = re.search(r"\.saving-(\d+)", leftover.name)
        if match and not pid_alive(int(match.group(1))):
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
