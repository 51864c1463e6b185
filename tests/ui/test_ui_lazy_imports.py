"""The window opens without the engine and the import wizard (issue 17: imports of the
balance runner's engine and of the account import wizard took about a second)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from territory_designer.ui.dialogs import balance_dialog, balance_runner


def test_the_main_window_module_leaves_the_engine_and_wizard_unimported() -> None:
    code = (
        "import sys; import territory_designer.ui.main_window;"
        "lazy = ('territory_designer.balance.scenario', 'territory_designer.ui.dialogs."
        "import_wizard', 'territory_designer.ui.dialogs.balance_dialog');"
        "loaded = [m for m in lazy if m in sys.modules];"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_the_runner_names_the_dialogs_build_mode() -> None:
    assert balance_runner.BUILD == balance_dialog.BUILD
