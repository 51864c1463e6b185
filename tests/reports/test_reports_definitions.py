"""Territory definitions: kept in the project file, shown in the Excel and PDF reports."""

from __future__ import annotations

import sqlite3
import subprocess

import openpyxl
from td_programs import required_program

from territory_designer.core.operations import UpdateTerritory
from territory_designer.io.project_file import load_project, save_project
from territory_designer.reports import ExportOptions, export
from territory_designer.reports.pdf import definition_lines

TEXT = "Guilford and Forsyth counties: the Triad's furniture makers, =SUM(A1) kept as text."


def test_definition_round_trip_and_undo(grid_project, tmp_path):
    op = grid_project.apply(UpdateTerritory(0, definition=TEXT))
    assert op.text == "Define Territory A"
    path = tmp_path / "p.tdproj"
    save_project(grid_project, path)
    assert load_project(path).plan.territories[0].definition == TEXT
    op.undo(grid_project)
    assert grid_project.plan.territories[0].definition == ""


def test_a_file_from_before_definitions_opens(grid_project, tmp_path):
    path = tmp_path / "old.tdproj"
    save_project(grid_project, path)
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE territories DROP COLUMN definition")
    con.commit()
    con.close()
    assert all(t.definition == "" for t in load_project(path).plan.territories.values())


def test_excel_territories_sheet_and_pdf_page_show_the_definition(demo_project, tmp_path):
    code = sorted(demo_project.plan.territories)[2]
    demo_project.apply(UpdateTerritory(code, definition=TEXT))
    xlsx = export("excel", demo_project, tmp_path / "r.xlsx", ExportOptions())
    ws = openpyxl.load_workbook(xlsx)["Territories"]
    headers = [c.value for c in ws[1]]
    col = headers.index("Definition")
    values = [r[col] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert TEXT in values  # a leading "=" would be escaped; this one is mid-text
    pdf = export("pdf", demo_project, tmp_path / "r.pdf", ExportOptions())
    exe = required_program("pdftotext")
    text = subprocess.run([exe, str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "furniture makers" in text.stdout


def test_long_definitions_are_cut_to_two_lines():
    lines = definition_lines("word " * 100, width=40).split("\n")
    assert len(lines) == 2 and lines[1].endswith("…")
    assert definition_lines("  ") == ""
