"""The Excel report as a manager hands it on (issue 18): chart, one-page summary, labels,
currency, colour fills, changes against the previous plan; reread with openpyxl and, for
the printed page, converted by LibreOffice and read with pdftotext.

Plans are built on the demo's real North Carolina counties (libpysal ``sids2``) with
accounts at real NC ZIP centroids, at 8, 20 and 40 territories.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from td_programs import required_program

from territory_designer.cli import main
from territory_designer.core.project import Project
from territory_designer.io.project_file import load_project
from territory_designer.reports import export
from territory_designer.reports.excel import TABLE_ROW

EMU_PER_CM = 360_000


@pytest.fixture(scope="module")
def built_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The demo project rebuilt at 20 and 40 territories (one file each)."""
    from territory_designer.io.demo import build_demo_project
    from territory_designer.io.project_file import save_project

    folder = tmp_path_factory.mktemp("built")
    out = {}
    for k in (20, 40):
        path = folder / f"k{k}.tdproj"
        save_project(build_demo_project(), path)
        assert main(["build", str(path), "-k", str(k), "--seed", "1"]) == 0
        out[k] = path
    return out


def _chart_sizes_cm(xlsx: Path) -> list[tuple[float, float]]:
    """(width, height) in cm of the charts drawn on the first sheet, from their anchors."""
    with zipfile.ZipFile(xlsx) as z:
        xml = z.read("xl/drawings/drawing1.xml").decode()
    sizes = re.findall(r'<(?:xdr:)?ext cx="(\d+)" cy="(\d+)"\s*/>\s*<(?:xdr:)?graphicFrame', xml)
    assert sizes
    return [(int(cx) / EMU_PER_CM, int(cy) / EMU_PER_CM) for cx, cy in sizes]


def test_chart_starts_at_zero_with_a_mean_line(demo_project: Project, tmp_path: Path):
    out = export("excel", demo_project, tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(out)["Summary"]
    n = len(demo_project.territory_table())
    mean_row = TABLE_ROW + n + 1
    assert ws.cell(row=mean_row, column=1).value == "Mean"
    heads = [c.value for c in ws[TABLE_ROW]]
    rev = heads.index("Revenue") + 1
    mean = demo_project.territory_table()["revenue"].mean()
    assert ws.cell(row=mean_row, column=rev).value == pytest.approx(mean)
    with zipfile.ZipFile(out) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert re.search(r'barDir val="col"', chart)  # a column per territory
    assert re.search(r'<(c:)?min val="0(\.0)?"\s*/>', chart)  # value axis from zero (was auto)
    # The columns run over the territories' rows of the revenue column...
    col = openpyxl.utils.get_column_letter(rev)
    assert f"${col}${TABLE_ROW + 1}:${col}${TABLE_ROW + n}" in chart
    # ...and a dashed line series over the same axes holds the mean once per territory,
    # from a hidden helper column that the chart still plots.
    line = re.search(r"<lineChart>.*</lineChart>", chart, re.S)
    assert line and 'prstDash val="dash"' in line.group(0)
    ref = re.search(r"<val><numRef><f>'Summary'!\$([A-Z]+)\$(\d+):\$\1\$(\d+)</f>", line.group(0))
    line_col, first, last = ref.group(1), int(ref.group(2)), int(ref.group(3))
    assert (first, last) == (TABLE_ROW + 1, TABLE_ROW + n)
    values = [ws[f"{line_col}{r}"].value for r in range(first, last + 1)]
    assert values == pytest.approx([mean] * n)
    assert ws.column_dimensions[line_col].hidden
    assert re.search(r'plotVisOnly val="0"', chart)
    assert "mean" in chart.lower()
    assert re.search(r'tickLblSkip val="1"', chart)  # every territory named on the axis


def test_chart_grows_with_the_number_of_territories(built_plans, demo_project_file, tmp_path):
    widths = {}
    for k, path in ((8, demo_project_file), *built_plans.items()):
        out = tmp_path / f"k{k}.xlsx"
        assert main(["export", str(path), "--excel", str(out)]) == 0
        widths[k] = max(w for w, _ in _chart_sizes_cm(out))
        with zipfile.ZipFile(out) as z:
            chart = z.read("xl/charts/chart1.xml").decode()
        upright = re.search(r'<a:bodyPr rot="-5400000"', chart) is not None
        assert upright == (k > 12)  # many names stand upright under their columns
    assert widths[8] <= widths[20] < widths[40]
    assert widths[40] >= 0.45 * 40  # at least ~0.45 cm per column: 40 names stay legible


def test_summary_prints_on_one_landscape_page(demo_project: Project, tmp_path: Path):
    demo_project.settings["title"] = "NC Sales & Service 2026"
    out = export("excel", demo_project, tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(out)["Summary"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 1
    assert str(ws.print_area).startswith("'Summary'!$A$1:")
    assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    assert ws.oddFooter.left.text == "NC Sales && Service 2026"
    # The map sits under the table (column A, below the totals), not beside it.
    (image,) = ws._images
    anchor = image.anchor._from
    n = len(demo_project.territory_table())
    assert anchor.col == 0 and anchor.row + 1 > TABLE_ROW + n + 2
    last_print_row = int(re.search(r"\$(\d+)$", str(ws.print_area)).group(1))
    assert last_print_row >= anchor.row + image.height / 20  # the map (20 px rows) is printed


def test_friendly_headers_currency_and_colour_fills(demo_project: Project, tmp_path: Path):
    demo_project.settings["currency"] = "€"
    out = export("excel", demo_project, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(out)
    units = [c.value for c in wb["Units"][1]]
    assert "Births 1974" in units and "births_1974" not in units  # was the raw field name
    accounts = [c.value for c in wb["Accounts"][1]]
    assert {"Revenue", "Potential", "Visits per year"} <= set(accounts)
    rev = accounts.index("Revenue") + 1
    assert wb["Accounts"].cell(row=2, column=rev).number_format.startswith('"€"#,##0')
    visits = accounts.index("Visits per year") + 1
    assert "€" not in wb["Accounts"].cell(row=2, column=visits).number_format
    summary = wb["Summary"]
    heads = [c.value for c in summary[TABLE_ROW]]
    assert (
        summary.cell(row=TABLE_ROW + 1, column=heads.index("Potential") + 1).number_format[:4]
        == '"€"#'
    )
    table = demo_project.territory_table()
    terr = wb["Territories"]
    theads = [c.value for c in terr[1]]
    colour_col = theads.index("Colour") + 1
    for i, colour in enumerate(table["color"], start=2):
        want = colour.lstrip("#").upper()
        assert summary.cell(row=TABLE_ROW + i - 1, column=1).fill.fgColor.rgb[-6:] == want
        cell = terr.cell(row=i, column=colour_col)
        assert cell.value is None and cell.fill.fgColor.rgb[-6:] == want  # was the hex text


def test_changes_sheet_against_the_previous_plan_without_baseline(demo_project: Project, tmp_path):
    demo_project.baseline_plan_name = None
    out = export("excel", demo_project, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(out)
    assert "Changes" in wb.sheetnames  # was left out: no baseline
    assert wb["Changes"]["A1"].value == "Changes from Baseline 2026 to Working draft"


def test_libreoffice_prints_the_40_territory_summary_on_page_one(built_plans, tmp_path):
    office = required_program("libreoffice", "soffice")
    required_program("pdftotext")
    project = tmp_path / "k40.tdproj"
    shutil.copy(built_plans[40], project)
    xlsx = tmp_path / "k40.xlsx"
    assert main(["export", str(project), "--excel", str(xlsx)]) == 0
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        capture_output=True, text=True, timeout=240, check=True,
    )  # fmt: skip
    pdf = tmp_path / "k40.pdf"

    def page(k: int) -> str:
        res = subprocess.run(
            ["pdftotext", "-layout", "-f", str(k), "-l", str(k), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return res.stdout

    first, second = page(1), page(2)
    ids = [t.id for t in load_project(project).plan.territories.values()]
    assert all(i in first for i in ids) and "Plan figures" in first and "Total" in first
    assert "Page 1 of" in first
    assert "Plan figures" not in second  # page 2 is the Territories sheet


def test_map_image_takes_the_plan_s_shape_under_the_table(demo_project: Project, tmp_path: Path):
    # North Carolina is about three times as wide as tall: the image is as wide as the
    # table above it and low, not a 7 x 4.8 inch box of margins around a band of map.
    out = export("excel", demo_project, tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(out)["Summary"]
    (image,) = ws._images
    assert image.width >= 7.0 * 96
    assert image.width / image.height > 2.5
