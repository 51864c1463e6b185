"""``compare``: text, --json, --excel and --pdf on the demo project's two plans."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run


@pytest.fixture
def demo_file(demo_file_with_moves) -> Path:
    """The demo with six units of the working draft moved to another territory."""
    return demo_file_with_moves(6)


def test_compare_json_names_moves_territories_and_disruption(capsys, demo_file):
    code, out, _ = run(capsys, "compare", demo_file, "Baseline 2026", "Working draft", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["plan_a"] == "Baseline 2026" and data["value_field"] == "revenue"
    d = data["disruption"]
    assert d["units_moved"] == len(data["units_moved"]) == 6
    assert data["units_moved"][0]["reason"].startswith("Assign 6 units to")
    assert d["accounts_moved"] == len(data["accounts_moved"])
    assert 0 < d["accounts_moved_pct"] < 100
    assert {"from_territory", "to_territory", "revenue", "reason"} <= set(data["units_moved"][0])
    # Per-territory changes add up: what one territory gains another loses.
    assert sum(t["units_change"] for t in data["territories"]) == 0
    assert sum(t["revenue_change"] for t in data["territories"]) == pytest.approx(0, abs=1e-6)


def test_compare_text_and_files(capsys, demo_file, tmp_path):
    xlsx, pdf = tmp_path / "c.xlsx", tmp_path / "c.pdf"
    code, out, _ = run(
        capsys,
        "compare",
        demo_file,
        "Baseline 2026",
        "Working draft",
        "--excel",
        xlsx,
        "--pdf",
        pdf,
    )
    assert code == 0
    assert "Accounts that change rep" in out and "units moved" in out
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Summary", "Territories", "Units moved", "Accounts moved"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=4, values_only=True)}
    _, js, _ = run(capsys, "compare", demo_file, "Baseline 2026", "Working draft", "--json")
    assert summary["Units moved"] == json.loads(js)["disruption"]["units_moved"]
    headers = [c.value for c in wb["Units moved"][1]]
    assert headers[:3] == ["Unit id", "Unit", "From"] and "Reason" in headers
    assert pdf.read_bytes().startswith(b"%PDF")


def test_compare_unknown_plan_fails_clearly(capsys, demo_file):
    code, _, err = run(capsys, "compare", demo_file, "Baseline 2026", "Nope")
    assert code == 2 and "No plan named 'Nope'" in err
