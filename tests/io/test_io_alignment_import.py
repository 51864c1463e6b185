"""Importing the alignment a client has today: a real xlsx or csv file becomes a new plan
with its hierarchy and reps; any bad row is named (file, sheet, row, column) and nothing
changes."""

from __future__ import annotations

import csv
import json

import numpy as np
import openpyxl
import pytest
from td_rules import COLS, ROWS, two_state_project

from territory_designer.cli import main
from territory_designer.core.alignment import AddAlignment
from territory_designer.core.errors import InputError
from territory_designer.core.hierarchy import chain, rollup
from territory_designer.io.alignment_import import read_alignment
from territory_designer.io.project_file import load_project, save_project

HEADER = ["ZIP", "Territory ID", "Territory Name", "Rep", "District", "Region", "Licensed States"]


def alignment_rows():
    """Columns 0-1 → A1, 2-3 → A2 (district Piedmont, East), 4-7 → B1 (Coast, South)."""
    out = []
    for k in range(ROWS * COLS):
        col = k % COLS
        if col < 2:
            row = [k, "A1", "Alpha", "Ann", "PIED", "EAST", "NC"]
        elif col < 4:
            row = [k, "A2", "Beta", "Bob", "PIED", "EAST", "NC"]
        else:
            row = [k, "B1", "Gamma", "Cy", "COAST", "SOUTH", "SC"]
        out.append(row)
    return out


def write_xlsx(path, rows, header=HEADER, title="Alignment"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["Alignment in force, 2026"])  # a title line above the header
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_an_xlsx_alignment_becomes_a_plan_with_its_hierarchy(tmp_path):
    project = two_state_project()
    path = write_xlsx(tmp_path / "current.xlsx", alignment_rows())
    alignment = read_alignment(project, path)
    project.apply(AddAlignment(alignment))
    plan = project.plan
    assert plan.name == "Alignment current"
    assert [t.id for t in plan.territories.values()] == ["A1", "A2", "B1"]
    assert (plan.assignment >= 0).all()  # ZIPs written as numbers lost their zeros: found
    a1 = plan.territories[plan.code_of("A1")]
    assert (a1.name, a1.owner, chain(project, a1)) == ("Alpha", "Ann", ["PIED", "EAST"])
    regions = rollup(project, "region").set_index("node")
    assert regions.loc["EAST", "units"] == 24 and regions.loc["SOUTH", "territories"] == 1
    assert project.settings["rep_attributes"]["Cy"]["licensed_states"] == "SC"


def test_a_csv_with_another_plan_name_and_undo(tmp_path):
    project = two_state_project()
    path = tmp_path / "align.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["unit_id", "territory", "owner", "district"])
        for k in range(10):
            w.writerow([f"{k:04d}", "X", "Xena", "D1"])
    before = (dict(project.plans), dict(project.settings))
    op = project.apply(AddAlignment(read_alignment(project, path, plan_name="Today")))
    assert project.plan.name == "Today" and (project.plan.assignment >= 0).sum() == 10
    op.undo(project)
    assert (dict(project.plans), dict(project.settings)) == before


BAD_ROWS = [  # (row index to spoil, column, new value or "append"), expected message
    ((4, 0, 999), r"sheet Alignment, row 8, column A \(ZIP\): unit '999' is not in the project"),
    ((5, 1, None), r"row 9, column B \(Territory ID\): no territory"),
    ((8, 3, "Zed"), r"row 12, column D \(Rep\): A1 has 'Zed' here but 'Ann' on row 4"),
    ((2, 5, "SOUTH"), r"row 6, column F \(Region\): district PIED is in SOUTH here but in EAST"),
    ((3, None, "append"), r"row 52, column A \(ZIP\): unit '3' is also on row 7"),
    ((0, 4, None), r"row 4, column F \(Region\): a region without a district"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ROWS)
def test_bad_rows_are_named_and_nothing_changes(tmp_path, change, message):
    project = two_state_project()
    rows = alignment_rows()
    index, col, value = change
    if value == "append":
        rows.append([index, "B1", "Gamma", "Cy", "COAST", "SOUTH", "SC"])
    else:
        rows[index][col] = value
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(InputError, match=message) as info:
        read_alignment(project, path)
    assert "bad.xlsx" in str(info.value) and "nothing was imported" in str(info.value)


def test_missing_columns_and_sheets_are_named(tmp_path):
    project = two_state_project()
    path = write_xlsx(tmp_path / "nozip.xlsx", [["A1", "Ann"]], header=["Territory", "Rep"])
    with pytest.raises(InputError, match=r"sheet Alignment, row 3: no unit .*'Territory', 'Rep'"):
        read_alignment(project, path)
    with pytest.raises(InputError, match=r"no sheet 'Other' \(sheets: Alignment\)"):
        read_alignment(project, path, sheet="Other")


def test_cli_import_alignment_saves_or_leaves_the_file_untouched(tmp_path, capsys):
    target = tmp_path / "p.tdproj"
    save_project(two_state_project(), target)
    bad_rows = alignment_rows()
    bad_rows[0][0] = "nope"
    bad = write_xlsx(tmp_path / "bad.xlsx", bad_rows)
    before = target.read_bytes()
    assert main(["import-alignment", str(target), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.xlsx, sheet Alignment, row 4, column A (ZIP): unit 'nope'" in err
    assert target.read_bytes() == before
    good = write_xlsx(tmp_path / "good.xlsx", alignment_rows())
    assert main(["import-alignment", str(target), str(good), "--baseline", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["territories"] == 3 and out["units_not_in_file"] == 0
    again = load_project(target)
    assert again.active_plan_name == again.baseline_plan_name == "Alignment good"
    assert np.unique(again.plan.assignment).size == 3
    assert again.settings["hierarchy_nodes"]["PIED"]["parent"] == "EAST"
