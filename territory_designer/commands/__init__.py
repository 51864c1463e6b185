"""Headless commands behind ``main.py``: one module per group, each a set of
``add_arguments(subparsers)`` registrations and ``run_*`` handlers.

Every module here named ``*_commands`` is a command group; it may declare
``SAVING_COMMANDS``, the names of its commands that save the project they read (the CLI
locks the project for those). A new group is a new module: nothing else to register.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

#: Groups listed first in ``main.py --help``; any other group follows by name.
FIRST_GROUPS = ("project_commands", "import_commands", "balance_commands", "export_commands")


def command_modules() -> tuple[ModuleType, ...]:
    """The command-group modules of this package, in help order."""
    found = (info.name for info in pkgutil.iter_modules(__path__))
    names = {name for name in found if name.endswith("_commands")}
    ordered = [n for n in FIRST_GROUPS if n in names] + sorted(names - set(FIRST_GROUPS))
    return tuple(importlib.import_module(f"{__name__}.{n}") for n in ordered)
