"""An import that locates nothing must not silently wipe the project's accounts."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from territory_designer.cli import main
from territory_designer.io.accounts_import import WouldRemoveAllError, prepare_import
from territory_designer.io.project_file import load_project


@pytest.fixture
def demo_file(demo_project_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.tdproj"
    target.write_bytes(Path(demo_project_file).read_bytes())
    return target


def write_book(path: Path) -> Path:
    """A customer sheet, and a "Notes" sheet of ids and revenue with no location column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer ID", "Customer Name", "ZIP", "Revenue"])
    ws.append(["N1", "Raleigh Supply", 27601, 1200])
    ws.append(["N2", "Charlotte Tools", 28202, 800])
    notes = wb.create_sheet("Notes")
    notes.append(["Customer ID", "Customer Name", "Revenue"])
    notes.append(["N1", "Raleigh Supply", 1200])
    notes.append(["N2", "Charlotte Tools", 800])
    alaska = wb.create_sheet("Alaska")  # real ZIPs, none inside North Carolina
    alaska.append(["Customer ID", "Customer Name", "ZIP", "Revenue"])
    alaska.append(["A1", "Anchorage Fish", "99501", 10])
    alaska.append(["A2", "Juneau Gear", "99801", 20])
    wb.save(path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("sheet", "why"),
    [("Notes", "no column gives a location"), ("Alaska", "none of its rows could be located")],
)
def test_sheet_that_locates_nothing_is_refused_and_the_project_kept(
    capsys, demo_file, tmp_path, sheet, why
):
    book = write_book(tmp_path / "customers.xlsx")
    before = demo_file.read_bytes()
    code, _, err = run(capsys, "import-accounts", str(demo_file), str(book), "--sheet", sheet)
    assert code == 2
    assert err.count("\n") == 1 and "customers.xlsx" in err and sheet in err
    assert why in err and "remove all 1,480 accounts" in err and "--replace-all" in err
    assert demo_file.read_bytes() == before


def test_replace_all_confirms_the_replacement(capsys, demo_file, tmp_path):
    book = write_book(tmp_path / "customers.xlsx")
    code, out, _ = run(
        capsys, "import-accounts", str(demo_file), str(book), "--sheet", "Notes",
        "--replace-all", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["removed"] == 1480
    assert sorted(load_project(demo_file).accounts.table["account_id"]) == ["N1", "N2"]


def test_a_sheet_that_locates_replaces_the_accounts_without_asking(capsys, demo_file, tmp_path):
    book = write_book(tmp_path / "customers.xlsx")
    code, out, _ = run(capsys, "import-accounts", str(demo_file), str(book), "--json")
    assert code == 0 and json.loads(out)["removed"] == 1480


def test_keep_removed_reports_kept_accounts_not_removed_ones(capsys, demo_file, tmp_path):
    book = write_book(tmp_path / "customers.xlsx")
    code, out, _ = run(
        capsys, "import-accounts", str(demo_file), str(book), "--keep-removed", "--json"
    )
    report = json.loads(out)
    assert code == 0 and (report["removed"], report["kept_absent"]) == (0, 1480)
    assert len(load_project(demo_file).accounts) == 1482
    # Nothing is lost when the absent accounts are kept: no confirmation needed.
    code, out, _ = run(
        capsys, "import-accounts", str(demo_file), str(book), "--sheet", "Notes",
        "--keep-removed", "--dry-run",
    )  # fmt: skip
    assert code == 0 and "removed 0, kept (not in the file) 1,480" in out


def test_the_refusal_is_a_typed_error_without_a_flag_for_the_wizard(demo_project, tmp_path):
    book = write_book(tmp_path / "customers.xlsx")
    with pytest.raises(WouldRemoveAllError) as info:
        prepare_import(demo_project, book, sheet="Notes")
    assert info.value.removed == 1480 and "--" not in str(info.value)
    prepared = prepare_import(demo_project, book, sheet="Notes", replace_all=True)
    assert len(prepared.report.removed) == 1480 and len(demo_project.accounts) == 1480
