"""Files real clients send: damaged or hostile workbook XML, UTF-16 text, NULs, huge rows.

Every refusal is checked through the command line too: exit 2, one line on stderr, and the
project file byte-identical afterwards.
"""

from __future__ import annotations

import codecs
import time
import zipfile
from pathlib import Path

import pytest
from import_files import write_xlsx

from territory_designer.cli import main
from territory_designer.core.errors import InputError
from territory_designer.io.accounts_import import import_accounts, list_sheets, preview
from territory_designer.io.project_file import save_project

SHEET = "xl/worksheets/sheet1.xml"


def _rewritten(src: Path, dst: Path, part: str, change) -> Path:  # noqa: ANN001
    """A copy of workbook ``src`` with one part's bytes changed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == part else data)
    return dst


def _good_workbook(tmp_path: Path) -> Path:
    rows = [["id", "zip", "revenue"], ["a", "0001", 3], ["b", "0002", 4]]
    return write_xlsx(tmp_path / "good.xlsx", rows)


def _cli_refuses(capsys, project, path: Path, match: str) -> None:  # noqa: ANN001
    """``import-accounts`` exits 2 with one line naming the file; the project is untouched."""
    project_file = project.path or save_project(project, path.parent / "p.tdproj")
    before = Path(project_file).read_bytes()
    capsys.readouterr()
    assert main(["import-accounts", str(project_file), str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and path.name in err and match in err, err
    assert Path(project_file).read_bytes() == before


def test_malformed_sheet_xml_is_a_damaged_workbook(capsys, grid_project, tmp_path):
    path = _rewritten(
        _good_workbook(tmp_path),
        tmp_path / "broken.xlsx",
        SHEET,
        lambda d: d[:300] + b"<<" + d[300:],
    )
    for call in (lambda: import_accounts(grid_project, path), lambda: preview(path)):
        with pytest.raises(InputError, match="broken.xlsx: the workbook is damaged"):
            call()
    _cli_refuses(capsys, grid_project, path, "the workbook is damaged")


def _laughs(levels: int = 10) -> bytes:
    decl = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (k, b"&lol%d;" % (k - 1) * 10) for k in range(1, levels)
    )
    return b'<?xml version="1.0"?><!DOCTYPE worksheet [' + decl + b"]>"


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml"])
def test_billion_laughs_workbook_is_refused_without_expanding(capsys, grid_project, tmp_path, part):
    def bomb(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[-1] if data.startswith(b"<?xml") else data
        return _laughs() + body.replace(b"<v>3</v>", b"<v>&lol9;</v>")

    path = _rewritten(_good_workbook(tmp_path), tmp_path / "laughs.xlsx", part, bomb)
    start = time.perf_counter()
    for call in (
        lambda: import_accounts(grid_project, path),
        lambda: preview(path),
        lambda: list_sheets(path),
    ):
        with pytest.raises(InputError, match="laughs.xlsx: the workbook is damaged.*entities"):
            call()
    print(f"billion laughs in {part} refused in {time.perf_counter() - start:.3f} s")
    _cli_refuses(capsys, grid_project, path, "declares XML entities")


def test_utf16_unicode_text_from_excel_is_read(grid_project, tmp_path):
    path = tmp_path / "unicode.txt"  # Excel's "Unicode Text": UTF-16 LE with BOM, tabs
    text = "id\tname\tzip\r\na\tCafé Muñoz\t0001\r\nb\tZürich AG\t0002\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    report = import_accounts(grid_project, path)
    t = grid_project.accounts.table
    assert t["name"].tolist() == ["Café Muñoz", "Zürich AG"] and t["unit"].tolist() == [1, 2]
    assert any("utf-16" in n for n in report.notes)


def test_a_nul_byte_inside_a_field_is_listed_and_removed(grid_project, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"id,name,zip\na,Ac\x00me,0001\nb,Bob,0002\n")
    report = import_accounts(grid_project, path)
    issue = report.issues[0]
    assert (issue.row, issue.column) == (2, "name") and "NUL" in issue.message
    assert grid_project.accounts.table["name"].tolist() == ["Acme", "Bob"]
    save_project(grid_project, tmp_path / "p.tdproj")
    from territory_designer.io.project_file import load_project

    assert load_project(tmp_path / "p.tdproj").accounts.table["name"].tolist() == ["Acme", "Bob"]


def test_a_million_column_row_is_refused_within_seconds(capsys, grid_project, tmp_path):
    path = tmp_path / "wide.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join(f"c{k}" for k in range(1_000_000)) + "\n")
        fh.write(",".join("1" for _ in range(1_000_000)) + "\n")
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"wide.csv, line 1: 1,000,000 columns; .* at most 1,950"):
        import_accounts(grid_project, path)
    print(f"1,000,000-column CSV refused in {time.perf_counter() - start:.2f} s")
    with pytest.raises(InputError, match="columns"):
        preview(path)
    _cli_refuses(capsys, grid_project, path, "columns")


def test_a_sheet_wider_than_a_project_table_is_refused(grid_project, tmp_path):
    path = write_xlsx(tmp_path / "wide.xlsx", [[f"c{k}" for k in range(2100)], list(range(2100))])
    with pytest.raises(InputError, match=r"wide.xlsx, sheet 'Sheet1'.*2,100 columns"):
        import_accounts(grid_project, path)
    with pytest.raises(InputError, match="wide.xlsx, sheet 'Sheet1'.*columns"):
        preview(path)
