"""Approvals round trip: export --proposal, answers typed with openpyxl (accept some,
reject some, comments, a conflict, an edited protected cell, a file for another plan),
import-responses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run

from territory_designer.core.operations import AssignUnits
from territory_designer.io.project_file import load_project, save_project

HEADER_ROW = 7
DECISION, COMMENT, TO = 12, 13, 7  # columns L, M, G


@pytest.fixture
def proposal(demo_project, tmp_path):
    """The demo's working draft moves 3 units Triangle -> Charlotte Metro and 2 units
    Triad -> Coastal; the proposal is exported to a folder."""
    p = demo_project
    plan = p.plan
    tri, triad = plan.units_of(1)[:3], plan.units_of(2)[:2]
    p.apply(AssignUnits(tri, 0))
    p.apply(AssignUnits(triad, 3))
    path = tmp_path / "demo.tdproj"
    save_project(p, path)
    folder = tmp_path / "proposal"
    ids = [str(p.units.ids[i]) for i in [*tri, *triad]]
    return path, folder, ids


def rows_by_unit(ws):
    return {
        str(ws.cell(r, 3).value): r
        for r in range(HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(r, 2).value == "unit"
    }


def answer(folder: Path, rep: str, answers: dict[str, tuple[str, str]], edit_to: str = ""):
    path = folder / f"Proposal - {rep}.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Proposal"]
    rows = rows_by_unit(ws)
    for unit, (decision, comment) in answers.items():
        ws.cell(rows[unit], DECISION, decision or None)
        ws.cell(rows[unit], COMMENT, comment or None)
    if edit_to:
        ws.cell(rows[edit_to], TO, "Somewhere else")
    wb.save(path)
    return path


def test_export_writes_one_protected_workbook_per_rep(capsys, proposal):
    path, folder, ids = proposal
    code, out, _ = run(capsys, "export", path, "--proposal", folder)
    assert code == 0
    names = sorted(f.name for f in folder.iterdir())
    assert names == [
        "Proposal - Aisha Patel.xlsx",
        "Proposal - James Carter.xlsx",
        "Proposal - Maria Lopez.xlsx",
        "Proposal - Tom Nguyen.xlsx",
    ]
    wb = openpyxl.load_workbook(folder / "Proposal - Maria Lopez.xlsx")
    assert wb.sheetnames[0] == "Proposal" and wb["td_proposal"].sheet_state == "veryHidden"
    ws = wb["Proposal"]
    assert ws.protection.sheet is True
    assert [ws.cell(HEADER_ROW, j).value for j in (1, 5, 7, 12, 13)] == [
        "Move id",
        "From",
        "To",
        "Decision",
        "Comment",
    ]
    rows = rows_by_unit(ws)
    assert sorted(rows) == sorted(ids[:3])  # only the moves into or out of her territory
    r = rows[ids[0]]
    assert ws.cell(r, 1).protection.locked and not ws.cell(r, DECISION).protection.locked
    assert not ws.cell(r, COMMENT).protection.locked
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"Accept,Reject"'
    assert f"L{HEADER_ROW + 1}" in str(dv.sqref)


def test_round_trip_accepts_rejects_conflicts_and_protected_edits(capsys, proposal, tmp_path):
    path, folder, (u1, u2, u3, u4, u5) = proposal
    assert run(capsys, "export", path, "--proposal", folder)[0] == 0
    files = [
        answer(
            folder,
            "Maria Lopez",
            {u1: ("Accept", "Good fit"), u2: ("Accept", ""), u3: ("accept", "")},
        ),
        answer(folder, "James Carter", {u1: ("Accept", ""), u2: ("Reject", "Key customer")}),
        answer(folder, "Aisha Patel", {u4: ("Reject", "Rep lives there")}),
        answer(folder, "Tom Nguyen", {u5: ("Accept", "")}, edit_to=u5),
    ]
    other = tmp_path / "other.xlsx"
    shutil.copy(files[0], other)
    wb = openpyxl.load_workbook(other)
    wb["td_proposal"]["B2"] = "Some other plan"
    wb.save(other)
    code, out, err = run(capsys, "import-responses", path, *files, other, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["plan"] == "Working draft approved"
    assert sorted(result["accepted"]) == sorted([f"U:{u1}", f"U:{u3}"])
    assert {(r["move"], r["by"], r["comment"]) for r in result["rejected"]} == {
        (f"U:{u2}", "James Carter", "Key customer"),
        (f"U:{u4}", "Aisha Patel", "Rep lives there"),
    }
    conflicts = "\n".join(result["conflicts"])
    assert "accepted by Maria Lopez, rejected by James Carter" in conflicts and u2 in conflicts
    assert "other.xlsx: a file for another plan" in conflicts
    problems = "\n".join(result["problems"])
    assert "Proposal - Tom Nguyen.xlsx, sheet 'Proposal', row 9, column G (To)" in problems
    assert f"U:{u5}" in result["unanswered"]
    project = load_project(path)
    new, base = project.plans["Working draft approved"], project.plans["Baseline 2026"]
    index = {str(u): i for i, u in enumerate(project.units.ids)}
    assert project.active_plan_name == "Working draft"
    draft = project.plans["Working draft"]
    for u in (u1, u3):  # accepted: as proposed
        assert new.assignment[index[u]] == draft.assignment[index[u]]
    for u in (u2, u4, u5):  # rejected, in conflict or void: as in the baseline
        assert new.assignment[index[u]] == base.assignment[index[u]]
    reviews = [e for e in project.change_log.entries if e.kind == "review"]
    notes = {e.note for e in reviews}
    assert {"Key customer", "Rep lives there", "Good fit"} <= notes
    assert any(e.action.startswith("Conflict:") for e in reviews)
    # compare explains each accepted move with who accepted it
    code, out, _ = run(capsys, "compare", path, "Baseline 2026", "Working draft approved", "--json")
    reasons = {r["unit_id"]: r["reason"] for r in json.loads(out)["units_moved"]}
    assert reasons == {u1: "accepted by Maria Lopez, James Carter", u3: "accepted by Maria Lopez"}


def test_no_proposal_without_moves_and_bad_files_fail_clearly(capsys, demo_project_file, tmp_path):
    path = tmp_path / "d.tdproj"
    shutil.copy(demo_project_file, path)
    code, _, err = run(capsys, "export", path, "--proposal", tmp_path / "p")
    assert code == 2 and "moves nothing" in err
    bad = tmp_path / "notes.xlsx"
    openpyxl.Workbook().save(bad)
    before = path.read_bytes()
    code, _, err = run(capsys, "import-responses", path, bad)
    assert code == 2 and "notes.xlsx: not a proposal workbook" in err
    assert path.read_bytes() == before
