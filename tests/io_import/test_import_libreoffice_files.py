"""Customer lists saved by LibreOffice Calc, as a client without Excel hands them over.

The workbook is written by openpyxl and converted by LibreOffice itself (``soffice
--headless --convert-to``), so the files carry what LibreOffice really writes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from td_programs import required_program
from td_superstore import nc_zips

from territory_designer.cli import main
from territory_designer.io.project_file import load_project


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same customer list as LibreOffice saves it: .xlsx and .ods."""
    office = required_program("soffice", "libreoffice")
    folder = tmp_path_factory.mktemp("lo")
    wb = openpyxl.Workbook()
    wb.active.append(["Customer ID", "Customer", "ZIP", "Revenue"])
    for i, z in enumerate(nc_zips()[:30]):
        wb.active.append([f"C{i:03d}", f"Shop {i}", float(z["zip_code"]), 100.0 + i])
    wb.save(folder / "source.xlsx")
    out = {}
    for kind in ("xlsx", "ods"):
        target = folder / kind
        subprocess.run(
            [office, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
             "--norestore", "--convert-to", kind, "--outdir", str(target),
             str(folder / "source.xlsx")],
            capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        out[kind] = target / f"source.{kind}"
        assert out[kind].exists()
    return out


def test_xlsx_saved_by_libreoffice_imports(
    converted: dict[str, Path], demo_project_file: Path, tmp_path: Path
) -> None:
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    assert main(["import-accounts", str(project), str(converted["xlsx"])]) == 0
    table = load_project(project).accounts.table
    assert len(table) == 30 and (table["unit"] >= 0).all()  # ZIPs saved as 27006.0 locate


def test_ods_is_named_with_what_to_do(
    converted: dict[str, Path],
    demo_project_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: "a zip file but not an Excel workbook (no xl/workbook.xml)"."""
    project = tmp_path / "demo.tdproj"
    shutil.copy(demo_project_file, project)
    before = project.read_bytes()
    capsys.readouterr()
    assert main(["import-accounts", str(project), str(converted["ods"])]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "source.ods" in err
    assert "OpenDocument" in err and "save it as .xlsx" in err
    assert project.read_bytes() == before
