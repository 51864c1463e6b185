"""Performance and white space in the Excel and PDF reports (export and performance)."""

from __future__ import annotations

import re

import openpyxl
from perf_factories import two_territory_project

from territory_designer.cli import main
from territory_designer.io.project_file import save_project


def _pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


def test_export_adds_performance_sheets_and_pages_when_there_are_order_lines(tmp_path):
    with_lines = save_project(two_territory_project(), tmp_path / "a.tdproj")
    plain = two_territory_project()
    plain.transactions = None
    without = save_project(plain, tmp_path / "b.tdproj")
    for path in (with_lines, without):
        stem = path.stem
        assert main(["export", str(path), "--excel", str(tmp_path / f"{stem}.xlsx"),
                     "--pdf", str(tmp_path / f"{stem}.pdf")]) == 0  # fmt: skip
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames[-4:] == ["Performance", "Trends", "Scores", "White space"]
    scores = list(book["Scores"].iter_rows(min_row=2, values_only=True))
    assert scores == [("T01", "nps", 7, 2), ("T02", "nps", 9, 1)]
    perf = book["Performance"]
    header = [c.value for c in perf[3]]
    assert header[:4] == ["Territory", "Name", "Period", "Revenue"]
    rows = {(r[0], r[2]): r for r in perf.iter_rows(min_row=4, values_only=True)}
    assert rows["T01", "2024-Q1"][3] == 330
    assert "active plan" in perf["A1"].value
    assert len(book["Trends"]._charts) == 1
    assert "too few to fit a model" in book["White space"]["A1"].value
    assert "Performance" not in openpyxl.load_workbook(tmp_path / "b.xlsx").sheetnames
    assert _pages(tmp_path / "a.pdf") == _pages(tmp_path / "b.pdf") + 2


def test_performance_writes_its_own_report(capsys, tmp_path):
    path = save_project(two_territory_project(), tmp_path / "p.tdproj")
    xlsx, pdf = tmp_path / "perf.xlsx", tmp_path / "perf.pdf"
    assert main(["performance", str(path), "--excel", str(xlsx), "--pdf", str(pdf)]) == 0
    assert f"wrote {xlsx}" in capsys.readouterr().out
    assert openpyxl.load_workbook(xlsx).sheetnames == [
        "Performance",
        "Trends",
        "Scores",
        "White space",
    ]
    assert _pages(pdf) == 2
