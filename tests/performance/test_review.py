"""The monthly review on a project whose period makes two territories drift."""

from __future__ import annotations

import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from territory_designer.cli import main
from territory_designer.core.accounts import AccountTable
from territory_designer.core.operations import ReplaceAccounts
from territory_designer.io.project_file import load_project, save_project

MONTHS = pd.date_range("2025-12-01", "2026-11-01", freq="MS")
#: Monthly sales of each account by territory letter: A sells three times what B does.
MONTHLY = {"A": 150.0, "B": 50.0, "C": 100.0}


@pytest.fixture
def drifted(make_grid_project, tmp_path):
    """Three territories of 8 units (columns AABBCC), one account per unit."""
    layout = ["AABBCC"] * 4
    project = make_grid_project(4, 6, layout)
    letters = [ch for row in layout[::-1] for ch in row]
    xy = project.units.centroid
    ids = [f"acc{k:02d}" for k in range(24)]
    project.apply(
        ReplaceAccounts(
            AccountTable(
                pd.DataFrame(
                    {
                        "account_id": ids,
                        "name": [f"Account {k}" for k in range(24)],
                        "x": xy[:, 0],
                        "y": xy[:, 1],
                        "unit": np.arange(24),
                        "located_by": "coordinates",
                    }
                )
            )
        )
    )
    project.transactions = pd.DataFrame(
        [
            (acct, day.strftime("%Y-%m-%d"), MONTHLY[letter])
            for acct, letter in zip(ids, letters, strict=True)
            for day in MONTHS
        ],
        columns=["account_id", "order_date", "revenue"],
    )
    return save_project(project, tmp_path / "drift.tdproj")


def test_review_flags_the_two_drifted_territories_and_proposes_few_moves(capsys, drifted, tmp_path):
    out = tmp_path / "pack"
    code = main(
        ["review", str(drifted), "--period", "2026-11", "--out", str(out), "--max-moves", "5",
         "--json"]
    )  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    # A sells 14,400 in the year, B 4,800, C 9,600: A and B are 50% off the mean.
    assert data["drifted"] == ["T01", "T02"]
    devs = {d["territory_id"]: round(d["deviation_pct"]) for d in data["drifts"]}
    assert devs == {"T01": 50, "T02": -50}
    assert data["balance_on"] == "sales_12m"
    assert data["proposal_plan"] == "Review 2026-11"
    assert 1 <= len(data["moves"]) <= 5
    assert {(m["from"], m["to"]) for m in data["moves"]} == {("T01", "T02")}
    assert data["after"]["max_abs_deviation_pct"] <= 10.0
    assert data["before"]["max_abs_deviation_pct"] == pytest.approx(50)
    # The proposal is saved as a new plan; the plan reviewed is still there.
    project = load_project(drifted)
    assert project.active_plan_name == "Review 2026-11" and "Plan 1" in project.plans
    # The pack: Excel with the drift, the moves and the curve; a PDF with four pages.
    book = openpyxl.load_workbook(out / "review-2026-11.xlsx")
    assert book.sheetnames == ["Summary", "Territories", "Drift", "Moves", "Curve"]
    drift_ids = [r[0] for r in book["Drift"].iter_rows(min_row=2, values_only=True)]
    assert drift_ids == ["T01", "T02"]
    assert book["Moves"].max_row == len(data["moves"]) + 1
    assert len(book["Curve"]._charts) == 1
    pdf = (out / "review-2026-11.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 4


def test_review_of_a_period_without_sales_says_where_history_runs(capsys, drifted):
    assert main(["review", str(drifted), "--period", "2027-03", "--dry-run"]) != 0
    err = capsys.readouterr().err
    assert "No order lines in 2027-03" in err and "2025-12 to 2026-11" in err


def test_a_balanced_period_proposes_nothing(capsys, drifted, tmp_path):
    project = load_project(drifted)
    project.transactions["revenue"] = 100.0
    save_project(project, drifted)
    assert main(["review", str(drifted), "--period", "2026-11", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "no territory drifted" in text and "no re-alignment proposed" in text
    assert load_project(drifted).plans.keys() == {"Plan 1"}


def test_a_retention_drop_is_flagged_but_not_realigned(capsys, drifted, tmp_path):
    project = load_project(drifted)
    lines = project.transactions
    # Every territory sells the same, but half of C's accounts stop buying in November.
    lines["revenue"] = 100.0
    c_accounts = [f"acc{k:02d}" for k in range(24) if k % 6 >= 4][:4]
    stop = lines["account_id"].isin(c_accounts) & (lines["order_date"] == "2026-11-01")
    project.transactions = lines[~stop].reset_index(drop=True)
    save_project(project, drifted)
    assert main(["review", str(drifted), "--period", "2026-11", "--out", str(tmp_path),
                 "--band", "0.2", "--json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert [(d["territory_id"], d["measure"]) for d in data["drifts"]] == [("T03", "retention")]
    assert data["drifts"][0]["value"] == 50
    assert data["proposal_plan"] is None and "Only retention drifted" in data["proposal_message"]
