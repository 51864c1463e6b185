"""Check the built application as a client laptop would run it: ``python3 installer/dev.py check``.

The built ``dist/TerritoryDesigner`` runs in a clean environment: no virtual environment,
no ``PYTHONPATH``, ``HOME`` an empty folder, the working folder empty, and the network
off (a new network namespace with ``unshare -n`` where the system allows it). It must

1. pass ``--selftest`` (open the demo offscreen, paint, import, basemap, build, save,
   reopen, every export), and
2. open its first window: ``screenshot`` renders the main window on the demo to a PNG;
   the wall time of that, from process start, is the cold start figure.

Prints the figures (size on disk, cold start, self-test time) and exits non-zero if
anything failed. ``--require-offline`` makes a system without ``unshare -n`` a failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "TerritoryDesigner"
DEFAULT_APP_DIR = ROOT / "dist" / APP
#: Variables a clean login would have; nothing of the developer's Python set-up.
KEEP_VARIABLES = ("LANG", "LC_ALL", "TZ")


def executable(app_dir: Path) -> Path:
    """The application's program inside its folder."""
    name = f"{APP}.exe" if os.name == "nt" else APP
    return app_dir / name


def clean_env(home: Path) -> dict[str, str]:
    """An environment with an empty ``HOME`` and no trace of Python or the checkout."""
    env = {k: os.environ[k] for k in KEEP_VARIABLES if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update(
        HOME=str(home),
        PATH="/usr/bin:/bin",
        TMPDIR=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    return env


def offline_prefix() -> list[str]:
    """``["unshare", "-n"]`` (only a loopback device) if this system allows it, else ``[]``."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True)
    if probe.returncode == 0:
        return [unshare, "-n"]
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True)  # user namespace
    return [unshare, "-rn"] if probe.returncode == 0 else []


def folder_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def largest_parts(app_dir: Path, count: int = 8) -> list[tuple[str, int]]:
    """The biggest top-level items of the bundle's ``_internal`` folder (or the folder)."""
    inner = app_dir / "_internal"
    base = inner if inner.is_dir() else app_dir
    sizes = []
    for item in base.iterdir():
        size = folder_size(item) if item.is_dir() else item.lstat().st_size
        sizes.append((item.name, size))
    return sorted(sizes, key=lambda s: -s[1])[:count]


def run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[int, str, float]:
    """Run ``cmd``; return its exit code, its output and its wall time in seconds."""
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        return 124, f"timed out after {timeout:.0f} s\n{exc.stdout or ''}", timeout
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    """Run the checks; print figures; 0 only if all passed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("app_dir", nargs="?", default=str(DEFAULT_APP_DIR), help="built app folder")
    ap.add_argument("--require-offline", action="store_true", help="fail without unshare -n")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run")
    args = ap.parse_args(argv)
    app_dir = Path(args.app_dir).resolve()
    exe = executable(app_dir)
    if not exe.is_file():
        print(f"[check] {exe} is missing: run `python3 installer/dev.py build` first")
        return 2
    prefix = offline_prefix()
    if prefix:
        print(f"[check] network off: {' '.join(prefix)} (only a loopback device)")
    elif args.require_offline:
        print("[check] cannot switch the network off here (unshare -n refused)")
        return 2
    else:
        print("[check] WARNING: unshare -n refused; running with the network on")
    size = folder_size(app_dir)
    print(f"[check] size on disk: {size / 1e6:.0f} MB ({app_dir})")
    for name, part in largest_parts(app_dir):
        print(f"[check]   {part / 1e6:6.1f} MB  {name}")
    failed = []
    with tempfile.TemporaryDirectory(prefix="td-check-") as tmp:
        home = Path(tmp) / "home"
        work = Path(tmp) / "work"
        home.mkdir()
        work.mkdir()
        env = clean_env(home)
        png = work / "first-window.png"
        code, out, seconds = run(
            [*prefix, str(exe), "screenshot", "--out", str(png)], env, work, args.timeout
        )
        ok = code == 0 and png.is_file() and png.stat().st_size > 10_000
        print(f"[check] cold start to first window: {seconds:.1f} s ({'ok' if ok else 'FAILED'})")
        if not ok:
            failed.append("first window")
            print(out)
        code, out, seconds = run([*prefix, str(exe), "--selftest"], env, work, args.timeout)
        print(out.rstrip())
        print(f"[check] self-test: exit code {code} in {seconds:.1f} s")
        if code != 0:
            failed.append("self-test")
        leftovers = [p.name for p in work.iterdir() if p != png]
        if leftovers:
            print(f"[check] the app left files in its working folder: {leftovers}")
            failed.append("working folder")
    if failed:
        print(f"[check] FAILED: {', '.join(failed)}")
        return 1
    print("[check] the built application works")
    return 0


if __name__ == "__main__":
    sys.exit(main())
