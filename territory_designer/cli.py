"""Command line: the same capabilities as the app, headless.

``python main.py``                         open the app on the bundled demo project
``python main.py PROJECT.tdproj``          open the app on a project
``python main.py demo --out P.tdproj``     write the demo project
``python main.py new --units FILE --id-field F [--name-field F] --out P.tdproj``
``python main.py info P.tdproj [--json]``  units, accounts, territories and their metrics
``python main.py import-accounts P.tdproj FILE [--sheet S] [--map FIELD=COLUMN ...] [--json]``
``python main.py import-units P.tdproj FILE --id-field F``
``python main.py build P.tdproj --territories K --balance-on FIELD [--json]``
``python main.py rebalance P.tdproj --max-moves N [--json]``
``python main.py export P.tdproj [--excel X.xlsx] [--pdf X.pdf] [--html X.html] ...``
``python main.py screenshot P.tdproj --out window.png``
``python main.py --selftest [--keep DIR]`` check an installed copy end to end, offscreen

Errors print one line on stderr and exit with status 2 (bad input) or 3 (internal error);
output cut short by its reader (``| head``) ends quietly with status 141.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from territory_designer import __version__
from territory_designer.commands import command_modules
from territory_designer.core.errors import TerritoryDesignerError
from territory_designer.io.project_lock import ProjectLock, holding

#: The modules of ``territory_designer.commands`` that register commands, in help order.
COMMAND_MODULES = command_modules()
#: Commands that save the project they read (in place unless ``--out``): each module's
#: ``SAVING_COMMANDS``.
SAVING_COMMANDS = frozenset().union(*(getattr(m, "SAVING_COMMANDS", ()) for m in COMMAND_MODULES))
CLI_HINT = "--out OTHER.tdproj writes another file"
#: Exit status when the output pipe was closed early (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def build_parser() -> argparse.ArgumentParser:
    """The parser of every headless command."""
    ap = argparse.ArgumentParser(
        prog="main.py",
        description="Territory Designer: design balanced sales territories, offline.",
        epilog="Without a command the app opens (on PROJECT.tdproj, or on the demo project).",
    )
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_arguments(sub)
    return ap


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    """Names of the headless commands of ``parser``."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def _run_gui(argv: Sequence[str]) -> int:
    ap = argparse.ArgumentParser(prog="main.py", description=__doc__.splitlines()[0])
    ap.add_argument("project", nargs="?", help="project file to open (default: the demo)")
    args, qt_args = ap.parse_known_args(argv)
    if args.project:
        from territory_designer.io.project_file import check_project_file

        check_project_file(args.project)
    from territory_designer.app import run_gui

    return run_gui(args.project, [sys.argv[0], *qt_args])


def _run_selftest(argv: Sequence[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="main.py --selftest",
        description="Open the demo offscreen, paint, build, save, reopen and export; "
        "exit 0 only if all of it worked.",
    )
    ap.add_argument("--keep", metavar="DIR", help="write into DIR and keep it")
    args = ap.parse_args(argv)
    from territory_designer.ui.selftest import run_selftest

    return run_selftest(args.keep)


def _lock_for(args: argparse.Namespace) -> ProjectLock | None:
    """Lock the project a command saves in place (or its ``--out``) from load to save.

    Another writer (a window with the project open, another build) is refused with who
    holds it; the project file is left untouched.
    """
    if args.command not in SAVING_COMMANDS or getattr(args, "dry_run", False):
        return None
    from territory_designer.io.project_lock import ProjectLockedError, acquire_lock

    target = getattr(args, "out", None) or args.project
    try:
        lock = acquire_lock(target, f"main.py {args.command}")
    except ProjectLockedError as exc:
        raise ProjectLockedError(exc.path, exc.holder, exc.lock_file, CLI_HINT) from None
    if lock.note:
        print(f"note: {lock.note}", file=sys.stderr)
    return lock


def _detach_stdout() -> None:
    """Point stdout at the null device so the interpreter's final flush cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (an embedding host)
        pass
    finally:
        os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``main.py`` and the ``territory-designer`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "--selftest":
            return _run_selftest(argv[1:])
        parser = build_parser()
        if argv and (argv[0] in command_names(parser) or argv[0] in ("-h", "--help", "--version")):
            args = parser.parse_args(argv)
            with holding(_lock_for(args)):
                code = int(args.handler(args))
            sys.stdout.flush()  # a closed pipe shows here, where it is handled below
            return code
        return _run_gui(argv)
    except BrokenPipeError:
        # The reader went away (``info ... | head``): what it wanted was printed. Quiet,
        # with the status of a process ended by SIGPIPE, as other command-line tools.
        _detach_stdout()
        return EXIT_BROKEN_PIPE
    except TerritoryDesignerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback; TD_DEBUG shows it
        if os.environ.get("TD_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (set TD_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 3
