"""``import-sales`` and ``performance`` through the CLI, on an openpyxl-written workbook."""

from __future__ import annotations

import json

import openpyxl
import pytest
from perf_factories import LINES, two_territory_project

from territory_designer.cli import main
from territory_designer.io.project_file import load_project, save_project


def _workbook(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture
def project_file(tmp_path):
    project = two_territory_project()
    project.transactions = None
    return save_project(project, tmp_path / "p.tdproj")


def test_import_sales_then_performance_json(capsys, project_file, tmp_path):
    import datetime as dt

    rows = [["Customer ID", "Order Date", "Sales", "Product"]] + [
        [a, dt.datetime.fromisoformat(d), v, "Widgets"] for a, d, v in LINES
    ]
    book = _workbook(tmp_path / "sales.xlsx", rows)
    assert main(["import-sales", str(project_file), str(book)]) == 0
    out = capsys.readouterr().out
    assert "8 order lines, 4 accounts, 2024-01 to 2025-01" in out
    assert "1 accounts are not in the project (revenue 999.00)" in out
    assert len(load_project(project_file).transactions) == 8
    assert main(["performance", str(project_file), "--period", "quarter", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["basis"] == "active" and "active plan" in data["basis_statement"]
    rows = {(r["territory_id"], r["period"]): r for r in data["rows"]}
    q1 = rows["T01", "2024-Q1"]
    assert q1["revenue"] == 330 and q1["customers"] == 2 and q1["retention_pct"] is None
    assert rows["T01", "2024-Q2"]["retention_pct"] == 0
    assert rows["T01", "2024-Q2"]["lost_customers"] == 2
    for key in ("growth_pct", "new_customers", "lost_customers", "retention_pct"):
        assert key in q1


def test_import_sales_names_the_missing_column(capsys, project_file, tmp_path):
    book = _workbook(tmp_path / "bad.xlsx", [["Customer ID", "Sales"], ["a1", 10]])
    assert main(["import-sales", str(project_file), str(book)]) != 0
    err = capsys.readouterr().err
    assert "bad.xlsx" in err and "no column for order_date" in err
    assert load_project(project_file).transactions is None  # project unchanged


def test_plan_start_and_quota_commands(capsys, project_file, tmp_path):
    project = load_project(project_file)
    project.transactions = two_territory_project().transactions
    save_project(project, project_file)
    assert main(["quota", str(project_file), "T01=1200"]) == 0
    assert main(["plan-start", str(project_file), "Plan 1", "2024-01-01"]) == 0
    capsys.readouterr()
    assert main(["performance", str(project_file), "--period", "quarter", "--plans",
                 "in-force", "--json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    q1 = next(r for r in data["rows"] if (r["territory_id"], r["period"]) == ("T01", "2024-Q1"))
    assert q1["attainment_pct"] == pytest.approx(110) and data["quota_source"] == "set quotas"
    assert "'Plan 1' from 2024-01-01" in data["basis_statement"]
    assert main(["quota", str(project_file), "T99=5"]) != 0
    assert "no territory 'T99'" in capsys.readouterr().err
    for item, message in [
        ("T01=lots", "'lots' is not a number"),
        ("T01=-5", "a quota is a positive amount, not -5"),
    ]:
        assert main(["quota", str(project_file), item]) != 0
        assert f"'{item}': {message}" in capsys.readouterr().err
    assert load_project(project_file).settings["quotas"] == {"T01": 1200.0}  # unchanged
