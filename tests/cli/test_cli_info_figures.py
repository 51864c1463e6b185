"""``info`` prints every territory even when a figure is missing or not finite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territory_designer.cli import main
from territory_designer.core.accounts import AccountTable
from territory_designer.core.operations import ReplaceAccounts
from territory_designer.io.project_file import save_project


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # sums of inf
def test_info_on_a_project_holding_an_infinite_amount(capsys, make_grid_project, tmp_path):
    # Earlier versions stored "inf" amounts from customer lists; such files still open.
    project = make_grid_project(2, 2, ["AB", "AB"])
    xy = project.units.centroid
    table = AccountTable(
        pd.DataFrame(
            {
                "account_id": ["a", "b"],
                "name": ["A", "B"],
                "x": xy[:2, 0],
                "y": xy[:2, 1],
                "unit": [0, 1],
                "located_by": ["coordinates"] * 2,
                "potential": [np.inf, np.inf],
            }
        )
    )
    project.apply(ReplaceAccounts(table))
    project.settings["balance_field"] = "potential"
    path = save_project(project, tmp_path / "old.tdproj")
    assert main(["info", str(path)]) == 0
    rows = [ln.split() for ln in capsys.readouterr().out.splitlines() if " Rep " in ln]
    # deviation from a mean of inf is not a number: shown as "-", the rest as usual
    # (accounts, potential, dev %, PP, then pieces)
    assert [r[-5:] for r in rows] == [["1", "inf", "-", "0.698", "1"]] * 2
