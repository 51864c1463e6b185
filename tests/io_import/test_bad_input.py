"""Bad input: one clear InputError naming file/sheet/row/column; the project unchanged."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import openpyxl
import pytest
from import_files import grid_latlon, write_raw_xlsx, write_xlsx
from td_factories import snapshot

from territory_designer.core.errors import InputError
from territory_designer.io.accounts_import import import_accounts, preview
from territory_designer.io.accounts_import.safety import CFB_MAGIC


def _refused(project, path, match, **kw):  # noqa: ANN001, ANN202
    before = json.dumps(snapshot(project), default=str)  # NaN-safe comparison
    with pytest.raises(InputError, match=match) as info:
        import_accounts(project, path, **kw)
    assert json.dumps(snapshot(project), default=str) == before
    return str(info.value)


def test_not_a_spreadsheet(grid_project, tmp_path):
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    _refused(grid_project, png, "photo.xlsx: not a valid Excel workbook")
    blob = tmp_path / "data.bin"
    blob.write_bytes(bytes(range(256)) * 10)
    _refused(grid_project, blob, "not a spreadsheet")


def test_truncated_workbook(grid_project, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [["id", "zip"], ["a", "0001"]])
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(good.read_bytes()[:600])
    _refused(grid_project, bad, "cut.xlsx: the workbook is damaged or truncated")


def test_password_protected_workbook(grid_project, tmp_path):
    """A workbook really encrypted with a password, as Excel's "Encrypt with Password"."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", [["id", "zip"], ["a", "0001"]] * 50)
    path = tmp_path / "secret.xlsx"
    with open(plain, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt("s3cret", out)
    with open(path, "rb") as fh:
        assert fh.read(8) == CFB_MAGIC[:8] and OOXMLFile(fh).is_encrypted()
    _refused(grid_project, path, "secret.xlsx: the workbook is password-protected")


def test_empty_sheet(grid_project, tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", [], title="Blank")
    _refused(grid_project, path, "empty.xlsx, sheet 'Blank': the sheet is empty")


def test_no_header_row(grid_project, tmp_path):
    path = write_xlsx(tmp_path / "nohead.xlsx", [[1, 35.1, -80.2], [2, 35.2, -80.3]])
    msg = _refused(grid_project, path, "no header row found")
    assert "sheet 'Sheet1'" in msg


def test_duplicate_account_ids_name_rows_and_column(grid_project, tmp_path):
    path = write_xlsx(
        tmp_path / "dups.xlsx", [["Account ID", "Name"], ["A1", "x"], ["A2", "y"], ["A1", "z"]]
    )
    msg = _refused(grid_project, path, "account id 'A1' appears on rows 2, 4")
    assert "sheet 'Sheet1'" in msg and "column A ('Account ID')" in msg


def test_latitude_out_of_range_is_listed_or_refused_when_strict(grid_project, tmp_path):
    lat, lon = grid_latlon(grid_project, [0, 1])
    rows = [["id", "lat", "lon"], ["a", lat[0], lon[0]], ["b", 123.0, lon[1]]]
    path = write_xlsx(tmp_path / "lat.xlsx", rows)
    report = import_accounts(grid_project, path)
    assert report.unlocated == {**report.unlocated, "invalid_coordinates": 1}
    issue = report.issues[0]
    assert (issue.row, issue.column) == (3, "lat") and "out of range" in issue.message
    msg = _refused(grid_project, path, "row 3", strict=True)
    assert "column B ('lat')" in msg and "lat.xlsx, sheet 'Sheet1'" in msg


def test_text_in_a_numeric_column(grid_project, tmp_path):
    some = write_xlsx(
        tmp_path / "some.xlsx",
        [["id", "zip", "revenue"], ["a", "0001", 10], ["b", "0002", "call"], ["c", "0003", 5]],
    )
    report = import_accounts(grid_project, some)
    assert report.issues[0].row == 3 and report.issues[0].column == "revenue"
    assert np.isnan(grid_project.accounts.table["revenue"][1])
    mostly = write_xlsx(
        tmp_path / "mostly.xlsx",
        [["id", "zip", "revenue"], ["a", "0001", "n/a"], ["b", "0002", "tbd"], ["c", "0003", 1]],
    )
    msg = _refused(grid_project, mostly, "'n/a' is not a number")
    assert "row 2" in msg and "column C ('revenue')" in msg


def test_merged_cells_are_filled_down(grid_project, tmp_path):
    path = tmp_path / "merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Segment", "id", "zip"])
    ws.append(["Hospital", "a", "0001"])
    ws.append([None, "b", "0002"])
    ws.append(["Clinic", "c", "0003"])
    ws.merge_cells("A2:A3")
    wb.save(path)
    report = import_accounts(grid_project, path)
    assert grid_project.accounts.table["segment"].tolist() == ["Hospital", "Hospital", "Clinic"]
    assert any("A2:A3" in n for n in report.notes)


def test_decompression_bomb_is_refused_before_unpacking(grid_project, tmp_path):
    path = write_raw_xlsx(
        tmp_path / "bomb.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
    )
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/media/pad.bin", "w") as fh,
    ):
        chunk = bytes(1 << 20)
        for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
            fh.write(chunk)
    assert path.stat().st_size < 2_000_000
    _refused(grid_project, path, "decompression bomb")
    with pytest.raises(InputError, match="decompression bomb"):
        preview(path)


def test_external_links_and_macros_use_cached_values_and_run_nothing(grid_project, tmp_path):
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>zip</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>revenue</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B2" t="str"><f>[1]Sheet1!B2</f><v>0005</v></c>'
        '<c r="C2"><f>SUM([1]Sheet1!C1:C9)+WEBSERVICE("http://example.com")</f><v>42</v></c></row>'
    )
    path = write_raw_xlsx(
        tmp_path / "linked.xlsm",
        sheet,
        {
            "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really vba",
            "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
        },
    )
    report = import_accounts(grid_project, path)
    t = grid_project.accounts.table
    assert t["unit"].tolist() == [5] and t["revenue"].tolist() == [42.0]
    assert any("macros" in n for n in report.notes)
    assert any("links" in n for n in report.notes)


def test_unknown_sheet_and_column(grid_project, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [["id", "zip"], ["a", "0001"]], title="Data")
    _refused(grid_project, path, "no sheet 'Nope'; sheets: Data", sheet="Nope")
    _refused(grid_project, path, "no column 'Postcode'", mapping={"postal_code": "Postcode"})


@pytest.mark.slow
def test_a_million_row_sheet_imports(grid_project, tmp_path):
    path = tmp_path / "million.csv"
    k = np.arange(1_000_000)
    codes = np.char.zfill((k % 30).astype(str), 4)  # 24 known unit codes, 6 unknown
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,zip,revenue\n")
        fh.write(
            "\n".join(f"{a},{c},{a % 97}" for a, c in zip(k.tolist(), codes.tolist(), strict=True))
        )
    report = import_accounts(grid_project, path)
    d = report.to_dict()
    assert d["rows"] == 1_000_000
    known = int(((k % 30) < 24).sum())
    assert d["located"]["unit_code"] == known
    assert d["unlocated"]["unknown_postal_code"] == 1_000_000 - known
