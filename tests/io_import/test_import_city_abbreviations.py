"""Cities typed with the usual abbreviations (``Mt. Airy``, ``Ft. Bragg``) are found.

A list with a city and a state but no ZIP is placed at the city's centroid. The bundled
gazetteer spells "Mount", "Fort" in full; only ``St.`` was folded, so "Mt. Airy, NC" was
"city and state not found". Real North Carolina places (the demo project's counties).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from territory_designer.cli import main
from territory_designer.io.project_file import load_project

PLACES = (  # city as typed, state, county FIPS
    ("Mt. Airy", "NC", "37171"),  # Surry
    ("Mt Olive", "NC", "37191"),  # Wayne
    ("Ft. Bragg", "NC", "37051"),  # Cumberland
    ("St. Pauls", "NC", "37155"),  # Robeson, folded before too
)


@pytest.mark.parametrize(("city", "state", "fips"), PLACES)
def test_abbreviated_city_is_located(
    city: str, state: str, fips: str, demo_project_file: Path, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "City", "State", "Revenue"])
    wb.active.append(["C1", "Main Street Store", city, state, 100.0])
    wb.save(tmp_path / "stores.xlsx")
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    argv = ["import-accounts", str(project), str(tmp_path / "stores.xlsx"), "--keep-removed"]
    assert main(argv) == 0
    loaded = load_project(project)
    account = loaded.accounts.table.set_index("account_id").loc["C1"]
    assert account["located_by"] == "city"
    assert loaded.units.ids[int(account["unit"])] == fips
