"""A plan reports the criterion it was built or rebalanced on, everywhere (issue 10, §4).

On the real NC ZIP layer, made with ``new`` before any account was imported (so the
project's default metric is units), a plan built on accounts must read "balanced on
Accounts" with small deviations in ``info``, Excel, PDF and HTML — not "Units" with
deviations of -99 % to +186 %.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from td_realdata import make_nc_zip_project, project_with_accounts

from territory_designer.cli import main
from territory_designer.io.project_file import load_project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NC ZIP project, 150 accounts at real ZIPs, a plan built on accounts (default: units)."""
    folder = tmp_path_factory.mktemp("criterion")
    source, zips = make_nc_zip_project(folder)
    rng = np.random.default_rng(3)
    chosen = list(rng.choice(zips, 150, replace=False))
    revenue = np.round(rng.lognormal(10, 1.2, 150), -2).tolist()
    project = project_with_accounts(source, folder, chosen, revenue)
    argv = ["build", str(project), "-k", "6", "--balance-on", "accounts", "--plan", "On accounts"]
    assert main(argv) == 0
    return project


def _info(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(["info", *argv]) == 0
    return capsys.readouterr().out


def test_info_reports_the_criterion_the_plan_was_built_on(built, capsys):
    data = json.loads(_info(capsys, str(built), "--json"))
    assert data["balance_field"] == "accounts"
    assert data["balance_criterion"] == "Accounts, tolerance ±5%"
    assert data["summary"]["max_abs_deviation_pct"] <= 5.0
    assert data["summary"]["tolerance_pct"] == pytest.approx(5.0)
    text = _info(capsys, str(built))
    assert "balanced on Accounts, tolerance ±5%: max deviation" in text


def test_a_hand_painted_plan_keeps_the_project_default(built, capsys):
    data = json.loads(_info(capsys, str(built), "--plan", "Plan 1", "--json"))
    assert data["balance_field"] == "units"
    assert data["balance_criterion"] == "Units"
    assert data["summary"]["tolerance_pct"] is None


def test_a_weighted_mix_is_reported_as_the_mix(built, capsys, tmp_path):
    out = tmp_path / "mix.tdproj"
    argv = ["build", str(built), "-k", "5", "--weights", "accounts=0.6,revenue=0.4"]
    assert main([*argv, "--tolerance", "0.08", "--plan", "Mix", "--out", str(out)]) == 0
    data = json.loads(_info(capsys, str(out), "--json"))
    assert data["balance_criterion"] == "Accounts 60% + revenue 40%, tolerance ±8%"
    assert data["summary"]["max_abs_deviation_pct"] <= 8.0
    shares = [t[data["balance_field"]] for t in data["territories"]]
    assert sum(shares) == pytest.approx(1.0)
    xlsx = tmp_path / "mix.xlsx"
    assert main(["export", str(out), "--excel", str(xlsx)]) == 0
    summary = openpyxl.load_workbook(xlsx)["Summary"]
    header = next(r for r in summary.iter_rows(values_only=True) if r[0] == "Territory")
    column = header.index("Accounts 60% + revenue 40%")  # each territory's share of the mix
    rows = list(summary.iter_rows(values_only=True))
    first = rows.index(header) + 1
    table = rows[first : first + len(data["territories"])]
    assert sum(r[column] for r in table) == pytest.approx(1.0)
    chart_ref = summary._charts[0].series[0].val.numRef.f  # the chart draws that column
    assert f"${chr(ord('A') + column)}$" in chart_ref


def test_a_file_saved_before_plans_kept_their_criterion_still_opens(built, tmp_path):
    old = tmp_path / "old.tdproj"
    old.write_bytes(built.read_bytes())
    with sqlite3.connect(old) as con:
        con.execute("ALTER TABLE td_plans DROP COLUMN criterion")
    project = load_project(old)
    assert project.plans["On accounts"].criterion is None
    assert project.balance_field == "units"  # as such files were always shown


def test_rebalance_records_its_criterion(built, capsys, tmp_path):
    out = tmp_path / "rebalanced.tdproj"
    argv = ["rebalance", str(built), "--max-moves", "40", "--balance-on", "revenue"]
    assert main([*argv, "--tolerance", "0.1", "--plan", "Rebalanced", "--out", str(out)]) == 0
    data = json.loads(_info(capsys, str(out), "--plan", "Rebalanced", "--json"))
    assert data["balance_criterion"] == "Revenue, tolerance ±10%"


def test_reports_state_the_plan_criterion(built, tmp_path):
    xlsx, pdf, html = tmp_path / "r.xlsx", tmp_path / "r.pdf", tmp_path / "r.html"
    assert main(["export", str(built), "--excel", str(xlsx), "--pdf", str(pdf)]) == 0
    assert main(["export", str(built), "--html", str(html)]) == 0
    summary = openpyxl.load_workbook(xlsx)["Summary"]
    cells = [str(c.value) for row in summary.iter_rows() for c in row if c.value is not None]
    assert any("Balance criterion: Accounts, tolerance ±5%" in c for c in cells)
    figures = dict(zip(cells, cells[1:], strict=False))
    assert figures["Balance criterion"] == "Accounts" and figures["Tolerance"] == "±5%"
    assert "Units" not in summary["A2"].value
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "balanced on Accounts, tolerance ±5%" in text
    assert "Accounts, tolerance ±5%" in html.read_text(encoding="utf-8")
