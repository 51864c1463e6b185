"""Coordinates in degree notation (``35.7796° N``, ``78°38'17" W``) locate accounts.

GPS tools, field-survey apps and some CRMs export coordinates as text with a degree sign
and a hemisphere letter. Before: each such cell was "not a number" and the account
unlocated ("latitude/longitude missing, not numbers or out of range"). Real centroids of
North Carolina ZIP codes (the demo project's counties), written three ways.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from td_superstore import nc_zips

from territory_designer.cli import main
from territory_designer.io.project_file import load_project


def _dms(value: float, positive: str, negative: str) -> str:
    hemi = positive if value >= 0 else negative
    value = abs(value)
    deg, rest = int(value), (value - int(value)) * 60
    return f"{deg}°{int(rest)}'{(rest - int(rest)) * 60:.2f}\" {hemi}"


def test_degree_notation_locates_where_the_numbers_do(
    demo_project_file: Path, tmp_path: Path
) -> None:
    zips = [z for z in nc_zips() if z["lat"]][:60:2]
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "Latitude", "Longitude", "Revenue"])
    for i, z in enumerate(zips):
        lat, lon = float(z["lat"]), float(z["long"])
        written = (
            (lat, lon),  # numbers, the control
            (f"{lat:.4f}° N", f"{abs(lon):.4f}° W"),
            (_dms(lat, "N", "S"), _dms(lon, "E", "W")),
        )
        for k, (a, b) in enumerate(written):
            wb.active.append([f"C{i:02d}-{k}", f"Shop {i}", a, b, 100.0])
    wb.save(tmp_path / "gps.xlsx")
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    assert main(["import-accounts", str(project), str(tmp_path / "gps.xlsx")]) == 0
    table = load_project(project).accounts.table.set_index("account_id")
    assert (table["unit"] >= 0).all() and (table["located_by"] == "coordinates").all()
    for i in range(len(zips)):
        units = {int(table.loc[f"C{i:02d}-{k}", "unit"]) for k in range(3)}
        assert len(units) == 1, i  # the same county whichever way it was written
