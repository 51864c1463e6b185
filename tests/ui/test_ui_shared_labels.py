"""The dock and the Excel, PDF and HTML reports name a metric and print a figure alike.

A planner reads "Accounts 60% + potential 40%" and "399" in the balance dock while
painting and must find the same heading and the same figure in what is handed over.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from td_factories import build_grid_project
from td_programs import required_program

from territory_designer.balance.project_api import build_plan
from territory_designer.core.accounts import AccountTable, locate_points
from territory_designer.core.operations import AddGeneratedPlan
from territory_designer.core.project import Project
from territory_designer.reports import export
from territory_designer.ui.docks.territory_dock import TerritoryDock
from territory_designer.ui.qt_models.territory_model import CODE_ROLE, Column
from territory_designer.ui.session import Session

MIX_LABEL = "Accounts 60% + potential 40%"


@pytest.fixture
def project() -> Project:
    """4 x 6 grid, territories A/B/C, one account per unit with a potential such that
    every territory's total lies between 100 and 1,000 and has decimals."""
    base = build_grid_project(4, 6, ["AAABBB", "AAABBB", "CCCBBB", "CCCCCC"])
    xy = np.array([[g.centroid.x, g.centroid.y] for g in base.units.geometry])
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{k:02d}" for k in range(len(xy))],
            "name": [f"Account {k}" for k in range(len(xy))],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "unit": locate_points(xy, base.units.geometry),
            "located_by": "coordinates",
            "potential": np.round(12.5 + 3.37 * np.arange(len(xy)), 2),
        }
    )
    plans = list(base.plans.values())
    project = Project(base.units, base.adjacency, AccountTable(accounts), plans)
    project.set_balance_field("potential")
    return project


def _dock(qtbot, project: Project) -> TerritoryDock:
    dock = TerritoryDock(Session(project))
    qtbot.addWidget(dock)
    return dock


def _pdf_pages(path: Path) -> list[str]:
    pdftotext = required_program("pdftotext")
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_a_weighted_mix_has_one_heading_everywhere(qtbot, project, tmp_path):
    plan, _ = build_plan(project, k=3, balance_on={"accounts": 0.6, "potential": 0.4})
    project.apply(AddGeneratedPlan(plan))
    header = _dock(qtbot, project).model.headerData(Column.METRIC, Qt.Orientation.Horizontal)
    assert header == MIX_LABEL

    book = openpyxl.load_workbook(export("excel", project, tmp_path / "plan.xlsx"))
    rows = list(book["Summary"].iter_rows(values_only=True))
    table_header = next(r for r in rows if r[0] == "Territory")
    assert header in table_header

    pages = _pdf_pages(export("pdf", project, tmp_path / "plan.pdf"))
    assert f"balanced on {header}" in " ".join(pages[0].split())
    territory_pages = [p for p in pages[1:] if "Key figures" in p]
    assert territory_pages and all(f"Deviation ({header})" in p for p in territory_pages)

    page = export("html", project, tmp_path / "plan.html").read_text("utf-8")
    assert f"Deviation ({header})" in page


def test_a_figure_reads_the_same_in_the_dock_the_pdf_and_the_web_map(qtbot, project, tmp_path):
    model = _dock(qtbot, project).model
    shown = {}
    for row in range(model.rowCount()):
        code = model.index(row, Column.NAME).data(CODE_ROLE)
        territory_id = project.plan.territories[code].id
        shown[territory_id] = model.index(row, Column.METRIC).data()
    assert len(shown) == 3 and all("." not in text for text in shown.values())  # 398.52 -> 399

    pages = _pdf_pages(export("pdf", project, tmp_path / "plan.pdf"))
    for territory_id, text in shown.items():
        page = next(p for p in pages if p.startswith(f"{territory_id} "))
        printed = re.search(r"^Potential\s+(\S+)", page, re.MULTILINE)
        assert printed and printed.group(1) == text, territory_id

    html = export("html", project, tmp_path / "plan.html").read_text("utf-8")
    data = json.loads(re.search(r"var TD = (\{.*?\});?</script>", html, re.DOTALL).group(1))
    popups = {t["id"]: dict(t["figures"]) for t in data["territories"]}
    for territory_id, text in shown.items():
        assert popups[territory_id]["Potential"] == text, territory_id
