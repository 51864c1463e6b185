"""The PDF report and the HTML map carry the hierarchy: each territory's district and
region, and a roll-up table per level (the same figures as the Excel "By …" sheets)."""

from __future__ import annotations

import subprocess

import pytest
from td_programs import required_program
from td_rules import two_state_project

from territory_designer.cli import main
from territory_designer.core.hierarchy import SetParents, rollup
from territory_designer.io.project_file import save_project

PLACES = [("D1", "East"), ("D1", "East"), ("D2", "West"), ("D3", "West")]


@pytest.fixture
def placed():
    project = two_state_project()
    for code, (district, region) in enumerate(PLACES):
        project.apply(SetParents(code, [district, region], names={"D1": "Triangle"}))
    return project


def pdf_pages(path) -> list[str]:
    text = subprocess.run(
        [required_program("pdftotext"), "-layout", str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return text.split("\f")


def test_pdf_names_each_territorys_parents_and_rolls_up_each_level(placed, tmp_path, capsys):
    path = tmp_path / "placed.tdproj"
    save_project(placed, path)
    pdf = tmp_path / "r.pdf"
    assert main(["export", str(path), "--pdf", str(pdf)]) == 0, capsys.readouterr().err
    pages = pdf_pages(pdf)
    territory_pages = [p for p in pages if "Key figures" in p]
    assert len(territory_pages) == 4
    assert "District D1 Triangle" in territory_pages[0] and "Region East" in territory_pages[0]
    assert "District D3" in territory_pages[3] and "Region West" in territory_pages[3]
    (summary,) = [p for p in pages if "Hierarchy roll-up" in p]
    assert "By district (3)" in summary and "By region (2)" in summary
    by_region = rollup(placed, "region")
    west = by_region.set_index("node").loc["West"]
    row = next(line for line in summary.splitlines() if line.split()[:1] == ["West"])
    assert f"{int(west['accounts']):,}" in row.split() and "2" in row.split()


def test_a_plain_project_has_no_rollup_page(tmp_path, capsys):
    path = tmp_path / "plain.tdproj"
    save_project(two_state_project(), path)
    pdf = tmp_path / "p.pdf"
    assert main(["export", str(path), "--pdf", str(pdf)]) == 0, capsys.readouterr().err
    text = "".join(pdf_pages(pdf))
    assert "Hierarchy roll-up" not in text and "District" not in text


def test_html_map_popups_name_the_parents(placed, tmp_path, capsys):
    from territory_designer.reports.tables import build_report_data
    from territory_designer.reports.webmap_data import territory_entries

    data = build_report_data(placed)
    entries = territory_entries(data, [0, 3], None, None)
    assert entries[0]["parents"] == [["District", "D1 Triangle"], ["Region", "East"]]
    assert entries[1]["parents"] == [["District", "D3"], ["Region", "West"]]
    path = tmp_path / "placed.tdproj"
    save_project(placed, path)
    html = tmp_path / "m.html"
    assert main(["export", str(path), "--html", str(html)]) == 0, capsys.readouterr().err
    page = html.read_text()
    assert '"parents":[["District","D1 Triangle"],["Region","East"]]' in page
    assert "t.parents.forEach" in page
