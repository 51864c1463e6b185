"""The PDF report has a Workload page (hours a year per territory and share of a
full-time year, core.workload figures) when the project has a workload model."""

from __future__ import annotations

import pytest
from td_rules import two_state_project, with_product_accounts
from test_reports_hierarchy_pdf import pdf_pages

from territory_designer.cli import main
from territory_designer.core.templates import apply_template
from territory_designer.core.workload import territory_workload
from territory_designer.io.project_file import save_project
from territory_designer.io.templates import load_template


def test_pdf_workload_page_shows_hours_and_full_time_share(tmp_path, capsys):
    project = with_product_accounts(two_state_project())
    apply_template(project, load_template("pharmaceutical"))
    figures = territory_workload(project, project.plan).set_index("id")
    path = tmp_path / "w.tdproj"
    save_project(project, path)
    pdf = tmp_path / "w.pdf"
    assert main(["export", str(path), "--pdf", str(pdf)]) == 0, capsys.readouterr().err
    (page,) = [p for p in pdf_pages(pdf) if "Workload by territory (4)" in p]
    assert "full-time year 1,200 hours" in page and "Beardwood" in page
    row = next(line.split() for line in page.splitlines() if line.split()[:1] == ["T1"])
    t1 = figures.loc["T1"]
    assert float(row[-2].replace(",", "")) == pytest.approx(t1["hours"], abs=0.01)
    assert row[-1] == f"{100 * t1['fte']:.0f}%" and row[3] == "Ann"


def test_no_workload_model_no_workload_page(tmp_path, capsys):
    path = tmp_path / "plain.tdproj"
    save_project(with_product_accounts(two_state_project()), path)
    pdf = tmp_path / "p.pdf"
    assert main(["export", str(path), "--pdf", str(pdf)]) == 0, capsys.readouterr().err
    assert not any("Workload by territory" in p for p in pdf_pages(pdf))
