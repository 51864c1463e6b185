#!/usr/bin/env python3
"""One-command set-up for developers and CI (standard library only).

Usage::

    python3 installer/dev.py run [APP ARGS]     # create/refresh .venv, open the app (demo)
    python3 installer/dev.py test [PYTEST ARGS] # create/refresh .venv, run the suite headless
    python3 installer/dev.py lint               # ruff check
    python3 installer/dev.py bench [SCRIPTS]    # run bench/*.py (or the given scripts)
    python3 installer/dev.py setup              # only create/refresh .venv
    python3 installer/dev.py build              # build the installable app into dist/
    python3 installer/dev.py check              # run the built app's self-test, cleanly

Options before the sub-command: ``--dry-run`` prints what would happen and changes
nothing; ``--venv PATH`` (or ``$TD_VENV``) uses another environment folder;
``--reinstall`` reinstalls even when the environment looks up to date.

The environment is ``.venv`` in the repository root. It is created when missing and the
package is (re)installed with ``pip install -e .[test]`` whenever ``pyproject.toml``
changed since the last install: a hash of it is kept in ``.venv/td-deps.sha256``.
Works with the Linux/macOS (``bin/python``) and Windows (``Scripts/python.exe``) layouts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)
EXTRAS = "test"
STAMP_NAME = "td-deps.sha256"


def venv_dir(option: str | None = None) -> Path:
    """The environment folder: ``--venv``, else ``$TD_VENV``, else ``ROOT/.venv``."""
    chosen = option or os.environ.get("TD_VENV")
    return Path(chosen).resolve() if chosen else ROOT / ".venv"


def venv_python(venv: Path) -> Path:
    """The interpreter inside a virtual environment (Windows or POSIX layout)."""
    windows = venv / "Scripts" / "python.exe"
    posix = venv / "bin" / "python"
    if os.name == "nt" or (windows.exists() and not posix.exists()):
        return windows
    return posix


def deps_hash() -> str:
    """Hash of everything that decides what gets installed."""
    h = hashlib.sha256()
    h.update((ROOT / "pyproject.toml").read_bytes())
    h.update(f"extras={EXTRAS};python={sys.version_info[:2]}".encode())
    return h.hexdigest()


def _python_works(python: Path) -> bool:
    """True when ``python`` runs and is recent enough (a venv can outlive its base)."""
    if not python.exists():
        return False
    probe = f"import sys; sys.exit(0 if sys.version_info >= {MIN_PYTHON!r} else 1)"
    try:
        return subprocess.run([str(python), "-c", probe], capture_output=True).returncode == 0
    except OSError:
        return False


def plan_setup(venv: Path, reinstall: bool = False) -> list[str]:
    """What :func:`ensure_env` has to do: any of ``"create"``, ``"install"``."""
    steps = []
    if not _python_works(venv_python(venv)):
        steps.append("create")
    stamp = venv / STAMP_NAME
    current = stamp.read_text().strip() if stamp.exists() else ""
    if "create" in steps or reinstall or current != deps_hash():
        steps.append("install")
    return steps


def _say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def _check(cmd: list[str], dry_run: bool, **kwargs: object) -> None:
    _say(("would run: " if dry_run else "running: ") + shlex.join(cmd))
    if dry_run:
        return
    rc = subprocess.run(cmd, **kwargs).returncode  # type: ignore[call-overload]
    if rc != 0:
        _say(f"failed (exit code {rc}): {shlex.join(cmd)}")
        sys.exit(rc)


def _pip_install_editable(python: Path, extras: str, dry_run: bool) -> None:
    """``pip install -e .[extras]`` into the environment of ``python``."""
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-e"]
    _check([*cmd, f".[{extras}]"], dry_run, cwd=ROOT)


def ensure_env(venv: Path, dry_run: bool = False, reinstall: bool = False) -> Path:
    """Create ``venv`` if needed and install the package when its dependencies changed.

    Returns
    -------
    pathlib.Path
        The environment's Python interpreter.
    """
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed; this is "
            f"{sys.version.split()[0]} ({sys.executable})."
        )
    python = venv_python(venv)
    steps = plan_setup(venv, reinstall)
    if not steps:
        _say(f"environment up to date: {venv}")
    if "create" in steps:
        _say(f"creating virtual environment {venv}")
        # --clear: a broken environment (base Python gone) is rebuilt from scratch.
        _check([sys.executable, "-m", "venv", "--clear", str(venv)], dry_run)
    if "install" in steps:
        _say("installing the application and its test tools (pyproject.toml changed)")
        _pip_install_editable(python, EXTRAS, dry_run)
        if not dry_run:
            (venv / STAMP_NAME).write_text(deps_hash() + "\n")
    return python


def _exec(cmd: list[str], dry_run: bool, env: dict[str, str] | None = None) -> int:
    """Run ``cmd`` in the repository root, replacing this process where the OS allows."""
    _say(("would exec: " if dry_run else "exec: ") + shlex.join(cmd))
    if dry_run:
        return 0
    os.chdir(ROOT)
    full_env = {**os.environ, **(env or {})}
    if os.name == "nt":  # os.exec* on Windows does not wait; keep the exit code instead
        return subprocess.run(cmd, env=full_env).returncode
    sys.stdout.flush()
    os.execve(cmd[0], cmd, full_env)
    return 0  # pragma: no cover - execve does not return


#: Libraries Qt's X11 platform plugin needs that a fresh Debian/Ubuntu often lacks, with
#: their packages. libxcb-cursor is loaded at run time, so ldd cannot see it missing.
XCB_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
}


def missing_display_libraries(python: Path) -> list[str]:
    """Shared libraries the Qt X11 plugin needs and this Linux machine lacks."""
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
        return []
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return []
    try:
        known = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, check=False
        ).stdout
        qt_dir = subprocess.run(
            [str(python), "-c", "import os, PySide6; print(os.path.dirname(PySide6.__file__))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return []
    missing = {lib for lib in XCB_PACKAGES if lib not in known}
    for plugin in Path(qt_dir, "Qt").glob("plugins/platforms/libqxcb.so"):
        ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False)
        missing |= {line.split()[0] for line in ldd.stdout.splitlines() if "not found" in line}
    return sorted(missing)


def ensure_display_libraries(python: Path, dry_run: bool) -> None:
    """Install (as root, with apt) or name the X11 libraries Qt needs to open a window."""
    missing = missing_display_libraries(python)
    if not missing:
        return
    packages = sorted({XCB_PACKAGES.get(lib, lib) for lib in missing})
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    can_install = os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get")
    if not can_install:
        _say(
            "Qt needs these system libraries to open a window: "
            + ", ".join(missing)
            + "\n[dev] install them with: sudo "
            + shlex.join(command)
        )
        return
    _say("installing the system libraries Qt needs to open a window: " + ", ".join(packages))
    if dry_run:
        return
    if subprocess.run(command, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], check=False)
        subprocess.run(command, check=False)


def headless_env() -> dict[str, str]:
    """Variables that make Qt run without a display."""
    return {"QT_QPA_PLATFORM": "offscreen"}


COMMANDS = {
    "run": "open the app (arguments go to main.py; none opens the bundled demo)",
    "test": "run the whole test suite headless (arguments go to pytest)",
    "lint": "ruff check (arguments go to ruff check; default: the repository)",
    "bench": "run the benchmark scripts in bench/ (or the scripts given)",
    "setup": "only create or refresh the environment",
    "build": "build the installable application into dist/ (installs PyInstaller first)",
    "check": "run the built application's --selftest in a clean, offline environment",
}
#: The optional dependencies the ``build`` command adds (pyproject.toml's ``build`` extra).
BUILD_EXTRAS = "test,build"


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Split ``argv`` into dev.py options, the command, and arguments passed through.

    Everything after the command goes untouched to the program it runs, so
    ``dev.py test -q -k name`` needs no ``--``.
    """
    parser = argparse.ArgumentParser(
        prog="dev.py",
        description="Create or refresh .venv, then run the app, the tests, lint or benchmarks.",
        epilog="\n".join(f"  {k:6} {v}" for k, v in COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dry-run", action="store_true", help="print the steps, change nothing")
    parser.add_argument("--venv", help="environment folder (default: .venv in the repository)")
    parser.add_argument("--reinstall", action="store_true", help="reinstall dependencies")
    parser.add_argument("command", choices=list(COMMANDS))
    split = next((k for k, a in enumerate(argv) if a in COMMANDS), len(argv))
    ns = parser.parse_args(argv[: split + 1])
    return ns, argv[split + 1 :]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run a sub-command; returns the exit code."""
    ns, rest = parse_args(sys.argv[1:] if argv is None else argv)
    python = ensure_env(venv_dir(ns.venv), ns.dry_run, ns.reinstall)
    py = str(python)
    if ns.command == "setup":
        return 0
    if ns.command == "run":
        ensure_display_libraries(python, ns.dry_run)
        return _exec([py, str(ROOT / "main.py"), *rest], ns.dry_run)
    if ns.command == "test":
        return _exec([py, "-m", "pytest", *rest], ns.dry_run, headless_env())
    if ns.command == "build":
        ensure_build_tools(python, ns.dry_run)
        return _exec([py, str(ROOT / "installer" / "build.py"), *rest], ns.dry_run)
    if ns.command == "check":
        return _exec([py, str(ROOT / "installer" / "check_build.py"), *rest], ns.dry_run)
    if ns.command == "lint":
        return _exec([py, "-m", "ruff", "check", *(rest or ["."])], ns.dry_run)
    return run_benchmarks(py, rest, ns.dry_run)


def ensure_build_tools(python: Path, dry_run: bool) -> None:
    """Install PyInstaller (the ``build`` extra) into the environment when it is missing."""
    probe = [str(python), "-c", "import PyInstaller"]
    if not dry_run and subprocess.run(probe, capture_output=True).returncode == 0:
        return
    _say("installing the build tools (PyInstaller)")
    _pip_install_editable(python, BUILD_EXTRAS, dry_run)


def run_benchmarks(python: str, scripts: list[str], dry_run: bool) -> int:
    """Run each benchmark script headless; the worst exit code wins."""
    if not scripts:
        scripts = sorted(
            str(p) for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_")
        )
    if not scripts:
        _say("no benchmark scripts in bench/")
        return 0
    rc = 0
    for script in scripts:
        _say(("would run: " if dry_run else "running: ") + script)
        if not dry_run:
            env = {**os.environ, **headless_env()}
            rc = max(rc, subprocess.run([python, script], cwd=ROOT, env=env).returncode)
    return rc


if __name__ == "__main__":
    sys.exit(main())
