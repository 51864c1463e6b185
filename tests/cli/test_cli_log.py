"""``log`` and ``note``: the change log from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run

from territory_designer.io.project_file import load_project


@pytest.fixture
def project_file(demo_file_with_moves) -> Path:
    return demo_file_with_moves(2)


def test_note_then_log_filters_and_exports(capsys, project_file, tmp_path):
    code, out, _ = run(capsys, "note", project_file, "Agreed with Ann", "--plan", "Baseline 2026")
    assert code == 0
    project = load_project(project_file)
    assert project.active_plan_name == "Working draft"  # a note switches nothing
    assert project.change_log.entries[-1].plan == "Baseline 2026"
    code, out, _ = run(capsys, "log", project_file, "--json")
    entries = json.loads(out)["entries"]
    assert [e["kind"] for e in entries] == ["edit", "note"]
    assert entries[0]["to"] and entries[0]["units"].count(",") == 1
    xlsx = tmp_path / "log.xlsx"
    code, out, _ = run(capsys, "log", project_file, "--kind", "note", "--excel", xlsx)
    assert "1 of 2 log entries" in out and "Agreed with Ann" in out
    rows = list(openpyxl.load_workbook(xlsx).active.values)
    assert len(rows) == 2 and rows[1][-1] == "Agreed with Ann"


def test_note_for_an_unknown_plan_fails_and_leaves_the_file(capsys, project_file):
    before = project_file.read_bytes()
    code, _, err = run(capsys, "note", project_file, "x", "--plan", "Nope")
    assert code == 2 and "no plan named 'Nope'" in err
    assert project_file.read_bytes() == before
