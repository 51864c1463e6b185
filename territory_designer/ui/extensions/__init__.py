"""Features that plug into the main window: menus, docks and map actions.

Every module in this package has ``install(window)``, called once when the window is
built (after its menus, docks and toolbars exist), in module-name order. A feature adds
itself here as a new module instead of growing :mod:`territory_designer.ui.main_window`;
it reaches the window through its public parts (``window.menus``, ``window.add_action``,
``window.session``, ``window.canvas``, ``window.prompts``, ``window.addDockWidget``).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from territory_designer.ui.main_window import MainWindow


def install_extensions(window: MainWindow) -> None:
    """Call ``install(window)`` of every extension module, in name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.install(window)
